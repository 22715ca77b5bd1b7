"""Database constraints, and the model's own rules: the invariants hold whatever code writes, and the
verdict that counts reads the same from a Response and from SQL."""

import itertools
import math
from decimal import Decimal

import pytest
from django.core.exceptions import FieldError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import grader
from quiz import grading, selectors
from quiz.models import Attempt, Part, Question, Response, ResponseStatus


@pytest.fixture
def attempt(quiz, alice):
    return Attempt.objects.create(student=alice, quiz=quiz, number=1, max_score=21)


def test_one_response_per_attempt_and_part(attempt):
    part = Part.objects.first()
    Response.objects.create(attempt=attempt, part=part)
    with pytest.raises(IntegrityError), transaction.atomic():
        Response.objects.create(attempt=attempt, part=part)


@pytest.mark.parametrize("field", ["score", "review_score", "override_score"])
@pytest.mark.parametrize("value", [-0.01, 1.01])
def test_scores_stay_within_range(attempt, field, value):
    with pytest.raises(IntegrityError), transaction.atomic():
        Response.objects.create(attempt=attempt, part=Part.objects.first(), **{field: value})


def test_attempt_total_cannot_exceed_its_maximum(attempt):
    attempt.score = 22
    with pytest.raises(IntegrityError), transaction.atomic():
        attempt.save()


def test_a_student_has_one_attempt_in_progress_per_quiz(attempt):
    with pytest.raises(IntegrityError), transaction.atomic():
        Attempt.objects.create(student=attempt.student, quiz=attempt.quiz, number=2)


def test_attempt_numbers_are_unique(attempt):
    attempt.state = "graded"
    attempt.save()
    with pytest.raises(IntegrityError), transaction.atomic():
        Attempt.objects.create(student=attempt.student, quiz=attempt.quiz, number=1, state="graded")


def test_deleting_an_answered_question_is_refused(attempt):
    part = Part.objects.get(question__key="q4")
    Response.objects.create(attempt=attempt, part=part, text="[[5, 6], [10, 9]]")
    with pytest.raises(ProtectedError):
        part.question.delete()
    assert Response.objects.filter(part=part).exists()


def test_deleting_a_quiz_with_attempts_is_refused(attempt):
    with pytest.raises(ProtectedError):
        attempt.quiz.delete()


def test_part_labels_name_the_question_and_part(quiz):
    assert Part.objects.get(question__key="q2", key="b").label == "Question 2b"
    assert Part.objects.get(question__key="q4", key="a").label == "Question 4"


# --- The verdict that counts ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("credit", "status"), [(1, "correct"), (0.999, "partial"), (0.01, "partial"), (0, "incorrect")]
)
def test_a_credit_earns_its_status(credit, status):
    assert ResponseStatus.for_credit(credit) == status


DECISIONS = list(
    itertools.product(
        ["needs_review", "invalid", "incorrect", "correct", "unanswered"],  # what the grader said
        [None, 0.0, 0.4, 1.0],  # a confirmed review
        [None, 0.0, 0.6, 1.0],  # an override
    )
)


