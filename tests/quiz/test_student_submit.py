"""Submitting: a confirmation listing unanswered and unreadable parts, and one submission however often it is sent."""

import re
from datetime import timedelta

import time_machine
from django.urls import reverse
from django.utils.html import escape

from quiz import services, sheets
from quiz.models import AttemptEvent, AttemptState


def test_the_confirmation_lists_the_unanswered_parts(alice_client, attempt):
    services.save_response(attempt=attempt, part_key="q2a", text="903400", sequence=1)
    services.save_response(attempt=attempt, part_key="q2b", text="   ", sequence=1)
    response = alice_client.get(reverse("student:attempt_submit", args=[attempt.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "20 parts still without an answer" in html
    assert f'{reverse("student:attempt", args=[attempt.pk])}#part-q2b">Question 2b</a>' in html
    assert ">Question 2a</a>" not in html


def test_the_confirmation_lists_unreadable_answers_with_the_graders_reason(alice_client, attempt):
    services.save_response(attempt=attempt, part_key="q5a", text="[3.78 1.22", sequence=1)
    services.save_response(attempt=attempt, part_key="q2b", text="12.6 MB", sequence=1)
    services.save_response(attempt=attempt, part_key="q9a", text="((( free text is never unreadable", sequence=1)
    html = alice_client.get(reverse("student:attempt_submit", args=[attempt.pk])).content.decode()
    unreadable = re.search(r'<ul class="mb-0 unreadable-list">(.*?)</ul>', html, re.S).group(1)
    reason = sheets.answer_message(attempt.responses.get(part__question__key="q5").part, "[3.78 1.22")
    assert reason
    page_url = reverse("student:attempt", args=[attempt.pk])
    assert f'<a href="{page_url}#part-q5a">Question 5</a>: {escape(reason)}' in unreadable
    assert unreadable.count("<li>") == 1
    assert "1 answer cannot be read and would score 0" in html


def test_the_confirmation_and_the_attempt_page_are_never_cached(alice_client, attempt):
    for name in ("student:attempt", "student:attempt_submit"):
        assert "no-store" in alice_client.get(reverse(name, args=[attempt.pk]))["Cache-Control"]


def test_the_confirmation_says_when_everything_is_answered(alice_client, attempt):
    services.save_answers(
        attempt=attempt, answers={f"q{n}a": ("x", 0) for n in range(1, 11)}
        | {key: ("x", 0) for key in ("q2b", "q2c", "q3b", "q6b", "q7b", "q7c", "q7d", "q8b", "q8c", "q8d", "q10b")},
    )
    response = alice_client.get(reverse("student:attempt_submit", args=[attempt.pk]))
    assert "Every part has an answer." in response.content.decode()


def test_submitting_grades_and_opens_the_result(alice_client, attempt):
    services.save_response(attempt=attempt, part_key="q2a", text="903400", sequence=1)
    response = alice_client.post(reverse("student:attempt_submit", args=[attempt.pk]))
    assert response["Location"] == reverse("student:attempt_result", args=[attempt.pk])
    attempt.refresh_from_db()
    assert attempt.state == AttemptState.GRADED
    assert not attempt.auto_submitted
    assert attempt.score == 1


def test_submitting_twice_gives_one_submission(alice_client, attempt):
    url = reverse("student:attempt_submit", args=[attempt.pk])
    first = alice_client.post(url)
    second = alice_client.post(url)
    assert first["Location"] == second["Location"] == reverse("student:attempt_result", args=[attempt.pk])
    assert attempt.events.filter(kind=AttemptEvent.Kind.SUBMITTED).count() == 1


def test_the_timer_submitting_at_the_deadline_counts_as_automatic(alice_client, attempt):
    with time_machine.travel(attempt.deadline + timedelta(seconds=2), tick=False):
        alice_client.post(reverse("student:attempt_submit", args=[attempt.pk]), {"reason": "time_up"})
    attempt.refresh_from_db()
    assert attempt.auto_submitted
    assert attempt.events.filter(kind=AttemptEvent.Kind.AUTO_SUBMITTED).count() == 1


def test_a_page_claiming_time_is_up_early_submits_normally(alice_client, attempt):
    alice_client.post(reverse("student:attempt_submit", args=[attempt.pk]), {"reason": "time_up"})
    attempt.refresh_from_db()
    assert not attempt.is_open and not attempt.auto_submitted


def test_a_submit_after_the_grace_period_finds_it_already_submitted(alice_client, attempt):
    with time_machine.travel(attempt.deadline + timedelta(minutes=5), tick=False):
        response = alice_client.post(reverse("student:attempt_submit", args=[attempt.pk]))
    assert response["Location"] == reverse("student:attempt_result", args=[attempt.pk])
    attempt.refresh_from_db()
    assert attempt.auto_submitted
    assert not attempt.events.filter(kind=AttemptEvent.Kind.SUBMITTED).exists()


def test_the_confirmation_of_a_submitted_attempt_opens_the_result(alice_client, attempt):
    services.submit_attempt(attempt=attempt)
    response = alice_client.get(reverse("student:attempt_submit", args=[attempt.pk]))
    assert response["Location"] == reverse("student:attempt_result", args=[attempt.pk])


def test_another_student_cannot_submit(client, bob, attempt):
    client.force_login(bob)
    assert client.get(reverse("student:attempt_submit", args=[attempt.pk])).status_code == 404
    assert client.post(reverse("student:attempt_submit", args=[attempt.pk])).status_code == 404
    attempt.refresh_from_db()
    assert attempt.is_open


def test_submitting_takes_only_get_and_post(alice_client, attempt):
    assert alice_client.delete(reverse("student:attempt_submit", args=[attempt.pk])).status_code == 405
