"""Shuffling: each attempt records its own question order and choice orders, which every page of it follows;
grading and statistics stay per question, part and choice key."""

import pytest
from django.urls import reverse

from quiz import selectors, services, sheets
from quiz.models import Attempt


@pytest.fixture
def shuffled(quiz):
    quiz.shuffle_questions = quiz.shuffle_choices = True
    quiz.attempts_allowed = 10
    quiz.save()
    return quiz


def question_keys(attempt: Attempt) -> list[str]:
    return [question.question.key for question in sheets.attempt_sheet(attempt)]


def test_an_unshuffled_attempt_records_no_order_and_shows_the_quizs(alice, quiz):
    attempt = services.start_attempt(student=alice, quiz=quiz)
    assert (attempt.question_order, attempt.choice_orders) == ([], {})
    assert question_keys(attempt) == [f"q{n}" for n in range(1, 11)]


def test_a_shuffled_attempt_records_every_question_and_every_choice_once(alice, shuffled):
    attempt = services.start_attempt(student=alice, quiz=shuffled)
    attempt.refresh_from_db()
    assert sorted(attempt.question_order) == sorted(f"q{n}" for n in range(1, 11))
    responses = attempt.responses.select_related("part__question")
    choice_parts = {services.part_key(r.part): r.part for r in responses if r.part.choices}
    assert set(attempt.choice_orders) == set(choice_parts)
    for key, order in attempt.choice_orders.items():
        assert sorted(order) == sorted(choice["key"] for choice in choice_parts[key].choices)


def test_attempts_get_orders_of_their_own(alice, shuffled):
    orders = set()
    for _ in range(6):
        attempt = services.start_attempt(student=alice, quiz=shuffled)
        orders.add(tuple(attempt.question_order))
        services.submit_attempt(attempt=attempt)
    # Six attempts drawing the same order of ten questions: one chance in 3628800⁵.
    assert len(orders) > 1


def test_the_sheet_follows_the_recorded_order_on_every_read(alice, shuffled):
    attempt = services.start_attempt(student=alice, quiz=shuffled)
    attempt.question_order = ["q3", "q1", "q10", "q2", "q4", "q5", "q6", "q7", "q8", "q9"]
    attempt.choice_orders = {"q7c": ["same", "larger", "smaller"]}
    attempt.save()
    for _ in range(2):
        reread = Attempt.objects.get(pk=attempt.pk)
        assert question_keys(reread) == attempt.question_order
        q7c = next(part for q in sheets.attempt_sheet(reread) for part in q.parts if part.key == "q7c")
        assert [choice["key"] for choice in q7c.choices] == ["same", "larger", "smaller"]


def test_a_question_added_after_the_attempt_started_comes_last(alice, shuffled):
    attempt = services.start_attempt(student=alice, quiz=shuffled)
    attempt.question_order = ["q2", "q1"]
    attempt.save()
    assert question_keys(attempt)[:3] == ["q2", "q1", "q3"]


def test_the_attempt_page_the_result_and_the_teachers_view_show_the_same_order(
    alice, alice_client, client, tess, shuffled
):
    attempt = services.start_attempt(student=alice, quiz=shuffled)
    attempt.question_order = ["q9", "q2", "q1", "q3", "q4", "q5", "q6", "q7", "q8", "q10"]
    attempt.save()

    def order(html: str, marker: str) -> list[str]:
        """The question keys in the order the page holds their `marker`; ValueError if one is missing."""
        return sorted(attempt.question_order, key=lambda key: html.index(marker.format(key=key)))

    page = alice_client.get(reverse("student:attempt", args=[attempt.pk])).content.decode()
    assert order(page, 'id="question-{key}"') == attempt.question_order
    assert order(page, 'id="nav-{key}"') == attempt.question_order
    services.submit_attempt(attempt=attempt)
    result = alice_client.get(reverse("student:attempt_result", args=[attempt.pk])).content.decode()
    assert order(result, 'id="question-{key}"') == attempt.question_order
    rows = selectors.attempt_detail(attempt)
    assert list(dict.fromkeys(row.part.question.key for row in rows)) == attempt.question_order


def test_the_choice_order_is_the_attempts_and_grading_reads_keys(alice, alice_client, shuffled):
    attempt = services.start_attempt(student=alice, quiz=shuffled)
    attempt.choice_orders = {**attempt.choice_orders, "q7c": ["larger", "same", "smaller"]}
    attempt.save()
    html = alice_client.get(reverse("student:attempt", args=[attempt.pk])).content.decode()
    positions = [html.index(f'id="answer-q7c-{key}"') for key in ("larger", "same", "smaller")]
    assert positions == sorted(positions)
    services.save_response(attempt=attempt, part_key="q7c", text="smaller", sequence=1)
    graded = services.submit_attempt(attempt=attempt)
    assert graded.responses.get(part__question__key="q7", part__key="c").status == "correct"
