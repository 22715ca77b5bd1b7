"""Overriding a part's score and reopening an attempt from the teacher's attempt page."""

import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from quiz import reviews, services
from quiz.models import AttemptEvent, Response


@pytest.fixture
def attempt(alice, submitted_attempt):
    return submitted_attempt(alice)


def q2a_of(attempt) -> Response:
    return Response.objects.get(attempt=attempt, part__question__key="q2", part__key="a")


def test_the_attempt_page_shows_answers_controls_and_the_event_log(teacher_client, attempt):
    page = teacher_client.get(reverse("teacher:attempt", args=[attempt.pk])).content.decode()
    assert "Alice" in page and "3" in page and "Needs review" in page
    assert '<dt>Answer</dt><dd><span class="typed-answer answer-mono">903400</span></dd>' in page
    assert '<mark class="concept-found" data-concepts="skip_connections">Skip connections</mark>' in page
    assert page.count("Override score") == 21
    assert page.count(">Confirm score</button>") == 1  # the one written answer
    assert "Reopen this attempt" in page
    assert 'class="table-responsive event-log"' in page and "Submitted" in page


def test_the_attempt_page_highlights_where_the_stored_suggestion_found_each_concept(teacher_client, attempt):
    written = Response.objects.get(attempt=attempt, part__question__key="q6", part__key="b")
    [result, *others] = written.suggestion_concepts
    start, end = 0, len("Skip")
    written.suggestion_concepts = [{**result, "found": True, "spans": [[start, end]]}, *others]
    written.meaning_pending = False  # already read by meaning: the page shows it as stored
    written.save(update_fields=["suggestion_concepts", "meaning_pending"])

    page = teacher_client.get(reverse("teacher:attempt", args=[attempt.pk])).content.decode()

    assert f'<mark class="concept-found" data-concepts="{result["key"]}">Skip</mark> connections' in page


def test_an_override_shows_who_when_why_and_the_previous_score(teacher_client, attempt, client, alice):
    q2a = q2a_of(attempt)
    prefix = f"override-{q2a.pk}"
    response = teacher_client.post(
        reverse("teacher:override", args=[q2a.pk]), {f"{prefix}-points": "0.5", f"{prefix}-reason": "Working copied."}
    )
    assert response["Location"] == reverse("teacher:attempt", args=[attempt.pk]) + f"#part-{q2a.part_id}"
    page = teacher_client.get(response["Location"]).content.decode()
    assert "Overridden by Tess" in page and "(was 1 point): Working copied." in page
    assert "Override by Tess: 1 → 0.5 points · Working copied." in page
    attempt.refresh_from_db()
    assert str(attempt.score) == "2.500"

    client.force_login(alice)
    result = client.get(reverse("student:attempt_result", args=[attempt.pk])).content.decode()
    assert "Scored by your teacher: 0.5 of 1 point.</strong> Working copied." in result


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"points": "0.5", "reason": ""}, "This field is required."),
        ({"points": "2", "reason": "x"}, "Ensure this value is less than or equal to 1"),
        ({"points": "", "reason": "x"}, "This field is required."),
    ],
)
def test_an_invalid_override_shows_the_attempt_again_with_the_form_open(teacher_client, attempt, data, message):
    q2a = q2a_of(attempt)
    prefix = f"override-{q2a.pk}"
    response = teacher_client.post(
        reverse("teacher:override", args=[q2a.pk]), {f"{prefix}-{name}": value for name, value in data.items()}
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    q2a.refresh_from_db()
    assert q2a.override_score is None


def test_an_attempt_in_progress_cannot_be_overridden(teacher_client, quiz, bob):
    attempt = services.start_attempt(student=bob, quiz=quiz)
    q2a = q2a_of(attempt)
    prefix = f"override-{q2a.pk}"
    response = teacher_client.post(
        reverse("teacher:override", args=[q2a.pk]), {f"{prefix}-points": "1", f"{prefix}-reason": "early"}
    )
    assert response.status_code == 400
    assert "still in progress" in response.content.decode()


def test_reopening_gives_the_student_time_again(teacher_client, attempt, client, alice):
    before = timezone.now()
    response = teacher_client.post(
        reverse("teacher:reopen", args=[attempt.pk]), {"minutes": "20", "reason": "Laptop died"}
    )
    assert response["Location"] == reverse("teacher:attempt", args=[attempt.pk])
    attempt.refresh_from_db()
    assert attempt.is_open
    assert before + timedelta(minutes=20) <= attempt.deadline <= timezone.now() + timedelta(minutes=20)
    event = attempt.events.get(kind=AttemptEvent.Kind.REOPENED)
    assert (event.actor.username, event.detail.endswith("Laptop died")) == ("tess", True)
    client.force_login(alice)
    assert client.get(reverse("student:attempt", args=[attempt.pk])).status_code == 200


def test_the_reopen_form_starts_from_the_students_time_limit(teacher_client, attempt):
    page = teacher_client.get(reverse("teacher:attempt", args=[attempt.pk])).content.decode()
    assert 'name="minutes" value="60"' in page


@pytest.mark.parametrize("data", [{"minutes": "5", "reason": ""}, {"minutes": "0", "reason": "x"}, {"minutes": "x"}])
def test_an_invalid_reopen_is_refused(teacher_client, attempt, data):
    response = teacher_client.post(reverse("teacher:reopen", args=[attempt.pk]), data)
    assert response.status_code == 400
    attempt.refresh_from_db()
    assert not attempt.is_open


def test_reopening_twice_is_refused_with_the_reason(teacher_client, attempt):
    url = reverse("teacher:reopen", args=[attempt.pk])
    teacher_client.post(url, {"minutes": "5", "reason": "once"})
    response = teacher_client.post(url, {"minutes": "5", "reason": "twice"})
    assert response.status_code == 400
    assert "still in progress" in response.content.decode()


def test_a_matrix_typed_on_two_lines_keeps_its_rows(teacher_client, bob, submitted_attempt):
    attempt = submitted_attempt(bob, {"q4a": "[5 6]\n[10 9]", "q7c": "smaller"})
    page = teacher_client.get(reverse("teacher:attempt", args=[attempt.pk])).content.decode()
    # The typed text, line break included, in an element whose style keeps line breaks.
    assert '<dd><span class="typed-answer answer-mono">[5 6]\n[10 9]</span></dd>' in page
    css = (settings.BASE_DIR / "static" / "css" / "convquiz.css").read_text()
    assert re.search(r"\.typed-answer \{[^}]*white-space: pre-wrap", css)
    # A choice reads as its label, in the text font.
    assert '<dd><span class="typed-answer">gets smaller</span></dd>' in page


@pytest.mark.parametrize("decisions", [0, 8])
def test_the_attempt_page_runs_the_same_queries_however_many_decisions(
    teacher_client, attempt, tess, django_assert_num_queries, decisions
):
    attempt.responses.update(meaning_pending=False)  # its written answers already read by meaning
    for response in attempt.responses.all()[:decisions]:
        reviews.override_score(response=response, score=0.5, reason="Checked by hand", teacher=tess)
    # 1 session, 2 user, 3 user's groups, 4 the attempt with its student and quiz, 5 its responses with
    # who decided, 6 their score histories, 7 the quiz's parts with their questions, 8 the questions' parts
    # (for labels), 9 the student's accommodation on the quiz and 10 the standing one (the reopen form's
    # minutes), 11 the attempt's log, 12 the grades sent to the LMS for this attempt.
    with django_assert_num_queries(12):
        assert teacher_client.get(reverse("teacher:attempt", args=[attempt.pk])).status_code == 200
