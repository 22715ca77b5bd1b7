"""A quiz with a pool in Chromium: the student reads what each attempt draws, and two attempts hold different
questions of the pool; the teacher's page of an attempt lists the questions it held, the drawn one marked."""

import re

import pytest
from playwright.sync_api import expect

from quiz.models import Attempt

pytestmark = pytest.mark.browser

POOL_TITLES = {"q3": "1-D convolution", "q4": "Max pooling", "q5": "Global average pooling"}


@pytest.fixture
def pooled(quiz):
    quiz.questions.filter(key__in=POOL_TITLES).update(pool="sliding-windows")
    quiz.attempts_allowed = 3
    quiz.save()
    return quiz


def pool_question_shown(page) -> str:
    """The key of the one pool question on the attempt page; the others are not there at all."""
    headings = page.locator("section.question-card h2")
    expect(headings).to_have_count(8)
    shown = [key for key, title in POOL_TITLES.items() if headings.filter(has_text=title).count()]
    assert len(shown) == 1, shown
    return shown[0]


def take_and_submit(page, number: int) -> str:
    page.get_by_role("link", name="My quizzes", exact=True).first.click()
    page.get_by_role("link", name="Start quiz" if number == 1 else f"Start attempt {number}").click()
    expect(page.get_by_text("Each attempt draws 1 of 3 questions on sliding windows.")).to_be_visible()
    page.get_by_role("button", name=f"Start attempt {number}").click()
    expect(page.locator("#attempt-form[data-ready]")).to_have_count(1)
    key = pool_question_shown(page)
    page.get_by_role("button", name="Finish attempt…").click()
    page.get_by_role("button", name="Submit attempt").click()
    expect(page.locator("#total-score")).to_be_visible()
    return key


def test_two_attempts_draw_different_pool_questions_and_the_teacher_sees_which(
    page, live_server, login, screenshot, alice, tess, pooled
):
    login(page, live_server, "alice", "alice-password")
    first = take_and_submit(page, 1)
    second = take_and_submit(page, 2)
    assert first != second
    screenshot(page, "second-result")

    page.context.clear_cookies()
    login(page, live_server, "tess", "tess-password")
    attempt = Attempt.objects.get(student=alice, number=2)
    page.goto(f"{live_server.url}/teach/quizzes/{pooled.pk}/gradebook/")
    expect(page.get_by_role("columnheader", name=re.compile("^Q3"))).to_be_visible()
    page.goto(f"{live_server.url}/teach/attempts/{attempt.pk}/")
    rows = page.locator(".part-row h3")
    expect(rows.filter(has_text="drawn from the pool sliding-windows")).not_to_have_count(0)
    for key in POOL_TITLES:
        held = rows.filter(has_text=re.compile(rf"^Question {key[1:]}[a-d]? "))
        if key == second:
            expect(held.first).to_contain_text("drawn from the pool sliding-windows")
        else:
            expect(held).to_have_count(0)
    expect(rows.filter(has_text=re.compile(r"^Question 2[a-d] "))).to_have_count(3)
    screenshot(page, "teacher")
