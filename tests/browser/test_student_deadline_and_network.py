"""The attempt page when things go wrong: time runs out, the network drops, the session expires."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from quiz.models import Attempt
from tests.browser.conftest import stored

pytestmark = pytest.mark.browser
# What Chromium logs when a save cannot reach the server; the test provokes it.
NETWORK_ERRORS = (r"ERR_INTERNET_DISCONNECTED",)


def test_when_time_runs_out_the_attempt_is_submitted_with_the_saved_answers(attempt_page, screenshot, alice):
    Attempt.objects.filter(student=alice).update(deadline=timezone.now() + timedelta(seconds=4))
    attempt_page.reload()
    attempt_page.get_by_label("Question 8b", exact=True).fill("200")
    expect(attempt_page.locator("#status-q8b")).to_contain_text("Saved")
    expect(attempt_page.get_by_text("submitted automatically when time ran out")).to_be_visible(timeout=15_000)
    attempt = Attempt.objects.get(student=alice)
    assert attempt.auto_submitted
    assert attempt.responses.get(part__question__key="q8", part__key="b").status == "correct"
    screenshot(attempt_page)


def test_answers_typed_offline_arrive_when_the_connection_is_back(
    attempt_page, context, page_errors, screenshot, alice
):
    page_errors.expect(*NETWORK_ERRORS)
    context.set_offline(True)
    attempt_page.get_by_label("Question 2a", exact=True).fill("903400")
    attempt_page.get_by_label("Question 8b", exact=True).fill("200")
    attempt_page.get_by_role("group", name="Question 7c").get_by_label("gets smaller").check()
    expect(attempt_page.get_by_role("alert")).to_contain_text("connection to the server is lost")
    expect(attempt_page.locator("#status-q8b")).to_contain_text("Not saved yet")
    screenshot(attempt_page, "offline")
    assert stored(alice, "q2", "a") == ""

    context.set_offline(False)
    for key in ("q2a", "q8b", "q7c"):
        expect(attempt_page.locator(f"#status-{key}")).to_contain_text(re.compile(r"Saved \d\d:"), timeout=10_000)
    expect(attempt_page.get_by_role("alert")).to_be_hidden()
    answers = (stored(alice, "q2", "a"), stored(alice, "q8", "b"), stored(alice, "q7", "c"))
    assert answers == ("903400", "200", "smaller")
    screenshot(attempt_page, "back-online")


def test_answers_typed_after_the_session_expired_arrive_after_logging_in_again(
    attempt_page, context, page_errors, live_server, login, alice
):
    page_errors.expect(r"status of 401", r"Response Status Error Code 401")
    context.clear_cookies(name="sessionid")
    attempt_page.get_by_label("Question 8b", exact=True).fill("200")
    alert = attempt_page.get_by_role("alert")
    expect(alert).to_contain_text("Your session has expired")
    with context.expect_page() as login_tab:
        alert.get_by_role("link", name="Log in again").click()
    tab = login_tab.value
    tab.get_by_label("Username").fill("alice")
    tab.get_by_label("Password").fill("alice-password")
    tab.get_by_role("button", name="Log in").click()
    # Closing a tab while its redirect commits can hang Chromium's close for good
    # (microsoft/playwright#42366): let the tab arrive back on the attempt page first.
    expect(tab).to_have_url(re.compile(r"/attempts/\d+/$"))
    expect(tab.locator("#attempt-form[data-ready]")).to_have_count(1)
    tab.close()
    attempt_page.bring_to_front()
    attempt_page.evaluate("window.dispatchEvent(new Event('focus'))")
    expect(attempt_page.locator("#status-q8b")).to_contain_text("Saved", timeout=10_000)
    assert stored(alice, "q8", "b") == "200"
