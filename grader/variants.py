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

from grader.calculators import BYTES_PER_VALUE, CONV_STACK_PARAMS, PADDINGS, compute, validate_params
from grader.scoring import distinguishable
from grader.spec import PartSpec

_MAX_VALUE = 1_000_000

# Per calculator: each range's allowed span (a `range`) or allowed choices (a tuple).
RANGES: dict[str, dict[str, range | tuple]] = {
    "conv_stack": {
        "input_height": range(1, 10_001),
        "input_width": range(1, 10_001),
        "input_channels": range(1, 10_001),
        "layer_count": range(1, 21),
        "filters": range(1, 10_001),
        "kernel_size": range(1, 1_001),
        "stride": range(1, 1_001),
        "padding": PADDINGS,
        "bytes_per_value": BYTES_PER_VALUE,
        "batch_size": range(1, 10_001),
    },
    "conv1d": {
        "sequence_length": range(1, 1_001),
        "values": range(-_MAX_VALUE, _MAX_VALUE + 1),
        "kernel_length": range(1, 1_001),
        "kernel_values": range(-_MAX_VALUE, _MAX_VALUE + 1),
        "stride": range(1, 1_001),
    },
    "pool2d": {
        "size": range(1, 101),
        "values": range(-_MAX_VALUE, _MAX_VALUE + 1),
        "pool_size": range(1, 101),
        "stride": range(1, 101),
    },
    "global_pool": {
        "channels": range(1, 65),
        "size": range(1, 101),
        "values": range(-_MAX_VALUE, _MAX_VALUE + 1),
    },
    "dense_to_conv": {
        "units": range(1, 100_001),
        "map_height": range(1, 1_001),
        "map_width": range(1, 1_001),
        "map_channels": range(1, 100_001),
    },
}

# A draw that does not fit (a "valid" kernel, a mistake that cannot be told apart) is drawn
# again, at most this many times.
_TRIES = 100

Draw = tuple[int, int] | list  # a (low, high) span or a list of choices


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
    for _ in range(_TRIES):
        params = _DRAWS[calculator](rng, base, parsed)
        validate_params(calculator, params)
        if not parts:
            return params
        computation = compute(calculator, params)
        if all(distinguishable(part, computation) for part in parts):
            return params
    return base


def _parse_ranges(calculator: str, ranges: Any) -> dict[str, Draw]:
    if calculator not in RANGES:
        raise ValueError(f"calculator: unknown {calculator!r}; choose one of {', '.join(RANGES)}")
    if not isinstance(ranges, dict):
        raise ValueError("ranges: must be a mapping of range names to ranges")
    known = RANGES[calculator]
    parsed: dict[str, Draw] = {}
    for name, value in ranges.items():
        if name not in known:
            raise ValueError(f"{name}: not a range of {calculator} (it takes {', '.join(known)})")
        parsed[name] = _parse_range(name, value, known[name])
    return parsed


def _parse_range(name: str, value: Any, allowed: range | tuple) -> Draw:
    if isinstance(value, dict):
        choices = value.get("choices")
        if set(value) != {"choices"} or not isinstance(choices, list) or not choices:
            raise ValueError(f"{name}: write choices as {{choices: [...]}} with at least one value")
        for choice in choices:
            whole = isinstance(choice, int) and not isinstance(choice, bool)
            if (isinstance(allowed, range) and not whole) or isinstance(choice, bool) or choice not in allowed:
                raise ValueError(f"{name}: {choice!r} is not allowed ({_describe(allowed)})")
        return list(choices)
    if isinstance(allowed, tuple):
        raise ValueError(f"{name}: write it as {{choices: [...]}} ({_describe(allowed)})")
    if (
        not isinstance(value, list)
        or len(value) != 2
        or not all(isinstance(v, int) and not isinstance(v, bool) for v in value)
        or value[0] > value[1]
    ):
        raise ValueError(f"{name}: must be [low, high], two whole numbers with low ≤ high, or {{choices: [...]}}")
    if value[0] not in allowed or value[1] not in allowed:
        raise ValueError(f"{name}: must lie within {_describe(allowed)}")
    return (value[0], value[1])


def _describe(allowed: range | tuple) -> str:
    if isinstance(allowed, range):
        return f"{allowed.start} to {allowed.stop - 1}"
    return "one of " + ", ".join(map(str, allowed))


