"""The save contract (docs/save-contract.md): one part per POST, sequence numbers, a status code per outcome."""

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from quiz import services
from quiz.models import AttemptEvent, Response


@pytest.fixture
def save(alice_client, attempt):
    def post(part="q2a", text="903400", sequence=1, client=alice_client, **extra):
        data = {"part": part, "text": text, "sequence": sequence}
        return client.post(reverse("attempt_save", args=[attempt.pk]), data, **extra)

    return post


def stored(attempt, key="q2a") -> Response:
    return attempt.responses.get(part__question__key=key[:-1], part__key=key[-1])


def test_a_save_replies_with_the_time_saved(save, attempt):
    response = save(REMOTE_ADDR="198.51.100.4")
    assert response.status_code == 200
    body = response.json()
    assert body["ok"] is True
    assert (body["part"], body["sequence"], body["message"]) == ("q2a", 1, None)
    assert body["saved_at"].startswith(stored(attempt).saved_at.isoformat()[:19])
    assert len(body["saved_at_display"]) == 8
    assert attempt.events.get(kind=AttemptEvent.Kind.SAVED).ip_address == "198.51.100.4"


def test_the_text_is_stored_exactly_as_typed(save, attempt):
    text = " [[5, 6],\r\n  [10, 9]]  "
    save(part="q4a", text=text)
    assert stored(attempt, "q4a").text == text


def test_an_empty_answer_clears_the_part(save, attempt):
    save(text="903400", sequence=1)
    assert save(text="", sequence=2).status_code == 200
    assert stored(attempt).text == ""


def test_an_unreadable_number_is_saved_and_flagged(save, attempt):
    body = save(part="q2b", text="1.234,5").json()
    assert "decimal point" in body["message"]
    assert stored(attempt, "q2b").text == "1.234,5"


def test_free_text_is_never_flagged(save):
    assert save(part="q9a", text="12,6 ((").json()["message"] is None


def test_a_save_is_eight_queries_in_one_transaction(save, django_assert_num_queries):
    # Read: 1 session, 2 user, 3 the user's groups, 4 the attempt. Then, in a transaction
    # (5 and 10 open and close it): 6 the attempt locked, 7 the response, 8 its update, 9 the log entry.
    with django_assert_num_queries(10):
        assert save().status_code == 200


def test_an_older_save_is_refused_as_stale(save, attempt):
    save(text="903400", sequence=5)
    response = save(text="9034", sequence=4)
    assert response.status_code == 409
    assert response.json()["error"] == "stale"
    assert response.json()["sequence"] == 5
    assert stored(attempt).text == "903400"


def test_the_same_save_again_is_an_idempotent_retry(save, attempt):
    save(text="903400", sequence=2)
    response = save(text="903400", sequence=2)
    assert response.status_code == 200
    assert response.json()["sequence"] == 2
    assert attempt.events.filter(kind=AttemptEvent.Kind.SAVED).count() == 1


@pytest.mark.parametrize(
    "data",
    [
        {"text": "1", "sequence": 1},
        {"part": "q2a", "text": "1"},
        {"part": "q2a", "text": "1", "sequence": "one"},
        {"part": "q2a", "text": "1", "sequence": 0},
        {"part": "q2a", "text": "1", "sequence": 2**31},
        {"part": "q2a", "text": "1", "sequence": "1.5"},
        {"part": "q99z", "text": "1", "sequence": 1},
        {"part": "q2a", "text": "x" * 20_001, "sequence": 1},
        {"part": "q2a", "text": "9\x00", "sequence": 1},
        {"part": "x" * 500, "text": "1", "sequence": 1},
    ],
)
def test_a_malformed_save_is_a_400_with_a_message(alice_client, attempt, data):
    response = alice_client.post(reverse("attempt_save", args=[attempt.pk]), data)
    assert response.status_code == 400
    assert response.json()["error"] == "invalid"
    assert response.json()["message"]
    assert not attempt.events.filter(kind=AttemptEvent.Kind.SAVED).exists()


def test_a_save_to_a_submitted_attempt_is_a_409(save, attempt):
    services.submit_attempt(attempt=attempt)
    response = save()
    assert response.status_code == 409
    assert response.json()["error"] == "closed"
    assert response.json()["result_url"] == reverse("attempt_result", args=[attempt.pk])


def test_a_save_within_the_grace_period_is_kept(save, attempt):
    with time_machine.travel(attempt.deadline + timedelta(seconds=25), tick=False):
        assert save().status_code == 200


