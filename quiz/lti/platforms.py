"""Registering an LMS (a platform): its issuer, client ID, deployment and URLs, and the tool's key."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from lti_tool.models import LtiDeployment, LtiRegistration

from quiz.lti.tool import signing_key


class RegistrationError(ValueError):
    """The values cannot register a platform; the message names the one at fault."""


def _url(name: str, value: str) -> str:
    try:
        URLValidator(schemes=["http", "https"])(value)
    except ValidationError as error:
        raise RegistrationError(f"{name} must be an http(s) URL, not {value!r}.") from error
    return value


def _text(name: str, value: str) -> str:
    value = value.strip()
    if not value or len(value) > 255:
        raise RegistrationError(f"{name} must be between 1 and 255 characters.")
    return value


@transaction.atomic
def register_platform(
    *, issuer: str, client_id: str, deployment_id: str, auth_login_url: str, access_token_url: str, keyset_url: str
) -> LtiRegistration:
    """Create the registration, or update the one with this issuer and client ID, with the deployment active.

    Running it again with the same values changes nothing; the tool's signing key is
    made here the first time, and kept.
    """
    issuer, client_id = _text("--issuer", issuer), _text("--client-id", client_id)
    deployment_id = _text("--deployment-id", deployment_id)
    urls = {
        "auth_url": _url("--auth-login-url", auth_login_url),
        "token_url": _url("--access-token-url", access_token_url),
        "keyset_url": _url("--keyset-url", keyset_url),
    }
    registration, _ = LtiRegistration.objects.update_or_create(
        issuer=issuer, client_id=client_id,
        defaults={**urls, "is_active": True, "name": f"{urlsplit(issuer).netloc or issuer} ({client_id})"[:255]},
    )
    LtiDeployment.objects.update_or_create(
        registration=registration, deployment_id=deployment_id, defaults={"is_active": True}
    )
    signing_key()
    return registration


def platform_origins(registration: LtiRegistration) -> set[str]:
    """The origins a platform's pages are served from, as far as its registration tells."""
    return {origin(url) for url in (registration.issuer, registration.auth_url) if origin(url)}


def origin(url: str | None) -> str:
    """scheme://host[:port] of an http(s) URL; empty for anything else."""
    parts = urlsplit(url or "")
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme in ("http", "https") and parts.netloc else ""


def registered_origins() -> set[str]:
    """The origins of every active platform (and LTI_FRAME_ORIGINS), which may frame ConvQuiz's LTI pages."""
    origins = {origin(url) for url in settings.LTI_FRAME_ORIGINS} - {""}
    for registration in LtiRegistration.objects.active():
        origins |= platform_origins(registration)
    return origins
