"""The reader's language reaches the grader: hints, parser messages and worked solutions follow it."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils import translation

import grader


class GraderLanguageMiddleware:
    """Runs each request with the grader's catalog in the language LocaleMiddleware chose."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with grader.use_language(translation.get_language() or "en"):
            return self.get_response(request)
