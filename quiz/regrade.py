"""Regrading a quiz after its parts changed: every submitted attempt, graded again with its own numbers.

The verdicts are computed exactly as `services.grade_attempt` computes them, but only
what differs is written, so regrading twice changes nothing the second time and a dry
run (which computes the same report and writes nothing) can show every change first.
Overrides and confirmed free-text scores live in their own fields and are never touched.

Attempts are processed in chunks, each in its own transaction under row locks on its
attempts (the lock teachers' reviews and overrides take), so a large class neither sits
in memory at once nor blocks grading for the whole run; an interrupted run is finished
by running it again.
"""

from __future__ import annotations

import json
import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from quiz import grading, services
from quiz.formatting import format_change, format_points
from quiz.lti import outbox as lms_outbox
from quiz.models import Attempt, AttemptEvent, AttemptState, Quiz, Response, ResponseStatus, ScoreChange
from quiz.statistics import quiz_parts

CHUNK_SIZE = 500
VERDICT_FIELDS = [name for name in services.GRADED_FIELDS if name != "graded_at"]


@dataclass(frozen=True)
class PartChange:
    """One response whose stored verdict changed; `kept` when an override or review still decides its score."""

    label: str
    old_score: float | None
    new_score: float | None
    old_status: str
    new_status: str
    kept: bool

    @property
    def score_changed(self) -> bool:
        return not _same(self.old_score, self.new_score)

    @property
    def old_status_label(self) -> str:
        return ResponseStatus(self.old_status).label

    @property
    def new_status_label(self) -> str:
        return ResponseStatus(self.new_status).label


@dataclass
class AttemptChange:
    attempt_id: int
    username: str
    name: str
    number: int
    old_total: Decimal | None
    new_total: Decimal | None
    max_score: Decimal
    parts: list[PartChange]

    @property
    def delta(self) -> Decimal:
        return (self.new_total or Decimal(0)) - (self.old_total or Decimal(0))

    def __str__(self) -> str:
        parts = "; ".join(
            f"{part.label} {part.old_status_label} → {part.new_status_label}"
            f"{' (score kept: set by a teacher)' if part.kept else ''}"
            for part in self.parts
        )
        totals = f"{_fmt(self.old_total)} → {_fmt(self.new_total)} ({format_change(self.delta)})"
        line = f"{self.username} #{self.number}: {totals}"
        return f"{line}; {parts}" if parts else line


@dataclass
class RegradeReport:
    quiz: Quiz
    dry_run: bool
    attempts: int = 0
    overdue: int = 0
    changes: list[AttemptChange] = field(default_factory=list)
    errors: Counter = field(default_factory=Counter)

    @property
    def parts_changed(self) -> int:
        return sum(len(change.parts) for change in self.changes)

    @property
    def attempts_changed(self) -> int:
        return len(self.changes)

    @property
    def points_changed(self) -> Decimal:
        return sum((change.delta for change in self.changes), Decimal(0))

    def summary(self) -> str:
        line = f"regraded {self.attempts} attempts; {self.parts_changed} parts changed"
        return f"dry run: {line}; nothing saved" if self.dry_run else line


def regrade_quiz(*, quiz: Quiz, dry_run: bool = False, actor=None, now: datetime | None = None) -> RegradeReport:
    """Grade every submitted attempt again; overdue attempts are closed (and graded) first.

    A dry run closes nothing and writes nothing: it reports what a real run would change.
    """
    now = now or timezone.now()
    report = RegradeReport(quiz=quiz, dry_run=dry_run)
    if dry_run:
        running = Attempt.objects.filter(quiz=quiz, state=AttemptState.IN_PROGRESS, deadline__isnull=False)
        report.overdue = sum(attempt.is_overdue(now) for attempt in running)
    else:
        report.overdue = services.close_overdue_attempts(quiz=quiz, now=now)
    parts = {part.id: part for part in quiz_parts(quiz)}
    specs = {part_id: part.spec() for part_id, part in parts.items()}
    ids = list(
        Attempt.objects.finished().filter(quiz=quiz).order_by("id").values_list("id", flat=True)
    )
    for start in range(0, len(ids), CHUNK_SIZE):
        _regrade_chunk(ids[start : start + CHUNK_SIZE], report, parts, specs, actor=actor, now=now)
    return report


@dataclass
class _Pending:
    """An attempt found changed: its total before, and the verdicts, total and state it gets now."""

    attempt: Attempt
    old_total: Decimal | None
    parts: list[PartChange]
    responses: list[Response]
    total: Decimal
    max_score: Decimal
    state: str


