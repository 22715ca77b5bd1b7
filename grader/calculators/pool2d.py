"""2-D pooling of an image without padding: max, with average, min and sum as the mistakes."""

import random

import numpy as np
from numpy.lib.stride_tricks import as_strided

from grader import formatting
from grader.calculators.base import MAX_VALUE, Calculator, Computation, Draw, check_names, pick, span, table, whole
from grader.messages import gettext as _

_POOL2D = ("image", "pool_size", "stride")
_POOLS = {"max": "max", "average": "mean", "min": "min", "sum": "sum"}


def _check_pool2d(params: dict) -> None:
    check_names(params, "pool2d", _POOL2D)
    height, width = table(params["image"], "image", 100)
    whole(params["pool_size"], "pool_size", 1, min(height, width))
    whole(params["stride"], "stride", 1, 100)


def pool2d(params: dict) -> Computation:
    """2-D max pooling without padding, with average, min and sum pooling as the mistakes."""
    _check_pool2d(params)
    image, size, stride = params["image"], params["pool_size"], params["stride"]
    pixels = np.array(image, dtype=np.float64 if any(isinstance(v, float) for row in image for v in row) else np.int64)
    rows = (len(image) - size) // stride + 1
    columns = (len(image[0]) - size) // stride + 1
    step_down, step_right = pixels.strides
    # Every window at once as a read-only view: rows × columns × size × size.
    windows = as_strided(
        pixels,
        shape=(rows, columns, size, size),
        strides=(step_down * stride, step_right * stride, step_down, step_right),
        writeable=False,
    )
    outputs = {
        "max": windows.max(axis=(2, 3)).tolist(),
        "average": windows.mean(axis=(2, 3)).tolist(),
        "min": windows.min(axis=(2, 3)).tolist(),
        "sum": windows.sum(axis=(2, 3)).tolist(),
    }
    height, width = len(image), len(image[0])

    def explain() -> dict[str, list[str]]:
        texts = [
            [", ".join(formatting.plain(v) for v in windows[r, c].ravel().tolist()) for c in range(columns)]
            for r in range(rows)
        ]
        working = {}
        for output, word in _POOLS.items():
            lines = [
                _("Output size: {rows} rows, {columns} columns.").format(
                    rows=f"$\\left\\lfloor \\frac{{{height} - {size}}}{{{stride}}} \\right\\rfloor + 1 = {rows}$",
                    columns=f"$\\left\\lfloor \\frac{{{width} - {size}}}{{{stride}}} \\right\\rfloor + 1 = {columns}$",
                )
            ]
            window = _("Rows {rows}, columns {columns}: {working}")
            for r in range(rows):
                for c in range(columns):
                    lines.append(
                        window.format(
                            rows=f"{r * stride + 1}–{r * stride + size}",
                            columns=f"{c * stride + 1}–{c * stride + size}",
                            working=f"{word}({texts[r][c]}) = {formatting.plain(outputs[output][r][c])}",
                        )
                    )
            working[output] = lines
        return working

    return Computation(outputs, prompt_values={"image_height": str(height), "image_width": str(width)}, explain=explain)


# Random variants ----------------------------------------------------------------------------

RANGES: dict[str, range | tuple] = {
    "size": range(1, 101),
    "values": range(-MAX_VALUE, MAX_VALUE + 1),
    "pool_size": range(1, 101),
    "stride": range(1, 101),
}


def _draw_pool2d(rng: random.Random, base: dict, ranges: dict[str, Draw]) -> dict:
    params = dict(base)
    image = base["image"]
    if "size" in ranges or "values" in ranges:
        height, width = (pick(rng, ranges["size"]),) * 2 if "size" in ranges else (len(image), len(image[0]))
        values = ranges.get("values", span([v for row in image for v in row]))
        params["image"] = [[pick(rng, values) for _ in range(width)] for _ in range(height)]
    if "pool_size" in ranges:
        params["pool_size"] = pick(rng, ranges["pool_size"])
    if "stride" in ranges:
        params["stride"] = pick(rng, ranges["stride"])
    params["pool_size"] = min(params["pool_size"], len(params["image"]), len(params["image"][0]))
    return params


CALCULATOR = Calculator("pool2d", compute=pool2d, check=_check_pool2d, ranges=RANGES, draw=_draw_pool2d)
