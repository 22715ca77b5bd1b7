"""Logging in and out: the login page with its warning, the lock-out page, and `next` addresses
that are only ever paths of this site."""

from __future__ import annotations

import unicodedata
from urllib.parse import unquote

from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from quiz import logins
from quiz.forms import LoginForm


def hides_control_characters(url: str) -> bool:
    """Whether the address holds a control character (CR, LF, NUL…), as typed or percent-encoded,
    however many times; no address of this site needs one, and a header must never carry one."""
    for _ in range(3):
        if any(unicodedata.category(character) == "Cc" for character in url):
            return True
        decoded = unquote(url)
        if decoded == url:
            return False
        url = decoded
    return True  # still encoded after three rounds: no honest address is


class _SafeNext:
    """Django's check of `next` (this site only), and no control characters in it: refused, it is ignored."""

    def get_redirect_url(self) -> str:
        url = super().get_redirect_url()
        return "" if hides_control_characters(url) else url


class LoginView(_SafeNext, auth_views.LoginView):
    """The login page: warns when one or two tries are left; a browser that signs in is remembered."""

    form_class = LoginForm
    redirect_authenticated_user = True

    def form_valid(self, form) -> HttpResponse:
        response = super().form_valid(form)
        logins.remember_device(self.request, response, form.get_user())
        return response

    def get_context_data(self, **kwargs) -> dict:
        left = logins.tries_left(self.request)
        return {
            **super().get_context_data(**kwargs),
            "tries_left": left if left in (1, 2) else None,
            "lock_minutes": logins.cool_off_minutes(),
        }


class LogoutView(_SafeNext, auth_views.LogoutView):
    pass


def locked_out(request: HttpRequest, original_response=None, credentials=None) -> HttpResponse:
    """What django-axes shows once a login is locked (AXES_LOCKOUT_CALLABLE): for how long, and why."""
    context = {"minutes": logins.cool_off_minutes(), "address": logins.address_locked(request)}
    return render(request, "registration/locked_out.html", context, status=429)
