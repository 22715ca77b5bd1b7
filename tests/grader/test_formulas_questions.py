"""Formula questions: ranges and reproducible variants, constraints, telling mistakes from
right answers, checking before use, worked solutions, prompts and the Computation."""

import json
from pathlib import Path

import pytest
import yaml

from grader import Computation, grade_part, render_prompt
from grader.formulas import (
    MAX_DRAWS,
    FormulaError,
    FormulaQuestion,
    compute_formulas,
    draw_formula_params,
    evaluate,
    indistinguishable_mistakes,
    same_at_part_precision,
    validate_formula_question,
)
from grader.formulas import questions as formula_questions
from grader.spec import MistakeSpec, PartSpec

# The example of the format's description, completed.
LAYER = {
    "key": "h1",
    "params": {
        "h": 32,
        "w": 48,
        "c_in": 3,
        "c_out": 16,
        "k": 3,
        "stride": 2,
        "p": 1,
        "dilation": 2,
        "image": [[1, 2, 0, 3], [4, 1, 0, 2], [0, 3, 1, 1], [2, 2, 4, 0]],
        "sequence": [1, 2, 3, 4, 5, 6],
    },
    "ranges": {
        "h": [8, 64],
        "w": [8, 64],
        "c_in": {"choices": [1, 3, 16]},
        "k": {"choices": [1, 3, 5]},
        "image": {"matrix": {"rows": [4, 6], "cols": [4, 6], "values": [-3, 5]}},
        "sequence": {"vector": {"length": [6, 11], "values": [-6, 6]}},
    },
    "formulas": {
        "out_h": "conv_output_size(h, k, stride, p, dilation)",
        "out_w": "conv_output_size(w, k, stride, p, dilation)",
        "out_hw": "[out_h, out_w]",
        "params": "conv2d_params(c_in, c_out, k)",
        "params_no_bias": "conv2d_params(c_in, c_out, k, False)",
        "pooled": "max_pool2d(image, 2)",
    },
    "constraints": ["out_h >= 1", "out_w >= 1"],
}


def part(key="a", kind="integer", output="params", mistakes=(), **fields) -> PartSpec:
    return PartSpec(
        key=key,
        kind=kind,
        output=output,
        mistakes=tuple(MistakeSpec(k, o, 0.0, "Feedback.") for k, o in mistakes),
        **fields,
    )


def test_the_formats_example_builds_validates_and_computes():
    question = validate_formula_question(LAYER, [part(mistakes=[("no_bias", "params_no_bias")])])
    outputs = compute_formulas(question, question.params).outputs
    assert outputs["out_hw"] == [15, 23]
    assert (outputs["params"], outputs["params_no_bias"]) == (448, 432)
    assert outputs["pooled"] == [[4, 3], [3, 4]]


# Ranges and variants -------------------------------------------------------------------------


def test_the_same_seed_gives_the_same_variant_and_seeds_differ():
    question = FormulaQuestion.from_dict(LAYER)
    assert draw_formula_params(question, 7) == draw_formula_params(question, 7)
    assert len({json.dumps(draw_formula_params(question, seed)) for seed in range(30)}) == 30


def test_every_range_form_draws_within_its_bounds():
    question = FormulaQuestion.from_dict(LAYER)
    for seed in range(100):
        params = draw_formula_params(question, seed)
        assert 8 <= params["h"] <= 64 and params["c_in"] in (1, 3, 16)
        assert 6 <= len(params["sequence"]) <= 11 and all(-6 <= v <= 6 for v in params["sequence"])
        image = params["image"]
        assert 4 <= len(image) <= 6 and all(len(row) == len(image[0]) for row in image)
        assert 4 <= len(image[0]) <= 6 and all(-3 <= v <= 5 for row in image for v in row)
        assert params["c_out"] == 16  # no range: the question's own number


def test_a_question_without_ranges_always_has_its_own_numbers():
    question = FormulaQuestion("t", {"h": 3}, {"x": "h * 2"})
    assert draw_formula_params(question, 1) == draw_formula_params(question, 2) == {"h": 3}


