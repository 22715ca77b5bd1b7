"""Teachers' decisions about attempts: confirmed free-text scores, overrides, accommodations, reopening.

Every decision names its teacher and is kept in a history (ScoreChange for scores,
AttemptEvent for the attempt's log), then the attempt's total is recomputed through
the same service the student side uses. Each function locks the attempt first, so two
teachers grading one attempt at once cannot leave its total or its state stale.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

import grader
from quiz import services, suggestions
from quiz.errors import DecisionError
from quiz.formatting import count_points, format_points
from quiz.models import (
    Accommodation,
    Attempt,
    AttemptEvent,
    AttemptState,
    Quiz,
    Response,
    ScoreChange,
    StandingAccommodation,
    earned_points,
)


def _check_credit(score: float) -> float:
    if not 0 <= score <= 1:
        raise DecisionError(gettext("A score must lie between 0 and the part's points."))
    return float(score)


def _lock_response(response: Response) -> Response:
    """The response, read again under a lock on its attempt, which must be closed."""
    attempt = Attempt.objects.select_for_update().get(pk=response.attempt_id)
    if attempt.is_open:
        raise DecisionError(gettext("The attempt is still in progress; grade it once it is submitted."))
    locked = Response.objects.select_related("part__question").get(pk=response.pk)
    locked.attempt = attempt
    return locked


def _describe_change(response: Response, previous: float | None, new: float | None) -> str:
    """“Question 6b: 0.5 → 0.75 of 1 point”, for the attempt's log."""

    def points(credit):
        return "—" if credit is None else format_points(earned_points(credit, response.part.points))

    return f"{response.part.label}: {points(previous)} → {points(new)} of {count_points(response.part.points)}"


@transaction.atomic
def confirm_review(
    *, response: Response, score: float, comment: str, teacher, items: tuple[str, ...] = (), now: datetime | None = None
) -> Response:
    """Confirm (or revise) the score of a free-text answer, or of an answer that could not be
    read, with the rubric items awarded if the score follows them; the computed score stays as it was."""
    response = _lock_response(response)
    return _record_review(response, _check_credit(score), comment, teacher, now or timezone.now(), items)


@transaction.atomic
def confirm_suggestion(*, response: Response, suggested: float, teacher, now: datetime | None = None) -> Response:
    """Confirm the rubric's suggested score of a free-text answer as it is, in one click.

    `suggested` is the suggestion the teacher was shown: if a regrade changed it since, the
    teacher is asked to look again rather than having a score they never saw confirmed."""
    response = _lock_response(response)
    current = response.score
    if current is None or not math.isclose(current, suggested, abs_tol=1e-9):
        now_suggested = (
            gettext("none") if current is None else count_points(earned_points(current, response.part.points))
        )
        raise DecisionError(
            gettext(
                "%(part)s: the suggested score changed since the page was shown (now: %(now)s). "
                "Check it and confirm again."
            ) % {"part": response.part.label, "now": now_suggested}
        )
    return _record_review(response, current, "", teacher, now or timezone.now())


def _record_review(
    response: Response, score: float, comment: str, teacher, now: datetime, items: tuple[str, ...] = ()
) -> Response:
    if not (response.part.is_free_text or response.unreadable):
        raise DecisionError(
            gettext(
                "Only written answers and answers that could not be read are reviewed; "
                "override this part's score instead."
            )
        )
    previous = response.review_credit
    response.review_score, response.review_comment, response.review_items = score, comment.strip(), list(items)
    response.reviewed_by, response.reviewed_at = teacher, now
    response.save(update_fields=["review_score", "review_comment", "review_items", "reviewed_by", "reviewed_at"])
    ScoreChange.objects.create(
        response=response, kind=ScoreChange.Kind.REVIEW, previous_score=previous, new_score=score,
        reason=response.review_comment, changed_by=teacher, changed_at=now,
    )
    _log(response, AttemptEvent.Kind.REVIEWED, teacher, now, _describe_change(response, previous, score))
    services.recompute_total(response.attempt)
    return response


