"""An admin edits a question and a part in Chromium; the restart's import keeps both, and the history shows it."""

import io
import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from quiz.models import Question

pytestmark = pytest.mark.browser


def restart() -> str:
    """What `make run` does to the question bank at every start; returns the notices it printed."""
    err = io.StringIO()
    call_command("load_question_bank", stdout=io.StringIO(), stderr=err)
    return err.getvalue()


def save(page) -> None:
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text(re.compile("was changed successfully"))).to_be_visible()


def test_an_admins_edits_survive_a_restart_and_both_show_in_the_history(
    page, live_server, login, screenshot, admin_user, quiz
):
    q8 = Question.objects.get(quiz=quiz, key="q8")
    q2 = Question.objects.get(quiz=quiz, key="q2")
    login(page, live_server, "root", "root-password")

    page.goto(f"{live_server.url}/admin/quiz/question/{q8.pk}/change/")
    assert list(q8.params)[0] == "units"
    page.locator(".field-params").get_by_label("Seed value, row 1").fill("256")
    save(page)
    page.goto(f"{live_server.url}/admin/quiz/question/{q2.pk}/change/")
    part_b = page.locator(".inline-related").filter(has_text="Question 2b")
    part_b.get_by_label("Relative tolerance:").fill("0.05")
    save(page)

    notices = restart()

    # Only what the admin changed differs: saving the whole form is not an edit of every field.
    assert notices.splitlines() == [
        "kept part q2b (edited since the last load; --replace takes the file's):",
        "  relative_tolerance: database 0.05, file 0.02",
        "kept question q8 (edited since the last load; --replace takes the file's):",
        "  params.units: database 256, file 200",
    ]
    page.goto(f"{live_server.url}/admin/quiz/question/{q8.pk}/change/")
    expect(page.locator(".field-params").get_by_label("Seed value, row 1")).to_have_value("256")
    page.goto(f"{live_server.url}/admin/quiz/question/{q2.pk}/change/")
    expect(
        page.locator(".inline-related").filter(has_text="Question 2b").get_by_label("Relative tolerance:")
    ).to_have_value("0.05")

    call_command("load_question_bank", "--replace", stdout=io.StringIO())
    page.goto(f"{live_server.url}/admin/quiz/question/{q8.pk}/change/")
    page.get_by_role("link", name="History").click()
    admin_edits = page.locator("#change-history")
    expect(admin_edits.get_by_role("row").filter(has_text="root")).to_contain_text("Changed Parameters.")
    loads = page.locator("#bank-history")
    expect(loads.get_by_role("row").filter(has_text="question q8").first).to_contain_text("Created")
    replaced = loads.get_by_role("row").filter(has_text="Replaced an edit")
    expect(replaced).to_contain_text("params.units: 256 → 200")
    expect(replaced).to_contain_text("cnn-fundamentals.yaml")
    screenshot(page)
