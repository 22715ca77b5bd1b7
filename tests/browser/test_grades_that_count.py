"""The grade that counts as people read it: a student's dashboard, a teacher's gradebook by student,
and a student's standing accommodation set from the roster."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import submitted_attempt

pytestmark = pytest.mark.browser


BETTER = {"q2a": "903400", "q4a": "[[5, 6], [10, 9]]"}
WORSE = {"q2a": "903400"}


@pytest.fixture
def alices_two_attempts(alice, quiz):
    quiz.grading_method = "last"
    quiz.randomize_numbers = False  # both attempts take the questions' own numbers, so the same answers score alike
    quiz.save()
    return submitted_attempt(alice, quiz, BETTER), submitted_attempt(alice, quiz, WORSE)


def test_a_student_reads_which_attempt_counts_and_why(page, live_server, login, screenshot, alices_two_attempts):
    login(page, live_server, "alice", "alice-password")
    page.goto(f"{live_server.url}/quizzes/")
    expect(page.locator(".grade-that-counts")).to_contain_text(
        "Your grade is the last of your 2 finished attempts: attempt 2, 1 / 21."
    )
    page.get_by_role("link", name="Start attempt 3").click()
    expect(page.get_by_text("Your grade is the score of your last finished attempt")).to_be_visible()
    screenshot(page)


def test_a_teacher_reads_one_row_per_student_and_opens_the_attempts(
    page, live_server, login, screenshot, alices_two_attempts, bob, tess, quiz
):
    better, worse = alices_two_attempts
    submitted_attempt(bob, quiz, BETTER)
    login(page, live_server, "tess", "tess-password")
    page.goto(f"{live_server.url}/teach/")
    page.get_by_role("link", name="Gradebook").first.click()
    expect(page.get_by_role("link", name="By student")).to_have_attribute("aria-current", "page")
    rows = page.locator("table.student-grades tbody tr")
    expect(rows).to_have_count(2)
    alice_row = rows.filter(has_text="alice")
    expect(alice_row.locator(".grade")).to_have_text("1 / 21")
    expect(alice_row.locator(".made-of")).to_contain_text("Attempt 2 (last attempt of 2)")
    listed = alice_row.locator("details.student-attempts li")
    expect(listed.first).to_be_hidden()
    alice_row.get_by_text("2 attempts").click()
    expect(listed).to_have_count(2)
    expect(listed.nth(0)).to_contain_text("Attempt 1")
    expect(listed.nth(0)).not_to_contain_text("counts")
    expect(listed.nth(1)).to_contain_text("counts")
    screenshot(page)
    listed.nth(0).get_by_role("link", name="Attempt 1").click()
    page.wait_for_url(f"**/teach/attempts/{better.pk}/")


def test_a_teacher_gives_a_student_more_time_on_every_quiz_from_the_roster(
    page, live_server, login, alice, tess, quiz
):
    login(page, live_server, "tess", "tess-password")
    page.goto(f"{live_server.url}/teach/students/")
    page.get_by_role("link", name="Edit the accommodation of alice").click()
    page.get_by_label("Time multiplier").fill("1.5")
    page.get_by_label("Extra attempts").fill("1")
    page.get_by_label("Reason").fill("Disability office letter")
    page.get_by_role("button", name="Save accommodation").click()
    expect(page.get_by_text("accommodation on every quiz: time ×1.5, 1 extra attempt.")).to_be_visible()
    expect(page.locator("td.standing-accommodation").first).to_contain_text("time ×1.5, 1 extra attempt")

    page.context.clear_cookies()
    login(page, live_server, "alice", "alice-password")
    page.goto(f"{live_server.url}/quizzes/")
    expect(page.locator(".quiz-facts")).to_contain_text("90 minutes")
    expect(page.locator(".quiz-facts")).to_contain_text("0 of 4 used")
