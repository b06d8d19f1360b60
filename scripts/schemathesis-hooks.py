"""Schemathesis hooks for scripts/schemathesis.

Real tokens: each test case of a protected operation gets a new user's tokens (a refresh token for
/auth/refresh, an access token elsewhere), so that a logout, a logout-all or a password change in one
case never spoils the token of the next; with JWT_AUTH_SCHEMATHESIS_COOKIES=1 (the service run with
JWT_AUTH_TOKEN_LOCATION=cookies) as the token cookie with its X-CSRF-TOKEN header. A step of the stateful
phase keeps the Authorization header the document's links gave it. /auth/introspect gets the introspection client that
scripts/schemathesis configures (JWT_AUTH_INTROSPECTION_CLIENT, `id:secret`) as HTTP Basic.

Passwords: the service counts a password's UTF-8 bytes (8 to 72, bcrypt's limit), which JSON Schema
cannot say; the document's `format: password` strings are drawn from printable ASCII, where a
character is a byte, so that the document's minLength and maxLength are exact for them.
"""

import base64
import json
import os
import re
import urllib.request
import uuid

import schemathesis
from hypothesis import strategies as st

BASE_URL = os.environ["JWT_AUTH_BASE_URL"]
PASSWORD = "schemathesis password"


COOKIES = os.environ.get("JWT_AUTH_SCHEMATHESIS_COOKIES") == "1"
# A JWS the service issued (its header is base64url JSON, so it begins "eyJ"), as a link passes it on.
_LINKED_TOKEN = re.compile(r"^Bearer eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$")


def _post(path, body, address):
    """The JSON answer to a POST from client `address` (believed only when 127.0.0.1 is a trusted proxy,
    as in the throttled configuration), and the cookies it set."""
    request = urllib.request.Request(
        BASE_URL + path,
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json", "X-Forwarded-For": address},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        cookies = {}
        for line in response.headers.get_all("Set-Cookie") or []:
            name, _, value = line.split(";", 1)[0].partition("=")
            cookies[name] = value
        return json.load(response), cookies


@schemathesis.auth(refresh_interval=None).apply_to(path_regex=r"^/(auth/(refresh|logout|logout-all|password|me|verify)|api/.*)$")
class NewSession:
    def get(self, case, context):
        username = "st-" + uuid.uuid4().hex[:20]
        address = "10.{}.{}.{}".format(*os.urandom(3))
        _post("/auth/register", {"username": username, "password": PASSWORD}, address)
        tokens, cookies = _post("/auth/login", {"username": username, "password": PASSWORD}, address)
        kind = "refresh" if case.operation.path == "/auth/refresh" else "access"
        if COOKIES:
            # JWT_AUTH_TOKEN_LOCATION=cookies: the token cookie and the double-submit CSRF value.
            return {"cookie": f"{kind}_token_cookie={cookies[kind + '_token_cookie']}", "csrf": cookies[f"csrf_{kind}_token"]}
        return tokens[f"{kind}_token"]

    def set(self, case, data, context):
        case.headers = case.headers or {}
        if COOKIES:
            case.headers["Cookie"] = data["cookie"]
            case.headers["X-CSRF-TOKEN"] = data["csrf"]
            return
        # A step of the stateful phase may carry a token of the step before it, through the document's
        # links (login -> refresh -> logout -> refresh): keep that, replace a generated one.
        if not _LINKED_TOKEN.match(case.headers.get("Authorization", "")):
            case.headers["Authorization"] = f"Bearer {data}"


@schemathesis.auth(refresh_interval=None).apply_to(path="/auth/introspect")
class IntrospectionClient:
    def get(self, case, context):
        return base64.b64encode(os.environ["JWT_AUTH_INTROSPECTION_CLIENT"].encode()).decode()

    def set(self, case, data, context):
        case.headers = case.headers or {}
        case.headers["Authorization"] = f"Basic {data}"


schemathesis.openapi.format("password", st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=80))
# Usernames follow RFC 8265 (PRECIS), which JSON Schema cannot say: the document's `format: username`
# strings are drawn from printable ASCII without space, which the IdentifierClass allows whole.
schemathesis.openapi.format("username", st.text(alphabet=st.characters(min_codepoint=0x21, max_codepoint=0x7E), min_size=1, max_size=64))
