"""Formulas in question text and worked solutions are typeset on the server as MathML: Chromium shows them with no
script at all (JavaScript switched off), under the same Content Security Policy."""

import pytest
from playwright.sync_api import expect

from quiz import services

pytestmark = pytest.mark.browser


@pytest.fixture
def no_script_page(browser, live_server, login):
    context = browser.new_context(java_script_enabled=False, reduced_motion="reduce")
    page = context.new_page()
    yield page
    context.close()


def test_prompts_and_feedback_show_typeset_formulas_without_any_script(
    no_script_page, live_server, login, screenshot, alice, quiz
):
    page = no_script_page
    quiz.show_solutions = "immediately"  # the shipped quiz holds them back until the last attempt
    quiz.save()
    attempt = services.start_attempt(student=alice, quiz=quiz)
    services.save_response(attempt=attempt, part_key="q4a", text="5 6 7", sequence=1)
    services.submit_attempt(attempt=attempt)
    login(page, live_server, "alice", "alice-password")

    page.goto(f"{live_server.url}/quizzes/{quiz.key}/")
    page.get_by_role("button", name="Start attempt 2").click()
    ceiling = page.locator("#prompt-q3b math")
    expect(ceiling.first).to_be_visible()
    assert page.locator("#prompt-q3b").inner_text().count("⌈") == 1  # ⌈n / s⌉, not its LaTeX source
    assert "\\lceil" not in page.content()
    box = ceiling.first.bounding_box()
    assert box["width"] > 10 and box["height"] > 5
    screenshot(page, "attempt-prompt")

    page.goto(f"{live_server.url}/attempts/{attempt.pk}/result/")
    feedback = page.locator("#part-q4a .feedback math")
    expect(feedback).to_have_count(1)
    fraction = feedback.locator("mfrac")
    expect(fraction).to_have_count(1)
    numerator, denominator = (fraction.locator(":scope > *").nth(i).bounding_box() for i in (0, 1))
    assert numerator["y"] + numerator["height"] <= denominator["y"] + 1  # stacked, not one line of text
    expect(feedback.locator("mo").first).to_have_text("⌊")
    # The worked solution's size rule, with the student's numbers: two floor fractions.
    expect(page.locator("#part-q4a .worked-solution math mfrac")).to_have_count(2)
    screenshot(page, "result-feedback")
