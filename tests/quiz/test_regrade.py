"""Regrading a quiz after a part changed: stored numbers, kept teacher decisions, dry runs, idempotence."""

from __future__ import annotations

import math
from datetime import timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

import grader
from grader import meaning, rubric
from quiz import reviews, services
from quiz.models import Attempt, AttemptEvent, AttemptState, Part, Response, ScoreChange
from quiz.regrade import regrade_quiz
from quiz.suggestions import pending_suggestions

WRONG_BIAS = {"q2a": "902,700", "q4a": "[[5, 6], [10, 9]]"}
"""q2a forgets the biases (the `no_bias` mistake, no credit as shipped); q4a is right."""


def _part(question: str, key: str = "a") -> Part:
    return Part.objects.select_related("question").get(question__key=question, key=key)


def _response(attempt: Attempt, question: str, key: str = "a") -> Response:
    return Response.objects.get(attempt=attempt, part__question__key=question, part__key=key)


def _give_no_bias_half_credit() -> None:
    part = _part("q2")
    part.mistakes = [dict(mistake, credit=0.5) for mistake in part.mistakes]
    part.save()


def _snapshot() -> tuple:
    """Everything a regrade may write, to check that a dry run writes none of it."""
    responses = list(Response.objects.order_by("id").values_list(
        "score", "status", "mistake", "feedback", "graded_at", "review_score", "override_score"
    ))
    attempts = list(Attempt.objects.order_by("id").values_list("state", "score", "max_score"))
    return responses, attempts, ScoreChange.objects.count(), AttemptEvent.objects.count()


@pytest.fixture
def graded(quiz, alice, bob, submitted_attempt):
    """Alice answers q2a and q4a right; Bob forgets the biases in q2a."""
    return submitted_attempt(alice, {"q2a": "903400", "q4a": "[[5, 6], [10, 9]]"}), submitted_attempt(bob, WRONG_BIAS)


def test_regrade_applies_a_changed_mistake_credit_with_the_stored_numbers(quiz, graded, tess):
    alice_attempt, bob_attempt = graded
    _give_no_bias_half_credit()

    report = regrade_quiz(quiz=quiz, actor=tess)

    assert report.attempts == 2
    assert report.parts_changed == 1
    assert report.summary() == "regraded 2 attempts; 1 parts changed"
    [change] = report.changes
    assert (change.username, change.old_total, change.new_total, change.delta) == (
        "bob", Decimal("1.000"), Decimal("1.500"), Decimal("0.500")
    )
    [part] = change.parts
    assert (part.label, part.old_status, part.new_status) == ("Question 2a", "incorrect", "partial")
    response = _response(bob_attempt, "q2")
    assert (response.score, response.status, response.mistake) == (0.5, "partial", "no_bias")
    bob_attempt.refresh_from_db()
    assert bob_attempt.score == Decimal("1.500")
    history = ScoreChange.objects.get(response=response)
    assert (history.kind, history.previous_score, history.new_score, history.changed_by) == ("regrade", 0, 0.5, tess)
    event = AttemptEvent.objects.get(attempt=bob_attempt, kind=AttemptEvent.Kind.REGRADED)
    assert event.actor == tess and "1 part changed" in event.detail
    assert not AttemptEvent.objects.filter(attempt=alice_attempt, kind=AttemptEvent.Kind.REGRADED).exists()


def test_regrade_uses_each_attempts_own_numbers(quiz, alice, submitted_attempt):
    quiz.randomize_numbers, quiz.first_attempt_seed_numbers = True, False
    quiz.save()
    attempt = services.start_attempt(student=alice, quiz=quiz)
    q8 = attempt.params["q8"]
    services.save_response(attempt=attempt, part_key="q8b", text=str(q8["units"]), sequence=1)
    attempt = services.submit_attempt(attempt=attempt)
    assert _response(attempt, "q8", "b").status == "correct"
    part = _part("q8", "b")
    part.mistakes = []
    part.save()

    report = regrade_quiz(quiz=quiz)

    assert report.parts_changed == 0
    assert _response(attempt, "q8", "b").status == "correct"


