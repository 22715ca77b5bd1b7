"""The result page: the total, and per part the answer, status, score, feedback, correct answer and worked solution,
as far as the quiz's review settings allow."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from quiz import reviews, services
from quiz.models import Response
from tests.conftest import SEED_ANSWERS


@pytest.fixture
def graded(alice, quiz):
    """Alice's attempt with the seed's answers, except a known mistake in 2c."""
    attempt = services.start_attempt(student=alice, quiz=quiz)
    answers = SEED_ANSWERS | {"q2c": "529.6 MB"}
    services.save_answers(attempt=attempt, answers={key: (text, 0) for key, text in answers.items()})
    return services.submit_attempt(attempt=attempt)


def result(client, attempt) -> str:
    response = client.get(reverse("attempt_result", args=[attempt.pk]))
    assert response.status_code == 200
    return response.content.decode()


def part_html(html: str, key: str) -> str:
    start = html.index(f'id="part-{key}"')
    end = html.find('class="result-part"', start)
    return html[start:end if end > 0 else len(html)]


def test_the_result_shows_the_total_as_provisional_while_free_text_awaits_review(alice_client, graded):
    html = result(alice_client, graded)
    assert "Provisional total" in html
    assert f'<span id="total-score">{graded.score:.2f}</span>'.replace(".00<", "<") in html
    assert "9 written answers are awaiting review" in html
    assert "Awaiting review" in part_html(html, "q6b")


def test_each_part_explains_its_score(alice_client, graded):
    html = result(alice_client, graded)
    q2a = part_html(html, "q2a")
    assert "Correct" in q2a and "903_400" in q2a and "903,400" in q2a
    assert "Worked solution with your numbers" in q2a
    assert "2,800 + 180,200 + 720,400 = 903,400" in q2a
    q2c = part_html(html, "q2c")
    assert "Partially correct" in q2c
    assert "The mini-batch of input images must be in memory too." in q2c
    assert "565.6 MB" in q2c
    assert "<details class=\"worked-solution small mb-2\" open>" in q2c


def test_a_choice_is_shown_by_its_label(alice_client, graded):
    assert "gets smaller" in part_html(result(alice_client, graded), "q7c")


def test_a_confirmed_free_text_answer_shows_the_concepts_it_covered(alice_client, graded, tess):
    q1 = graded.responses.get(part__question__key="q1")
    assert "What your answer covered" not in part_html(result(alice_client, graded), "q1a")
    reviews.confirm_review(response=q1, score=0.75, comment="Good, but name the fewer parameters.", teacher=tess)
    html = part_html(result(alice_client, graded), "q1a")
    assert "What your answer covered" in html
    assert "Covered: </span>the input size can vary" in html
    assert "Not covered: </span>far fewer parameters" in html
    assert "Good, but name the fewer parameters." in html
    assert "Partially correct" in html
    assert "Awaiting review" not in html


def test_a_quiz_that_accepts_suggestions_shows_free_text_as_graded(alice_client, alice, quiz):
    quiz.review_free_text = False
    quiz.save()
    attempt = services.start_attempt(student=alice, quiz=quiz)
    services.save_response(attempt=attempt, part_key="q10a", text="We classify each pixel.", sequence=1)
    html = result(alice_client, services.submit_attempt(attempt=attempt))
    assert "Provisional" not in html
    q10a = part_html(html, "q10a")
    assert "Correct" in q10a and "Scored by the concepts your answer covers." in q10a
    assert "Covered: </span>dividing the image into regions" in q10a


def test_an_override_is_shown_with_the_teachers_reason(alice_client, graded, tess):
    q2a = graded.responses.get(part__question__key="q2", part__key="a")
    reviews.override_score(response=q2a, score=0.5, reason="Answer copied from a neighbour", teacher=tess)
    assert "Adjusted by your teacher: Answer copied from a neighbour" in part_html(result(alice_client, graded), "q2a")


def test_nothing_is_revealed_when_the_quiz_reveals_nothing(alice_client, graded, quiz):
    quiz.show_score = quiz.show_feedback = quiz.show_answers = quiz.show_solutions = "never"
    quiz.save()
    html = result(alice_client, graded)
    assert "Score not released yet" in html
    assert "Your teacher will let you know." in html
    q2c = part_html(html, "q2c")
    assert "529.6 MB" in q2c
    assert "Partially correct" not in q2c
    assert "The mini-batch of input images" not in q2c
    assert "Correct answer" not in q2c
    assert "Worked solution" not in q2c


@pytest.mark.parametrize(
    ("setting", "shown"),
    [("show_score", "Partially correct"), ("show_feedback", "The mini-batch of input images"),
     ("show_answers", "Correct answer"), ("show_solutions", "Worked solution")],
)
def test_each_review_setting_reveals_its_own_part(alice_client, graded, quiz, setting, shown):
    quiz.show_score = quiz.show_feedback = quiz.show_answers = quiz.show_solutions = "never"
    setattr(quiz, setting, "immediately")
    quiz.save()
    html = part_html(result(alice_client, graded), "q2c")
    assert shown in html
    others = {"Partially correct", "The mini-batch of input images", "Correct answer", "Worked solution"} - {shown}
    assert not [text for text in others if text in html]


def test_answers_after_close_appear_once_the_quiz_has_closed(alice_client, graded, quiz):
    quiz.show_answers = "after_close"
    quiz.save()
    assert "Correct answer" not in result(alice_client, graded)
    quiz.closes_at = timezone.now() - timedelta(minutes=1)
    quiz.opens_at = timezone.now() - timedelta(days=1)
    quiz.save()
    assert "Correct answer" in result(alice_client, graded)


def test_the_worked_solution_uses_the_attempts_own_numbers(alice_client, alice, quiz):
    quiz.randomize_numbers = True
    quiz.save()
    attempt = services.start_attempt(student=alice, quiz=quiz)
    services.submit_attempt(attempt=attempt)
    units = attempt.params["q8"]["units"]
    assert f"Each of the {units} units becomes one filter" in part_html(result(alice_client, attempt), "q8b")


def test_the_result_shows_the_attempts_log(alice_client, graded):
    html = result(alice_client, graded)
    assert "Activity log of this attempt" in html
    assert html.count('class="event-saved"') == Response.objects.filter(attempt=graded).exclude(text="").count()
    assert 'class="event-submitted"' in html


def test_an_attempt_in_progress_has_no_result_yet(alice_client, alice, quiz):
    attempt = services.start_attempt(student=alice, quiz=quiz)
    response = alice_client.get(reverse("attempt_result", args=[attempt.pk]))
    assert response["Location"] == reverse("attempt", args=[attempt.pk])


def test_another_students_result_is_not_found(client, bob, graded):
    client.force_login(bob)
    assert client.get(reverse("attempt_result", args=[graded.pk])).status_code == 404


def test_the_result_is_read_only(alice_client, graded):
    assert alice_client.post(reverse("attempt_result", args=[graded.pk])).status_code == 405
