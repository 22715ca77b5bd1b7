"""Demo accounts exist only on the embedded database with DEBUG on, and are created only when missing."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse

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


@pytest.fixture
def demo_allowed(db, settings, monkeypatch):
    settings.DEBUG = True
    use_vendor(monkeypatch, "sqlite")


def test_running_again_keeps_a_changed_password_and_the_session(demo_allowed, client):
    create_demo_accounts()
    student = get_user_model().objects.get(username="student")
    student.set_password("my-own-password")
    student.save()
    client.force_login(student)

    out = io.StringIO()
    call_command("create_demo_accounts", stdout=out)

    assert "student already there, passwords left as they are" in out.getvalue()
    login_user("student", "my-own-password")
    page = client.get(reverse("home"), follow=True)
    assert page.wsgi_request.user.username == "student"


def test_only_missing_accounts_are_created_and_existing_roles_are_left(demo_allowed):
    create_demo_accounts()
    teacher = get_user_model().objects.get(username="teacher")
    teacher.groups.clear()
    get_user_model().objects.filter(username="student").delete()

    accounts = create_demo_accounts()

    assert accounts.created == [("student", "student-demo")]
    assert accounts.existing == ["admin", "teacher"]
    assert str(accounts) == (
        "demo accounts: student / student-demo; admin, teacher already there, passwords left as they are"
    )
    assert not is_teacher(get_user_model().objects.get(username="teacher"))
    login_user("student", "student-demo")
