"""Teacher reports on a quiz: item statistics, CSV exports, and regrading after a part changed.

Each page's quiz lookup first closes overdue attempts, so what it shows counts every
attempt whose time is up. The exports stream: a large class is never held in memory.
"""

from __future__ import annotations

from collections.abc import Iterator

from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from quiz import exports, lookups
from quiz.models import Quiz
from quiz.regrade import regrade_quiz
from quiz.roles import teacher_required
from quiz.statistics import quiz_statistics

SHOWN_CHANGES = 500


@require_GET
@teacher_required
def statistics(request: HttpRequest, quiz_id: int) -> HttpResponse:
    """Facility, discrimination, statuses, known mistakes and common wrong answers of every part."""
    quiz = lookups.teacher_quiz(quiz_id)
    context = {"quiz": quiz, "stats": quiz_statistics(quiz), "tab": "statistics"}
    return render(request, "teacher/reports/statistics.html", context)


@require_http_methods(["GET", "POST"])
@teacher_required
def regrade(request: HttpRequest, quiz_id: int) -> HttpResponse:
    """GET shows what regrading would change (a dry run); POST regrades and shows what changed."""
    quiz = lookups.teacher_quiz_settings(quiz_id)
    dry_run = request.method == "GET"
    report = regrade_quiz(quiz=quiz, dry_run=dry_run, actor=request.user)
    context = {"quiz": quiz, "report": report, "changes": report.changes[:SHOWN_CHANGES], "tab": "statistics"}
    return render(request, "teacher/reports/regrade.html", context)


@require_http_methods(["GET", "POST"])
@teacher_required
def regrade_part(request: HttpRequest, part_id: int) -> HttpResponse:
    """Regrading one part, after its rubric (or its answer) was edited: GET shows what would change, POST regrades."""
    part = lookups.teacher_part_settings(part_id)
    quiz = part.question.quiz
    dry_run = request.method == "GET"
    report = regrade_quiz(quiz=quiz, part=part, dry_run=dry_run, actor=request.user)
    context = {"quiz": quiz, "report": report, "changes": report.changes[:SHOWN_CHANGES], "tab": "statistics"}
    return render(request, "teacher/reports/regrade.html", context)


def _csv_response(rows: Iterator[list], quiz: Quiz, kind: str) -> StreamingHttpResponse:
    """The rows as a streamed CSV download, with the byte-order mark Excel on Windows needs to read UTF-8."""
    filename = f"{quiz.key}-{kind}-{timezone.localdate():%Y-%m-%d}.csv"
    response = StreamingHttpResponse(exports.csv_lines(rows, bom=True), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_GET
@teacher_required
def export_gradebook(request: HttpRequest, quiz_id: int) -> StreamingHttpResponse:
    """One row per attempt: a column per part (points earned) and the total."""
    quiz = lookups.teacher_quiz(quiz_id)
    return _csv_response(exports.gradebook_rows(quiz), quiz, "gradebook")


@require_GET
@teacher_required
def export_student_grades(request: HttpRequest, quiz_id: int) -> StreamingHttpResponse:
    """One row per student: the grade that counts by the quiz's grading method."""
    quiz = lookups.teacher_quiz(quiz_id)
    return _csv_response(exports.student_grade_rows(quiz), quiz, "grades")


@require_GET
@teacher_required
def export_responses(request: HttpRequest, quiz_id: int) -> StreamingHttpResponse:
    """One row per response: the answer as typed, its status, mistake, score and feedback."""
    quiz = lookups.teacher_quiz(quiz_id)
    return _csv_response(exports.response_rows(quiz), quiz, "responses")


@require_GET
@teacher_required
def export_statistics(request: HttpRequest, quiz_id: int) -> StreamingHttpResponse:
    """The item statistics page as one row per part."""
    quiz = lookups.teacher_quiz(quiz_id)
    return _csv_response(exports.statistics_rows(quiz_statistics(quiz)), quiz, "statistics")
