"""Reading written answers by meaning after they are submitted, outside the student's request.

Submitting suggests a written answer's score from its rubric's phrases alone
(`services.grade_attempt`), so no submit waits for the sentence-embedding model (seconds to
load, 20-odd milliseconds an answer). The answers are then read again by meaning here: by
`manage.py suggest_written_answers` (from cron), and whenever a teacher opens an answer, an
attempt or a review queue. Only the suggestion (the computed score and its explanation)
changes; a teacher's confirmed score and an override live in their own fields and are never
touched. Where the model cannot be loaded the phrase-only suggestion stays, flagged, and is
read again on the next run. Each answer read also gets its embedding as grouping compares
answers (`AnswerEmbedding`), so the groups page reads vectors instead of running the model.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

import grader
from quiz import grading, services
from quiz.models import AnswerEmbedding, Attempt, AttemptState, Quiz, Response


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
    now, totals_change, upgraded = timezone.now(), False, []
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
        services.apply_verdict(response, verdict, quiz=attempt.quiz, now=now)
        response.save(update_fields=services.GRADED_FIELDS)
        upgraded.append(response)
        report.upgraded += 1
        if suggested_before is None or not math.isclose(suggested_before, response.score, abs_tol=1e-9):
            report.changed += 1
            totals_change = True
    if upgraded:
        answer_vectors(upgraded)
    if totals_change:
        services.recompute_total(attempt)


def answer_vectors(responses: Sequence[Response]) -> np.ndarray:
    """Each answer's vector as grouping compares answers (`grader.answer_vectors`), one row per
    response: those stored for the same text are read (one query), the others computed in one
    batch and stored. Raises grader.ModelUnavailable if some must be computed without the model."""
    digests = [AnswerEmbedding.digest_of(response.text) for response in responses]
    stored = {
        embedding.response_id: embedding
        for embedding in AnswerEmbedding.objects.filter(response__in=[response.pk for response in responses])
    }
    vectors: list[np.ndarray | None] = []
    for response, digest in zip(responses, digests, strict=True):
        embedding = stored.get(response.pk)
        same_text = embedding is not None and embedding.digest == digest
        vectors.append(grader.vector_from_bytes(embedding.vector) if same_text else None)
    missing = [index for index, vector in enumerate(vectors) if vector is None]
    if missing:
        computed = grader.answer_vectors([responses[index].text for index in missing])
        for index, vector in zip(missing, computed, strict=True):
            vectors[index] = vector
        AnswerEmbedding.objects.bulk_create(
            [
                AnswerEmbedding(response=responses[index], digest=digests[index], vector=grader.vector_bytes(vector))
                for index, vector in zip(missing, computed, strict=True)
            ],
            update_conflicts=True, unique_fields=["response"], update_fields=["digest", "vector"], batch_size=500,
        )  # fmt: skip
    return np.vstack(vectors) if vectors else np.zeros((0, 0), dtype=np.float32)
