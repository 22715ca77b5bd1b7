"""The save contract (docs/save-contract.md): one part per POST, sequence numbers, a status code per outcome."""

from datetime import UTC, datetime, timedelta

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
    def post(part="q2a", text="903400", sequence=1, client=alice_client, edited_at=None, **extra):
        data = {"part": part, "text": text, "sequence": sequence}
        if edited_at is not None:
            data["edited_at"] = edited_at
        return client.post(reverse("student:attempt_save", args=[attempt.pk]), data, **extra)

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


def milliseconds(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


def test_a_save_typed_before_the_answer_another_window_saved_is_refused_with_that_answer(save, attempt):
    now = datetime.now(UTC)
    save(text="903400", sequence=1, edited_at=milliseconds(now - timedelta(seconds=5)))
    response = save(text="9034", sequence=1, edited_at=milliseconds(now - timedelta(seconds=20)))
    assert response.status_code == 409
    body = response.json()
    assert (body["error"], body["sequence"]) == ("stale", 1)
    assert "another window or device" in body["message"]
    stored_answer = body["stored"]
    assert (stored_answer["text"], stored_answer["sequence"], stored_answer["message"]) == ("903400", 1, None)
    assert stored_answer["saved_at"].startswith(stored(attempt).saved_at.isoformat()[:19])
    assert stored(attempt).text == "903400"


def test_the_newest_edit_wins_whichever_window_it_comes_from(save, attempt):
    """Two tabs opened before either saved: tab A saves 25088, then tab B types 512 over the same empty answer."""
    typed_in_a = datetime.now(UTC) - timedelta(seconds=10)
    assert save(part="q8b", text="25088", sequence=1, edited_at=milliseconds(typed_in_a)).json()["sequence"] == 1
    response = save(part="q8b", text="512", sequence=1, edited_at=milliseconds(typed_in_a + timedelta(seconds=3)))
    assert response.status_code == 200
    assert response.json()["sequence"] == 2, "the page learns that another window had saved"
    assert (stored(attempt, "q8b").text, stored(attempt, "q8b").sequence) == ("512", 2)


def test_a_save_that_does_not_say_when_it_was_typed_never_replaces_an_answer_it_did_not_see(save, attempt):
    save(text="903400", sequence=1)
    response = save(text="9034", sequence=1)
    assert response.status_code == 409
    assert response.json()["stored"]["text"] == "903400"


def test_the_same_save_again_is_an_idempotent_retry(save, attempt):
    save(text="903400", sequence=1)
    response = save(text="903400", sequence=1)
    assert response.status_code == 200
    assert response.json()["sequence"] == 1
    assert attempt.events.filter(kind=AttemptEvent.Kind.SAVED).count() == 1


def test_a_sequence_ahead_of_the_stored_one_is_a_400_and_changes_nothing(save, attempt):
    """Sequences grow by one per save, so no client can push a part to the largest number and freeze it."""
    response = save(sequence=2**31 - 1)
    assert response.status_code == 400
    assert "ahead of the saved one" in response.json()["message"]
    assert stored(attempt).sequence == 0
    assert save(sequence=1).status_code == 200


@pytest.mark.parametrize("edited_at", ["soon", "-1", "1.5", str(10**16)])
def test_a_malformed_edit_time_is_a_400(save, attempt, edited_at):
    response = save(edited_at=edited_at)
    assert response.status_code == 400
    assert response.json()["message"].startswith("edited_at:")
    assert stored(attempt).text == ""


@pytest.mark.parametrize(
    ("text", "message"),
    [("x" * 20_001, "This answer is 20,001 characters long; at most 20,000 can be saved."), ("9\x00", "NUL character")],
)
def test_an_answer_that_cannot_be_saved_says_why_in_words_for_the_student(save, attempt, text, message):
    response = save(part="q9a", text=text)
    assert response.status_code == 400
    assert message in response.json()["message"]
    assert stored(attempt, "q9a").text == ""


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
    response = alice_client.post(reverse("student:attempt_save", args=[attempt.pk]), data)
    assert response.status_code == 400
    assert response.json()["error"] == "invalid"
    assert response.json()["message"]
    assert not attempt.events.filter(kind=AttemptEvent.Kind.SAVED).exists()


def test_a_save_to_a_submitted_attempt_is_a_409(save, attempt):
    services.submit_attempt(attempt=attempt)
    response = save()
    assert response.status_code == 409
    assert response.json()["error"] == "closed"
    assert response.json()["result_url"] == reverse("student:attempt_result", args=[attempt.pk])


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
    url = reverse("student:attempt_save", args=[attempt.pk])
    response = Client().post(url, {"part": "q2a", "text": "1", "sequence": 1})
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
    url = reverse("student:attempt_save", args=[attempt.pk])
    response = client.post(url, {"part": "q2a", "text": "1", "sequence": 1})
    assert response.status_code == 403


def test_saving_is_a_post(alice_client, attempt):
    assert alice_client.get(reverse("student:attempt_save", args=[attempt.pk])).status_code == 405


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(part=st.text(max_size=30), text=st.text(max_size=60), sequence=st.text(max_size=12))
def test_no_input_gives_a_server_error(alice_client, attempt, part, text, sequence):
    data = {"part": part, "text": text, "sequence": sequence}
    response = alice_client.post(reverse("student:attempt_save", args=[attempt.pk]), data)
    assert response.status_code in (200, 400, 409)


def test_the_whole_page_save_stores_every_changed_answer(alice_client, attempt):
    services.save_response(attempt=attempt, part_key="q2b", text="12.6 MB", sequence=1)
    response = alice_client.post(
        reverse("student:attempt_save_all", args=[attempt.pk]),
        {"answer-q2a": "903400", "sequence-q2a": "0", "answer-q2b": "12.6 MB", "sequence-q2b": "1",
         "answer-q4a": "5 6\r\n10 9", "sequence-q4a": "0", "answer-q7c": "smaller", "sequence-q7c": "0", "save": ""},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse("student:attempt", args=[attempt.pk])
    assert "Saved Question 2a, Question 4, Question 7c at" in response.content.decode()
    assert stored(attempt, "q4a").text == "5 6\n10 9"
    assert stored(attempt, "q2b").sequence == 1


def test_the_whole_page_save_keeps_an_answer_changed_in_another_window(alice_client, attempt):
    services.save_response(attempt=attempt, part_key="q2a", text="9027", sequence=1)
    services.save_response(attempt=attempt, part_key="q2a", text="902700", sequence=2)
    response = alice_client.post(
        reverse("student:attempt_save_all", args=[attempt.pk]),
        {"answer-q2a": "903400", "sequence-q2a": "1"},
        follow=True,
    )
    assert "Question 2a was not saved" in response.content.decode()
    assert stored(attempt).text == "902700"


def test_finishing_saves_and_asks_for_confirmation(alice_client, attempt):
    response = alice_client.post(
        reverse("student:attempt_save_all", args=[attempt.pk]),
        {"answer-q2a": "903400", "sequence-q2a": "0", "finish": ""},
    )
    assert response["Location"] == reverse("student:attempt_submit", args=[attempt.pk])
    assert stored(attempt).text == "903400"


def test_the_whole_page_save_after_submitting_goes_to_the_result(alice_client, attempt):
    services.submit_attempt(attempt=attempt)
    data = {"answer-q2a": "1", "sequence-q2a": "0"}
    response = alice_client.post(reverse("student:attempt_save_all", args=[attempt.pk]), data)
    assert response["Location"] == reverse("student:attempt_result", args=[attempt.pk])
    assert stored(attempt).text == ""


def test_the_whole_page_save_of_another_student_is_not_found(client, bob, attempt):
    client.force_login(bob)
    url = reverse("student:attempt_save_all", args=[attempt.pk])
    response = client.post(url, {"answer-q2a": "1", "sequence-q2a": "0"})
    assert response.status_code == 404


def test_the_whole_page_save_is_a_post(alice_client, attempt):
    assert alice_client.get(reverse("student:attempt_save_all", args=[attempt.pk])).status_code == 405


# --- The answers the server holds (a page checking it is current) ----------------------------------------


def test_the_answers_read_gives_every_part_as_the_server_holds_it(alice_client, attempt):
    services.save_response(attempt=attempt, part_key="q2b", text="1.234,5 MB", sequence=1)
    response = alice_client.get(reverse("student:attempt_answers", args=[attempt.pk]))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    body = response.json()
    assert body["open"] is True
    assert len(body["answers"]) == 21
    q2b = body["answers"]["q2b"]
    assert (q2b["text"], q2b["sequence"], q2b["label"], q2b["page"]) == ("1.234,5 MB", 1, "Question 2b", 1)
    assert "decimal point" in q2b["message"]
    assert q2b["saved_at"].startswith(stored(attempt, "q2b").saved_at.isoformat()[:19])
    blank = {"text": "", "sequence": 0, "saved_at": None, "message": None, "label": "Question 1", "page": 1}
    assert body["answers"]["q1a"] == blank


def test_the_answers_read_gives_the_page_each_part_is_on_in_the_attempts_own_order(alice_client, alice, quiz):
    quiz.questions_per_page, quiz.shuffle_questions = 3, True
    quiz.save()
    attempt = services.start_attempt(student=alice, quiz=quiz)
    answers = alice_client.get(reverse("student:attempt_answers", args=[attempt.pk])).json()["answers"]
    order = attempt.in_question_order([f"q{n}" for n in range(1, 11)], lambda key: key)
    expected = {key: position // 3 + 1 for position, key in enumerate(order)}
    assert {key: answer["page"] for key, answer in answers.items()} == {
        key: expected[key[: -1]] for key in answers
    }


def test_the_answers_read_reveals_no_verdict(alice_client, attempt):
    services.save_response(attempt=attempt, part_key="q2a", text="903400", sequence=1)
    services.submit_attempt(attempt=attempt)
    attempt.refresh_from_db()
    attempt.state = "in_progress"  # reopened by a teacher: the verdicts stay on the rows
    attempt.deadline = None
    attempt.save()
    answer = alice_client.get(reverse("student:attempt_answers", args=[attempt.pk])).json()["answers"]["q2a"]
    assert set(answer) == {"text", "sequence", "saved_at", "message", "label", "page"}


def test_the_answers_read_of_a_submitted_attempt_points_to_the_result(alice_client, attempt):
    services.submit_attempt(attempt=attempt)
    body = alice_client.get(reverse("student:attempt_answers", args=[attempt.pk])).json()
    assert body["open"] is False
    assert body["result_url"] == reverse("student:attempt_result", args=[attempt.pk])
    assert "answers" not in body


def test_the_answers_read_submits_an_overdue_attempt_first(alice_client, attempt):
    with time_machine.travel(attempt.deadline + timedelta(seconds=31), tick=False):
        body = alice_client.get(reverse("student:attempt_answers", args=[attempt.pk])).json()
    assert body["open"] is False
    attempt.refresh_from_db()
    assert attempt.auto_submitted


def test_the_answers_read_refuses_like_a_save(client, attempt, bob, tess):
    url = reverse("student:attempt_answers", args=[attempt.pk])
    assert client.get(url).status_code == 401
    client.force_login(tess)
    assert client.get(url).status_code == 403
    client.force_login(bob)
    response = client.get(url)
    assert (response.status_code, response.json()["error"]) == (404, "not_found")
    assert client.post(url).status_code == 405


def test_the_answers_read_is_six_queries(alice_client, attempt, django_assert_num_queries):
    # 1 session, 2 user, 3 the user's groups, 4 the attempt, 5 the responses with their parts, 6 the parts' siblings.
    with django_assert_num_queries(6):
        alice_client.get(reverse("student:attempt_answers", args=[attempt.pk]))
