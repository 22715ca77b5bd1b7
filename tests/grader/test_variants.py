"""Randomized variants: drawn from the bank's ranges, the same for a seed, always gradable, and
every known mistake told apart from the right answer in every variant."""

import math
from decimal import Decimal

import numpy as np
import pytest
from hypothesis import given, settings
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
from grader.scoring import distinguishable
from tests.grader.bank import questions, spec

RANDOMIZED = [key for key, question in questions().items() if question.get("ranges")]
SEEDS = st.integers(0, 2**63 - 1)
MANY = settings(max_examples=200)


def parts_of(question_key: str) -> list:
    return [spec(question_key, part["key"]) for part in questions()[question_key]["parts"]]


def draw(question_key: str, seed: int) -> dict:
    question = questions()[question_key]
    return draw_params(question["calculator"], question["params"], question["ranges"], seed, parts_of(question_key))


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


# Every numeric part and variant: the right answer in five notations, every mistake's value ---


def exact(value) -> str:
    """A number as a plain decimal, every digit kept (no exponent)."""
    return format(Decimal(repr(value)) if isinstance(value, float) else Decimal(value), "f")


def superscript(value) -> str:
    """9.034·10⁵ for 903400: a mantissa and a Unicode power of ten, exact."""
    mantissa, exponent = f"{Decimal(repr(value) if isinstance(value, float) else value):E}".split("E")
    powers = str(int(exponent)).translate(str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹"))
    return f"{mantissa.rstrip('0').rstrip('.')}·10{powers}"


def rows(value) -> list:
    return value if value and isinstance(value[0], list) else [value]


def notations(part_spec, value, display: str, computation) -> list[str]:
    """The correct answer as students write it: five notations or more for each kind."""
    kind = part_spec.kind
    if kind == "integer":
        return [display, str(value), f"{value} parameters", f"Total = {display}", superscript(value),
                f"{exact(value / 1000)}K"]
    if kind == "quantity":
        size = computation.outputs[part_spec.output]
        number, unit = display.rsplit(" ", 1)
        plain = number.replace(",", "")
        decimal_comma = plain.replace(".", ",") if len(plain.partition(".")[2]) not in (0, 3) else plain
        return [display, f"{size} B", f"{size:,} bytes", f"{superscript(size)} B", f"about {decimal_comma} {unit}",
                f"{exact(size / 1000)} kB", f"{plain}{unit}."]
    if kind == "dims":
        height, width = value
        return [display, f"{height}x{width}", f"({height}, {width})", f"{height}-by-{width}",
                f"kernel_size=({height}, {width})", f"{height} × {width} (the whole feature map)"]
    table = rows(value)
    numbers = [[exact(v) for v in row] for row in table]
    array = np.array(table) if kind == "matrix" else np.array(table[0])
    latex = " \\\\ ".join(" & ".join(row) for row in numbers)
    tuples = ", ".join("(" + ", ".join(row) + ")" for row in numbers)
    texts = [
        display,
        "; ".join(" ".join(row) for row in numbers) if kind == "matrix" else "; ".join(numbers[0]),
        str(array),
        f"tensor({array.tolist()!r})",
        f"\\begin{{bmatrix}} {latex} \\end{{bmatrix}}" if kind == "matrix" else "{" + ", ".join(numbers[0]) + "}",
        f"({tuples})" if kind == "matrix" else "y = " + display,
    ]
    return texts


def typed_mistakes(part_spec, computation):
    """Each mistake the variant models (not equal to the answer) with its value as typed: every
    digit, and rounded to the precision the part asks for."""
    answer = computation.outputs[part_spec.output]
    for mistake in part_spec.mistakes:
        value = computation.outputs[mistake.output]
        if value == answer or value == []:
            continue
        if part_spec.kind == "quantity":
            # As the prompt asks: one decimal, three significant figures below 10 MB.
            places = max(1, 2 - math.floor(math.log10(value / 1e6)))
            yield mistake, [f"{value} B", f"{value / 1e6:.{places}f} MB"]
        elif part_spec.kind == "dims":
            yield mistake, ["×".join(map(str, value))]
        elif part_spec.kind == "integer":
            yield mistake, [str(value), f"{value:,}"]
        else:
            table = rows(value)
            yield mistake, [str(value), "; ".join(" ".join(f"{v:.2f}" for v in row) for row in table)]


@MANY
@given(SEEDS)
@pytest.mark.parametrize("question_key", RANDOMIZED)
def test_every_variant_reads_the_right_answer_in_five_notations(question_key, seed):
    question = questions()[question_key]
    computation = compute(question["calculator"], draw(question_key, seed))
    for part_spec in parts_of(question_key):
        if not part_spec.is_numeric:
            continue
        value, display = expected_answer(part_spec, computation)
        texts = notations(part_spec, value, display, computation)
        assert len(set(texts)) >= 5
        for text in texts:
            verdict = grade_part(part_spec, computation, text)
            assert (verdict.status, verdict.mistake) == ("correct", None), (part_spec.key, text, verdict)


@MANY
@given(SEEDS)
@pytest.mark.parametrize("question_key", RANDOMIZED)
def test_every_variants_mistakes_grade_as_themselves_and_never_as_correct(question_key, seed):
    question = questions()[question_key]
    computation = compute(question["calculator"], draw(question_key, seed))
    for part_spec in parts_of(question_key):
        if not part_spec.is_numeric:
            continue
        for mistake, texts in typed_mistakes(part_spec, computation):
            for text in texts:
                verdict = grade_part(part_spec, computation, text)
                assert verdict.mistake == mistake.key, (part_spec.key, text, verdict)
                status = "correct" if mistake.credit >= 1 else "partial" if mistake.credit else "incorrect"
                assert verdict.status == status


@MANY
@given(SEEDS)
@pytest.mark.parametrize("question_key", RANDOMIZED)
def test_every_variant_tells_every_mistake_apart_at_the_precision_asked(question_key, seed):
    computation = compute(questions()[question_key]["calculator"], draw(question_key, seed))
    assert all(distinguishable(part_spec, computation) for part_spec in parts_of(question_key))


def test_a_draw_whose_mistakes_cannot_be_told_apart_is_drawn_again():
    question = questions()["q2"]
    unchecked = draw_params("conv_stack", question["params"], question["ranges"], 3)
    # One layer of 318 filters on 153×335 pixels: the parameters are 0.003 % of the training
    # memory, so leaving them out is the right answer to one decimal.
    assert not distinguishable(spec("q2", "c"), compute("conv_stack", unchecked))
    checked = draw("q2", 3)
    assert checked != unchecked
    assert checked == draw("q2", 3)
    assert all(distinguishable(part_spec, compute("conv_stack", checked)) for part_spec in parts_of("q2"))


@pytest.mark.parametrize("question_key", RANDOMIZED)
def test_the_questions_own_numbers_tell_every_mistake_apart(question_key):
    computation = compute(questions()[question_key]["calculator"], questions()[question_key]["params"])
    assert all(distinguishable(part_spec, computation) for part_spec in parts_of(question_key))


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
