"""A student answers a count and a select-all part in Chromium: the count read with its suffix,
the boxes ticked and saved as the keys picked, and the result naming what was right."""

import re

import pytest
from playwright.sync_api import expect

from quiz.models import Attempt, Question
from tests.browser.conftest import stored

pytestmark = pytest.mark.browser


def test_a_student_ticks_the_boxes_of_a_select_all_part_and_gives_a_count_in_millions(
    page, live_server, login, screenshot, alice, kinds_quiz
):
    login(page, live_server, "alice", "alice-password")
    page.goto(f"{live_server.url}/quizzes/{kinds_quiz.key}/")
    page.get_by_role("button", name="Start attempt 1").click()
    expect(page.get_by_role("heading", name="Answer kinds")).to_be_visible()
    expect(page.locator("#attempt-form[data-ready]")).to_have_count(1)

    attempt = Attempt.objects.get(student=alice)
    k1 = Question.objects.get(quiz=kinds_quiz, key="k1")
    macs = k1.computation(attempt.params["k1"]).outputs["macs"]
    page.get_by_label("Question k1", exact=True).fill(f"{macs / 1e6:.2f} M")
    expect(page.locator("#unit-k1a")).to_have_text("MACs")

    selection = page.get_by_role("group", name="Question k2")
    selection.get_by_label("A convolution").check()
    selection.get_by_label("A max pooling").check()
    selection.get_by_label("A dense layer").check()
    selection.get_by_label("A max pooling").uncheck()
    for key in ("k1a", "k2a"):
        expect(page.locator(f"#status-{key}")).to_contain_text(re.compile(r"Saved \d\d:\d\d:\d\d"))
    assert stored(alice, "k2", "a") == "conv, dense"

    page.reload()
    expect(page.get_by_role("group", name="Question k2").get_by_label("A dense layer")).to_be_checked()
    expect(page.get_by_role("group", name="Question k2").get_by_label("A max pooling")).not_to_be_checked()

    page.get_by_role("button", name="Finish attempt…").click()
    page.get_by_role("button", name="Submit attempt").click()

    expect(page.locator("#part-k1a .status-badge")).to_have_text("Correct")
    expect(page.locator("#part-k2a .status-badge")).to_have_text("Correct")
    expect(page.locator("#part-k2a")).to_contain_text("A convolution; A dense layer")
    screenshot(page, "result")
