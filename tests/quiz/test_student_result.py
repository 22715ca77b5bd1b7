"""The result page: the total, and per part the answer, status, score, feedback, correct answer and worked solution,
as far as the quiz's review settings allow."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from quiz import reviews, services
from quiz.formatting import format_points
from quiz.models import Response
from tests.conftest import SEED_ANSWERS


@pytest.fixture
def quiz(quiz):
    """The shipped quiz showing everything as soon as an attempt is submitted, as these tests read all a
    result can show (the shipped quiz holds correct answers back until the last attempt)."""
    quiz.show_answers = quiz.show_solutions = "immediately"
    quiz.save()
    return quiz


@pytest.fixture
def graded(alice, quiz):
    """Alice's attempt with the seed's answers, except a known mistake in 2c."""
    attempt = services.start_attempt(student=alice, quiz=quiz)
    answers = SEED_ANSWERS | {"q2c": "529.6 MB"}
    services.save_answers(attempt=attempt, answers={key: (text, 0) for key, text in answers.items()})
    return services.submit_attempt(attempt=attempt)


def result(client, attempt) -> str:
    response = client.get(reverse("student:attempt_result", args=[attempt.pk]))
    assert response.status_code == 200
    return response.content.decode()


def part_html(html: str, key: str) -> str:
    start = html.index(f'id="part-{key}"')
    end = html.find('class="result-part"', start)
    return html[start:end if end > 0 else len(html)]


def test_until_a_teacher_decides_the_total_leaves_written_answers_out_and_says_how_many_points_wait(
    alice_client, graded
):
    html = result(alice_client, graded)
    assert "Total so far" in html and "Provisional" not in html
    # 12 numeric and choice parts right but one (2c: half credit); the nine written parts wait.
    assert '<span id="total-score">11.5</span>' in html
    assert '<div class="small fw-semibold" id="points-pending">9 points still to be decided</div>' in html
    assert "9 answers, worth 9 points, are still to be decided by your teacher." in html
    assert "The total so far leaves them out." in html
    q6b = part_html(html, "q6b")
    assert "Awaiting your teacher" in q6b
    assert 'class="small fw-semibold part-score"' not in q6b and "suggested" not in q6b
    assert "0 / 2 points, 2 awaiting your teacher" in html  # question 6: two written parts


def test_a_quiz_may_show_the_suggested_scores_marked_as_suggestions(alice_client, graded, quiz):
    quiz.show_suggested_scores = True
    quiz.save()
    html = result(alice_client, graded)
    assert "Provisional total" in html
    assert f'<span id="total-score">{format_points(graded.score)}</span>' in html
    assert "The total includes the scores suggested for them, which may still change." in html
    q6b = graded.responses.get(part__question__key="q6", part__key="b")
    assert f"{format_points(q6b.score)} / 1 point suggested" in part_html(html, "q6b")


def test_once_every_part_is_decided_the_total_is_final(alice_client, graded, tess):
    for response in graded.responses.filter(status="needs_review"):
        reviews.confirm_review(response=response, score=1, comment="", teacher=tess)
    html = result(alice_client, graded)
    assert "Total so far" not in html and "Awaiting your teacher" not in html
    assert '<span id="total-score">20.5</span>' in html
    assert "Scored by your teacher: 1 of 1 point." in part_html(html, "q6b")


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


def test_a_german_student_reads_why_an_accepted_suggestion_scored_in_german(client, alice, quiz):
    quiz.review_free_text = False
    quiz.save()
    client.force_login(alice)
    attempt = services.start_attempt(student=alice, quiz=quiz)
    services.save_response(attempt=attempt, part_key="q10a", text="We classify each pixel.", sequence=1)
    submitted = client.post(reverse("student:attempt_submit", args=[attempt.pk]), HTTP_ACCEPT_LANGUAGE="de")
    assert submitted.status_code == 302
    attempt.refresh_from_db()
    html = client.get(reverse("student:attempt_result", args=[attempt.pk]), HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "Bewertet nach den Konzepten, die Ihre Antwort abdeckt." in part_html(html, "q10a")


def test_an_override_is_shown_with_the_teachers_reason(alice_client, graded, tess):
    q2a = graded.responses.get(part__question__key="q2", part__key="a")
    reviews.override_score(response=q2a, score=0.5, reason="Answer copied from a neighbour", teacher=tess)
    html = part_html(result(alice_client, graded), "q2a")
    assert "Scored by your teacher: 0.5 of 1 point.</strong> Answer copied from a neighbour" in html
    assert "Partially correct" in html


def test_after_an_override_the_parsers_message_gives_way_to_the_teachers_decision(alice_client, alice, quiz, tess):
    attempt = services.start_attempt(student=alice, quiz=quiz)
    services.save_response(attempt=attempt, part_key="q5a", text="3,78, 1,22", sequence=1)
    attempt = services.submit_attempt(attempt=attempt)
    q5 = attempt.responses.get(part__question__key="q5")
    assert q5.status == "invalid" and q5.feedback
    reviews.override_score(response=q5, score=1, reason="Right values, written with commas.", teacher=tess)

    html = part_html(result(alice_client, attempt), "q5a")
    assert q5.feedback not in html
    assert "feedback-correct" not in html
    assert '<div class="feedback feedback-teacher small mb-2 teacher-decision">' in html
    assert "Scored by your teacher: 1 of 1 point.</strong> Right values, written with commas." in html
    assert '<span class="badge status-badge status-correct">Correct</span>' in html


def test_prose_is_shown_in_the_text_font_and_numbers_in_the_code_font(alice_client, graded):
    html = result(alice_client, graded)
    assert '<div class="student-answer">Skip connections</div>' in part_html(html, "q6b")
    assert '<div class="student-answer">gets smaller</div>' in part_html(html, "q7c")
    assert '<div class="student-answer answer-mono">903_400</div>' in part_html(html, "q2a")
    assert 'class="answer-mono fw-semibold expected-answer">903,400<' in part_html(html, "q2a")
    assert 'class="fw-semibold expected-answer">gets smaller<' in part_html(html, "q7c")


def test_points_are_written_one_way_with_two_decimals_at_most(alice_client, alice, quiz):
    attempt = services.start_attempt(student=alice, quiz=quiz)
    # Two of q3a's six elements right, with credit per element: a third of a point.
    services.save_response(attempt=attempt, part_key="q3a", text="2, 2, 0, 0, 0, 0", sequence=1)
    attempt = services.submit_attempt(attempt=attempt)
    assert str(attempt.score) == "0.333"
    html = result(alice_client, attempt)
    assert "0.33 / 1 point" in part_html(html, "q3a")
    assert '<span id="total-score">0.33</span>' in html
    scores = re.findall(r'class="[^"]*(?:part-score|question-score|result-score)[^"]*">(.*?)</', html, re.DOTALL)
    assert len(scores) == 21 + 10 + 1
    assert not [score for score in scores if re.search(r"\d\.\d{3}|\b1 points", score)]


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


def test_answers_held_back_until_the_last_attempt_say_so(alice_client, graded, quiz):
    quiz.show_answers = quiz.show_solutions = "after_last_attempt"
    quiz.save()
    html = result(alice_client, graded)
    assert "Correct answers and worked solutions are held back</strong> until you have used your last attempt" in html
    assert "your next attempt has new numbers to work out" in html
    assert "expected-answer" not in html and "Worked solution with your numbers" not in html


def test_answers_held_for_the_last_attempt_cost_two_queries_more(
    alice_client, graded, quiz, django_assert_num_queries
):
    quiz.show_answers = "after_last_attempt"
    quiz.save()
    # The eight of an unconditional result, with 9 the student's finished attempts, 10 the quiz's
    # accommodation and 11 the standing one (none for the quiz).
    with django_assert_num_queries(11):
        result(alice_client, graded)


def test_the_worked_solution_uses_the_attempts_own_numbers(alice_client, alice, quiz):
    quiz.randomize_numbers, quiz.first_attempt_seed_numbers = True, False
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
    response = alice_client.get(reverse("student:attempt_result", args=[attempt.pk]))
    assert response["Location"] == reverse("student:attempt", args=[attempt.pk])


def test_another_students_result_is_not_found(client, bob, graded):
    client.force_login(bob)
    assert client.get(reverse("student:attempt_result", args=[graded.pk])).status_code == 404


def test_the_result_is_read_only(alice_client, graded):
    assert alice_client.post(reverse("student:attempt_result", args=[graded.pk])).status_code == 405


def test_the_result_runs_the_same_queries_however_many_decisions(
    alice_client, graded, tess, django_assert_num_queries
):
    def queries() -> None:
        # 1 session, 2 user, 3 user's groups, 4 the attempt with its quiz, 5 its responses,
        # 6 the quiz's questions, 7 their parts, 8 the attempt's log with who did what.
        with django_assert_num_queries(8):
            result(alice_client, graded)

    queries()
    for response in graded.responses.filter(status="needs_review"):
        reviews.confirm_review(response=response, score=0.5, comment="Partly there.", teacher=tess)
    queries()
