"""Scores are sent exactly once under retries and concurrent senders, on PostgreSQL.

Each sender claims a row with one conditional UPDATE (pending, or a claim that lapsed →
sending); only the sender whose UPDATE matched sends it. SQLite runs one write at a time,
so there is no race to check there.
"""

from __future__ import annotations

import threading
from collections import Counter

import pytest
from django.contrib.auth import get_user_model
from django.db import connections
from django.test import Client

from quiz import services
from quiz.lti.models import OutgoingScore
from quiz.lti.outbox import send_scores
from tests.lti.conftest import launch
from tests.lti.platform import LEARNER, Person
from tests.quiz.conftest import GOOD_ANSWERS
from tests.races import POSTGRES_ONLY

pytestmark = POSTGRES_ONLY


@pytest.mark.timeout(300)
def test_a_failing_gradebook_that_recovers_gets_every_score_exactly_once_from_racing_senders(
    committed_roles, platform, quiz
):
    people = [Person(f"u-{n}", f"Student{n}", "Test", f"s{n}@uni.example", [LEARNER]) for n in range(8)]
    for person in people:
        assert launch(Client(), platform, platform.plan(person, custom={"quiz": quiz.key})).status_code == 302
    platform.score_failures = 10_000  # down: every send after each submit fails
    for student in get_user_model().objects.filter(username__startswith="lti-"):
        attempt = services.start_attempt(student=student, quiz=quiz)
        for key, text in GOOD_ANSWERS.items():
            services.save_response(attempt=attempt, part_key=key, text=text, sequence=1)
        services.submit_attempt(attempt=attempt)
    assert Counter(OutgoingScore.objects.values_list("status", flat=True)) == {OutgoingScore.Status.PENDING: 8}
    assert platform.scores == []

    # It comes back, failing a few more times; four senders race until nothing waits.
    platform.score_failures, platform.score_delay = 5, 0.02
    barrier, errors = threading.Barrier(4), []

    def sender():
        try:
            barrier.wait(timeout=30)
            for _ in range(50):
                send_scores()
                if not OutgoingScore.objects.exclude(status=OutgoingScore.Status.SENT).exists():
                    return
        except BaseException as error:  # reported in the test's thread
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=sender) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    rows = list(OutgoingScore.objects.all())
    assert {row.status for row in rows} == {OutgoingScore.Status.SENT}
    received = Counter((score["userId"], score["timestamp"]) for score in platform.scores)
    assert len(received) == 8 and set(received.values()) == {1}, received
    assert sum(row.tries for row in rows) == 8 + 5 + 8  # the first failures, the later ones, the successes
