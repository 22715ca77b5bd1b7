"""Integrity under concurrency: real requests at the same moment, each thread on its own database connection.

What guards what (quiz/services.py, quiz/models.py):
- one submission and one grade: the row lock on the attempt (`select_for_update`) that
  `submit_attempt` takes, after which a second submit finds the attempt closed;
- a save against a submit: `save_response` takes the same attempt lock, so a save lands
  before the grading or gets `409 closed`;
- the newest edit wins, from any tab: the comparison of sequences and edit times happens
  under that lock;
- the attempt limit: every start takes the student's row lock before counting the attempts
  made (finished and open) and creating the next, so starts and submits in any interleaving
  never exceed it; the constraints `unique_attempt_number` and `one_attempt_in_progress`
  stand behind it.

SQLite takes one writer at a time, so none of these races can happen there: the tests
run on PostgreSQL only.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable

import pytest
from django.db import connections
from django.test import Client
from django.urls import reverse

from quiz import services
from quiz.bank import load_question_bank
from quiz.models import Attempt, AttemptEvent, AttemptState, Response, StandingAccommodation
from tests.races import POSTGRES_ONLY

pytestmark = [*POSTGRES_ONLY, pytest.mark.usefixtures("committed_roles")]


@pytest.fixture
def quiz(committed_roles):
    return load_question_bank().quiz


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def together(*calls: Callable):
    """Run each call in a thread of its own, released at the same moment; their results, in order.

    Every thread uses its own database connection, closed when it ends.
    """
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)
    errors: list[BaseException] = []

    def run(index: int, call: Callable) -> None:
        try:
            barrier.wait(timeout=30)
            results[index] = call()
        except BaseException as error:  # reported in the test's thread below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(index, call)) for index, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a request never finished: a deadlock?"
    if errors:
        raise errors[0]
    return results


def save(client: Client, attempt: Attempt, part: str, text: str, sequence: int, edited_at: int | None = None):
    data = {"part": part, "text": text, "sequence": sequence}
    if edited_at is not None:
        data["edited_at"] = edited_at
    return client.post(reverse("student:attempt_save", args=[attempt.pk]), data)


def stored(attempt: Attempt, key: str) -> Response:
    return attempt.responses.get(part__question__key=key[:-1], part__key=key[-1])


# --- Submitting --------------------------------------------------------------------------------------


def test_simultaneous_submits_give_one_submission_and_one_grade(quiz, alice, monkeypatch):
    attempt = services.start_attempt(student=alice, quiz=quiz)
    services.save_response(attempt=attempt, part_key="q2a", text="903400", sequence=1)
    gradings = []
    grade = services.grade_attempt
    monkeypatch.setattr(services, "grade_attempt", lambda graded: gradings.append(graded.pk) or grade(graded))
    clients = [client_for(alice) for _ in range(6)]
    url = reverse("student:attempt_submit", args=[attempt.pk])

    replies = together(*(lambda c=c: c.post(url) for c in clients))

    assert [reply.status_code for reply in replies] == [302] * 6
    assert {reply["Location"] for reply in replies} == {reverse("student:attempt_result", args=[attempt.pk])}
    assert gradings == [attempt.pk]
    assert attempt.events.filter(kind=AttemptEvent.Kind.SUBMITTED).count() == 1
    attempt.refresh_from_db()
    assert attempt.state != AttemptState.IN_PROGRESS
    assert stored(attempt, "q2a").status == "correct"


def test_saves_racing_a_submit_keep_the_last_acknowledged_answer_and_never_change_the_submitted_one(
    quiz, students
):
    for student in students(4):
        attempt = services.start_attempt(student=student, quiz=quiz)
        typist, submitter = client_for(student), client_for(student)

        def typing(attempt=attempt, typist=typist):
            replies = []
            for sequence in range(1, 41):
                replies.append((sequence, save(typist, attempt, "q2a", f"{sequence}00", sequence)))
            return replies

        def submitting(attempt=attempt, submitter=submitter):
            time.sleep(random.uniform(0.01, 0.15))
            return submitter.post(reverse("student:attempt_submit", args=[attempt.pk]))

        replies, submitted = together(typing, submitting)

        assert submitted.status_code == 302
        codes = [reply.status_code for _, reply in replies]
        assert set(codes) <= {200, 409}
        first_refused = codes.index(409) if 409 in codes else len(codes)
        assert set(codes[first_refused:]) <= {409}, "a save accepted after one was refused as closed"
        assert all(reply.json()["error"] == "closed" for _, reply in replies[first_refused:])
        acknowledged = [sequence for sequence, reply in replies if reply.status_code == 200]
        response = stored(attempt, "q2a")
        if acknowledged:
            assert (response.sequence, response.text) == (acknowledged[-1], f"{acknowledged[-1]}00")
        else:
            assert response.text == ""
        # Every acknowledged save was logged before the submission, and graded with the attempt.
        submit_event = attempt.events.get(kind=AttemptEvent.Kind.SUBMITTED)
        saves = attempt.events.filter(kind=AttemptEvent.Kind.SAVED)
        assert saves.count() == len(acknowledged)
        assert not saves.filter(id__gt=submit_event.id).exists()
        assert response.graded_at is not None and (response.saved_at is None or response.saved_at <= response.graded_at)


# --- Saving ------------------------------------------------------------------------------------------


def test_two_tabs_saving_different_parts_keep_both(quiz, alice):
    attempt = services.start_attempt(student=alice, quiz=quiz)
    first, second = client_for(alice), client_for(alice)

    def typing(client, part):
        return [save(client, attempt, part, f"{part} {sequence}", sequence).status_code for sequence in range(1, 21)]

    codes = together(lambda: typing(first, "q2a"), lambda: typing(second, "q2b"), lambda: typing(first, "q8b"))

    assert codes == [[200] * 20] * 3
    assert [stored(attempt, key).text for key in ("q2a", "q2b", "q8b")] == ["q2a 20", "q2b 20", "q8b 20"]


def test_two_tabs_typing_in_the_same_part_keep_the_newest_edit(quiz, alice):
    """Each tab saves what it typed over the answer it last knew, saying when it was typed, as the page does."""
    attempt = services.start_attempt(student=alice, quiz=quiz)
    clock = threading.Lock()
    last_edit = [0]
    edits: dict[str, int] = {}

    def edit_time() -> int:
        # Keystrokes in two tabs never share a millisecond: which one is newer is always defined.
        with clock:
            last_edit[0] = max(int(time.time() * 1000), last_edit[0] + 1)
            return last_edit[0]

    def typing(tab: str):
        client, known, replies = client_for(alice), 0, []
        for n in range(1, 26):
            text, edited_at = f"{tab}{n}", edit_time()
            edits[text] = edited_at
            time.sleep(random.uniform(0, 0.01))
            reply = save(client, attempt, "q2a", text, known + 1, edited_at=edited_at)
            replies.append(reply.status_code)
            body = reply.json()
            known = body["sequence"] if reply.status_code == 200 else body["stored"]["sequence"]
        return replies

    codes = together(lambda: typing("A"), lambda: typing("B"))

    assert set(codes[0] + codes[1]) <= {200, 409}
    newest = max(edits, key=edits.get)
    response = stored(attempt, "q2a")
    assert response.text == newest
    assert int(response.edited_at.timestamp() * 1000) == edits[newest]
    # Every text differs, so every acknowledged save was a change, and added one.
    assert response.sequence == codes[0].count(200) + codes[1].count(200)


def test_a_tab_that_learned_of_a_newer_answer_does_not_overwrite_it_with_its_older_edit(quiz, alice):
    """Tab A typed 25088 while its saves were failing; tab B typed 512 later and saved; A's save arrives last."""
    attempt = services.start_attempt(student=alice, quiz=quiz)
    tab_a, tab_b = client_for(alice), client_for(alice)
    typed_in_a = int(time.time() * 1000)
    typed_in_b = typed_in_a + 2_000

    replies = together(
        lambda: save(tab_b, attempt, "q8b", "512", 1, edited_at=typed_in_b),
        lambda: (time.sleep(0.05), save(tab_a, attempt, "q8b", "25088", 1, edited_at=typed_in_a))[1],
    )

    assert replies[0].status_code == 200
    assert replies[1].status_code == 409
    assert replies[1].json()["stored"]["text"] == "512"
    assert stored(attempt, "q8b").text == "512"


