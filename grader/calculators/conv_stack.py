"""A stack of 2-D convolutional layers: shapes, parameter count, memory for a prediction and for training."""

import random

from grader import formatting
from grader.calculators.base import TRIES, Calculator, Computation, Draw, check_names, one_of, pick, whole
from grader.messages import gettext as _

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
    check_names(params, "conv_stack", CONV_STACK_PARAMS)
    whole(params["input_height"], "input_height", 1, 10_000)
    whole(params["input_width"], "input_width", 1, 10_000)
    whole(params["input_channels"], "input_channels", 1, 10_000)
    whole(params["kernel_size"], "kernel_size", 1, 1_000)
    whole(params["stride"], "stride", 1, 1_000)
    one_of(params["padding"], "padding", PADDINGS)
    filters = params["filters"]
    if not isinstance(filters, list) or not 1 <= len(filters) <= 20:
        raise ValueError(_("filters: must be a list of 1 to 20 layers' filter counts"))
    for count in filters:
        whole(count, "filters", 1, 10_000)
    one_of(params["bytes_per_value"], "bytes_per_value", BYTES_PER_VALUE)
    whole(params["batch_size"], "batch_size", 1, 10_000)
    if params["padding"] == "valid":
        for name in ("input_height", "input_width"):
            sizes = _layer_sizes(params[name], params["kernel_size"], params["stride"], "valid", len(filters))
            if len(sizes) <= len(filters):
                problem = _('{name}: with "valid" padding the {kernel}-wide kernel no longer fits at layer {layer}')
                raise ValueError(problem.format(name=name, kernel=params["kernel_size"], layer=len(sizes)))


