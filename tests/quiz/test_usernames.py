"""Usernames are compared in NFKC form, case-folded: no look-alike account, whichever way one is made."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from quiz import usernames
from quiz.forms import AccountChangeForm, AccountCreationForm


@pytest.mark.parametrize(
    ("a", "b"),
    [("alice", "ALICE"), ("alice", "ａｌｉｃｅ"), ("Straße", "STRASSE"), ("ﬁona", "fiona"), ("Émile", "émile")],
)
def test_spellings_of_one_username_share_a_key(a, b):
    assert usernames.key(a) == usernames.key(b)


def test_different_usernames_keep_different_keys():
    assert len({usernames.key(name) for name in ["alice", "alice1", "alíce", "al1ce"]}) == 4


def account_form(**data) -> dict:
    return {"username": "", "usable_password": "false", **data}


@pytest.mark.parametrize("username", ["alice", "Alice", "ＡＬＩＣＥ", "ａｌｉｃｅ"])
def test_the_admin_refuses_a_new_account_that_folds_onto_an_existing_one(alice, username):
    form = AccountCreationForm(account_form(username=username))
    assert not form.is_valid()
    [message] = form.errors["username"]
    assert "“alice”" in message


def test_the_admin_creates_a_new_account_in_normal_form(db, django_user_model):
    form = AccountCreationForm(account_form(username="ｃａｒｏｌ"))
    assert form.is_valid(), form.errors
    assert form.save().username == "carol"


def test_the_admin_refuses_renaming_an_account_onto_another(alice, bob):
    data = {"username": "Alice", "date_joined_0": "2026-01-01", "date_joined_1": "00:00:00"}
    form = AccountChangeForm(data, instance=bob)
    assert not form.is_valid()
    assert "too close to the existing account “alice”" in form.errors["username"][0]
    kept = AccountChangeForm({**data, "username": "Bob"}, instance=bob)
    kept.is_valid()
    assert "username" not in kept.errors, "a change of case to one's own name is no collision"


def test_the_admin_add_page_shows_the_message(admin_client, alice):
    response = admin_client.post(reverse("admin:auth_user_add"), account_form(username="ＡＬＩＣＥ"))
    assert response.status_code == 200
    assert "is too close to the existing account “alice”" in response.content.decode()


@pytest.mark.parametrize("typed", ["alice", "ALICE", "ａｌｉｃｅ", " Alice "])
def test_any_spelling_logs_in_to_the_one_account_it_names(alice, typed):
    response = Client().post(reverse("login"), {"username": typed, "password": "alice-password"})
    assert response.status_code == 302
    assert response.wsgi_request.user == alice


def test_a_look_alike_never_logs_in_as_someone_else(alice, django_user_model):
    """Two accounts folding alike, made before usernames were compared this way: a spelling that
    is neither exactly names nobody, and each exact spelling reaches only its own account."""
    legacy = django_user_model(username="Alice")
    legacy.set_password("legacy-password")
    legacy.save()
    assert Client().post(reverse("login"), {"username": "ALICE", "password": "legacy-password"}).status_code == 200
    assert Client().post(reverse("login"), {"username": "ALICE", "password": "alice-password"}).status_code == 200
    exact = Client().post(reverse("login"), {"username": "Alice", "password": "legacy-password"})
    assert exact.wsgi_request.user == legacy
    full_width = Client().post(reverse("login"), {"username": "ａｌｉｃｅ", "password": "legacy-password"})
    assert full_width.status_code == 200, "ａｌｉｃｅ is alice, whose password this is not"
