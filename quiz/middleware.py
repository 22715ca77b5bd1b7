"""Request bodies above a small limit are refused before anything reads them.

Two layers, because the body must be judged before Django starts reading it, and the
refusal should still be a ConvQuiz page with every security header:

- `limit_request_body` wraps the WSGI application (config/wsgi.py, and the test server).
  It reads the declared `Content-Length`; a body sent without one (chunked, which the
  server ends for us) is counted as it streams, and kept only while it stays under the
  limit. A body over the limit is never read: the request goes on without it, marked.
- `RequestBodyLimitMiddleware` answers a marked request with 413 before any view or the
  CSRF check would look at the (now empty) body: a page, or JSON for a script's request.

Every page takes at most `MAX_REQUEST_BODY_BYTES`; only the roster import, whose file may
be `ROSTER_MAX_BYTES`, takes more. The proxy in front refuses larger bodies still earlier
(`client_max_body_size`, docs/deployment.md).
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import Resolver404, resolve

from quiz.views.errors import request_too_large

BODY_TOO_LARGE = "convquiz.body_too_large"
"""Set in the WSGI environ of a refused request: the limit its body went over."""
ROSTER_URLS = {"teacher:roster_preview", "teacher:roster_import"}
FORM_OVERHEAD = 64 * 1024
"""Room for a roster form's other fields and its multipart framing around the file."""
READ_BLOCK = 64 * 1024


def body_limit(path: str) -> int:
    """The most bytes a request to this path may carry."""
    try:
        name = resolve(path).view_name
    except Resolver404:
        name = None
    if name in ROSTER_URLS:
        return settings.ROSTER_MAX_BYTES + FORM_OVERHEAD
    return settings.MAX_REQUEST_BODY_BYTES


def limit_request_body(application: Callable) -> Callable:
    """The WSGI application, refusing any body over its path's limit without reading it."""

    def limited(environ: dict, start_response: Callable) -> Iterable[bytes]:
        limit = body_limit(environ.get("PATH_INFO", ""))
        if _body_size(environ, limit) > limit:
            environ[BODY_TOO_LARGE] = limit
            environ["CONTENT_LENGTH"] = "0"
            environ["wsgi.input"] = io.BytesIO()
        return application(environ, start_response)

    return limited


def _body_size(environ: dict, limit: int) -> int:
    """The declared length; or, for a body of unknown length, the bytes counted up to limit + 1.

    A counted body within the limit is kept in memory and handed on with its length, so the
    application reads it as if it had been declared."""
    declared = environ.get("CONTENT_LENGTH")
    if declared:
        try:
            return int(declared)
        except ValueError:
            return 0  # Django reads no body when the length is not a number
    if not environ.get("wsgi.input_terminated"):
        return 0  # without a length, and not ended by the server: nothing will be read
    stream, body = environ["wsgi.input"], bytearray()
    while len(body) <= limit:
        block = stream.read(min(READ_BLOCK, limit + 1 - len(body)))
        if not block:
            break
        body += block
    if len(body) <= limit:
        environ["wsgi.input"] = io.BytesIO(bytes(body))
        environ["CONTENT_LENGTH"] = str(len(body))
    return len(body)


class RequestBodyLimitMiddleware:
    """Answers a request whose body `limit_request_body` refused with 413.

    In `process_view`, listed before the CSRF middleware: every middleware has seen the
    request and will see the response (security headers, CSP), and nothing has read the body.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view, args, kwargs) -> HttpResponse | None:
        limit = request.META.get(BODY_TOO_LARGE)
        if limit is None:
            return None
        return request_too_large(request, limit)
