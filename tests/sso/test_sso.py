"""Single sign-on with the institution's identity provider: who signs in as what, and what can never happen."""

from __future__ import annotations

import html
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from quiz.roles import STUDENTS, TEACHERS
from quiz.sso import sso_username
from tests.conftest import make_user

GRACE = {"sub": "emp-1906", "given_name": "Grace", "family_name": "Hopper", "name": "Grace Hopper",
         "email": "grace@uni.example", "groups": ["staff", "navy"]}
ALAN = {"sub": "stu-1912", "name": "Alan Turing", "email": "alan@uni.example", "groups": ["students"]}


def sign_in(client: Client, idp, person: dict):
    """Through the whole code flow: ConvQuiz → the provider → ConvQuiz's callback; the callback's reply."""
    idp.person = person
    start = client.get(reverse("sso_login"))
    assert start.status_code == 302
    location = urlsplit(start["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == f"{idp.url}/authorize"
    query = {name: values[0] for name, values in parse_qs(location.query).items()}
    return client.get(reverse("sso_callback"), idp.approve(query))


def user_of(client: Client):
    user_id = client.session.get("_auth_user_id")
    return get_user_model().objects.get(pk=user_id) if user_id else None


def test_the_login_page_offers_the_provider_only_when_configured(client, db, settings):
    assert "Sign in with" not in client.get(reverse("login")).content.decode()
    settings.OIDC_RP_CLIENT_ID, settings.OIDC_PROVIDER_NAME = "x", "Example University"
    page = client.get(reverse("login")).content.decode()
    assert "Sign in with Example University" in page
    assert "or with a ConvQuiz password" in page


def test_a_member_of_the_teacher_group_signs_in_as_a_teacher(client, idp, db):
    reply = sign_in(client, idp, GRACE)
    assert reply.status_code == 302 and reply["Location"] == reverse("home")
    user = user_of(client)
    assert user.username == sso_username("emp-1906")
    assert (user.first_name, user.last_name, user.email) == ("Grace", "Hopper", "grace@uni.example")
    assert set(user.groups.values_list("name", flat=True)) == {TEACHERS}
    assert not (user.is_staff or user.is_superuser or user.has_usable_password())
    assert client.get(reverse("home"))["Location"] == reverse("teacher:home")


def test_anyone_else_signs_in_as_a_student_and_a_former_teacher_becomes_one(client, idp, db):
    sign_in(client, idp, ALAN)
    alan = user_of(client)
    assert (alan.first_name, alan.last_name) == ("Alan", "Turing")
    assert set(alan.groups.values_list("name", flat=True)) == {STUDENTS}

    sign_in(Client(), idp, GRACE)
    sign_in(Client(), idp, {**GRACE, "groups": ["navy"]})
    grace = get_user_model().objects.get(username=sso_username("emp-1906"))
    assert set(grace.groups.values_list("name", flat=True)) == {STUDENTS}
    assert get_user_model().objects.filter(username__startswith="sso-").count() == 2


def test_no_claim_takes_over_a_local_account_and_local_passwords_still_work(client, idp, django_user_model):
    admin = make_user(django_user_model, "admin", staff=True)
    sign_in(client, idp, {**GRACE, "sub": "admin", "email": admin.email, "preferred_username": "admin"})
    assert user_of(client) != admin
    assert not user_of(client).is_staff
    local = Client()
    assert local.post(reverse("login"), {"username": "admin", "password": "admin-password"}).status_code == 302
    assert user_of(local) == admin


def test_a_token_meant_for_another_client_signs_nobody_in(client, idp, db):
    idp.audience = "someone-else"
    reply = sign_in(client, idp, GRACE)
    assert reply["Location"] == "/accounts/login/?sso=failed"
    assert user_of(client) is None
    page = client.get(reply["Location"]).content.decode()
    assert "Signing in with Example University did not work." in html.unescape(page)


def test_a_token_with_another_logins_nonce_signs_nobody_in(client, idp, db):
    idp.nonce = "a-nonce-from-another-login"
    assert sign_in(client, idp, GRACE)["Location"] == "/accounts/login/?sso=failed"
    assert user_of(client) is None


def test_a_callback_with_a_state_this_browser_never_sent_is_refused(client, idp, db):
    idp.person = GRACE
    client.get(reverse("sso_login"))
    reply = client.get(reverse("sso_callback"), {"code": "anything", "state": "forged"})
    assert reply.status_code == 400
    assert user_of(client) is None


def test_a_code_is_used_once(client, idp, db):
    idp.person = GRACE
    start = urlsplit(client.get(reverse("sso_login"))["Location"])
    back = idp.approve({name: values[0] for name, values in parse_qs(start.query).items()})
    assert client.get(reverse("sso_callback"), back).status_code == 302
    other = Client()
    replay = other.get(reverse("sso_callback"), back)
    assert replay.status_code == 302 and replay["Location"] == "/accounts/login/?sso=failed"
    assert user_of(other) is None


@pytest.mark.parametrize("name", ["sso_login", "sso_callback"])
def test_single_sign_on_is_off_unless_configured(client, db, name):
    assert client.get(reverse(name)).status_code == 404


def test_the_settings_need_every_endpoint_once_a_client_id_is_set():
    from tests.quiz.test_settings import PRODUCTION_ENV, run_manage

    result = run_manage("check", env={**PRODUCTION_ENV, "OIDC_RP_CLIENT_ID": "x", "OIDC_RP_CLIENT_SECRET": "y"})
    assert result.returncode != 0
    assert "OIDC_OP_AUTHORIZATION_ENDPOINT" in result.stderr
    configured = {
        **PRODUCTION_ENV, "OIDC_RP_CLIENT_ID": "x", "OIDC_RP_CLIENT_SECRET": "y",
        **{name: f"https://idp.example/{name.lower()}" for name in (
            "OIDC_OP_AUTHORIZATION_ENDPOINT", "OIDC_OP_TOKEN_ENDPOINT", "OIDC_OP_USER_ENDPOINT", "OIDC_OP_JWKS_ENDPOINT"
        )},
    }
    assert run_manage("check", env=configured).returncode == 0
