"""The start page: what the quiz is, and a Start button that starts or resumes an attempt."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from quiz import services
from quiz.models import Accommodation, Attempt


@pytest.fixture
def start_url(quiz):
    return reverse("student:quiz_start", args=[quiz.key])


def test_the_start_page_explains_the_quiz(alice_client, start_url):
    response = alice_client.get(start_url)
    assert response.status_code == 200
    content = response.content.decode()
    assert "Ten questions on convolutional neural networks" in content
    assert "60 minutes" in content
    assert "0 of 3 used" in content
    assert "submitted automatically" in content
    assert "Start attempt 1" in content
    assert "Your grade is the score of your best finished attempt." in content


def test_the_start_page_says_in_plain_words_how_the_shipped_quiz_treats_attempts(alice_client, start_url):
    rules = alice_client.get(start_url).content.decode().split('id="quiz-rules"')[1].split("</ul>")[0]
    assert "Your first attempt uses the numbers written in the questions; every later attempt gives you new" in rules
    assert "Correct answers and worked solutions: shown once you have used your last attempt, or when" in rules
    assert "order of their own" not in rules and "access code" not in rules and "network" not in rules


def test_the_start_page_names_each_exam_setting_a_quiz_turns_on(alice_client, quiz, start_url):
    quiz.shuffle_questions = quiz.shuffle_choices = True
    quiz.first_attempt_seed_numbers = False
    quiz.show_solutions = "never"
    quiz.save()
    rules = alice_client.get(start_url).content.decode().split('id="quiz-rules"')[1].split("</ul>")[0]
    assert "Every attempt gives you numbers of its own" in rules
    assert "The questions come in an order of their own for each attempt" in rules
    assert "The options of multiple-choice questions come in an order of their own" in rules
    assert "Correct answers: shown once you have used your last attempt" in rules
    assert "Worked solutions: not shown." in rules


@pytest.mark.parametrize(
    ("method", "sentence"),
    [
        ("last", "Your grade is the score of your last finished attempt, even if an earlier one scored more."),
        ("first", "Your grade is the score of your first finished attempt; later attempts are practice."),
        ("average", "Your grade is the average score of all your finished attempts."),
    ],
)
def test_the_start_page_states_the_grading_method_in_plain_words(alice_client, quiz, start_url, method, sentence):
    quiz.grading_method = method
    quiz.save()
    assert sentence in alice_client.get(start_url).content.decode()


def test_starting_is_twenty_queries_in_one_transaction(alice_client, start_url, django_assert_num_queries):
    # 1 session, 2 user, 3 groups, 4 the quiz. Then, in a transaction (5 and 20 open and close
    # it): 6 the student's row lock, 7 an attempt in progress, 8 the quiz's accommodation, 9 the
    # standing one (none for the quiz), 10 attempts used, 11 any parts; in a savepoint (12 and 19):
    # 13 questions, 14 their part ids, 15 the earlier attempts' numbers and questions, 16-18
    # attempt, responses, log.
    with django_assert_num_queries(20):
        assert alice_client.post(start_url).status_code == 302


def test_the_start_page_includes_extra_time(alice_client, alice, quiz, start_url):
    Accommodation.objects.create(student=alice, quiz=quiz, extra_minutes=20, reason="Letter")
    assert "80 minutes" in alice_client.get(start_url).content.decode()


def test_starting_creates_an_attempt_and_opens_it(alice_client, alice, start_url):
    response = alice_client.post(start_url, REMOTE_ADDR="192.0.2.5")
    attempt = Attempt.objects.get(student=alice)
    assert response.status_code == 302
    assert response["Location"] == reverse("student:attempt", args=[attempt.pk])
    assert attempt.events.get().ip_address == "192.0.2.5"


def test_starting_twice_resumes_the_same_attempt(alice_client, alice, start_url):
    first = alice_client.post(start_url)
    second = alice_client.post(start_url)
    assert first["Location"] == second["Location"]
    assert Attempt.objects.filter(student=alice).count() == 1


def test_the_page_offers_to_continue_an_attempt_in_progress(alice_client, alice, quiz, start_url):
    services.start_attempt(student=alice, quiz=quiz)
    assert "Continue attempt 1" in alice_client.get(start_url).content.decode()


def test_a_refused_start_says_why(alice_client, alice, quiz, start_url):
    quiz.attempts_allowed = 1
    quiz.save()
    services.submit_attempt(attempt=services.start_attempt(student=alice, quiz=quiz))
    page = alice_client.get(start_url).content.decode()
    assert "used all your attempts" in page
    assert "Start attempt" not in page
    response = alice_client.post(start_url, follow=True)
    assert "You have used all 1 attempt at this quiz." in response.content.decode()
    assert Attempt.objects.filter(student=alice).count() == 1


def test_a_closed_quiz_cannot_be_started(alice_client, alice, quiz, start_url):
    quiz.opens_at = timezone.now() - timedelta(days=2)
    quiz.closes_at = timezone.now() - timedelta(days=1)
    quiz.save()
    assert "This quiz has closed." in alice_client.get(start_url).content.decode()
    alice_client.post(start_url)
    assert not Attempt.objects.filter(student=alice).exists()


def test_a_quiz_of_another_group_is_not_found(alice_client, quiz, start_url):
    quiz.groups.add(Group.objects.create(name="Other class"))
    assert alice_client.get(start_url).status_code == 404
    assert alice_client.post(start_url).status_code == 404


def test_an_unknown_quiz_is_not_found(alice_client, db):
    assert alice_client.get(reverse("student:quiz_start", args=["no-such-quiz"])).status_code == 404


def test_the_start_page_takes_only_get_and_post(alice_client, start_url):
    assert alice_client.put(start_url).status_code == 405


def test_teachers_cannot_start_attempts(client, tess, start_url):
    client.force_login(tess)
    assert client.post(start_url).status_code == 403
    assert not Attempt.objects.exists()
