"""A dense layer rewritten as a convolution over a feature map: the kernel and its parameters."""

import random

from grader.calculators.base import Calculator, Computation, Draw, check_names, pick, whole
from grader.messages import gettext as _

_DENSE_TO_CONV = ("units", "map_height", "map_width", "map_channels")


def _check_dense_to_conv(params: dict) -> None:
    check_names(params, "dense_to_conv", _DENSE_TO_CONV)
    whole(params["units"], "units", 1, 100_000)
    whole(params["map_height"], "map_height", 1, 1_000)
    whole(params["map_width"], "map_width", 1, 1_000)
    whole(params["map_channels"], "map_channels", 1, 100_000)


def dense_to_conv(params: dict) -> Computation:
    """The convolutional layer that computes what a dense layer on a feature map computes."""
    _check_dense_to_conv(params)
    units, height, width, channels = (params[name] for name in _DENSE_TO_CONV)
    outputs = {
        "filters": units,
        "filters_input_channels": channels,
        "filters_flattened_inputs": height * width * channels,
        "kernel_size": [height, width],
        "kernel_size_with_depth": [height, width, channels],
        # One size for a square kernel; a non-square one has no one-size form (never matched).
        "kernel_side": [height] if height == width else [],
        "padding": "valid",
    }

    def explain() -> dict[str, list[str]]:
        kernel, shape = f"{height}×{width}", f"{height}×{width}×{channels}"
        return {
            "filters": [
                _("Each of the {units} units becomes one filter, so the layer has {units} filters.").format(units=units)
            ],
            "kernel_size": [
                _(
                    "Each unit sees the whole {shape} feature map, so each filter must cover it "
                    "all: a {kernel} kernel (across all {channels} channels)."
                ).format(shape=shape, kernel=kernel, channels=channels)
            ],
            "padding": [
                _(
                    'With "valid" padding the {kernel} kernel fits the map exactly once: each filter '
                    "outputs a single value, like its unit."
                ).format(kernel=kernel)
            ],
        }

    return Computation(outputs, prompt_values={"map_size": f"{height}×{width}×{channels}"}, explain=explain)


# Random variants ----------------------------------------------------------------------------

RANGES: dict[str, range | tuple] = {
    "units": range(1, 100_001),
    "map_height": range(1, 1_001),
    "map_width": range(1, 1_001),
    "map_channels": range(1, 100_001),
}


def _draw_dense_to_conv(rng: random.Random, base: dict, ranges: dict[str, Draw]) -> dict:
    params = dict(base)
    for name in ("units", "map_height", "map_width", "map_channels"):
        if name in ranges:
            params[name] = pick(rng, ranges[name])
    return params


CALCULATOR = Calculator(
    "dense_to_conv", compute=dense_to_conv, check=_check_dense_to_conv, ranges=RANGES, draw=_draw_dense_to_conv
)
