"""Pools under concurrency: a start reads the student's earlier draws under the student's row lock, the same lock
every start and submit takes, so starts and submits racing each other never draw from a stale history.

Like tests/quiz/test_concurrency.py, these run on PostgreSQL only: SQLite takes one writer at a time.
"""

from __future__ import annotations

import pytest

from quiz import services
from quiz.bank import load_question_bank
from quiz.models import Attempt, AttemptState
from tests.quiz.test_concurrency import client_for, together
from tests.races import POSTGRES_ONLY

pytestmark = [*POSTGRES_ONLY, pytest.mark.usefixtures("committed_roles")]

POOL = ("q3", "q4", "q5")


@pytest.fixture
def pooled(committed_roles):
    """The shipped quiz with three questions in one pool, of which each attempt draws one; three attempts."""
    quiz = load_question_bank().quiz
    quiz.questions.filter(key__in=POOL).update(pool="sliding-windows")
    quiz.attempts_allowed = 3
    quiz.save()
    return quiz


def test_starts_and_submits_racing_never_draw_a_pool_question_twice_while_the_pool_lasts(pooled, alice):
    starters = 3

    def starting(finished: list):
        refusals = 0
        while refusals < 3:
            try:
                services.start_attempt(student=alice, quiz=pooled)
            except services.AttemptNotAllowed:
                refusals += 1
        finished.append(True)

    def submitting(finished: list):
        while len(finished) < starters:
            current = Attempt.objects.filter(student=alice, quiz=pooled, state=AttemptState.IN_PROGRESS).first()
            if current is not None:
                services.submit_attempt(attempt=current)

    finished: list = []
    together(*[lambda: starting(finished)] * starters, *[lambda: submitting(finished)] * 2)

    attempts = list(Attempt.objects.filter(student=alice, quiz=pooled).order_by("number"))
    assert [attempt.number for attempt in attempts] == [1, 2, 3]
    drawn = [key for attempt in attempts for key in attempt.question_keys if key in POOL]
    assert sorted(drawn) == sorted(POOL)


def test_simultaneous_starts_resume_one_attempt_with_one_draw(pooled, alice):
    url = f"/quizzes/{pooled.key}/"
    clients = [client_for(alice) for _ in range(4)]

    together(*(lambda c=c: c.post(url) for c in clients))

    attempt = Attempt.objects.get(student=alice, quiz=pooled)
    held = set(attempt.responses.values_list("part__question__key", flat=True))
    assert held == set(attempt.question_keys)
    assert len([key for key in attempt.question_keys if key in POOL]) == 1
