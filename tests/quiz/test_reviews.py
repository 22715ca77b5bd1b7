"""Teachers' decisions: confirming and revising free-text scores, overrides, accommodations, reopening."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from quiz import reviews, services
from quiz.models import Accommodation, AttemptEvent, AttemptState, Response, ScoreChange


def response_to(attempt, key: str) -> Response:
    return Response.objects.select_related("part__question").get(
        attempt=attempt, part__question__key=key[:-1], part__key=key[-1]
    )


@pytest.fixture
def attempt(alice, submitted_attempt):
    """Alice's attempt with right answers to q2a and q4 and a free-text answer to q6b awaiting review."""
    return submitted_attempt(alice)


def test_a_submitted_free_text_answer_waits_for_review(attempt):
    q6b = response_to(attempt, "q6b")
    assert q6b.awaiting_review and q6b.score == pytest.approx(1.0)
    assert attempt.state == AttemptState.NEEDS_REVIEW


def test_confirming_the_last_pending_answer_finalizes_the_total(attempt, tess):
    reviews.confirm_review(response=response_to(attempt, "q6b"), score=0.75, comment="Good, name BN too.", teacher=tess)
    attempt.refresh_from_db()
    assert attempt.state == AttemptState.GRADED
    assert attempt.score == Decimal("2.750")
    q6b = response_to(attempt, "q6b")
    assert (q6b.review_score, q6b.review_comment, q6b.reviewed_by) == (0.75, "Good, name BN too.", tess)
    assert q6b.score == pytest.approx(1.0), "the rubric's suggestion is kept"


def test_an_attempt_stays_in_review_while_another_answer_waits(alice, submitted_attempt, tess):
    attempt = submitted_attempt(alice, {"q6a": "ReLU and dropout", "q6b": "residual connections"})
    reviews.confirm_review(response=response_to(attempt, "q6a"), score=1, comment="", teacher=tess)
    attempt.refresh_from_db()
    assert attempt.state == AttemptState.NEEDS_REVIEW


def test_a_revised_score_keeps_its_history(attempt, tess, admin_user):
    q6b = response_to(attempt, "q6b")
    reviews.confirm_review(response=q6b, score=0.75, comment="first look", teacher=tess)
    reviews.confirm_review(response=q6b, score=1.0, comment="on second reading, complete", teacher=admin_user)
    changes = list(q6b.score_changes.order_by("changed_at", "pk").values_list(
        "kind", "previous_score", "new_score", "reason", "changed_by__username"
    ))
    assert changes == [
        ("review", 1.0, 0.75, "first look", "tess"),
        ("review", 0.75, 1.0, "on second reading, complete", "root"),
    ]
    attempt.refresh_from_db()
    assert attempt.score == Decimal("3.000")
    events = attempt.events.filter(kind=AttemptEvent.Kind.REVIEWED)
    assert [event.detail for event in events] == [
        "Question 6b: 1 → 0.75 of 1 point",
        "Question 6b: 0.75 → 1 of 1 point",
    ]
    assert {event.part_key for event in events} == {"q6b"}


def test_only_free_text_answers_are_reviewed(attempt, tess):
    with pytest.raises(reviews.DecisionError, match="override"):
        reviews.confirm_review(response=response_to(attempt, "q2a"), score=1, comment="", teacher=tess)


@pytest.mark.parametrize("score", [-0.1, 1.01])
def test_a_score_outside_the_range_is_refused(attempt, tess, score):
    with pytest.raises(reviews.DecisionError):
        reviews.confirm_review(response=response_to(attempt, "q6b"), score=score, comment="", teacher=tess)
    with pytest.raises(reviews.DecisionError):
        reviews.override_score(response=response_to(attempt, "q2a"), score=score, reason="x", teacher=tess)
    assert not ScoreChange.objects.exists()


def test_an_attempt_in_progress_cannot_be_graded(alice, quiz, tess):
    attempt = services.start_attempt(student=alice, quiz=quiz)
    with pytest.raises(reviews.DecisionError, match="in progress"):
        reviews.override_score(response=response_to(attempt, "q2a"), score=1, reason="x", teacher=tess)


def test_an_override_records_who_when_why_and_the_previous_score(attempt, tess):
    now = timezone.now()
    reviews.override_score(
        response=response_to(attempt, "q2a"), score=0.5, reason="  Units missing in the working.  ", teacher=tess,
        now=now,
    )
    q2a = response_to(attempt, "q2a")
    assert (q2a.override_score, q2a.override_previous_score) == (0.5, 1.0)
    assert q2a.override_reason == "Units missing in the working."
    assert (q2a.overridden_by, q2a.overridden_at) == (tess, now)
    assert q2a.final_credit == 0.5
    change = q2a.score_changes.get()
    assert (change.kind, change.previous_score, change.new_score, change.changed_by) == ("override", 1.0, 0.5, tess)
    attempt.refresh_from_db()
    assert attempt.score == Decimal("2.500")
    assert attempt.events.get(kind=AttemptEvent.Kind.OVERRIDDEN).detail == (
        "Question 2a: 1 → 0.5 of 1 point. Units missing in the working."
    )


def test_a_second_override_remembers_the_first_as_its_previous_score(attempt, tess):
    q2a = response_to(attempt, "q2a")
    reviews.override_score(response=q2a, score=0.5, reason="first", teacher=tess)
    reviews.override_score(response=q2a, score=0.25, reason="second", teacher=tess)
    q2a.refresh_from_db()
    assert (q2a.override_score, q2a.override_previous_score) == (0.25, 0.5)
    assert q2a.score_changes.count() == 2


def test_an_override_needs_a_reason(attempt, tess):
    with pytest.raises(reviews.DecisionError, match="reason"):
        reviews.override_score(response=response_to(attempt, "q2a"), score=0, reason="   ", teacher=tess)


