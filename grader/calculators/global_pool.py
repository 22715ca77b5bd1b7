"""Global pooling of feature maps: one value per channel."""

import random

import numpy as np

from grader import formatting
from grader.calculators.base import (
    MAX_VALUE,
    PLAIN_LIMIT,
    Calculator,
    Computation,
    Draw,
    check_names,
    pick,
    span,
    table,
)
from grader.messages import gettext as _

_GLOBAL_POOL = ("feature_maps",)


def _check_global_pool(params: dict) -> None:
    check_names(params, "global_pool", _GLOBAL_POOL)
    maps = params["feature_maps"]
    if not isinstance(maps, list) or not 1 <= len(maps) <= 64:
        raise ValueError(_("feature_maps: must be a list of 1 to 64 channels, each a table of numbers"))
    shape = table(maps[0], "feature_maps", 100)
    for channel in maps[1:]:
        if table(channel, "feature_maps", 100) != shape:
            raise ValueError(_("feature_maps: every channel must have the same height and width"))


def global_pool(params: dict) -> Computation:
    """Global average pooling, one value per channel; the sums and maxima are the mistakes."""
    _check_global_pool(params)
    maps = params["feature_maps"]
    floats = any(isinstance(v, float) for channel in maps for row in channel for v in row)
    height, width = len(maps[0]), len(maps[0][0])
    positions = height * width
    if floats or len(maps) * positions > PLAIN_LIMIT:
        values = np.array(maps, dtype=np.float64 if floats else np.int64)
        sums_array = values.sum(axis=(1, 2))
        outputs = {
            "average": (sums_array / positions).tolist(),
            "sums": sums_array.tolist(),
            "max": values.max(axis=(1, 2)).tolist(),
        }
    else:
        # Whole numbers in plain Python: exact, and faster than numpy for maps this small.
        channels = [[v for row in channel for v in row] for channel in maps]
        sums = [sum(items) for items in channels]
        outputs = {
            "average": [total / positions for total in sums],
            "sums": sums,
            "max": [max(items) for items in channels],
        }

    def explain() -> dict[str, list[str]]:
        n = formatting.plain
        # One decimal makes every value a decimal, as in a numpy array.
        flat = [[float(v) if floats else v for row in channel for v in row] for channel in maps]
        rows = list(enumerate(zip(flat, outputs["sums"], outputs["average"], outputs["max"], strict=True), start=1))
        channel = _("Channel {number}: {working}")
        return {
            "average": [
                channel.format(
                    number=c,
                    working=f"({' + '.join(map(n, items))}) / {positions} = {n(total)}/{positions} ≈ {n(average)}",
                )
                for c, (items, total, average, _top) in rows
            ],
            "sums": [
                channel.format(number=c, working=f"{' + '.join(map(n, items))} = {n(total)}")
                for c, (items, total, _average, _top) in rows
            ],
            "max": [
                channel.format(number=c, working=f"max({', '.join(map(n, items))}) = {n(top)}")
                for c, (items, _total, _average, top) in rows
            ],
        }

    prompt_values = {
        "channel_count": str(len(maps)),
        "map_height": str(height),
        "map_width": str(width),
    }
    return Computation(outputs, prompt_values=prompt_values, explain=explain)


# Random variants ----------------------------------------------------------------------------

RANGES: dict[str, range | tuple] = {
    "channels": range(1, 65),
    "size": range(1, 101),
    "values": range(-MAX_VALUE, MAX_VALUE + 1),
}


def _draw_global_pool(rng: random.Random, base: dict, ranges: dict[str, Draw]) -> dict:
    params = dict(base)
    maps = base["feature_maps"]
    if ranges:
        channels = pick(rng, ranges["channels"]) if "channels" in ranges else len(maps)
        height, width = (pick(rng, ranges["size"]),) * 2 if "size" in ranges else (len(maps[0]), len(maps[0][0]))
        values = ranges.get("values", span([v for channel in maps for row in channel for v in row]))
        params["feature_maps"] = [
            [[pick(rng, values) for _ in range(width)] for _ in range(height)] for _ in range(channels)
        ]
    return params


CALCULATOR = Calculator(
    "global_pool", compute=global_pool, check=_check_global_pool, ranges=RANGES, draw=_draw_global_pool
)