def test_choices_of_lists_are_copied_into_each_variant():
    question = FormulaQuestion("t", {"k": [1, 0]}, {"x": "k[0]"}, {"k": {"choices": [[1, 0], [0, 1]]}})
    first = draw_formula_params(question, 1)
    first["k"].append(9)
    assert len(draw_formula_params(question, 1)["k"]) == 2


@pytest.mark.parametrize(
    ("range_", "message"),
    [
        ([8], "ranges.h: must be [low, high], two whole numbers with low ≤ high"),
        ([9, 8], "ranges.h: must be [low, high]"),
        ([1.5, 8], "ranges.h: must be [low, high]"),
        ({"choices": []}, "ranges.h: choices: give a list of at least one value"),
        ({"choices": [1, None]}, "ranges.h: choices: None is not a usable value"),
        ({"vector": {"length": [1, 3]}}, "ranges.h: vector: give exactly length, values, each [low, high]"),
        ({"vector": {"length": [0, 3], "values": [1, 2]}}, "ranges.h: vector.length: must lie within 1 to 1,000"),
        ({"matrix": {"rows": [1, 200], "cols": [1, 2], "values": [0, 1]}}, "ranges.h: matrix.rows: must lie within"),
        ({"range": [1, 2]}, "ranges.h: unknown range 'range'"),
        ("1-8", "ranges.h: write a range as [low, high], {choices: [...]}"),
    ],
)
def test_a_range_that_cannot_be_drawn_from_is_refused_naming_it(range_, message):
    with pytest.raises(FormulaError) as error:
        FormulaQuestion("t", {"h": 3}, {"x": "h"}, {"h": range_})
    assert str(error.value).startswith(f"question t, {message}")


def test_a_range_needs_a_parameter_with_a_default():
    with pytest.raises(FormulaError, match="question t, ranges.image: not a parameter; every ranged parameter needs"):
        FormulaQuestion(
            "t", {"h": 3}, {"x": "h"}, {"image": {"matrix": {"rows": [2, 2], "cols": [2, 2], "values": [0, 1]}}}
        )


# Constraints ---------------------------------------------------------------------------------


def test_every_drawn_variant_meets_the_constraints():
    question = FormulaQuestion(
        "t", {"n": 9, "k": 3}, {"out": "conv_output_size(n, k)"}, {"n": [1, 9], "k": [1, 9]}, ["out >= 2"]
    )
    for seed in range(100):
        params = draw_formula_params(question, seed)
        assert params["n"] - params["k"] + 1 >= 2


def test_a_constraint_is_checked_before_the_formulas_it_protects():
    # k > n would make conv1d fail; the constraint on parameters alone refuses such a draw first.
    question = FormulaQuestion(
        "t",
        {"x": [1, 2, 3], "k": [1, 1]},
        {"y": "conv1d(x, k)"},
        {"x": {"vector": {"length": [1, 4], "values": [0, 3]}}, "k": {"vector": {"length": [1, 4], "values": [1, 2]}}},
        ["len(k) <= len(x)"],
    )
    validate_formula_question(question)
    for seed in range(50):
        params = draw_formula_params(question, seed)
        assert len(params["k"]) <= len(params["x"])


def test_a_constraint_that_is_never_met_leaves_the_questions_own_numbers():
    question = FormulaQuestion("t", {"h": 200}, {"x": "h"}, {"h": [8, 64]}, ["h > 100"])
    assert draw_formula_params(question, 3) == {"h": 200}


# Telling mistakes apart ----------------------------------------------------------------------

FLIP = FormulaQuestion(
    "flip",
    {"x": [1, 2, 3, 4], "k": [-1, 1]},
    {"valid": "conv1d(x, k)", "flipped": "conv1d(x, flip(k))"},
    {"k": {"vector": {"length": [2, 2], "values": [-1, 1]}}},
)
FLIP_PART = part(kind="vector", output="valid", mistakes=[("flipped_kernel", "flipped")])