def test_regrade_keeps_an_override_and_reports_it_as_kept(quiz, graded, tess):
    _alice_attempt, bob_attempt = graded
    reviews.override_score(
        response=_response(bob_attempt, "q2"), score=1.0, reason="Biases left out on purpose", teacher=tess
    )
    bob_attempt.refresh_from_db()
    total_before = bob_attempt.score
    _give_no_bias_half_credit()

    report = regrade_quiz(quiz=quiz, actor=tess)

    response = _response(bob_attempt, "q2")
    assert (response.override_score, response.score, response.final_credit) == (1.0, 0.5, 1.0)
    [change] = report.changes
    assert change.parts[0].kept
    assert change.delta == 0
    bob_attempt.refresh_from_db()
    assert bob_attempt.score == total_before == Decimal("2.000")


def test_regrade_keeps_a_confirmed_free_text_score(quiz, alice, tess, submitted_attempt):
    attempt = submitted_attempt(alice, {"q6b": "Skip connections let very deep networks train."})
    response = _response(attempt, "q6", "b")
    suggested = response.score
    reviews.confirm_review(response=response, score=1.0, comment="Complete enough.", teacher=tess)
    part = _part("q6", "b")
    part.rubric = [*part.rubric, {"key": "residual", "label": "the layers learn a residual", "phrases": ["residual"]}]
    part.save()

    report = regrade_quiz(quiz=quiz)

    response.refresh_from_db()
    assert response.review_score == 1.0
    assert response.score != suggested
    assert response.status == "needs_review"
    assert report.changes[0].parts[0].kept
    attempt.refresh_from_db()
    assert attempt.score == Decimal("1.000")
    assert attempt.state == AttemptState.GRADED


def test_a_dry_run_reports_the_same_changes_and_saves_nothing(quiz, graded):
    _give_no_bias_half_credit()
    before = _snapshot()

    preview = regrade_quiz(quiz=quiz, dry_run=True)

    assert _snapshot() == before
    assert preview.summary() == "dry run: regraded 2 attempts; 1 parts changed; nothing saved"
    done = regrade_quiz(quiz=quiz)
    assert [str(change) for change in preview.changes] == [str(change) for change in done.changes]


def test_regrading_twice_changes_nothing_the_second_time(quiz, graded, tess):
    _give_no_bias_half_credit()
    regrade_quiz(quiz=quiz, actor=tess)
    after_first = _snapshot()

    second = regrade_quiz(quiz=quiz, actor=tess)

    assert (second.attempts, second.parts_changed, second.changes) == (2, 0, [])
    assert _snapshot() == after_first


def test_regrading_unchanged_parts_changes_nothing(quiz, graded):
    before = _snapshot()
    report = regrade_quiz(quiz=quiz)
    assert (report.parts_changed, report.changes) == (0, [])
    assert _snapshot() == before


def test_changed_points_change_totals_without_changing_verdicts(quiz, graded):
    alice_attempt, _bob_attempt = graded
    part = _part("q4")
    part.points = 3
    part.save()

    report = regrade_quiz(quiz=quiz)

    assert report.parts_changed == 0
    assert report.attempts_changed == 2
    alice_attempt.refresh_from_db()
    assert (alice_attempt.score, alice_attempt.max_score) == (Decimal("4.000"), Decimal("23"))
    assert report.points_changed == Decimal("4.000")


def test_regraded_totals_and_states_are_those_the_attempt_service_computes(quiz, alice, bob, tess, submitted_attempt):
    waiting = submitted_attempt(alice, {"q2a": "902700", "q6b": "Skip connections.", "q4a": "[[5, 6], [10, 9]]"})
    reviewed = submitted_attempt(bob, {"q2a": "902700", "q6b": "Residual blocks.", "q2b": "14.1 MB"})
    reviews.confirm_review(response=_response(reviewed, "q6", "b"), score=0.75, comment="", teacher=tess)
    reviews.override_score(response=_response(reviewed, "q2", "b"), score=0.2, reason="Units", teacher=tess)
    _give_no_bias_half_credit()
    part = _part("q4")
    part.points = 2.5
    part.save()

    report = regrade_quiz(quiz=quiz)

    assert report.attempts_changed == 2
    for attempt in (waiting, reviewed):
        attempt.refresh_from_db()
        stored = (attempt.score, attempt.max_score, attempt.state)
        assert stored == (services.recompute_total(attempt).score, attempt.max_score, attempt.state)
    assert (waiting.state, reviewed.state) == (AttemptState.NEEDS_REVIEW, AttemptState.GRADED)


