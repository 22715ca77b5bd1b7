"""The grade that counts for a student on a quiz: the one grade the LMS is told.

The quiz's grading method chooses it (`quiz.grading.counting_grade`, from
`Attempt.objects.counted()`), as the gradebook, the dashboard and the exports do; the
outbox and the launches read it from here.
"""

from __future__ import annotations

from quiz.grading import CountingGrade, counting_grade
from quiz.models import Attempt, Quiz


def grade_that_counts(student, quiz: Quiz) -> CountingGrade | None:
    """The student's grade for the quiz by its grading method; None before any attempt is finished."""
    return counting_grade(quiz.grading_method, list(Attempt.objects.counted().filter(student=student, quiz=quiz)))