def test_variants_are_redrawn_until_every_mistake_differs_from_the_answer():
    # A symmetric kernel ([1, 1], [0, 0], …) flips to itself: half the kernels drawn are.
    plain = [evaluate(FLIP, draw_formula_params(FLIP, seed)) for seed in range(40)]
    assert any(outputs["valid"] == outputs["flipped"] for outputs in plain)
    for seed in range(40):
        outputs = evaluate(FLIP, draw_formula_params(FLIP, seed, [FLIP_PART]))
        assert outputs["valid"] != outputs["flipped"]


def test_indistinguishable_mistakes_are_named_by_part_and_mistake():
    outputs = {"valid": [2, 2], "flipped": [2, 2], "other": [1, 2]}
    parts = [FLIP_PART, part("b", "vector", "valid", [("other", "other"), ("flipped_kernel", "flipped")])]
    assert indistinguishable_mistakes(parts, outputs) == [("a", "flipped_kernel"), ("b", "flipped_kernel")]


def test_the_precision_rule_is_a_parameter():
    outputs = {"valid": [2, 2], "flipped": [2, 3]}
    never = indistinguishable_mistakes([FLIP_PART], outputs, lambda part, right, wrong: False)
    always = indistinguishable_mistakes([FLIP_PART], outputs, lambda part, right, wrong: True)
    assert (never, always) == ([], [("a", "flipped_kernel")])


@pytest.mark.parametrize(
    ("spec", "right", "wrong", "same"),
    [
        (part(kind="integer"), 903_400, 903_400, True),
        (part(kind="integer"), 903_400, 902_700, False),
        (part(kind="number", relative_tolerance=0.02), 100.0, 100.9, True),  # within half of 2 %
        (part(kind="number", relative_tolerance=0.02), 100.0, 101.1, False),
        (part(kind="vector", absolute_tolerance=0.01), [3.778, 1.222], [3.776, 1.224], True),
        (part(kind="vector", absolute_tolerance=0.01), [3.778, 1.222], [3.778, 1.23], False),
        (part(kind="vector"), [1, 2], [1, 2, 3], False),
        # Bytes shown in MB with an absolute tolerance of 0.1 MB: 40,000 B apart is the same.
        (part(kind="quantity", unit="MB", absolute_tolerance=0.1), 12_613_600, 12_653_600, True),
        (part(kind="quantity", unit="MB", absolute_tolerance=0.1), 12_613_600, 12_713_600, False),
    ],
)
def test_same_at_part_precision_follows_the_parts_tolerance(spec, right, wrong, same):
    assert same_at_part_precision(spec, right, wrong) is same


# Checking before use -------------------------------------------------------------------------


def test_validation_evaluates_the_defaults_and_at_least_a_hundred_variants(monkeypatch):
    calls = []
    real = formula_questions.evaluate
    monkeypatch.setattr(formula_questions, "evaluate", lambda *a, **k: calls.append(a[1]) or real(*a, **k))
    validate_formula_question(LAYER)
    assert len(calls) >= 101 and calls[0] == LAYER["params"]
    assert len({json.dumps(params) for params in calls}) >= 100
    with pytest.raises(ValueError, match="variants: at least 100"):
        validate_formula_question(LAYER, variants=10)


def test_validation_refuses_a_formula_that_fails_on_some_variant_naming_it_and_its_numbers():
    question = {**LAYER, "formulas": {**LAYER["formulas"], "ratio": "c_out // (h % 5)"}}
    with pytest.raises(FormulaError) as error:
        validate_formula_question(question)
    message = str(error.value)
    assert message.startswith("question h1, output ratio: division by zero in 16 // 0 (with h=")
    assert message.endswith(", c_out=16)")


def test_validation_refuses_a_formula_that_fails_on_the_defaults():
    question = {**LAYER, "formulas": {**LAYER["formulas"], "bad": "conv2d(image, [[1, 2, 3, 4, 5]])"}}
    with pytest.raises(FormulaError, match=r"question h1, output bad: conv2d: the kernel \(1×5\) is larger"):
        validate_formula_question(question)


