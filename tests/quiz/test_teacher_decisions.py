"""Once a teacher has confirmed or overridden a score, every page and export shows that decision:
none of them still says “Awaiting review”, `needs_review` or “Awaiting review by your teacher.”."""

from __future__ import annotations

import csv
import io

import pytest
from django.test import Client
from django.urls import reverse

from quiz import exports, reviews
from quiz.models import Response
from quiz.statistics import quiz_statistics

AWAITING = ("Awaiting review", "needs_review", "Awaiting review by your teacher.", "Awaiting your teacher")


def decide(response: Response, how: str, teacher) -> None:
    if how == "confirmed":
        reviews.confirm_review(response=response, score=1.0, comment="Both ideas, clearly put.", teacher=teacher)
    else:
        reviews.override_score(response=response, score=1.0, reason="Full marks: a fair reading.", teacher=teacher)


@pytest.fixture(params=["confirmed", "overridden"])
def decided(request, alice, tess, submitted_attempt):
    """Alice's attempt whose only written answer (6b) a teacher has confirmed or overridden at 1 point."""
    attempt = submitted_attempt(alice)
    q6b = attempt.responses.get(part__question__key="q6", part__key="b")
    assert q6b.awaiting_review
    decide(q6b, request.param, tess)
    attempt.refresh_from_db()
    return attempt, q6b, request.param


def _csv(rows) -> list[dict]:
    return list(csv.DictReader(io.StringIO("".join(exports.csv_lines(rows)))))


def _shows_no_wait(text: str) -> list[str]:
    return [phrase for phrase in AWAITING if phrase in text]


def test_the_attempt_is_graded_and_the_part_counts_as_correct(decided):
    attempt, q6b, _ = decided
    q6b.refresh_from_db()
    assert attempt.state == "graded"
    assert (q6b.status, q6b.counted_status) == ("needs_review", "correct")  # the grader's verdict is kept


def test_the_statistics_count_the_decision(quiz, decided):
    q6b = next(item for item in quiz_statistics(quiz).parts if item.label == "Question 6b")
    assert (q6b.status_counts["needs_review"], q6b.status_counts["correct"]) == (0, 1)
    assert [label for _status, label, _count in q6b.status_rows] == ["Correct"]


def test_the_statistics_page_and_its_export_show_the_decision(teacher_client, quiz, decided):
    page = teacher_client.get(reverse("teacher:statistics", args=[quiz.pk])).content.decode()
    assert _shows_no_wait(page) == []
    [q6b] = [row for row in _csv(exports.statistics_rows(quiz_statistics(quiz))) if row["part"] == "Question 6b"]
    assert (q6b["needs_review"], q6b["correct"]) == ("0", "1")


def test_the_responses_export_shows_the_decision_and_keeps_the_graders_verdict(quiz, decided):
    _, _, how = decided
    [q6b] = [row for row in _csv(exports.response_rows(quiz)) if row["part"] == "Question 6b"]
    teachers_word = "Both ideas, clearly put." if how == "confirmed" else "Full marks: a fair reading."
    assert (q6b["status"], q6b["feedback"], q6b["score"]) == ("correct", teachers_word, "1")
    assert (q6b["computed_status"], q6b["computed_feedback"]) == ("needs_review", "Awaiting review by your teacher.")


def test_the_gradebook_and_its_export_show_the_attempt_graded(teacher_client, quiz, decided):
    [row] = _csv(exports.gradebook_rows(quiz))
    assert (row["state"], row["Question 6b"], row["total"]) == ("graded", "1", "3")
    page = teacher_client.get(reverse("teacher:gradebook", args=[quiz.pk])).content.decode()
    assert '<span class="badge text-bg-success">Graded</span>' in page
    assert '<span class="badge text-bg-warning">Needs review</span>' not in page


def test_the_teachers_attempt_page_shows_the_decision(teacher_client, decided):
    attempt, q6b, how = decided
    page = teacher_client.get(reverse("teacher:attempt", args=[attempt.pk])).content.decode()
    assert _shows_no_wait(page) == []
    badge = "Confirmed" if how == "confirmed" else "Overridden"
    row = page[page.index(f'id="part-{q6b.part_id}"'):]
    assert f">{badge}</span>" in row[: row.index("</h3>") + 200]


def test_the_students_pages_show_the_decision(alice, decided):
    attempt, _, how = decided
    client = Client()
    client.force_login(alice)
    result = client.get(reverse("student:attempt_result", args=[attempt.pk])).content.decode()
    assert _shows_no_wait(result) == []
    assert '<span id="total-score">3</span>' in result
    assert "Scored by your teacher: 1 of 1 point." in result
    for page in (reverse("student:dashboard"), reverse("student:attempt_history")):
        html = client.get(page).content.decode()
        assert _shows_no_wait(html) == [] and '<span class="fw-semibold">3</span> / 21 points' in html