def _layer_sizes(size: int, kernel: int, stride: int, padding: str, layers: int) -> list[int]:
    """The size along one axis at the input and after each layer (Keras' rules); shorter
    than layers + 1 when a "valid" kernel stops fitting."""
    sizes = [size]
    for _layer in range(layers):
        if padding == "same":
            size = -(-size // stride)
        elif size >= kernel:
            size = (size - kernel) // stride + 1
        else:
            break
        sizes.append(size)
    return sizes


def _size_formula(size: int, kernel: int, stride: int, padding: str) -> str:
    """The output size's formula with these numbers, in LaTeX (typeset where it is shown)."""
    if padding == "same":
        return f"$\\left\\lceil \\frac{{{size}}}{{{stride}}} \\right\\rceil$"
    return f"$\\left(\\left\\lfloor \\frac{{{size} - {kernel}}}{{{stride}}} \\right\\rfloor + 1\\right)$"


def conv_stack(params: dict) -> Computation:
    """A stack of 2-D convolutional layers sharing kernel, stride and padding: parameter
    count and the memory for a prediction and for training, in bytes."""
    _check_conv_stack(params)
    kernel, stride, padding = params["kernel_size"], params["stride"], params["padding"]
    filters = params["filters"]
    value_bytes, batch = params["bytes_per_value"], params["batch_size"]
    heights = _layer_sizes(params["input_height"], kernel, stride, padding, len(filters))
    widths = _layer_sizes(params["input_width"], kernel, stride, padding, len(filters))
    # Plain integers: a stack has a few layers, too few for numpy to pay for itself.
    channels = [params["input_channels"], *filters]
    values = [h * w * c for h, w, c in zip(heights, widths, channels, strict=True)]
    weights = [kernel * kernel * c_in * c_out for c_in, c_out in zip(channels[:-1], channels[1:], strict=True)]
    per_layer = [weight + c_out for weight, c_out in zip(weights, channels[1:], strict=True)]
    parameters = sum(per_layer)
    layer_bytes = [count * value_bytes for count in values]
    pairs = [first + second for first, second in zip(layer_bytes[:-1], layer_bytes[1:], strict=True)]
    peak = max(pairs)
    peak_pair = pairs.index(peak)
    hidden = sum(layer_bytes[1:])
    input_bytes = layer_bytes[0]
    parameter_bytes = parameters * value_bytes
    prediction = peak + parameter_bytes
    training = batch * (hidden + input_bytes) + parameter_bytes
    outputs = {
        "layer_shapes": [[h, w, c] for h, w, c in zip(heights, widths, channels, strict=True)],
        "parameters": parameters,
        "parameters_no_bias": sum(weights),
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

    image_kind = {1: "grayscale images", 3: "RGB images"}.get(channels[0], f"{channels[0]}-channel images")

    def explain() -> dict[str, list[str]]:
        n = formatting.integer
        names = [_("the input"), *(_("layer {number}").format(number=i) for i in range(1, len(filters) + 1))]
        labels = [_("Input"), *(_("Layer {number}").format(number=i) for i in range(1, len(filters) + 1))]
        kinds = {1: _("grayscale images"), 3: _("RGB images")}
        kind = kinds.get(int(channels[0])) or _("{count}-channel images").format(count=channels[0])
        shapes = [_("Input: {shape} ({kind}).").format(shape=f"{heights[0]}×{widths[0]}×{channels[0]}", kind=kind)]
        for i in range(1, len(heights)):
            height = _size_formula(heights[i - 1], kernel, stride, padding)
            width = _size_formula(widths[i - 1], kernel, stride, padding)
            layer = _("Layer {number} ({padding} padding): {formula} = {size}, with {maps} feature maps: {shape}.")
            shapes.append(
                layer.format(
                    number=i,
                    padding=padding,
                    formula=f"{height} × {width}",
                    size=f"{heights[i]}×{widths[i]}",
                    maps=channels[i],
                    shape=f"{heights[i]}×{widths[i]}×{channels[i]}",
                )
            )
        sizes = [
            _("{label}: {shape} values × {bytes} B = {total} B.").format(
                label=label, shape=f"{h}×{w}×{c}", bytes=value_bytes, total=n(b)
            )
            for label, h, w, c, b in zip(labels, heights, widths, channels, layer_bytes, strict=True)
        ]
        parameter_lines = [
            _("Layer {number}: {formula} = {count}.").format(
                number=i, formula=f"({kernel}×{kernel}×{c_in} + 1)×{c_out}", count=n(count)
            )
            for i, (c_in, c_out, count) in enumerate(
                zip(channels[:-1], channels[1:], per_layer, strict=True), start=1
            )
        ]
        terms = " + ".join(n(count) for count in per_layer)
        total = f"{terms} = {n(parameters)}" if len(filters) > 1 else n(parameters)
        parameter_lines.append(_("Total: {total} parameters.").format(total=total))
        parameter_memory = _("Parameters: {formula} = {total} B.").format(
            formula=f"{n(parameters)} × {value_bytes} B", total=n(parameter_bytes)
        )
        pair_sum = f"{n(int(layer_bytes[peak_pair]))} + {n(int(layer_bytes[peak_pair + 1]))} = {n(peak)} B"
        kept = " + ".join(n(b) for b in layer_bytes[1:]) + " = " if len(filters) > 1 else ""
        prediction_lines = [
            *shapes,
            *sizes,
            _(
                "Only two consecutive layers need to be in memory at once (the input counts as layer 0); "
                "the largest pair is {first} and {second}: {sum}."
            ).format(first=names[peak_pair], second=names[peak_pair + 1], sum=pair_sum),
            parameter_memory,
            _("Total: {sum} B.").format(sum=f"{n(peak)} + {n(parameter_bytes)} = {n(prediction)}"),
        ]
        training_lines = [
            *shapes,
            *sizes,
            _("Training keeps every layer's output for backpropagation: {sum} B per image.").format(
                sum=f"{kept}{n(hidden)}"
            ),
            _("For the mini-batch: {sum} B.").format(sum=f"{batch} × {n(hidden)} B = {n(batch * hidden)}"),
            _("Input images: {sum} B.").format(sum=f"{batch} × {n(input_bytes)} B = {n(batch * input_bytes)}"),
            parameter_memory,
            _("Total: {sum} B.").format(
                sum=f"{n(batch * hidden)} + {n(batch * input_bytes)} + {n(parameter_bytes)} = {n(training)}"
            ),
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


# Random variants ----------------------------------------------------------------------------

RANGES: dict[str, range | tuple] = {
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
}


def _draw_conv_stack(rng: random.Random, base: dict, ranges: dict[str, Draw]) -> dict:
    for _attempt in range(TRIES):
        params = dict(base)
        for name in CONV_STACK_PARAMS:
            if name == "filters":
                continue  # drawn below, one count per layer
            if name in ranges:
                params[name] = pick(rng, ranges[name])
        count = pick(rng, ranges["layer_count"]) if "layer_count" in ranges else len(base["filters"])
        if "filters" in ranges:
            params["filters"] = [pick(rng, ranges["filters"]) for _ in range(count)]
        else:
            params["filters"] = [base["filters"][i % len(base["filters"])] for i in range(count)]
        try:
            _check_conv_stack(params)
        except ValueError:
            continue
        return params
    # Ranges that (almost) never fit: keep the question's own, valid, numbers.
    return base


CALCULATOR = Calculator("conv_stack", compute=conv_stack, check=_check_conv_stack, ranges=RANGES, draw=_draw_conv_stack)
