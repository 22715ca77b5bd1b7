"""The admin shows attempts and their logs but never changes them: that goes through the app, with a history.
Quizzes' settings are edited there."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from quiz.models import AttemptEvent, StandingAccommodation


@pytest.fixture
def graded(submitted_attempt, alice):
    return submitted_attempt(alice)


def test_an_admin_sees_an_attempt_with_its_answers(admin_client, graded):
    page = admin_client.get(reverse("admin:quiz_attempt_change", args=[graded.pk])).content.decode()
    assert "903400" in page
    assert 'name="_save"' not in page


def test_an_admin_cannot_change_an_attempt_in_the_admin(admin_client, graded):
    response = admin_client.post(
        reverse("admin:quiz_attempt_change", args=[graded.pk]),
        {"student": graded.student_id, "quiz": graded.quiz_id, "number": 9, "state": "in_progress", "score": "99"},
    )
    assert response.status_code == 403
    before = (graded.number, graded.state, graded.score)
    graded.refresh_from_db()
    assert (graded.number, graded.state, graded.score) == before


@pytest.mark.parametrize("name", ["admin:quiz_attempt_add", "admin:quiz_attemptevent_add"])
def test_an_admin_cannot_add_attempts_or_log_entries(admin_client, name):
    assert admin_client.get(reverse(name)).status_code == 403


def test_an_admin_cannot_delete_an_attempts_log(admin_client, graded):
    event = graded.events.first()
    url = reverse("admin:quiz_attemptevent_delete", args=[event.pk])
    assert admin_client.post(url, {"post": "yes"}).status_code == 403
    assert AttemptEvent.objects.filter(pk=event.pk).exists()


def test_the_quiz_admin_offers_to_show_suggested_scores_off_by_default(admin_client, quiz):
    page = admin_client.get(reverse("admin:quiz_quiz_change", args=[quiz.pk])).content.decode()
    fieldset = page[page.index("What students see after submitting"):]
    [checkbox] = re.findall(r'<input type="checkbox" name="show_suggested_scores"[^>]*>', fieldset)
    assert "checked" not in checkbox
    assert '<label class="vCheckboxLabel" for="id_show_suggested_scores">Show suggested scores</label>' in fieldset
    assert quiz.show_suggested_scores is False


def test_the_admins_part_list_reads_each_table_once(admin_client, quiz, django_assert_num_queries):
    url = reverse("admin:quiz_part_changelist")
    admin_client.get(url)  # Django caches the content types the first page looks up
    with django_assert_num_queries(7):
        # the session, the admin, the quizzes to filter by, the count of parts (filtered and in all),
        # the parts with their questions, and the questions' parts that their labels read
        page = admin_client.get(url)
    assert "Question 2b" in page.content.decode()


def test_the_admins_attempt_page_reads_each_table_once(admin_client, graded, django_assert_num_queries):
    url = reverse("admin:quiz_attempt_change", args=[graded.pk])
    admin_client.get(url)  # Django caches the content types the first page looks up
    with django_assert_num_queries(7):
        # the session, the admin, the attempt, its responses with their attempts, students, quizzes, parts
        # and questions, the questions' parts for the labels, and the attempt's student and quiz for its fields
        page = admin_client.get(url)
    assert "Question 2b" in page.content.decode()


def test_the_quiz_admin_offers_the_grading_methods_highest_first(admin_client, quiz):
    page = admin_client.get(reverse("admin:quiz_quiz_change", args=[quiz.pk])).content.decode()
    grading = page[page.index(">Grading<"):]
    [select] = re.findall(r'<select name="grading_method".*?</select>', grading, re.S)
    assert re.findall(r'<option value="(\w+)"', select) == ["highest", "last", "first", "average"]
    assert '<option value="highest" selected>' in select


def test_an_admin_sets_a_standing_accommodation_and_is_recorded_as_its_author(admin_client, admin_user, alice):
    url = reverse("admin:quiz_standingaccommodation_add")
    data = {"student": alice.pk, "time_multiplier": "1.5", "extra_attempts": "1", "reason": "Letter"}
    assert admin_client.post(url, data).status_code == 302
    saved = StandingAccommodation.objects.get()
    assert (saved.student, saved.time_multiplier, saved.updated_by) == (alice, Decimal("1.5"), admin_user)


def test_the_admin_refuses_a_multiplier_out_of_range_with_a_message(admin_client, alice):
    url = reverse("admin:quiz_standingaccommodation_add")
    response = admin_client.post(url, {"student": alice.pk, "time_multiplier": "5", "extra_attempts": "0"})
    assert response.status_code == 200
    assert "The time multiplier must lie between 1 and 4." in response.content.decode()
    assert not StandingAccommodation.objects.exists()
