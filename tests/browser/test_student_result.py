"""A student reads a result with a written answer still awaiting the teacher, then after the teacher's decision."""

import io
import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from quiz import reviews
from tests.browser.conftest import submitted_attempt

pytestmark = pytest.mark.browser



ANSWERS = {"q2a": "903400", "q10b": "Semantic segmentation gives each pixel a class."}


def test_a_written_answer_shows_no_number_until_the_teacher_decides(
    page, live_server, login, screenshot, alice, tess, quiz
):
    attempt = submitted_attempt(alice, quiz, ANSWERS)
    login(page, live_server, "alice", "alice-password")
    page.goto(f"{live_server.url}/quizzes/")
    expect(page.get_by_text("Awaiting your teacher")).to_be_visible()
    page.get_by_role("link", name="Result of attempt 1").click()

    expect(page.get_by_text("Total so far", exact=True)).to_be_visible()
    expect(page.locator("#total-score")).to_have_text("1")
    expect(page.locator("#points-pending")).to_have_text("1 point still to be decided")
    written = page.locator("#part-q10b")
    expect(written.locator(".status-badge")).to_have_text("Awaiting your teacher")
    expect(written.locator(".part-score")).to_have_count(0)
    expect(written).not_to_contain_text(re.compile(r"\b0\.5\b"))
    expect(page.locator("#question-q10 .question-score")).to_have_text("0 / 2 points, 1 awaiting your teacher")
    screenshot(page, "awaiting")

    reviews.confirm_review(response=attempt.responses.get(part__question__key="q10", part__key="b"), score=1,
                           comment="Both ideas, clearly put.", teacher=tess)
    page.reload()
    expect(page.get_by_text("Total", exact=True)).to_be_visible()
    expect(page.locator("#total-score")).to_have_text("2")
    expect(page.locator("#points-pending")).to_have_count(0)
    expect(written.locator(".status-badge")).to_have_text("Correct")
    expect(written.locator(".part-score")).to_have_text("1 / 1 point")
    expect(written.locator(".teacher-decision")).to_have_text(
        "Scored by your teacher: 1 of 1 point. Both ideas, clearly put."
    )
    screenshot(page, "decided")


def test_a_quiz_may_show_the_suggestion_marked_as_one(page, live_server, login, alice, quiz):
    quiz.show_suggested_scores = True
    quiz.save()
    attempt = submitted_attempt(alice, quiz, ANSWERS)
    call_command("suggest_written_answers", stdout=io.StringIO())  # as cron reads them by meaning after the submit
    login(page, live_server, "alice", "alice-password")
    page.goto(f"{live_server.url}/attempts/{attempt.pk}/result/")
    expect(page.get_by_text("Provisional total")).to_be_visible()
    expect(page.locator("#total-score")).to_have_text("1.5")
    expect(page.locator("#part-q10b .part-score")).to_have_text("0.5 / 1 point suggested")
    expect(page.locator("#part-q10b .status-badge")).to_have_text("Awaiting your teacher")