def test_overdue_attempts_are_finalized_before_regrading(quiz, alice, bob, submitted_attempt):
    submitted_attempt(bob, WRONG_BIAS)
    late = timezone.now() - timedelta(hours=3)
    running = services.start_attempt(student=alice, quiz=quiz, now=late)
    services.save_response(attempt=running, part_key="q2a", text="903400", sequence=1, now=late)

    preview = regrade_quiz(quiz=quiz, dry_run=True)
    running.refresh_from_db()
    assert (preview.overdue, preview.attempts, running.state) == (1, 1, AttemptState.IN_PROGRESS)

    report = regrade_quiz(quiz=quiz)
    running.refresh_from_db()
    assert (report.overdue, report.attempts) == (1, 2)
    assert running.state == AttemptState.GRADED and running.auto_submitted
    assert _response(running, "q2").status == "correct"


def test_attempts_in_progress_are_not_regraded(quiz, alice, bob, submitted_attempt):
    submitted_attempt(bob, WRONG_BIAS)
    running = services.start_attempt(student=alice, quiz=quiz)
    services.save_response(attempt=running, part_key="q2a", text="902700", sequence=1)
    _give_no_bias_half_credit()

    report = regrade_quiz(quiz=quiz)

    assert report.attempts == 1
    assert _response(running, "q2").status == "unanswered"


def test_a_question_whose_stored_numbers_no_longer_compute_is_reported_and_left_alone(quiz, graded):
    _alice_attempt, bob_attempt = graded
    bob_attempt.params["q2"]["stride"] = 0
    bob_attempt.save()
    _give_no_bias_half_credit()

    report = regrade_quiz(quiz=quiz)

    [message] = report.errors
    assert message.startswith("q2: ") and report.errors[message] == 1
    assert _response(bob_attempt, "q2").status == "incorrect"
    assert report.parts_changed == 0


def test_regrading_takes_the_same_number_of_queries_for_more_attempts(quiz, students, submitted_attempt):
    def queries_for(count: int, start: int) -> int:
        for student in students(count, start):
            submitted_attempt(student, WRONG_BIAS)
        with CaptureQueriesContext(connection) as context:
            regrade_quiz(quiz=quiz)
        return len(context)

    assert queries_for(2, start=1) == queries_for(5, start=10)


