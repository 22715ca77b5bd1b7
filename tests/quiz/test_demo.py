"""Demo accounts exist only on the embedded database with DEBUG on."""

import pytest
from django.contrib.auth import get_user_model

from quiz import demo
from quiz.demo import DemoRefused, create_demo_accounts
from quiz.roles import is_student, is_teacher


def use_vendor(monkeypatch, vendor: str) -> None:
    monkeypatch.setattr(demo, "database_vendor", lambda: vendor)


def login_user(username: str, password: str):
    user = get_user_model().objects.get(username=username)
    assert user.check_password(password)
    return user


def test_demo_accounts_are_created_with_their_roles(db, settings, monkeypatch):
    settings.DEBUG = True
    use_vendor(monkeypatch, "sqlite")
    create_demo_accounts()
    student = login_user("student", "student-demo")
    teacher = login_user("teacher", "teacher-demo")
    admin = login_user("admin", "admin-demo")
    assert is_student(student) and not is_teacher(student)
    assert is_teacher(teacher)
    assert admin.is_staff and admin.is_superuser


def test_demo_accounts_are_refused_without_debug(db, settings, monkeypatch):
    settings.DEBUG = False
    use_vendor(monkeypatch, "sqlite")
    with pytest.raises(DemoRefused):
        create_demo_accounts()
    assert not get_user_model().objects.filter(username="student").exists()


def test_demo_accounts_are_refused_on_postgresql(db, settings, monkeypatch):
    settings.DEBUG = True
    use_vendor(monkeypatch, "postgresql")
    with pytest.raises(DemoRefused):
        create_demo_accounts()
    assert not get_user_model().objects.filter(username="student").exists()
