"""A teacher grades a written answer from the review queue with the keyboard; the student sees the final score,
the rubric items awarded and the comment."""

import re

import pytest
from playwright.sync_api import expect

from quiz.models import AttemptState
from quiz.roles import STUDENTS
from tests.browser.conftest import submitted_attempt
from tests.conftest import make_user

pytestmark = pytest.mark.browser



def test_a_teacher_scores_by_rubric_items_with_the_keyboard_and_the_student_reads_items_and_comment(
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
    expect(points).to_have_value("1.0")
    items = page.locator("input[data-rubric-item]")
    expect(items.first).to_be_focused()
    screenshot(page, "review")

    # By keyboard alone: 2 ticks the bonus item (nothing without a core item), 1 the core item,
    # 2 again unticks the bonus; the points follow. Tab to the comment, Ctrl+Enter saves and moves on.
    page.keyboard.press("2")
    expect(points).to_have_value("0")
    page.keyboard.press("1")
    expect(points).to_have_value("1")
    page.keyboard.press("2")
    expect(items.nth(1)).not_to_be_checked()
    expect(items.first).to_be_checked()
    comment = page.get_by_label("Comment for the student")
    for _ in range(8):
        page.keyboard.press("Tab")
        if comment.evaluate("element => element === document.activeElement"):
            break
    expect(comment).to_be_focused()
    page.keyboard.type("Both ideas, clearly put.")
    page.keyboard.press("Control+Enter")
    expect(page.get_by_text("Every answer to Question 6b is reviewed.")).to_be_visible()
    expect(page.get_by_text("Nothing pending").first).to_be_visible()

    attempt.refresh_from_db()
    assert (attempt.state, str(attempt.score)) == (AttemptState.GRADED, "2.000")
    q6b = attempt.responses.get(part__question__key="q6", part__key="b")
    assert (q6b.review_score, q6b.review_items) == (1.0, ["skip_connections"])

    page.get_by_role("button", name="Log out").click()
    login(page, live_server, "alice", "alice-password")
    page.goto(f"{live_server.url}/attempts/{attempt.pk}/result/")
    expect(page.locator("#total-score")).to_have_text("2")
    expect(page.get_by_text("Total so far", exact=True)).to_have_count(0)
    expect(page.get_by_text("Both ideas, clearly put.")).to_be_visible()
    awarded = page.locator("#part-q6b .awarded-items li")
    expect(awarded).to_have_count(1)
    expect(awarded).to_contain_text("skip (residual) connections, so that the layers learn a residual (1 point)")
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
    # With no rubric item ticked, the points typed count.
    page.get_by_label("Points (out of 1)").fill("0.75")
    page.get_by_label("Points (out of 1)").press("Enter")
    expect(page.get_by_role("heading", name="Answer by Bob")).to_be_visible()
    expect(page.get_by_text("Question 6b: 0.75 points saved.")).to_be_visible()
    expect(page.locator("input[data-rubric-item]").first).to_be_focused()


def test_confirm_score_confirms_the_suggestion_in_one_click_and_changing_it_is_its_own_step(
    page, live_server, login, screenshot, alice, tess, quiz
):
    attempt = submitted_attempt(
        alice, quiz, {"q4a": "[5 6]\n[10 9]", "q10b": "Semantic segmentation gives each pixel a class."}
    )
    q10b = attempt.responses.get(part__question__key="q10", part__key="b")
    q4 = attempt.responses.get(part__question__key="q4")
    login(page, live_server, "tess", "tess-password")
    page.goto(f"{live_server.url}/teach/attempts/{attempt.pk}/")

    # The matrix typed one row per line is read in rows.
    expect(page.locator(f"#part-{q4.part_id} .typed-answer").first).to_have_text("[5 6]\n[10 9]")
    assert page.locator(f"#part-{q4.part_id} .typed-answer").first.inner_text() == "[5 6]\n[10 9]"

    row = page.locator(f"#part-{q10b.part_id}")
    expect(row.get_by_text("Awaiting review")).to_be_visible()
    expect(row.get_by_text("Suggested by the rubric: 0.5 points.")).to_be_visible()
    row.get_by_role("button", name="Confirm score").click()

    expect(page.get_by_text("Question 10b: 0.5 points confirmed.")).to_be_visible()
    row = page.locator(f"#part-{q10b.part_id}")
    expect(row.locator(".badge")).to_have_text("Confirmed")
    expect(row.get_by_text("Confirmed: 0.5 points by Tess")).to_be_visible()
    expect(row.get_by_role("button", name="Confirm score")).to_have_count(0)
    expect(page.locator(".total-score")).to_have_text("1.5 / 21")
    expect(page.get_by_text("Graded", exact=True)).to_be_visible()
    q10b.refresh_from_db()
    assert (q10b.review_score, q10b.reviewed_by) == (0.5, tess)
    screenshot(page, "confirmed")

    row.get_by_text("Change confirmed score…").click()
    points = row.get_by_role("spinbutton", name="Points (out of 1)")
    expect(points).to_be_focused()
    expect(points).to_have_value("0.5")
    points.fill("1")
    row.get_by_role("textbox", name="Comment for the student").fill("Both ideas, clearly put.")
    row.get_by_role("button", name="Save score").click()
    expect(page.get_by_text("Question 10b: 1 point saved.")).to_be_visible()
    expect(page.locator(f"#part-{q10b.part_id}").get_by_text("Confirmed: 1 point by Tess")).to_be_visible()
    expect(page.locator(".total-score")).to_have_text("2 / 21")


def test_an_answer_that_could_not_be_read_waits_in_the_queue_until_the_teacher_decides(
    page, live_server, login, alice, tess, quiz
):
    attempt = submitted_attempt(alice, quiz, {"q2a": "903400", "q2b": "1.234,5 MB"})
    assert attempt.state == AttemptState.NEEDS_REVIEW

    login(page, live_server, "alice", "alice-password")
    page.goto(f"{live_server.url}/attempts/{attempt.pk}/result/")
    expect(page.locator("#part-q2b")).to_contain_text("Awaiting your teacher")

    page.get_by_role("button", name="Log out").click()
    login(page, live_server, "tess", "tess-password")
    page.goto(f"{live_server.url}/teach/quizzes/{quiz.pk}/review/")
    page.get_by_role("link", name="Review 1 pending").click()
    expect(page.get_by_role("heading", name="Question 2b")).to_be_visible()
    expect(page.get_by_text("1.234,5 MB")).to_be_visible()
    page.get_by_label("Points (out of 1)").fill("0")
    page.get_by_role("button", name="Save and next").click()
    expect(page.get_by_text("Every answer to Question 2b is reviewed.")).to_be_visible()
    expect(page.get_by_role("link", name="Review 1 pending")).to_have_count(0)

    attempt.refresh_from_db()
    assert attempt.state == AttemptState.GRADED


def test_a_teacher_scores_a_group_at_once_then_adjusts_one_answer(
    page, live_server, login, screenshot, alice, bob, django_user_model, tess, quiz
):
    carol = make_user(django_user_model, "carol", STUDENTS)
    texts = {alice: "Skip connections.", bob: "skip connections", carol: "Batch normalization."}
    attempts = [submitted_attempt(student, quiz, {"q6b": text}) for student, text in texts.items()]
    login(page, live_server, "tess", "tess-password")
    page.goto(f"{live_server.url}/teach/quizzes/{quiz.pk}/review/")
    page.get_by_role("link", name="In groups").click()

    first = page.locator("section.answer-group").first
    expect(first.get_by_role("heading", name="Group 1: 2 answers")).to_be_visible()
    expect(first.locator(".group-members li")).to_have_count(2)
    first.get_by_label("1. skip (residual) connections, so that the layers learn a residual (1 point)").check()
    first.get_by_label("Comment for each student").fill("Say why depth needs them.")
    screenshot(page, "groups")
    first.get_by_role("button", name="Score 2 answers").click()
    expect(page.get_by_text("Question 6b: 1 point saved for 2 answers.")).to_be_visible()
    # The scored group has left the pending answers; the other one is still there.
    expect(page.locator("section.answer-group")).to_have_count(1)

    # One answer of the group, adjusted alone: its items are ticked as the group left them.
    q6b = [attempt.responses.get(part__question__key="q6", part__key="b") for attempt in attempts]
    page.goto(f"{live_server.url}/teach/responses/{q6b[1].pk}/review/")
    items = page.locator("input[data-rubric-item]")
    expect(items.first).to_be_checked()
    page.keyboard.press("1")
    expect(page.get_by_label("Points (out of 1)")).to_have_value("0")
    page.get_by_label("Comment for the student").fill("Name the connections you mean.")
    page.get_by_role("button", name="Save and next").click()
    expect(page.get_by_text("Question 6b: 0 points saved.")).to_be_visible()

    for response in q6b:
        response.refresh_from_db()
    assert [(r.review_score, r.review_items) for r in q6b] == [
        (1.0, ["skip_connections"]), (0.0, []), (None, []),
    ]
    assert [r.review_comment for r in q6b[:2]] == ["Say why depth needs them.", "Name the connections you mean."]
