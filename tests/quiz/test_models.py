"""Database constraints: the invariants hold whatever code writes."""

import pytest
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError

from quiz.models import Attempt, Part, Response


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
