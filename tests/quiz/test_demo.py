"""Demo accounts exist only on the embedded database with DEBUG on."""

import pytest
from django.contrib.auth import authenticate

from quiz.demo import DemoRefused, create_demo_accounts
from quiz.roles import is_student, is_teacher


def use_engine(settings, engine: str) -> None:
    # Replace the setting (restored after the test), never the dict the connection uses.
    settings.DATABASES = {**settings.DATABASES, "default": {**settings.DATABASES["default"], "ENGINE": engine}}


def test_demo_accounts_are_created_with_their_roles(db, settings):
    settings.DEBUG = True
    use_engine(settings, "django.db.backends.sqlite3")
    create_demo_accounts()
    student = authenticate(username="student", password="student-demo")
    teacher = authenticate(username="teacher", password="teacher-demo")
    admin = authenticate(username="admin", password="admin-demo")
    assert is_student(student) and not is_teacher(student)
    assert is_teacher(teacher)
    assert admin.is_staff and admin.is_superuser


def test_demo_accounts_are_refused_without_debug(db, settings):
    settings.DEBUG = False
    with pytest.raises(DemoRefused):
        create_demo_accounts()


def test_demo_accounts_are_refused_on_postgresql(db, settings):
    settings.DEBUG = True
    use_engine(settings, "django.db.backends.postgresql")
    with pytest.raises(DemoRefused):
        create_demo_accounts()
