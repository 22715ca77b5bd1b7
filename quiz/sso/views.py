"""The sign-in with the identity provider and its return; 404 while single sign-on is off."""

from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_GET
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from quiz import sso

_start = OIDCAuthenticationRequestView.as_view()
_callback = OIDCAuthenticationCallbackView.as_view()


@require_GET
def start(request: HttpRequest) -> HttpResponse:
    """Send the browser to the identity provider, with a state and nonce kept in the session."""
    if not sso.enabled():
        raise Http404("Single sign-on is not configured.")
    return _start(request)


@require_GET
def callback(request: HttpRequest) -> HttpResponse:
    """The provider's answer: the code is exchanged, the token checked, the person signed in."""
    if not sso.enabled():
        raise Http404("Single sign-on is not configured.")
    return _callback(request)