def test_validation_refuses_unsafe_formulas_and_unknown_names():
    with pytest.raises(FormulaError, match="question h1, output bad: attribute access"):
        validate_formula_question({**LAYER, "formulas": {"bad": "h.__class__"}})
    with pytest.raises(FormulaError, match="question h1, output bad: unknown name hieght"):
        validate_formula_question({**LAYER, "formulas": {"bad": "hieght * 2"}})
    with pytest.raises(FormulaError, match=r"question h1, constraint `out_h >= 1`: unknown name out_h"):
        validate_formula_question({**LAYER, "formulas": {"x": "h"}})


def test_validation_refuses_constraints_that_fail_on_the_defaults_or_are_never_met():
    with pytest.raises(FormulaError) as error:
        validate_formula_question({**LAYER, "constraints": ["out_h > 20"]})
    assert str(error.value) == (
        "question h1, constraint `out_h > 20`: is False for the question's own numbers "
        "(with h=32, k=3, stride=2, p=1, dilation=2)"
    )
    with pytest.raises(FormulaError) as error:
        validate_formula_question({**LAYER, "params": {**LAYER["params"], "h": 200}, "constraints": ["h > 100"]})
    assert str(error.value).startswith(
        f"question h1, constraint `h > 100`: never holds in {MAX_DRAWS} draws from the ranges; widen the ranges"
    )
    assert "(with h=" in str(error.value)


def test_validation_refuses_parts_whose_outputs_are_missing_or_never_told_apart():
    with pytest.raises(FormulaError, match="question h1, part a: no formula computes 'parameters'"):
        validate_formula_question(LAYER, [part(output="parameters")])
    same = {**LAYER, "formulas": {**LAYER["formulas"], "copy": "params + 0"}}
    with pytest.raises(FormulaError) as error:
        validate_formula_question(same, [part(mistakes=[("copy", "copy")])])
    assert str(error.value).startswith("question h1, part a, mistake copy: gives the correct answer in every variant")
    with pytest.raises(FormulaError, match="question h1, part a: output label is 'x', not a number"):
        validate_formula_question({**LAYER, "formulas": {"label": '"x"'}, "constraints": []}, [part(output="label")])


def test_bad_parameters_are_refused_naming_them():
    with pytest.raises(FormulaError, match="question t, params.h: a whole number is too large"):
        FormulaQuestion("t", {"h": 10**19}, {"x": "h"})
    with pytest.raises(FormulaError, match="question t, output h: h is already a parameter"):
        FormulaQuestion("t", {"h": 1}, {"h": "2"})
    question = FormulaQuestion("t", {"h": 1}, {"x": "h"})
    with pytest.raises(FormulaError, match="question t, params.w: not a parameter of this question"):
        compute_formulas(question, {"h": 1, "w": 2})
    with pytest.raises(FormulaError, match="question t, params.h: missing"):
        compute_formulas(question, {})


# The computation, prompts and worked solutions -----------------------------------------------


def test_the_computation_has_a_calculators_shape_and_is_cached():
    question = FormulaQuestion.from_dict(LAYER)
    computation = compute_formulas(question, question.params)
    assert isinstance(computation, Computation)
    assert compute_formulas(question, json.loads(json.dumps(question.params))) is computation
    assert json.loads(json.dumps(computation.outputs)) == computation.outputs
    assert set(computation.working) == set(question.outputs)


@pytest.mark.parametrize(
    ("spec", "answer"),
    [
        (part(kind="integer", output="params", mistakes=[("no_bias", "params_no_bias")]), "448"),
        (part(kind="dims", output="out_hw"), "15x23"),
        (part(kind="matrix", output="pooled"), "[[4, 3], [3, 4]]"),
        (part(kind="vector", output="out_hw"), "15, 23"),
    ],
)
def test_every_output_kind_grades_like_a_calculators(spec, answer):
    question = FormulaQuestion.from_dict(LAYER)
    computation = compute_formulas(question, question.params)
    assert grade_part(spec, computation, answer).status == "correct"
    assert grade_part(spec, computation, "7").status != "correct"


