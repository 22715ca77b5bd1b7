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
from django.contrib.admin.models import LogEntry
from django.contrib.messages import get_messages
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from quiz.roles import STUDENTS
from tests.conftest import make_user

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


# --- What the pages say ------------------------------------------------------------------------------


def test_the_login_page_warns_when_two_and_then_one_try_are_left(alice, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 3):
        assert "will lock this account" not in log_in("alice", "wrong").content.decode()
    two = log_in("alice", "wrong").content.decode()
    assert "Two more wrong passwords will lock this account on this computer for 15 minutes." in " ".join(two.split())
    one = log_in("alice", "wrong").content.decode()
    assert "One more wrong password will lock this account on this computer for 15 minutes." in " ".join(one.split())


def test_the_lock_out_page_says_for_how_long_and_links_back(locked):
    response = log_in("alice", "alice-password")
    html = " ".join(response.content.decode().split())
    assert "This account is locked for 15 minutes" in html
    assert "Wait 15 minutes and try again" in html
    assert f'href="{reverse("login")}"' in html and "Back to the login page" in html


def test_a_username_longer_than_any_account_is_a_form_error(db):
    response = log_in("a" * 300, "wrong")
    assert response.status_code == 200
    assert "Ensure this value has at most 150 characters (it has 300)." in response.content.decode()
    assert not AccessAttempt.objects.exists()


def test_failures_count_under_the_username_however_it_is_typed(alice, settings):
    for typed in ["Alice", "ａｌｉｃｅ", "ALICE", "alice", "aLiCe"][: settings.AXES_FAILURE_LIMIT]:
        log_in(typed, "wrong")
    assert log_in("alice", "alice-password").status_code == 429
    assert set(AccessAttempt.objects.values_list("username", flat=True)) == {"alice"}


# --- Password spraying: a limit per address, across usernames ------------------------------------------


@pytest.fixture
def hall(settings, django_user_model):
    """A lecture hall's worth of students (ten here) and an address limit of twelve failures."""
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 12
    return [make_user(django_user_model, f"student{n:02d}", STUDENTS) for n in range(10)]


def test_spraying_passwords_across_usernames_locks_the_address_and_is_logged(hall, bob, caplog):
    replies = [log_in(student.username, guess) for guess in ("123456", "password") for student in hall[:6]]
    assert [reply.status_code for reply in replies] == [200] * 11 + [429]
    assert "Login failures from 10.0.0.1 reached 12 across 6 usernames" in caplog.text
    # Every account is refused from that address now, with the right password too; not from elsewhere.
    refused = log_in("bob", "bob-password")
    assert refused.status_code == 429
    assert "Too many wrong passwords were typed from this network" in " ".join(refused.content.decode().split())
    assert logged_in(log_in("bob", "bob-password", ip=HOME))


def test_a_lecture_halls_honest_typos_lock_nobody_else(hall):
    for student in hall:
        assert log_in(student.username, "typo").status_code == 200
        assert logged_in(log_in(student.username, f"{student.username}-password"))
    assert logged_in(log_in("student00", "student00-password"))


# --- A browser the student signed in from before ---------------------------------------------------------


@pytest.fixture
def alices_browser(alice):
    """The browser Alice signed in from before (it keeps its device cookie), logged out again."""
    browser = Client(REMOTE_ADDR=CLASSROOM)
    assert logged_in(browser.post(reverse("login"), {"username": "alice", "password": "alice-password"}))
    assert browser.cookies["convquiz_device"]["httponly"]
    browser.post(reverse("logout"))
    return browser


