"""The five calculators from formulas: through `calculator(...)` they give exactly the
calculators' outputs, prompt values and worked solutions; four of them are also written
with the library alone, and agree on every drawn variant."""

import numpy as np
import pytest

from grader import compute, draw_params
from grader.formulas import FormulaQuestion, compute_formulas, validate_formula_question
from grader.formulas.library import CALCULATOR_PARAMETERS
from grader.spec import PartSpec
from tests.grader.bank import questions

CALCULATOR_QUESTIONS = [key for key, question in questions().items() if question.get("calculator")]
SEEDS = range(200)


# The calculators' ranges written as formula ranges where a mistake needs them to show: q3's
# symmetric padding differs from Keras's "same" only with a stride of 2.
FORMULA_RANGES = {
    "q3": {
        "sequence": {"vector": {"length": [5, 12], "values": [-9, 9]}},
        "kernel": {"vector": {"length": [2, 5], "values": [-9, 9]}},
        "stride": [1, 2],
    },
}


def as_formulas(key: str) -> FormulaQuestion:
    """A bank question rewritten so each calculator output (and prompt value) is a formula."""
    data = questions()[key]
    name = data["calculator"]
    seed = compute(name, data["params"])
    arguments = ", ".join(CALCULATOR_PARAMETERS[name])
    formulas = {
        output: f'calculator("{name}", "{output}", {arguments})' for output in [*seed.outputs, *seed.prompt_values]
    }
    return FormulaQuestion(key, data["params"], formulas, FORMULA_RANGES.get(key))


def same_json(a, b) -> bool:
    """Equal and of the same types all the way down (an int is not a float here)."""
    if isinstance(a, list):
        return isinstance(b, list) and len(a) == len(b) and all(same_json(x, y) for x, y in zip(a, b, strict=True))
    return type(a) is type(b) and a == b


def test_every_calculator_lists_its_parameters_in_the_formula_library():
    for name, parameters in CALCULATOR_PARAMETERS.items():
        data = next(question for question in questions().values() if question.get("calculator") == name)
        assert list(parameters) == list(data["params"])


@pytest.mark.parametrize("key", CALCULATOR_QUESTIONS)
def test_calculator_formulas_give_exactly_the_calculators_outputs_on_every_variant(key):
    data = questions()[key]
    question = as_formulas(key)
    for seed in SEEDS:
        params = draw_params(data["calculator"], data["params"], data["ranges"], seed)
        expected = compute(data["calculator"], params)
        got = compute_formulas(question, params)
        for name, value in expected.outputs.items():
            assert same_json(got.outputs[name], value), (seed, name)
        for name, text in expected.prompt_values.items():
            assert got.outputs[name] == text and got.prompt_values[name] == text
        assert {name: got.working[name] for name in expected.working} == expected.working


@pytest.mark.parametrize("key", CALCULATOR_QUESTIONS)
def test_the_banks_parts_validate_against_their_calculator_formulas(key):
    parts = [PartSpec.from_dict(part) for part in questions()[key]["parts"]]
    assert validate_formula_question(as_formulas(key), parts).key == key


# The library alone ---------------------------------------------------------------------------

LIBRARY_ONLY = {
    "q3": {
        "valid": "conv1d(sequence, kernel, stride)",
        "same": 'conv1d(sequence, kernel, stride, "same")',
        "valid_flipped": "conv1d(sequence, flip(kernel), stride)",
        "same_flipped": 'conv1d(sequence, flip(kernel), stride, "same")',
        "same_symmetric": "conv1d(sequence, kernel, stride, (len(kernel) - 1) // 2)",
    },
    "q4": {
        "max": "max_pool2d(image, pool_size, stride)",
        "average": "avg_pool2d(image, pool_size, stride)",
        "min": "-max_pool2d(-image, pool_size, stride)",
        "sum": "avg_pool2d(image, pool_size, stride) * pool_size ** 2",
    },
    "q5": {
        "average": "global_avg_pool(feature_maps)",
        "max": "global_max_pool(feature_maps)",
        "sums": "global_avg_pool(feature_maps) * len(feature_maps[0]) * len(feature_maps[0][0])",
    },
    "q8": {
        "filters": "units",
        "filters_input_channels": "map_channels",
        "kernel_size": "[map_height, map_width]",
        "kernel_size_with_depth": "[map_height, map_width, map_channels]",
        "filters_flattened_inputs": "map_height * map_width * map_channels",
        "kernel_side": "[map_height] if map_height == map_width else []",
        "padding": '"valid"',
    },
}


@pytest.mark.parametrize("key", sorted(LIBRARY_ONLY))
def test_four_calculators_written_with_the_library_alone_agree_on_every_variant(key):
    data = questions()[key]
    question = FormulaQuestion(key, data["params"], LIBRARY_ONLY[key])
    assert set(question.outputs) == set(compute(data["calculator"], data["params"]).outputs)
    for seed in SEEDS:
        params = draw_params(data["calculator"], data["params"], data["ranges"], seed)
        expected = compute(data["calculator"], params).outputs
        got = compute_formulas(question, params).outputs
        for name, value in expected.items():
            if name in ("sums", "sum"):
                # An average times the count is a float, equal to the sum up to rounding.
                assert np.shape(got[name]) == np.shape(value) and np.allclose(got[name], value), seed
            else:
                assert same_json(got[name], value), (seed, name)
