"""The calculators: a question's parameters in, every answer and known mistake out.

Each calculator checks its parameters (ValueError naming the parameter), computes its
outputs with numpy and writes the working that a worked solution shows. A mistake is
just another output, computed with one thing changed, so it follows randomized numbers.
`compute` caches by calculator and parameters: a Computation is shared, never mutate one.
"""

import json
from collections.abc import Callable
from functools import lru_cache
from typing import Any

import numpy as np
from numpy.lib.stride_tricks import as_strided

from grader import formatting

_MAX_VALUE = 1e6


class Computation:
    """What a calculator made of one set of parameters.

    `outputs` holds plain JSON values (ints, floats, lists, strings), sizes in bytes;
    `working` the lines of the derivation per output, written on first use (grading never
    needs them); `prompt_values` derived text for prompts. Read-only, and compared and
    hashed by identity: `compute` returns the same object for the same parameters.
    """

    __slots__ = ("outputs", "prompt_values", "_working", "_explain")
    outputs: dict[str, Any]
    prompt_values: dict[str, str]
    _working: dict[str, list[str]] | None
    _explain: Callable[[], dict[str, list[str]]] | None

    def __init__(
        self,
        outputs: dict[str, Any],
        working: dict[str, list[str]] | None = None,
        prompt_values: dict[str, str] | None = None,
        *,
        explain: Callable[[], dict[str, list[str]]] | None = None,
    ) -> None:
        object.__setattr__(self, "outputs", outputs)
        object.__setattr__(self, "prompt_values", prompt_values or {})
        object.__setattr__(self, "_working", working)
        object.__setattr__(self, "_explain", explain)

    @property
    def working(self) -> dict[str, list[str]]:
        working = self._working
        if working is None:
            working = self._explain() if self._explain else {}
            object.__setattr__(self, "_working", working)
        return working

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("a Computation is shared through the cache and cannot be changed")

    def __repr__(self) -> str:
        return f"Computation(outputs={self.outputs!r})"


# Parameter checks ---------------------------------------------------------------------------


def _names(params: Any, calculator: str, names: tuple[str, ...]) -> None:
    if not isinstance(params, dict):
        raise ValueError("params: must be a mapping of parameter names to values")
    for name in params:
        if name not in names:
            raise ValueError(f"{name}: not a parameter of {calculator} (it takes {', '.join(names)})")
    for name in names:
        if name not in params:
            raise ValueError(f"{name}: missing")


