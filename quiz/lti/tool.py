"""The protocol, through the libraries: registrations, the tool's key, the OIDC login and the launch's checks.

PyLTI1p3 validates the id_token (state, nonce, issuer and client, signature with the
platform's keyset, expiry, deployment, message type, version 1.3.0); the subclasses here
add what it leaves out — a nonce accepted once, unknown deployments refused rather than
created — and name each refusal so that the page can say what to tell the LMS's
administrator.
"""

from __future__ import annotations

import enum
import time
from dataclasses import dataclass

import requests
from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext
from lti_tool.models import Key, LtiDeployment, LtiRegistration
from lti_tool.utils import DjangoToolConfig
from pylti1p3.contrib.django import DjangoCacheDataStorage, DjangoMessageLaunch, DjangoOIDCLogin
from pylti1p3.contrib.django.session import DjangoSessionService
from pylti1p3.deployment import Deployment
from pylti1p3.exception import LtiException
from pylti1p3.service_connector import ServiceConnector

ROLE = "https://purl.imsglobal.org/spec/lti/claim/roles"
CUSTOM = "https://purl.imsglobal.org/spec/lti/claim/custom"
DEPLOYMENT_ID = "https://purl.imsglobal.org/spec/lti/claim/deployment_id"
AGS = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"
LAUNCH_PRESENTATION = "https://purl.imsglobal.org/spec/lti/claim/launch_presentation"
DEEP_LINKING_SETTINGS = "https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings"
TOOL_PLATFORM = "https://purl.imsglobal.org/spec/lti/claim/tool_platform"


class Refusal(enum.Enum):
    """Why a login or launch was refused: the HTTP status, and what to tell the LMS's administrator."""

    MALFORMED = (400, "The LMS sent no usable id_token. Tell your LMS administrator the launch must post an "
                      "id_token (a signed JWT) and the state to ConvQuiz's launch URL.")
    MISSING_STATE = (400, "The launch came without the state ConvQuiz gave at login. Tell your LMS administrator "
                          "that launches must start with ConvQuiz's login URL (OIDC third-party-initiated login).")
    STATE_MISMATCH = (403, "The launch's state does not match a login started in this browser: the login was "
                           "started elsewhere, more than five minutes ago, or the browser refused ConvQuiz's "
                           "cookies in the LMS's frame. Launch again; if it keeps happening, tell your LMS "
                           "administrator to open ConvQuiz in a new window.")
    NONCE = (403, "This launch was already used (its nonce was seen before) or its login has expired. Launch "
                  "again from the course; if it keeps happening, tell your LMS administrator the platform "
                  "must send a fresh nonce with every launch.")
    UNKNOWN_PLATFORM = (403, "ConvQuiz has no registration for this issuer and client ID. Tell your LMS "
                             "administrator to register the platform in ConvQuiz (python manage.py "
                             "add_lti_platform, or the admin's LTI registrations) with exactly these values.")
    SIGNATURE = (403, "The launch's signature does not match the platform's public keys. Tell your LMS "
                      "administrator to check that the keyset URL registered in ConvQuiz is the platform's own, "
                      "and that the platform signs with a key it publishes there.")
    EXPIRED = (403, "The launch had expired when it reached ConvQuiz. Launch again; if it keeps happening, tell "
                    "your LMS administrator to check the clock of the LMS's server.")
    DEPLOYMENT = (403, "This deployment of ConvQuiz is not registered. Tell your LMS administrator to add the "
                       "deployment ID to the platform's registration in ConvQuiz (admin › LTI registrations).")
    MESSAGE = (400, "The launch is not a valid LTI 1.3.0 message. Tell your LMS administrator which message "
                    "ConvQuiz refused (below).")
    ROLE = (403, "ConvQuiz admits learners and instructors (teaching assistants and content developers count as "
                 "instructors); your role in this course is neither. Ask your LMS administrator for one of those "
                 "roles in the course.")
    NO_QUIZ = (404, "This link does not say which ConvQuiz quiz to open, or names one ConvQuiz does not have. "
                    "Tell your instructor to choose the quiz again (deep linking) or to set the custom "
                    "parameter quiz=<key> on the link.")
    QUIZ_CLOSED = (403, "Your teacher has not opened this quiz to your course in ConvQuiz. Tell your instructor "
                        "to add the course's group on the quiz's Access page in ConvQuiz.")
    NOT_DEEP_LINKING = (403, "Choosing a quiz for a course needs an instructor's deep-linking launch. Tell your "
                             "LMS administrator to let instructors add ConvQuiz from the course's content picker.")

    def __init__(self, status: int, advice: str):
        self.status = status
        self.advice = advice


