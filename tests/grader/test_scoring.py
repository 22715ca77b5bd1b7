"""Grading as the question bank describes it: candidates, tolerances, mistakes, partial credit."""

import json
import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from grader import (
    Computation,
    MistakeSpec,
    PartSpec,
    Verdict,
    check_answer,
    compute,
    expected_answer,
    grade_part,
    grade_question,
    normalize_answer,
    render_prompt,
    worked_solution,
)
from tests.grader.bank import part_data, questions, seed_computation, spec

STATUSES = {"correct", "partial", "incorrect", "invalid", "unanswered", "needs_review"}


def grade(question: str, part: str, text: str) -> Verdict:
    return grade_part(spec(question, part), seed_computation(question), text)


def mistake_feedback(question: str, part: str, key: str) -> str:
    return next(m["feedback"] for m in part_data(question, part)["mistakes"] if m["key"] == key).strip()


# The seed's answers and the bank's mistakes ------------------------------------------------

CASES = [
    # question, part, text, status, score, mistake
    ("q2", "a", "903400", "correct", 1, None),
    ("q2", "a", "903,400", "correct", 1, None),
    ("q2", "a", "903_400", "correct", 1, None),
    ("q2", "a", "9.034e5", "correct", 1, None),
    ("q2", "a", "2800 + 180200 + 720400", "correct", 1, None),
    ("q2", "a", "9.034·10⁵", "correct", 1, None),
    ("q2", "a", "903.4K", "correct", 1, None),
    ("q2", "a", "903400 parameters", "correct", 1, None),
    ("q2", "a", "Total = 903,400", "correct", 1, None),
    ("q2", "a", "2800 + 180200 + 720400 = 903400", "correct", 1, None),
    ("q2", "a", "0.9 M", "incorrect", 0, None),
    ("q2", "a", "902,700", "incorrect", 0, "no_bias"),
    ("q2", "a", "903401", "incorrect", 0, None),
    ("q2", "a", "903400.5", "incorrect", 0, None),
    ("q2", "b", "12.6 MB", "correct", 1, None),
    ("q2", "b", "12.6", "correct", 1, None),
    ("q2", "b", "12613600 bytes", "correct", 1, None),
    ("q2", "b", "12.03 MiB", "correct", 1, None),
    ("q2", "b", "6 + 3 + 3.6", "correct", 1, None),
    ("q2", "b", "12,6 MB", "correct", 1, None),
    ("q2", "b", "12,61 MB", "correct", 1, None),
    ("q2", "b", "1.26136×10⁷ B", "correct", 1, None),
    ("q2", "b", "about 12.6 MB", "correct", 1, None),
    ("q2", "b", "≈ 12.6 MB.", "correct", 1, None),
    ("q2", "b", "9 MB + 3.6 MB", "correct", 1, None),
    ("q2", "b", "12.03 MB", "partial", 0.5, "mib_as_mb"),
    ("q2", "b", "14.1 MB", "partial", 0.5, "all_layers"),
    ("q2", "b", "14.9 MB", "partial", 0.5, "all_layers_with_input"),
    ("q2", "b", "9 MB", "partial", 0.5, "no_params"),
    ("q2", "b", "13 MB", "incorrect", 0, None),
    ("q2", "c", "564.6 MB", "correct", 1, None),
    ("q2", "c", "565.6 MB", "correct", 1, None),
    ("q2", "c", "525 + 36 + 3.6", "correct", 1, None),
    ("q2", "c", "526 MB + 36 MB + 3.6 MB", "correct", 1, None),
    ("q2", "c", "565,6", "correct", 1, None),
    ("q2", "c", "563.6 MB", "correct", 1, None),
    ("q2", "c", "566", "correct", 1, None),
    ("q2", "c", "562.0", "partial", 0.5, "no_params"),
    ("q2", "c", "562", "partial", 0.5, "no_params"),
    ("q2", "c", "562000000 B", "partial", 0.5, "no_params"),
    ("q2", "c", "525.6 MB", "incorrect", 0, "no_inputs_no_params"),
    ("q2", "c", "539.4 MB", "partial", 0.5, "mib_as_mb"),
    ("q2", "c", "529.6 MB", "partial", 0.5, "no_inputs"),
    ("q2", "c", "630.7 MB", "incorrect", 0, "prediction_times_batch"),
    ("q2", "c", "12.6 * 50", "incorrect", 0, "prediction_times_batch"),
    ("q3", "a", "2, 2, 2, 2, 2, 2", "correct", 1, None),
    ("q3", "a", "[-2 -2 -2 -2 -2 -2]", "incorrect", 0, "flipped_kernel"),
    ("q3", "b", "2, 2, 2, 2, 2, 2, 2, −7", "correct", 1, None),
    ("q3", "b", "-2, -2, -2, -2, -2, -2, -2, 7", "incorrect", 0, "flipped_kernel"),
    ("q3", "b", "y = [2, 2, 2, 2, 2, 2, 2, -7]", "correct", 1, None),
    ("q3", "b", "tensor([ 2,  2,  2,  2,  2,  2,  2, -7])", "correct", 1, None),
    ("q4", "a", "[5 6]\n[10 9]", "correct", 1, None),
    ("q4", "a", "[[ 5  6]\n [10  9]]", "correct", 1, None),
    ("q4", "a", "[[3, 1.5], [6.25, 2.25]]", "incorrect", 0, "average_pooling"),
    ("q4", "a", "1 -2; 0 -3", "incorrect", 0, "min_pooling"),
    ("q4", "a", "12 9; 17 9", "incorrect", 0, "sum_pooling"),
    ("q4", "a", "((5, 6), (10, 9))", "correct", 1, None),
    (
        "q4",
        "a",
        "\\begin{bmatrix} 5 & 6 \\\\ 10 & 9 \\end{bmatrix}",
        "correct",
        1,
        None,
    ),
    ("q4", "a", "tensor([[ 5,  6],\n        [10,  9]])", "correct", 1, None),
    ("q5", "a", "[34/9, 11/9]", "correct", 1, None),
    ("q5", "a", "3.78, 1.22", "correct", 1, None),
    ("q5", "a", "3.77, 1.23", "correct", 1, None),
    ("q5", "a", "3,78 1,22", "correct", 1, None),
    ("q5", "a", "3,78; 1,22", "correct", 1, None),
    ("q5", "a", "34/9 ≈ 3.78, 11/9 ≈ 1.22", "correct", 1, None),
    ("q5", "a", "3.78 and 1.22", "correct", 1, None),
    ("q5", "a", "3 7/9, 1 2/9", "correct", 1, None),
    ("q5", "a", "\\frac{34}{9}, \\frac{11}{9}", "correct", 1, None),
    ("q5", "a", "tensor([3.7778, 1.2222])", "correct", 1, None),
    ("q5", "a", "3.8, 1.2", "partial", 0.5, None),
    ("q5", "a", "3.8, 1.22", "partial", 0.75, None),
    ("q5", "a", "34, 11", "incorrect", 0, "sums"),
    ("q5", "a", "10 3", "incorrect", 0, "global_max"),
    ("q8", "b", "200", "correct", 1, None),
    ("q8", "b", "512", "incorrect", 0, "input_channels"),
    ("q8", "b", "25088", "incorrect", 0, "flattened_inputs"),
    ("q8", "b", "25,088", "incorrect", 0, "flattened_inputs"),
    ("q8", "b", "200 filters", "correct", 1, None),
    ("q8", "c", "7x7", "correct", 1, None),
    ("q8", "c", "7×7", "correct", 1, None),
    ("q8", "c", "7, 7", "correct", 1, None),
    ("q8", "c", "7-by-7", "correct", 1, None),
    ("q8", "c", "kernel_size=(7, 7)", "correct", 1, None),
    ("q8", "c", "7 × 7 (the whole feature map)", "correct", 1, None),
    ("q8", "c", "7x7 kernel", "correct", 1, None),
    ("q8", "c", "7×7×512", "correct", 1, "with_depth"),
    ("q8", "c", "7", "partial", 0.5, "one_size"),
    ("q8", "d", "valid", "correct", 1, None),
    ("q8", "d", "SAME", "incorrect", 0, None),
    ("q8", "d", "same", "incorrect", 0, None),
    ("q7", "c", "gets smaller", "correct", 1, None),
    ("q7", "c", "Smaller", "correct", 1, None),
    ("q7", "c", "larger", "incorrect", 0, None),
    ("q7", "d", "gets larger", "correct", 1, None),
]


