"""A teacher grades a written answer from the review queue with the keyboard; the student sees the final score."""

import re

import pytest
from playwright.sync_api import expect

from quiz import services
from quiz.models import AttemptState

pytestmark = pytest.mark.browser


def submitted_attempt(student, quiz, answers: dict[str, str]):
    attempt = services.start_attempt(student=student, quiz=quiz)
    for key, text in answers.items():
        services.save_response(attempt=attempt, part_key=key, text=text, sequence=1)
    return services.submit_attempt(attempt=attempt)


def test_a_teacher_grades_from_the_queue_and_the_student_sees_the_final_score(
    page, live_server, login, screenshot, alice, tess, quiz
):
    attempt = submitted_attempt(alice, quiz, {"q2a": "903400", "q6b": "Skip connections let very deep networks train."})
    assert (attempt.state, str(attempt.score)) == (AttemptState.NEEDS_REVIEW, "2.000")

    login(page, live_server, "tess", "tess-password")
    expect(page.get_by_role("heading", name="My quizzes")).to_be_visible()
    expect(page.get_by_role("img", name="Score distribution")).to_be_visible()
    page.get_by_role("link", name=re.compile("Review queue")).click()
    page.get_by_role("link", name="Review 1 pending").click()

    expect(page.get_by_role("heading", name="Question 6b")).to_be_visible()
    expect(page.locator("mark.concept-found")).to_have_text(["Skip connections", "very deep networks"])
    points = page.get_by_label("Points (out of 1)")
    expect(points).to_be_focused()
    expect(points).to_have_value("1.0")
    screenshot(page, "review")

    # The suggestion is selected: typing replaces it; Ctrl+Enter in the comment saves and moves on.
    page.keyboard.type("1")
    page.keyboard.press("Tab")
    page.keyboard.type("Both ideas, clearly put.")
    page.keyboard.press("Control+Enter")
    expect(page.get_by_text("Every answer to Question 6b is reviewed.")).to_be_visible()
    expect(page.get_by_text("Nothing pending").first).to_be_visible()

    attempt.refresh_from_db()
    assert (attempt.state, str(attempt.score)) == (AttemptState.GRADED, "2.000")

    page.get_by_role("button", name="Log out").click()
    login(page, live_server, "alice", "alice-password")
    page.goto(f"{live_server.url}/attempts/{attempt.pk}/result/")
    expect(page.locator("#total-score")).to_have_text("2")
    expect(page.get_by_text("Provisional total")).to_have_count(0)
    expect(page.get_by_text("Both ideas, clearly put.")).to_be_visible()
    screenshot(page, "student-result")


def test_enter_in_the_points_field_saves_and_opens_the_next_answer(
    page, live_server, login, alice, bob, tess, quiz
):
    submitted_attempt(alice, quiz, {"q6b": "Residual connections."})
    submitted_attempt(bob, quiz, {"q6b": "Batch normalization."})
    login(page, live_server, "tess", "tess-password")
    page.goto(f"{live_server.url}/teach/quizzes/{quiz.pk}/review/")
    page.get_by_role("link", name="Review 2 pending").click()
    expect(page.get_by_role("heading", name="Answer by Alice")).to_be_visible()
    page.keyboard.type("0.75")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Answer by Bob")).to_be_visible()
    expect(page.get_by_text("Question 6b: 0.75 points saved.")).to_be_visible()
    expect(page.get_by_label("Points (out of 1)")).to_be_focused()
