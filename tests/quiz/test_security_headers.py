"""Headers every response carries, cookie flags, and CSRF on every write.

Every URL of the permission matrix is requested by every role: whatever the answer (a
page, a redirect, JSON, a CSV, an error), it carries the Content Security Policy. Every
POST without a CSRF token is refused before the view runs, and changes nothing.
"""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from quiz.models import Attempt, AttemptEvent, Response
from tests.quiz import test_permissions as permissions
from tests.quiz.test_permissions import MATRIX, ROLES, request_as, url_kwargs, url_names, url_pattern
from tests.quiz.test_settings import PRODUCTION_ENV, run_manage

world = permissions.world
"""The permission matrix's users and objects, made once for this module (so its tests use world.alice)."""

POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "object-src": "'none'",
    "frame-ancestors": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
}
"""The policy's directives as sent: no inline script or style, no eval, nothing from another origin."""


def directives(header: str) -> dict[str, str]:
    parts = (part.strip().partition(" ") for part in header.split(";") if part.strip())
    return {name: value for name, _, value in parts}


def assert_secure_headers(response, where: str) -> None:
    policy = directives(response.get("Content-Security-Policy", ""))
    assert {name: policy.get(name) for name in POLICY} == POLICY, where
    assert "unsafe" not in response["Content-Security-Policy"], where
    assert response["X-Frame-Options"] == "DENY", where
    assert response["X-Content-Type-Options"] == "nosniff", where
    assert response["Referrer-Policy"] == "same-origin", where


def url_of(name: str, world) -> str:
    return reverse(name, kwargs=url_kwargs(name, url_pattern(name), world))


# --- The Content Security Policy and its companions ------------------------------------------------------


@pytest.mark.parametrize("name", list(MATRIX))
def test_every_response_carries_the_content_security_policy(db, world, name):
    url, method = url_of(name, world), MATRIX[name].method
    for role in ROLES:
        assert_secure_headers(request_as(world, role, method, url), f"{method} {url} as {role}")


def test_error_pages_carry_the_policy_too(db, world, monkeypatch):
    client = Client(raise_request_exception=False)
    client.force_login(world.alice)
    assert_secure_headers(client.get("/no/such/page/"), "404")
    assert_secure_headers(client.get(reverse("teacher:home")), "403")

    from quiz import selectors

    def broken(*args, **kwargs):
        raise RuntimeError("the database is on fire")

    monkeypatch.setattr(selectors, "quiz_cards", broken)
    failure = client.get(reverse("student:dashboard"))
    assert failure.status_code == 500
    assert_secure_headers(failure, "500")


# --- Cookies ----------------------------------------------------------------------------------------------------


def log_in(client: Client, **extra):
    return client.post(reverse("login"), {"username": "alice", "password": "alice-password"}, **extra)


def test_the_session_cookie_is_http_only_and_same_site_lax(db, world):
    client = Client()
    assert log_in(client).status_code == 302
    session = client.cookies["sessionid"]
    assert session["httponly"] is True
    assert session["samesite"] == "Lax"
    assert client.cookies["csrftoken"]["samesite"] == "Lax"


def test_cookies_are_secure_when_served_over_https(db, world, settings):
    settings.SECURE_SSL_REDIRECT = settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = True
    client = Client()
    plain = client.get(reverse("login"))
    assert plain.status_code == 301 and plain["Location"].startswith("https://")
    # Behind the TLS proxy, which says so in X-Forwarded-Proto.
    https = {"headers": {"X-Forwarded-Proto": "https"}}
    client.get(reverse("login"), **https)
    assert log_in(client, **https).status_code == 302
    assert client.cookies["sessionid"]["secure"] is True
    assert client.cookies["sessionid"]["httponly"] is True
    assert client.cookies["csrftoken"]["secure"] is True


def test_production_defaults_are_https_only_with_http_only_lax_session_cookies():
    names = [
        "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SECURE_SSL_REDIRECT", "SESSION_COOKIE_HTTPONLY",
        "SESSION_COOKIE_SAMESITE", "CSRF_COOKIE_SAMESITE", "SECURE_HSTS_SECONDS",
    ]
    code = f"from django.conf import settings; print(*[getattr(settings, n) for n in {names!r}])"
    result = run_manage("shell", "--no-imports", "-c", code, env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "True", "True", "True", "Lax", "Lax", "31536000"]


# --- CSRF ---------------------------------------------------------------------------------------------------------


CSRF_EXEMPT = {"lti_login", "lti_launch", "lti_deep_linking"}
"""The LMS posts these from its own site; the signed id_token, the state and the nonce guard them instead."""


def test_no_view_is_exempt_from_csrf_but_the_lms_doors():
    exempt = {name for name, _, pattern in url_names() if getattr(pattern.callback, "csrf_exempt", False)}
    assert exempt == CSRF_EXEMPT


def _writer(name: str) -> str:
    """A role the row lets through, so that only the missing token stops the request."""
    row = MATRIX[name]
    roles = ("alice", "admin", "anonymous")
    return next((role for role in roles if getattr(row, role) not in (403, 404, "admin login")), "anonymous")


WRITES = {
    "student:attempt_save": {"part": "q2a", "text": "1", "sequence": 5},
    "student:attempt_save_all": {"answer-q2a": "1", "sequence-q2a": "0"},
    "teacher:override": {"override-points": "0", "override-reason": "Copied"},
    "teacher:reopen": {"minutes": "10", "reason": "Fire alarm"},
    "teacher:set_password": {"new_password1": "a-new-long-pass-1", "new_password2": "a-new-long-pass-1"},
    "logout": {},
}


def _state(world) -> tuple:
    users = get_user_model().objects.order_by("pk").values_list("password", "is_active")
    responses = Response.objects.order_by("pk").values_list("text", "sequence", "score", "override_score")
    return (list(Attempt.objects.order_by("pk").values_list("state", "score")), list(responses),
            AttemptEvent.objects.count(), list(users))


@pytest.mark.parametrize("name", [name for name in MATRIX if name not in CSRF_EXEMPT])
def test_every_post_without_a_csrf_token_is_refused_and_changes_nothing(db, world, name):
    role = _writer(name)
    client = Client(enforce_csrf_checks=True)
    if role != "anonymous":
        client.force_login(world.users[role])
    before = _state(world)
    response = client.post(url_of(name, world), WRITES.get(name, {}))
    assert response.status_code == 403, f"POST {name} as {role}"
    assert "This form has expired" in response.content.decode()
    assert _state(world) == before
    if role != "anonymous":
        assert client.session.get("_auth_user_id") == str(world.users[role].pk), "logged out without a token"
