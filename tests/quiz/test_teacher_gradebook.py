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
    assert reverse("teacher:gradebook", args=[quiz.pk]) in page


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