@pytest.mark.parametrize(("question", "part", "text", "status", "score", "mistake"), CASES)
def test_answers_grade_as_the_bank_says(question, part, text, status, score, mistake):
    verdict = grade(question, part, text)
    assert (verdict.status, verdict.mistake) == (status, mistake), verdict.feedback
    assert math.isclose(verdict.score, score)
    if mistake:
        assert verdict.feedback == mistake_feedback(question, part, mistake)
    elif status == "correct":
        assert verdict.feedback.startswith("Correct.")
    else:
        assert verdict.feedback


# The candidate rule --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "status", "mistake"),
    [
        # Within 1 % of 565.6136 and not the value of a mistake at the precision typed: correct,
        # however close to a mistake (the "parameters left out" value is 562.0) ...
        ("565.6", "correct", None),
        ("564.6", "correct", None),
        ("563.6", "correct", None),
        ("562.4", "correct", None),
        ("566", "correct", None),
        # ... but the mistake's value itself, to the precision typed, is that mistake.
        ("562.0", "partial", "no_params"),
        ("562", "partial", "no_params"),
        ("562.00 MB", "partial", "no_params"),
        ("0.562 GB", "partial", "no_params"),
        # 5.62e2 is 562 to the nearest unit, like 562; 5.6e2 is it to the nearest ten (and
        # 565.6 is not), 5.7e2 is the answer to the nearest ten.
        ("5.62e2", "partial", "no_params"),
        ("5.6e2", "partial", "no_params"),
        ("5.7e2", "correct", None),
    ],
)
def test_within_the_tolerance_only_a_mistakes_own_value_is_that_mistake(text, status, mistake):
    exact = compute("conv_stack", questions()["q2"]["params"]).outputs
    assert abs(562.0 - exact["training_bytes"] / 1e6) < 0.01 * exact["training_bytes"] / 1e6
    verdict = grade("q2", "c", text)
    assert (verdict.status, verdict.mistake) == (status, mistake), verdict.feedback


