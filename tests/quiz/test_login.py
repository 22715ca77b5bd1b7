"""Login throttling (django-axes): a username is locked from one address, never a whole classroom.

After AXES_FAILURE_LIMIT wrong passwords for one username from one address, that pair
is locked for AXES_COOLOFF_TIME: the right password is refused too, with a page saying
what happened and what to do. The same student from another address, and every other
student behind the classroom's shared address, still log in. An admin unlocks a student
by deleting the lockout in the admin (Axes › Access attempts), or with
`python manage.py axes_reset_username <username>`.
"""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
import time_machine
from axes.models import AccessAttempt
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

CLASSROOM = "10.0.0.1"
"""The address a whole classroom shares behind its router."""
HOME = "192.0.2.7"


def log_in(username: str, password: str, ip: str = CLASSROOM):
    client = Client(REMOTE_ADDR=ip)
    return client.post(reverse("login"), {"username": username, "password": password})


def logged_in(response) -> bool:
    return response.status_code == 302 and response.wsgi_request.user.is_authenticated


@pytest.fixture
def locked(alice, settings):
    """Alice, locked out from the classroom after the limit of wrong passwords."""
    replies = [log_in("alice", "wrong") for _ in range(settings.AXES_FAILURE_LIMIT)]
    assert all(reply.status_code == 200 for reply in replies[:-1]), "the form again, with its error"
    assert replies[-1].status_code == 429
    return alice


def test_a_wrong_password_shows_the_form_again(alice):
    response = log_in("alice", "wrong")
    assert response.status_code == 200
    assert "Please enter a correct username and password" in response.content.decode()


def test_after_the_limit_the_right_password_is_refused_with_a_clear_message(locked):
    response = log_in("alice", "alice-password")
    assert response.status_code == 429
    assert not response.wsgi_request.user.is_authenticated
    html = response.content.decode()
    assert "Too many failed logins" in html
    assert "ask your teacher or an administrator to unlock it" in html
    assert "default-src 'self'" in response["Content-Security-Policy"]


def test_the_same_student_from_another_address_is_not_locked(locked):
    assert logged_in(log_in("alice", "alice-password", ip=HOME))


def test_another_student_on_the_classroom_address_is_not_locked(locked, bob):
    assert logged_in(log_in("bob", "bob-password"))


def test_the_lock_covers_the_username_and_address_together(locked):
    attempt = AccessAttempt.objects.get()
    assert (attempt.username, attempt.ip_address) == ("alice", CLASSROOM)


def test_an_admin_unlocks_a_student_in_the_admin(locked, admin_user):
    admin = Client()
    admin.force_login(admin_user)
    listing = admin.get(reverse("admin:axes_accessattempt_changelist"))
    assert "alice" in listing.content.decode()
    lockout = AccessAttempt.objects.get(username="alice")
    delete = reverse("admin:axes_accessattempt_delete", args=[lockout.pk])
    assert admin.post(delete, {"post": "yes"}).status_code == 302
    assert logged_in(log_in("alice", "alice-password"))


def test_an_admin_unlocks_a_student_from_the_command_line(locked):
    call_command("axes_reset_username", "alice", stdout=io.StringIO())
    assert logged_in(log_in("alice", "alice-password"))


def test_a_teacher_cannot_unlock_in_the_admin(locked, tess):
    teacher = Client()
    teacher.force_login(tess)
    lockout = AccessAttempt.objects.get(username="alice")
    response = teacher.post(reverse("admin:axes_accessattempt_delete", args=[lockout.pk]), {"post": "yes"})
    assert response.status_code == 302 and response["Location"].startswith(reverse("admin:login"))
    assert AccessAttempt.objects.filter(pk=lockout.pk).exists()


def test_the_lock_ends_after_the_cool_off_time(locked, settings):
    later = timezone.now() + timedelta(hours=settings.AXES_COOLOFF_TIME, seconds=1)
    with time_machine.travel(later, tick=False):
        assert logged_in(log_in("alice", "alice-password"))


def test_a_successful_login_starts_the_count_again(alice, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        log_in("alice", "wrong")
    assert logged_in(log_in("alice", "alice-password"))
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert log_in("alice", "wrong").status_code == 200
    assert logged_in(log_in("alice", "alice-password"))
