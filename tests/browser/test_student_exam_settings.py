"""What a student sees of a quiz's exam settings: the rules on the start page, an access code refused and then
accepted, a network refused, and a shuffled order that stays the same when the page is reloaded; and what a
teacher sees: the rules, and a refusal in the attempt's log."""

import pytest
from playwright.sync_api import expect

from quiz import services
from quiz.models import Attempt

pytestmark = pytest.mark.browser


def heading_numbers(page) -> list[str]:
    """The question numbers as the attempt page's headings read, top to bottom."""
    return [text.split(" · ")[0] for text in page.locator(".question-card h2").all_inner_texts()]


def test_a_shuffled_attempt_keeps_its_order_across_reloads(page, live_server, login, alice, quiz, screenshot):
    quiz.shuffle_questions = quiz.shuffle_choices = True
    quiz.save()
    login(page, live_server, "alice", "alice-password")
    page.goto(f"{live_server.url}/quizzes/{quiz.key}/")
    expect(page.get_by_text("The questions come in an order of their own for each attempt")).to_be_visible()
    page.get_by_role("button", name="Start attempt 1").click()
    expect(page.locator("#attempt-form[data-ready]")).to_have_count(1)

    attempt = Attempt.objects.get(student=alice)
    recorded = [f"Question {key.removeprefix('q')}" for key in attempt.question_order]
    assert heading_numbers(page) == recorded
    navigator = [f"Question {text}" for text in page.locator(".question-nav a").all_inner_texts()]
    assert navigator == recorded
    q7c = quiz.questions.get(key="q7").parts.get(key="c")
    choice_labels = {choice["key"]: choice["label"] for choice in q7c.choices}
    group = page.get_by_role("group", name="Question 7c")
    shown_choices = group.locator("label")
    expect(shown_choices).to_have_text([choice_labels[key] for key in attempt.choice_orders["q7c"]])

    group.get_by_label(choice_labels["smaller"]).check()
    expect(page.locator("#status-q7c")).to_contain_text("Saved")
    screenshot(page)
    page.reload()
    expect(page.locator("#attempt-form[data-ready]")).to_have_count(1)
    assert heading_numbers(page) == recorded
    expect(shown_choices).to_have_text([choice_labels[key] for key in attempt.choice_orders["q7c"]])
    expect(group.get_by_label(choice_labels["smaller"])).to_be_checked()


def test_a_wrong_access_code_is_refused_and_the_right_one_starts(
    page, page_errors, live_server, login, alice, quiz, screenshot
):
    page_errors.expect(r"status of 403")  # the refusal's status
    quiz.access_code = "owl-42"
    quiz.save()
    login(page, live_server, "alice", "alice-password")
    page.goto(f"{live_server.url}/quizzes/{quiz.key}/")
    expect(page.get_by_text("You need an access code from your teacher or invigilator")).to_be_visible()

    page.get_by_label("Access code").fill("owl-24")
    page.get_by_role("button", name="Start attempt 1").click()
    refusal = "That access code is not right. Check it with your teacher and type it again."
    expect(page.get_by_text(refusal)).to_be_visible()
    expect(page.get_by_label("Access code")).to_be_focused()
    screenshot(page)
    assert not Attempt.objects.exists()

    page.get_by_label("Access code").fill("owl-42")
    page.get_by_role("button", name="Start attempt 1").click()
    expect(page.locator("#attempt-form[data-ready]")).to_have_count(1)
    assert Attempt.objects.count() == 1


def test_a_start_from_outside_the_allowed_networks_gets_a_page_saying_why(
    page, page_errors, live_server, login, alice, quiz
):
    page_errors.expect(r"status of 403")  # the refusal's status
    quiz.allowed_networks = ["192.0.2.0/24"]
    quiz.save()
    login(page, live_server, "alice", "alice-password")
    page.goto(f"{live_server.url}/quizzes/{quiz.key}/")
    expect(page.get_by_text("This computer is not on an allowed network.")).to_be_visible()
    page.get_by_role("button", name="Start attempt 1").click()
    expect(page.get_by_role("heading", name="Not from an allowed network")).to_be_visible()
    expect(page.get_by_text("this computer connects from 127.0.0.1")).to_be_visible()
    assert not Attempt.objects.exists()


def test_a_teacher_reads_the_exam_rules_and_sees_a_refusal_in_the_attempts_log(
    page, live_server, login, alice, tess, quiz
):
    quiz.access_code, quiz.allowed_networks, quiz.shuffle_questions = "owl-42", ["192.0.2.0/24"], True
    quiz.save()
    attempt = services.start_attempt(student=alice, quiz=quiz, ip="192.0.2.8", access_code="owl-42")
    with pytest.raises(services.NetworkRefused):
        services.save_response(attempt=attempt, part_key="q2a", text="903400", sequence=1, ip="198.51.100.4")
    login(page, live_server, "tess", "tess-password")

    page.goto(f"{live_server.url}/teach/quizzes/{quiz.pk}/access/")
    rules = page.get_by_role("region", name="Exam rules")
    expect(rules.locator("#access-code-value")).to_have_text("owl-42")
    expect(rules).to_contain_text("192.0.2.0/24")
    expect(rules).to_contain_text("questions shuffled per attempt")
    expect(rules).to_contain_text("the questions' own for a first attempt, new ones after")

    page.goto(f"{live_server.url}/teach/attempts/{attempt.pk}/")
    refusal = page.locator("tr.event-access_refused")
    expect(refusal).to_contain_text("Refused: not from an allowed network")
    expect(refusal).to_contain_text("198.51.100.4")