# --- Starting ----------------------------------------------------------------------------------------


def test_starting_twice_at_once_gives_one_attempt(quiz, alice):
    quiz.attempts_allowed = 1
    quiz.save()
    clients = [client_for(alice) for _ in range(6)]
    url = reverse("student:quiz_start", args=[quiz.key])

    replies = together(*(lambda c=c: c.post(url) for c in clients))

    attempts = Attempt.objects.filter(student=alice, quiz=quiz)
    assert attempts.count() == 1
    assert {reply["Location"] for reply in replies} == {reverse("student:attempt", args=[attempts.get().pk])}


def test_simultaneous_starts_never_exceed_the_attempts_allowed(quiz, alice):
    quiz.attempts_allowed = 2
    quiz.save()
    services.submit_attempt(attempt=services.start_attempt(student=alice, quiz=quiz))
    clients = [client_for(alice) for _ in range(6)]
    url = reverse("student:quiz_start", args=[quiz.key])

    replies = together(*(lambda c=c: c.post(url) for c in clients))

    attempts = Attempt.objects.filter(student=alice, quiz=quiz).order_by("number")
    assert [attempt.number for attempt in attempts] == [1, 2]
    second = attempts.get(number=2)
    assert second.is_open
    assert {reply["Location"] for reply in replies} == {reverse("student:attempt", args=[second.pk])}

    # The limit reached, further simultaneous starts (after submitting) are all refused.
    services.submit_attempt(attempt=second)
    replies = together(*(lambda c=c: c.post(url) for c in clients))
    assert {reply["Location"] for reply in replies} == {url}
    assert Attempt.objects.filter(student=alice, quiz=quiz).count() == 2


