"""CSV exports of a quiz's gradebook, responses and item statistics.

Rows are generated lazily from database iterators, so a web response or a command can
stream 100,000 responses without holding them. Every text cell passes through
`neutralize`, because a spreadsheet runs a cell starting with `=` as a formula, and
what a student types must never run on the teacher's machine.

The files are UTF-8; the downloads start with a byte-order mark (`BOM`), which is how
Excel on Windows knows to read them as UTF-8 rather than in the machine's own code page.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from collections.abc import Iterable, Iterator

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.utils import translation

from quiz import selectors
from quiz.formatting import format_points
from quiz.models import Attempt, Quiz, Response, earned_points
from quiz.statistics import QuizStatistics, quiz_parts

BOM = "\ufeff"
FORMULA_STARTS = frozenset("=+-@\t\r\n")
"""A spreadsheet runs a cell as a formula (or a DDE command) when it begins with one of these."""
CELL_BREAKS = re.compile(r"[;\t\r\n]+")
"""Where a cell may end when the file is opened with another separator: Excel in many European
locales splits on `;`, the import wizard on tabs, and a line break read outside quotes ends a row."""
IGNORED_BEFORE = frozenset(' "')
"""Spreadsheets skip these before deciding that a cell is a formula (a quote opens quoted text)."""
CHUNK_SIZE = 2000


def neutralize(value):
    """A text that a spreadsheet could run as a formula, under any separator, made inert.

    Every place a cell could begin (the text's start, and after a `;`, a tab or a line
    break) is read as a spreadsheet reads it: spaces and quotes skipped, the text NFKC
    normalized (so a full-width `＝` is an `=`). Where the first character left is one of
    `= + - @` (or, at the start, a tab or a line break), an apostrophe goes before that
    piece, which makes it plain text. Numbers stay numbers.
    """
    if not isinstance(value, str) or not value:
        return value
    if value[0].isalnum() and not CELL_BREAKS.search(value):
        return value  # the common case, decided without normalizing
    starts = [0, *(match.end() for match in CELL_BREAKS.finditer(value))]
    pieces, previous = [], 0
    for start in starts:
        if start < len(value) and _runs(value[start:], at_start=start == 0):
            pieces.append(value[previous:start] + "'")
            previous = start
    return "".join(pieces) + value[previous:]


def _runs(piece: str, *, at_start: bool) -> bool:
    """Whether a spreadsheet would run this piece of a cell as a formula."""
    for character in piece:
        normal = unicodedata.normalize("NFKC", character)
        if normal in IGNORED_BEFORE or (normal.isspace() and normal not in "\t\r\n"):
            continue
        return normal[:1] in FORMULA_STARTS if at_start else normal[:1] in "=+-@"
    return False


class _Echo:
    """A file-like object whose write returns the line, so csv.writer can feed a generator."""

    def write(self, value: str) -> str:
        return value


def csv_lines(rows: Iterable[Iterable], *, bom: bool = False) -> Iterator[str]:
    """Each row as one CSV line, every cell neutralized; after a byte-order mark if `bom`.

    The rows are made in the site's language (English) whoever downloads them: spreadsheets, LMS
    grade imports and scripts read the columns by name ("Question 2a"), which must not change
    with the language of the teacher who asked."""
    if bom:
        yield BOM
    writer = csv.writer(_Echo())
    with translation.override(settings.LANGUAGE_CODE):
        for row in rows:
            yield writer.writerow([neutralize(cell) for cell in row])


def _points(value) -> str:
    """A score in points as every page writes it (0.5, 1, 12.75); empty for none."""
    return "" if value is None else format_points(value)


def _time(value) -> str:
    return value.isoformat(timespec="seconds") if value else ""


def gradebook_rows(quiz: Quiz) -> Iterator[list]:
    """A header, then one row per attempt: who, when, the points earned on each part, and the total."""
    parts = quiz_parts(quiz)
    yield [
        "attempt_id", "username", "name", "attempt", "state", "started_at", "submitted_at",
        *(part.label for part in parts), "total", "max_score",
    ]
    responses = Prefetch("responses", queryset=Response.objects.only(
        "attempt_id", "part_id", "score", "review_score", "override_score"
    ).order_by())
    parts_by_id = {part.id: part for part in parts}
    attempts = (
        Attempt.objects.filter(quiz=quiz)
        .select_related("student")
        .prefetch_related(responses)
        .order_by("student__username", "number")
    )
    for attempt in attempts.iterator(chunk_size=CHUNK_SIZE):
        earned = {}
        for response in attempt.responses.all():
            response.part = parts_by_id[response.part_id]
            earned[response.part_id] = _points(response.points)
        yield [
            attempt.id, attempt.student.username, attempt.student.get_full_name(), attempt.number,
            attempt.state, _time(attempt.started_at), _time(attempt.submitted_at),
            *(earned.get(part.id, "") for part in parts), _points(attempt.score), _points(attempt.max_score),
        ]


def student_grade_rows(quiz: Quiz) -> Iterator[list]:
    """A header, then one row per student with an attempt: the grade that counts by the quiz's grading method,
    which attempts make it, and the numbers of those still awaiting review."""
    yield [
        "username", "name", "grading_method", "grade", "max_score", "counted_attempts", "finished_attempts",
        "attempts", "awaiting_review",
    ]
    students = selectors.students_with_attempts(quiz).order_by("username")
    paginator = Paginator(students, CHUNK_SIZE)
    for number in paginator.page_range:
        for row in selectors.student_grades(quiz, paginator.page(number).object_list):
            grade = row.grade
            yield [
                row.student.username, row.student.get_full_name(), quiz.grading_method,
                _points(grade.score) if grade else "", _points(grade.maximum) if grade else "",
                " ".join(str(attempt.number) for attempt in grade.counted) if grade else "",
                grade.finished if grade else 0, len(row.attempts),
                " ".join(str(number) for number in grade.awaiting_review) if grade else "",
            ]


def response_rows(quiz: Quiz) -> Iterator[list]:
    """A header, then one row per response: the answer as typed and how it was graded; the status and
    feedback are those after a teacher's decision (an override's reason, a review's comment), and
    the grader's own follow as computed_status and computed_feedback."""
    parts = {part.id: part for part in quiz_parts(quiz)}
    yield [
        "attempt_id", "username", "attempt", "part", "answer", "status", "mistake",
        "score", "max_points", "computed_score", "override_score", "review_score", "feedback",
        "computed_status", "computed_feedback",
    ]
    rows = (
        Response.objects.filter(attempt__quiz=quiz)
        .with_final_credit()
        .order_by("attempt__student__username", "attempt__number", "part__question__order", "part__order")
        .values_list(
            "attempt_id", "attempt__student__username", "attempt__number", "part_id", "text", "verdict_status",
            "mistake", "verdict_credit", "score", "override_score", "review_score", "verdict_feedback", "status",
            "feedback",
        )
        .iterator(chunk_size=CHUNK_SIZE)
    )
    for row in rows:
        (attempt_id, username, number, part_id, text, status, mistake, credit, score, override, review, feedback,
         computed_status, computed_feedback) = row
        part = parts[part_id]
        yield [
            attempt_id, username, number, part.label, text, status, mistake,
            _points(earned_points(credit, part.points)), _points(part.points),
            _points(score), _points(override), _points(review), feedback, computed_status, computed_feedback,
        ]


def statistics_rows(statistics: QuizStatistics) -> Iterator[list]:
    """A header, then one row per part: facility, discrimination, statuses, mistakes, common wrong answers."""
    statuses = list(statistics.parts[0].status_counts) if statistics.parts else []
    yield ["part", "attempts", "facility", "discrimination", *statuses, "mistakes", "common_wrong_answers"]
    for item in statistics.parts:
        yield [
            item.label,
            item.attempts,
            _rounded(item.facility),
            _rounded(item.discrimination),
            *(item.status_counts[status] for status in statuses),
            "; ".join(f"{rate.name}: {rate.count} ({rate.share:.0%})" for rate in item.mistakes),
            "; ".join(f"{answer} ({count})" for answer, count in item.wrong_answers),
        ]


def _rounded(value: float | None) -> float | str:
    return "" if value is None else round(value, 3)
