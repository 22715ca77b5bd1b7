"""The attempt page says the truth about each answer: refusals inline, long answers counted and never cut,
boxes that grow, a unit suffix only where the student typed none, unreadable answers before submitting,
and no editable copy of a submitted attempt behind the back button."""

import re

import pytest
from playwright.sync_api import expect

from quiz import services
from quiz.models import Attempt
from tests.browser.conftest import CSP_REPORTER, stored

pytestmark = pytest.mark.browser
LIMIT = 20_000


@pytest.mark.parametrize("debug", [False, True], ids=["production", "debug"])
def test_an_answer_too_long_or_with_a_nul_is_refused_inline_and_never_cut(
    attempt_page, page_errors, settings, alice, debug
):
    settings.DEBUG = debug
    page_errors.expect(r"status of 400")
    page = attempt_page
    box = page.get_by_label("Question 1", exact=True)
    counter = page.locator("#counter-q1a")
    expect(counter).to_be_hidden()

    box.fill("x" * (LIMIT - 1_500))
    expect(counter).to_have_text("18,500 of 20,000 characters.")
    page.locator("#save-button").click()
    expect(page.locator("#status-q1a")).to_contain_text(re.compile(r"Saved \d\d:"))

    box.fill("x" * (LIMIT + 1))
    expect(counter).to_contain_text("20,001 of 20,000 characters: 1 too many")
    status = page.locator("#status-q1a")
    expect(status).to_contain_text("Not saved: This answer is 20,001 characters long; at most 20,000 can be saved.")
    assert len(box.input_value()) == LIMIT + 1, "the pasted text is kept whole"
    expect(page.get_by_role("heading", name="CNN fundamentals")).to_be_visible()

    page.get_by_label("Question 2a", exact=True).fill("903\x00400")
    expect(page.locator("#status-q2a")).to_contain_text("Not saved: This answer holds a NUL character")
    assert stored(alice, "q1", "a") == "x" * (LIMIT - 1_500)
    assert stored(alice, "q2", "a") == ""

    box.fill("x" * LIMIT)
    expect(status).to_contain_text(re.compile(r"Saved \d\d:"))
    expect(counter).to_have_text("20,000 of 20,000 characters.")


def test_a_text_box_grows_with_its_text(attempt_page, screenshot):
    box = attempt_page.get_by_label("Question 1", exact=True)
    before = box.bounding_box()["height"]
    box.fill("\n".join(f"Line {n} of a long answer." for n in range(1, 16)))
    after = box.bounding_box()["height"]
    assert after > before + 150, (before, after)
    assert box.evaluate("element => element.scrollHeight <= element.clientHeight + 1"), "every line is in sight"
    screenshot(attempt_page)


def test_the_unit_suffix_shows_only_while_the_student_has_not_typed_a_unit(attempt_page, alice):
    page = attempt_page
    field = page.get_by_label("Question 2b", exact=True)
    suffix = page.locator("#unit-q2b")
    expect(suffix).to_have_text("MB")
    field.fill("12.6")
    expect(suffix).to_be_visible()
    field.fill("12600000 bytes")
    expect(suffix).to_be_hidden()
    field.fill("12.6 MB")
    expect(suffix).to_be_hidden()
    expect(page.locator("#status-q2b")).to_contain_text(re.compile(r"Saved \d\d:"))
    page.reload()
    expect(field).to_have_value("12.6 MB")
    expect(suffix).to_be_hidden()
    field.fill("1.2e7")
    expect(suffix).to_be_visible()


def test_unreadable_answers_are_listed_with_their_reason_before_submitting(attempt_page, screenshot):
    page = attempt_page
    page.get_by_label("Question 5", exact=True).fill("[3.78 1.22")
    expect(page.locator("#message-q5a")).to_be_visible()
    reason = page.locator("#message-q5a").inner_text()
    page.get_by_role("button", name="Finish attempt…").click()

    unreadable = page.get_by_role("alert").filter(has_text="cannot be read")
    expect(unreadable).to_contain_text("1 answer cannot be read and would score 0")
    expect(unreadable.get_by_role("listitem")).to_have_text(f"Question 5: {reason}")
    screenshot(page)
    unreadable.get_by_role("link", name="Question 5").click()
    expect(page).to_have_url(re.compile(r"/attempts/\d+/#part-q5a$"))
    expect(page.get_by_label("Question 5", exact=True)).to_have_value("[3.78 1.22")


def test_the_back_button_after_submitting_never_shows_an_editable_attempt(attempt_page, alice):
    page = attempt_page
    page.get_by_label("Question 2a", exact=True).fill("903400")
    page.get_by_role("button", name="Finish attempt…").click()
    page.get_by_role("button", name="Submit attempt").click()
    expect(page.get_by_text(re.compile(r"Attempt 1 · submitted"))).to_be_visible()
    result = re.compile(r"/attempts/\d+/result/$")
    expect(page).to_have_url(result)

    for _ in range(2):
        page.go_back()
        expect(page).to_have_url(result)
        expect(page.get_by_role("textbox")).to_have_count(0)
    assert not Attempt.objects.get(student=alice).is_open


@pytest.fixture
def caching_page(browser_type, browser_type_launch_args, browser_context_args, live_server, login, alice, quiz):
    """A Chromium that keeps pages for the back button, as browsers do (Playwright switches that off)."""
    browser = browser_type.launch(**browser_type_launch_args, ignore_default_args=["--disable-back-forward-cache"])
    context = browser.new_context(**browser_context_args)
    context.add_init_script(CSP_REPORTER)
    errors = []
    context.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page = context.new_page()
    login(page, live_server, "alice", "alice-password")
    yield page
    browser.close()
    assert not errors, errors


def test_an_attempt_page_restored_from_the_browsers_cache_goes_to_the_result(
    caching_page, live_server, monkeypatch, alice, quiz
):
    """As behind a proxy that drops the page's `no-store`: the browser keeps the page, and the page checks itself."""
    page = caching_page
    monkeypatch.setattr("django.views.decorators.cache.add_never_cache_headers", lambda response: None)
    page.goto(f"{live_server.url}/quizzes/{quiz.key}/")
    page.get_by_role("button", name="Start attempt 1").click()
    expect(page.locator("#attempt-form[data-ready]")).to_have_count(1)
    page.get_by_label("Question 2a", exact=True).fill("903400")
    expect(page.locator("#status-q2a")).to_contain_text(re.compile(r"Saved \d\d:"))
    page.get_by_role("link", name="History").click()
    expect(page.get_by_role("heading", name="My attempts")).to_be_visible()
    # Meanwhile the attempt is submitted from another window.
    services.submit_attempt(attempt=Attempt.objects.get(student=alice))
    checks = []
    page.on("request", lambda request: "/answers/" in request.url and checks.append(request.url))

    page.go_back()
    expect(page).to_have_url(re.compile(r"/attempts/\d+/result/$"))
    assert checks, "the page restored from the cache asked the server about the attempt"