def test_a_classmate_cannot_lock_a_student_out_of_her_own_browser(alices_browser, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        log_in("alice", "wrong")
    assert log_in("alice", "alice-password").status_code == 429, "locked for any other browser"
    reply = alices_browser.post(reverse("login"), {"username": "alice", "password": "alice-password"})
    assert logged_in(reply)


def test_her_browser_gets_past_a_sprayed_address_too(alices_browser, hall):
    for guess in ("123456", "password"):
        for student in hall[:6]:
            log_in(student.username, guess)
    assert log_in("bob", "bob-password").status_code == 429
    assert logged_in(alices_browser.post(reverse("login"), {"username": "alice", "password": "alice-password"}))


def test_her_browser_has_a_limit_of_its_own(alices_browser, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert alices_browser.post(reverse("login"), {"username": "alice", "password": "wrong"}).status_code == 200
    assert alices_browser.post(reverse("login"), {"username": "alice", "password": "wrong"}).status_code == 429
    assert alices_browser.post(reverse("login"), {"username": "alice", "password": "alice-password"}).status_code == 429


def test_the_device_cookie_helps_only_the_student_it_was_given_to(alices_browser, bob, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        log_in("bob", "wrong")
    assert alices_browser.post(reverse("login"), {"username": "bob", "password": "bob-password"}).status_code == 429


def test_a_forged_device_cookie_is_ignored(alice, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        log_in("alice", "wrong")
    forger = Client(REMOTE_ADDR=CLASSROOM)
    forger.cookies["convquiz_device"] = '{"user": "alice", "device": "x"}'
    assert forger.post(reverse("login"), {"username": "alice", "password": "alice-password"}).status_code == 429


# --- Teachers unlock their students from the roster ------------------------------------------------------


def test_a_teacher_sees_the_lock_and_unlocks_a_student_from_the_roster(locked, tess):
    teacher = Client()
    teacher.force_login(tess)
    roster = teacher.get(reverse("teacher:roster")).content.decode()
    assert "locked out" in roster and reverse("teacher:unlock_student", args=[locked.pk]) in roster
    response = teacher.post(reverse("teacher:unlock_student", args=[locked.pk]))
    assert response.status_code == 302
    assert "alice can log in again" in " ".join(m.message for m in get_messages(response.wsgi_request)).lower()
    assert logged_in(log_in("alice", "alice-password"))
    entry = LogEntry.objects.get(object_id=str(locked.pk))
    assert (entry.user, entry.change_message) == (tess, "Unlocked login (1 locked address cleared)")
    assert "locked out" not in teacher.get(reverse("teacher:roster")).content.decode()


def test_an_unlock_also_frees_the_students_own_browser(alices_browser, alice, tess, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        alices_browser.post(reverse("login"), {"username": "alice", "password": "wrong"})
    assert alices_browser.post(reverse("login"), {"username": "alice", "password": "alice-password"}).status_code == 429
    teacher = Client()
    teacher.force_login(tess)
    teacher.post(reverse("teacher:unlock_student", args=[alice.pk]))
    assert logged_in(alices_browser.post(reverse("login"), {"username": "alice", "password": "alice-password"}))


def test_who_may_not_unlock(locked, bob, tess, admin_user):
    url = reverse("teacher:unlock_student", args=[locked.pk])
    assert Client().post(url)["Location"].startswith(reverse("login"))
    student = Client()
    student.force_login(bob)
    assert student.post(url).status_code == 403
    teacher = Client()
    teacher.force_login(tess)
    assert teacher.get(url).status_code == 405
    for colleague in (tess, admin_user):
        assert teacher.post(reverse("teacher:unlock_student", args=[colleague.pk])).status_code == 404
    assert AccessAttempt.objects.filter(username="alice").exists()
    assert not LogEntry.objects.exists()


# --- Where a login sends you next ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "next_url",
    ["/quizzes/%0d%0aSet-Cookie:%20x=1", "/quizzes/%250d%250aSet-Cookie:x", "/quizzes/\r\nX: y", "/a%00b",
     "/%2509/evil.example"],
)
def test_a_next_address_hiding_control_characters_is_refused(alice, next_url):
    client = Client()
    page = client.get(reverse("login"), {"next": next_url}).content.decode()
    assert 'name="next" value=""' in page
    response = client.post(reverse("login"), {"username": "alice", "password": "alice-password", "next": next_url})
    assert response["Location"] == reverse("home")


def test_a_plain_next_address_is_kept(alice):
    response = Client().post(reverse("login"), {"username": "alice", "password": "alice-password",
                                                "next": "/quizzes/?page=2"})
    assert response["Location"] == "/quizzes/?page=2"
