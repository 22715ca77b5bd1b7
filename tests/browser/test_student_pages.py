"""A quiz three questions to a page in Chromium: paging through it with every question in the navigator, an
answer typed right before Next stored, and sequential navigation with no way back."""

import re

import pytest
from playwright.sync_api import expect

from quiz.models import Attempt, AttemptState
from tests.browser.conftest import stored

pytestmark = pytest.mark.browser

SAVE_TO_A_PAGE_LEFT = """async ([url, text]) => {
  const token = document.querySelector("[name=csrfmiddlewaretoken]").value;
  const reply = await fetch(url, {
    method: "POST",
    headers: {"X-CSRFToken": token, "Accept": "application/json"},
    body: new URLSearchParams({part: "q1a", text: text, sequence: "2"}),
  });
  return [reply.status, (await reply.json()).error];
}"""


@pytest.fixture
def paged(quiz):
    quiz.questions_per_page = 3
    quiz.save()
    return quiz


def start(page, live_server, login, quiz) -> None:
    login(page, live_server, "alice", "alice-password")
    page.goto(f"{live_server.url}/quizzes/{quiz.key}/")
    page.get_by_role("button", name="Start attempt 1").click()
    ready(page)


def ready(page) -> None:
    expect(page.locator("#attempt-form[data-ready]")).to_have_count(1)


def questions_on_the_page(page) -> list[str]:
    return page.locator(".part-answer").evaluate_all(
        "parts => [...new Set(parts.map(part => part.dataset.question))]"
    )


def test_a_student_pages_through_the_quiz_with_every_question_in_the_navigator(
    page, live_server, login, screenshot, alice, paged
):
    start(page, live_server, login, paged)
    expect(page.locator("#page-position")).to_have_text("Page 1 of 4")
    assert questions_on_the_page(page) == ["q1", "q2", "q3"]
    expect(page.locator("#previous-page")).to_have_count(0)
    expect(page.locator(".question-nav .question-link")).to_have_count(10)

    # Typed, and Next clicked at once: the page sends the answer before it leaves.
    page.get_by_label("Question 2a", exact=True).fill("903400")
    page.get_by_role("button", name="Next page").click()
    page.wait_for_url(re.compile(r"\?page=2$"))
    ready(page)
    assert stored(alice, "q2", "a") == "903400"
    # Sent by the page's script before it turned the page, not by the form posted without it (which says so).
    expect(page.get_by_text(re.compile("^Saved Question 2a"))).to_have_count(0)
    expect(page.locator("#page-position")).to_have_text("Page 2 of 4")
    assert questions_on_the_page(page) == ["q4", "q5", "q6"]

    # Every question is in the navigator with its state; those of other pages link to their page.
    question_2 = page.get_by_role("link", name="Question 2 (page 1): 1 of 3 answered")
    expect(question_2).to_have_class(re.compile(r"\bis-partial\b"))
    expect(page.get_by_role("link", name="Question 10 (page 4): 0 of 2 answered")).to_be_visible()
    page.get_by_label("Question 4", exact=True).fill("[[5, 6], [10, 9]]")
    expect(page.get_by_role("link", name="Question 4: 1 of 1 answered")).to_have_class(re.compile(r"\bis-answered\b"))
    screenshot(page, "page 2")

    # A navigator link to another page also sends the answer typed just before it.
    page.get_by_label("Question 5", exact=True).fill("[3.78, 1.22]")
    page.get_by_role("link", name="Question 10 (page 4): 0 of 2 answered").click()
    page.wait_for_url(re.compile(r"\?page=4#question-q10$"))
    ready(page)
    assert stored(alice, "q5", "a") == "[3.78, 1.22]"
    assert questions_on_the_page(page) == ["q10"]
    expect(page.locator("#next-page")).to_have_count(0)
    expect(page.get_by_role("link", name="Question 4 (page 2): 1 of 1 answered")).to_have_class(
        re.compile(r"\bis-answered\b")
    )

    page.get_by_role("button", name="Previous page").click()
    page.wait_for_url(re.compile(r"\?page=3$"))
    ready(page)
    assert questions_on_the_page(page) == ["q7", "q8", "q9"]

    # Finishing from any page submits the whole attempt.
    page.get_by_role("button", name="Finish attempt…").click()
    page.get_by_role("button", name="Submit attempt").click()
    expect(page.get_by_text("Attempt 1 · submitted")).to_be_visible()
    expect(page.locator("#part-q2a .status-badge")).to_have_text("Correct")
    expect(page.locator("#part-q10a .status-badge")).to_have_text("Unanswered")
    attempt = Attempt.objects.get(student=alice)
    assert attempt.state == AttemptState.GRADED
    assert attempt.responses.count() == 21 and not attempt.responses.filter(graded_at__isnull=True).exists()