def test_simultaneous_starts_never_exceed_the_attempts_a_standing_accommodation_allows(quiz, alice):
    quiz.attempts_allowed = 1
    quiz.save()
    StandingAccommodation.objects.create(student=alice, extra_attempts=1, reason="Letter")
    services.submit_attempt(attempt=services.start_attempt(student=alice, quiz=quiz))
    clients = [client_for(alice) for _ in range(6)]
    url = reverse("student:quiz_start", args=[quiz.key])

    together(*(lambda c=c: c.post(url) for c in clients))
    second = Attempt.objects.get(student=alice, quiz=quiz, number=2)
    services.submit_attempt(attempt=second)
    replies = together(*(lambda c=c: c.post(url) for c in clients))

    assert {reply["Location"] for reply in replies} == {url}
    assert Attempt.objects.filter(student=alice, quiz=quiz).count() == 2


def test_starts_and_submits_hammered_together_never_exceed_the_attempts_allowed(quiz, alice):
    """Starters and submitters in a loop each until the limit is reached, then again after the limit
    is raised: the count of finished and open attempts is checked and the next attempt created under
    one lock, so no interleaving slips an attempt past the limit."""
    starters, rounds = 6, 6

    def starting(finished: list):
        refusals = 0
        while refusals < 5:
            try:
                services.start_attempt(student=alice, quiz=quiz)
            except services.AttemptNotAllowed:
                refusals += 1
        finished.append(True)

    def submitting(finished: list):
        while len(finished) < starters:
            current = Attempt.objects.filter(student=alice, quiz=quiz, state=AttemptState.IN_PROGRESS).first()
            if current is not None:
                services.submit_attempt(attempt=current)

    for allowed in range(3, 3 * rounds + 1, 3):
        quiz.attempts_allowed = allowed
        quiz.save()
        finished = []
        together(*[lambda f=finished: starting(f)] * starters, *[lambda f=finished: submitting(f)] * 3)

        numbers = list(Attempt.objects.filter(student=alice, quiz=quiz).order_by("number").values_list(
            "number", flat=True
        ))
        assert numbers == list(range(1, allowed + 1)), f"attempts {numbers} where {allowed} are allowed"
