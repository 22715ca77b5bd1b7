"""A quiz three questions to a page, open in two tabs on different pages: an answer saved on page 2 in one tab
shows in the other tab's question navigator at once, without a reload, in the student's language; one saved on
another device shows once the student is back in this window."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import CSP_REPORTER
from tests.browser.test_student_pages import ready

pytestmark = pytest.mark.browser

ANSWERED = re.compile(r"\bis-answered\b")
PARTIAL = re.compile(r"\bis-partial\b")


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "reduced_motion": "reduce"}


@pytest.fixture
def paged(quiz):
    quiz.questions_per_page = 3
    quiz.save()
    return quiz


def start_on_page_1(page, live_server, quiz, start_button: str):
    """The attempt's page 1, marked to tell a reload."""
    page.goto(f"{live_server.url}/quizzes/{quiz.key}/")
    page.get_by_role("button", name=start_button).click()
    ready(page)
    page.evaluate("window.notReloaded = true")
    return page


def open_page_2(tab, attempt_url: str):
    tab.goto(f"{attempt_url.split('?')[0]}?page=2")
    ready(tab)
    return tab


def two_tabs(page, context, live_server, quiz, start_button: str):
    """Tab A on the attempt's page 1, tab B on its page 2."""
    tab_a = start_on_page_1(page, live_server, quiz, start_button)
    return tab_a, open_page_2(context.new_page(), tab_a.url)


def saved(tab, part: str) -> None:
    expect(tab.locator(f"#status-{part}")).to_contain_text(re.compile(r"(Saved|Gespeichert) \d\d:\d\d:\d\d"))


def test_an_answer_saved_on_page_2_in_one_tab_shows_in_the_other_tabs_navigator(
    page, context, live_server, login, screenshot, alice, paged
):
    login(page, live_server, "alice", "alice-password")
    tab_a, tab_b = two_tabs(page, context, live_server, paged, "Start attempt 1")
    navigator = tab_a.locator(".question-nav")
    expect(navigator.get_by_role("link", name="Question 5 (page 2): 0 of 1 answered")).not_to_have_class(ANSWERED)
    expect(tab_a.locator("#bar-answered")).to_have_text("0/10")

    tab_b.get_by_label("Question 5", exact=True).fill("[3.78, 1.22]")
    saved(tab_b, "q5a")
    question_5 = navigator.get_by_role("link", name="Question 5 (page 2): 1 of 1 answered")
    expect(question_5).to_have_class(ANSWERED)
    expect(tab_a.locator("#bar-answered")).to_have_text("1/10")

    tab_b.get_by_label("Question 6a", exact=True).fill("Each filter is slid across the image.")
    saved(tab_b, "q6a")
    expect(navigator.get_by_role("link", name="Question 6 (page 2): 1 of 2 answered")).to_have_class(PARTIAL)
    screenshot(tab_a, "tab A")

    # Emptied in tab B: no longer answered in tab A either.
    tab_b.get_by_label("Question 5", exact=True).fill("")
    saved(tab_b, "q5a")
    question_5 = navigator.get_by_role("link", name="Question 5 (page 2): 0 of 1 answered")
    expect(question_5).not_to_have_class(ANSWERED)
    expect(question_5).not_to_have_class(PARTIAL)
    expect(tab_a.locator("#bar-answered")).to_have_text("0/10")
    assert tab_a.evaluate("window.notReloaded") is True


def test_in_german_the_other_tabs_navigator_says_so_in_german(page, context, live_server, login, alice, paged):
    login(page, live_server, "alice", "alice-password")
    page.goto(f"{live_server.url}/quizzes/")
    page.get_by_label("Language").select_option(label="Deutsch")
    page.get_by_role("button", name="Change language").click()
    expect(page.locator("html")).to_have_attribute("lang", "de")
    tab_a, tab_b = two_tabs(page, context, live_server, paged, "Versuch 1 beginnen")

    tab_b.get_by_label("Frage 6a", exact=True).fill("Jeder Filter wird über das Bild geschoben.")
    saved(tab_b, "q6a")
    question_6 = tab_a.get_by_role("link", name="Frage 6 (Seite 2): 1 von 2 beantwortet")
    expect(question_6).to_have_class(PARTIAL)
    assert tab_a.evaluate("window.notReloaded") is True


def test_an_answer_saved_on_another_device_shows_in_the_navigator_once_the_student_is_back(
    page, browser, browser_context_args, live_server, login, page_errors, alice, paged
):
    login(page, live_server, "alice", "alice-password")
    laptop = start_on_page_1(page, live_server, paged, "Start attempt 1")
    context = browser.new_context(**browser_context_args)
    context.add_init_script(CSP_REPORTER)
    context.on("console", lambda message: message.type == "error" and page_errors.seen.append(message.text))
    phone = context.new_page()
    login(phone, live_server, "alice", "alice-password")
    open_page_2(phone, laptop.url)

    phone.get_by_label("Question 5", exact=True).fill("[3.78, 1.22]")
    saved(phone, "q5a")
    # No message between devices: the laptop asks the server when the student goes to an answer a while later.
    laptop.wait_for_timeout(5_000)
    expect(laptop.get_by_role("link", name="Question 5 (page 2): 0 of 1 answered")).to_be_visible()
    laptop.get_by_label("Question 1", exact=True).click()
    expect(laptop.get_by_role("link", name="Question 5 (page 2): 1 of 1 answered")).to_have_class(ANSWERED)
    assert laptop.evaluate("window.notReloaded") is True
    context.close()