def test_a_rounded_right_answer_is_correct_even_where_it_equals_a_mistake_rounded():
    # 12.6 MB to the nearest MB is 13, and so is the value without the parameters (9 MB)? No:
    # a value right to the precision typed is never a mistake, even when both round alike.
    computation = Computation(outputs={"answer": 100.4, "slip": 99.6})
    part = PartSpec(
        key="a",
        kind="number",
        output="answer",
        relative_tolerance=0.02,
        mistakes=(MistakeSpec("slip", "slip", 0.5, "A slip."),),
    )
    assert grade_part(part, computation, "100").status == "correct"
    assert grade_part(part, computation, "99.6").mistake == "slip"
    assert grade_part(part, computation, "100.4").status == "correct"


def test_outside_the_tolerance_the_nearest_mistake_within_its_band_wins():
    computation = Computation(outputs={"answer": 10.0, "slip": 20.0, "other": 21.0})
    part = PartSpec(
        key="a",
        kind="number",
        output="answer",
        relative_tolerance=0.1,
        mistakes=(MistakeSpec("slip", "slip", 0.5, "A slip."), MistakeSpec("other", "other", 0, "Another.")),
    )
    # 20.2 is 0.1 bands from 20 and 0.38 from 21; 20.8 is 0.4 bands from 20 and 0.1 from 21.
    assert grade_part(part, computation, "20.2").mistake == "slip"
    assert grade_part(part, computation, "20.8").mistake == "other"
    assert grade_part(part, computation, "15").mistake is None


@pytest.mark.parametrize("tolerance", [0.5, 0.6])
def test_a_mistake_inside_a_wide_tolerance_is_still_that_mistake_when_typed(tolerance):
    data = {**part_data("q2", "b"), "relative_tolerance": tolerance}
    verdict = grade_part(PartSpec.from_dict(data), seed_computation("q2"), "9 MB")
    assert (verdict.status, verdict.mistake) == ("partial", "no_params")