@dataclass(frozen=True)
class AnswerGroup:
    """Answers to one part that say the same thing: the most typical first, then the others."""

    representative: Response
    members: list[Response]


def group_for_review(responses: list[Response]) -> list[AnswerGroup]:
    """The answers grouped by meaning, largest group first (`grader.group_answers`); answers
    the rubric read differently (other concepts found) are never in one group, so that the
    same items are right for every member. The answers' vectors are those the reading by meaning
    stored; any missing are computed and stored. Raises grader.ModelUnavailable without the model."""
    groups = grader.group_answers(
        [response.text for response in responses],
        [tuple(response.concepts_found) for response in responses],
        vectors=suggestions.answer_vectors(responses),
    )
    return [
        AnswerGroup(responses[group.representative], [responses[index] for index in group.members]) for group in groups
    ]


def confirm_group(
    *, responses: list[Response], score: float, items: tuple[str, ...], comment: str, teacher
) -> list[Response]:
    """Confirm one score, from the items awarded, for every answer of a group; each answer is its
    own decision (locked, logged and totalled as one), so a refusal names the answer it concerns."""
    now = timezone.now()
    return [
        confirm_review(response=response, score=score, comment=comment, teacher=teacher, items=items, now=now)
        for response in responses
    ]


@transaction.atomic
def override_score(*, response: Response, score: float, reason: str, teacher, now: datetime | None = None) -> Response:
    """Set the score that counts for any part, with a reason the student sees."""
    reason = reason.strip()
    if not reason:
        raise DecisionError(gettext("An override needs a reason; the student sees it."))
    response = _lock_response(response)
    score, now = _check_credit(score), now or timezone.now()
    previous = response.final_credit
    response.override_score, response.override_reason, response.override_previous_score = score, reason, previous
    response.overridden_by, response.overridden_at = teacher, now
    response.save(
        update_fields=["override_score", "override_reason", "override_previous_score", "overridden_by", "overridden_at"]
    )
    ScoreChange.objects.create(
        response=response, kind=ScoreChange.Kind.OVERRIDE, previous_score=previous, new_score=score,
        reason=reason, changed_by=teacher, changed_at=now,
    )
    detail = f"{_describe_change(response, previous, score)}. {reason}"
    _log(response, AttemptEvent.Kind.OVERRIDDEN, teacher, now, detail)
    services.recompute_total(response.attempt)
    return response


def _log(response: Response, kind: str, teacher, now: datetime, detail: str) -> None:
    AttemptEvent.objects.create(
        attempt=response.attempt, kind=kind, at=now, part_key=services.part_key(response.part), actor=teacher,
        detail=detail,
    )


@transaction.atomic
def grant_accommodation(
    *, student, quiz: Quiz, extra_minutes: int, extra_attempts: int, reason: str, teacher, now: datetime | None = None
) -> Accommodation:
    """Record (or change) a student's extra time and attempts on a quiz.

    The attempt limit and the time limit read the accommodation when they are needed;
    an attempt already running gets its deadline moved by the change in extra time,
    so a student given time mid-exam sees it on their timer.
    """
    reason = reason.strip()
    if not reason:
        raise DecisionError(gettext("An accommodation needs a reason."))
    previous = Accommodation.objects.select_for_update().filter(student=student, quiz=quiz).first()
    change = extra_minutes - (previous.extra_minutes if previous else 0)
    accommodation, _ = Accommodation.objects.update_or_create(
        student=student, quiz=quiz,
        defaults={"extra_minutes": extra_minutes, "extra_attempts": extra_attempts, "reason": reason,
                  "created_by": teacher},
    )
    running = Attempt.objects.select_for_update().filter(
        student=student, quiz=quiz, state=AttemptState.IN_PROGRESS, deadline__isnull=False
    ).first()
    if running is not None and change:
        running.deadline += timedelta(minutes=change)
        running.save(update_fields=["deadline"])
        AttemptEvent.objects.create(
            attempt=running, kind=AttemptEvent.Kind.ACCOMMODATED, at=now or timezone.now(), actor=teacher,
            detail=f"Deadline moved by {change:+d} min for an accommodation: {reason}",
        )
    return accommodation


