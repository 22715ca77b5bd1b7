"""The student's dashboard and history: their quizzes, attempts and scores."""

from datetime import timedelta

import time_machine
from django.contrib.auth.models import Group
from django.urls import reverse

from quiz import services
from quiz.formatting import format_points
from quiz.models import AttemptState


def test_the_dashboard_lists_the_quiz_not_started(alice_client, quiz):
    response = alice_client.get(reverse("student:dashboard"))
    assert response.status_code == 200
    assert b"CNN fundamentals" in response.content
    assert b"Not started" in response.content
    assert b"0 of 3 used" in response.content
    assert reverse("student:quiz_start", args=[quiz.key]).encode() in response.content


def test_the_dashboard_shows_an_attempt_in_progress_with_its_time_left(alice_client, alice, quiz):
    attempt = services.start_attempt(student=alice, quiz=quiz)
    response = alice_client.get(reverse("student:dashboard"))
    assert b"In progress" in response.content
    assert b"time left" in response.content
    assert reverse("student:attempt", args=[attempt.pk]).encode() in response.content


def test_the_dashboard_shows_past_attempts_with_their_scores(alice_client, alice, quiz):
    attempt = services.start_attempt(student=alice, quiz=quiz)
    services.save_response(attempt=attempt, part_key="q2a", text="903400", sequence=1)
    services.submit_attempt(attempt=attempt)
    response = alice_client.get(reverse("student:dashboard"))
    assert b"Submitted" in response.content
    assert b"1 of 3 used" in response.content
    assert b"<span class=\"fw-semibold\">1</span> / 21" in response.content
    assert reverse("student:attempt_result", args=[attempt.pk]).encode() in response.content


def test_the_dashboard_hides_scores_not_yet_released(alice_client, alice, quiz):
    quiz.show_score = "after_close"
    quiz.save()
    services.submit_attempt(attempt=services.start_attempt(student=alice, quiz=quiz))
    response = alice_client.get(reverse("student:dashboard"))
    assert b"Score not released yet" in response.content


def test_the_dashboard_leaves_out_quizzes_of_other_groups(alice_client, quiz):
    quiz.groups.add(Group.objects.create(name="Other class"))
    response = alice_client.get(reverse("student:dashboard"))
    assert b"CNN fundamentals" not in response.content
    assert b"No quizzes yet" in response.content


def test_the_dashboard_submits_an_attempt_whose_time_ran_out(alice_client, alice, quiz):
    attempt = services.start_attempt(student=alice, quiz=quiz)
    with time_machine.travel(attempt.deadline + timedelta(minutes=1), tick=False):
        response = alice_client.get(reverse("student:dashboard"))
    attempt.refresh_from_db()
    assert attempt.auto_submitted and attempt.state == AttemptState.GRADED
    assert b"time ran out" in response.content


def test_the_dashboards_queries_do_not_grow_with_attempts(alice_client, alice, quiz, django_assert_num_queries):
    quiz.attempts_allowed = 6
    quiz.save()
    for _ in range(5):
        services.submit_attempt(attempt=services.start_attempt(student=alice, quiz=quiz))
    services.start_attempt(student=alice, quiz=quiz)
    # 1 session, 2 user, 3 the user's groups (student check), 4 overdue attempts to close,
    # 5 quizzes open to the student, 6 their attempts, 7 their accommodations, 8 their standing accommodation.
    with django_assert_num_queries(8):
        response = alice_client.get(reverse("student:dashboard"))
    assert response.content.count(b"Result<span") == 5


def test_the_dashboard_is_read_only(alice_client):
    assert alice_client.post(reverse("student:dashboard")).status_code == 405


def test_teachers_have_their_own_home(client, tess):
    client.force_login(tess)
    assert client.get(reverse("student:dashboard")).status_code == 403