def test_a_symmetric_kernel_makes_the_flipped_mistake_the_answer():
    params = {"sequence": [3, 1, 4, 1, 5, 9, 2, 6], "kernel": [1, 0, 1], "stride": 1}
    computation = compute("conv1d", params)
    assert computation.outputs["valid_flipped"] == computation.outputs["valid"]
    answer = ", ".join(map(str, computation.outputs["valid"]))
    verdict = grade_part(spec("q3", "a"), computation, answer)
    assert (verdict.status, verdict.mistake, verdict.score) == ("correct", None, 1.0)


def test_exact_parts_drop_only_an_equal_mistake():
    computation = compute("dense_to_conv", {"units": 512, "map_height": 7, "map_width": 7, "map_channels": 512})
    assert grade_part(spec("q8", "b"), computation, "512").status == "correct"
    computation = compute("dense_to_conv", {"units": 511, "map_height": 7, "map_width": 7, "map_channels": 512})
    assert grade_part(spec("q8", "b"), computation, "512").mistake == "input_channels"


# Mistakes in vectors and matrices, precision and coincidences ---------------------------------

POOL_3X3 = {
    "image": [
        [1, 2, 3, 4, 5, 6],
        [0, 9, 1, 1, 8, 2],
        [7, 0, 5, 3, 0, 1],
        [2, 2, 2, 9, 9, 9],
        [0, 4, 1, 0, 0, 0],
        [6, 1, 3, 2, 2, 2],
    ],
    "pool_size": 3,
    "stride": 3,
}


@pytest.mark.parametrize(
    "text",
    [
        "3.11 3.33; 2.33 3.67",
        "3.1 3.3; 2.3 3.7",
        "[[3.111, 3.333], [2.333, 3.667]]",
        "3 3; 2 4",
        "28/9 30/9; 21/9 33/9",
    ],
)
def test_average_pooling_typed_rounded_is_still_average_pooling(text):
    computation = compute("pool2d", POOL_3X3)
    assert computation.outputs["average"][0][0] == pytest.approx(28 / 9)
    verdict = grade_part(spec("q4", "a"), computation, text)
    assert (verdict.status, verdict.mistake) == ("incorrect", "average_pooling"), verdict.feedback


def test_values_rounded_wrongly_are_not_the_mistake():
    verdict = grade_part(spec("q4", "a"), compute("pool2d", POOL_3X3), "3.2 3.4; 2.4 3.8")
    assert (verdict.status, verdict.mistake) == ("incorrect", None)


def test_a_wrong_method_that_matches_better_is_that_mistake_not_a_share_of_credit():
    # Sums equal the maxima in two windows by coincidence; the student summed, with one slip.
    params = {"image": [[5, 0, 6, 0], [0, 0, 0, 0], [1, 2, 1, 1], [3, 4, 1, 1]], "pool_size": 2, "stride": 2}
    computation = compute("pool2d", params)
    assert computation.outputs["max"] == [[5, 6], [4, 1]]
    assert computation.outputs["sum"] == [[5, 6], [10, 4]]
    verdict = grade_part(spec("q4", "a"), computation, "5 6; 11 4")
    assert (verdict.status, verdict.score, verdict.mistake) == ("incorrect", 0, "sum_pooling")
    assert grade_part(spec("q4", "a"), computation, "5 6; 10 4").mistake == "sum_pooling"
    # The right method with one slip keeps its share of credit.
    assert grade_part(spec("q4", "a"), computation, "5 6; 4 2").score == pytest.approx(0.75)


@pytest.mark.parametrize(
    ("text", "score", "feedback"),
    [
        ("3.8, 1.2", 0.5, "Right to one decimal only: the question asks for two decimals, so this earns half credit."),
        ("3.8; 1.2", 0.5, "Right to one decimal only"),
        ("3,8 1,2", 0.5, "Right to one decimal only"),
        ("3.8, 1.22", 0.75, "Right, but 1 of 2 values only to one decimal, not two decimals"),
        ("3.7, 1.2", 0.25, "0 of 2 values are right and 1 is right to one decimal only (half credit)."),
        ("4, 1", 0, "None of the values is right."),
        ("3.78, 1.22", 1, "Correct."),
    ],
)
def test_values_right_to_fewer_decimals_than_asked_earn_what_the_prompt_promises(text, score, feedback):
    assert "one decimal only earns half credit" in part_data("q5", "a")["prompt"]
    verdict = grade("q5", "a", text)
    assert verdict.score == pytest.approx(score)
    assert verdict.feedback.startswith(feedback)