def test_sequential_navigation_hides_back_and_refuses_going_back(
    page, live_server, login, screenshot, page_errors, alice, paged
):
    page_errors.expect(r"status of 409")
    paged.sequential = True
    paged.save()
    start(page, live_server, login, paged)
    expect(page.get_by_text("Once you move on to the next page you cannot come back to this one.")).to_be_visible()
    page.get_by_label("Question 1", exact=True).fill("Weights are shared across the image.")
    page.get_by_role("button", name="Next page").click()
    page.wait_for_url(re.compile(r"\?page=2$"))
    ready(page)
    assert stored(alice, "q1", "a") == "Weights are shared across the image."
    assert Attempt.objects.get(student=alice).furthest_page == 2

    expect(page.locator("#previous-page")).to_have_count(0)
    expect(page.locator("a#nav-q1")).to_have_count(0)
    expect(page.locator("a#nav-q7")).to_have_count(0)
    closed = page.get_by_role("img", name="Question 1 (page 1, not open from here): 1 of 1 answered")
    expect(closed).to_have_class(re.compile(r"\bis-answered\b"))
    expect(page.locator(".question-nav .question-link")).to_have_count(10)
    screenshot(page, "page 2")

    page.goto(f"{page.url.split('?')[0]}?page=1")
    page.wait_for_url(re.compile(r"\?page=2$"))
    refusal = "Earlier pages of this quiz are closed: you can no longer go back to them."
    expect(page.get_by_text(refusal)).to_be_visible()
    assert questions_on_the_page(page) == ["q4", "q5", "q6"]

    attempt = Attempt.objects.get(student=alice)
    save_url = f"/attempts/{attempt.pk}/save/"
    assert page.evaluate(SAVE_TO_A_PAGE_LEFT, [save_url, "changed later"]) == [409, "page_left"]
    assert stored(alice, "q1", "a") == "Weights are shared across the image."


def test_the_submit_page_links_an_answer_not_yet_sent_to_the_page_it_is_on(
    page, live_server, login, page_errors, alice, paged
):
    start(page, live_server, login, paged)
    page.get_by_role("button", name="Next page").click()
    page.wait_for_url(re.compile(r"\?page=2$"))
    ready(page)
    page.get_by_role("button", name="Next page").click()
    page.wait_for_url(re.compile(r"\?page=3$"))
    ready(page)
    page_errors.expect(r"ERR_FAILED")
    saves = re.compile(r"/save/$")
    page.route(saves, lambda route: route.abort())
    page.get_by_label("Question 8b", exact=True).fill("200")
    page.get_by_role("button", name="Finish attempt…").click()
    warning = page.get_by_role("alert")
    expect(warning).to_contain_text("these answers are not saved", timeout=30_000)
    warning.get_by_role("link", name="Go to the submit page anyway").click()
    unsent = page.locator("#unsent-answers")
    expect(unsent).to_contain_text("Not saved yet")
    link = unsent.get_by_role("link", name="Question 8b")
    expect(link).to_have_attribute("href", re.compile(r"/attempts/\d+/\?page=3#part-q8b$"))
    page.unroute(saves)
    link.click()
    ready(page)
    expect(page.locator("#page-position")).to_have_text("Page 3 of 4")
    expect(page.get_by_label("Question 8b", exact=True)).to_have_value("200")
