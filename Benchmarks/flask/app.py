"""Reference app for scripts/bench-service: `jwt-auth serve`'s benchmarked routes in Flask + Flask-JWT-Extended.

It does the same work per request as jwt-auth (DESIGN.md, "The auth service"), the way the seed posts
build it, so that the benchmark compares like with like:

- users in SQLite (WAL, synchronous=FULL, as jwt-auth's default store), bcrypt hashes at the cost in
  BENCH_BCRYPT_COST (default 12), the unknown-user path checking a dummy hash of the same cost;
- HS256 with the secret in BENCH_JWT_SECRET; access tokens 15 minutes, refresh tokens 7 days; claims
  sub (the user id as a string), iat, nbf, exp, jti, type, fresh, sid, roles;
- `POST /auth/register`, `POST /auth/login`, `POST /auth/refresh` (rotation: the presented refresh
  token is spent in the database in one transaction; a spent one revokes its session), `GET
  /api/protected` (`@jwt_required()`, `{"user": identity}`), `GET /health` (one query to the database);
- a `token_in_blocklist_loader` answering from in-memory sets of revoked jtis and sids kept in step
  with the tables and loaded at start, like jwt-auth's in-memory revocation index.

Run it with gunicorn (`app:app`), one sync worker; the database is BENCH_DATABASE (a file path).
"""

import os
import sqlite3
import time
import uuid
from datetime import timedelta

import bcrypt
from flask import Flask, jsonify, request
from flask_jwt_extended import (
    JWTManager,
    create_access_token,
    create_refresh_token,
    get_jwt,
    get_jwt_identity,
    jwt_required,
)

ACCESS_TTL = timedelta(minutes=15)
REFRESH_TTL = timedelta(days=7)
BCRYPT_COST = int(os.environ.get("BENCH_BCRYPT_COST", "12"))

app = Flask(__name__)
app.config["JWT_SECRET_KEY"] = os.environ["BENCH_JWT_SECRET"]
app.config["JWT_ALGORITHM"] = "HS256"
app.config["JWT_TOKEN_LOCATION"] = ["headers"]
app.config["JWT_COOKIE_CSRF_PROTECT"] = False  # no csrf claim: jwt-auth adds one only with cookies
app.config["JWT_ACCESS_TOKEN_EXPIRES"] = ACCESS_TTL
app.config["JWT_REFRESH_TOKEN_EXPIRES"] = REFRESH_TTL
app.config["MAX_CONTENT_LENGTH"] = 64 * 1024
jwt = JWTManager(app)

SCHEMA = """
CREATE TABLE IF NOT EXISTS users (
    id INTEGER PRIMARY KEY AUTOINCREMENT, username TEXT NOT NULL UNIQUE, password_hash TEXT NOT NULL,
    roles TEXT NOT NULL DEFAULT '[]', disabled INTEGER NOT NULL DEFAULT 0, created_at REAL NOT NULL);
CREATE TABLE IF NOT EXISTS revoked_tokens (jti TEXT PRIMARY KEY, expires_at REAL NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS revoked_sessions (sid TEXT PRIMARY KEY, expires_at REAL NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS spent_refresh_tokens (jti TEXT PRIMARY KEY, expires_at REAL NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS sessions (sid TEXT PRIMARY KEY, subject TEXT NOT NULL, expires_at REAL NOT NULL) WITHOUT ROWID;
"""

_db = None
REVOKED_JTIS: set = set()
REVOKED_SIDS: set = set()
DUMMY_HASH = bcrypt.hashpw(b"not-a-real-password", bcrypt.gensalt(BCRYPT_COST))


def db() -> sqlite3.Connection:
    """The worker's connection (opened after gunicorn forks), with the revocation sets loaded."""
    global _db
    if _db is None:
        connection = sqlite3.connect(os.environ["BENCH_DATABASE"], isolation_level=None)
        connection.execute("PRAGMA journal_mode = WAL")
        connection.execute("PRAGMA synchronous = FULL")
        connection.execute("PRAGMA busy_timeout = 5000")
        connection.executescript(SCHEMA)
        now = time.time()
        REVOKED_JTIS.update(r[0] for r in connection.execute("SELECT jti FROM revoked_tokens WHERE expires_at > ?", (now,)))
        REVOKED_SIDS.update(r[0] for r in connection.execute("SELECT sid FROM revoked_sessions WHERE expires_at > ?", (now,)))
        _db = connection
    return _db


def error(status: int, code: str, msg: str):
    return jsonify(error=code, msg=msg), status