def test_a_whole_number_where_one_decimal_is_asked_earns_half_credit_and_says_so():
    part = PartSpec(key="a", kind="number", output="average", absolute_tolerance=0.05)
    computation = Computation(outputs={"average": 34 / 9})
    verdict = grade_part(part, computation, "4")
    assert (verdict.status, verdict.score) == ("partial", 0.5)
    assert verdict.feedback == (
        "Right to whole numbers only: the question asks for one decimal, so this earns half credit."
    )
    assert grade_part(part, computation, "3.8").status == "correct"
    assert grade_part(part, computation, "3").score == 0


def test_same_padding_as_pytorch_pads_is_its_own_mistake_never_a_flipped_kernel():
    computation = compute("conv1d", {"sequence": [1, 2, 3, 4, 5, 6, 7, 8], "kernel": [-1, 0, 1], "stride": 2})
    assert computation.outputs["same"] == [2, 2, 2, -7]
    assert computation.outputs["same_symmetric"] == [2, 2, 2, 2]
    verdict = grade_part(spec("q3", "b"), computation, "2, 2, 2, 2")
    assert (verdict.status, verdict.score, verdict.mistake) == ("partial", 0.5, "symmetric_padding")
    assert "extra zero at the end" in verdict.feedback and "flip" not in verdict.feedback
    assert grade_part(spec("q3", "b"), computation, "-2, -2, -2, 7").mistake == "flipped_kernel"


def test_the_same_padding_convention_is_stated_in_the_prompt():
    prompt = " ".join(part_data("q3", "b")["prompt"].split())
    assert "as Keras does" in prompt and "any extra zero at the end" in prompt


def test_with_stride_1_both_paddings_agree_and_the_mistake_is_not_diagnosed():
    verdict = grade("q3", "b", "2, 2, 2, 2, 2, 2, 2, -7")
    assert (verdict.status, verdict.mistake) == ("correct", None)


@pytest.mark.parametrize(
    ("text", "feedback"),
    [
        ("12.6 M", "Correct. The unit is written MB."),
        ("12.6 MBytes", "Correct. The unit is written MB."),
        ("12.6 megabytes", "Correct. The unit is written MB."),
        ("14.1 M", "Once a layer is computed, the one before it can be freed. The unit is written MB."),
        ("12.6 MB", "Correct."),
    ],
)
def test_a_byte_unit_written_another_way_counts_and_the_feedback_names_the_symbol(text, feedback):
    assert grade("q2", "b", text).feedback == feedback


@pytest.mark.parametrize(("question", "part"), [("q2", "b"), ("q2", "c")])
def test_a_size_in_mib_written_as_mb_is_half_right_and_says_why(question, part):
    computation = seed_computation(question)
    size = computation.outputs[spec(question, part).output]
    verdict = grade_part(spec(question, part), computation, f"{size / 2**20:.2f} MB")
    assert (verdict.status, verdict.score, verdict.mistake) == ("partial", 0.5, "mib_as_mb")
    assert "1,048,576" in verdict.feedback and "1,000,000" in verdict.feedback
    assert grade_part(spec(question, part), computation, f"{size / 2**20:.2f} MiB").status == "correct"


@pytest.mark.parametrize(
    ("question", "part", "text", "why"),
    [
        ("q7", "c", "gets smaller", "Correct. Pooling layers and strided convolutions shrink"),
        ("q7", "c", "stays the same", "Pooling layers and strided convolutions shrink"),
        ("q7", "d", "larger", "Correct. Deeper layers combine"),
        ("q7", "d", "smaller", "so the number of channels grows"),
        ("q8", "d", "valid", 'Correct. With "valid" padding the kernel fits the feature map exactly once'),
        ("q8", "d", "same", 'With "same" padding the kernel would slide over a padded map'),
    ],
)
def test_every_choice_says_why(question, part, text, why):
    feedback = grade(question, part, text).feedback
    assert feedback.startswith(why) or (not why.startswith("Correct") and why in feedback)


