"""My quizzes and the gradebook: what a teacher reads, and in how many queries."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from quiz import services


def test_my_quizzes_shows_counts_statistics_and_a_histogram(teacher_client, quiz, alice, bob, submitted_attempt):
    submitted_attempt(alice)
    submitted_attempt(bob, {"q2a": "903400"})
    page = teacher_client.get(reverse("teacher:home")).content.decode()
    assert "CNN fundamentals" in page
    assert '<dt class="col-7">Attempts started</dt><dd class="col-5">2</dd>' in page
    assert "Awaiting review" in page and '<span class="badge text-bg-warning">1</span>' in page
    assert "10 %" in page, "mean of 14.3 % and 4.8 %"
    assert '<svg class="histogram"' in page and "<desc" in page
    assert reverse("teacher:gradebook_students", args=[quiz.pk]) in page


def test_my_quizzes_closes_attempts_left_open_past_their_deadline(teacher_client, quiz, alice):
    started = timezone.now() - timezone.timedelta(hours=3)
    attempt = services.start_attempt(student=alice, quiz=quiz, now=started)
    teacher_client.get(reverse("teacher:home"))
    attempt.refresh_from_db()
    assert attempt.auto_submitted and not attempt.is_open


def test_the_gradebook_lists_each_attempt_with_points_per_question(teacher_client, quiz, alice, submitted_attempt):
    attempt = submitted_attempt(alice)
    page = teacher_client.get(reverse("teacher:gradebook", args=[quiz.pk])).content.decode()
    assert f'href="{reverse("teacher:attempt", args=[attempt.pk])}">Alice</a>' in page
    assert "3 <span" in page and "/ 21" in page
    assert "Needs review" in page
    assert page.count('<td class="text-end">1</td>') == 3, "q2, q4 and the suggestion for q6"


def test_the_gradebook_offers_the_downloads(teacher_client, quiz):
    page = teacher_client.get(reverse("teacher:gradebook", args=[quiz.pk])).content.decode()
    for name, label in [("teacher:export_gradebook", "Gradebook CSV"), ("teacher:export_responses", "Responses CSV"),
                        ("teacher:export_statistics", "Statistics CSV")]:
        assert f'href="{reverse(name, args=[quiz.pk])}" download>{label}</a>' in page
    assert reverse("teacher:regrade", args=[quiz.pk]) not in page


def test_the_gradebook_keeps_filters_in_its_sort_links(teacher_client, quiz, alice, submitted_attempt):
    submitted_attempt(alice)
    page = teacher_client.get(reverse("teacher:gradebook", args=[quiz.pk]) + "?state=needs_review&sort=score")
    content = page.content.decode()
    assert 'href="?state=needs_review&amp;sort=-score"' in content, "a second click reverses"
    assert 'aria-sort="ascending"' in content
    assert 'href="?state=needs_review&amp;sort=student"' in content


def test_the_gradebook_says_when_nothing_matches(teacher_client, quiz):
    page = teacher_client.get(reverse("teacher:gradebook", args=[quiz.pk]) + "?student=nobody")
    assert "No attempts match." in page.content.decode()


@pytest.mark.parametrize("count", [5, 50])
def test_the_gradebook_runs_the_same_queries_for_5_and_50_attempts(
    teacher_client, quiz, many_attempts, django_assert_num_queries, count
):
    many_attempts(count)
    url = reverse("teacher:gradebook", args=[quiz.pk])
    # 1 session, 2 user, 3 user's groups (the role check), 4 quiz, 5 overdue attempts to close,
    # 6 count for the paginator, 7 the page of attempts with their students,
    # 8 points per attempt and question, 9 the questions with their points.
    with django_assert_num_queries(9):
        response = teacher_client.get(url)
    assert response.status_code == 200


@pytest.mark.parametrize("count", [5, 50])
def test_my_quizzes_runs_the_same_queries_for_5_and_50_attempts(
    teacher_client, quiz, many_attempts, django_assert_num_queries, count
):
    many_attempts(count)
    # 1 session, 2 user, 3 user's groups, 4 overdue attempts to close,
    # 5 quizzes with their attempt counts, 6 finished attempts' scores.
    with django_assert_num_queries(6):
        assert teacher_client.get(reverse("teacher:home")).status_code == 200


def test_the_state_filter_offers_the_states_an_attempt_can_be_in_and_each_finds_its_attempts(
    teacher_client, quiz, alice, bob, students, submitted_attempt
):
    waiting = submitted_attempt(alice)  # its written answer waits for a teacher
    graded = submitted_attempt(students(1)[0])
    graded.responses.filter(status="needs_review").update(review_score=1)
    services.recompute_total(graded)
    open_attempt = services.start_attempt(student=bob, quiz=quiz)
    assert (waiting.state, graded.state, open_attempt.state) == ("needs_review", "graded", "in_progress")
    url = reverse("teacher:gradebook", args=[quiz.pk])
    links = {attempt: f'href="{reverse("teacher:attempt", args=[attempt.pk])}"' for attempt in
             (waiting, graded, open_attempt)}

    page = teacher_client.get(url).content.decode()
    offered = re.findall(r'<option value="([^"]*)"', page.split('name="state"')[1].split("</select>")[0])
    assert offered == ["", "in_progress", "needs_review", "graded"]
    for state in offered[1:]:
        page = teacher_client.get(f"{url}?state={state}").content.decode()
        assert [attempt.state for attempt, link in links.items() if link in page] == [state]
    page = teacher_client.get(f"{url}?state=submitted").content.decode()
    assert all(link in page for link in links.values()), "a state no attempt can be in is ignored"


# --- The gradebook by student ------------------------------------------------------------------------


def test_the_gradebook_by_student_shows_the_grade_that_counts_with_the_attempts_to_expand(
    teacher_client, quiz, alice, bob, submitted_attempt
):
    quiz.attempts_allowed, quiz.grading_method = 3, "last"
    quiz.save()
    first = submitted_attempt(alice, {"q2a": "903400", "q4a": "[[5, 6], [10, 9]]"})
    last = submitted_attempt(alice, {"q2a": "903400"})
    services.start_attempt(student=bob, quiz=quiz)
    page = teacher_client.get(reverse("teacher:gradebook_students", args=[quiz.pk])).content.decode()
    assert "2 students with attempts" in page
    [alice_row] = re.findall(r"<tr>\s*<th scope=\"row\"[^>]*>Alice.*?</tr>", page, re.S)
    assert f"{last.score.normalize():f} <span" in alice_row and f'href="/teach/attempts/{last.pk}/"' in alice_row
    assert "Attempt 2</a> (last attempt of 2)" in alice_row
    assert re.search(r"<details class=\"student-attempts\">\s*<summary>2 attempts</summary>", alice_row)
    assert f'href="/teach/attempts/{first.pk}/">Attempt 1</a>' in alice_row
    assert alice_row.count('badge text-bg-primary">counts<') == 1
    assert "No finished attempt yet" in page  # bob's attempt is still running
    assert reverse("teacher:gradebook", args=[quiz.pk]) in page, "the view by attempt is one click away"


def test_the_gradebook_by_student_finds_students_and_says_when_none_match(
    teacher_client, quiz, alice, submitted_attempt
):
    submitted_attempt(alice)
    url = reverse("teacher:gradebook_students", args=[quiz.pk])
    assert "1 student with attempts" in teacher_client.get(url, {"student": "ALI"}).content.decode()
    page = teacher_client.get(url, {"student": "nobody"}).content.decode()
    assert "No student matches." in page
    assert teacher_client.get(url, {"student": "a\x00b"}).status_code == 200, "a NUL is ignored, not a 500"


def test_the_gradebook_by_student_is_read_only(teacher_client, quiz):
    assert teacher_client.post(reverse("teacher:gradebook_students", args=[quiz.pk])).status_code == 405


@pytest.mark.parametrize("count", [5, 50])
def test_the_gradebook_by_student_runs_the_same_queries_for_5_and_50_students(
    teacher_client, quiz, many_attempts, django_assert_num_queries, count
):
    many_attempts(count)
    url = reverse("teacher:gradebook_students", args=[quiz.pk])
    # 1 session, 2 user, 3 user's groups (the role check), 4 quiz, 5 overdue attempts to close,
    # 6 count for the paginator, 7 the page of students, 8 their attempts.
    with django_assert_num_queries(8):
        response = teacher_client.get(url)
    assert response.status_code == 200
    assert response.content.decode().count('<details class="student-attempts">') == min(count, 25)


def test_the_grades_download_is_one_row_per_student(teacher_client, quiz, alice, submitted_attempt):
    submitted_attempt(alice)
    response = teacher_client.get(reverse("teacher:export_grades", args=[quiz.pk]))
    text = b"".join(response.streaming_content).decode()
    assert response["Content-Disposition"].startswith('attachment; filename="cnn-fundamentals-grades-')
    assert text.startswith("\ufeffusername,name,grading_method,grade,")
    assert text.count("\r\n") == 2