def test_a_mistake_output_is_diagnosed_when_grading():
    question = FormulaQuestion.from_dict(LAYER)
    spec = part(mistakes=[("no_bias", "params_no_bias")])
    verdict = grade_part(spec, compute_formulas(question, question.params), "432")
    assert verdict.mistake == "no_bias"


def test_prompts_fill_names_from_parameters_and_outputs():
    question = FormulaQuestion.from_dict(LAYER)
    computation = compute_formulas(question, question.params)
    prompt = "{c_in} channels of {h}×{w}, output {out_h}×{out_w} ({out_hw}); {pooled} and {nothing} stay."
    assert render_prompt(prompt, question.params, computation) == (
        "3 channels of 32×48, output 15×23 (15, 23); {pooled} and {nothing} stay."
    )


def test_worked_solutions_fill_in_the_numbers_step_by_step():
    question = FormulaQuestion(
        "t",
        {"h": 32, "k": 3, "stride": 2, "p": 1},
        {"out_h": "(h + 2 * p - k) // stride + 1", "shape": "[out_h, out_h]"},
    )
    working = compute_formulas(question, question.params).working
    assert working["out_h"] == [
        "out_h = floor((h + 2 × p − k) / stride) + 1",
        "= floor((32 + 2 × 1 − 3) / 2) + 1",
        "= floor((32 + 2 − 3) / 2) + 1",
        "= floor((34 − 3) / 2) + 1",
        "= floor(31 / 2) + 1",
        "= 15 + 1",
        "= 16",
    ]
    # An output's working starts with the outputs it builds on.
    assert working["shape"] == [*working["out_h"], "shape = [out_h, out_h]", "= [16, 16]"]


def test_worked_solutions_keep_given_matrices_by_name_and_show_large_results_grouped():
    question = FormulaQuestion.from_dict(LAYER)
    working = compute_formulas(question, question.params).working
    assert working["pooled"] == ["pooled = max_pool2d(image, 2)", "= [[4, 3], [3, 4]]"]
    big = FormulaQuestion("t", {"c": 512}, {"n": "dense_params(7 * 7 * c, 200)"})
    assert compute_formulas(big, big.params).working["n"] == [
        "n = dense_params(7 × 7 × c, 200)",
        "= dense_params(7 × 7 × 512, 200)",
        "= dense_params(49 × 512, 200)",
        "= dense_params(25088, 200)",
        "= 5,017,800",
    ]


def test_worked_solutions_show_choices_negatives_and_conditions_as_read():
    question = FormulaQuestion("t", {"h": 5, "s": -2}, {"x": "h * s if h > 3 and not s > 0 else -h"})
    assert compute_formulas(question, question.params).working["x"] == [
        "x = h × s if h > 3 and not s > 0 else −h",
        "= 5 × (−2) if 5 > 3 and not −2 > 0 else −5",
        "= 5 × (−2) if True and not False else −5",
        "= 5 × (−2) if not False else −5",
        "= 5 × (−2) if True else −5",
        "= 5 × (−2)",
        "= −10",
    ]


def test_the_example_question_of_the_authoring_guide_validates_as_written():
    guide = (Path(__file__).resolve().parents[2] / "docs" / "authoring.md").read_text(encoding="utf-8")
    block = guide.split("```yaml\n", 1)[1].split("```", 1)[0]
    (data,) = yaml.safe_load(block)
    parts = [PartSpec.from_dict(item) for item in data["parts"]]
    question = validate_formula_question(data, parts)
    computation = compute_formulas(question, question.params)
    assert computation.outputs["out_hw"] == [15, 23] and computation.outputs["params"] == 448
    assert render_prompt(data["prompt"], question.params, computation).startswith("A layer takes 3 channels of 32×48")