def test_both_the_inputs_and_the_parameters_left_out_are_named():
    verdict = grade("q2", "c", "525.6 MB")
    assert verdict.mistake == "no_inputs_no_params"
    assert "input images" in verdict.feedback and "weights" in verdict.feedback


def test_the_flattened_feature_map_as_filters_says_it_is_the_dense_layers_inputs():
    verdict = grade("q8", "b", "25088")
    assert verdict.mistake == "flattened_inputs"
    assert "inputs of the dense layer" in verdict.feedback


def test_per_element_partial_credit_when_the_shape_is_right():
    verdict = grade("q3", "a", "2 2 2 0 0 0")
    assert (verdict.status, verdict.score) == ("partial", 0.5)
    assert verdict.feedback == "3 of 6 values are right."
    assert math.isclose(grade("q4", "a", "5 6; 10 0").score, 0.75)
    assert math.isclose(grade("q5", "a", "3.78, 5").score, 0.5)
    assert grade("q3", "a", "1 1 1 1 1 1").status == "incorrect"


def test_no_partial_credit_without_the_parts_permission():
    data = {**part_data("q3", "a"), "partial_credit": False}
    verdict = grade_part(PartSpec.from_dict(data), seed_computation("q3"), "2 2 2 0 0 0")
    assert (verdict.status, verdict.score) == ("incorrect", 0)


@pytest.mark.parametrize(
    ("question", "part", "text"), [("q3", "a", "2 2 2 2 2"), ("q4", "a", "5 6 10 9"), ("q5", "a", "3.78")]
)
def test_a_wrong_shape_is_incorrect_with_the_shape_feedback(question, part, text):
    verdict = grade(question, part, text)
    assert (verdict.status, verdict.score) == ("incorrect", 0)
    assert part_data(question, part)["shape_feedback"] in verdict.feedback


def test_dims_of_the_wrong_count_are_incorrect():
    verdict = grade("q8", "c", "7x7x3")
    assert verdict.status == "incorrect"
    assert "2 sizes" in verdict.feedback


def test_a_kernel_with_its_depth_is_right_and_the_feedback_says_why():
    verdict = grade("q8", "c", "7×7×512")
    assert (verdict.status, verdict.score) == ("correct", 1)
    assert "spans all the input channels" in verdict.feedback


def test_one_size_for_a_non_square_map_is_the_shape_feedback():
    computation = compute("dense_to_conv", {"units": 200, "map_height": 7, "map_width": 5, "map_channels": 512})
    verdict = grade_part(spec("q8", "c"), computation, "7")
    assert (verdict.status, verdict.mistake) == ("incorrect", None)
    assert "The answer has 2 sizes; yours has 1 size." in verdict.feedback
    assert grade_part(spec("q8", "c"), computation, "7x5").status == "correct"


@pytest.mark.parametrize("text", ["", "   ", "\n\t", None])
def test_an_empty_answer_is_unanswered(text):
    for question, part in [("q2", "a"), ("q3", "a"), ("q7", "c"), ("q1", "a")]:
        verdict = grade(question, part, text)
        assert (verdict.status, verdict.score, verdict.feedback) == ("unanswered", 0, "No answer.")


@pytest.mark.parametrize(
    ("question", "part", "text", "message"),
    [
        ("q2", "b", "1.234,5 MB", "use a decimal point"),
        ("q2", "b", "12.6 kg", "`12.6 kg` is not a size in bytes"),
        ("q2", "a", "902700 or 903400", "two different values"),
        ("q5", "a", "3,78, 1,22", "use a decimal point"),
        ("q2", "a", "lots", "not a number"),
        ("q4", "a", "5 6\n10", "row 2 has 1 value, row 1 has 2"),
        ("q8", "d", "full", "“valid”, “same”"),
    ],
)
def test_unreadable_answers_are_invalid_with_the_parsers_message(question, part, text, message):
    verdict = grade(question, part, text)
    assert (verdict.status, verdict.score) == ("invalid", 0)
    assert message in verdict.feedback
    assert check_answer(spec(question, part), text) == verdict.feedback