class LaunchRefused(Exception):
    """A login or launch ConvQuiz does not accept; `detail` is what the library or ConvQuiz found."""

    def __init__(self, refusal: Refusal, detail: str = "", facts: dict | None = None):
        super().__init__(detail or refusal.name)
        self.refusal = refusal
        self.detail = detail
        self.facts = facts or {}


# --- The tool's key --------------------------------------------------------------------------------


def signing_key() -> Key:
    """The newest published key, which signs everything the tool sends; made on first need, kept in the database."""
    with transaction.atomic():
        key = Key.objects.active().order_by("-datetime_created", "-id").first()
        return key if key is not None else Key.objects.generate()


def rotate_key() -> Key:
    """A new signing key; the older keys stay published until they are removed."""
    return Key.objects.generate()


def remove_key(kid: str) -> Key:
    """Stop publishing a key; the signing key itself cannot be removed (rotate first)."""
    keys = {str(key): key for key in Key.objects.active()}
    if kid not in keys:
        raise ValueError(f"No published key has the kid {kid!r}; published: {', '.join(sorted(keys)) or 'none'}.")
    if keys[kid] == signing_key():
        message = gettext("%(kid)s is the key ConvQuiz signs with; rotate first, then remove it.")
        raise ValueError(message % {"kid": kid})
    key = keys[kid]
    key.is_active = False
    key.save(update_fields=["is_active", "datetime_modified"])
    return key


# --- Registrations and deployments ----------------------------------------------------------------


class ToolConfig(DjangoToolConfig):
    """django-lti's registrations, but a deployment must be registered and active: an unknown one is refused."""

    def find_registration_by_params(self, iss, client_id, *args, **kwargs):
        signing_key()
        if client_id is None:
            # A platform may leave client_id out of the login request: then its issuer must name one registration.
            registrations = list(LtiRegistration.objects.active().filter(issuer=iss)[:2])
            self.registration = registrations[0] if len(registrations) == 1 else None
            return self.registration.to_registration() if self.registration else None
        return super().find_registration_by_params(iss, client_id, *args, **kwargs)

    def find_deployment(self, iss, deployment_id):
        return self._deployment(deployment_id)

    def find_deployment_by_params(self, iss, deployment_id, client_id, *args, **kwargs):
        return self._deployment(deployment_id)

    def _deployment(self, deployment_id):
        self.deployment = LtiDeployment.objects.active().filter(
            registration=self.registration, deployment_id=deployment_id
        ).first()
        return None if self.deployment is None else Deployment().set_deployment_id(deployment_id)


class TimeoutSession(requests.Session):
    """Every request to an LMS gives up after LTI_HTTP_TIMEOUT seconds, so nothing waits for ever."""

    def request(self, *args, **kwargs):
        kwargs.setdefault("timeout", settings.LTI_HTTP_TIMEOUT)
        return super().request(*args, **kwargs)


def http_session() -> requests.Session:
    session = TimeoutSession()
    session.headers["User-Agent"] = "ConvQuiz"
    return session


def service_connector(registration: LtiRegistration) -> ServiceConnector:
    """The client for a platform's services (grades, members), with an access token per scope set."""
    return ServiceConnector(registration.to_registration(), http_session())


# --- Login and launch ------------------------------------------------------------------------------


class LaunchStorage(DjangoCacheDataStorage):
    """PyLTI1p3's cache storage (states, nonces, launches), which can also take a value out once."""

    def take_value(self, key: str) -> bool:
        return bool(self._get_cache().delete(self._prepare_key(key)))


