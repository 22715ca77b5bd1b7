"""Reading written answers by meaning after they are submitted, outside the student's request.

Submitting suggests a written answer's score from its rubric's phrases alone
(`services.grade_attempt`), so no submit waits for the sentence-embedding model (seconds to
load, 20-odd milliseconds an answer). The answers are then read again by meaning here: by
`manage.py suggest_written_answers` (from cron), and whenever a teacher opens an answer, an
attempt or a review queue. Only the suggestion (the computed score and its explanation)
changes; a teacher's confirmed score and an override live in their own fields and are never
touched. Where the model cannot be loaded the phrase-only suggestion stays, flagged, and is
read again on the next run.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

import grader
from quiz import grading, services
from quiz.models import Attempt, AttemptState, Quiz, Response


@dataclass
class UpgradeReport:
    """What one run of reading answers by meaning did."""

    upgraded: int = 0
    """Suggestions now read by meaning."""
    changed: int = 0
    """Of those, how many got another score than their phrases gave."""
    model_unavailable: bool = False
    """The model could not be loaded: the run stopped, the rest keep their phrase-only suggestion."""


def pending_suggestions(*, quiz: Quiz | None = None, attempt: Attempt | None = None) -> QuerySet[Response]:
    """Submitted written answers whose suggestion was read by phrases only, oldest first."""
    responses = Response.objects.filter(meaning_pending=True).exclude(attempt__state=AttemptState.IN_PROGRESS)
    if quiz is not None:
        responses = responses.filter(attempt__quiz=quiz)
    if attempt is not None:
        responses = responses.filter(attempt=attempt)
    return responses.order_by("pk")


def upgrade_suggestions(responses: QuerySet[Response], *, limit: int | None = None) -> UpgradeReport:
    """Read the given answers (at most `limit`) by meaning and store the new suggestions.

    Each attempt is handled in its own short transaction under its row lock (the lock a
    submit, a review or a regrade takes), and its total recomputed if a score changed.
    """
    by_attempt: dict[int, list[int]] = defaultdict(list)
    for response_id, attempt_id in responses.values_list("pk", "attempt_id")[:limit]:
        by_attempt[attempt_id].append(response_id)
    report = UpgradeReport()
    for attempt_id, response_ids in by_attempt.items():
        _upgrade_attempt(attempt_id, response_ids, report)
        if report.model_unavailable:
            break
    return report


@transaction.atomic
def _upgrade_attempt(attempt_id: int, response_ids: list[int], report: UpgradeReport) -> None:
    attempt = Attempt.objects.select_for_update().select_related("quiz").get(pk=attempt_id)
    if attempt.is_open:  # reopened meanwhile: the answers may change, the next submit grades them
        return
    # Read again under the lock: another run, or a teacher's page, may have upgraded some already.
    responses = attempt.responses.filter(pk__in=response_ids, meaning_pending=True).select_related("part__question")
    now, totals_change = timezone.now(), False
    for response in responses:
        question = response.part.question
        verdict = grading.grade_answers(
            question,
            attempt.params.get(question.key, question.params),
            [response.part.spec()],
            {response.part.key: response.text},
        )[response.part.key]
        if grader.FLAG_PHRASES_ONLY in verdict.flags:
            report.model_unavailable = True
            break
        suggested_before = response.score
        services.apply_verdict(response, verdict, review=attempt.quiz.review_free_text, now=now)
        response.save(update_fields=services.GRADED_FIELDS)
        report.upgraded += 1
        if suggested_before is None or not math.isclose(suggested_before, response.score, abs_tol=1e-9):
            report.changed += 1
            totals_change = True
    if totals_change:
        services.recompute_total(attempt)
