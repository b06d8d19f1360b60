"""Schemathesis hooks for scripts/schemathesis.

Real tokens: each test case of a protected operation gets a new user's tokens (a refresh token for
/auth/refresh, an access token elsewhere), so that a logout, a logout-all or a password change in one
case never spoils the token of the next. /auth/introspect gets the introspection client that
scripts/schemathesis configures (JWT_AUTH_INTROSPECTION_CLIENT, `id:secret`) as HTTP Basic.

Passwords: the service counts a password's UTF-8 bytes (8 to 72, bcrypt's limit), which JSON Schema
cannot say; the document's `format: password` strings are drawn from printable ASCII, where a
character is a byte, so that the document's minLength and maxLength are exact for them.
"""

import base64
import json
import os
import urllib.request
import uuid

import schemathesis
from hypothesis import strategies as st

BASE_URL = os.environ["JWT_AUTH_BASE_URL"]
PASSWORD = "schemathesis password"


def _post(path, body):
    request = urllib.request.Request(
        BASE_URL + path,
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.load(response)


@schemathesis.auth(refresh_interval=None).apply_to(path_regex=r"^/(auth/(refresh|logout|logout-all|password|me|verify)|api/.*)$")
class NewSession:
    def get(self, case, context):
        username = "st-" + uuid.uuid4().hex[:20]
        _post("/auth/register", {"username": username, "password": PASSWORD})
        tokens = _post("/auth/login", {"username": username, "password": PASSWORD})
        return tokens["refresh_token"] if case.operation.path == "/auth/refresh" else tokens["access_token"]

    def set(self, case, data, context):
        case.headers = case.headers or {}
        case.headers["Authorization"] = f"Bearer {data}"


@schemathesis.auth(refresh_interval=None).apply_to(path="/auth/introspect")
class IntrospectionClient:
    def get(self, case, context):
        return base64.b64encode(os.environ["JWT_AUTH_INTROSPECTION_CLIENT"].encode()).decode()

    def set(self, case, data, context):
        case.headers = case.headers or {}
        case.headers["Authorization"] = f"Basic {data}"


schemathesis.openapi.format("password", st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=80))
