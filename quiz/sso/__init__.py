"""Single sign-on with the institution's identity provider (OpenID Connect, through mozilla-django-oidc).

Off unless OIDC_RP_CLIENT_ID is set (config/settings.py). A person from the identity
provider is the account `sso-<hash of their subject>`: never a local account, so the
embedded default accounts and the admins keep their passwords, and no claim (an email, a
username) can take them over. The provider decides the role at every sign-in: a user whose
OIDC_TEACHER_CLAIM holds one of OIDC_TEACHER_VALUES is a teacher, anyone else a student.
"""

from __future__ import annotations

import hashlib
import logging

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.exceptions import SuspiciousOperation
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from quiz.roles import STUDENTS, TEACHERS

logger = logging.getLogger(__name__)


def enabled() -> bool:
    return bool(settings.OIDC_RP_CLIENT_ID)


def sso_username(subject: str) -> str:
    return "sso-" + hashlib.sha256(subject.encode()).hexdigest()[:24]


def is_teacher(claims: dict) -> bool:
    value = claims.get(settings.OIDC_TEACHER_CLAIM)
    values = value if isinstance(value, list) else [value]
    return any(str(item) in settings.OIDC_TEACHER_VALUES for item in values if item is not None)


class SsoBackend(OIDCAuthenticationBackend):
    """mozilla-django-oidc's code flow, with users found by subject and roles from the provider's claims."""

    def authenticate(self, request, **kwargs):
        """A token or user info that fails a check signs nobody in: the login page then says so."""
        try:
            return super().authenticate(request, **kwargs)
        except SuspiciousOperation as error:
            logger.warning("Single sign-on refused: %s", error)
            return None

    def verify_token(self, token, **kwargs):
        payload = super().verify_token(token, **kwargs)
        audience = payload.get("aud")
        audiences = audience if isinstance(audience, list) else [audience]
        if settings.OIDC_RP_CLIENT_ID not in audiences:
            raise SuspiciousOperation("The id_token is not meant for ConvQuiz (aud).")
        if settings.OIDC_OP_ISSUER and payload.get("iss") != settings.OIDC_OP_ISSUER:
            raise SuspiciousOperation("The id_token comes from another issuer (iss).")
        return payload

    def get_userinfo(self, access_token, id_token, payload):
        claims = super().get_userinfo(access_token, id_token, payload)
        if claims.get("sub") != payload.get("sub"):
            raise SuspiciousOperation("The user info names another subject than the id_token.")
        return claims

    def verify_claims(self, claims) -> bool:
        return bool(claims.get("sub"))

    def filter_users_by_claims(self, claims):
        return self.UserModel.objects.filter(username=sso_username(str(claims["sub"])))

    def create_user(self, claims):
        user, created = self.UserModel.objects.get_or_create(username=sso_username(str(claims["sub"])))
        if created:
            user.set_unusable_password()
        return self.update_user(user, claims)

    def update_user(self, user, claims):
        user.first_name = str(claims.get("given_name") or "")[:150]
        user.last_name = str(claims.get("family_name") or "")[:150]
        if not (user.first_name or user.last_name) and claims.get("name"):
            user.first_name, _, user.last_name = str(claims["name"])[:300].partition(" ")
        user.email = str(claims.get("email") or user.email)[:254]
        user.save()
        teachers = Group.objects.get_or_create(name=TEACHERS)[0]
        if is_teacher(claims):
            user.groups.add(teachers)
        else:
            # The provider is the authority on its people: a teacher no longer in the group is a student again.
            user.groups.remove(teachers)
            user.groups.add(Group.objects.get_or_create(name=STUDENTS)[0])
        return user