def _whole(value: Any, name: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ValueError(f"{name}: must be a whole number from {low} to {high}")
    return value


def _one_of(value: Any, name: str, options: tuple) -> None:
    if isinstance(value, bool) or value not in options:
        raise ValueError(f"{name}: must be one of {', '.join(map(str, options))}")


def _values(value: Any, name: str, low: int, high: int) -> list:
    """A list of `low`..`high` finite numbers of sensible size."""
    if not isinstance(value, list) or not low <= len(value) <= high:
        raise ValueError(f"{name}: must be a list of {low} to {high} numbers")
    for item in value:
        if isinstance(item, bool) or not isinstance(item, (int, float)) or not abs(item) <= _MAX_VALUE:
            raise ValueError(f"{name}: every value must be a number between -{_MAX_VALUE:g} and {_MAX_VALUE:g}")
    return value


def _table(value: Any, name: str, high: int) -> tuple[int, int]:
    """A rectangular list of rows of numbers; its shape."""
    if not isinstance(value, list) or not 1 <= len(value) <= high:
        raise ValueError(f"{name}: must be a list of 1 to {high} rows")
    width = len(value[0]) if isinstance(value[0], list) else 0
    for row in value:
        _values(row, name, 1, high)
        if len(row) != width:
            raise ValueError(f"{name}: every row must have the same number of values")
    return len(value), width


# conv_stack ---------------------------------------------------------------------------------

CONV_STACK_PARAMS = (
    "input_height",
    "input_width",
    "input_channels",
    "kernel_size",
    "stride",
    "padding",
    "filters",
    "bytes_per_value",
    "batch_size",
)
PADDINGS = ("same", "valid")
_MB_PER_MIB = 10**6 / 2**20
BYTES_PER_VALUE = (1, 2, 4, 8)


def _check_conv_stack(params: dict) -> None:
    _names(params, "conv_stack", CONV_STACK_PARAMS)
    _whole(params["input_height"], "input_height", 1, 10_000)
    _whole(params["input_width"], "input_width", 1, 10_000)
    _whole(params["input_channels"], "input_channels", 1, 10_000)
    _whole(params["kernel_size"], "kernel_size", 1, 1_000)
    _whole(params["stride"], "stride", 1, 1_000)
    _one_of(params["padding"], "padding", PADDINGS)
    filters = params["filters"]
    if not isinstance(filters, list) or not 1 <= len(filters) <= 20:
        raise ValueError("filters: must be a list of 1 to 20 layers' filter counts")
    for count in filters:
        _whole(count, "filters", 1, 10_000)
    _one_of(params["bytes_per_value"], "bytes_per_value", BYTES_PER_VALUE)
    _whole(params["batch_size"], "batch_size", 1, 10_000)
    if params["padding"] == "valid":
        for name in ("input_height", "input_width"):
            sizes = _layer_sizes(params[name], params["kernel_size"], params["stride"], "valid", len(filters))
            if len(sizes) <= len(filters):
                raise ValueError(
                    f'{name}: with "valid" padding the {params["kernel_size"]}-wide kernel no longer fits '
                    f"at layer {len(sizes)}"
                )


def _layer_sizes(size: int, kernel: int, stride: int, padding: str, layers: int) -> list[int]:
    """The size along one axis at the input and after each layer (Keras' rules); shorter
    than layers + 1 when a "valid" kernel stops fitting."""
    sizes = [size]
    for _ in range(layers):
        if padding == "same":
            size = -(-size // stride)
        elif size >= kernel:
            size = (size - kernel) // stride + 1
        else:
            break
        sizes.append(size)
    return sizes


def _size_formula(size: int, kernel: int, stride: int, padding: str) -> str:
    if padding == "same":
        return f"ceil({size} / {stride})"
    return f"(floor(({size} − {kernel}) / {stride}) + 1)"


def conv_stack(params: dict) -> Computation:
    """A stack of 2-D convolutional layers sharing kernel, stride and padding: parameter
    count and the memory for a prediction and for training, in bytes."""
    _check_conv_stack(params)
    kernel, stride, padding = params["kernel_size"], params["stride"], params["padding"]
    filters = params["filters"]
    value_bytes, batch = params["bytes_per_value"], params["batch_size"]
    heights = _layer_sizes(params["input_height"], kernel, stride, padding, len(filters))
    widths = _layer_sizes(params["input_width"], kernel, stride, padding, len(filters))
    channels = np.array([params["input_channels"], *filters], dtype=np.int64)
    values = np.array(heights, dtype=np.int64) * np.array(widths, dtype=np.int64) * channels
    weights = kernel * kernel * channels[:-1] * channels[1:]
    per_layer = weights + channels[1:]
    parameters = int(per_layer.sum())
    layer_bytes = values * value_bytes
    pairs = layer_bytes[:-1] + layer_bytes[1:]
    peak_pair = int(pairs.argmax())
    peak = int(pairs[peak_pair])
    hidden = int(layer_bytes[1:].sum())
    input_bytes = int(layer_bytes[0])
    parameter_bytes = parameters * value_bytes
    prediction = peak + parameter_bytes
    training = batch * (hidden + input_bytes) + parameter_bytes
    outputs = {
        "layer_shapes": [[h, w, int(c)] for h, w, c in zip(heights, widths, channels, strict=True)],
        "parameters": parameters,
        "parameters_no_bias": int(weights.sum()),
        "parameter_bytes": parameter_bytes,
        "prediction_bytes": prediction,
        "prediction_bytes_all_layers": hidden + parameter_bytes,
        "prediction_bytes_all_layers_with_input": hidden + input_bytes + parameter_bytes,
        "prediction_bytes_no_params": peak,
        "training_bytes": training,
        "training_bytes_no_inputs": batch * hidden + parameter_bytes,
        "training_bytes_no_params": batch * (hidden + input_bytes),
        "training_bytes_no_inputs_no_params": batch * hidden,
        "training_bytes_prediction_times_batch": batch * prediction,
        # Divided by 2^20 but written as MB: the value that, read in MB, is the MiB figure.
        "prediction_bytes_mib_as_mb": prediction * _MB_PER_MIB,
        "training_bytes_mib_as_mb": training * _MB_PER_MIB,
    }

    image_kind = {1: "grayscale images", 3: "RGB images"}.get(int(channels[0]), f"{channels[0]}-channel images")

    def explain() -> dict[str, list[str]]:
        n = formatting.integer
        names = ["Input", *(f"layer {i}" for i in range(1, len(filters) + 1))]
        shapes = [f"Input: {heights[0]}×{widths[0]}×{channels[0]} ({image_kind})."]
        for i in range(1, len(heights)):
            height = _size_formula(heights[i - 1], kernel, stride, padding)
            width = _size_formula(widths[i - 1], kernel, stride, padding)
            shapes.append(
                f"Layer {i} ({padding} padding): {height} × {width} = {heights[i]}×{widths[i]}, "
                f"with {channels[i]} feature maps: {heights[i]}×{widths[i]}×{channels[i]}."
            )
        sizes = [
            f"{name.capitalize()}: {h}×{w}×{c} values × {value_bytes} B = {n(b)} B."
            for name, h, w, c, b in zip(names, heights, widths, channels, layer_bytes.tolist(), strict=True)
        ]
        parameter_lines = [
            f"Layer {i}: ({kernel}×{kernel}×{c_in} + 1)×{c_out} = {n(count)}."
            for i, (c_in, c_out, count) in enumerate(
                zip(channels[:-1], channels[1:], per_layer.tolist(), strict=True), start=1
            )
        ]
        terms = " + ".join(n(count) for count in per_layer.tolist())
        total = f"{terms} = {n(parameters)}" if len(filters) > 1 else n(parameters)
        parameter_lines.append(f"Total: {total} parameters.")
        parameter_memory = f"Parameters: {n(parameters)} × {value_bytes} B = {n(parameter_bytes)} B."
        first, second = names[peak_pair], names[peak_pair + 1]
        prediction_lines = [
            *shapes,
            *sizes,
            "Only two consecutive layers need to be in memory at once (the input counts as layer 0); "
            f"the largest pair is {first.lower()} and {second}: {n(int(layer_bytes[peak_pair]))} + "
            f"{n(int(layer_bytes[peak_pair + 1]))} = {n(peak)} B.",
            parameter_memory,
            f"Total: {n(peak)} + {n(parameter_bytes)} = {n(prediction)} B.",
        ]
        training_lines = [
            *shapes,
            *sizes,
            "Training keeps every layer's output for backpropagation: "
            + (" + ".join(n(b) for b in layer_bytes[1:].tolist()) if len(filters) > 1 else "")
            + (" = " if len(filters) > 1 else "")
            + f"{n(hidden)} B per image.",
            f"For the mini-batch: {batch} × {n(hidden)} B = {n(batch * hidden)} B.",
            f"Input images: {batch} × {n(input_bytes)} B = {n(batch * input_bytes)} B.",
            parameter_memory,
            f"Total: {n(batch * hidden)} + {n(batch * input_bytes)} + {n(parameter_bytes)} = {n(training)} B.",
        ]
        return {
            "parameters": parameter_lines,
            "prediction_bytes": prediction_lines,
            "training_bytes": training_lines,
        }

    prompt_values = {
        "layer_count": str(len(filters)),
        "layers_text": f"{len(filters)} convolutional layer{'s' if len(filters) > 1 else ''}",
        "filters_text": _and_list([str(count) for count in filters]),
        "image_kind": image_kind,
        "float_bits": str(8 * value_bytes),
    }
    return Computation(outputs, prompt_values=prompt_values, explain=explain)


def _and_list(items: list[str]) -> str:
    """["100", "200", "400"] -> "100, 200 and 400"."""
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


# conv1d -------------------------------------------------------------------------------------

_CONV1D = ("sequence", "kernel", "stride")


def _check_conv1d(params: dict) -> None:
    _names(params, "conv1d", _CONV1D)
    sequence = _values(params["sequence"], "sequence", 1, 1_000)
    _values(params["kernel"], "kernel", 1, len(sequence))
    _whole(params["stride"], "stride", 1, 1_000)


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
        zeros = f"{left} zero{'s' if left != 1 else ''} on the left and {right} on the right"
        return {
            "valid": [
                f"Output length: floor(({n} − {m}) / {stride}) + 1 = {len(valid)}.",
                *_output_lines(sequence, kernel, stride, valid),
            ],
            "same": [
                f"Output length: ceil({n} / {stride}) = {len(same)}; total padding "
                f"p = max(({len(same)} − 1)·{stride} + {m} − {n}, 0) = {left + right}: {zeros}.",
                f"Padded sequence: ({', '.join(formatting.plain(v) for v in padded_values)}).",
                *_output_lines(padded_values, kernel, stride, same),
            ],
        }

    return Computation(outputs, prompt_values={"sequence_length": str(n), "kernel_length": str(m)}, explain=explain)


# pool2d -------------------------------------------------------------------------------------

_POOL2D = ("image", "pool_size", "stride")
_POOLS = {"max": "max", "average": "mean", "min": "min", "sum": "sum"}


def _check_pool2d(params: dict) -> None:
    _names(params, "pool2d", _POOL2D)
    height, width = _table(params["image"], "image", 100)
    _whole(params["pool_size"], "pool_size", 1, min(height, width))
    _whole(params["stride"], "stride", 1, 100)


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
                f"Output size: floor(({height} − {size}) / {stride}) + 1 = {rows} rows, "
                f"floor(({width} − {size}) / {stride}) + 1 = {columns} columns."
            ]
            for r in range(rows):
                for c in range(columns):
                    lines.append(
                        f"Rows {r * stride + 1}–{r * stride + size}, columns {c * stride + 1}–{c * stride + size}: "
                        f"{word}({texts[r][c]}) = {formatting.plain(outputs[output][r][c])}"
                    )
            working[output] = lines
        return working

    return Computation(outputs, prompt_values={"image_height": str(height), "image_width": str(width)}, explain=explain)


# global_pool --------------------------------------------------------------------------------

_GLOBAL_POOL = ("feature_maps",)


def _check_global_pool(params: dict) -> None:
    _names(params, "global_pool", _GLOBAL_POOL)
    maps = params["feature_maps"]
    if not isinstance(maps, list) or not 1 <= len(maps) <= 64:
        raise ValueError("feature_maps: must be a list of 1 to 64 channels, each a table of numbers")
    shape = _table(maps[0], "feature_maps", 100)
    for channel in maps[1:]:
        if _table(channel, "feature_maps", 100) != shape:
            raise ValueError("feature_maps: every channel must have the same height and width")


def global_pool(params: dict) -> Computation:
    """Global average pooling, one value per channel; the sums and maxima are the mistakes."""
    _check_global_pool(params)
    maps = params["feature_maps"]
    floats = any(isinstance(v, float) for channel in maps for row in channel for v in row)
    values = np.array(maps, dtype=np.float64 if floats else np.int64)
    positions = values.shape[1] * values.shape[2]
    sums = values.sum(axis=(1, 2))
    outputs = {
        "average": (sums / positions).tolist(),
        "sums": sums.tolist(),
        "max": values.max(axis=(1, 2)).tolist(),
    }

    def explain() -> dict[str, list[str]]:
        n = formatting.plain
        flat = [channel.ravel().tolist() for channel in values]
        rows = list(enumerate(zip(flat, outputs["sums"], outputs["average"], outputs["max"], strict=True), start=1))
        return {
            "average": [
                f"Channel {c}: ({' + '.join(map(n, items))}) / {positions} = {n(total)}/{positions} ≈ {n(average)}"
                for c, (items, total, average, _) in rows
            ],
            "sums": [f"Channel {c}: {' + '.join(map(n, items))} = {n(total)}" for c, (items, total, _, _) in rows],
            "max": [f"Channel {c}: max({', '.join(map(n, items))}) = {n(top)}" for c, (items, _, _, top) in rows],
        }

    prompt_values = {
        "channel_count": str(len(maps)),
        "map_height": str(values.shape[1]),
        "map_width": str(values.shape[2]),
    }
    return Computation(outputs, prompt_values=prompt_values, explain=explain)


# dense_to_conv ------------------------------------------------------------------------------

_DENSE_TO_CONV = ("units", "map_height", "map_width", "map_channels")


def _check_dense_to_conv(params: dict) -> None:
    _names(params, "dense_to_conv", _DENSE_TO_CONV)
    _whole(params["units"], "units", 1, 100_000)
    _whole(params["map_height"], "map_height", 1, 1_000)
    _whole(params["map_width"], "map_width", 1, 1_000)
    _whole(params["map_channels"], "map_channels", 1, 100_000)


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
    working = {
        "filters": [f"Each of the {units} units becomes one filter, so the layer has {units} filters."],
        "kernel_size": [
            f"Each unit sees the whole {height}×{width}×{channels} feature map, so each filter must cover it "
            f"all: a {height}×{width} kernel (across all {channels} channels)."
        ],
        "padding": [
            f'With "valid" padding the {height}×{width} kernel fits the map exactly once: each filter '
            "outputs a single value, like its unit."
        ],
    }
    return Computation(outputs, working, {"map_size": f"{height}×{width}×{channels}"})


# Registry -----------------------------------------------------------------------------------

CALCULATORS: dict[str, Callable[[dict], Computation]] = {
    "conv_stack": conv_stack,
    "conv1d": conv1d,
    "pool2d": pool2d,
    "global_pool": global_pool,
    "dense_to_conv": dense_to_conv,
}

_CHECKS: dict[str, Callable[[dict], None]] = {
    "conv_stack": _check_conv_stack,
    "conv1d": _check_conv1d,
    "pool2d": _check_pool2d,
    "global_pool": _check_global_pool,
    "dense_to_conv": _check_dense_to_conv,
}


def _known(calculator: str) -> None:
    if calculator not in CALCULATORS:
        raise ValueError(f"calculator: unknown {calculator!r}; choose one of {', '.join(CALCULATORS)}")


def validate_params(calculator: str, params: dict) -> None:
    """Refuse parameters the calculator cannot use; the message names the parameter."""
    _known(calculator)
    _CHECKS[calculator](params)


def compute(calculator: str, params: dict) -> Computation:
    """The calculator's outputs for these parameters, cached: the same object for equal
    parameters, so treat it as read-only."""
    _known(calculator)
    try:
        key = json.dumps(params, sort_keys=True, separators=(",", ":"), allow_nan=False)
    except (TypeError, ValueError):
        # Name the parameter when the calculator's own check can; NaN, for one, is not JSON.
        _CHECKS[calculator](params)
        raise ValueError("params: must be plain data (numbers, text, lists, mappings)") from None
    return _compute(calculator, key)


@lru_cache(maxsize=4096)
def _compute(calculator: str, key: str) -> Computation:
    # Parsing the key back gives the calculator its own copy of the parameters.
    return CALCULATORS[calculator](json.loads(key))
