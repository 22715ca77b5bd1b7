"""Regrading a quiz after its parts changed: every submitted attempt, graded again with its own numbers.

The verdicts are computed exactly as `services.grade_attempt` computes them, but only
what differs is written, so regrading twice changes nothing the second time and a dry
run (which computes the same report and writes nothing) can show every change first.
Overrides live in their own fields and are never touched; a confirmed free-text score is
kept too, unless it was given by rubric items: then it follows the items' points as they
are now (a rubric edit), with the change in the response's history. Regrading one part
(after its rubric was edited) leaves the others' verdicts as they are.

Written answers are suggested from their rubric's phrases, as a submit suggests them: the
request never loads the sentence-embedding model. They are left marked for reading by
meaning (`quiz.suggestions`, the `suggest_written_answers` command).

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
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

import grader
from quiz import grading, services
from quiz.formatting import format_change, format_points, page_point_count, page_points
from quiz.lti import outbox as lms_outbox
from quiz.models import (
    Attempt,
    AttemptEvent,
    AttemptState,
    Part,
    Quiz,
    Response,
    ResponseStatus,
    ScoreChange,
    earned_points,
)
from quiz.statistics import quiz_parts

CHUNK_SIZE = 500
VERDICT_FIELDS = [name for name in services.GRADED_FIELDS if name != "graded_at"]
SAVED_FIELDS = [*services.GRADED_FIELDS, "review_score"]


@dataclass(frozen=True)
class PartChange:
    """One response whose stored verdict changed; `kept` when an override or an unchanged review still
    decides its score. `old_review` and `new_review` differ when a review by rubric items follows new
    item points; `by_meaning_later` when the new suggestion is read by meaning after the regrade."""

    response_id: int
    label: str
    part_points: Decimal
    old_score: float | None
    new_score: float | None
    old_status: str
    new_status: str
    kept: bool
    old_review: float | None = None
    new_review: float | None = None
    by_meaning_later: bool = False

    @property
    def score_changed(self) -> bool:
        return not _same(self.old_score, self.new_score)

    @property
    def review_changed(self) -> bool:
        return not _same(self.old_review, self.new_review)

    @property
    def suggestion_change(self) -> str:
        """“0.5 → 1 of 2 points”: the computed score (a written answer's suggestion) before and after."""
        return self._change(self.old_score, self.new_score)

    @property
    def review_change(self) -> str:
        """The same for the teacher's score by rubric items."""
        return self._change(self.old_review, self.new_review)

    def _change(self, old: float | None, new: float | None) -> str:
        def points(credit: float | None) -> str:
            return "—" if credit is None else page_points(earned_points(credit, self.part_points))

        return _("%(old)s → %(new)s of %(points)s") % {
            "old": points(old), "new": points(new), "points": page_point_count(self.part_points)
        }

    def __str__(self) -> str:
        line = f"{self.label} {self.old_status_label} → {self.new_status_label}"
        if self.score_changed:
            line += f", computed {self.suggestion_change}"
        if self.review_changed:
            line += f", teacher's score by rubric items {self.review_change}"
        elif self.kept:
            line += " (score kept: set by a teacher)"
        return line

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
        parts = "; ".join(str(part) for part in self.parts)
        totals = f"{_fmt(self.old_total)} → {_fmt(self.new_total)} ({format_change(self.delta)})"
        line = f"{self.username} #{self.number}: {totals}"
        return f"{line}; {parts}" if parts else line


@dataclass
class RegradeReport:
    quiz: Quiz
    dry_run: bool
    part: Part | None = None
    """The one part regraded, or None for all of them."""
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

    @property
    def reviews_changed(self) -> int:
        """Teachers' scores by rubric items that follow the items' new points."""
        return sum(part.review_changed for change in self.changes for part in change.parts)

    def summary(self) -> str:
        values = {"attempts": self.attempts, "changed": self.parts_changed}
        if self.part is None:
            line = ngettext("regraded %(attempts)s attempts; %(changed)s parts changed",
                            "regraded %(attempts)s attempts; %(changed)s parts changed", self.attempts) % values
        else:
            line = ngettext("regraded %(part)s in %(attempts)s attempts; %(changed)s answers changed",
                            "regraded %(part)s in %(attempts)s attempts; %(changed)s answers changed",
                            self.attempts) % {**values, "part": self.part.label}
        return _("dry run: %(summary)s; nothing saved") % {"summary": line} if self.dry_run else line


def regrade_quiz(
    *, quiz: Quiz, dry_run: bool = False, actor=None, now: datetime | None = None, part: Part | None = None
) -> RegradeReport:
    """Grade every submitted attempt again (only `part` of each, if given); overdue attempts are
    closed (and graded) first.

    A dry run closes nothing and writes nothing: it reports what a real run would change.
    """
    now = now or timezone.now()
    report = RegradeReport(quiz=quiz, dry_run=dry_run, part=part)
    if dry_run:
        running = Attempt.objects.filter(quiz=quiz, state=AttemptState.IN_PROGRESS, deadline__isnull=False)
        report.overdue = sum(attempt.is_overdue(now) for attempt in running)
    else:
        report.overdue = services.close_overdue_attempts(quiz=quiz, now=now)
    parts = {part.id: part for part in quiz_parts(quiz)}
    specs = {part_id: part.spec() for part_id, part in parts.items()}
    if part is not None:
        specs = {part.id: specs[part.id]}
    ids = list(
        Attempt.objects.finished().filter(quiz=quiz).order_by("id").values_list("id", flat=True)
    )
    for start in range(0, len(ids), CHUNK_SIZE):
        _regrade_chunk(ids[start : start + CHUNK_SIZE], report, parts, specs, actor=actor, now=now)
    return report


@dataclass
class _Pending:
    """An attempt found changed: its total before, the changes a teacher is shown, the responses to
    save (those whose score did not change too: a suggestion's explanation), and the total and state
    it gets now."""

    attempt: Attempt
    old_total: Decimal | None
    parts: list[PartChange]
    responses: list[Response]
    total: Decimal
    max_score: Decimal
    state: str

    @property
    def shown(self) -> bool:
        """Whether a teacher sees it: a part's score or status changed, or the total (read before saving)."""
        stored = (self.attempt.score, self.attempt.max_score, self.attempt.state)
        return bool(self.parts) or (self.total, self.max_score, self.state) != stored


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
        if updated or (total, maximum, state) != (attempt.score, attempt.max_score, attempt.state):
            pending.append(_Pending(attempt, attempt.score, part_changes, updated, total, maximum, state))
    pending_shown = [item for item in pending if item.shown]
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
        for item in pending_shown
    )


