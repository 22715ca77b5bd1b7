"""The scoring rules that need no database: grading one question's answers, and an attempt's total.

Which credit counts and what it earns are Response.final_credit and Response.points (with
their SQL twins on ResponseQuerySet); this module adds them up. Services and regrading
call it with what they read, and write what it returns.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

import grader
from quiz.models import Question, Response, ResponseStatus

logger = logging.getLogger(__name__)

UNGRADABLE_FEEDBACK = "This answer could not be read automatically; your teacher will grade it."
SCORE_PLACES = Decimal("0.001")
"""An attempt's total is rounded to these places, as Attempt.score stores it."""


def grade_answers(
    question: Question, params: dict, specs: list, answers: dict[str, str], *, by_meaning: bool = True
) -> dict:
    """The grader's verdict on each answer to one question (ValueError if its numbers are refused).

    An answer the grader fails on is a fault in the grader, never the student's: it is
    "could not be read" and goes to the teacher, and the rest of the attempt is graded."""
    computation = question.computation(params)
    verdicts = {}
    for spec in specs:
        try:
            verdicts[spec.key] = grader.grade_part(spec, computation, answers.get(spec.key, ""), by_meaning=by_meaning)
        except Exception:  # any fault at all: one answer must never stop a submission
            logger.exception("grading %s%s failed", question.key, spec.key)
            verdicts[spec.key] = grader.Verdict(0.0, ResponseStatus.INVALID, None, UNGRADABLE_FEEDBACK, "")
    return verdicts


@dataclass(frozen=True)
class AttemptTotal:
    score: Decimal
    maximum: Decimal
    awaiting_review: bool
    """True while a part waits for a teacher: a written answer (if the quiz has teachers review them) or
    an answer that could not be read."""


def attempt_total(responses: Iterable[Response], *, review_free_text: bool) -> AttemptTotal:
    """The points that count summed over an attempt's responses (each with its part loaded), and its maximum."""
    responses = list(responses)
    score = sum((r.points for r in responses if r.points is not None), Decimal(0))
    maximum = sum((r.part.points for r in responses), Decimal(0))
    waiting = any(
        r.awaiting_review and (review_free_text or r.unreadable) for r in responses
    )
    return AttemptTotal(score.quantize(SCORE_PLACES), maximum, waiting)
