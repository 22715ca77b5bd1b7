"""Fetch and check in one call: the object a page acts on, for the user asking, or NotFound (a 404).

Students reach only their own attempts and the quizzes open to them; teachers reach
every quiz, attempt and answer. A lookup that returns attempts, or a quiz whose attempts
the page reads, first submits those whose time has run out, so every page shows an
overdue attempt as submitted without remembering to close it.
"""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from quiz import selectors, services
from quiz.errors import NotFound
from quiz.models import Attempt, Part, Quiz, Response

# --- Students ----------------------------------------------------------------------------------


def student_quiz(student, quiz_key: str) -> Quiz:
    """A quiz open to the student."""
    return get_object_or_404(services.available_quizzes(student), key=quiz_key)


def student_attempt(student, attempt_id: int) -> Attempt:
    """The student's own attempt, submitted first if it is overdue; another student's is indistinguishable
    from none."""
    try:
        attempt = Attempt.objects.select_related("quiz").get(pk=attempt_id, student=student)
    except Attempt.DoesNotExist:
        raise NotFound(_("There is no such attempt of yours.")) from None
    services.finalize_if_overdue(attempt)
    return attempt


# --- Teachers ----------------------------------------------------------------------------------


def teacher_quiz(quiz_id: int) -> Quiz:
    """Any quiz, its overdue attempts submitted: for the pages that read its attempts."""
    quiz = get_object_or_404(Quiz, pk=quiz_id)
    services.close_overdue_attempts(quiz=quiz)
    return quiz


def teacher_quiz_settings(quiz_id: int) -> Quiz:
    """Any quiz as it is, attempts untouched: for its settings, and for regrading (which closes
    overdue attempts itself and reports how many, and whose dry run changes nothing)."""
    return get_object_or_404(Quiz, pk=quiz_id)


def teacher_attempt(attempt_id: int) -> Attempt:
    """Any attempt with its student and quiz, submitted first if it is overdue."""
    attempt = get_object_or_404(Attempt.objects.select_related("student", "quiz"), pk=attempt_id)
    services.finalize_if_overdue(attempt)
    return attempt


def teacher_response(response_id: int) -> Response:
    """Any answer with its part (and the question's parts, for labels), attempt and student;
    its attempt submitted first if it is overdue."""
    responses = Response.objects.select_related("part__question", "attempt__student", "attempt__quiz")
    response = get_object_or_404(responses.prefetch_related("part__question__parts"), pk=response_id)
    services.finalize_if_overdue(response.attempt)
    return response


def teacher_part(part_id: int) -> Part:
    """Any part, with its quiz's overdue attempts submitted: free-text answers, and answers of
    any kind that could not be read, are reviewed."""
    parts = Part.objects.select_related("question__quiz").prefetch_related("question__parts")
    part = get_object_or_404(parts, pk=part_id)
    services.close_overdue_attempts(quiz=part.question.quiz)
    return part


def teacher_part_settings(part_id: int) -> Part:
    """Any part with its question and quiz as they are, attempts untouched: for regrading the part
    (which closes overdue attempts itself, and whose dry run changes nothing)."""
    parts = Part.objects.select_related("question__quiz").prefetch_related("question__parts")
    return get_object_or_404(parts, pk=part_id)


def teacher_student(user_id: int):
    """Only plain students: a teacher must never reset a teacher's or an admin's password."""
    return get_object_or_404(selectors.students(), pk=user_id)
