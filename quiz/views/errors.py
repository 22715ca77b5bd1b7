"""Styled error pages, so a failure still looks like ConvQuiz and says what to do."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.template.defaultfilters import filesizeformat


def bad_request(request: HttpRequest, exception=None) -> HttpResponse:
    """A request Django cannot read (too large, too many fields); the attempt page's saves get JSON."""
    message = "The request could not be read: it was too large or malformed. Nothing was saved."
    if request.get_preferred_type(["text/html", "application/json"]) == "application/json":
        return JsonResponse({"ok": False, "error": "invalid", "message": message}, status=400)
    return render(request, "errors/400.html", {"message": message}, status=400)


def request_too_large(request: HttpRequest, limit: int) -> HttpResponse:
    """A body over the limit, refused unread (quiz/middleware.py); a script's request gets JSON."""
    message = f"This request is larger than the {filesizeformat(limit)} this page accepts; nothing was read or saved."
    if request.headers.get("HX-Request") or "text/html" not in request.headers.get("Accept", ""):
        return JsonResponse({"ok": False, "error": "too_large", "message": message}, status=413)
    context = {"message": message, "roster_limit": settings.ROSTER_MAX_BYTES}
    return render(request, "errors/413.html", context, status=413)


def permission_denied(request: HttpRequest, exception=None) -> HttpResponse:
    return render(request, "errors/403.html", status=403)


def page_not_found(request: HttpRequest, exception=None) -> HttpResponse:
    return render(request, "errors/404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    # No request context: the page must render even when the database is what failed.
    return HttpResponseServerError(loader.get_template("errors/500.html").render())


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return render(request, "errors/csrf.html", status=403)
