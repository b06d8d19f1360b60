"""PyJWT side of PyJWTInteropTests: reads one JSON request on stdin, writes one JSON answer on stdout.

Commands:
  verify  {"cases": [{"alg", "token", "pem"?, "secret"?, "jwk"?, "issuer", "audience"}]}
          -> {"results": [{"alg", "via", "ok", "error", "header", "claims"}]}
          Each token is decoded once per key form given (PEM, raw HMAC secret, JWK).
  sign    {"algorithms": [...], "claims": {...}}
          -> {"results": [{"alg", "kid", "token", "pem", "secret", "jwk"}]}
          PyJWT generates a key with `cryptography` for each algorithm and signs the claims.
  jwks    {"jwks": {...}, "tokens": [...], "issuer", "audience"}
          -> {"kids": [...], "algorithms": {...}, "thumbprints": {...}, "results": [...]}
          The JWK Set is loaded with PyJWKSet; each token is verified with the key its kid selects.
Errors are reported per case ("ok": false) as the exception's class and message; never a key or token.
"""

import base64
import hashlib
import json
import secrets
import sys

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from jwt.algorithms import get_default_algorithms

ALGORITHMS = get_default_algorithms()
REQUIRED = ["exp", "iat", "nbf", "sub", "jti", "iss", "aud"]


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def decode(token, key, alg, issuer, audience):
    try:
        claims = jwt.decode(
            token,
            key,
            algorithms=[alg],
            issuer=issuer,
            audience=audience,
            options={"require": REQUIRED},
        )
        return {"ok": True, "error": None, "header": jwt.get_unverified_header(token), "claims": claims}
    except Exception as error:  # reported to the Swift test, which fails on it
        return {"ok": False, "error": f"{type(error).__name__}: {error}", "header": None, "claims": None}


def verify(request):
    results = []
    for case in request["cases"]:
        forms = []
        if case.get("pem"):
            forms.append(("pem", case["pem"]))
        if case.get("secret"):
            forms.append(("secret", b64url_decode(case["secret"])))
        if case.get("jwk"):
            forms.append(("jwk", jwt.PyJWK(case["jwk"])))
        for via, key in forms:
            result = decode(case["token"], key, case["alg"], case["issuer"], case["audience"])
            results.append({"alg": case["alg"], "via": via, **result})
    return {"results": results}


def generate(alg):
    if alg.startswith("HS"):
        return secrets.token_bytes(64)
    if alg[:2] in ("RS", "PS"):
        return rsa.generate_private_key(public_exponent=65537, key_size=2048)
    if alg == "ES256":
        return ec.generate_private_key(ec.SECP256R1())
    if alg == "ES384":
        return ec.generate_private_key(ec.SECP384R1())
    if alg == "ES512":
        return ec.generate_private_key(ec.SECP521R1())
    if alg == "EdDSA":
        return ed25519.Ed25519PrivateKey.generate()
    raise ValueError(f"unknown algorithm {alg}")


def sign(request):
    results = []
    for alg in request["algorithms"]:
        key = generate(alg)
        kid = f"pyjwt-{alg}"
        token = jwt.encode(request["claims"], key, algorithm=alg, headers={"kid": kid})
        if isinstance(key, bytes):
            results.append(
                {
                    "alg": alg,
                    "kid": kid,
                    "token": token,
                    "pem": None,
                    "secret": b64url(key),
                    "jwk": ALGORITHMS[alg].to_jwk(key, as_dict=True),
                }
            )
            continue
        public = key.public_key()
        pem = public.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        results.append(
            {
                "alg": alg,
                "kid": kid,
                "token": token,
                "pem": pem.decode("ascii"),
                "secret": None,
                "jwk": ALGORITHMS[alg].to_jwk(public, as_dict=True),
            }
        )
    return {"results": results}


def thumbprint(jwk):
    """RFC 7638 §3: the required members, sorted, no whitespace, SHA-256."""
    required = {"RSA": ["e", "kty", "n"], "EC": ["crv", "kty", "x", "y"], "OKP": ["crv", "kty", "x"]}
    members = {name: jwk[name] for name in required[jwk["kty"]]}
    canonical = json.dumps(members, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return b64url(hashlib.sha256(canonical.encode("utf-8")).digest())


def jwks(request):
    key_set = jwt.PyJWKSet.from_dict(request["jwks"])
    results = []
    for token in request["tokens"]:
        kid = jwt.get_unverified_header(token)["kid"]
        try:
            key = key_set[kid]
        except KeyError:
            results.append({"kid": kid, "ok": False, "error": "no key with this kid", "header": None, "claims": None})
            continue
        result = decode(token, key, key.algorithm_name, request["issuer"], request["audience"])
        results.append({"kid": kid, **result})
    return {
        "kids": [key.key_id for key in key_set.keys],
        "algorithms": {key.key_id: key.algorithm_name for key in key_set.keys},
        "thumbprints": {entry["kid"]: thumbprint(entry) for entry in request["jwks"]["keys"]},
        "results": results,
    }


def main():
    request = json.load(sys.stdin)
    command = {"verify": verify, "sign": sign, "jwks": jwks}[request["command"]]
    json.dump(command(request), sys.stdout)


if __name__ == "__main__":
    main()
