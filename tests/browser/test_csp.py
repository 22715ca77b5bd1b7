"""Every main page type satisfies the Content Security Policy in Chromium.

The guard in conftest.py fails a test on any console error or CSP violation; here every
page is also checked as soon as it has loaded, so a failure names the page.
"""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from quiz import services
from quiz.models import Question, Response
from tests.quiz.conftest import GOOD_ANSWERS

pytestmark = pytest.mark.browser


@pytest.fixture
def attempts(alice, quiz):
    """Alice's first attempt, submitted with a written answer awaiting review; her second, in progress."""
    first = services.start_attempt(student=alice, quiz=quiz)
    for key, text in GOOD_ANSWERS.items():
        services.save_response(attempt=first, part_key=key, text=text, sequence=1)
    services.submit_attempt(attempt=first)
    return first, services.start_attempt(student=alice, quiz=quiz)


def visit_all(page, live_server, page_errors, urls: list[str]) -> None:
    for url in urls:
        response = page.goto(f"{live_server.url}{url}")
        assert response.ok, f"{url}: {response.status}"
        page.wait_for_load_state("networkidle")
        assert not page_errors.unexpected(), f"{url}: " + "; ".join(page_errors.unexpected())


def test_the_students_pages_satisfy_the_policy(page, live_server, login, page_errors, alice, quiz, attempts):
    submitted, current = attempts
    login(page, live_server, "alice", "alice-password")
    visit_all(page, live_server, page_errors, [
        reverse("student:dashboard"),
        reverse("student:quiz_start", args=[quiz.key]),
        reverse("student:attempt_history"),
        reverse("student:attempt_submit", args=[current.pk]),
        reverse("student:attempt_result", args=[submitted.pk]),
        reverse("password_change"),
        reverse("student:attempt", args=[current.pk]),
    ])
    # The attempt page at work: a save through its modules, its status, the countdown.
    expect(page.locator("#attempt-form[data-ready]")).to_have_count(1)
    page.get_by_label("Question 2a", exact=True).fill("903400")
    expect(page.locator("#status-q2a")).to_contain_text("Saved")
    assert not page_errors.unexpected()


def test_the_teachers_pages_satisfy_the_policy(page, live_server, login, page_errors, tess, alice, quiz, attempts):
    submitted, _ = attempts
    q6b = Response.objects.get(attempt=submitted, part__question__key="q6", part__key="b")
    login(page, live_server, "tess", "tess-password")
    visit_all(page, live_server, page_errors, [
        reverse("teacher:home"),
        reverse("teacher:gradebook", args=[quiz.pk]),
        reverse("teacher:gradebook_students", args=[quiz.pk]),
        reverse("teacher:review_queue", args=[quiz.pk]),
        reverse("teacher:review", args=[q6b.pk]),
        reverse("teacher:attempt", args=[submitted.pk]),
        reverse("teacher:quiz_access", args=[quiz.pk]),
        reverse("teacher:roster", args=[]),
        reverse("teacher:student_password", args=[alice.pk]),
        reverse("teacher:standing_accommodation", args=[alice.pk]),
        reverse("teacher:statistics", args=[quiz.pk]),
        reverse("teacher:regrade", args=[quiz.pk]),
    ])


def test_the_admins_pages_satisfy_the_policy(page, live_server, login, page_errors, admin_user, quiz, attempts):
    submitted, _ = attempts
    question = Question.objects.get(quiz=quiz, key="q2")
    login(page, live_server, "root", "root-password")
    visit_all(page, live_server, page_errors, [
        reverse("admin:index"),
        reverse("admin:quiz_quiz_change", args=[quiz.pk]),
        reverse("admin:quiz_question_change", args=[question.pk]),
        reverse("admin:quiz_question_preview", args=[question.pk]),
        reverse("admin:quiz_attempt_change", args=[submitted.pk]),
        reverse("admin:axes_accessattempt_changelist"),
    ])


def test_the_login_and_error_pages_satisfy_the_policy(page, live_server, page_errors, login, alice):
    visit_all(page, live_server, page_errors, [reverse("login")])
    login(page, live_server, "alice", "alice-password")
    page_errors.expect("status of 40[34]")  # the browser reports the error pages' own status
    for url in ("/no/such/page/", reverse("teacher:home")):
        page.goto(f"{live_server.url}{url}")
        page.wait_for_load_state("networkidle")
        assert not page_errors.unexpected(), url