@transaction.atomic
def _regrade_chunk(ids: list[int], report: RegradeReport, parts: dict, specs: dict, *, actor, now: datetime) -> None:
    quiz = report.quiz
    attempts = Attempt.objects.finished().filter(id__in=ids).select_related("student").order_by("id")
    if not report.dry_run:
        attempts = attempts.select_for_update(of=("self",))
    attempts = list(attempts)
    responses = defaultdict(list)
    for response in Response.objects.filter(attempt__in=attempts).order_by():
        response.part = parts[response.part_id]
        responses[response.attempt_id].append(response)
    pending = []
    for attempt in attempts:
        attempt.quiz = quiz
        report.attempts += 1
        part_changes, updated = _regrade_attempt(attempt, responses[attempt.id], specs, report.errors, now)
        # From the responses in memory: calling services.recompute_total for each changed attempt would
        # read every response again (10,000 attempts whose points all changed).
        expected = grading.attempt_total(responses[attempt.id], review_free_text=quiz.review_free_text)
        total, maximum = expected.score, expected.maximum
        state = AttemptState.NEEDS_REVIEW if expected.awaiting_review else AttemptState.GRADED
        if part_changes or (total, maximum, state) != (attempt.score, attempt.max_score, attempt.state):
            pending.append(_Pending(attempt, attempt.score, part_changes, updated, total, maximum, state))
    if not report.dry_run and pending:
        _save(pending, actor, now)
    report.changes.extend(
        AttemptChange(
            attempt_id=item.attempt.id,
            username=item.attempt.student.username,
            name=item.attempt.student.get_full_name(),
            number=item.attempt.number,
            old_total=item.old_total,
            new_total=item.total,
            max_score=item.max_score,
            parts=item.parts,
        )
        for item in pending
    )


def _regrade_attempt(
    attempt: Attempt, responses: list[Response], specs: dict, errors: Counter, now: datetime
) -> tuple[list[PartChange], list[Response]]:
    """Apply fresh verdicts to the responses in memory; returns what changed and the responses to save.

    A question the grader cannot grade any more (numbers its calculator now refuses)
    keeps its stored verdicts and is reported.
    """
    by_question = defaultdict(list)
    for response in responses:
        by_question[response.part.question_id].append(response)
    part_changes, updated = [], []
    for group in by_question.values():
        question = group[0].part.question
        params = attempt.params.get(question.key, question.params)
        try:
            verdicts = grading.grade_answers(
                question,
                params,
                [specs[response.part_id] for response in group],
                {response.part.key: response.text for response in group},
            )
        except ValueError as error:
            errors[f"{question.key}: {error}"] += 1
            continue
        for response in group:
            before = _verdict(response)
            services.apply_verdict(response, verdicts[response.part.key], review=attempt.quiz.review_free_text, now=now)
            if _verdict(response) != before:
                updated.append(response)
                part_changes.append(_part_change(response, before))
    return part_changes, updated


def _verdict(response: Response) -> tuple:
    """The stored verdict, with the score rounded so that float noise never counts as a change."""
    values = [getattr(response, name) for name in VERDICT_FIELDS]
    values[0] = None if response.score is None else round(response.score, 9)
    return tuple(tuple(value) if isinstance(value, list) else value for value in values)


def _part_change(response: Response, before: tuple) -> PartChange:
    return PartChange(
        label=response.part.label,
        old_score=before[0],
        new_score=response.score,
        old_status=before[1],
        new_status=response.status,
        kept=response.override_score is not None or response.review_score is not None,
    )


def _save(pending: list[_Pending], actor, now: datetime) -> None:
    """Write the changed verdicts, their history, the attempts' new totals and a line in each attempt's log."""
    _update_grouped(Response, [response for item in pending for response in item.responses], services.GRADED_FIELDS)
    ScoreChange.objects.bulk_create(
        [
            ScoreChange(
                response=response, kind=ScoreChange.Kind.REGRADE, previous_score=part.old_score,
                new_score=part.new_score, reason=f"Regraded: {part.old_status_label} → {part.new_status_label}",
                changed_by=actor, changed_at=now,
            )
            for item in pending
            for response, part in zip(item.responses, item.parts, strict=True)
            if part.score_changed
        ],
        batch_size=CHUNK_SIZE,
    )
    for item in pending:
        item.attempt.score, item.attempt.max_score, item.attempt.state = item.total, item.max_score, item.state
    _update_grouped(Attempt, [item.attempt for item in pending], ["score", "max_score", "state"])
    events = [
        AttemptEvent(attempt=item.attempt, kind=AttemptEvent.Kind.REGRADED, at=now, actor=actor, detail=_detail(item))
        for item in pending
    ]
    AttemptEvent.objects.bulk_create(events, batch_size=CHUNK_SIZE)
    lms_outbox.queue_scores(item.attempt for item in pending)


def _update_grouped(model, objects: list, fields: list[str]) -> None:
    """Save `fields` of `objects` with one UPDATE per distinct set of values.

    A regrade gives most changed responses one of a few verdicts (everyone who forgot the
    biases gets the same one), so this is a handful of plain UPDATEs where `bulk_update`
    would build a CASE expression per field and object.
    """
    groups = defaultdict(list)
    for obj in objects:
        key = tuple(json.dumps(value) if isinstance(value, list) else value for value in _values(obj, fields))
        groups[key].append(obj)
    for members in groups.values():
        values = dict(zip(fields, _values(members[0], fields), strict=True))
        ids = [obj.pk for obj in members]
        for start in range(0, len(ids), CHUNK_SIZE):
            model.objects.filter(pk__in=ids[start : start + CHUNK_SIZE]).update(**values)


def _values(obj, fields: list[str]) -> list:
    return [getattr(obj, name) for name in fields]


def _detail(item: _Pending) -> str:
    count = len(item.parts)
    return (
        f"{count} part{'s' if count != 1 else ''} changed; "
        f"total {_fmt(item.old_total)} → {_fmt(item.total)} of {_fmt(item.max_score)}"
    )


def _same(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is b
    return math.isclose(a, b, abs_tol=1e-9)


def _fmt(value: Decimal | None) -> str:
    return "—" if value is None else format_points(value)
