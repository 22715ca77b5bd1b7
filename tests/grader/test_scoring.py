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
    ("q2", "a", "902,700", "incorrect", 0, "no_bias"),
    ("q2", "a", "903401", "incorrect", 0, None),
    ("q2", "a", "903400.5", "incorrect", 0, None),
    ("q2", "b", "12.6 MB", "correct", 1, None),
    ("q2", "b", "12.6", "correct", 1, None),
    ("q2", "b", "12613600 bytes", "correct", 1, None),
    ("q2", "b", "12.03 MiB", "correct", 1, None),
    ("q2", "b", "6 + 3 + 3.6", "correct", 1, None),
    ("q2", "b", "14.1 MB", "partial", 0.5, "all_layers"),
    ("q2", "b", "14.9 MB", "partial", 0.5, "all_layers_with_input"),
    ("q2", "b", "9 MB", "partial", 0.5, "no_params"),
    ("q2", "b", "13 MB", "incorrect", 0, None),
    ("q2", "c", "564.6 MB", "correct", 1, None),
    ("q2", "c", "565.6 MB", "correct", 1, None),
    ("q2", "c", "525 + 36 + 3.6", "correct", 1, None),
    ("q2", "c", "562.0", "partial", 0.5, "no_params"),
    ("q2", "c", "529.6 MB", "partial", 0.5, "no_inputs"),
    ("q2", "c", "630.7 MB", "incorrect", 0, "prediction_times_batch"),
    ("q2", "c", "12.6 * 50", "incorrect", 0, "prediction_times_batch"),
    ("q3", "a", "2, 2, 2, 2, 2, 2", "correct", 1, None),
    ("q3", "a", "[-2 -2 -2 -2 -2 -2]", "incorrect", 0, "flipped_kernel"),
    ("q3", "b", "2, 2, 2, 2, 2, 2, 2, −7", "correct", 1, None),
    ("q3", "b", "-2, -2, -2, -2, -2, -2, -2, 7", "incorrect", 0, "flipped_kernel"),
    ("q4", "a", "[5 6]\n[10 9]", "correct", 1, None),
    ("q4", "a", "[[ 5  6]\n [10  9]]", "correct", 1, None),
    ("q4", "a", "[[3, 1.5], [6.25, 2.25]]", "incorrect", 0, "average_pooling"),
    ("q4", "a", "1 -2; 0 -3", "incorrect", 0, "min_pooling"),
    ("q5", "a", "[34/9, 11/9]", "correct", 1, None),
    ("q5", "a", "3.78, 1.22", "correct", 1, None),
    ("q5", "a", "3.77, 1.23", "correct", 1, None),
    ("q5", "a", "34, 11", "incorrect", 0, "sums"),
    ("q5", "a", "10 3", "incorrect", 0, "global_max"),
    ("q8", "b", "200", "correct", 1, None),
    ("q8", "b", "512", "incorrect", 0, "input_channels"),
    ("q8", "c", "7x7", "correct", 1, None),
    ("q8", "c", "7×7", "correct", 1, None),
    ("q8", "c", "7, 7", "correct", 1, None),
    ("q8", "d", "valid", "correct", 1, None),
    ("q8", "d", "SAME", "incorrect", 0, None),
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
        assert verdict.feedback == "Correct."
    else:
        assert verdict.feedback


def test_the_nearest_candidate_wins_within_the_tolerance():
    # 562.0 is within 1 % of 565.6 but nearer the "parameters left out" mistake at 562.0;
    # 564.6 is within 1 % of both and nearer the answer.
    exact = compute("conv_stack", questions()["q2"]["params"]).outputs
    assert abs(562.0 - exact["training_bytes"] / 1e6) < 0.01 * exact["training_bytes"] / 1e6
    assert grade("q2", "c", "562.0").mistake == "no_params"
    assert grade("q2", "c", "564.6").status == "correct"


def test_a_tie_goes_to_the_correct_answer():
    computation = Computation(outputs={"answer": 10.0, "slip": 20.0})
    part = PartSpec(
        key="a",
        kind="number",
        output="answer",
        absolute_tolerance=6,
        mistakes=(MistakeSpec("slip", "slip", 0.5, "A slip."),),
    )
    assert grade_part(part, computation, "15").status == "correct"
    assert grade_part(part, computation, "15.5").mistake == "slip"


@pytest.mark.parametrize(
    ("tolerance", "status", "mistake"),
    [
        # 9 MB is 28.6 % from 12.6136 MB: within half of 60 %, so the mistake is dropped
        # and 9 MB counts as a (very rough) right answer ...
        (0.6, "correct", None),
        # ... but more than half of 50 % away, so the mistake is kept and wins.
        (0.5, "partial", "no_params"),
    ],
)
def test_a_mistake_within_half_the_tolerance_of_the_answer_is_dropped(tolerance, status, mistake):
    data = {**part_data("q2", "b"), "relative_tolerance": tolerance}
    verdict = grade_part(PartSpec.from_dict(data), seed_computation("q2"), "9 MB")
    assert (verdict.status, verdict.mistake) == (status, mistake)


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
    verdict = grade("q8", "c", "7x7x512")
    assert verdict.status == "incorrect"
    assert "2 sizes" in verdict.feedback


@pytest.mark.parametrize("text", ["", "   ", "\n\t", None])
def test_an_empty_answer_is_unanswered(text):
    for question, part in [("q2", "a"), ("q3", "a"), ("q7", "c"), ("q1", "a")]:
        verdict = grade(question, part, text)
        assert (verdict.status, verdict.score, verdict.feedback) == ("unanswered", 0, "No answer.")


@pytest.mark.parametrize(
    ("question", "part", "text", "message"),
    [
        ("q2", "b", "12,6 MB", "use a decimal point"),
        ("q2", "b", "12.6 kg", "`12.6 kg` is not a size in bytes"),
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
        ("q5", "a", "[3.778, 1.222]"),
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
