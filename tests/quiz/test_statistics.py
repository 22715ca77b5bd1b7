"""Item statistics: the arithmetic on hand-computed numbers, then the selector on a small class."""

from __future__ import annotations

import math
from collections import Counter

import numpy as np
import pytest

from quiz import reviews, services
from quiz.models import Response
from quiz.statistics import discrimination, facility, mistake_names, part_measures, quiz_statistics, top_answers

# --- The arithmetic --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("credits", "expected"),
    [([1, 0.5, 0], 0.5), ([1, 1, 1, 0], 0.75), ([0.25], 0.25)],
)
def test_facility_is_the_mean_credit(credits, expected):
    assert math.isclose(facility(credits), expected)


def test_facility_of_no_attempts_is_undefined():
    assert facility([]) is None


def test_discrimination_is_the_correlation_with_the_rest_of_the_attempt():
    # x deviations ±0.5; y deviations 1, −1, 0, 0: covariance 0.25, sd 0.5 and √0.5, so r = 1/√2.
    assert math.isclose(discrimination([1, 0, 1, 0], [3, 1, 2, 2]), 1 / math.sqrt(2))


def test_a_part_that_weak_attempts_get_right_discriminates_negatively():
    assert math.isclose(discrimination([0, 0, 1, 1], [4, 3, 1, 0]), -0.9486832980505138)


@pytest.mark.parametrize(
    ("item", "rest"),
    [([1, 1, 1], [1, 2, 3]), ([0, 1, 0], [2, 2, 2]), ([1], [3]), ([], [])],
)
def test_discrimination_is_undefined_when_nothing_varies(item, rest):
    assert discrimination(item, rest) is None


def test_part_measures_leave_the_part_out_of_its_own_total():
    # Part 1 (2 points) against part 0 alone; part 0 against part 1's points.
    credits = np.array([[1.0, 1.0], [0.0, 0.5], [1.0, 0.0], [0.0, 0.0]])
    (f0, d0), (f1, d1) = part_measures(credits, [1, 2])
    assert math.isclose(f0, 0.5) and math.isclose(f1, 0.375)
    assert math.isclose(d0, discrimination([1, 0, 1, 0], [2, 1, 0, 0]))
    assert math.isclose(d1, discrimination([2, 1, 0, 0], [1, 0, 1, 0]))


def test_top_answers_are_most_frequent_first_then_alphabetical():
    counter = Counter({"b": 2, "a": 2, "c": 5, "d": 1})
    assert top_answers(counter, limit=3) == [("c", 5), ("a", 2), ("b", 2)]


def test_a_mistake_is_named_in_plain_words_from_its_label_or_its_feedback():
    known = [
        {"key": "no_bias", "feedback": "Each filter also has a bias term. Count one per filter.", "label": ""},
        {"key": "all_layers", "feedback": "Once a layer is computed, the one before it can be freed."},
        {"key": "all_layers_with_input", "feedback": "Once a layer is computed, the one before it can be freed."},
        {"key": "no_params", "feedback": "The weights must be in memory too.", "label": "forgot the weights"},
    ]
    assert mistake_names(known) == {
        "no_bias": "Each filter also has a bias term",
        "all_layers": "Once a layer is computed, the one before it can be freed (all layers)",
        "all_layers_with_input": "Once a layer is computed, the one before it can be freed (all layers with input)",
        "no_params": "forgot the weights",
    }


# --- On a small class ------------------------------------------------------------------------

CLASS = [
    # q2a (1 point): right; forgot the biases twice (typed two ways); a wrong number.
    # q4a (1 point): right, right, wrong, unanswered.
    {"q2a": "903400", "q4a": "[[5, 6], [10, 9]]"},
    {"q2a": "902,700", "q4a": "[[5, 6], [10, 9]]"},
    {"q2a": "902700", "q4a": "[[1, 1], [1, 1]]"},
    {"q2a": "12"},
]


@pytest.fixture
def stats_class(quiz, students, submitted_attempt):
    attempts = [submitted_attempt(student, answers) for student, answers in zip(students(4), CLASS, strict=True)]
    return attempts


def _item(stats, label: str):
    return next(item for item in stats.parts if item.label == label)


def test_statistics_on_a_small_class_match_the_hand_computation(quiz, stats_class):
    stats = quiz_statistics(quiz)

    assert stats.attempts == 4
    q2a = _item(stats, "Question 2a")
    assert math.isclose(q2a.facility, 0.25)
    # q2a scores (1, 0, 0, 0) against the rest, q4a's (1, 1, 0, 0): r = 0.125 / (√0.1875 · 0.5) = 1/√3.
    assert math.isclose(q2a.discrimination, 1 / math.sqrt(3))
    assert q2a.status_counts["correct"] == 1 and q2a.status_counts["incorrect"] == 3
    [no_bias] = q2a.mistakes
    assert (no_bias.key, no_bias.count, no_bias.share) == ("no_bias", 2, 0.5)
    assert (no_bias.name, no_bias.explanation) == ("Each filter also has a bias term", "")
    assert [count for _answer, count in q2a.wrong_answers] == [2, 1]
    assert q2a.wrong_answers[1][0] == "12"

    q4 = _item(stats, "Question 4")
    assert math.isclose(q4.facility, 0.5)
    assert (q4.status_counts["correct"], q4.status_counts["incorrect"], q4.status_counts["unanswered"]) == (2, 1, 1)


def test_statistics_leave_out_attempts_in_progress(quiz, stats_class, alice):
    running = services.start_attempt(student=alice, quiz=quiz)
    services.save_response(attempt=running, part_key="q2a", text="903400", sequence=1)
    assert quiz_statistics(quiz).attempts == 4


def test_statistics_count_the_score_that_counts(quiz, stats_class, tess):
    response = Response.objects.get(attempt=stats_class[3], part__question__key="q2", part__key="a")
    reviews.override_score(response=response, score=1.0, reason="Accepted", teacher=tess)
    assert math.isclose(_item(quiz_statistics(quiz), "Question 2a").facility, 0.5)


def test_statistics_without_attempts_are_empty_not_an_error(quiz):
    stats = quiz_statistics(quiz)
    assert stats.attempts == 0
    assert all(item.facility is None and item.discrimination is None for item in stats.parts)


def test_statistics_take_four_queries_whatever_the_class_size(quiz, stats_class, django_assert_num_queries):
    # 1 parts with their questions, 2 sibling parts for labels, 3 attempt ids, 4 the stored verdicts.
    with django_assert_num_queries(4):
        quiz_statistics(quiz)
