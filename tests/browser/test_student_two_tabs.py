"""The student's latest keystroke wins across tabs and devices; a window showing an older answer learns the newer one.

Tabs of one browser share a session and local storage; devices are browser contexts
of their own, each logged in.
"""

import re

import pytest
from playwright.sync_api import expect

from quiz.models import Attempt
from tests.browser.conftest import CSP_REPORTER

pytestmark = pytest.mark.browser


def open_attempt(page, live_server) -> None:
    page.goto(f"{live_server.url}/quizzes/cnn-fundamentals/")
    page.get_by_role("button", name=re.compile(r"^(Start|Continue) attempt")).click()
    expect(page.locator("#attempt-form[data-ready]")).to_have_count(1)


def q8b(page):
    return page.get_by_label("Question 8b", exact=True)


def saved(page, timeout: float = 20_000) -> None:
    expect(page.locator("#status-q8b")).to_contain_text(re.compile(r"Saved \d\d:\d\d:\d\d"), timeout=timeout)


def stored_q8b(alice) -> str:
    return Attempt.objects.get(student=alice).responses.get(part__question__key="q8", part__key="b").text


@pytest.fixture
def new_device(browser, browser_context_args, live_server, login, page_errors):
    """A factory: a new browser (a device) logged in as alice, watched like every page; closed at the end."""
    contexts = []

    def make():
        context = browser.new_context(**browser_context_args)
        context.add_init_script(CSP_REPORTER)
        context.on("console", lambda message: message.type == "error" and page_errors.seen.append(message.text))
        context.on("weberror", lambda error: page_errors.seen.append(f"uncaught: {error.error}"))
        contexts.append(context)
        page = context.new_page()
        login(page, live_server, "alice", "alice-password")
        return page

    yield make
    for context in contexts:
        context.close()
    assert not page_errors.unexpected(), "errors in the browser: " + "; ".join(page_errors.unexpected())


def test_in_two_tabs_the_later_edit_wins_and_the_other_tab_shows_it(page, context, live_server, login, alice, quiz):
    login(page, live_server, "alice", "alice-password")
    tab_a = page
    open_attempt(tab_a, live_server)
    tab_b = context.new_page()
    open_attempt(tab_b, live_server)  # both open before either saved

    q8b(tab_a).fill("25088")
    saved(tab_a)
    q8b(tab_b).fill("512")
    saved(tab_b)

    assert stored_q8b(alice) == "512"
    expect(q8b(tab_a)).to_have_value("512")
    expect(tab_a.locator("#status-q8b")).to_contain_text("Updated from another window or device")


def test_on_two_devices_the_later_edit_wins_and_the_other_device_shows_it_when_the_student_returns(
    new_device, live_server, alice, quiz
):
    laptop, phone = new_device(), new_device()
    open_attempt(laptop, live_server)
    open_attempt(phone, live_server)

    q8b(laptop).fill("25088")
    saved(laptop)
    q8b(phone).fill("512")
    saved(phone)
    assert stored_q8b(alice) == "512"

    # A few seconds later the student is back at the laptop and clicks into the answer.
    laptop.wait_for_timeout(5_000)
    q8b(laptop).click()
    expect(q8b(laptop)).to_have_value("512")
    expect(laptop.locator("#status-q8b")).to_contain_text("Updated from another window or device")
    q8b(laptop).fill("5120")
    saved(laptop)
    assert stored_q8b(alice) == "5120"


def test_an_older_edit_kept_while_offline_never_replaces_a_newer_one_from_another_device(
    new_device, live_server, page_errors, alice, quiz
):
    # Chromium logs the lost connection, and the refusal of the older edit (409).
    page_errors.expect(r"ERR_INTERNET_DISCONNECTED", r"status of 409")
    laptop, phone = new_device(), new_device()
    open_attempt(laptop, live_server)
    open_attempt(phone, live_server)

    laptop.context.set_offline(True)
    q8b(laptop).fill("25088")
    expect(laptop.locator("#status-q8b")).to_contain_text("Not saved yet")
    q8b(phone).fill("512")
    saved(phone)

    laptop.context.set_offline(False)
    status = laptop.locator("#status-q8b")
    expect(status).to_contain_text("A newer answer from another window or device", timeout=30_000)
    expect(q8b(laptop)).to_have_value("512")
    # What the laptop had is still there to read.
    status.get_by_text("The answer this page had").click()
    expect(status).to_contain_text("25088")
    assert stored_q8b(alice) == "512"
