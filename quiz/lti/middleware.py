"""A session begun by a launch lives in the LMS's iframe; every other session keeps the site's rules.

In such a session, and only there: the pages may be framed by the launching platform's
origins (the CSP's frame-ancestors names them, and X-Frame-Options is left out, as it can
name no origin), and over HTTPS the session and CSRF cookies are SameSite=None, which a
browser requires to send them inside another site's frame (they stay Secure and HttpOnly as
configured). Over plain HTTP they keep SameSite=Lax, since a browser refuses None without Secure.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from quiz.lti.launches import SESSION_KEY


def allow_framing(response: HttpResponse, origins) -> HttpResponse:
    """Let these origins (and no others) frame this response; nothing changes for none."""
    origins = sorted(origins)
    if origins:
        response._csp_replace = {**getattr(response, "_csp_replace", {}), "frame-ancestors": origins}
        response.xframe_options_exempt = True
    return response


def _launched_session(request: HttpRequest) -> dict | None:
    session = getattr(request, "session", None)
    # A request without a session key has nothing to read: looking would mark the session accessed.
    if session is None or session.session_key is None:
        return None
    return session.get(SESSION_KEY)


class LtiFrameMiddleware:
    """Opens frame-ancestors to the platform for the pages of a launched session."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        launched = _launched_session(request)
        if launched:
            allow_framing(response, launched.get("frame_ancestors", []))
        return response


class LtiCookieMiddleware:
    """SameSite=None on a launched session's cookies over HTTPS, so the LMS's frame keeps sending them."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.is_secure() and _launched_session(request):
            for name in (settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME):
                if name in response.cookies and response.cookies[name]["secure"]:
                    response.cookies[name]["samesite"] = "None"
        return response
