"""Grades back to the LMS: the grade that counts, the outbox, retries, and what the teacher sees of it."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

import pytest
import yaml
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from quiz import regrade, reviews, services
from quiz.bank import DEFAULT_BANK, load_question_bank
from quiz.lti.grades import grade_that_counts
from quiz.lti.models import OutgoingScore, ScoreTarget
from quiz.lti.outbox import queue_scores, retry_delay, send_scores
from quiz.models import AttemptState, Response
from tests.lti.conftest import launch
from tests.quiz.conftest import GOOD_ANSWERS
from tests.quiz.test_admin_authoring import posted

QUIZ = {"quiz": "cnn-fundamentals"}


@pytest.fixture
def launched(client, platform, ada):
    """Ada launched from the LMS's link, which takes grades; her account."""
    assert launch(client, platform, platform.plan(ada, custom=QUIZ)).status_code == 302
    return get_user_model().objects.get(username__startswith="lti-")


def submit(student, quiz, answers=None, capture=None):
    attempt = services.start_attempt(student=student, quiz=quiz)
    for key, text in (GOOD_ANSWERS if answers is None else answers).items():
        services.save_response(attempt=attempt, part_key=key, text=text, sequence=1)
    with capture(execute=True):
        return services.submit_attempt(attempt=attempt)


# --- The grade that counts --------------------------------------------------------------------------------


def test_the_grade_that_counts_is_the_highest_finished_attempt_and_pending_while_any_awaits_review(
    alice, quiz, submitted_attempt
):
    quiz.attempts_allowed = 3
    quiz.randomize_numbers = False  # the same numbers in every attempt, so the same answers score alike
    quiz.save()
    assert grade_that_counts(alice, quiz) is None
    services.start_attempt(student=alice, quiz=quiz)  # in progress: does not count
    assert grade_that_counts(alice, quiz) is None
    services.submit_attempt(attempt=alice.attempts.get())
    low = alice.attempts.get()
    high = submitted_attempt(alice, {"q2a": "903400", "q4a": "[[5, 6], [10, 9]]"})
    grade = grade_that_counts(alice, quiz)
    assert (grade.attempt, grade.score, grade.maximum) == (high, high.score, high.max_score)
    assert grade.score > low.score and not grade.pending_review

    written = submitted_attempt(alice, {"q6b": "Skip connections."})
    assert written.state == AttemptState.NEEDS_REVIEW
    grade = grade_that_counts(alice, quiz)
    assert grade.attempt == high and grade.pending_review


# --- Sent on submit, review, override and regrade -------------------------------------------------------------


def test_a_submit_sends_the_grade_with_pending_manual_while_a_written_answer_awaits_review(
    platform, ada, launched, quiz, django_capture_on_commit_callbacks
):
    attempt = submit(launched, quiz, capture=django_capture_on_commit_callbacks)
    [score] = platform.scores_for(ada)
    assert score["userId"] == "u-ada"
    assert score["lineitem"] == platform.lineitem()
    assert Decimal(str(score["scoreGiven"])) == attempt.score == Decimal("3.000")
    assert Decimal(str(score["scoreMaximum"])) == attempt.max_score
    assert (score["activityProgress"], score["gradingProgress"]) == ("Completed", "PendingManual")
    moment = datetime.fromisoformat(score["timestamp"])
    assert abs(moment - attempt.submitted_at) < timedelta(seconds=5)
    assert OutgoingScore.objects.get().status == OutgoingScore.Status.SENT


def test_a_review_and_an_override_send_the_new_grade(
    platform, ada, launched, quiz, tess, django_capture_on_commit_callbacks
):
    attempt = submit(launched, quiz, capture=django_capture_on_commit_callbacks)
    q6b = Response.objects.get(attempt=attempt, part__question__key="q6", part__key="b")
    with django_capture_on_commit_callbacks(execute=True):
        reviews.confirm_review(response=q6b, score=1, comment="Both ideas.", teacher=tess)
    reviewed = platform.scores_for(ada)[-1]
    assert (reviewed["scoreGiven"], reviewed["gradingProgress"]) == (3.0, "FullyGraded")

    q2a = Response.objects.get(attempt=attempt, part__question__key="q2", part__key="a")
    with django_capture_on_commit_callbacks(execute=True):
        reviews.override_score(response=q2a, score=0.5, reason="Units missing", teacher=tess)
    overridden = platform.scores_for(ada)[-1]
    assert overridden["scoreGiven"] == 2.5
    stamps = [datetime.fromisoformat(score["timestamp"]) for score in platform.scores_for(ada)]
    assert stamps == sorted(stamps) and len(set(stamps)) == 3


