"""Who may take a quiz, and accommodations: extra time and extra attempts, granted from the access page."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from quiz import services
from quiz.forms import AccommodationForm
from quiz.models import Accommodation


def grant(client, quiz, **data):
    values = {"username": "alice", "extra_minutes": "0", "extra_attempts": "0", "reason": "Learning plan", **data}
    return client.post(reverse("teacher:grant_accommodation", args=[quiz.pk]), values)


def test_granting_extra_time_lengthens_the_deadline_of_the_next_attempt(teacher_client, quiz, alice):
    response = grant(teacher_client, quiz, extra_minutes="30")
    assert response["Location"] == reverse("teacher:quiz_access", args=[quiz.pk])
    now = timezone.now()
    attempt = services.start_attempt(student=alice, quiz=quiz, now=now)
    assert attempt.deadline == now + timedelta(minutes=90)
    page = teacher_client.get(response["Location"]).content.decode()
    assert "+30" in page and "Learning plan" in page and "Tess" in page


def test_granting_an_extra_attempt_lets_the_student_start_again(teacher_client, quiz, alice, submitted_attempt):
    for _ in range(quiz.attempts_allowed):
        submitted_attempt(alice, {})
    grant(teacher_client, quiz, extra_attempts="1")
    assert services.start_attempt(student=alice, quiz=quiz).number == quiz.attempts_allowed + 1


def test_a_changed_accommodation_replaces_the_previous_one(teacher_client, quiz, alice):
    grant(teacher_client, quiz, extra_minutes="30")
    grant(teacher_client, quiz, extra_minutes="10", reason="Revised plan")
    accommodation = Accommodation.objects.get()
    assert (accommodation.extra_minutes, accommodation.reason) == (10, "Revised plan")


def test_the_change_link_prefills_the_current_accommodation(teacher_client, quiz, alice):
    grant(teacher_client, quiz, extra_minutes="30", extra_attempts="2")
    page = teacher_client.get(reverse("teacher:quiz_access", args=[quiz.pk]) + "?student=alice").content.decode()
    assert 'name="extra_minutes" value="30"' in page and 'name="extra_attempts" value="2"' in page


def test_the_access_page_shows_the_exam_rules_a_teacher_tells_the_room(teacher_client, quiz):
    def exam_rules() -> str:
        return teacher_client.get(reverse("teacher:quiz_access", args=[quiz.pk])).content.decode().split(
            'id="exam-rules"'
        )[1]

    rules = exam_rules()
    assert "Access code</dt>" in rules and ">none</dd>" in rules and ">anywhere</dd>" in rules
    quiz.access_code, quiz.allowed_networks = "owl-42", ["192.0.2.0/24", "2001:db8::/32"]
    quiz.save()
    rules = exam_rules()
    assert '<code class="fs-6" id="access-code-value">owl-42</code>' in rules
    assert '<code class="me-2">192.0.2.0/24</code><code class="me-2">2001:db8::/32</code>' in rules
    assert "After the last attempt is used or the quiz closes" in rules


@pytest.mark.parametrize("student", ["ali\x00ce", "a" * 151])
def test_a_student_parameter_naming_nobody_leaves_the_form_empty(teacher_client, quiz, alice, student):
    """A NUL (which PostgreSQL cannot compare) or text longer than any username: the page, empty, not a 500."""
    grant(teacher_client, quiz, extra_minutes="30")
    response = teacher_client.get(reverse("teacher:quiz_access", args=[quiz.pk]), {"student": student})
    assert response.status_code == 200
    page = response.content.decode()
    assert 'name="username"' in page and student[:150] not in page and "\x00" not in page


def test_the_accommodation_form_finds_a_student_however_the_username_is_typed(teacher_client, quiz, alice):
    grant(teacher_client, quiz, username="ＡＬＩＣＥ", extra_minutes="15")
    assert Accommodation.objects.get().student == alice


@pytest.mark.parametrize(("share", "minutes"), [("25", 15), ("50", 30), ("100", 60)])
def test_a_share_of_the_time_limit_sets_the_extra_minutes_in_one_step(teacher_client, quiz, alice, share, minutes):
    assert quiz.time_limit_minutes == 60
    grant(teacher_client, quiz, extra_time_share=share, extra_minutes="5", reason="")
    accommodation = Accommodation.objects.get(student=alice)
    assert accommodation.extra_minutes == minutes
    assert accommodation.reason == dict(AccommodationForm.EXTRA_TIME_SHARES)[int(share)]


def test_a_share_of_time_rounds_up_to_whole_minutes(teacher_client, quiz, alice):
    quiz.time_limit_minutes = 45
    quiz.save()
    grant(teacher_client, quiz, extra_time_share="25", reason="Screen reader")
    assert (Accommodation.objects.get().extra_minutes, Accommodation.objects.get().reason) == (12, "Screen reader")


def test_a_share_of_time_is_refused_on_a_quiz_without_a_time_limit(teacher_client, quiz, alice):
    quiz.time_limit_minutes = None
    quiz.save()
    response = grant(teacher_client, quiz, extra_time_share="50")
    assert response.status_code == 400
    assert "This quiz has no time limit" in response.content.decode()
    assert not Accommodation.objects.exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"username": "nobody"}, "No student has the username “nobody”."),
        ({"username": "tess"}, "No student has the username “tess”."),
        ({"extra_minutes": "-5"}, "Ensure this value is greater than or equal to 0."),
        ({"extra_attempts": "many"}, "Enter a whole number."),
        ({"reason": "   "}, "Say why, for the record"),
    ],
)
def test_an_invalid_accommodation_is_refused_with_a_message(teacher_client, quiz, alice, tess, data, message):
    response = grant(teacher_client, quiz, **data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Accommodation.objects.exists()


def test_a_quiz_opened_to_one_group_is_hidden_from_other_students(teacher_client, quiz, alice, bob):
    evening = Group.objects.create(name="Evening class")
    alice.groups.add(evening)
    response = teacher_client.post(reverse("teacher:save_audience", args=[quiz.pk]), {"groups": [evening.pk]})
    assert response["Location"] == reverse("teacher:quiz_access", args=[quiz.pk])
    assert list(services.available_quizzes(alice)) == [quiz]
    assert list(services.available_quizzes(bob)) == []
    teacher_client.post(reverse("teacher:save_audience", args=[quiz.pk]), {})
    assert list(services.available_quizzes(bob)) == [quiz]


def test_a_role_group_cannot_be_chosen_as_a_quizs_audience(teacher_client, quiz):
    teachers = Group.objects.get(name="Teachers")
    response = teacher_client.post(reverse("teacher:save_audience", args=[quiz.pk]), {"groups": [teachers.pk]})
    assert response.status_code == 400
    assert not quiz.groups.exists()


def test_the_access_page_offers_class_groups_only(teacher_client, quiz):
    Group.objects.create(name="Morning class")
    page = teacher_client.get(reverse("teacher:quiz_access", args=[quiz.pk])).content.decode()
    assert "Morning class" in page
    assert 'value="Teachers"' not in page and ">Teachers<" not in page
