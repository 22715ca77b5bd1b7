"""What LTI costs: a launch, the outbox's share of a submit, and sending scores, against the test LMS.

    python bench/lti.py [--launches 40]

Runs on a fresh SQLite file in a temporary folder, with the test LMS of tests/lti/platform.py
on loopback (keyset, token and score endpoints over real HTTP, so the figures include
ConvQuiz's HTTP round trips but not an LMS's own latency). Measures:

- a launch (login initiation, then the form post: id_token validated, account, course
  group, link, score target), through the Django test client;
- a submit of a student who came from no LMS (one query more: no score target) and of one
  who did (the grade that counts and an outbox row, sending left out);
- sending queued scores: the access token once per batch, then one POST per score.

Prints one JSON object per figure, one per line.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from unittest import mock

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def setup(folder: str) -> None:
    os.environ.update({
        "DJANGO_SETTINGS_MODULE": "config.settings", "DEBUG": "true", "LOG_LEVEL": "ERROR",
        "DATABASE_URL": f"sqlite:///{folder}/bench.sqlite3", "SECURE_SSL_REDIRECT": "false",
        "ALLOWED_HOSTS": "testserver", "LTI_SEND_IN_BACKGROUND": "false",
    })
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def timed(call) -> float:
    start = time.perf_counter()
    call()
    return (time.perf_counter() - start) * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--launches", type=int, default=40)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        setup(folder)
        results = run(args.launches)
    for name, value in results.items():
        print(json.dumps({"bench": "lti", "metric": name, "value": round(value, 2)}))


def run(count: int) -> dict:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.test import Client
    from lti_tool.models import Key

    from quiz import services
    from quiz.bank import load_question_bank
    from quiz.lti import outbox
    from quiz.lti.models import OutgoingScore
    from quiz.roles import STUDENTS
    from tests.lti.conftest import launch
    from tests.lti.platform import LEARNER, Person, Platform
    from tests.quiz.conftest import GOOD_ANSWERS

    quiz = load_question_bank().quiz
    platform = Platform()
    platform.register()
    platform.trust_tool_keys(Key.objects.as_jwks())
    people = [Person(f"u-{n}", f"S{n}", "Bench", f"s{n}@uni.example", [LEARNER]) for n in range(count)]
    custom = {"quiz": quiz.key}
    hints = [platform.plan(person, custom=custom) for person in people]
    launches = [timed(lambda hint=hint: launch(Client(), platform, hint)) for hint in hints]

    def submit(student):
        attempt = services.start_attempt(student=student, quiz=quiz)
        for key, text in GOOD_ANSWERS.items():
            services.save_response(attempt=attempt, part_key=key, text=text, sequence=1)
        return timed(lambda: services.submit_attempt(attempt=attempt))

    group = Group.objects.get(name=STUDENTS)
    locals_ = [get_user_model().objects.create_user(f"local{n}") for n in range(count)]
    for user in locals_:
        user.groups.add(group)
    local_submits = [submit(user) for user in locals_]
    with mock.patch.object(outbox, "send_after_commit"):
        lms_submits = [submit(user) for user in get_user_model().objects.filter(username__startswith="lti-")]
    assert OutgoingScore.objects.filter(status="pending").count() == count
    send_ms = timed(outbox.send_scores)
    assert len(platform.scores) == count
    platform.close()
    return {
        "launch_median_ms": statistics.median(launches),
        "submit_without_lms_median_ms": statistics.median(local_submits),
        "submit_with_lms_queued_median_ms": statistics.median(lms_submits),
        "send_ms_per_score": send_ms / count,
    }


if __name__ == "__main__":
    main()
