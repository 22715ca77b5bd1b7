"""Attempts made the way students make them: started, answered and submitted through the services."""

from __future__ import annotations

import copy

import pytest
from django.utils import translation

from quiz import services
from quiz.models import Attempt, Response
from quiz.roles import STUDENTS
from tests.conftest import make_user

GOOD_ANSWERS = {
    "q2a": "903400",
    "q4a": "[[5, 6], [10, 9]]",
    "q6b": "Skip connections: each block learns a residual, which lets very deep networks train.",
}
"""Answers to three parts: two right numeric answers and a free-text answer the rubric credits in full."""


@pytest.fixture(autouse=True)
def language_restored():
    """A request's language stays active in the test's thread after the test client returns (a server activates
    one per request); the next test starts in the language this one started in, whatever this one asked for."""
    language = translation.get_language()
    yield
    translation.activate(language)


@pytest.fixture
def alice_client(client, alice):
    """A browser session logged in as alice."""
    client.force_login(alice)
    return client


@pytest.fixture
def teacher_client(client, tess):
    """A browser session logged in as tess, a teacher."""
    client.force_login(tess)
    return client


@pytest.fixture
def attempt(alice, quiz):
    """Alice's first attempt, just started."""
    return services.start_attempt(student=alice, quiz=quiz)


@pytest.fixture
def submitted_attempt(quiz):
    """A factory: `submitted_attempt(student, {"q6b": "text"})` returns the graded attempt.

    Parts left out of the answers stay unanswered; `quiz=` and `now=` are optional.
    """

    def make(student, answers: dict[str, str] | None = None, *, quiz=quiz, now=None) -> Attempt:
        attempt = services.start_attempt(student=student, quiz=quiz, now=now)
        for key, text in (GOOD_ANSWERS if answers is None else answers).items():
            services.save_response(attempt=attempt, part_key=key, text=text, sequence=1, now=now)
        return services.submit_attempt(attempt=attempt, now=now)

    return make


@pytest.fixture
def students(db, django_user_model):
    """A factory: `students(5)` returns five new students, student01 to student05."""

    def make(count: int, start: int = 1) -> list:
        return [make_user(django_user_model, f"student{n:02d}", STUDENTS) for n in range(start, start + count)]

    return make


@pytest.fixture
def many_attempts(students, submitted_attempt):
    """A factory: `many_attempts(50)` gives 50 new students one submitted attempt each, quickly.

    The first attempt is made through the services; the others are row-for-row copies of
    it, for tests that need many attempts (query counts) rather than many gradings.
    """

    def make(count: int) -> list[Attempt]:
        first, *others = students(count)
        original = submitted_attempt(first)
        responses = list(original.responses.all())
        copies = Attempt.objects.bulk_create(_copy(original, student=student) for student in others)
        Response.objects.bulk_create(_copy(response, attempt=attempt) for attempt in copies for response in responses)
        return [original, *copies]

    return make


def _copy(instance, **changes):
    duplicate = copy.copy(instance)
    duplicate.pk = None
    for name, value in changes.items():
        setattr(duplicate, name, value)
    return duplicate
