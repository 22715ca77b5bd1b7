"""A small LMS of the tests' own, speaking LTI 1.3 to ConvQuiz over real HTTP from a thread of the test process.

It has what a platform needs for the tool: a keyset, an OIDC authorization endpoint that
answers with a form post of the id_token (which it signs, and can spoil on purpose), a token
endpoint that checks the tool's client assertion against the tool's published keys, line-item
score endpoints (which can fail for a while, then recover), a member list, and a deep-linking
return endpoint that checks the tool's signed reply. Being a platform, it signs and checks
JWTs itself, with PyJWT and jwcrypto; ConvQuiz never does outside its libraries.
"""

from __future__ import annotations

import functools
import html
import json
import os
import threading
import time
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlsplit

import jwt
import pytest
import requests
from jwcrypto.jwk import JWK

LTI = "https://purl.imsglobal.org/spec/lti/claim/"
SCORE_SCOPE = "https://purl.imsglobal.org/spec/lti-ags/scope/score"
LINEITEM_SCOPE = "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem"
NRPS_SCOPE = "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly"
LEARNER = "http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"
INSTRUCTOR = "http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor"
ADMINISTRATOR = "http://purl.imsglobal.org/vocab/lis/v2/institution/person#Administrator"

SPOILS = (
    "signature", "unknown_issuer", "unknown_client", "expired", "deployment", "no_state", "other_state", "version",
    "message_type",
)
"""What the authorization endpoint can spoil in its answer, one refused launch each."""


@functools.cache
def new_key(kid: str, purpose: str = "") -> tuple[str, dict]:
    """An RSA key: its private PEM, and its public JWK (made once per process and purpose: it takes a while)."""
    key = JWK.generate(kty="RSA", size=2048, kid=kid)
    public = json.loads(key.export_public())
    return key.export_to_pem(private_key=True, password=None).decode(), {**public, "alg": "RS256", "use": "sig"}


@dataclass
class Person:
    sub: str
    given_name: str
    family_name: str
    email: str
    roles: list[str]

    @property
    def name(self) -> str:
        return f"{self.given_name} {self.family_name}"


@dataclass
class PlannedLaunch:
    """What the platform will put in the id_token for one login_hint."""

    person: Person
    message: str = "LtiResourceLinkRequest"
    resource_link: str = "link-1"
    custom: dict = field(default_factory=dict)
    grades: bool = True
    spoil: str | None = None
    target: str = ""


