"""Named users and the shipped quiz, shared by every test that needs the database."""

import pytest
from django.contrib.auth.models import Group

from quiz.bank import load_question_bank
from quiz.roles import STUDENTS, TEACHERS


def make_user(django_user_model, username: str, group: str | None = None, *, staff: bool = False):
    user = django_user_model.objects.create_user(
        username=username, password=f"{username}-password", first_name=username.title(), email=f"{username}@example.org"
    )
    if staff:
        user.is_staff = user.is_superuser = True
        user.save()
    if group:
        user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def alice(db, django_user_model):
    """A student."""
    return make_user(django_user_model, "alice", STUDENTS)


@pytest.fixture
def bob(db, django_user_model):
    """Another student."""
    return make_user(django_user_model, "bob", STUDENTS)


@pytest.fixture
def tess(db, django_user_model):
    """A teacher."""
    return make_user(django_user_model, "tess", TEACHERS)


@pytest.fixture
def admin_user(db, django_user_model):
    """An admin: staff with every permission."""
    return make_user(django_user_model, "root", staff=True)


@pytest.fixture
def quiz(db):
    """The shipped CNN quiz, loaded from its bank file."""
    return load_question_bank().quiz
