"""Randomized variants: drawn from the bank's ranges, the same for a seed, always gradable."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from grader import (
    compute,
    draw_params,
    expected_answer,
    grade_part,
    validate_params,
    validate_ranges,
    worked_solution,
)
from tests.grader.bank import questions, spec

RANDOMIZED = [key for key, question in questions().items() if question.get("ranges")]
SEEDS = st.integers(0, 2**63 - 1)


def draw(question_key: str, seed: int) -> dict:
    question = questions()[question_key]
    return draw_params(question["calculator"], question["params"], question["ranges"], seed)


def test_every_calculator_question_is_randomizable():
    assert set(RANDOMIZED) == {"q2", "q3", "q4", "q5", "q8"}


@pytest.mark.parametrize("question_key", RANDOMIZED)
def test_the_same_seed_gives_the_same_numbers(question_key):
    assert draw(question_key, 12345) == draw(question_key, 12345)
    assert len({repr(draw(question_key, seed)) for seed in range(20)}) > 10


def test_drawing_leaves_the_questions_own_numbers_alone():
    question = questions()["q2"]
    before = repr(question["params"])
    draw("q2", 1)
    assert repr(question["params"]) == before


def within(value, allowed) -> bool:
    if isinstance(allowed, dict):
        return value in allowed["choices"]
    return allowed[0] <= value <= allowed[1]


@given(SEEDS)
def test_conv_stack_draws_stay_within_the_ranges(seed):
    ranges = questions()["q2"]["ranges"]
    params = draw("q2", seed)
    validate_params("conv_stack", params)
    for name in (
        "input_height",
        "input_width",
        "input_channels",
        "kernel_size",
        "stride",
        "padding",
        "bytes_per_value",
        "batch_size",
    ):
        assert within(params[name], ranges[name]), name
    assert within(len(params["filters"]), ranges["layer_count"])
    assert all(within(count, ranges["filters"]) for count in params["filters"])


@given(SEEDS)
def test_conv1d_draws_stay_within_the_ranges(seed):
    ranges = questions()["q3"]["ranges"]
    params = draw("q3", seed)
    assert within(len(params["sequence"]), ranges["sequence_length"])
    assert all(within(v, ranges["values"]) for v in params["sequence"])
    assert within(len(params["kernel"]), ranges["kernel_length"])
    assert len(params["kernel"]) <= len(params["sequence"])
    assert any(params["kernel"])
    # Without a range of its own, a kernel's values span the question's own kernel (−1..1).
    assert all(-1 <= v <= 1 for v in params["kernel"])
    assert within(params["stride"], ranges["stride"])


@given(SEEDS)
def test_pool2d_draws_stay_within_the_ranges(seed):
    ranges = questions()["q4"]["ranges"]
    params = draw("q4", seed)
    image = params["image"]
    assert within(len(image), ranges["size"]) and all(len(row) == len(image) for row in image)
    assert all(within(v, ranges["values"]) for row in image for v in row)
    assert within(params["pool_size"], ranges["pool_size"]) and params["pool_size"] <= len(image)
    assert within(params["stride"], ranges["stride"])


@given(SEEDS)
def test_global_pool_draws_stay_within_the_ranges(seed):
    ranges = questions()["q5"]["ranges"]
    maps = draw("q5", seed)["feature_maps"]
    assert within(len(maps), ranges["channels"])
    assert all(within(len(channel), ranges["size"]) and len(channel[0]) == len(channel) for channel in maps)
    assert all(within(v, ranges["values"]) for channel in maps for row in channel for v in row)


@given(SEEDS)
def test_dense_to_conv_draws_stay_within_the_ranges(seed):
    ranges = questions()["q8"]["ranges"]
    params = draw("q8", seed)
    assert all(within(params[name], ranges[name]) for name in ranges)


@given(SEEDS, st.sampled_from(RANDOMIZED))
def test_every_variant_grades_its_own_expected_answer_correct(seed, question_key):
    question = questions()[question_key]
    computation = compute(question["calculator"], draw(question_key, seed))
    for part in question["parts"]:
        part_spec = spec(question_key, part["key"])
        if not part_spec.is_numeric:
            continue
        _, display = expected_answer(part_spec, computation)
        verdict = grade_part(part_spec, computation, display)
        assert verdict.status == "correct", (part["key"], display, verdict.feedback)
        assert worked_solution(part_spec, computation)


def flat(value) -> list:
    if not isinstance(value, list):
        return [value]
    return [x for row in value for x in row] if value and isinstance(value[0], list) else value


def near(value, answer, part_spec) -> bool:
    """Within half the part's tolerance of the answer, or equal to it: dropped for the variant."""
    values, answers = flat(value), flat(answer)
    if len(values) != len(answers):
        return False
    return all(
        abs(v - a) < 0.5 * max(part_spec.relative_tolerance * abs(a), part_spec.absolute_tolerance) or v == a
        for v, a in zip(values, answers, strict=True)
    )


