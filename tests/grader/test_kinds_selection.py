"""Select all that apply: the right choices picked minus the wrong ones, over the right ones,
floored at 0; the feedback counts them and says why for each choice got wrong."""

import pytest

from grader import AnswerError, PartSpec, expected_answer, grade_part, normalize_answer
from grader.kinds import read

DATA = {
    "key": "a",
    "kind": "select_all",
    "choices": [
        {"key": "pool", "label": "Max pooling", "feedback": "Pooling has no weights to learn."},
        {"key": "conv", "label": "Convolution"},
        {"key": "dense", "label": "Dense layer"},
        {"key": "relu", "label": "ReLU", "feedback": "An activation has no weights to learn."},
    ],
    "correct": ["conv", "dense"],
}


def part(**changes) -> PartSpec:
    return PartSpec.from_dict({**DATA, **changes})


def test_the_right_choices_are_stored_as_their_keys():
    assert part().correct_choices == ("conv", "dense")


@pytest.mark.parametrize(
    ("text", "score", "status", "feedback"),
    [
        ("conv, dense", 1.0, "correct", "Correct."),
        ("dense,conv", 1.0, "correct", "Correct."),
        ("Convolution; Dense layer", 1.0, "correct", "Correct."),
        ("conv", 0.5, "partial", "1 of the 2 right choices picked."),
        (
            "conv, dense, pool",
            0.5,
            "partial",
            "2 of the 2 right choices picked, and 1 wrong one, which takes one away. Pooling has no weights to learn.",
        ),
        ("conv, pool", 0.0, "incorrect", "1 of the 2 right choices picked, and 1 wrong one, which takes one away."),
        ("pool, relu", 0.0, "incorrect", "0 of the 2 right choices picked, and 2 wrong ones, which take one away."),
        ("conv, dense, pool, relu", 0.0, "incorrect", "2 of the 2 right choices picked, and 2 wrong ones"),
    ],
)
def test_right_picks_minus_wrong_ones_floored_at_zero(text, score, status, feedback):
    verdict = grade_part(part(), None, text)
    assert verdict.score == pytest.approx(score)
    assert verdict.status == status
    assert verdict.feedback.startswith(feedback)
    assert verdict.expected == "Convolution; Dense layer"


def test_a_wrong_picks_feedback_says_why():
    assert grade_part(part(), None, "conv, dense, pool, relu").feedback.endswith(
        "Pooling has no weights to learn. An activation has no weights to learn."
    )


def test_an_unknown_choice_is_refused_naming_the_choices():
    with pytest.raises(AnswerError, match="is not one of the choices"):
        read(part(), "conv, batchnorm")


def test_the_same_picks_in_another_order_count_as_one_answer():
    assert normalize_answer(part(), "dense, conv") == normalize_answer(part(), "Convolution,Dense layer")
    assert expected_answer(part(), None) == (("conv", "dense"), "Convolution; Dense layer")


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"correct": []}, "correct: must list one or more of the choices' keys"),
        ({"correct": ["conv", "batchnorm"]}, "correct: must list one or more of the choices' keys"),
        ({"correct": ["conv", "conv"]}, "correct: names a choice twice"),
        ({"choices": DATA["choices"][:1]}, "choices: a select_all part needs at least two choices"),
        ({"choices": [*DATA["choices"], {"key": "a,b", "label": "Both"}]}, "may not hold a comma"),
        ({"output": "x"}, "output: select_all parts take no calculator output"),
    ],
)
def test_a_select_all_part_is_checked(changes, message):
    with pytest.raises(ValueError, match=message):
        part(**changes)


def test_a_single_choice_still_takes_one_right_choice():
    data = {**DATA, "kind": "choice", "correct": "conv"}
    assert grade_part(PartSpec.from_dict(data), None, "conv").score == 1.0