def test_visitors_must_log_in(client, db):
    response = client.get(reverse("student:dashboard"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_history_lists_every_attempt_with_a_link_to_its_result(alice_client, alice, quiz):
    first = services.submit_attempt(attempt=services.start_attempt(student=alice, quiz=quiz))
    second = services.start_attempt(student=alice, quiz=quiz)
    response = alice_client.get(reverse("student:attempt_history"))
    assert response.status_code == 200
    assert reverse("student:attempt_result", args=[first.pk]).encode() in response.content
    assert reverse("student:attempt", args=[second.pk]).encode() in response.content


def test_history_shows_only_the_students_own_attempts(alice_client, bob, quiz):
    theirs = services.submit_attempt(attempt=services.start_attempt(student=bob, quiz=quiz))
    response = alice_client.get(reverse("student:attempt_history"))
    assert reverse("student:attempt_result", args=[theirs.pk]).encode() not in response.content
    assert b"not taken a quiz yet" in response.content


def test_history_is_read_only(alice_client):
    assert alice_client.post(reverse("student:attempt_history")).status_code == 405


def _awaiting_attempt(alice, quiz):
    attempt = services.start_attempt(student=alice, quiz=quiz)
    services.save_response(attempt=attempt, part_key="q2a", text="903400", sequence=1)
    services.save_response(attempt=attempt, part_key="q3a", text="2, 2, 2, 0, 0, 0", sequence=1)
    services.save_response(attempt=attempt, part_key="q6b", text="Skip connections", sequence=1)
    return services.submit_attempt(attempt=attempt)


def test_an_attempt_awaiting_the_teacher_shows_no_total_yet(alice_client, alice, quiz):
    attempt = _awaiting_attempt(alice, quiz)
    assert attempt.state == AttemptState.NEEDS_REVIEW and attempt.score > 1  # the suggestion is in the stored total
    for url in (reverse("student:dashboard"), reverse("student:attempt_history")):
        html = alice_client.get(url).content.decode()
        assert '<span class="badge text-bg-info">Awaiting your teacher</span>' in html
        assert f">{format_points(attempt.score)}<" not in html and "/ 21" not in html


def test_a_quiz_showing_suggestions_shows_the_provisional_total_marked_so(alice_client, alice, quiz):
    quiz.show_suggested_scores = True
    quiz.save()
    attempt = _awaiting_attempt(alice, quiz)
    for url in (reverse("student:dashboard"), reverse("student:attempt_history")):
        html = alice_client.get(url).content.decode()
        assert f'<span class="fw-semibold">{format_points(attempt.score)}</span> / 21 points' in html
        assert "provisional: some answers await your teacher" in html


def test_awaiting_attempts_add_no_queries_to_the_dashboard(alice_client, alice, quiz, django_assert_num_queries):
    quiz.attempts_allowed = 3
    quiz.save()
    for _ in range(3):
        _awaiting_attempt(alice, quiz)
    # 1 session, 2 user, 3 the user's groups (student check), 4 overdue attempts to close,
    # 5 quizzes open to the student, 6 their attempts, 7 their accommodations, 8 their standing accommodation.
    with django_assert_num_queries(8):
        response = alice_client.get(reverse("student:dashboard"))
    assert response.content.count(b"Awaiting your teacher") == 3


def test_the_dashboard_says_which_attempt_counts_and_why(alice_client, alice, quiz):
    quiz.randomize_numbers = False  # both attempts take the questions' own numbers, so the same answers score alike
    quiz.save()
    for answers in ({"q2a": "903400", "q4a": "[[5, 6], [10, 9]]"}, {"q2a": "903400"}):
        attempt = services.start_attempt(student=alice, quiz=quiz)
        for key, text in answers.items():
            services.save_response(attempt=attempt, part_key=key, text=text, sequence=1)
        services.submit_attempt(attempt=attempt)
    best = alice.attempts.get(number=1)
    html = alice_client.get(reverse("student:dashboard")).content.decode()
    assert (
        "Your grade is the highest of your 2 finished attempts: attempt 1, "
        f"<strong>{format_points(best.score)} / 21</strong>."
    ) in html
    quiz.grading_method = "last"
    quiz.save()
    html = alice_client.get(reverse("student:dashboard")).content.decode()
    assert "Your grade is the last of your 2 finished attempts: attempt 2, <strong>1 / 21</strong>." in html


def test_the_grade_that_counts_hides_points_the_quiz_does_not_show_yet(alice_client, alice, quiz):
    _awaiting_attempt(alice, quiz)
    html = alice_client.get(reverse("student:dashboard")).content.decode()
    assert "Your grade is the highest of your 1 finished attempt: attempt 1." in html
    assert "Attempt 1 awaits your teacher's review" in html
    quiz.show_score = "after_close"
    quiz.show_suggested_scores = True
    quiz.save()
    html = alice_client.get(reverse("student:dashboard")).content.decode()
    assert "finished attempt: attempt 1." in html and "<strong>" not in html
