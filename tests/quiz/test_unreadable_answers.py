"""An answer the grader cannot read never stops an attempt: it is submitted, graded and shown,
and the part goes to the teacher as "could not be read" until a teacher decides its score."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

import grader.scoring
from quiz import grading, regrade, services
from quiz.models import Attempt, AttemptState, Part, Response, ResponseStatus

# The shape that made the old size pattern backtrack for 30 s, at the longest an answer may be.
HOSTILE = "(" + " " * 19_997 + ")x"
POISON = "this answer breaks the grader"


def response_to(attempt: Attempt, key: str) -> Response:
    return Response.objects.get(attempt=attempt, part__question__key=key[:-1], part__key=key[-1])


@pytest.fixture
def poisoned_grader(monkeypatch):
    """A grader with a fault: reading POISON raises, as a bug in a parser would."""
    read_answer, read = grader.scoring.read_answer, grader.scoring.read

    def fail_on_poison(original):
        def reader(spec, text):
            if text == POISON:
                raise RuntimeError("a fault in the grader")
            return original(spec, text)

        return reader

    monkeypatch.setattr(grader.scoring, "read_answer", fail_on_poison(read_answer))
    monkeypatch.setattr(grader.scoring, "read", fail_on_poison(read))


def teacher_pages(quiz, attempt) -> list[str]:
    return [
        reverse("teacher:home"),
        reverse("teacher:gradebook", args=[quiz.pk]),
        reverse("teacher:review_queue", args=[quiz.pk]),
        reverse("teacher:attempt", args=[attempt.pk]),
        reverse("teacher:statistics", args=[quiz.pk]),
        reverse("teacher:export_gradebook", args=[quiz.pk]),
        reverse("teacher:export_responses", args=[quiz.pk]),
    ]


@pytest.mark.timeout(30)
def test_a_hostile_answer_is_closed_graded_and_shown_when_time_runs_out(alice, quiz, client, tess, capsys):
    quiz.time_limit_minutes = 10
    quiz.save()
    started = timezone.now() - timedelta(hours=1)
    attempt = services.start_attempt(student=alice, quiz=quiz, now=started)
    for key, text in [("q8c", HOSTILE), ("q8b", "200"), ("q2a", "903400")]:
        services.save_response(attempt=attempt, part_key=key, text=text, sequence=1, now=started)

    call_command("close_overdue_attempts")

    attempt.refresh_from_db()
    assert attempt.state == AttemptState.NEEDS_REVIEW
    assert response_to(attempt, "q8c").status == ResponseStatus.INVALID
    assert response_to(attempt, "q8b").status == ResponseStatus.CORRECT
    client.force_login(alice)
    assert client.get(reverse("student:attempt_result", args=[attempt.pk])).status_code == 200
    client.force_login(tess)
    for url in teacher_pages(quiz, attempt):
        page = client.get(url)
        assert page.status_code == 200, url
        body = b"".join(page.streaming_content) if page.streaming else page.content
        assert body


def test_a_grader_fault_on_one_answer_leaves_the_page_the_submit_and_the_rest_working(
    alice, quiz, client, tess, poisoned_grader
):
    attempt = services.start_attempt(student=alice, quiz=quiz)
    services.save_response(attempt=attempt, part_key="q2a", text=POISON, sequence=1)
    services.save_response(attempt=attempt, part_key="q4a", text="[[5, 6], [10, 9]]", sequence=1)
    client.force_login(alice)

    page = client.get(reverse("student:attempt", args=[attempt.pk]))
    assert page.status_code == 200
    assert "cannot be checked as you type" in page.content.decode()
    save = client.post(
        reverse("student:attempt_save", args=[attempt.pk]), {"part": "q2a", "text": POISON, "sequence": 2}
    )
    assert save.status_code == 200 and "cannot be checked" in save.json()["message"]
    assert client.post(reverse("student:attempt_submit", args=[attempt.pk])).status_code == 302

    attempt.refresh_from_db()
    poisoned = response_to(attempt, "q2a")
    assert (poisoned.status, poisoned.score, poisoned.feedback) == (
        ResponseStatus.INVALID, 0, grading.UNGRADABLE_FEEDBACK,
    )
    assert response_to(attempt, "q4a").status == ResponseStatus.CORRECT
    assert attempt.state == AttemptState.NEEDS_REVIEW
    assert client.get(reverse("student:attempt_result", args=[attempt.pk])).status_code == 200
    client.force_login(tess)
    for url in teacher_pages(quiz, attempt):
        page = client.get(url)
        assert page.status_code == 200, url
        body = b"".join(page.streaming_content) if page.streaming else page.content
        assert body
    report = regrade.regrade_quiz(quiz=quiz)
    assert (report.attempts, report.parts_changed, dict(report.errors)) == (1, 0, {})


@pytest.mark.parametrize("review_free_text", [True, False])
def test_an_unreadable_number_waits_for_the_teacher_whatever_the_quizs_review_setting(
    alice, quiz, submitted_attempt, review_free_text
):
    quiz.review_free_text = review_free_text
    quiz.save()
    attempt = submitted_attempt(alice, {"q2a": "1.234,5", "q4a": "[[5, 6], [10, 9]]"})
    response = response_to(attempt, "q2a")
    assert response.status == ResponseStatus.INVALID
    assert "use a decimal point" in response.feedback
    assert response.awaiting_review
    assert attempt.state == AttemptState.NEEDS_REVIEW


def test_the_review_queue_lists_a_part_with_an_unreadable_answer_until_a_teacher_confirms(
    alice, quiz, submitted_attempt, teacher_client
):
    attempt = submitted_attempt(alice, {"q2b": "1.234,5 MB"})
    part = Part.objects.get(question__key="q2", key="b")
    response = response_to(attempt, "q2b")
    queue = reverse("teacher:review_queue", args=[quiz.pk])
    assert f'href="{reverse("teacher:review_next", args=[part.pk])}">Review 1 pending</a>' in (
        teacher_client.get(queue).content.decode()
    )
    assert teacher_client.get(reverse("teacher:review_next", args=[part.pk]))["Location"] == reverse(
        "teacher:review", args=[response.pk]
    )

    prefix = f"review-{response.pk}"
    teacher_client.post(
        reverse("teacher:save_review", args=[response.pk]),
        {f"{prefix}-points": "1", f"{prefix}-comment": "1234.5 was meant; the decimal comma is fine."},
    )

    response.refresh_from_db()
    attempt.refresh_from_db()
    assert (response.status, response.review_score, response.awaiting_review) == (ResponseStatus.INVALID, 1, False)
    assert attempt.state == AttemptState.GRADED
    assert reverse("teacher:review_next", args=[part.pk]) not in teacher_client.get(queue).content.decode()


def test_an_override_also_decides_an_unreadable_answer(alice, quiz, submitted_attempt, teacher_client):
    attempt = submitted_attempt(alice, {"q8c": "7 x 7 x"})
    response = response_to(attempt, "q8c")
    assert response.awaiting_review
    prefix = f"override-{response.pk}"
    teacher_client.post(
        reverse("teacher:override", args=[response.pk]),
        {f"{prefix}-points": "1", f"{prefix}-reason": "A stray x; the kernel is right."},
    )
    response.refresh_from_db()
    attempt.refresh_from_db()
    assert response.override_score == 1 and not response.awaiting_review
    assert attempt.state == AttemptState.GRADED
