"""Randomized variants of a question: ranges checked, parameters drawn from a seed.

A range is `[low, high]` (whole numbers, both included) or `{choices: [...]}`. A parameter
without a range keeps the question's own value. The same seed always gives the same
numbers, and every draw is valid for its calculator. Given the question's parts, a draw
in which a known mistake cannot be told from the correct answer (or from another
mistake) at the precision a part asks for is drawn again.
"""

import json
import random
from collections.abc import Sequence
from typing import Any

from grader.calculators import compute, registered, validate_params
from grader.calculators.base import TRIES, Draw
from grader.messages import gettext
from grader.scoring import distinguishable
from grader.spec import PartSpec


def validate_ranges(calculator: str, ranges: dict) -> None:
    """Refuse ranges that cannot be drawn from; the message names the range."""
    _parse_ranges(calculator, ranges)


def draw_params(
    calculator: str, base_params: dict, ranges: dict, seed: int, parts: Sequence[PartSpec] = ()
) -> dict:
    """A valid set of parameters drawn from `ranges` with `seed`; the rest from `base_params`.

    With the question's `parts`, every known mistake of every part can be told from the
    correct answer at the precision the part asks for; if no draw of many allows that,
    the question's own numbers are used."""
    parsed = _parse_ranges(calculator, ranges)
    validate_params(calculator, base_params)
    rng = random.Random(seed)
    base = json.loads(json.dumps(base_params))
    draw = registered(calculator).draw
    for _ in range(TRIES):
        params = draw(rng, base, parsed)
        validate_params(calculator, params)
        if not parts:
            return params
        computation = compute(calculator, params)
        if all(distinguishable(part, computation) for part in parts):
            return params
    return base


def _parse_ranges(calculator: str, ranges: Any) -> dict[str, Draw]:
    known = registered(calculator).ranges
    if not isinstance(ranges, dict):
        raise ValueError(gettext("ranges: must be a mapping of range names to ranges"))
    parsed: dict[str, Draw] = {}
    for name, value in ranges.items():
        if name not in known:
            problem = gettext("{name}: not a range of {calculator} (it takes {names})")
            raise ValueError(problem.format(name=name, calculator=calculator, names=", ".join(known)))
        parsed[name] = _parse_range(name, value, known[name])
    return parsed


def _parse_range(name: str, value: Any, allowed: range | tuple) -> Draw:
    if isinstance(value, dict):
        choices = value.get("choices")
        if set(value) != {"choices"} or not isinstance(choices, list) or not choices:
            raise ValueError(
                gettext("{name}: write choices as {{choices: [...]}} with at least one value").format(name=name)
            )
        for choice in choices:
            whole = isinstance(choice, int) and not isinstance(choice, bool)
            if (isinstance(allowed, range) and not whole) or isinstance(choice, bool) or choice not in allowed:
                problem = gettext("{name}: {choice!r} is not allowed ({allowed})")
                raise ValueError(problem.format(name=name, choice=choice, allowed=_describe(allowed)))
        return list(choices)
    if isinstance(allowed, tuple):
        problem = gettext("{name}: write it as {{choices: [...]}} ({allowed})")
        raise ValueError(problem.format(name=name, allowed=_describe(allowed)))
    if (
        not isinstance(value, list)
        or len(value) != 2
        or not all(isinstance(v, int) and not isinstance(v, bool) for v in value)
        or value[0] > value[1]
    ):
        problem = gettext("{name}: must be [low, high], two whole numbers with low ≤ high, or {{choices: [...]}}")
        raise ValueError(problem.format(name=name))
    if value[0] not in allowed or value[1] not in allowed:
        raise ValueError(gettext("{name}: must lie within {allowed}").format(name=name, allowed=_describe(allowed)))
    return (value[0], value[1])


def _describe(allowed: range | tuple) -> str:
    if isinstance(allowed, range):
        return gettext("{low} to {high}").format(low=allowed.start, high=allowed.stop - 1)
    return gettext("one of {choices}").format(choices=", ".join(map(str, allowed)))