def test_check_answer_accepts_readable_and_empty_text():
    assert check_answer(spec("q2", "b"), "12.6 MB") is None
    assert check_answer(spec("q2", "b"), "") is None
    assert check_answer(spec("q2", "b"), "14.1") is None  # wrong, but readable


@pytest.mark.parametrize(
    ("question", "part", "display"),
    [
        ("q2", "a", "903,400"),
        ("q2", "b", "12.6 MB"),
        ("q2", "c", "565.6 MB"),
        ("q3", "a", "[2, 2, 2, 2, 2, 2]"),
        ("q3", "b", "[2, 2, 2, 2, 2, 2, 2, -7]"),
        ("q4", "a", "[[5, 6], [10, 9]]"),
        ("q5", "a", "[3.78, 1.22]"),
        ("q8", "b", "200"),
        ("q8", "c", "7×7"),
        ("q8", "d", "valid"),
        ("q7", "c", "gets smaller"),
        ("q1", "a", ""),
    ],
)
def test_expected_displays(question, part, display):
    assert grade(question, part, "").expected == display
    assert expected_answer(spec(question, part), seed_computation(question))[1] == display


def test_expected_values_are_in_the_parts_unit():
    value, _ = expected_answer(spec("q2", "b"), seed_computation("q2"))
    assert math.isclose(value, 12.6136)
    assert expected_answer(spec("q4", "a"), seed_computation("q4"))[0] == [[5, 6], [10, 9]]
    assert expected_answer(spec("q8", "c"), seed_computation("q8"))[0] == [7, 7]
    assert expected_answer(spec("q7", "c"), None)[0] == "smaller"
    assert expected_answer(spec("q1", "a"), None)[0] is None


def test_grade_question_computes_once_and_marks_missing_answers_unanswered():
    question = questions()["q2"]
    parts = [spec("q2", key) for key in ("a", "b", "c")]
    verdicts = grade_question("conv_stack", question["params"], parts, {"a": "903,400", "c": "562.0"})
    assert verdicts["a"].status == "correct"
    assert verdicts["b"].status == "unanswered"
    assert verdicts["c"].mistake == "no_params"


def test_grade_question_without_a_calculator():
    parts = [spec("q7", "c"), spec("q7", "a")]
    verdicts = grade_question("", {}, parts, {"c": "gets smaller", "a": "conv and pooling layers"})
    assert verdicts["c"].status == "correct"
    assert verdicts["a"].status == "needs_review"


def test_a_numeric_part_needs_its_computation():
    with pytest.raises(ValueError, match="computation"):
        grade_part(spec("q2", "a"), None, "903400")


def test_worked_solutions_show_the_derivation():
    lines = worked_solution(spec("q2", "a"), seed_computation("q2"))
    assert lines[-1] == "Total: 2,800 + 180,200 + 720,400 = 903,400 parameters."
    lines = worked_solution(spec("q2", "b"), seed_computation("q2"))
    assert lines[-1] == "In MB: 12,613,600 B / 1,000,000 B per MB = 12.6136 MB ≈ 12.6 MB."
    lines = worked_solution(spec("q3", "b"), seed_computation("q3"))
    assert "Padded sequence: (0, 1, 2, 3, 4, 5, 6, 7, 8, 0)." in lines
    assert worked_solution(spec("q7", "c"), None) == []
    assert worked_solution(spec("q1", "a"), None) == []


def test_a_mebibyte_part_converts_with_powers_of_two():
    data = {**part_data("q2", "b"), "unit": "MiB"}
    part = PartSpec.from_dict(data)
    value, display = expected_answer(part, seed_computation("q2"))
    assert math.isclose(value, 12_613_600 / 2**20)
    assert display == "12 MiB"
    assert grade_part(part, seed_computation("q2"), "12.6 MB").status == "correct"
    assert "1,048,576 B per MiB" in worked_solution(part, seed_computation("q2"))[-1]