def test_the_command_prints_each_change_then_the_summary(quiz, graded):
    _give_no_bias_half_credit()
    out = StringIO()

    call_command("regrade", "cnn-fundamentals", "--dry-run", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("bob #1: 1 → 1.5 (+0.5); Question 2a Incorrect → Partially correct")
    assert lines[-1] == "dry run: regraded 2 attempts; 1 parts changed; nothing saved"

    out = StringIO()
    call_command("regrade", "cnn-fundamentals", stdout=out)
    assert out.getvalue().splitlines()[-1] == "regraded 2 attempts; 1 parts changed"
    assert math.isclose(_response(graded[1], "q2").score, 0.5)


def test_the_command_refuses_an_unknown_quiz(db):
    with pytest.raises(CommandError, match="no quiz 'nope'"):
        call_command("regrade", "nope")


# --- After a rubric edit: one part regraded, reviews by rubric items rescored ----------------------------------

ALEXNET = "AlexNet used ReLU and dropout."
"""q6a: two of its four core items (relu, dropout) by their phrases."""


def _double_relu_points() -> Part:
    """relu was worth 1 of the 4 core points; now 2 of 5, so relu and dropout earn 3/5 instead of 2/4."""
    part = _part("q6", "a")
    part.rubric = [dict(item, points=2) if item["key"] == "relu" else item for item in part.rubric]
    part.save()
    return part


@pytest.fixture
def scored_by_items(quiz, alice, bob, tess, submitted_attempt):
    """Alice's and Bob's q6a scored by ticking relu and dropout; Bob's also overridden to full marks."""
    attempts = submitted_attempt(alice, {"q6a": ALEXNET}), submitted_attempt(bob, {"q6a": ALEXNET})
    for attempt in attempts:
        reviews.confirm_review(
            response=_response(attempt, "q6"), score=0.5, comment="", teacher=tess, items=("relu", "dropout")
        )
    reviews.override_score(response=_response(attempts[1], "q6"), score=1.0, reason="Well argued", teacher=tess)
    return attempts


def test_a_rubric_edit_rescores_reviews_by_items_and_keeps_overrides(quiz, scored_by_items, tess):
    alice_attempt, bob_attempt = scored_by_items
    part = _double_relu_points()

    report = regrade_quiz(quiz=quiz, part=part, actor=tess)

    assert report.summary() == "regraded Question 6a in 2 attempts; 2 answers changed"
    assert report.reviews_changed == 2
    alice_change, bob_change = report.changes
    [alice_part] = alice_change.parts
    assert (alice_part.old_review, alice_part.new_review, alice_part.kept) == (0.5, 0.6, False)
    assert alice_part.review_change == "0.5 → 0.6 of 1 point"
    assert (alice_change.old_total, alice_change.new_total) == (Decimal("0.500"), Decimal("0.600"))
    [bob_part] = bob_change.parts
    assert bob_part.kept and bob_change.delta == 0
    alice_q6a, bob_q6a = _response(alice_attempt, "q6"), _response(bob_attempt, "q6")
    assert math.isclose(alice_q6a.review_score, 0.6) and alice_q6a.review_items == ["relu", "dropout"]
    assert (bob_q6a.override_score, bob_q6a.final_credit) == (1.0, 1.0)
    assert math.isclose(bob_q6a.review_score, 0.6)
    history = ScoreChange.objects.get(response=alice_q6a, kind=ScoreChange.Kind.REVIEW, changed_by=tess,
                                      reason__contains="rubric items")
    assert (history.previous_score, history.new_score) == (0.5, pytest.approx(0.6))
    alice_attempt.refresh_from_db()
    assert alice_attempt.score == Decimal("0.600")


def test_a_rubric_edit_preview_lists_each_answers_old_and_new_score_and_saves_nothing(quiz, scored_by_items):
    part = _double_relu_points()
    before = _snapshot()

    preview = regrade_quiz(quiz=quiz, part=part, dry_run=True)

    assert _snapshot() == before
    assert [str(change) for change in preview.changes] == [
        "alice #1: 0.5 → 0.6 (+0.1); Question 6a Awaiting review → Awaiting review, computed 0.5 → 0.6 of 1 point, "
        "teacher's score by rubric items 0.5 → 0.6 of 1 point",
        "bob #1: 1 → 1 (0); Question 6a Awaiting review → Awaiting review, computed 0.5 → 0.6 of 1 point, "
        "teacher's score by rubric items 0.5 → 0.6 of 1 point",
    ]
    assert [str(change) for change in regrade_quiz(quiz=quiz, part=part).changes] == [
        str(change) for change in preview.changes
    ]


def test_a_rubric_edit_recomputes_suggestions_of_answers_not_yet_reviewed(quiz, alice, submitted_attempt):
    attempt = submitted_attempt(alice, {"q6a": ALEXNET})
    assert math.isclose(_response(attempt, "q6").score, 0.5)
    part = _double_relu_points()

    report = regrade_quiz(quiz=quiz, part=part)

    [change] = report.changes
    assert change.parts[0].suggestion_change == "0.5 → 0.6 of 1 point"
    response = _response(attempt, "q6")
    assert math.isclose(response.score, 0.6)
    assert ScoreChange.objects.get(response=response).kind == ScoreChange.Kind.REGRADE


def test_regrading_one_part_leaves_the_other_parts_as_they_are(quiz, graded, scored_by_items):
    _give_no_bias_half_credit()
    part = _double_relu_points()

    report = regrade_quiz(quiz=quiz, part=part)

    assert {part_change.label for change in report.changes for part_change in change.parts} == {"Question 6a"}
    assert _response(graded[1], "q2").status == "incorrect"


def test_regrading_reads_written_answers_by_phrases_and_leaves_meaning_to_the_command(
    quiz, alice, submitted_attempt, monkeypatch
):
    attempt = submitted_attempt(alice, {"q6a": ALEXNET})
    Response.objects.filter(pk=_response(attempt, "q6").pk).update(meaning_pending=False)
    monkeypatch.setattr(meaning, "_load", lambda: pytest.fail("the regrade loaded the model"))
    monkeypatch.setattr(meaning, "_cache", type(meaning._cache)())
    rubric.suggest.cache_clear()
    part = _double_relu_points()

    report = regrade_quiz(quiz=quiz, part=part)
    rubric.suggest.cache_clear()

    [change] = report.changes
    assert change.parts[0].by_meaning_later
    response = _response(attempt, "q6")
    assert response.meaning_pending
    assert grader.FLAG_PHRASES_ONLY in response.suggestion_flags
    assert list(pending_suggestions(quiz=quiz)) == [response]