def test_a_save_after_the_deadline_submits_the_attempt(save, attempt):
    save(text="903400", sequence=1)
    with time_machine.travel(attempt.deadline + timedelta(seconds=31), tick=False):
        response = save(text="0", sequence=2)
    assert response.status_code == 409
    assert response.json()["error"] == "closed"
    attempt.refresh_from_db()
    assert attempt.auto_submitted
    assert stored(attempt).text == "903400"


def test_an_expired_session_gets_a_401_not_a_redirect(attempt, db):
    response = Client().post(reverse("attempt_save", args=[attempt.pk]), {"part": "q2a", "text": "1", "sequence": 1})
    assert response.status_code == 401
    assert response.json()["error"] == "login"


def test_another_students_attempt_is_a_404(save, bob, attempt):
    other = Client()
    other.force_login(bob)
    response = save(client=other)
    assert response.status_code == 404
    assert response.json()["error"] == "not_found"
    assert stored(attempt).sequence == 0


def test_a_teacher_cannot_save_answers(save, tess):
    teacher = Client()
    teacher.force_login(tess)
    assert save(client=teacher).status_code == 403


def test_a_save_needs_the_csrf_token(alice, attempt):
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    response = client.post(reverse("attempt_save", args=[attempt.pk]), {"part": "q2a", "text": "1", "sequence": 1})
    assert response.status_code == 403


def test_saving_is_a_post(alice_client, attempt):
    assert alice_client.get(reverse("attempt_save", args=[attempt.pk])).status_code == 405


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(part=st.text(max_size=30), text=st.text(max_size=60), sequence=st.text(max_size=12))
def test_no_input_gives_a_server_error(alice_client, attempt, part, text, sequence):
    data = {"part": part, "text": text, "sequence": sequence}
    response = alice_client.post(reverse("attempt_save", args=[attempt.pk]), data)
    assert response.status_code in (200, 400, 409)


def test_the_whole_page_save_stores_every_changed_answer(alice_client, attempt):
    services.save_response(attempt=attempt, part_key="q2b", text="12.6 MB", sequence=3)
    response = alice_client.post(
        reverse("attempt_save_all", args=[attempt.pk]),
        {"answer-q2a": "903400", "sequence-q2a": "0", "answer-q2b": "12.6 MB", "sequence-q2b": "3",
         "answer-q4a": "5 6\r\n10 9", "sequence-q4a": "0", "answer-q7c": "smaller", "sequence-q7c": "0", "save": ""},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse("attempt", args=[attempt.pk])
    assert "Saved Question 2a, Question 4, Question 7c at" in response.content.decode()
    assert stored(attempt, "q4a").text == "5 6\n10 9"
    assert stored(attempt, "q2b").sequence == 3


def test_the_whole_page_save_keeps_an_answer_changed_in_another_window(alice_client, attempt):
    services.save_response(attempt=attempt, part_key="q2a", text="902700", sequence=2)
    response = alice_client.post(
        reverse("attempt_save_all", args=[attempt.pk]), {"answer-q2a": "903400", "sequence-q2a": "1"}, follow=True
    )
    assert "Question 2a was not saved" in response.content.decode()
    assert stored(attempt).text == "902700"


def test_finishing_saves_and_asks_for_confirmation(alice_client, attempt):
    response = alice_client.post(
        reverse("attempt_save_all", args=[attempt.pk]), {"answer-q2a": "903400", "sequence-q2a": "0", "finish": ""}
    )
    assert response["Location"] == reverse("attempt_submit", args=[attempt.pk])
    assert stored(attempt).text == "903400"


def test_the_whole_page_save_after_submitting_goes_to_the_result(alice_client, attempt):
    services.submit_attempt(attempt=attempt)
    data = {"answer-q2a": "1", "sequence-q2a": "0"}
    response = alice_client.post(reverse("attempt_save_all", args=[attempt.pk]), data)
    assert response["Location"] == reverse("attempt_result", args=[attempt.pk])
    assert stored(attempt).text == ""


def test_the_whole_page_save_of_another_student_is_not_found(client, bob, attempt):
    client.force_login(bob)
    response = client.post(reverse("attempt_save_all", args=[attempt.pk]), {"answer-q2a": "1", "sequence-q2a": "0"})
    assert response.status_code == 404


def test_the_whole_page_save_is_a_post(alice_client, attempt):
    assert alice_client.get(reverse("attempt_save_all", args=[attempt.pk])).status_code == 405