def test_overriding_a_pending_answer_takes_it_out_of_review(attempt, tess):
    reviews.override_score(response=response_to(attempt, "q6b"), score=1, reason="Full marks: see notes.", teacher=tess)
    attempt.refresh_from_db()
    assert attempt.state == AttemptState.GRADED
    assert attempt.score == Decimal("3.000")


# --- Accommodations -------------------------------------------------------------------------------


def test_extra_attempts_raise_the_attempt_limit(alice, quiz, tess, submitted_attempt):
    for _ in range(quiz.attempts_allowed):
        submitted_attempt(alice, {})
    with pytest.raises(services.AttemptNotAllowed):
        services.start_attempt(student=alice, quiz=quiz)
    reviews.grant_accommodation(
        student=alice, quiz=quiz, extra_minutes=0, extra_attempts=1, reason="Power cut", teacher=tess
    )
    assert services.start_attempt(student=alice, quiz=quiz).number == quiz.attempts_allowed + 1


def test_extra_minutes_lengthen_the_deadline_of_new_attempts(alice, quiz, tess):
    reviews.grant_accommodation(
        student=alice, quiz=quiz, extra_minutes=15, extra_attempts=0, reason="Extra time plan", teacher=tess
    )
    now = timezone.now()
    attempt = services.start_attempt(student=alice, quiz=quiz, now=now)
    assert attempt.deadline == now + timedelta(minutes=quiz.time_limit_minutes + 15)
    accommodation = Accommodation.objects.get()
    assert (accommodation.created_by, accommodation.reason) == (tess, "Extra time plan")


def test_extra_minutes_granted_mid_exam_move_the_running_deadline(alice, quiz, tess):
    now = timezone.now()
    attempt = services.start_attempt(student=alice, quiz=quiz, now=now)
    reviews.grant_accommodation(
        student=alice, quiz=quiz, extra_minutes=20, extra_attempts=0, reason="Arrived late", teacher=tess
    )
    reviews.grant_accommodation(
        student=alice, quiz=quiz, extra_minutes=15, extra_attempts=0, reason="Corrected", teacher=tess
    )
    attempt.refresh_from_db()
    assert attempt.deadline == now + timedelta(minutes=quiz.time_limit_minutes + 15)
    details = list(attempt.events.filter(kind=AttemptEvent.Kind.ACCOMMODATED).values_list("detail", flat=True))
    assert details == [
        "Deadline moved by +20 min for an accommodation: Arrived late",
        "Deadline moved by -5 min for an accommodation: Corrected",
    ]
    assert Accommodation.objects.get().extra_minutes == 15


def test_an_accommodation_needs_a_reason(alice, quiz, tess):
    with pytest.raises(reviews.DecisionError):
        reviews.grant_accommodation(
            student=alice, quiz=quiz, extra_minutes=5, extra_attempts=0, reason="", teacher=tess
        )
    assert not Accommodation.objects.exists()


# --- Reopening ------------------------------------------------------------------------------------


def test_a_reopened_attempt_takes_answers_again_until_its_new_deadline(attempt, tess):
    now = timezone.now()
    reviews.reopen_attempt(attempt=attempt, minutes=10, reason="Browser crashed", teacher=tess, now=now)
    attempt.refresh_from_db()
    assert attempt.is_open
    assert (attempt.submitted_at, attempt.score, attempt.deadline) == (None, None, now + timedelta(minutes=10))
    event = attempt.events.get(kind=AttemptEvent.Kind.REOPENED)
    assert event.actor == tess and event.detail.endswith(": Browser crashed")
    services.save_response(attempt=attempt, part_key="q2b", text="12.6 MB", sequence=1)
    services.submit_attempt(attempt=attempt)
    assert response_to(attempt, "q2b").status == "correct"


def test_reopening_clears_confirmed_reviews_with_a_history_entry_and_keeps_overrides(attempt, tess):
    reviews.confirm_review(response=response_to(attempt, "q6b"), score=1, comment="ok", teacher=tess)
    reviews.override_score(response=response_to(attempt, "q2a"), score=0, reason="copied", teacher=tess)
    reviews.reopen_attempt(attempt=attempt, minutes=None, reason="Exam room fire alarm", teacher=tess)
    q6b, q2a = response_to(attempt, "q6b"), response_to(attempt, "q2a")
    assert (q6b.review_score, q6b.reviewed_by) == (None, None)
    assert q6b.score_changes.first().reason == "Cleared when the attempt was reopened: Exam room fire alarm"
    assert q2a.override_score == 0
    attempt.refresh_from_db()
    assert attempt.deadline is None
    services.submit_attempt(attempt=attempt)
    attempt.refresh_from_db()
    assert attempt.state == AttemptState.NEEDS_REVIEW


def test_an_attempt_in_progress_cannot_be_reopened(alice, quiz, tess):
    attempt = services.start_attempt(student=alice, quiz=quiz)
    with pytest.raises(reviews.DecisionError, match="in progress"):
        reviews.reopen_attempt(attempt=attempt, minutes=5, reason="x", teacher=tess)


def test_reopening_waits_for_the_students_other_attempt(alice, quiz, tess, attempt):
    services.start_attempt(student=alice, quiz=quiz)
    with pytest.raises(reviews.DecisionError, match="another attempt"):
        reviews.reopen_attempt(attempt=attempt, minutes=5, reason="x", teacher=tess)


def test_reopening_needs_a_reason(attempt, tess):
    with pytest.raises(reviews.DecisionError, match="reason"):
        reviews.reopen_attempt(attempt=attempt, minutes=5, reason=" ", teacher=tess)