def set_standing_accommodation(
    *, student, time_multiplier: Decimal, extra_attempts: int, reason: str, teacher
) -> StandingAccommodation | None:
    """Record (or change) a student's time multiplier and extra attempts on every quiz; ×1 and none removes it.

    Attempts started from now on use it, on every quiz where the student has no accommodation of that quiz's
    own; a running attempt keeps its deadline (an accommodation for its quiz moves it)."""
    if not 1 <= time_multiplier <= StandingAccommodation.MAX_MULTIPLIER:
        raise DecisionError(
            gettext("The time multiplier must lie between 1 and %(most)s.")
            % {"most": StandingAccommodation.MAX_MULTIPLIER}
        )
    if not 0 <= extra_attempts <= StandingAccommodation.MAX_EXTRA_ATTEMPTS:
        raise DecisionError(
            gettext("Extra attempts must lie between 0 and %(most)s.")
            % {"most": StandingAccommodation.MAX_EXTRA_ATTEMPTS}
        )
    if time_multiplier == 1 and not extra_attempts:
        StandingAccommodation.objects.filter(student=student).delete()
        return None
    accommodation, _ = StandingAccommodation.objects.update_or_create(
        student=student,
        defaults={"time_multiplier": time_multiplier, "extra_attempts": extra_attempts, "reason": reason.strip(),
                  "updated_by": teacher},
    )  # fmt: skip
    return accommodation


@transaction.atomic
def reopen_attempt(
    *, attempt: Attempt, minutes: int | None, reason: str, teacher, now: datetime | None = None
) -> Attempt:
    """Let the student continue a submitted attempt for `minutes` more (None: no time limit).

    Confirmed free-text reviews are cleared, with a history entry each, because the
    student may rewrite those answers; overrides stay until a teacher changes them.
    """
    reason = reason.strip()
    if not reason:
        raise DecisionError(gettext("Reopening an attempt needs a reason."))
    attempt = Attempt.objects.select_for_update().select_related("quiz").get(pk=attempt.pk)
    if attempt.is_open:
        raise DecisionError(gettext("This attempt is still in progress."))
    others = Attempt.objects.filter(student_id=attempt.student_id, quiz=attempt.quiz, state=AttemptState.IN_PROGRESS)
    if others.exists():
        raise DecisionError(
            gettext("The student has another attempt in progress at this quiz; it must be submitted first.")
        )
    now = now or timezone.now()
    _clear_reviews(attempt, reason, teacher, now)
    attempt.state, attempt.submitted_at, attempt.auto_submitted = AttemptState.IN_PROGRESS, None, False
    attempt.score = None
    attempt.deadline = now + timedelta(minutes=minutes) if minutes else None
    attempt.save(update_fields=["state", "submitted_at", "auto_submitted", "score", "deadline"])
    until = f"until {_local(attempt.deadline)}" if attempt.deadline else "without a time limit"
    AttemptEvent.objects.create(
        attempt=attempt, kind=AttemptEvent.Kind.REOPENED, at=now, actor=teacher, detail=f"Reopened {until}: {reason}"
    )
    return attempt


def _clear_reviews(attempt: Attempt, reason: str, teacher, now: datetime) -> None:
    reviewed = list(attempt.responses.filter(review_score__isnull=False))
    ScoreChange.objects.bulk_create(
        ScoreChange(
            response=response, kind=ScoreChange.Kind.REVIEW, previous_score=response.review_score, new_score=None,
            reason=f"Cleared when the attempt was reopened: {reason}", changed_by=teacher, changed_at=now,
        )
        for response in reviewed
    )
    attempt.responses.filter(review_score__isnull=False).update(
        review_score=None, review_comment="", review_items=[], reviewed_by=None, reviewed_at=None
    )


def _local(moment: datetime) -> str:
    return f"{timezone.localtime(moment):%Y-%m-%d %H:%M}"