@jwt.token_in_blocklist_loader
def check_if_token_revoked(jwt_header, jwt_payload):
    db()
    return jwt_payload["jti"] in REVOKED_JTIS or jwt_payload.get("sid") in REVOKED_SIDS


def credentials():
    body = request.get_json(silent=True)
    if not isinstance(body, dict) or not isinstance(body.get("username"), str) or not isinstance(body.get("password"), str):
        return None
    return body["username"], body["password"].encode()


def token_pair(user_id: str, roles: list, sid: str, fresh: bool):
    claims = {"sid": sid, "roles": roles}
    access = create_access_token(identity=user_id, fresh=fresh, additional_claims=claims)
    refresh = create_refresh_token(identity=user_id, additional_claims=claims)
    return access, refresh


def token_response(access: str, refresh: str):
    return jsonify(access_token=access, refresh_token=refresh, token_type="Bearer", expires_in=int(ACCESS_TTL.total_seconds()))


@app.get("/health")
def health():
    db().execute("SELECT 1").fetchone()
    return jsonify(status="ok", stores={"database": "ok"})


@app.post("/auth/register")
def register():
    given = credentials()
    if given is None:
        return error(400, "bad_request", "Expected username and password strings")
    username, password = given
    if not 8 <= len(password) <= 72 or b"\0" in password:
        return error(400, "bad_request", "The password must be 8 to 72 bytes")
    hashed = bcrypt.hashpw(password, bcrypt.gensalt(BCRYPT_COST)).decode()
    try:
        cursor = db().execute(
            "INSERT INTO users (username, password_hash, created_at) VALUES (?, ?, ?)", (username, hashed, time.time())
        )
    except sqlite3.IntegrityError:
        return error(409, "conflict", "Username already exists")
    return jsonify(id=str(cursor.lastrowid), username=username, roles=[]), 201


@app.post("/auth/login")
def login():
    given = credentials()
    if given is None:
        return error(400, "bad_request", "Expected username and password strings")
    username, password = given
    row = db().execute("SELECT id, password_hash, roles, disabled FROM users WHERE username = ?", (username,)).fetchone()
    matches = bcrypt.checkpw(password, row[1].encode() if row else DUMMY_HASH)
    if row is None or not matches:
        return error(401, "invalid_credentials", "Bad username or password")
    if row[3]:
        return error(403, "forbidden", "The account is disabled")
    user_id, sid = str(row[0]), str(uuid.uuid4())
    access, refresh = token_pair(user_id, [], sid, fresh=True)
    db().execute("INSERT INTO sessions (sid, subject, expires_at) VALUES (?, ?, ?)", (sid, user_id, time.time() + REFRESH_TTL.total_seconds()))
    return token_response(access, refresh)


@app.post("/auth/refresh")
@jwt_required(refresh=True)
def refresh():
    claims = get_jwt()
    jti, sid, user_id = claims["jti"], claims["sid"], get_jwt_identity()
    connection = db()
    connection.execute("BEGIN IMMEDIATE")
    try:
        spent = connection.execute("INSERT OR IGNORE INTO spent_refresh_tokens (jti, expires_at) VALUES (?, ?)", (jti, claims["exp"]))
        if spent.rowcount == 0:
            # A spent refresh token came back: revoke its whole session.
            until = time.time() + REFRESH_TTL.total_seconds()
            connection.execute("INSERT OR REPLACE INTO revoked_sessions (sid, expires_at) VALUES (?, ?)", (sid, until))
            connection.execute("DELETE FROM sessions WHERE sid = ?", (sid,))
            connection.execute("COMMIT")
            REVOKED_SIDS.add(sid)
            return error(401, "token_revoked", "Token has been revoked")
        connection.execute("COMMIT")
    except BaseException:
        connection.execute("ROLLBACK")
        raise
    row = connection.execute("SELECT roles, disabled FROM users WHERE id = ?", (int(user_id),)).fetchone()
    if row is None:
        return error(401, "user_not_found", f"Error loading the user {user_id}")
    if row[1]:
        return error(403, "forbidden", "The account is disabled")
    access, refresh = token_pair(user_id, [], sid, fresh=False)
    connection.execute("UPDATE sessions SET expires_at = ? WHERE sid = ?", (time.time() + REFRESH_TTL.total_seconds(), sid))
    return token_response(access, refresh)


@app.get("/api/protected")
@jwt_required()
def protected():
    return jsonify(user=get_jwt_identity())