class SessionService(DjangoSessionService):
    def take_nonce(self, nonce: str) -> bool:
        """True for the one caller that removes the nonce the login stored; replays find it gone."""
        return self.data_storage.take_value(self._get_key("nonce", nonce))


def oidc_login(request) -> DjangoOIDCLogin:
    return DjangoOIDCLogin(request, ToolConfig(), launch_data_storage=LaunchStorage())


class Launch(DjangoMessageLaunch):
    """One launch's validation, each step refusing with its own reason."""

    def __init__(self, request):
        try:
            super().__init__(
                request, ToolConfig(), session_service=SessionService(request), launch_data_storage=LaunchStorage(),
                requests_session=http_session(),
            )
        except LtiException as error:
            # Over HTTPS the login's session cookie must come back with the launch.
            raise LaunchRefused(Refusal.STATE_MISMATCH, str(error)) from error
        self.set_public_key_caching(LaunchStorage(), cache_lifetime=settings.LTI_KEYSET_CACHE_SECONDS)

    @property
    def body(self) -> dict:
        body = self._jwt.get("body")
        return body if isinstance(body, dict) else {}

    @property
    def registration(self) -> LtiRegistration:
        return self._tool_config.registration

    @property
    def deployment(self) -> LtiDeployment:
        return self._tool_config.deployment

    def facts(self) -> dict:
        """What the token says of where it comes from, to show on a refusal page (unverified)."""
        body = self.body
        audience = body.get("aud")
        return {
            "issuer": body.get("iss", ""),
            "client ID": audience[0] if isinstance(audience, list) and audience else audience or "",
            "deployment ID": body.get(DEPLOYMENT_ID, ""),
        }

    def validate(self):
        if not self._get_request_param("id_token"):
            raise LaunchRefused(Refusal.MALFORMED, "The request has no id_token.")
        if not self._get_request_param("state"):
            raise LaunchRefused(Refusal.MISSING_STATE, "The request has no state.")
        return super().validate()

    def _step(self, refusal: Refusal, step):
        try:
            return step()
        except LtiException as error:
            raise LaunchRefused(refusal, str(error), self.facts()) from error

    def validate_state(self):
        return self._step(Refusal.STATE_MISMATCH, super().validate_state)

    def validate_jwt_format(self):
        self._step(Refusal.MALFORMED, super().validate_jwt_format)
        if not (isinstance(self._jwt.get("header"), dict) and isinstance(self._jwt.get("body"), dict)):
            raise LaunchRefused(Refusal.MALFORMED, "The id_token's header and body must be JSON objects.")
        return self

    def validate_nonce(self):
        return self._step(Refusal.NONCE, super().validate_nonce)

    def validate_registration(self):
        return self._step(Refusal.UNKNOWN_PLATFORM, super().validate_registration)

    def validate_jwt_signature(self):
        expires = self.body.get("exp")
        # PyJWT checks the signature, then the expiry: a token refused with an `exp` already past expired.
        expired = isinstance(expires, int | float) and expires < time.time()
        return self._step(Refusal.EXPIRED if expired else Refusal.SIGNATURE, super().validate_jwt_signature)

    def validate_deployment(self):
        return self._step(Refusal.DEPLOYMENT, super().validate_deployment)

    def validate_message(self):
        return self._step(Refusal.MESSAGE, super().validate_message)

    def save_launch_data(self):
        # Everything else checked out: now the nonce is used, once. A replay, even one racing
        # this launch, finds it gone.
        if not self._session_service.take_nonce(self.body.get("nonce", "")):
            raise LaunchRefused(Refusal.NONCE, "The nonce was already used.", self.facts())
        return super().save_launch_data()


@dataclass(frozen=True)
class Endpoints:
    """The tool's URLs an LMS administrator registers, as site-relative paths."""

    login_url: str
    launch_url: str
    jwks_url: str
    deep_linking_url: str


def endpoints() -> Endpoints:
    """The same for every platform: a login or launch names its platform by issuer and client ID."""
    from django.urls import reverse

    return Endpoints(
        login_url=reverse("lti_login"),
        launch_url=reverse("lti_launch"),
        jwks_url=reverse("lti_jwks"),
        deep_linking_url=reverse("lti_deep_linking"),
    )
