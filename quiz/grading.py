"""The scoring rules that need no database: grading one question's answers, an attempt's total, and
which attempts make a student's grade (the quiz's grading method).

Which credit counts and what it earns are Response.final_credit and Response.points (with
their SQL twins on ResponseQuerySet); this module adds them up. Services and regrading
call it with what they read, and write what it returns.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from django.utils.translation import ngettext

import grader
from quiz.models import Attempt, AttemptState, GradingMethod, Question, Quiz, Response, ResponseStatus

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


def practice_deduction(
    check_penalty: Decimal, wrong_checks: int, hint_penalty: Decimal = Decimal(0), hints_asked: int = 0
) -> Decimal:
    """The share of a part's credit lost to practising it: each wrong check costs the check penalty and
    each hint asked for the hint penalty, never less than nothing nor more than the whole part."""
    return min(Decimal(1), max(Decimal(0), check_penalty * wrong_checks + hint_penalty * hints_asked))


def part_deduction(quiz: Quiz, response: Response) -> Decimal:
    """The share of this response's credit lost to its wrong checks and hints asked for, by the quiz's penalties."""
    return practice_deduction(quiz.check_penalty, response.wrong_checks, quiz.hint_penalty, response.hints_asked)


def credit_after_deduction(credit: float, deduction: Decimal) -> float:
    """The credit left after a deduction: credit × (1 − deduction), exact in decimal (0.1 off 1 is 0.9)."""
    return float(Decimal(str(credit)) * (1 - deduction))


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


@dataclass(frozen=True)
class CountingGrade:
    """A student's grade on a quiz by its grading method, from their finished attempts."""

    method: str
    score: Decimal
    maximum: Decimal
    counted: tuple[Attempt, ...]
    """The attempts the grade is made of: one, or every finished attempt for an average."""
    finished: int
    """How many finished attempts the method chose from."""
    awaiting_review: tuple[int, ...]
    """Numbers of the counted attempts whose written answers still wait for a teacher."""
    pending_review: bool
    """True while a teacher's review could still change the grade."""

    @property
    def attempt(self) -> Attempt | None:
        """The one attempt that counts; None for an average."""
        return self.counted[0] if len(self.counted) == 1 and self.method != GradingMethod.AVERAGE else None

    @property
    def explanation(self) -> str:
        """Which attempt counts and why: “Your grade is the highest of your 2 finished attempts: attempt 2”."""
        finished = self.finished
        if self.attempt is None:
            return ngettext(
                "Your grade is the average of your %(finished)d finished attempt",
                "Your grade is the average of your %(finished)d finished attempts",
                finished,
            ) % {"finished": finished}
        method = GradingMethod(self.method)
        if method == GradingMethod.HIGHEST:
            sentence = ngettext(
                "Your grade is the highest of your %(finished)d finished attempt: attempt %(number)d",
                "Your grade is the highest of your %(finished)d finished attempts: attempt %(number)d",
                finished,
            )
        elif method == GradingMethod.LAST:
            sentence = ngettext(
                "Your grade is the last of your %(finished)d finished attempt: attempt %(number)d",
                "Your grade is the last of your %(finished)d finished attempts: attempt %(number)d",
                finished,
            )
        else:
            sentence = ngettext(
                "Your grade is the first of your %(finished)d finished attempt: attempt %(number)d",
                "Your grade is the first of your %(finished)d finished attempts: attempt %(number)d",
                finished,
            )
        return sentence % {"finished": finished, "number": self.attempt.number}


def _share(attempt: Attempt) -> Fraction:
    """The part of its maximum an attempt scored (0 for an attempt worth nothing), exactly: a third stays a
    third, so that averaging shares and multiplying back rounds as the scores themselves would."""
    return Fraction(attempt.score) / Fraction(attempt.max_score) if attempt.max_score else Fraction(0)


def _decimal(value: Fraction) -> Decimal:
    """An exact fraction as a decimal, exact wherever its decimal ends within Decimal's 28 digits."""
    return Decimal(value.numerator) / Decimal(value.denominator)


def counting_grade(method: str, attempts: Sequence[Attempt]) -> CountingGrade | None:
    """The grade that counts by `method` from one student's finished attempts at a quiz, each with a score
    (AttemptQuerySet.counted); None before any is finished.

    Attempts are compared by the share of their own maximum they scored, so that attempts drawing
    questions of different points from a pool are weighed alike. Highest: the best share, the later
    attempt among equals. Last and first: by attempt number. Average: the mean share of every finished
    attempt, given on their mean maximum and rounded as an attempt's total (with equal maxima, the mean
    score). An attempt still awaiting review counts with its score so far, and the grade is pending while
    a review could change it: any awaiting attempt for highest and average, the counted one for first
    and last."""
    finished = sorted(attempts, key=lambda attempt: attempt.number)
    if not finished:
        return None
    method = GradingMethod(method)
    if method == GradingMethod.AVERAGE:
        counted = finished
        mean_maximum = sum((Fraction(a.max_score) for a in finished), Fraction(0)) / len(finished)
        mean_share = sum((_share(a) for a in finished), Fraction(0)) / len(finished)
        score = _decimal(mean_share * mean_maximum).quantize(SCORE_PLACES)
        maximum = _decimal(mean_maximum).quantize(SCORE_PLACES)
    else:
        if method == GradingMethod.HIGHEST:
            chosen = max(finished, key=lambda attempt: (_share(attempt), attempt.number))
        else:
            chosen = finished[-1] if method == GradingMethod.LAST else finished[0]
        counted, score, maximum = [chosen], chosen.score, chosen.max_score
    awaiting = tuple(a.number for a in counted if a.state == AttemptState.NEEDS_REVIEW)
    could_change = finished if method in (GradingMethod.HIGHEST, GradingMethod.AVERAGE) else counted
    return CountingGrade(
        method=method,
        score=score,
        maximum=maximum,
        counted=tuple(counted),
        finished=len(finished),
        awaiting_review=awaiting,
        pending_review=any(a.state == AttemptState.NEEDS_REVIEW for a in could_change),
    )
