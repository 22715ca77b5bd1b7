"""A student's standing accommodation: a time multiplier and extra attempts on every quiz without its own."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from quiz import reviews, selectors, services
from quiz.models import Accommodation, StandingAccommodation

START = timezone.make_aware(timezone.datetime(2026, 3, 2, 9, 0))


def standing(student, multiplier="1.5", attempts=1) -> StandingAccommodation:
    return StandingAccommodation.objects.create(
        student=student, time_multiplier=Decimal(multiplier), extra_attempts=attempts, reason="Disability office"
    )


def test_the_multiplier_lengthens_every_time_limit_rounded_up_to_whole_minutes(alice, bob, quiz):
    standing(alice, "1.25")
    quiz.time_limit_minutes = 45
    quiz.save()
    assert services.time_limit_minutes(alice, quiz) == 57  # 56.25, rounded up
    assert services.time_limit_minutes(bob, quiz) == 45
    attempt = services.start_attempt(student=alice, quiz=quiz, now=START)
    assert attempt.deadline == START + timedelta(minutes=57)


def test_extra_attempts_extend_every_quizs_limit(alice, quiz):
    standing(alice, "1", attempts=1)
    quiz.attempts_allowed = 1
    quiz.save()
    services.submit_attempt(attempt=services.start_attempt(student=alice, quiz=quiz, now=START), now=START)
    second = services.start_attempt(student=alice, quiz=quiz, now=START)
    assert second.number == 2
    services.submit_attempt(attempt=second, now=START)
    with pytest.raises(services.AttemptNotAllowed, match="used all 2 attempts"):
        services.start_attempt(student=alice, quiz=quiz, now=START)


def test_the_quizs_own_accommodation_wins_as_a_whole(alice, quiz):
    standing(alice, "2", attempts=3)
    Accommodation.objects.create(student=alice, quiz=quiz, extra_minutes=10, extra_attempts=0, reason="Letter")
    assert services.time_limit_minutes(alice, quiz) == 70
    card = selectors.quiz_cards(alice, quiz=quiz)[0]
    assert (card.time_limit, card.limit) == (70, 3)


def test_a_quiz_without_a_time_limit_stays_without_one(alice, quiz):
    standing(alice, "2")
    quiz.time_limit_minutes = None
    quiz.save()
    assert services.time_limit_minutes(alice, quiz) is None


def test_the_dashboard_shows_the_accommodated_limits(alice_client, alice, quiz):
    standing(alice, "1.5", attempts=2)
    page = alice_client.get(reverse("student:dashboard")).content.decode()
    assert "90 minutes" in page and "0 of 5 used" in page


def test_setting_none_removes_it_and_bad_values_are_refused(alice, tess):
    saved = reviews.set_standing_accommodation(
        student=alice, time_multiplier=Decimal("1.5"), extra_attempts=0, reason=" Letter ", teacher=tess
    )
    assert saved.summary == "time ×1.5" and saved.reason == "Letter" and saved.updated_by == tess
    with pytest.raises(reviews.DecisionError, match="between 1 and 4"):
        reviews.set_standing_accommodation(
            student=alice, time_multiplier=Decimal("0.5"), extra_attempts=0, reason="", teacher=tess
        )
    assert reviews.set_standing_accommodation(
        student=alice, time_multiplier=Decimal(1), extra_attempts=0, reason="", teacher=tess
    ) is None
    assert not StandingAccommodation.objects.exists()


# --- The roster page -----------------------------------------------------------------------------------------


def test_a_teacher_sets_it_from_the_roster(teacher_client, alice, tess):
    roster = teacher_client.get(reverse("teacher:roster")).content.decode()
    url = reverse("teacher:standing_accommodation", args=[alice.pk])
    assert url in roster
    assert "Time multiplier" in teacher_client.get(url).content.decode()
    response = teacher_client.post(url, {"time_multiplier": "1.5", "extra_attempts": "2", "reason": "Letter"})
    assert response.status_code == 302 and response["Location"].startswith(reverse("teacher:roster"))
    saved = StandingAccommodation.objects.get(student=alice)
    assert (saved.time_multiplier, saved.extra_attempts, saved.updated_by) == (Decimal("1.5"), 2, tess)
    roster = teacher_client.get(response["Location"]).content.decode()
    assert "time ×1.5, 2 extra attempts" in roster
    assert "accommodation on every quiz: time ×1.5, 2 extra attempts" in roster


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"time_multiplier": "0.9", "extra_attempts": "0"}, "greater than or equal to 1"),
        ({"time_multiplier": "5", "extra_attempts": "0"}, "less than or equal to 4"),
        ({"time_multiplier": "1.234", "extra_attempts": "0"}, "no more than 2 decimal places"),
        ({"time_multiplier": "1", "extra_attempts": "-1"}, "greater than or equal to 0"),
        ({"time_multiplier": "x", "extra_attempts": "0"}, "Enter a number"),
    ],
)
def test_bad_values_are_refused_with_a_message(teacher_client, alice, data, message):
    response = teacher_client.post(reverse("teacher:standing_accommodation", args=[alice.pk]), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not StandingAccommodation.objects.exists()


def test_only_students_have_one(teacher_client, tess):
    assert teacher_client.get(reverse("teacher:standing_accommodation", args=[tess.pk])).status_code == 404


def test_students_cannot_set_their_own(alice_client, alice):
    url = reverse("teacher:standing_accommodation", args=[alice.pk])
    assert alice_client.post(url, {"time_multiplier": "4", "extra_attempts": "50"}).status_code == 403
    assert not StandingAccommodation.objects.exists()
