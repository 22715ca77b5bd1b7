"""Shapes of tensors: any number of sizes in order, credit per size where the part allows it, and
the channels-last order named as a mistake."""

import pytest

from grader import AnswerError, Computation, MistakeSpec, PartSpec, expected_answer, grade_part, normalize_answer
from grader.kinds import read

COMPUTATION = Computation(
    outputs={"out": [32, 64, 56, 112], "no_pad": [32, 64, 54, 110], "seq": [8, 100], "nhwc": [32, 56, 112, 64]}
)


def part(**fields) -> PartSpec:
    return PartSpec(**{"key": "a", "kind": "shape", "output": "out", **fields})


@pytest.mark.parametrize(
    "text",
    [
        "(32, 64, 56, 112)",
        "32, 64, 56, 112",
        "32×64×56×112",
        "32 x 64 x 56 x 112",
        "[32 64 56 112]",
        "torch.Size([32, 64, 56, 112])",
        "(N, C, H, W) = (32, 64, 56, 112)",
        "y.shape = (32, 64, 56, 112)",
    ],
)
def test_a_shape_is_read_in_every_usual_layout(text):
    assert read(part(), text) == [32, 64, 56, 112]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("(32, 64.5, 56)", "give whole-number sizes"),
        ("(N, C, H, W)", "is not a shape: write its sizes in order"),
        ("(1, 2, 3, 4, 5, 6, 7, 8, 9)", "has more than 8 sizes"),
        ("()", "Give the shape's sizes in order"),
    ],
)
def test_what_is_not_a_shape_is_refused_saying_what_to_write(text, message):
    with pytest.raises(AnswerError, match=message):
        read(part(), text)


def test_a_shape_of_any_length_is_graded_exactly():
    assert grade_part(part(output="seq"), COMPUTATION, "8 x 100").status == "correct"
    assert grade_part(part(), COMPUTATION, "(32, 64, 56, 112)").status == "correct"
    assert grade_part(part(), COMPUTATION, "(32, 64, 56, 111)").status == "incorrect"


def test_channels_last_is_the_named_mistake():
    verdict = grade_part(part(), COMPUTATION, "(32, 56, 112, 64)")
    assert (verdict.status, verdict.score, verdict.mistake) == ("incorrect", 0.0, "channels_last")
    assert verdict.feedback.startswith("That is the channels-last order (N, H, W, C)")


def test_a_part_may_model_channels_last_itself():
    own = MistakeSpec("channels_last", "nhwc", 0.5, "Right sizes, Keras order: half credit.")
    verdict = grade_part(part(mistakes=(own,)), COMPUTATION, "(32, 56, 112, 64)")
    assert (verdict.score, verdict.mistake, verdict.feedback) == (0.5, "channels_last", own.feedback)


def test_channels_last_is_not_named_where_it_is_the_same_shape():
    square = Computation(outputs={"out": [1, 7, 7, 7]})
    assert grade_part(part(), square, "(1, 7, 7, 7)").status == "correct"


@pytest.mark.parametrize(
    ("text", "score", "feedback"),
    [
        ("(32, 64, 54, 110)", 0.0, None),
        ("(32, 64, 56, 110)", 0.75, "3 of 4 values are right."),
        ("(32, 3, 1, 1)", 0.25, "1 of 4 values is right."),
        ("(64, 32)", 0.0, "The answer has 4 sizes; yours has 2 sizes."),
    ],
)
def test_credit_per_size_where_the_part_allows_it(text, score, feedback):
    spec = part(partial_credit=True, mistakes=(MistakeSpec("no_pad", "no_pad", 0.0, "The padding keeps the size."),))
    verdict = grade_part(spec, COMPUTATION, text)
    assert verdict.score == pytest.approx(score)
    if feedback:
        assert verdict.feedback == feedback
    else:
        assert verdict.mistake == "no_pad"


def test_a_shape_is_shown_as_a_tuple_and_counted_as_one_however_written():
    assert expected_answer(part(), COMPUTATION)[1] == "(32, 64, 56, 112)"
    assert normalize_answer(part(), "32x64x56x112") == normalize_answer(part(), "torch.Size([32, 64, 56, 112])")


def test_a_shape_is_graded_exactly():
    with pytest.raises(ValueError, match="shape parts are graded exactly"):
        part(relative_tolerance=0.1)
