"""Styled error pages, so a failure still looks like ConvQuiz and says what to do; refusals rendered once."""

from functools import wraps

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from quiz.errors import BadInput, QuizError, TooLarge


def error_response(request: HttpRequest, error: QuizError, *, json: bool = False, **context) -> HttpResponse:
    """A refusal as the save contract's JSON (`ok`, `error`, `message` and the error's fields), or as
    the styled page for its status, which shows the message (and `context`, e.g. a `back` link)."""
    if json:
        reply = {"ok": False, "error": error.code, "message": error.message, **error.data}
        return JsonResponse(reply, status=error.status)
    return render(request, f"errors/{error.status}.html", {"message": error.message, **context}, status=error.status)


def json_refusals(view):
    """For the attempt page's requests (the save contract): every QuizError the view raises becomes its JSON."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except QuizError as error:
            return error_response(request, error, json=True)

    return wrapper


def bad_request(request: HttpRequest, exception=None) -> HttpResponse:
    """A request Django cannot read (too large, too many fields); the attempt page's saves get JSON."""
    error = BadInput(_("The request could not be read: it was too large or malformed. Nothing was saved."))
    json = request.get_preferred_type(["text/html", "application/json"]) == "application/json"
    return error_response(request, error, json=json)


def request_too_large(request: HttpRequest, limit: int) -> HttpResponse:
    """A body over the limit, refused unread (quiz/middleware.py); a script's request gets JSON."""
    accepted = filesizeformat(limit)
    too_large = _("This request is larger than the %(accepted)s this page accepts; nothing was read or saved.")
    error = TooLarge(too_large % {"accepted": accepted})
    json = bool(request.headers.get("HX-Request")) or "text/html" not in request.headers.get("Accept", "")
    return error_response(request, error, json=json, roster_limit=settings.ROSTER_MAX_BYTES)


def permission_denied(request: HttpRequest, exception=None) -> HttpResponse:
    return render(request, "errors/403.html", status=403)


def page_not_found(request: HttpRequest, exception=None) -> HttpResponse:
    return render(request, "errors/404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    # No request context: the page must render even when the database is what failed.
    return HttpResponseServerError(loader.get_template("errors/500.html").render())


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return render(request, "errors/csrf.html", status=403)