@pytest.mark.parametrize(
    ("question", "part", "texts"),
    [
        ("q2", "a", ["903,400", "903400", "903 400", "903_400", "9.034e5"]),
        ("q2", "b", ["12.6 MB", "12.6", "12600 kB", "12.6mb"]),
        ("q4", "a", ["[[5,6],[10,9]]", "5 6; 10 9", "[5 6]\n[10 9]"]),
        ("q8", "c", ["7x7", "7 × 7", "(7, 7)"]),
        ("q7", "c", ["smaller", "Gets Smaller"]),
    ],
)
def test_normalize_answer_merges_ways_of_writing_one_answer(question, part, texts):
    forms = {normalize_answer(spec(question, part), text) for text in texts}
    assert len(forms) == 1, forms


def test_normalize_answer_keeps_different_answers_apart_and_folds_unreadable_text():
    assert normalize_answer(spec("q2", "a"), "903,400") == "903,400"
    assert normalize_answer(spec("q2", "a"), "903,400") != normalize_answer(spec("q2", "a"), "902,700")
    assert normalize_answer(spec("q2", "b"), "  Twelve   MEGA ") == "twelve mega"
    assert normalize_answer(spec("q1", "a"), "Weight  Sharing") == "weight sharing"


def test_verdicts_serialize_to_json():
    data = grade("q1", "a", "weight sharing").as_dict()
    assert json.loads(json.dumps(data)) == data
    assert set(data) == {
        "score",
        "status",
        "mistake",
        "feedback",
        "expected",
        "concepts_found",
        "concepts_missed",
        "concepts",
        "confidence",
        "flags",
    }


# Prompts ------------------------------------------------------------------------------------


def test_the_q2_prompt_reads_like_the_bank():
    question = questions()["q2"]
    text = render_prompt(question["prompt"], question["params"], seed_computation("q2"))
    assert text == (
        'A CNN has 3 convolutional layers, each with 3×3 kernels, a stride of 2 and "same" padding. '
        "From the lowest to the top, the layers output 100, 200 and 400 feature maps. "
        "The input images are RGB images of 200×300 pixels."
    )
    part = part_data("q2", "b")["prompt"]
    assert "Using 32-bit floats" in render_prompt(part, question["params"], seed_computation("q2"))


@pytest.mark.parametrize(
    ("template", "rendered"),
    [
        ("{units} units", "200 units"),
        ("{unknown}", "{unknown}"),
        ("{units.real} {units[0]} {units!r} {units:>5}", "{units.real} {units[0]} {units!r} {units:>5}"),
        ("{{units}}", "{{units}}"),
        ("{ units }", "{ units }"),
        ("{", "{"),
        ("}{", "}{"),
        ("{ratio} {flag} {shape}", "0.5 {flag} 7, 7"),
    ],
)
def test_prompts_fill_known_names_and_leave_the_rest(template, rendered):
    params = {"units": 200, "ratio": 0.5, "flag": True, "shape": [7, 7]}
    assert render_prompt(template, params, None) == rendered


@given(st.text(max_size=100))
def test_prompts_never_fail(template):
    assert isinstance(render_prompt(template, {"units": 200}, seed_computation("q2")), str)


# Any text at all ----------------------------------------------------------------------------

ALL_PARTS = [(q, p["key"]) for q, data in questions().items() for p in data["parts"]]
TEXTS = st.text(max_size=300) | st.lists(
    st.sampled_from(list("0123456789.,;_ -+*/()[]eE×−\n") + ["MB", "GiB", "bytes", "x", "same", "valid"]), max_size=40
).map("".join)


@given(TEXTS)
def test_grading_any_text_gives_a_verdict(text):
    for question, part in ALL_PARTS:
        verdict = grade(question, part, text)
        assert verdict.status in STATUSES
        assert 0 <= verdict.score <= 1
        assert verdict.feedback
        normalize_answer(spec(question, part), text)
        check_answer(spec(question, part), text)


@pytest.mark.parametrize("text", ["9" * 100_000, "[" * 10_000 + "]" * 10_000, "\x00", "1e999", "2**1000000", "nan"])
def test_grading_hostile_text_gives_an_invalid_verdict(text):
    for question, part in ALL_PARTS:
        if part_data(question, part)["kind"] != "text":
            assert grade(question, part, text).status == "invalid"
