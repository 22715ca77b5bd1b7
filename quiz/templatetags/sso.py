"""`{% sso_sign_in %}`: the login page's button for the institution's identity provider, when one is configured."""

from django import template
from django.conf import settings

from quiz import sso

register = template.Library()


@register.inclusion_tag("registration/_sso.html", takes_context=True)
def sso_sign_in(context) -> dict:
    request = context.get("request")
    return {
        "enabled": sso.enabled(),
        "provider": settings.OIDC_PROVIDER_NAME,
        "failed": request is not None and request.GET.get("sso") == "failed",
        "next": context.get("next", ""),
    }
