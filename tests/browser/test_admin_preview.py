"""An admin previews a random variant of a question in Chromium and tries answers to it."""

import re

import pytest
from playwright.sync_api import expect

from quiz.models import Question
from quiz.preview import describe, make_variant

pytestmark = pytest.mark.browser


def test_an_admin_previews_a_random_variant_and_tries_an_answer(page, live_server, login, screenshot, admin_user, quiz):
    question = Question.objects.get(quiz=quiz, key="q2")
    login(page, live_server, "root", "root-password")
    page.goto(f"{live_server.url}/admin/quiz/question/{question.pk}/change/")
    page.get_by_role("link", name="Preview").click()
    expect(page.get_by_role("heading", name="Preview: Three convolutional layers")).to_be_visible()
    expect(page.get_by_text("The question's seed numbers")).to_be_visible()

    page.get_by_role("link", name="New random variant").click()
    seed = int(page.locator("#preview-seed").inner_text())
    expected = describe(make_variant(question, seed=seed))
    expect(page.locator("#answer-display-q2a")).to_have_text(expected["parts"]["a"]["display"])
    expect(page.get_by_text(expected["parts"]["a"]["solution"][-1], exact=True)).to_be_visible()

    page.get_by_label("Question 2a", exact=True).fill(expected["parts"]["a"]["display"])
    page.locator("#part-q2a").get_by_role("button", name="Grade this answer").click()
    expect(page.locator("#preview-seed")).to_have_text(str(seed))
    expect(page.locator("#part-q2a .trial-result")).to_contain_text("Correct")
    expect(page.get_by_label("Question 2a", exact=True)).to_have_value(expected["parts"]["a"]["display"])

    page.get_by_label("Question 2b", exact=True).fill("1.234,5")
    page.locator("#part-q2b").get_by_role("button", name="Grade this answer").click()
    expect(page.locator("#part-q2b .trial-result")).to_contain_text("Could not be read")
    expect(page.locator("#part-q2b .trial-result")).to_contain_text(re.compile("decimal point"))
    screenshot(page)

    page.get_by_role("link", name="New random variant").click()
    expect(page.locator("#preview-seed")).not_to_have_text(str(seed))
