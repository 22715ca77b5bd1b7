"""The calculators: a question's parameters in, every answer and known mistake out.

Each calculator is one module of this package (its parameters' check, its outputs computed
with numpy and the working a worked solution shows, its ranges and its draw of a variant)
registered below: a new calculator is one module and one line here. A mistake is just
another output, computed with one thing changed, so it follows randomized numbers.
`compute` caches by calculator and parameters: a Computation is shared, never mutate one.
"""

import json
from functools import lru_cache

from grader.calculators import conv1d, conv_stack, dense_to_conv, global_pool, pool2d
from grader.calculators.base import Calculator, Computation
from grader.calculators.conv_stack import BYTES_PER_VALUE, CONV_STACK_PARAMS, PADDINGS
from grader.messages import gettext

CALCULATORS: dict[str, Calculator] = {
    module.CALCULATOR.name: module.CALCULATOR for module in (conv_stack, conv1d, pool2d, global_pool, dense_to_conv)
}

__all__ = [
    "BYTES_PER_VALUE",
    "CALCULATORS",
    "CONV_STACK_PARAMS",
    "PADDINGS",
    "Calculator",
    "Computation",
    "compute",
    "registered",
    "validate_params",
]


def registered(name: str) -> Calculator:
    """The calculator registered under `name`; ValueError naming the ones there are."""
    if name not in CALCULATORS:
        problem = gettext("calculator: unknown {name!r}; choose one of {names}")
        raise ValueError(problem.format(name=name, names=", ".join(CALCULATORS)))
    return CALCULATORS[name]


def validate_params(calculator: str, params: dict) -> None:
    """Refuse parameters the calculator cannot use; the message names the parameter."""
    registered(calculator).check(params)


def compute(calculator: str, params: dict) -> Computation:
    """The calculator's outputs for these parameters, cached: the same object for equal
    parameters, so treat it as read-only."""
    check = registered(calculator).check
    try:
        key = json.dumps(params, sort_keys=True, separators=(",", ":"), allow_nan=False)
    except (TypeError, ValueError):
        # Name the parameter when the calculator's own check can; NaN, for one, is not JSON.
        check(params)
        raise ValueError(gettext("params: must be plain data (numbers, text, lists, mappings)")) from None
    return _compute(calculator, key)


@lru_cache(maxsize=4096)
def _compute(calculator: str, key: str) -> Computation:
    # Parsing the key back gives the calculator its own copy of the parameters.
    return CALCULATORS[calculator](json.loads(key))
