"""Grades to the LMS: stored with the change that made them, sent after it commits, retried until they arrive.

`queue_scores` is the one hook the rest of ConvQuiz calls, wherever an attempt's total
changes (submit, review, override, regrade); `queue_quiz_scores` where the quiz's grading
method changes (the admin, a bank load). For a student who came through a link that
takes grades, it writes the grade that counts (`grades.grade_that_counts`) as a pending
row in the caller's transaction, unless the LMS already has or is about to get that very
grade. After the commit the row is sent (in a thread, or in the request with
LTI_SEND_IN_BACKGROUND off); a failure waits a growing delay, and `send_lti_scores --due`
(every minute) sends it again. A row is claimed by one conditional UPDATE before its request
goes out, so two senders never send it twice; only the newest row of a target is sent.
"""

from __future__ import annotations

import logging
import threading
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial

import requests
from django.conf import settings
from django.db import connections, transaction
from django.db.models import F, Q
from django.utils import timezone
from pylti1p3.assignments_grades import AssignmentsGradesService
from pylti1p3.exception import LtiException
from pylti1p3.grade import Grade

from quiz.lti.grades import grade_that_counts
from quiz.lti.models import OutgoingScore, ScoreTarget
from quiz.lti.tool import service_connector
from quiz.models import Attempt

logger = logging.getLogger(__name__)

COMPLETED = "Completed"
FULLY_GRADED, PENDING_MANUAL = "FullyGraded", "PendingManual"
FIRST_DELAY = timedelta(minutes=1)
LONGEST_DELAY = timedelta(hours=6)
Status = OutgoingScore.Status


def queue_scores(attempts: Iterable[Attempt]) -> None:
    """Queue the grade that counts for every LMS student among these attempts' students (one query when none is)."""
    students = defaultdict(set)
    for attempt in attempts:
        students[attempt.quiz_id].add(attempt.student_id)
    for quiz_id, student_ids in students.items():
        targets = ScoreTarget.objects.filter(link__quiz_id=quiz_id, student_id__in=student_ids).select_related("link")
        for target in targets:
            queue_scores_for(target)


def queue_quiz_scores(quiz) -> None:
    """Queue the grade that counts for every LMS student of the quiz: after its grading method
    changed, that grade may come from another attempt, though no attempt changed."""
    for target in ScoreTarget.objects.filter(link__quiz=quiz).select_related("link"):
        queue_scores_for(target)


def queue_scores_for(target: ScoreTarget, now: datetime | None = None) -> OutgoingScore | None:
    """Write the target's grade as a pending row, unless the LMS has, or is getting, that grade already."""
    if not target.link.takes_scores:
        return None
    now = now or timezone.now()
    with transaction.atomic():
        # One writer per target at a time, so two reviews of one student cannot both queue.
        ScoreTarget.objects.select_for_update().filter(pk=target.pk).first()
        grade = grade_that_counts(target.student_id, target.link.quiz)
        if grade is None:
            return None
        progress = PENDING_MANUAL if grade.pending_review else FULLY_GRADED
        state = (grade.score, grade.maximum, COMPLETED, progress)
        rows = target.scores.exclude(status=Status.SUPERSEDED)
        pending = rows.filter(status=Status.PENDING).first()
        if pending is not None and pending.state == state:
            return None
        rows.filter(status=Status.PENDING).update(status=Status.SUPERSEDED)
        delivered = rows.filter(status__in=(Status.SENT, Status.SENDING)).first()
        if delivered is not None and delivered.state == state:
            return None
        latest = target.scores.order_by("-timestamp").values_list("timestamp", flat=True).first()
        # The LMS keeps the score with the latest timestamp: each new state must be later than the last.
        timestamp = now if latest is None or now > latest else latest + timedelta(milliseconds=1)
        row = OutgoingScore.objects.create(
            target=target, attempt=grade.attempt, score_given=grade.score, score_maximum=grade.maximum,
            activity_progress=COMPLETED, grading_progress=progress, timestamp=timestamp, next_try_at=now,
        )
        transaction.on_commit(partial(send_after_commit, [row.pk]), robust=True)
        return row


