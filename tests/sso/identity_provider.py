"""An OpenID Connect identity provider of the tests' own, over real HTTP from a thread of the test process.

The authorization endpoint shows who will sign in and sends the browser back with a code;
the token endpoint checks the client's secret and the PKCE verifier and answers with an
id_token it signs (it is the provider: it uses PyJWT itself); the user info endpoint gives
the person's claims.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler
from urllib.parse import parse_qs, urlencode, urlsplit

import jwt
import pytest

from tests.lti.platform import _bind, new_key


class IdentityProvider:
    client_id = "convquiz-sso"
    client_secret = "a-secret-only-the-tests-know"

    def __init__(self):
        self.private_key, self.public_key = new_key("idp-1")
        self.person: dict = {}
        self.audience = self.client_id
        self.nonce: str | None = None  # set: every id_token carries this nonce instead of the request's
        self.requests: dict[str, dict] = {}
        self.codes: dict[str, dict] = {}
        self.tokens: dict[str, dict] = {}
        self.server = _bind(_Handler)
        self.server.provider = self
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True, name="test-idp").start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def settings(self) -> dict:
        return {
            "OIDC_RP_CLIENT_ID": self.client_id, "OIDC_RP_CLIENT_SECRET": self.client_secret,
            "OIDC_OP_AUTHORIZATION_ENDPOINT": f"{self.url}/authorize", "OIDC_OP_TOKEN_ENDPOINT": f"{self.url}/token",
            "OIDC_OP_USER_ENDPOINT": f"{self.url}/userinfo", "OIDC_OP_JWKS_ENDPOINT": f"{self.url}/jwks",
            "OIDC_OP_ISSUER": self.url, "OIDC_PROVIDER_NAME": "Example University",
            "OIDC_TEACHER_CLAIM": "groups", "OIDC_TEACHER_VALUES": ["staff"],
        }

    def approve(self, query: dict) -> dict:
        """The person agrees: the query the browser brings back to ConvQuiz's callback."""
        assert query["client_id"] == self.client_id and query["response_type"] == "code"
        assert query["code_challenge_method"] == "S256"
        code = uuid.uuid4().hex
        self.codes[code] = {**query, "person": dict(self.person)}
        return {"code": code, "state": query["state"]}

    def token(self, form: dict) -> tuple[int, dict]:
        grant = self.codes.pop(form.get("code", ""), None)
        if grant is None or form.get("client_secret") != self.client_secret or form.get("redirect_uri") != grant[
            "redirect_uri"
        ]:
            return 400, {"error": "invalid_grant"}
        challenge = base64.urlsafe_b64encode(hashlib.sha256(form["code_verifier"].encode()).digest()).rstrip(b"=")
        if challenge.decode() != grant["code_challenge"]:
            return 400, {"error": "invalid_grant", "error_description": "PKCE"}
        person, now = grant["person"], int(time.time())
        claims = {"iss": self.url, "sub": person["sub"], "aud": self.audience, "nonce": self.nonce or grant["nonce"],
                  "iat": now, "exp": now + 300}
        id_token = jwt.encode(claims, self.private_key, algorithm="RS256", headers={"kid": self.public_key["kid"]})
        access = uuid.uuid4().hex
        self.tokens[access] = person
        return 200, {"access_token": access, "id_token": id_token, "token_type": "Bearer", "expires_in": 300}


class _Handler(BaseHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass

    @property
    def provider(self) -> IdentityProvider:
        return self.server.provider

    def _reply(self, status: int, body: str, content_type: str = "text/html; charset=utf-8", location: str = ""):
        data = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        if location:
            self.send_header("Location", location)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        query = {name: values[0] for name, values in parse_qs(parts.query).items()}
        provider = self.provider
        if parts.path == "/jwks":
            return self._reply(200, json.dumps({"keys": [provider.public_key]}), "application/json")
        if parts.path == "/favicon.ico":
            return self._reply(204, "")
        if parts.path == "/authorize":
            request_id = uuid.uuid4().hex
            provider.requests[request_id] = query
            name = html.escape(provider.person.get("name", ""))
            page = (f"<!doctype html><title>Example University</title><h1>Example University sign-in</h1>"
                    f'<a href="/approve?request={request_id}">Continue as {name}</a>')
            return self._reply(200, page)
        if parts.path == "/approve":
            request = provider.requests.pop(query["request"])
            back = provider.approve(request)
            return self._reply(302, "", location=f"{request['redirect_uri']}?{urlencode(back)}")
        if parts.path == "/userinfo":
            person = provider.tokens.get(self.headers.get("Authorization", "").removeprefix("Bearer "))
            if person is None:
                return self._reply(401, "{}", "application/json")
            return self._reply(200, json.dumps(person), "application/json")
        return self._reply(404, "not found")

    def do_POST(self) -> None:
        if urlsplit(self.path).path != "/token":
            return self._reply(404, "not found")
        length = int(self.headers.get("Content-Length", 0))
        form = {name: values[0] for name, values in parse_qs(self.rfile.read(length).decode()).items()}
        status, body = self.provider.token(form)
        return self._reply(status, json.dumps(body), "application/json")


@pytest.fixture
def idp(settings):
    """The identity provider, with ConvQuiz configured for it as the OIDC_* variables would configure it."""
    provider = IdentityProvider()
    for name, value in provider.settings().items():
        setattr(settings, name, value)
    settings.AUTHENTICATION_BACKENDS = [*settings.AUTHENTICATION_BACKENDS, "quiz.sso.SsoBackend"]
    yield provider
    provider.close()
