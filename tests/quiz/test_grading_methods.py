"""The grade that counts: each grading method over a student's finished attempts, and what follows it."""

import io
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from hypothesis import given
from hypothesis import strategies as st

from quiz import regrade, reviews, selectors, services
from quiz.bank import DEFAULT_BANK
from quiz.grading import counting_grade
from quiz.lti.grades import grade_that_counts
from quiz.models import Attempt, AttemptState, GradingMethod, Quiz

GRADED, WAITING = AttemptState.GRADED, AttemptState.NEEDS_REVIEW


def attempts(*rows) -> list[Attempt]:
    """Unsaved attempts from (number, score, state) rows, each out of 10."""
    return [
        Attempt(number=number, score=Decimal(score), max_score=Decimal(10), state=state)
        for number, score, state in rows
    ]


# --- The rule, without the database -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "counted", "score"),
    [
        (GradingMethod.HIGHEST, [2], "7.5"),
        (GradingMethod.LAST, [3], "4"),
        (GradingMethod.FIRST, [1], "6"),
        (GradingMethod.AVERAGE, [1, 2, 3], "5.833"),
    ],
)
def test_each_method_chooses_its_attempts(method, counted, score):
    grade = counting_grade(method, attempts((3, "4", GRADED), (1, "6", GRADED), (2, "7.5", GRADED)))
    assert [attempt.number for attempt in grade.counted] == counted
    assert grade.score == Decimal(score) and grade.maximum == Decimal(10)
    assert grade.finished == 3 and not grade.pending_review and grade.awaiting_review == ()


def test_highest_takes_the_later_of_two_equal_scores():
    grade = counting_grade(GradingMethod.HIGHEST, attempts((1, "8", GRADED), (2, "8", GRADED), (3, "5", GRADED)))
    assert grade.attempt.number == 2


def test_the_average_rounds_as_a_total():
    grade = counting_grade(GradingMethod.AVERAGE, attempts((1, "1", GRADED), (2, "1", GRADED), (3, "0", GRADED)))
    assert (grade.score, grade.maximum) == (Decimal("0.667"), Decimal(10))
    assert grade.attempt is None


@pytest.mark.parametrize(
    ("scores", "mean"),
    [(("0.859", "0.384"), "0.622"), (("1.214", "0.495"), "0.854"), (("2.5", "2.5", "2"), "2.333")],
)
def test_the_average_of_equal_maxima_is_the_mean_score_rounded_as_a_total(scores, mean):
    """The mean share times the maximum is the mean score exactly: 0.6215 rounds as a total of 0.6215 would."""
    rows = [Attempt(number=n, score=Decimal(s), max_score=Decimal(3), state=GRADED) for n, s in enumerate(scores, 1)]
    grade = counting_grade(GradingMethod.AVERAGE, rows)
    assert grade.score == Decimal(mean) == (sum(map(Decimal, scores)) / len(scores)).quantize(Decimal("0.001"))


@given(
    maximum=st.integers(1, 100_000).map(lambda thousandths: Decimal(thousandths) / 1000),
    fractions=st.lists(st.fractions(0, 1), min_size=1, max_size=6),
)
def test_any_average_of_equal_maxima_is_the_mean_score(maximum, fractions):
    scores = [(maximum * share.numerator / share.denominator).quantize(Decimal("0.001")) for share in fractions]
    rows = [Attempt(number=n, score=s, max_score=maximum, state=GRADED) for n, s in enumerate(scores, 1)]
    grade = counting_grade(GradingMethod.AVERAGE, rows)
    assert grade.score == (sum(scores) / len(scores)).quantize(Decimal("0.001"))


def out_of(maximum: int, row: Attempt) -> Attempt:
    row.max_score = Decimal(maximum)
    return row


def test_attempts_of_different_maxima_are_compared_by_the_share_they_scored():
    """Pools whose questions differ in points give attempts different maxima: 4 of 5 beats 5 of 8."""
    first, second = attempts((1, "4", GRADED), (2, "5", GRADED))
    rows = [out_of(5, first), out_of(8, second)]
    highest = counting_grade(GradingMethod.HIGHEST, rows)
    assert (highest.attempt.number, highest.score, highest.maximum) == (1, Decimal(4), Decimal(5))
    # The mean share, (80 % + 62.5 %) / 2 = 71.25 %, on the mean maximum of 6.5 points.
    average = counting_grade(GradingMethod.AVERAGE, rows)
    assert (average.score, average.maximum) == (Decimal("4.631"), Decimal("6.5"))


def test_an_attempt_worth_nothing_counts_as_no_share():
    first, second = attempts((1, "0", GRADED), (2, "0", GRADED))
    rows = [out_of(0, first), second]
    assert counting_grade(GradingMethod.HIGHEST, rows).attempt.number == 2
    assert counting_grade(GradingMethod.AVERAGE, rows).score == Decimal(0)


@pytest.mark.parametrize("method", list(GradingMethod))
def test_no_finished_attempt_is_no_grade(method):
    assert counting_grade(method, []) is None


@pytest.mark.parametrize(
    ("method", "awaiting", "pending"),
    [
        # Highest and average: any attempt a review could raise may change the grade.
        (GradingMethod.HIGHEST, (), True),
        (GradingMethod.AVERAGE, (1,), True),
        # First and last: only the counted attempt matters.
        (GradingMethod.LAST, (), False),
        (GradingMethod.FIRST, (1,), True),
    ],
)
def test_attempts_awaiting_review_count_with_their_score_so_far_and_are_flagged(method, awaiting, pending):
    grade = counting_grade(method, attempts((1, "3", WAITING), (2, "9", GRADED)))
    assert grade.awaiting_review == awaiting
    assert grade.pending_review is pending


