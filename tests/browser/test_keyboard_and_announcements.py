"""What a student who cannot use a mouse, or cannot see the screen, meets: the whole quiz by keyboard
alone with a visible focus in reading order, the last minutes and the saves announced politely,
the navigator's states told by more than colour; and the one step that gives such a student
extra time."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from quiz.models import Accommodation, Attempt, AttemptState

pytestmark = pytest.mark.browser
NETWORK_ERRORS = (r"ERR_INTERNET_DISCONNECTED",)

FOCUSED = r"""() => {
  const e = document.activeElement;
  const style = getComputedStyle(e);
  const label = e.labels && e.labels.length ? e.labels[0].innerText.replace(/\*$/, "").trim() : "";
  return {
    tag: e.tagName.toLowerCase(), id: e.id, name: e.getAttribute("aria-label") || label || e.innerText.trim(),
    visible: style.outlineStyle !== "none" && style.outlineWidth !== "0px" || style.boxShadow !== "none",
  };
}"""


def tab_to(page, name: str | re.Pattern, *, limit: int = 120, backwards: bool = False) -> list[dict]:
    """Press Tab until the focused element's name matches; every stop on the way must show its focus."""
    stops = []
    focused = page.evaluate(FOCUSED)
    if focused["tag"] != "body" and (
        name.search(focused["name"]) if isinstance(name, re.Pattern) else focused["name"] == name
    ):
        return stops  # already there (a field the page focuses itself)
    for _ in range(limit):
        page.keyboard.press("Shift+Tab" if backwards else "Tab")
        focused = page.evaluate(FOCUSED)
        stops.append(focused)
        if focused["tag"] == "body":
            continue  # past the page's last stop, Tab leaves for the browser and comes back to the first
        assert focused["visible"], f"no visible focus on {focused}"
        if name.search(focused["name"]) if isinstance(name, re.Pattern) else focused["name"] == name:
            return stops
    raise AssertionError(f"{name!r} not reached by Tab; focus went through {[stop['name'] for stop in stops]}")


def test_a_student_logs_in_answers_and_submits_by_keyboard_alone(page, live_server, alice, quiz, screenshot):
    page.goto(f"{live_server.url}/accounts/login/")
    tab_to(page, "Username")
    page.keyboard.type("alice")
    page.keyboard.press("Tab")
    page.keyboard.type("alice-password")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="My quizzes")).to_be_visible()

    tab_to(page, "Start quiz")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    tab_to(page, "Start attempt 1")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.locator("#attempt-form[data-ready]")).to_have_count(1)

    # The first stop skips the navigation; the questions then come in their reading order.
    page.keyboard.press("Tab")
    assert page.evaluate(FOCUSED)["name"] == "Skip to content"
    page.keyboard.press("Enter")
    stops = tab_to(page, "Question 1")
    page.keyboard.type("Weight sharing: a filter learned once detects its pattern anywhere in the image.")
    tab_to(page, "Question 2a")
    page.keyboard.type("903400")
    stops = tab_to(page, "gets smaller")  # the first choice of Question 7c's radio group
    page.keyboard.press("ArrowDown")
    expect(page.get_by_role("group", name="Question 7c").get_by_label("gets smaller")).not_to_be_checked()
    visited = [stop["name"] for stop in stops if re.fullmatch(r"Question \d+[a-d]?", stop["name"])]
    numbers = [(int(re.search(r"\d+", name).group()), name) for name in visited]
    assert numbers == sorted(numbers), f"questions reached out of order: {visited}"
    expect(page.locator("#status-q2a")).to_contain_text("Saved")
    screenshot(page, "focus-in-a-radio-group")

    tab_to(page, "Finish attempt…")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name=re.compile("Submit"))).to_be_visible()
    tab_to(page, "Submit attempt")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.locator("#total-score")).to_be_visible()
    attempt = Attempt.objects.get(student=alice)
    assert attempt.state in (AttemptState.GRADED, AttemptState.NEEDS_REVIEW)
    assert attempt.responses.get(part__question__key="q2", part__key="a").text == "903400"


def test_the_last_five_minutes_and_the_last_minute_are_announced_politely_once(attempt_page, alice):
    announcer = attempt_page.locator("#timer-announcer")
    expect(announcer).to_have_attribute("aria-live", "polite")
    expect(announcer).to_have_text("")

    Attempt.objects.filter(student=alice).update(deadline=timezone.now() + timedelta(seconds=303))
    attempt_page.reload()
    expect(announcer).to_have_text("5 minutes left.", timeout=15_000)
    # Not a second-by-second readout: the message stays while the clock runs on.
    shown = attempt_page.locator("#timer-value").inner_text()
    expect(attempt_page.locator("#timer-value")).not_to_have_text(shown)
    expect(announcer).to_have_text("5 minutes left.")

    Attempt.objects.filter(student=alice).update(deadline=timezone.now() + timedelta(seconds=63))
    attempt_page.reload()
    expect(announcer).to_have_text("1 minute left.", timeout=15_000)


def test_losing_and_regaining_the_connection_is_announced(attempt_page, context, page_errors):
    page_errors.expect(*NETWORK_ERRORS)
    announcer = attempt_page.locator("#save-announcer")
    expect(announcer).to_have_attribute("aria-live", "polite")
    context.set_offline(True)
    attempt_page.get_by_label("Question 2a", exact=True).fill("903400")
    expect(announcer).to_have_text("Your answers are not being saved right now.")
    context.set_offline(False)
    expect(announcer).to_have_text("Connection restored.", timeout=15_000)
    expect(attempt_page.locator("#status-q2a")).to_contain_text(re.compile(r"Saved \d\d:"))


def test_the_navigator_marks_answered_questions_with_more_than_colour(attempt_page):
    attempt_page.get_by_label("Question 2a", exact=True).fill("903400")
    attempt_page.get_by_label("Question 4", exact=True).fill("5 6\n10 9")
    expect(attempt_page.locator("#status-q4a")).to_contain_text("Saved")
    navigator = attempt_page.get_by_role("navigation", name="Questions")
    answered = navigator.get_by_role("link", name="Question 4: 1 of 1 answered")
    partial = navigator.get_by_role("link", name="Question 2: 1 of 3 answered")
    untouched = navigator.get_by_role("link", name="Question 1: 0 of 1 answered")
    marks = [
        link.evaluate("e => [getComputedStyle(e, '::after').content, getComputedStyle(e).backgroundImage]")
        for link in (answered, partial, untouched)
    ]
    assert marks[0][0] == '"✓"'
    assert marks[1][1].startswith("linear-gradient") and marks[1][0] in ("none", "normal")
    assert marks[2] == ["none", "none"] or marks[2] == ["normal", "none"]


def test_a_teacher_gives_a_screen_reader_user_half_as_much_time_again_in_one_step(
    page, live_server, login, tess, alice, quiz
):
    login(page, live_server, "tess", "tess-password")
    page.goto(f"{live_server.url}/teach/quizzes/{quiz.pk}/access/")
    page.get_by_label("Student's username").fill("alice")
    page.get_by_label("Extra time").select_option(label="50 % more time (usual for screen-reader users)")
    page.get_by_role("button", name="Save accommodation").click()
    expect(page.get_by_text("Accommodation saved for Alice")).to_be_visible()
    row = page.get_by_role("row", name=re.compile("Alice"))
    expect(row).to_contain_text("+30")
    expect(row).to_contain_text("50 % more time")
    assert Accommodation.objects.get(student=alice).extra_minutes == quiz.time_limit_minutes // 2
