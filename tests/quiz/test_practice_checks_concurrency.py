"""Checks racing a submit, on PostgreSQL (SQLite takes one writer at a time, so there is no race there).

A check saves and counts under the attempt's row lock, the lock a submit takes: every check either
lands before the submission (and its wrong try counts in the grade) or is refused as closed.
"""

from __future__ import annotations

import random
import time
from decimal import Decimal

import pytest
from django.urls import reverse

from quiz import grading, services
from quiz.models import AttemptEvent
from tests.quiz.test_concurrency import client_for, stored, together
from tests.races import POSTGRES_ONLY

pytestmark = [*POSTGRES_ONLY, pytest.mark.usefixtures("committed_roles")]

WRONG, RIGHT = "902700", "903400"


@pytest.fixture
def practice(committed_roles):
    from quiz.bank import load_question_bank

    quiz = load_question_bank().quiz
    quiz.time_limit_minutes, quiz.allow_checks, quiz.check_penalty = None, True, Decimal("0.05")
    quiz.save()
    return quiz


def test_checks_racing_a_submit_count_only_until_it_and_the_grade_holds_their_penalty(practice, students):
    for student in students(4):
        attempt = services.start_attempt(student=student, quiz=practice)
        checker, submitter = client_for(student), client_for(student)
        url = reverse("student:attempt_check", args=[attempt.pk])

        def checking(checker=checker, url=url):
            replies = []
            for sequence in range(1, 31):
                text = RIGHT if sequence % 3 == 0 else WRONG
                data = {"part": "q2a", "text": text, "sequence": sequence}
                replies.append((text, checker.post(url, data)))
            return replies

        def submitting(attempt=attempt, submitter=submitter):
            time.sleep(random.uniform(0.01, 0.2))
            return submitter.post(reverse("student:attempt_submit", args=[attempt.pk]))

        replies, submitted = together(checking, submitting)

        assert submitted.status_code == 302
        codes = [reply.status_code for _, reply in replies]
        assert set(codes) <= {200, 409}
        first_refused = codes.index(409) if 409 in codes else len(codes)
        assert set(codes[first_refused:]) <= {409}, "a check accepted after one was refused as closed"
        assert all(reply.json()["error"] == "closed" for _, reply in replies[first_refused:])
        accepted = [text for text, reply in replies if reply.status_code == 200]
        wrong = accepted.count(WRONG)
        response = stored(attempt, "q2a")
        assert (response.checks, response.wrong_checks) == (len(accepted), wrong)
        submit_event = attempt.events.get(kind=AttemptEvent.Kind.SUBMITTED)
        checks = attempt.events.filter(kind=AttemptEvent.Kind.CHECKED)
        assert checks.count() == len(accepted)
        assert not checks.filter(id__gt=submit_event.id).exists()
        credit = 1.0 if accepted and accepted[-1] == RIGHT else 0.0
        expected = grading.credit_after_deduction(credit, grading.practice_deduction(Decimal("0.05"), wrong))
        assert response.score == expected