@pytest.mark.parametrize(
    ("method", "sentence"),
    [
        (GradingMethod.HIGHEST, "Your grade is the highest of your 2 finished attempts: attempt 2"),
        (GradingMethod.LAST, "Your grade is the last of your 2 finished attempts: attempt 2"),
        (GradingMethod.FIRST, "Your grade is the first of your 2 finished attempts: attempt 1"),
        (GradingMethod.AVERAGE, "Your grade is the average of your 2 finished attempts"),
    ],
)
def test_the_explanation_says_which_attempt_counts_and_why(method, sentence):
    assert counting_grade(method, attempts((1, "3", GRADED), (2, "9", GRADED))).explanation == sentence


def test_one_finished_attempt_is_written_in_the_singular():
    grade = counting_grade(GradingMethod.HIGHEST, attempts((1, "3", GRADED)))
    assert grade.explanation == "Your grade is the highest of your 1 finished attempt: attempt 1"


# --- On the database: the quiz's setting, and teachers' decisions ------------------------------------------


@pytest.fixture
def three_attempts(quiz, alice, submitted_attempt):
    """Alice's attempts 1 (one right part), 2 (two right parts) and 3 (nothing), all graded; every attempt
    takes the questions' own numbers, so the same answers are right in each."""
    quiz.attempts_allowed = 4
    quiz.randomize_numbers = False  # every attempt has the same numbers, so the same answers score alike
    quiz.save()
    first = submitted_attempt(alice, {"q2a": "903400"})
    second = submitted_attempt(alice, {"q2a": "903400", "q4a": "[[5, 6], [10, 9]]"})
    third = submitted_attempt(alice, {})
    assert second.score > first.score > third.score
    return first, second, third


@pytest.mark.parametrize(("method", "number"), [("highest", 2), ("last", 3), ("first", 1), ("average", None)])
def test_the_quiz_setting_decides_what_the_lms_is_told(quiz, alice, three_attempts, method, number):
    quiz.grading_method = method
    quiz.save()
    grade = grade_that_counts(alice, quiz)
    if number is None:
        assert grade.score == (sum(a.score for a in three_attempts) / 3).quantize(Decimal("0.001"))
    else:
        assert grade.attempt == three_attempts[number - 1] and grade.score == three_attempts[number - 1].score


def test_an_attempt_in_progress_does_not_count_until_it_is_finished(quiz, alice, three_attempts):
    quiz.grading_method = "last"
    quiz.save()
    services.start_attempt(student=alice, quiz=quiz)
    assert grade_that_counts(alice, quiz).attempt == three_attempts[2]


def test_an_override_changes_the_grade_that_counts(quiz, alice, tess, three_attempts):
    quiz.grading_method = "first"
    quiz.save()
    first = three_attempts[0]
    before = grade_that_counts(alice, quiz).score
    response = first.responses.get(part__question__key="q4", part__key="a")
    reviews.override_score(response=response, score=1.0, reason="Right method, typo", teacher=tess)
    first.refresh_from_db()
    assert grade_that_counts(alice, quiz).score == first.score > before


def test_a_review_changes_the_grade_and_ends_its_pending_state(quiz, alice, tess, submitted_attempt):
    quiz.grading_method = "average"
    quiz.save()
    written = submitted_attempt(alice, {"q6b": "Skip connections."})
    assert written.state == AttemptState.NEEDS_REVIEW
    before = grade_that_counts(alice, quiz)
    assert before.pending_review and before.awaiting_review == (1,)
    response = written.responses.get(part__question__key="q6", part__key="b")
    reviews.confirm_review(response=response, score=0.0, comment="Say why they help.", teacher=tess)
    after = grade_that_counts(alice, quiz)
    assert not after.pending_review and after.score < before.score


def test_a_regrade_changes_the_grade_that_counts(quiz, alice, three_attempts):
    quiz.grading_method = "last"
    quiz.save()
    response = three_attempts[2].responses.get(part__question__key="q2", part__key="a")
    response.text = "903400"  # as if the answer had been read wrongly at submit
    response.save(update_fields=["text"])
    before = grade_that_counts(alice, quiz).score
    regrade.regrade_quiz(quiz=quiz)
    assert grade_that_counts(alice, quiz).score > before


def test_the_gradebook_by_student_reads_the_same_grade(quiz, alice, bob, three_attempts, submitted_attempt):
    quiz.grading_method = "first"
    quiz.save()
    submitted_attempt(bob, {})
    rows = {row.student.username: row for row in selectors.student_grades_page(quiz, "", 1).rows}
    assert rows["alice"].grade.attempt == three_attempts[0] and len(rows["alice"].attempts) == 3
    assert rows["bob"].grade.score == Decimal(0)


def test_the_grading_method_round_trips_through_a_bank_file(quiz, tmp_path):
    quiz.grading_method = "average"
    quiz.save()
    path = tmp_path / "bank.yaml"
    call_command("export_question_bank", quiz.key, str(path))
    assert "grading_method: average" in path.read_text()
    Quiz.objects.all().delete()
    call_command("load_question_bank", str(path), stdout=io.StringIO())
    assert Quiz.objects.get().grading_method == GradingMethod.AVERAGE


def test_a_bank_file_with_an_unknown_grading_method_is_refused(empty_bank, tmp_path):
    text = DEFAULT_BANK.read_text().replace("grading_method: highest", "grading_method: best")
    path = tmp_path / "bank.yaml"
    path.write_text(text)
    with pytest.raises(CommandError, match="quiz: grading_method: Value 'best' is not a valid choice"):
        call_command("load_question_bank", str(path), stdout=io.StringIO())