class Platform:
    """The LMS. `url` is also its issuer; `course` is its one course; one lineitem per resource link."""

    client_id = "convquiz-tool"
    deployment_id = "deployment-1"
    course = {"id": "course-42", "label": "DL101", "title": "Deep Learning 101",
              "type": ["http://purl.imsglobal.org/vocab/lis/v2/course#CourseOffering"]}

    def __init__(self, host: str = "127.0.0.1"):
        self.private_key, self.public_key = new_key("platform-1")
        self.other_key, _ = new_key("platform-1", "forger")  # the same kid, never published: a forged signature
        self.tool_keys: dict = {"keys": []}
        self.planned: dict[str, PlannedLaunch] = {}
        self.scores: list[dict] = []
        self.score_failures = 0
        self.score_delay = 0.0  # seconds each score takes to record: widens the window for races
        self.tokens: set[str] = set()
        self.token_requests = 0
        self.members: list[dict] = []
        self.deep_link_replies: list[dict] = []
        self.last_form: dict | None = None
        self.endpoints: dict = {}
        self.tool_url = ""
        self.lock = threading.Lock()
        self.server = _bind(_Handler, host)
        self.server.platform = self
        self.url = f"http://{host}:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True, name="test-lms")
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    # --- Registration, as an administrator does it --------------------------------------------------

    @property
    def registration_args(self) -> list[str]:
        return [
            "--issuer", self.url, "--client-id", self.client_id, "--deployment-id", self.deployment_id,
            "--auth-login-url", f"{self.url}/auth", "--access-token-url", f"{self.url}/token",
            "--keyset-url", f"{self.url}/jwks",
        ]

    def register(self, tool_url: str = "http://testserver") -> dict:
        """Register with ConvQuiz through its command, as docs/lti.md says; keep the endpoints it prints."""
        import io

        from django.core.management import call_command

        out = io.StringIO()
        call_command("add_lti_platform", *self.registration_args, stdout=out)
        self.endpoints, self.tool_url = json.loads(out.getvalue()), tool_url
        return self.endpoints

    def trust_tool_keys(self, jwks: dict) -> None:
        """The tool's published keys, as the platform fetched them from its JWKS URL."""
        self.tool_keys = jwks

    def lineitem(self, resource_link: str = "link-1") -> str:
        return f"{self.url}/lineitems/{resource_link}"

    # --- Launches --------------------------------------------------------------------------------------

    def plan(self, person: Person, **details) -> str:
        """Plan a launch; returns the login_hint that names it."""
        hint = uuid.uuid4().hex
        launch = PlannedLaunch(person=person, **details)
        deep = launch.message == "LtiDeepLinkingRequest"
        launch.target = self.tool_url + self.endpoints["deep_linking_url" if deep else "launch_url"]
        self.planned[hint] = launch
        return hint

    def login_query(self, hint: str) -> dict:
        """The third-party-initiated login's parameters for a planned launch."""
        return {
            "iss": self.url, "login_hint": hint, "target_link_uri": self.planned[hint].target,
            "client_id": self.client_id, "lti_deployment_id": self.deployment_id, "lti_message_hint": "m-" + hint,
        }

    def course_page(self, hint: str) -> str:
        """The LMS page that frames ConvQuiz for a planned launch."""
        return f"{self.url}/course/{hint}"

    def authorize(self, query: dict) -> dict:
        """The authorization endpoint's answer to ConvQuiz's redirect: the form fields it posts back."""
        launch = self.planned[query["login_hint"]]
        assert query["client_id"] == self.client_id and query["redirect_uri"] == launch.target, query
        assert (query["response_type"], query["response_mode"], query["prompt"]) == ("id_token", "form_post", "none")
        form = {"id_token": self.id_token(launch, nonce=query["nonce"]), "state": query["state"]}
        if launch.spoil == "no_state":
            del form["state"]
        if launch.spoil == "other_state":
            form["state"] = "state-" + str(uuid.uuid4())
        self.last_form = form
        return form

    def id_token(self, launch: PlannedLaunch, *, nonce: str) -> str:
        person, now, spoil = launch.person, int(time.time()), launch.spoil
        claims = {
            "iss": "https://elsewhere.example.edu" if spoil == "unknown_issuer" else self.url,
            "aud": "someone-else" if spoil == "unknown_client" else self.client_id,
            "sub": person.sub, "nonce": nonce,
            "iat": now - 600 if spoil == "expired" else now,
            "exp": now - 300 if spoil == "expired" else now + 300,
            "given_name": person.given_name, "family_name": person.family_name, "name": person.name,
            "email": person.email,
            LTI + "message_type": "LtiUnheardOfRequest" if spoil == "message_type" else launch.message,
            LTI + "version": "1.1.0" if spoil == "version" else "1.3.0",
            LTI + "deployment_id": "not-registered" if spoil == "deployment" else self.deployment_id,
            LTI + "target_link_uri": launch.target,
            LTI + "roles": person.roles,
            LTI + "context": self.course,
            LTI + "tool_platform": {"guid": "test-lms", "name": "Test LMS", "url": self.url},
            LTI + "launch_presentation": {"document_target": "iframe", "return_url": f"{self.url}/course/return"},
            "https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice": {
                "context_memberships_url": f"{self.url}/memberships", "service_versions": ["2.0"],
            },
        }
        if launch.message == "LtiDeepLinkingRequest":
            claims["https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings"] = {
                "deep_link_return_url": f"{self.url}/deep-link-return", "accept_types": ["ltiResourceLink"],
                "accept_presentation_document_targets": ["iframe", "window"], "data": "opaque-42",
            }
        else:
            claims[LTI + "resource_link"] = {"id": launch.resource_link, "title": "Quiz link"}
            claims[LTI + "custom"] = launch.custom
            if launch.grades:
                claims["https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"] = {
                    "scope": [SCORE_SCOPE, LINEITEM_SCOPE], "lineitems": f"{self.url}/lineitems",
                    "lineitem": self.lineitem(launch.resource_link),
                }
        key = self.other_key if spoil == "signature" else self.private_key
        return jwt.encode(claims, key, algorithm="RS256", headers={"kid": self.public_key["kid"]})

    # --- Services -----------------------------------------------------------------------------------

    def check_assertion(self, assertion: str) -> bool:
        """The client credentials grant: the tool's JWT, signed by a key it publishes, for this token URL."""
        kid = jwt.get_unverified_header(assertion).get("kid")
        key = next((key for key in self.tool_keys["keys"] if key["kid"] == kid), None)
        if key is None:
            return False
        try:
            claims = jwt.decode(assertion, jwt.PyJWK(key), algorithms=["RS256"], audience=f"{self.url}/token")
        except jwt.InvalidTokenError:
            return False
        return claims["iss"] == claims["sub"] == self.client_id

    def check_deep_link_reply(self, token: str) -> dict:
        kid = jwt.get_unverified_header(token)["kid"]
        key = next(key for key in self.tool_keys["keys"] if key["kid"] == kid)
        claims = jwt.decode(token, jwt.PyJWK(key), algorithms=["RS256"], audience=self.url)
        assert claims["iss"] == self.client_id
        assert claims[LTI + "message_type"] == "LtiDeepLinkingResponse"
        return claims

    def scores_for(self, person: Person) -> list[dict]:
        with self.lock:
            return [score for score in self.scores if score["userId"] == person.sub]

    def wait_for_scores(self, person: Person, count: int, timeout: float = 20) -> list[dict]:
        """The scores received for a person once there are `count` of them (they arrive after the commit)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            scores = self.scores_for(person)
            if len(scores) >= count:
                return scores
            time.sleep(0.05)
        raise AssertionError(f"expected {count} scores for {person.sub}, got {self.scores_for(person)}")


def _bind(handler, host: str = "127.0.0.1") -> ThreadingHTTPServer:
    """A server on loopback: on a port of TEST_SERVER_PORTS (e.g. 8850-8899) when set, else any free one."""
    ports = os.environ.get("TEST_SERVER_PORTS", "")
    if ports:
        first, last = (int(port) for port in ports.split("-"))
        for port in range(first, last + 1):
            try:
                return ThreadingHTTPServer((host, port), handler)
            except OSError:
                continue
        raise RuntimeError(f"no free port in {ports}")
    return ThreadingHTTPServer((host, 0), handler)


AUTO_POST = """<!doctype html><html><body><form id="f" method="post" action="{action}">{fields}
<button type="submit">Continue</button></form><script>document.getElementById("f").submit();</script></body></html>"""


class _Handler(BaseHTTPRequestHandler):
    server: ThreadingHTTPServer

    def log_message(self, *args) -> None:  # the test output stays quiet
        pass

    @property
    def platform(self) -> Platform:
        return self.server.platform

    def _reply(self, status: int, body: str, content_type: str = "text/html; charset=utf-8") -> None:
        data = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _json(self, status: int, value) -> None:
        self._reply(status, json.dumps(value), "application/json")

    def _form(self) -> dict:
        length = int(self.headers.get("Content-Length", 0))
        return {name: values[0] for name, values in parse_qs(self.rfile.read(length).decode()).items()}

    def _authorized(self) -> bool:
        token = self.headers.get("Authorization", "").removeprefix("Bearer ")
        with self.platform.lock:
            return token in self.platform.tokens

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        query = {name: values[0] for name, values in parse_qs(parts.query).items()}
        platform = self.platform
        if parts.path == "/jwks":
            return self._json(200, {"keys": [platform.public_key]})
        if parts.path == "/favicon.ico":
            return self._reply(204, "")
        if parts.path.startswith("/course/"):
            hint = parts.path.removeprefix("/course/")
            if hint not in platform.planned:
                return self._reply(200, "<!doctype html><title>Course</title><h1>Back in the course</h1>")
            login = platform.tool_url + platform.endpoints["login_url"] + "?" + urlencode(platform.login_query(hint))
            page = (f'<!doctype html><title>Deep Learning 101</title><h1>Deep Learning 101</h1>'
                    f'<iframe title="ConvQuiz" src="{html.escape(login)}" width="1100" height="900"></iframe>')
            return self._reply(200, page)
        if parts.path == "/auth":
            form = platform.authorize(query)
            return self._auto_post(platform.planned[query["login_hint"]].target, form)
        if parts.path == "/replay":
            return self._auto_post(platform.planned[query["login_hint"]].target, platform.last_form)
        if parts.path == "/memberships":
            if not self._authorized():
                return self._json(401, {"error": "invalid_token"})
            return self._json(200, {"id": f"{platform.url}/memberships", "context": platform.course,
                                    "members": platform.members})
        return self._reply(404, "not found")

    def _auto_post(self, action: str, form: dict) -> None:
        fields = "".join(
            f'<input type="hidden" name="{html.escape(name)}" value="{html.escape(value)}">'
            for name, value in form.items()
        )
        self._reply(200, AUTO_POST.format(action=html.escape(action), fields=fields))

    def do_POST(self) -> None:
        platform, path = self.platform, urlsplit(self.path).path
        if path == "/token":
            form = self._form()
            with platform.lock:
                platform.token_requests += 1
            if form.get("grant_type") != "client_credentials" or not platform.check_assertion(
                form.get("client_assertion", "")
            ):
                return self._json(401, {"error": "invalid_client"})
            token = uuid.uuid4().hex
            with platform.lock:
                platform.tokens.add(token)
            return self._json(200, {"access_token": token, "token_type": "Bearer", "expires_in": 3600,
                                    "scope": form.get("scope", "")})
        if path.startswith("/lineitems/") and path.endswith("/scores"):
            if not self._authorized():
                return self._json(401, {"error": "invalid_token"})
            if self.headers.get("Content-Type") != "application/vnd.ims.lis.v1.score+json":
                return self._json(415, {"error": "unsupported media type"})
            length = int(self.headers.get("Content-Length", 0))
            score = json.loads(self.rfile.read(length))
            time.sleep(platform.score_delay)
            with platform.lock:
                if platform.score_failures > 0:
                    platform.score_failures -= 1
                    return self._json(500, {"error": "the gradebook is down"})
                platform.scores.append({**score, "lineitem": platform.url + path.removesuffix("/scores")})
            return self._json(200, {})
        if path == "/deep-link-return":
            claims = platform.check_deep_link_reply(self._form()["JWT"])
            with platform.lock:
                platform.deep_link_replies.append(claims)
            items = claims["https://purl.imsglobal.org/spec/lti-dl/claim/content_items"]
            titles = "".join(f"<li>{html.escape(item['title'])}</li>" for item in items)
            return self._reply(200, f"<!doctype html><title>Added</title><h1>Added to the course</h1><ul>{titles}</ul>")
        return self._reply(404, "not found")


@pytest.fixture
def lms(db):
    """The test LMS, running for one test; its keyset is fetched fresh by every test (the cache is cleared)."""
    from django.core.cache import cache

    cache.clear()
    platform = Platform()
    yield platform
    platform.close()


def fetch(url: str) -> dict:
    return requests.get(url, timeout=10).json()