def test_a_regrade_sends_only_grades_that_changed(platform, ada, launched, quiz, django_capture_on_commit_callbacks):
    submit(launched, quiz, capture=django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        regrade.regrade_quiz(quiz=quiz)
    assert len(platform.scores_for(ada)) == 1

    part = quiz.questions.get(key="q2").parts.get(key="a")
    part.points = 3
    part.save()
    with django_capture_on_commit_callbacks(execute=True):
        regrade.regrade_quiz(quiz=quiz)
    changed = platform.scores_for(ada)[-1]
    assert (changed["scoreGiven"], len(platform.scores_for(ada))) == (5.0, 2)


def test_the_same_grade_is_never_queued_twice(platform, ada, launched, quiz, django_capture_on_commit_callbacks):
    attempt = submit(launched, quiz, capture=django_capture_on_commit_callbacks)
    queue_scores([attempt])
    services.recompute_total(attempt)
    assert OutgoingScore.objects.count() == 1
    assert send_scores().sent == 0
    assert len(platform.scores_for(ada)) == 1


def test_a_student_whose_link_takes_no_grades_queues_nothing(
    client, platform, ada, quiz, django_capture_on_commit_callbacks
):
    launch(client, platform, platform.plan(ada, custom=QUIZ, grades=False))
    student = get_user_model().objects.get(username__startswith="lti-")
    submit(student, quiz, capture=django_capture_on_commit_callbacks)
    assert not ScoreTarget.objects.exists() and not OutgoingScore.objects.exists()


def test_work_finished_before_the_launch_reaches_the_lms_at_the_launch(
    client, platform, ada, launched, quiz, django_capture_on_commit_callbacks
):
    submit(launched, quiz, {"q2a": "903400"}, capture=django_capture_on_commit_callbacks)
    OutgoingScore.objects.all().delete()
    ScoreTarget.objects.all().delete()
    platform.scores.clear()
    with django_capture_on_commit_callbacks(execute=True):
        launch(Client(), platform, platform.plan(ada, custom=QUIZ))
    [score] = platform.scores_for(ada)
    assert (score["scoreGiven"], score["gradingProgress"]) == (1.0, "FullyGraded")


# --- Failures, retries, the command -------------------------------------------------------------------------


def test_a_failed_send_waits_then_the_command_sends_it(
    platform, ada, launched, quiz, django_capture_on_commit_callbacks, capsys
):
    platform.score_failures = 1
    submit(launched, quiz, capture=django_capture_on_commit_callbacks)
    row = OutgoingScore.objects.get()
    assert (row.status, row.tries) == (OutgoingScore.Status.PENDING, 1)
    assert "500" in row.last_error and "the gradebook is down" in row.last_error
    assert row.next_try_at > timezone.now() + timedelta(seconds=50)
    assert platform.scores_for(ada) == []

    call_command("send_lti_scores", "--due")
    assert capsys.readouterr().out.strip() == "0 scores sent, 0 failed (will be retried), 0 superseded"
    call_command("send_lti_scores")
    assert capsys.readouterr().out.strip() == "1 scores sent, 0 failed (will be retried), 0 superseded"
    row.refresh_from_db()
    assert (row.status, row.tries, row.last_error) == (OutgoingScore.Status.SENT, 2, "")
    assert len(platform.scores_for(ada)) == 1


def test_retry_delays_double_up_to_six_hours():
    assert [retry_delay(tries).total_seconds() for tries in (1, 2, 3, 4)] == [60, 120, 240, 480]
    assert retry_delay(30) == timedelta(hours=6)


def test_a_newer_grade_supersedes_one_still_waiting_and_only_the_newest_is_sent(
    platform, ada, launched, quiz, tess, django_capture_on_commit_callbacks
):
    platform.score_failures = 1
    attempt = submit(launched, quiz, capture=django_capture_on_commit_callbacks)
    q6b = Response.objects.get(attempt=attempt, part__question__key="q6", part__key="b")
    with django_capture_on_commit_callbacks(execute=True):
        reviews.confirm_review(response=q6b, score=1, comment="", teacher=tess)
    statuses = list(OutgoingScore.objects.order_by("id").values_list("status", flat=True))
    assert statuses == [OutgoingScore.Status.SUPERSEDED, OutgoingScore.Status.SENT]
    assert [score["scoreGiven"] for score in platform.scores_for(ada)] == [3.0]


def test_a_platform_that_refuses_the_tools_assertion_leaves_the_score_waiting(
    platform, ada, launched, quiz, django_capture_on_commit_callbacks
):
    platform.trust_tool_keys({"keys": []})
    submit(launched, quiz, capture=django_capture_on_commit_callbacks)
    row = OutgoingScore.objects.get()
    assert row.status == OutgoingScore.Status.PENDING
    assert "401" in row.last_error and "invalid_client" in row.last_error
    assert platform.token_requests == 1 and platform.scores == []


# --- What the teacher sees ---------------------------------------------------------------------------------


def test_the_teachers_attempt_page_says_when_the_grade_was_sent_or_why_it_failed(
    platform, ada, launched, quiz, teacher_client, django_capture_on_commit_callbacks
):
    platform.score_failures = 1
    attempt = submit(launched, quiz, capture=django_capture_on_commit_callbacks)
    page = teacher_client.get(reverse("teacher:attempt", args=[attempt.pk])).content.decode()
    assert "Grade for Deep Learning 101:" in page
    assert "failed: HTTP response" in page and "retrying" in page

    send_scores()
    row = OutgoingScore.objects.get()
    page = teacher_client.get(reverse("teacher:attempt", args=[attempt.pk])).content.decode()
    assert f"sent <time datetime=\"{timezone.localtime(row.sent_at).isoformat()}" in page
    assert "3 / 21 (awaiting review)" in page


def test_the_lms_is_told_the_grade_the_quizs_method_chooses(
    platform, ada, launched, quiz, django_capture_on_commit_callbacks
):
    quiz.attempts_allowed, quiz.grading_method = 3, "last"
    quiz.save()
    better = submit(launched, quiz, {"q2a": "903400", "q4a": "[[5, 6], [10, 9]]"}, django_capture_on_commit_callbacks)
    worse = submit(launched, quiz, {"q2a": "903400"}, django_capture_on_commit_callbacks)
    assert better.score > worse.score
    sent = platform.scores_for(ada)
    assert [Decimal(str(score["scoreGiven"])) for score in sent] == [better.score, worse.score]
    assert sent[-1]["gradingProgress"] == "FullyGraded"


def method_change_setup(launched, quiz, capture):
    """Ada's better attempt, then a worse one; the quiz counts the highest, so the LMS has the better."""
    quiz.attempts_allowed, quiz.randomize_numbers = 3, False
    quiz.save()
    better = submit(launched, quiz, {"q2a": "903400", "q4a": "[[5, 6], [10, 9]]"}, capture)
    worse = submit(launched, quiz, {"q2a": "903400"}, capture)
    assert better.score > worse.score
    return better, worse


def test_changing_the_grading_method_in_the_admin_sends_the_grade_that_now_counts(
    platform, ada, launched, quiz, admin_client, django_capture_on_commit_callbacks
):
    better, worse = method_change_setup(launched, quiz, django_capture_on_commit_callbacks)
    assert Decimal(str(platform.scores_for(ada)[-1]["scoreGiven"])) == better.score
    url = reverse("admin:quiz_quiz_change", args=[quiz.pk])
    page = admin_client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        reply = admin_client.post(url, posted(page, grading_method="last", _save="Save"))
    assert reply.status_code == 302
    assert Decimal(str(platform.scores_for(ada)[-1]["scoreGiven"])) == worse.score


def test_a_bank_load_that_changes_the_grading_method_sends_the_grade_that_now_counts(
    platform, ada, launched, quiz, tmp_path, django_capture_on_commit_callbacks
):
    better, worse = method_change_setup(launched, quiz, django_capture_on_commit_callbacks)
    sent_before = len(platform.scores_for(ada))
    data = yaml.safe_load(DEFAULT_BANK.read_text())
    data["quiz"]["grading_method"] = "last"
    path = tmp_path / "bank.yaml"
    path.write_text(yaml.safe_dump(data))
    with django_capture_on_commit_callbacks(execute=True):
        load_question_bank(path, replace=True)
    assert len(platform.scores_for(ada)) == sent_before + 1
    assert Decimal(str(platform.scores_for(ada)[-1]["scoreGiven"])) == worse.score


def test_saving_the_quiz_with_the_same_grading_method_sends_nothing_again(
    platform, ada, launched, quiz, admin_client, django_capture_on_commit_callbacks
):
    method_change_setup(launched, quiz, django_capture_on_commit_callbacks)
    sent_before = len(platform.scores_for(ada))
    url = reverse("admin:quiz_quiz_change", args=[quiz.pk])
    page = admin_client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        assert admin_client.post(url, posted(page, title="CNN fundamentals (exam)", _save="Save")).status_code == 302
    assert len(platform.scores_for(ada)) == sent_before