def _regrade_attempt(
    attempt: Attempt, responses: list[Response], specs: dict, errors: Counter, now: datetime
) -> tuple[list[PartChange], list[Response]]:
    """Apply fresh verdicts to the responses in memory (of the parts in `specs`); returns what changed
    and the responses to save.

    A question the grader cannot grade any more (numbers its calculator now refuses)
    keeps its stored verdicts and is reported.
    """
    by_question = defaultdict(list)
    for response in responses:
        if response.part_id in specs:
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
                by_meaning=False,
            )
        except ValueError as error:
            errors[f"{question.key}: {error}"] += 1
            continue
        for response in group:
            before, review_before = _verdict(response), response.review_score
            services.apply_verdict(response, verdicts[response.part.key], quiz=attempt.quiz, now=now)
            _rescore_review(response, specs[response.part_id])
            if _verdict(response) == before and _same(review_before, response.review_score):
                continue
            updated.append(response)
            change = _part_change(response, before, review_before)
            if change.score_changed or change.review_changed or change.old_status != change.new_status:
                part_changes.append(change)
    return part_changes, updated


def _rescore_review(response: Response, spec: grader.PartSpec) -> None:
    """A teacher's score given by rubric items follows the items' points as the rubric has them now."""
    if response.review_score is None or not response.review_items or not response.part.is_free_text:
        return
    response.review_score = grader.score_items(spec.rubric, response.review_items)


def _verdict(response: Response) -> tuple:
    """The stored verdict, with the score rounded so that float noise never counts as a change."""
    values = [getattr(response, name) for name in VERDICT_FIELDS]
    values[0] = None if response.score is None else round(response.score, 9)
    return tuple(tuple(value) if isinstance(value, list) else value for value in values)


def _part_change(response: Response, before: tuple, review_before: float | None) -> PartChange:
    review_kept = response.review_score is not None and _same(review_before, response.review_score)
    return PartChange(
        response_id=response.pk,
        label=response.part.label,
        part_points=response.part.points,
        old_score=before[0],
        new_score=response.score,
        old_status=before[1],
        new_status=response.status,
        kept=response.override_score is not None or review_kept,
        old_review=review_before,
        new_review=response.review_score,
        by_meaning_later=response.meaning_pending,
    )


def _save(pending: list[_Pending], actor, now: datetime) -> None:
    """Write the changed verdicts, their history, the attempts' new totals and a line in each attempt's log."""
    _update_grouped(Response, [response for item in pending for response in item.responses], SAVED_FIELDS)
    ScoreChange.objects.bulk_create(
        [change for item in pending for part in item.parts for change in _history(part, actor, now)],
        batch_size=CHUNK_SIZE,
    )
    shown = [item for item in pending if item.shown]
    for item in pending:
        item.attempt.score, item.attempt.max_score, item.attempt.state = item.total, item.max_score, item.state
    _update_grouped(Attempt, [item.attempt for item in pending], ["score", "max_score", "state"])
    events = [
        AttemptEvent(attempt=item.attempt, kind=AttemptEvent.Kind.REGRADED, at=now, actor=actor, detail=_detail(item))
        for item in shown
    ]
    AttemptEvent.objects.bulk_create(events, batch_size=CHUNK_SIZE)
    lms_outbox.queue_scores(item.attempt for item in shown)


def _history(part: PartChange, actor, now: datetime) -> list[ScoreChange]:
    """The response's history lines: the computed score's change, and the teacher's score by items."""
    lines = []
    if part.score_changed:
        lines.append(ScoreChange(
            response_id=part.response_id, kind=ScoreChange.Kind.REGRADE, previous_score=part.old_score,
            new_score=part.new_score, reason=f"Regraded: {part.old_status_label} → {part.new_status_label}",
            changed_by=actor, changed_at=now,
        ))  # fmt: skip
    if part.review_changed:
        lines.append(ScoreChange(
            response_id=part.response_id, kind=ScoreChange.Kind.REVIEW, previous_score=part.old_review,
            new_score=part.new_review, reason="Regraded: the rubric items awarded are worth other points now",
            changed_by=actor, changed_at=now,
        ))  # fmt: skip
    return lines


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