def send_after_commit(ids: list[int]) -> None:
    if settings.LTI_SEND_IN_BACKGROUND:
        threading.Thread(target=_send_in_thread, args=(ids,), daemon=True, name="lti-scores").start()
    else:
        send_scores(ids=ids)


def _send_in_thread(ids: list[int]) -> None:
    try:
        send_scores(ids=ids)
    finally:
        connections.close_all()


@dataclass
class SendReport:
    sent: int = 0
    failed: int = 0
    superseded: int = 0

    def __str__(self) -> str:
        return f"{self.sent} scores sent, {self.failed} failed (will be retried), {self.superseded} superseded"


def send_scores(*, ids: list[int] | None = None, due_only: bool = False, now: datetime | None = None) -> SendReport:
    """Send pending scores (these ids, or all; with `due_only`, those whose retry delay has passed)."""
    now = now or timezone.now()
    waiting = Q(status=Status.PENDING) | Q(status=Status.SENDING, claimed_until__lt=now)
    rows = OutgoingScore.objects.filter(waiting)
    if ids is not None:
        rows = rows.filter(pk__in=ids)
    if due_only:
        rows = rows.filter(Q(next_try_at__lte=now) | Q(status=Status.SENDING))
    report, connectors = SendReport(), {}
    for pk in rows.order_by("id").values_list("pk", flat=True):
        outcome = _send_one(pk, waiting, connectors, now)
        if outcome is not None:
            setattr(report, outcome, getattr(report, outcome) + 1)
    return report


def _send_one(pk: int, waiting: Q, connectors: dict, now: datetime) -> str | None:
    # The claim: of two senders, the one whose UPDATE finds the row still waiting sends it.
    lease = timedelta(seconds=3 * settings.LTI_HTTP_TIMEOUT + 30)
    claimed = OutgoingScore.objects.filter(waiting, pk=pk).update(
        status=Status.SENDING, claimed_until=now + lease, last_tried_at=now, tries=F("tries") + 1
    )
    if not claimed:
        return None
    row = OutgoingScore.objects.select_related(
        "target__link__resource_link__context__deployment__registration"
    ).get(pk=pk)
    if _newer_exists(row):
        OutgoingScore.objects.filter(pk=pk).update(status=Status.SUPERSEDED, claimed_until=None)
        return "superseded"
    try:
        _post(row, connectors)
    except (LtiException, requests.RequestException, ValueError, KeyError) as error:
        logger.warning("Score %s for %s not sent: %s", pk, row.target, error)
        status = Status.SUPERSEDED if _newer_exists(row) else Status.PENDING
        OutgoingScore.objects.filter(pk=pk).update(
            status=status, claimed_until=None, last_error=str(error)[:1000],
            next_try_at=timezone.now() + retry_delay(row.tries),
        )
        return "failed"
    OutgoingScore.objects.filter(pk=pk).update(
        status=Status.SENT, claimed_until=None, sent_at=timezone.now(), last_error=""
    )
    return "sent"


def retry_delay(tries: int) -> timedelta:
    """1, 2, 4, 8 … minutes after each failed try, at most six hours."""
    return min(FIRST_DELAY * 2 ** max(tries - 1, 0), LONGEST_DELAY)


def _newer_exists(row: OutgoingScore) -> bool:
    return OutgoingScore.objects.filter(target_id=row.target_id, pk__gt=row.pk).exclude(
        status=Status.SUPERSEDED
    ).exists()


def _post(row: OutgoingScore, connectors: dict) -> None:
    """POST the score to {lineitem}/scores, with an access token the connector gets once per platform."""
    link = row.target.link
    registration = link.resource_link.context.deployment.registration
    if registration.pk not in connectors:
        connectors[registration.pk] = service_connector(registration)
    grade = (
        Grade()
        .set_user_id(row.target.lti_user_id)
        .set_score_given(float(row.score_given))
        .set_score_maximum(float(row.score_maximum))
        .set_activity_progress(row.activity_progress)
        .set_grading_progress(row.grading_progress)
        .set_timestamp(row.timestamp.isoformat(timespec="milliseconds"))
    )
    endpoint = {"scope": link.scopes, "lineitem": link.lineitem_url}
    AssignmentsGradesService(connectors[registration.pk], endpoint).put_grade(grade)
