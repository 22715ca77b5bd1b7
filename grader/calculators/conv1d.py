"""A 1-D convolution (cross-correlation) of a sequence with a kernel, with padding and stride."""

import random

import numpy as np

from grader import formatting
from grader.calculators.base import (
    MAX_VALUE,
    TRIES,
    Calculator,
    Computation,
    Draw,
    check_names,
    number_list,
    pick,
    span,
    whole,
)
from grader.messages import gettext as _
from grader.messages import ngettext

_CONV1D = ("sequence", "kernel", "stride")


def _check_conv1d(params: dict) -> None:
    check_names(params, "conv1d", _CONV1D)
    sequence = number_list(params["sequence"], "sequence", 1, 1_000)
    number_list(params["kernel"], "kernel", 1, len(sequence))
    whole(params["stride"], "stride", 1, 1_000)


def _array(values: list) -> np.ndarray:
    """Integers stay integers (exact answers); any float makes the whole array float."""
    kind = np.int64 if all(isinstance(v, int) for v in values) else np.float64
    return np.array(values, dtype=kind)


def _same_padding(length: int, kernel: int, stride: int) -> tuple[int, int]:
    """Keras' "same": ceil(n / s) outputs, the padding split with the extra zero on the right."""
    total = max((-(-length // stride) - 1) * stride + kernel - length, 0)
    return total // 2, total - total // 2


def _symmetric_padding(kernel: int) -> int:
    """PyTorch-style padding: (k − 1) / 2 zeros on each side, whatever the stride."""
    return (kernel - 1) // 2


def _term(value: int | float) -> str:
    text = formatting.plain(value)
    return f"({text})" if value < 0 else text


def _output_lines(sequence: list, kernel: list, stride: int, result: list) -> list[str]:
    lines = []
    for i, y in enumerate(result):
        window = sequence[i * stride : i * stride + len(kernel)]
        terms = " + ".join(f"{_term(x)}·{_term(w)}" for x, w in zip(window, kernel, strict=True))
        lines.append(f"y[{i + 1}] = {terms} = {formatting.plain(y)}")
    return lines


def conv1d(params: dict) -> Computation:
    """A 1-D convolution (cross-correlation, as deep-learning layers compute it) with "valid"
    and "same" padding, and the classic mistakes: the true convolution (kernel flipped) and
    "same" padded symmetrically as PyTorch does rather than as Keras does."""
    _check_conv1d(params)
    sequence, kernel, stride = params["sequence"], params["kernel"], params["stride"]
    x, k = _array(sequence), _array(kernel)
    left, right = _same_padding(len(sequence), len(kernel), stride)
    padded = np.concatenate([np.zeros(left, x.dtype), x, np.zeros(right, x.dtype)])
    same = np.correlate(padded, k, "valid")[::stride].tolist()
    valid = np.correlate(x, k, "valid")[::stride].tolist()
    sides = np.zeros(_symmetric_padding(len(kernel)), x.dtype)
    symmetric = np.concatenate([sides, x, sides])
    outputs = {
        "valid": valid,
        "same": same,
        "valid_flipped": np.convolve(x, k, "valid")[::stride].tolist(),
        "same_flipped": np.convolve(padded, k, "valid")[::stride].tolist(),
        "same_symmetric": np.correlate(symmetric, k, "valid")[::stride].tolist(),
    }
    n, m = len(sequence), len(kernel)

    def explain() -> dict[str, list[str]]:
        padded_values = padded.tolist()
        zeros = ngettext(
            "{left} zero on the left and {right} on the right",
            "{left} zeros on the left and {right} on the right",
            left,
        ).format(left=left, right=right)
        valid_length = f"$\\left\\lfloor \\frac{{{n} - {m}}}{{{stride}}} \\right\\rfloor + 1 = {len(valid)}$"
        same_length = f"ceil({n} / {stride}) = {len(same)}"
        padding = f"p = max(({len(same)} − 1)·{stride} + {m} − {n}, 0) = {left + right}"
        return {
            "valid": [
                _("Output length: {formula}.").format(formula=valid_length),
                *_output_lines(sequence, kernel, stride, valid),
            ],
            "same": [
                _("Output length: {formula}; total padding {padding}: {zeros}.").format(
                    formula=same_length, padding=padding, zeros=zeros
                ),
                _("Padded sequence: ({values}).").format(values=", ".join(formatting.plain(v) for v in padded_values)),
                *_output_lines(padded_values, kernel, stride, same),
            ],
        }

    return Computation(outputs, prompt_values={"sequence_length": str(n), "kernel_length": str(m)}, explain=explain)


# Random variants ----------------------------------------------------------------------------

RANGES: dict[str, range | tuple] = {
    "sequence_length": range(1, 1_001),
    "values": range(-MAX_VALUE, MAX_VALUE + 1),
    "kernel_length": range(1, 1_001),
    "kernel_values": range(-MAX_VALUE, MAX_VALUE + 1),
    "stride": range(1, 1_001),
}


def _draw_conv1d(rng: random.Random, base: dict, ranges: dict[str, Draw]) -> dict:
    params = dict(base)
    if "sequence_length" in ranges or "values" in ranges:
        length = pick(rng, ranges["sequence_length"]) if "sequence_length" in ranges else len(base["sequence"])
        values = ranges.get("values", span(base["sequence"]))
        params["sequence"] = [pick(rng, values) for _ in range(length)]
    if "kernel_length" in ranges or "kernel_values" in ranges:
        length = pick(rng, ranges["kernel_length"]) if "kernel_length" in ranges else len(base["kernel"])
        length = min(length, len(params["sequence"]))
        values = ranges.get("kernel_values", span(base["kernel"]))
        # An all-zero kernel makes every answer zero; draw again while another is possible.
        for _ in range(TRIES):
            params["kernel"] = [pick(rng, values) for _ in range(length)]
            if any(params["kernel"]):
                break
    params["kernel"] = params["kernel"][: len(params["sequence"])]
    if "stride" in ranges:
        params["stride"] = pick(rng, ranges["stride"])
    return params


CALCULATOR = Calculator("conv1d", compute=conv1d, check=_check_conv1d, ranges=RANGES, draw=_draw_conv1d)