def test_the_status_and_feedback_that_count_read_the_same_in_python_and_sql(quiz, alice):
    """A teacher's override decides first, then a confirmed review, then the grader's verdict."""
    parts = list(Part.objects.all())
    attempts = Attempt.objects.bulk_create(
        Attempt(student=alice, quiz=quiz, number=number, state="graded", max_score=21)
        for number in range(1, len(DECISIONS) // len(parts) + 2)
    )
    places = itertools.product(attempts, parts)
    Response.objects.bulk_create(
        Response(
            attempt=attempt, part=part, status=status, feedback="Awaiting review by your teacher.",
            review_score=review, review_comment="Well argued.", override_score=override, override_reason="Accepted.",
        )
        for (attempt, part), (status, review, override) in zip(places, DECISIONS, strict=False)
    )
    responses = list(Response.objects.with_final_credit())
    assert len(responses) == len(DECISIONS)
    for response in responses:
        assert (response.verdict_status, response.verdict_feedback) == (
            response.counted_status, response.counted_feedback
        )
        if response.override_score is not None:
            expected = (ResponseStatus.for_credit(response.override_score), "Accepted.")
        elif response.review_score is not None:
            expected = (ResponseStatus.for_credit(response.review_score), "Well argued.")
        else:
            expected = (response.status, "Awaiting review by your teacher.")
        assert (response.counted_status, response.counted_feedback) == expected


# --- The credit and the points that count, in Python and in SQL ----------------------------------

credits = st.one_of(st.none(), st.floats(min_value=0, max_value=1))
decisions = st.lists(
    st.tuples(
        st.sampled_from(ResponseStatus.values),  # what the grader said
        credits,  # the computed score
        credits,  # a confirmed review
        credits,  # an override
        st.decimals(min_value=Decimal("0.01"), max_value=Decimal("9999.99"), places=2),  # the part's points
    ),
    min_size=1,
    max_size=10,
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=decisions)
def test_the_credit_points_and_review_that_count_read_the_same_in_python_and_sql(attempt, rows):
    """Response.final_credit, .points and .awaiting_review equal their annotations and filter, on any
    database, and the gradebook's cells add up to the attempt's total."""
    Response.objects.all().delete()
    parts = list(Part.objects.order_by("pk")[: len(rows)])
    for part, (*_, points) in zip(parts, rows, strict=False):
        part.points = points
    Part.objects.bulk_update(parts, ["points"])
    Response.objects.bulk_create(
        Response(attempt=attempt, part=part, status=status, score=score, review_score=review, override_score=override)
        for part, (status, score, review, override, _) in zip(parts, rows, strict=False)
    )
    responses = list(Response.objects.with_points().select_related("part"))
    for response in responses:
        assert response.verdict_credit == response.final_credit
        if response.points is None:
            assert response.verdict_points is None
        else:
            assert math.isclose(response.verdict_points, response.points, rel_tol=1e-12, abs_tol=1e-9)
    waiting = {response.pk for response in responses if response.awaiting_review}
    assert set(Response.objects.awaiting_review().values_list("pk", flat=True)) == waiting

    total = grading.attempt_total(responses, review_free_text=True)
    cells = selectors.gradebook_page(attempt.quiz, selectors.GradebookFilters(), 1).rows[0].question_points
    assert math.isclose(sum(cell or 0 for cell in cells), total.score, abs_tol=0.0005 + 1e-9)


@pytest.mark.parametrize(
    ("score", "review", "override", "expected"),
    [(0.5, None, None, 0.5), (0.5, 0.75, None, 0.75), (0.5, 0.75, 1.0, 0.75), (None, None, 0.2, None)],
)
def test_a_review_starts_from_the_confirmed_score_else_the_suggestion_whatever_the_override(
    score, review, override, expected
):
    response = Response(score=score, review_score=review, override_score=override)
    assert response.review_credit == expected


def test_a_parts_spec_is_parsed_once_and_again_after_a_save_or_a_reload(quiz, monkeypatch):
    part = Part.objects.get(question__key="q2", key="b")
    parsed = []
    real = grader.PartSpec.from_dict
    monkeypatch.setattr(grader.PartSpec, "from_dict", lambda data: parsed.append(data) or real(data))
    assert part.spec() is part.spec()
    part.unit = "KB"
    part.save()
    assert part.spec().unit == "KB"
    Part.objects.filter(pk=part.pk).update(unit="GB")
    part.refresh_from_db()
    assert part.spec().unit == "GB"
    assert len(parsed) == 3


def test_a_questions_parameters_and_ranges_come_back_in_the_order_they_were_typed(quiz):
    # Neither order is sorted, and PostgreSQL's jsonb would sort both (by length, then by name).
    question = Question.objects.create(
        quiz=quiz, key="typed-order", title="Typed order", prompt="{w} by {h}",
        params={"w": 48, "stride": 2, "h": 64, "k": 3}, ranges={"stride": [1, 2], "w": [32, 64]},
    )  # fmt: skip

    stored = Question.objects.get(pk=question.pk)

    assert list(stored.params.items()) == [("w", 48), ("stride", 2), ("h", 64), ("k", 3)]
    assert list(stored.ranges.items()) == [("stride", [1, 2]), ("w", [32, 64])]


def test_a_key_lookup_into_a_questions_parameters_is_refused_instead_of_finding_nothing(quiz):
    with pytest.raises(FieldError, match=r"params is stored as \[key, value\] pairs: the key lookup 'h'"):
        Question.objects.filter(params__h=64).exists()
