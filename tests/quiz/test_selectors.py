"""What pages read: counts, statistics, per-question points, the review queue, students; a student's quizzes
and what each attempt reveals."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from quiz import reviews, selectors, services
from quiz.models import Attempt, Part, Response
from quiz.selectors import GradebookFilters


def q6b_of(attempt) -> Response:
    return Response.objects.get(attempt=attempt, part__question__key="q6", part__key="b")


@pytest.fixture
def three_attempts(quiz, alice, bob, tess, submitted_attempt, students):
    """Alice 3 points (q6b pending), Bob 1 point (graded), Carol still working."""
    alice_attempt = submitted_attempt(alice)
    bob_attempt = submitted_attempt(bob, {"q2a": "903400"})
    carol = students(1)[0]
    services.start_attempt(student=carol, quiz=quiz)
    return alice_attempt, bob_attempt


def test_quiz_summary_counts_attempts_and_summarizes_finished_scores(quiz, three_attempts):
    [summary] = selectors.quiz_summaries()
    assert (summary.quiz, summary.started, summary.submitted, summary.awaiting_review) == (quiz, 3, 2, 1)
    assert sorted(summary.percentages) == pytest.approx([1 / 21 * 100, 3 / 21 * 100], abs=0.01)
    assert summary.mean == pytest.approx(2 / 21 * 100, abs=0.01)
    assert summary.median == pytest.approx(summary.mean)
    assert summary.histogram.count("<rect") == 2


def test_a_quiz_without_attempts_has_no_mean(quiz):
    [summary] = selectors.quiz_summaries()
    assert (summary.started, summary.mean, summary.median) == (0, None, None)


def test_gradebook_rows_carry_points_per_question_that_count(quiz, three_attempts, tess):
    alice_attempt, _ = three_attempts
    reviews.override_score(response=q6b_of(alice_attempt), score=0.25, reason="vague", teacher=tess)
    book = selectors.gradebook_page(quiz, GradebookFilters(), 1)
    assert [question.key for question in book.questions] == [f"q{n}" for n in range(1, 11)]
    assert [float(question.points) for question in book.questions] == [1, 3, 2, 1, 1, 2, 4, 4, 1, 2]
    row = next(row for row in book.rows if row.attempt == alice_attempt)
    by_question = dict(zip([question.key for question in book.questions], row.question_points, strict=True))
    assert by_question["q2"] == pytest.approx(1)
    assert by_question["q4"] == pytest.approx(1)
    assert by_question["q6"] == pytest.approx(0.25)
    assert by_question["q1"] == 0


def test_an_attempt_in_progress_has_no_points_yet(quiz, three_attempts):
    book = selectors.gradebook_page(quiz, GradebookFilters(state="in_progress"), 1)
    [row] = book.rows
    assert row.question_points == [None] * 10
    assert row.duration_text == "—"


@pytest.mark.parametrize(
    ("filters", "usernames"),
    [
        (GradebookFilters(), ["alice", "bob", "student01"]),
        (GradebookFilters(student="ALI"), ["alice"]),
        (GradebookFilters(student="Student0"), ["student01"]),
        (GradebookFilters(state="needs_review"), ["alice"]),
        (GradebookFilters(min_percent=Decimal(10)), ["alice"]),
        (GradebookFilters(max_percent=Decimal(10)), ["bob"]),
        (GradebookFilters(min_percent=Decimal(50), max_percent=Decimal(10)), []),
        (GradebookFilters(sort="-score"), ["alice", "bob", "student01"]),
        (GradebookFilters(sort="score"), ["bob", "alice", "student01"]),
        (GradebookFilters(sort="-student"), ["student01", "bob", "alice"]),
        (GradebookFilters(sort="state"), ["student01", "alice", "bob"]),
        (GradebookFilters(sort="-state"), ["bob", "alice", "student01"]),
        (GradebookFilters(sort="unknown"), ["alice", "bob", "student01"]),
    ],
)
def test_the_gradebook_filters_and_sorts(quiz, three_attempts, filters, usernames):
    book = selectors.gradebook_page(quiz, filters, 1)
    assert [row.attempt.student.username for row in book.rows] == usernames


def test_the_gradebook_sorts_by_duration_with_open_attempts_last(quiz, alice, bob, submitted_attempt, students):
    start = timezone.now() - timedelta(hours=1)
    submitted_attempt(alice, {}, now=start)
    services.start_attempt(student=students(1)[0], quiz=quiz)
    slow = services.start_attempt(student=bob, quiz=quiz, now=start)
    services.submit_attempt(attempt=slow, now=start + timedelta(minutes=75))
    for sort, expected in [("duration", ["alice", "bob", "student01"]), ("-duration", ["bob", "alice", "student01"])]:
        book = selectors.gradebook_page(quiz, GradebookFilters(sort=sort), 1)
        assert [row.attempt.student.username for row in book.rows] == expected
    assert [row.duration_text for row in book.rows] == ["1 h 15 min", "0 min", "—"]


def test_the_gradebook_pages_by_25(quiz, students, submitted_attempt):
    for student in students(26):
        submitted_attempt(student, {})
    first, second = (selectors.gradebook_page(quiz, GradebookFilters(), page) for page in (1, 2))
    assert (len(first.rows), len(second.rows), first.page.paginator.count) == (25, 1, 26)
    assert selectors.gradebook_page(quiz, GradebookFilters(), "nonsense").page.number == 1


def test_the_review_queue_counts_pending_and_confirmed_answers_per_part(quiz, three_attempts, tess):
    alice_attempt, _ = three_attempts
    parts = {part.label: part for part in selectors.review_parts(quiz)}
    assert list(parts) == [
        "Question 1", "Question 6a", "Question 6b", "Question 7a", "Question 7b", "Question 8a", "Question 9",
        "Question 10a", "Question 10b",
    ]
    assert (parts["Question 6b"].pending, parts["Question 6b"].confirmed) == (1, 0)
    assert (parts["Question 1"].pending, parts["Question 1"].confirmed) == (0, 0)
    reviews.confirm_review(response=q6b_of(alice_attempt), score=1, comment="", teacher=tess)
    parts = {part.label: part for part in selectors.review_parts(quiz)}
    assert (parts["Question 6b"].pending, parts["Question 6b"].confirmed) == (0, 1)


def test_pending_answers_come_oldest_first_and_a_skip_moves_on(quiz, students, submitted_attempt, tess):
    start = timezone.now() - timedelta(hours=1)
    first, second, third = students(3)
    attempts = [
        submitted_attempt(first, {"q6b": "one"}, now=start + timedelta(minutes=3)),
        submitted_attempt(second, {"q6b": "two"}, now=start + timedelta(minutes=1)),
        submitted_attempt(third, {"q6b": "three"}, now=start + timedelta(minutes=2)),
    ]
    part = Part.objects.get(question__key="q6", key="b")
    expected = [q6b_of(attempts[1]), q6b_of(attempts[2]), q6b_of(attempts[0])]
    assert list(selectors.pending_responses(part)) == expected
    assert selectors.next_pending(part) == expected[0]
    assert selectors.next_pending(part, after=expected[0].pk) == expected[1]
    assert selectors.next_pending(part, after=expected[2].pk) == expected[0], "after the last, back to the first"
    reviews.override_score(response=expected[0], score=0, reason="blank", teacher=tess)
    assert selectors.next_pending(part) == expected[1]


def test_answers_of_attempts_in_progress_are_not_pending(quiz, alice):
    attempt = services.start_attempt(student=alice, quiz=quiz)
    Response.objects.filter(attempt=attempt).update(status="needs_review")
    assert not selectors.pending_responses(Part.objects.get(question__key="q6", key="b")).exists()


def test_students_are_plain_students_only(alice, bob, tess, admin_user, django_user_model):
    both = django_user_model.objects.create_user("ta")
    both.groups.add(*Group.objects.filter(name__in=["Students", "Teachers"]))
    assert list(selectors.students()) == [alice, bob]


def test_students_are_found_by_name_email_or_group(alice, bob):
    evening = Group.objects.create(name="Evening")
    bob.groups.add(evening)
    assert list(selectors.students(search="BOB@example")) == [bob]
    assert list(selectors.students(search="ali")) == [alice]
    assert list(selectors.students(group=evening)) == [bob]
    assert [group.name for group in selectors.class_groups()] == ["Evening"]


def test_the_accommodation_form_starts_from_the_current_accommodation(quiz, alice, tess):
    assert selectors.accommodation_initial(quiz, "alice") == {"username": "alice"}
    reviews.grant_accommodation(
        student=alice, quiz=quiz, extra_minutes=10, extra_attempts=1, reason="plan", teacher=tess
    )
    assert selectors.accommodation_initial(quiz, "alice") == {
        "username": "alice", "extra_minutes": 10, "extra_attempts": 1, "reason": "plan",
    }


START = timezone.make_aware(timezone.datetime(2026, 3, 2, 9, 0))


# --- What the student sees --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("setting", "closes_in", "visible"),
    [
        ("immediately", None, True),
        ("after_close", None, False),
        ("after_close", timedelta(days=1), False),
        ("after_close", timedelta(days=-1), True),
        ("never", timedelta(days=-1), False),
        # One attempt of three used: held back until the quiz closes.
        ("after_last_attempt", None, False),
        ("after_last_attempt", timedelta(days=1), False),
        ("after_last_attempt", timedelta(days=-1), True),
    ],
)
def test_review_information_follows_the_quiz_settings(alice, quiz, setting, closes_in, visible):
    attempt = services.start_attempt(student=alice, quiz=quiz, now=START)
    services.submit_attempt(attempt=attempt, now=START)
    quiz.show_score = quiz.show_feedback = quiz.show_answers = quiz.show_solutions = setting
    quiz.opens_at = START - timedelta(days=10)
    quiz.closes_at = START + closes_in if closes_in is not None else None
    quiz.save()
    review = selectors.review_visibility(Attempt.objects.get(pk=attempt.pk), now=START)
    assert review == selectors.Review(score=visible, feedback=visible, answers=visible, solutions=visible)


def test_answers_held_for_the_last_attempt_show_once_every_attempt_allowed_is_finished(alice, bob, quiz, tess):
    quiz.show_answers = quiz.show_solutions = "after_last_attempt"
    quiz.attempts_allowed = 2
    quiz.save()
    first = services.submit_attempt(attempt=services.start_attempt(student=alice, quiz=quiz))
    assert not selectors.review_visibility(first).answers
    second = services.start_attempt(student=alice, quiz=quiz)
    assert not selectors.review_visibility(first).answers  # the last attempt is still in progress
    services.submit_attempt(attempt=second)
    assert selectors.review_visibility(first).answers and selectors.review_visibility(first).solutions
    [card] = selectors.quiz_cards(alice)
    assert all(row.review.answers for row in card.attempts)
    assert all(row.review.answers for row in selectors.attempt_history(alice))

    # An extra attempt granted later holds them back again, on every page, until it is used too.
    reviews.grant_accommodation(student=alice, quiz=quiz, extra_minutes=0, extra_attempts=1, reason="ill", teacher=tess)
    assert not selectors.review_visibility(first).answers
    assert not any(row.review.answers for row in selectors.quiz_cards(alice)[0].attempts)
    assert not any(row.review.answers for row in selectors.attempt_history(alice))
    # Another student's attempts never count for alice's.
    bob_first = services.submit_attempt(attempt=services.start_attempt(student=bob, quiz=quiz))
    assert not selectors.review_visibility(bob_first).answers


def test_an_attempt_in_progress_reveals_nothing(attempt):
    assert selectors.review_visibility(attempt) == selectors.Review(False, False, False, False)


def test_quiz_cards_say_where_the_student_stands(alice, quiz):
    attempt = services.start_attempt(student=alice, quiz=quiz, now=START)
    card = selectors.quiz_cards(alice, now=START)[0]
    assert (card.status, card.used, card.left, card.current) == ("in_progress", 1, 2, attempt)
    services.submit_attempt(attempt=attempt, now=START)
    card = selectors.quiz_cards(alice, now=START)[0]
    assert (card.status, card.used, card.left, card.current) == ("submitted", 1, 2, None)
