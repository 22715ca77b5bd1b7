"""The grade that counts for a student on a quiz: the one rule the LMS is told.

Today every quiz counts the highest finished attempt, as the shipped quiz says. A quiz
with its own grading method (latest, average, …) changes `grade_that_counts` and
nothing else: the outbox, the launches and the teacher's pages all read it from here.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from quiz.models import Attempt, AttemptState, Quiz


@dataclass(frozen=True)
class CountingGrade:
    score: Decimal
    maximum: Decimal
    pending_review: bool
    """True while a finished attempt still has written answers awaiting a teacher: the grade may change."""
    attempt: Attempt


def grade_that_counts(student, quiz: Quiz) -> CountingGrade | None:
    """The student's grade for the quiz: the highest-scoring finished attempt (the latest among equals);
    None before any attempt is finished."""
    finished = list(
        Attempt.objects.finished().filter(student=student, quiz=quiz, score__isnull=False).order_by(
            "-score", "-number"
        )
    )
    if not finished:
        return None
    best = finished[0]
    return CountingGrade(
        score=best.score,
        maximum=best.max_score,
        pending_review=any(attempt.state == AttemptState.NEEDS_REVIEW for attempt in finished),
        attempt=best,
    )
