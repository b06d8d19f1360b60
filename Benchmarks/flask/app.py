"""Reference app for scripts/bench-service: Flask + Flask-JWT-Extended, as the seed posts use it.

Written by scripts/bench-service (this committed copy is what it writes). `/health`, and
`@jwt_required()` `/api/protected` answering `{"user": get_jwt_identity()}` with a
`token_in_blocklist_loader` over an in-memory set (as jwt-auth's in-memory revocation index).
HS256 with the secret in BENCH_JWT_SECRET; run it with gunicorn (`app:app`).
`python app.py SUBJECT` prints an access token of the same shape as jwt-auth's login gives
(sub, iat, nbf, exp, jti, type, fresh, roles).
"""

import os
import sys

from flask import Flask, jsonify
from flask_jwt_extended import JWTManager, create_access_token, get_jwt_identity, jwt_required

app = Flask(__name__)
app.config["JWT_SECRET_KEY"] = os.environ["BENCH_JWT_SECRET"]
app.config["JWT_ALGORITHM"] = "HS256"
app.config["JWT_TOKEN_LOCATION"] = ["headers"]
jwt = JWTManager(app)

REVOKED_JTIS: set[str] = set()


@jwt.token_in_blocklist_loader
def check_if_token_revoked(jwt_header, jwt_payload):
    return jwt_payload["jti"] in REVOKED_JTIS


@app.get("/health")
def health():
    return jsonify(status="ok")


@app.get("/api/protected")
@jwt_required()
def protected():
    return jsonify(user=get_jwt_identity())


def mint(subject: str) -> str:
    with app.app_context():
        return create_access_token(identity=subject, fresh=True, additional_claims={"roles": []})


if __name__ == "__main__":
    print(mint(sys.argv[1] if len(sys.argv) > 1 else "1"))