@given(SEEDS, st.sampled_from(RANDOMIZED))
def test_every_variants_mistakes_are_recognised_unless_dropped(seed, question_key):
    question = questions()[question_key]
    computation = compute(question["calculator"], draw(question_key, seed))
    for part in question["parts"]:
        part_spec = spec(question_key, part["key"])
        answer = computation.outputs.get(part_spec.output)
        for index, mistake in enumerate(part_spec.mistakes):
            value = computation.outputs[mistake.output]
            if near(value, answer, part_spec):
                continue
            text = f"{value} B" if part_spec.kind == "quantity" else str(value)
            verdict = grade_part(part_spec, computation, text)
            earlier = [
                m for m in part_spec.mistakes[:index] if not near(computation.outputs[m.output], answer, part_spec)
            ]
            # Two mistakes may coincide in a variant; then the first listed wins.
            coinciding = [m.key for m in earlier if computation.outputs[m.output] == value]
            assert verdict.mistake == (coinciding[0] if coinciding else mistake.key), (part["key"], verdict)


def test_parameters_without_a_range_keep_the_questions_values():
    question = questions()["q2"]
    params = draw_params("conv_stack", question["params"], {"batch_size": [8, 16]}, 3)
    assert 8 <= params["batch_size"] <= 16
    assert {k: v for k, v in params.items() if k != "batch_size"} == {
        k: v for k, v in question["params"].items() if k != "batch_size"
    }


def test_layer_count_alone_repeats_the_questions_filters():
    params = draw_params("conv_stack", questions()["q2"]["params"], {"layer_count": [5, 5]}, 0)
    assert params["filters"] == [100, 200, 400, 100, 200]


def test_ranges_that_never_fit_fall_back_to_the_questions_numbers():
    question = questions()["q2"]
    ranges = {"input_height": [5, 5], "kernel_size": [7, 7], "padding": {"choices": ["valid"]}}
    assert draw_params("conv_stack", question["params"], ranges, 9) == question["params"]


@pytest.mark.parametrize(
    ("calculator", "ranges", "named"),
    [
        ("conv_stack", {"colour": [1, 2]}, "colour"),
        ("conv_stack", {"kernel_size": [7, 1]}, "kernel_size"),
        ("conv_stack", {"kernel_size": [0, 3]}, "kernel_size"),
        ("conv_stack", {"kernel_size": [1.5, 3]}, "kernel_size"),
        ("conv_stack", {"kernel_size": [True, 3]}, "kernel_size"),
        ("conv_stack", {"kernel_size": 3}, "kernel_size"),
        ("conv_stack", {"padding": ["same", "valid"]}, "padding"),
        ("conv_stack", {"padding": {"choices": ["full"]}}, "padding"),
        ("conv_stack", {"padding": {"choices": []}}, "padding"),
        ("conv_stack", {"bytes_per_value": {"choices": [3]}}, "bytes_per_value"),
        ("conv_stack", {"stride": {"choices": [1], "extra": 2}}, "stride"),
        ("conv1d", {"size": [4, 8]}, "size"),
        ("pool2d", {"values": [-9, 2_000_000]}, "values"),
        ("nope", {}, "calculator"),
    ],
)
def test_bad_ranges_are_refused_by_name(calculator, ranges, named):
    with pytest.raises(ValueError, match=named):
        validate_ranges(calculator, ranges)


def test_the_banks_ranges_are_valid():
    for key in RANDOMIZED:
        validate_ranges(questions()[key]["calculator"], questions()[key]["ranges"])