def _pick(rng: random.Random, draw: Draw) -> Any:
    if isinstance(draw, tuple):
        return rng.randint(draw[0], draw[1])
    return rng.choice(draw)


def _span(values: list) -> tuple[int, int]:
    """Where drawn values come from when only a length is randomized: the base's own span."""
    return (int(min(values)), int(max(values)))


def _draw_conv_stack(rng: random.Random, base: dict, ranges: dict[str, Draw]) -> dict:
    for _ in range(_TRIES):
        params = dict(base)
        for name in CONV_STACK_PARAMS:
            if name == "filters":
                continue  # drawn below, one count per layer
            if name in ranges:
                params[name] = _pick(rng, ranges[name])
        count = _pick(rng, ranges["layer_count"]) if "layer_count" in ranges else len(base["filters"])
        if "filters" in ranges:
            params["filters"] = [_pick(rng, ranges["filters"]) for _ in range(count)]
        else:
            params["filters"] = [base["filters"][i % len(base["filters"])] for i in range(count)]
        try:
            validate_params("conv_stack", params)
        except ValueError:
            continue
        return params
    # Ranges that (almost) never fit: keep the question's own, valid, numbers.
    return base


def _draw_conv1d(rng: random.Random, base: dict, ranges: dict[str, Draw]) -> dict:
    params = dict(base)
    if "sequence_length" in ranges or "values" in ranges:
        length = _pick(rng, ranges["sequence_length"]) if "sequence_length" in ranges else len(base["sequence"])
        values = ranges.get("values", _span(base["sequence"]))
        params["sequence"] = [_pick(rng, values) for _ in range(length)]
    if "kernel_length" in ranges or "kernel_values" in ranges:
        length = _pick(rng, ranges["kernel_length"]) if "kernel_length" in ranges else len(base["kernel"])
        length = min(length, len(params["sequence"]))
        values = ranges.get("kernel_values", _span(base["kernel"]))
        # An all-zero kernel makes every answer zero; draw again while another is possible.
        for _ in range(_TRIES):
            params["kernel"] = [_pick(rng, values) for _ in range(length)]
            if any(params["kernel"]):
                break
    params["kernel"] = params["kernel"][: len(params["sequence"])]
    if "stride" in ranges:
        params["stride"] = _pick(rng, ranges["stride"])
    return params


def _draw_pool2d(rng: random.Random, base: dict, ranges: dict[str, Draw]) -> dict:
    params = dict(base)
    image = base["image"]
    if "size" in ranges or "values" in ranges:
        height, width = (_pick(rng, ranges["size"]),) * 2 if "size" in ranges else (len(image), len(image[0]))
        values = ranges.get("values", _span([v for row in image for v in row]))
        params["image"] = [[_pick(rng, values) for _ in range(width)] for _ in range(height)]
    if "pool_size" in ranges:
        params["pool_size"] = _pick(rng, ranges["pool_size"])
    if "stride" in ranges:
        params["stride"] = _pick(rng, ranges["stride"])
    params["pool_size"] = min(params["pool_size"], len(params["image"]), len(params["image"][0]))
    return params


def _draw_global_pool(rng: random.Random, base: dict, ranges: dict[str, Draw]) -> dict:
    params = dict(base)
    maps = base["feature_maps"]
    if ranges:
        channels = _pick(rng, ranges["channels"]) if "channels" in ranges else len(maps)
        height, width = (_pick(rng, ranges["size"]),) * 2 if "size" in ranges else (len(maps[0]), len(maps[0][0]))
        values = ranges.get("values", _span([v for channel in maps for row in channel for v in row]))
        params["feature_maps"] = [
            [[_pick(rng, values) for _ in range(width)] for _ in range(height)] for _ in range(channels)
        ]
    return params


def _draw_dense_to_conv(rng: random.Random, base: dict, ranges: dict[str, Draw]) -> dict:
    params = dict(base)
    for name in ("units", "map_height", "map_width", "map_channels"):
        if name in ranges:
            params[name] = _pick(rng, ranges[name])
    return params


_DRAWS = {
    "conv_stack": _draw_conv_stack,
    "conv1d": _draw_conv1d,
    "pool2d": _draw_pool2d,
    "global_pool": _draw_global_pool,
    "dense_to_conv": _draw_dense_to_conv,
}
