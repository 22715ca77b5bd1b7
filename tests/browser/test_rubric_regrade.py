"""An admin changes a rubric item's points in Chromium, reads what regrading would change, confirms it, and
sees the new scores; a teacher's override stays."""

import re

import pytest
from playwright.sync_api import expect

from quiz import reviews, services
from quiz.models import Part, Response

pytestmark = pytest.mark.browser

ALEXNET = "AlexNet used ReLU and dropout."


def scored_by_items(student, quiz, teacher) -> Response:
    """The student's q6a (relu and dropout: 2 of its 4 core items) scored by ticking those two items."""
    attempt = services.start_attempt(student=student, quiz=quiz)
    services.save_response(attempt=attempt, part_key="q6a", text=ALEXNET, sequence=1)
    services.submit_attempt(attempt=attempt)
    response = Response.objects.get(attempt=attempt, part__question__key="q6", part__key="a")
    return reviews.confirm_review(response=response, score=0.5, comment="", teacher=teacher, items=("relu", "dropout"))


def test_an_admin_edits_rubric_points_previews_the_regrade_confirms_and_sees_the_new_scores(
    page, live_server, login, screenshot, admin_user, alice, bob, tess, quiz
):
    scored_by_items(alice, quiz, tess)
    bobs = scored_by_items(bob, quiz, tess)
    reviews.override_score(response=bobs, score=1.0, reason="Explained both well", teacher=tess)
    part = Part.objects.get(question__quiz=quiz, question__key="q6", key="a")
    login(page, live_server, "root", "root-password")

    page.goto(f"{live_server.url}/admin/quiz/part/{part.pk}/change/")
    relu = page.locator(".field-rubric fieldset.rows-card").filter(has=page.locator("input[value='relu']"))
    relu.get_by_label("Points").fill("2")
    page.get_by_role("button", name="Save", exact=True).click()

    expect(page.get_by_role("heading", name="Regrade Question 6a of CNN fundamentals")).to_be_visible()
    expect(page.get_by_text("The rubric of Question 6a changed")).to_be_visible()
    expect(page.get_by_text("Nothing has been saved yet")).to_be_visible()
    rows = page.locator("table.regrade-changes tbody tr")
    alice_row, bob_row = rows.filter(has_text="alice"), rows.filter(has_text="bob")
    expect(alice_row.get_by_role("cell").nth(0)).to_have_text("0.5")
    expect(alice_row.get_by_role("cell").nth(1)).to_contain_text("0.6")
    expect(alice_row).to_contain_text("Your score by rubric items: 0.5 → 0.6 of 1 point")
    expect(bob_row).to_contain_text("score kept: set by a teacher")
    expect(bob_row.get_by_role("cell").nth(2)).to_have_text("0")
    screenshot(page, "preview")

    page.get_by_role("button", name="Regrade Question 6a in 2 attempts").click()

    expect(page.get_by_role("status")).to_have_text(re.compile("Done: regraded Question 6a in 2 attempts"))
    page.locator("main").get_by_role("link", name="Gradebook").last.click()
    gradebook = page.locator("table").first
    # The totals: Alice's follows the items' new points; Bob's stays the override's.
    expect(gradebook.get_by_role("row").filter(has_text="alice")).to_contain_text(re.compile(r"\b0\.6\s*/\s*21"))
    expect(gradebook.get_by_role("row").filter(has_text="bob")).to_contain_text(re.compile(r"\s1\s*/\s*21"))
    screenshot(page, "gradebook")
    bobs.refresh_from_db()
    assert (bobs.override_score, bobs.final_credit) == (1.0, 1.0)
