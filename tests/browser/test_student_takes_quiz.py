"""A student takes the shipped quiz in Chromium: answers, reloads, submits, reads the result."""

import re

import pytest
from playwright.sync_api import expect

from quiz.models import Attempt
from tests.conftest import FREE_TEXT_PARTS, SEED_ANSWERS

pytestmark = pytest.mark.browser
CHOICE_PARTS = {"q7c", "q7d", "q8d"}


def label(key: str) -> str:
    """"q2b" → "Question 2b"; a question with one part is named without the part."""
    single = {"q1a", "q4a", "q5a", "q9a"}
    return f"Question {key[1:-1]}" if key in single else f"Question {key[1:]}"


def answer(page, key: str, text: str) -> None:
    # The page saves what is typed once its script has wired the inputs.
    expect(page.locator("#attempt-form[data-ready]")).to_have_count(1)
    if key in CHOICE_PARTS:
        page.get_by_role("group", name=label(key), exact=True).locator(f"input[value='{text}']").check()
    else:
        page.get_by_label(label(key), exact=True).fill(text)


def expect_saved(page, keys) -> None:
    for key in keys:
        expect(page.locator(f"#status-{key}")).to_contain_text(re.compile(r"Saved \d\d:\d\d:\d\d"))


def test_a_student_answers_everything_reloads_and_submits(page, live_server, login, screenshot, alice, quiz):
    login(page, live_server, "alice", "alice-password")
    expect(page.get_by_role("heading", name="My quizzes")).to_be_visible()
    page.get_by_role("link", name="Start quiz").click()
    page.get_by_role("button", name="Start attempt 1").click()
    expect(page.get_by_role("heading", name="CNN fundamentals")).to_be_visible()

    keys = list(SEED_ANSWERS)
    first_half, second_half = keys[:11], keys[11:]
    for key in first_half:
        answer(page, key, SEED_ANSWERS[key])
    expect_saved(page, first_half)

    # A reload shows what the server saved, not what this browser remembers.
    page.evaluate("localStorage.clear()")
    page.reload()
    for key in first_half:
        expect(page.get_by_label(label(key), exact=True)).to_have_value(SEED_ANSWERS[key])
    expect(page.locator("#nav-q1")).to_have_class(re.compile("is-answered"))
    expect(page.locator("#nav-q7")).to_have_class(re.compile("is-partial"))

    for key in second_half:
        answer(page, key, SEED_ANSWERS[key])
    expect_saved(page, second_half)
    expect(page.locator(".question-link.is-answered")).to_have_count(10)
    screenshot(page, "answered")

    page.get_by_role("button", name="Finish attempt…").click()
    expect(page.get_by_text("Every part has an answer.")).to_be_visible()
    page.get_by_role("button", name="Submit attempt").click()

    expect(page.get_by_text("Total so far", exact=True)).to_be_visible()
    for key in SEED_ANSWERS:
        part = page.locator(f"#part-{key}")
        if key in FREE_TEXT_PARTS:
            expect(part.locator(".status-badge")).to_have_text("Awaiting your teacher")
        else:
            expect(part.locator(".status-badge")).to_have_text("Correct")
    attempt = Attempt.objects.get(student=alice)
    assert {r.text for r in attempt.responses.all()} == set(SEED_ANSWERS.values())
    screenshot(page, "result")


def test_decimal_commas_read_and_an_ambiguous_list_says_in_one_sentence_what_to_change(
    page, live_server, login, alice, quiz
):
    login(page, live_server, "alice", "alice-password")
    page.goto(f"{live_server.url}/quizzes/{quiz.key}/")
    page.get_by_role("button", name="Start attempt 1").click()
    field = page.get_by_label("Question 5", exact=True)
    message = page.locator("#message-q5a")
    answer(page, "q5a", "3,78, 1,22")
    expect(message).to_have_text(
        "`3,78, 1,22` is ambiguous: use a decimal point for decimals (3.78) and commas only between values."
    )
    expect(field).to_have_attribute("aria-invalid", "true")
    for readable in ("3,78 1,22", "3,78; 1,22"):
        answer(page, "q5a", readable)
        expect(message).to_be_hidden()
        expect(field).not_to_have_attribute("aria-invalid", "true")


def test_an_unreadable_answer_is_flagged_before_submitting(page, live_server, login, screenshot, alice, quiz):
    login(page, live_server, "alice", "alice-password")
    page.goto(f"{live_server.url}/quizzes/{quiz.key}/")
    page.get_by_role("button", name="Start attempt 1").click()
    answer(page, "q2b", "1.234,5")
    field = page.get_by_label("Question 2b", exact=True)
    message = page.locator("#message-q2b")
    expect(message).to_contain_text("use a decimal point")
    expect(field).to_have_attribute("aria-invalid", "true")
    screenshot(page)
    field.fill("12.6")
    expect(message).to_be_hidden()
    expect(field).not_to_have_attribute("aria-invalid", "true")


def test_on_a_phone_the_bar_at_the_bottom_shows_the_time_and_opens_the_question_navigator(
    page, live_server, login, screenshot, alice, quiz
):
    page.set_viewport_size({"width": 375, "height": 740})
    login(page, live_server, "alice", "alice-password")
    page.goto(f"{live_server.url}/quizzes/{quiz.key}/")
    page.get_by_role("button", name="Start attempt 1").click()
    answer(page, "q1a", "Weights are shared across the image.")
    bar = page.locator("#timer")
    expect(bar.get_by_role("timer")).to_have_text(re.compile(r"^\d+:\d\d$"))
    questions = bar.get_by_role("button", name=re.compile(r"^Questions"))
    expect(questions).to_have_text(re.compile(r"Questions\s+1/10"))
    box = bar.bounding_box()
    assert abs(box["y"] + box["height"] - 740) < 1, "the bar sits at the bottom of the screen"
    question_8 = page.get_by_role("link", name=re.compile("^Question 8:"))
    expect(question_8).to_be_hidden()

    questions.click()
    expect(question_8).to_be_visible()
    screenshot(page, "navigator")
    question_8.click()
    expect(question_8).to_be_hidden()
    expect(page.get_by_label("Question 8b", exact=True)).to_be_in_viewport()
    answer(page, "q8b", "200")
    expect_saved(page, ["q8b"])
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    screenshot(page)
