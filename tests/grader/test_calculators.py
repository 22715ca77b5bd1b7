"""The calculators against the question bank's numbers and an independent plain-Python version."""

import json
import math
import pkgutil

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

import grader.calculators
from grader import CALCULATORS, compute, validate_params
from tests.grader.bank import questions

Q2 = questions()["q2"]["params"]
MB = 1_000_000


def test_every_calculator_named_in_the_bank_exists():
    named = {q["calculator"] for q in questions().values() if q.get("calculator")}
    assert named == set(CALCULATORS)


# conv_stack: the bank's q2 -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("output", "expected"),
    [
        ("parameters", 2_800 + 180_200 + 720_400),
        ("parameters_no_bias", 902_700),
        ("prediction_bytes", 12_613_600),
        ("prediction_bytes_no_params", 9 * MB),
        ("training_bytes", 565_613_600),
        ("training_bytes_no_params", 562_000_000),
        ("training_bytes_no_inputs", 529_613_600),
    ],
)
def test_conv_stack_exact_figures_of_the_bank(output, expected):
    assert compute("conv_stack", Q2).outputs[output] == expected


@pytest.mark.parametrize(
    ("output", "megabytes"),
    [
        ("prediction_bytes", 12.6),
        ("prediction_bytes_all_layers", 6 + 3 + 1.52 + 3.6136),
        ("prediction_bytes_all_layers_with_input", 14.9),
        ("training_bytes", 565.6),
        ("training_bytes_no_inputs", 529.6),
        ("training_bytes_no_params", 562.0),
        ("training_bytes_prediction_times_batch", 630.68),
    ],
)
def test_conv_stack_sizes_round_to_the_banks_megabytes(output, megabytes):
    assert math.isclose(compute("conv_stack", Q2).outputs[output] / MB, megabytes, rel_tol=0.005)


def test_conv_stack_layer_shapes_follow_keras_same_padding():
    shapes = compute("conv_stack", Q2).outputs["layer_shapes"]
    assert shapes == [[200, 300, 3], [100, 150, 100], [50, 75, 200], [25, 38, 400]]


def test_conv_stack_valid_padding_shrinks_by_the_kernel():
    params = {**Q2, "padding": "valid"}
    shapes = compute("conv_stack", params).outputs["layer_shapes"]
    # floor((200 − 3) / 2) + 1 = 99, floor((300 − 3) / 2) + 1 = 149, and so on.
    assert shapes[1][:2] == [99, 149]
    assert shapes[2][:2] == [49, 74]
    assert shapes[3][:2] == [24, 36]


def test_conv_stack_prompt_values():
    values = compute("conv_stack", Q2).prompt_values
    assert values == {
        "layer_count": "3",
        "layers_text": "3 convolutional layers",
        "filters_text": "100, 200 and 400",
        "image_kind": "RGB images",
        "float_bits": "32",
    }
    gray = compute("conv_stack", {**Q2, "input_channels": 1, "filters": [64], "bytes_per_value": 8}).prompt_values
    assert (gray["image_kind"], gray["filters_text"], gray["layers_text"], gray["float_bits"]) == (
        "grayscale images",
        "64",
        "1 convolutional layer",
        "64",
    )


def test_conv_stack_working_shows_the_terms_of_the_sums():
    working = compute("conv_stack", Q2).working
    assert "Total: 2,800 + 180,200 + 720,400 = 903,400 parameters." in working["parameters"]
    assert any("25×38×400" in line for line in working["prediction_bytes"])
    assert working["prediction_bytes"][-1] == "Total: 9,000,000 + 3,613,600 = 12,613,600 B."
    assert working["training_bytes"][-1] == "Total: 526,000,000 + 36,000,000 + 3,613,600 = 565,613,600 B."


# conv1d, pool2d, global_pool, dense_to_conv: the bank's q3, q4, q5, q8 -----------------------


def test_conv1d_seed():
    outputs = compute("conv1d", questions()["q3"]["params"]).outputs
    assert outputs["valid"] == [2] * 6
    assert outputs["same"] == [2] * 7 + [-7]
    assert outputs["valid_flipped"] == [-2] * 6
    assert outputs["same_flipped"] == [-2] * 7 + [7]


@pytest.mark.parametrize(
    ("sequence", "kernel", "stride", "valid", "same"),
    [
        # Keras "same" with stride 2: ceil(5 / 2) = 3 outputs, p = max(2·2 + 3 − 5, 0) = 2, one zero each side.
        ([1, 2, 3, 4, 5], [1, 1, 1], 2, [6, 12], [3, 9, 9]),
        # An even kernel puts the extra zero on the right: p = 1, none on the left.
        ([1, 2, 3], [1, 10], 1, [21, 32], [21, 32, 3]),
        # A kernel of one never pads.
        ([4, -5, 6], [2], 1, [8, -10, 12], [8, -10, 12]),
        # Stride larger than needed: ceil(4 / 3) = 2 outputs, p = max(3 + 2 − 4, 0) = 1.
        ([1, 2, 3, 4], [1, -1], 3, [-1], [-1, 4]),
    ],
)
def test_conv1d_keras_padding_cases(sequence, kernel, stride, valid, same):
    outputs = compute("conv1d", {"sequence": sequence, "kernel": kernel, "stride": stride}).outputs
    assert outputs["valid"] == valid
    assert outputs["same"] == same


def test_conv1d_working_shows_the_padded_sequence():
    working = compute("conv1d", questions()["q3"]["params"]).working
    assert "Padded sequence: (0, 1, 2, 3, 4, 5, 6, 7, 8, 0)." in working["same"]
    assert working["valid"][0] == r"Output length: $\left\lfloor \frac{8 - 3}{1} \right\rfloor + 1 = 6$."


def test_pool2d_seed():
    outputs = compute("pool2d", questions()["q4"]["params"]).outputs
    assert outputs["max"] == [[5, 6], [10, 9]]
    assert outputs["min"] == [[1, -2], [0, -3]]
    expected = [[3, 1.5], [6.25, 2.25]]
    for row, want in zip(outputs["average"], expected, strict=True):
        assert all(math.isclose(a, b) for a, b in zip(row, want, strict=True))


def test_global_pool_seed():
    computation = compute("global_pool", questions()["q5"]["params"])
    average = computation.outputs["average"]
    assert math.isclose(average[0], 34 / 9) and math.isclose(average[1], 11 / 9)
    assert computation.outputs["sums"] == [34, 11]
    assert computation.outputs["max"] == [10, 3]
    assert computation.prompt_values["channel_count"] == "2"


def test_dense_to_conv_seed():
    outputs = compute("dense_to_conv", questions()["q8"]["params"]).outputs
    assert outputs == {
        "filters": 200,
        "filters_input_channels": 512,
        "filters_flattened_inputs": 25_088,
        "kernel_size": [7, 7],
        "kernel_size_with_depth": [7, 7, 512],
        "kernel_side": [7],
        "padding": "valid",
    }


# Parameters ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("calculator", "change", "named"),
    [
        ("conv_stack", {"kernel_size": 0}, "kernel_size"),
        ("conv_stack", {"kernel_size": 2.5}, "kernel_size"),
        ("conv_stack", {"stride": True}, "stride"),
        ("conv_stack", {"padding": "full"}, "padding"),
        ("conv_stack", {"filters": []}, "filters"),
        ("conv_stack", {"filters": [100, -1]}, "filters"),
        ("conv_stack", {"bytes_per_value": 3}, "bytes_per_value"),
        ("conv_stack", {"batch_size": "50"}, "batch_size"),
        ("conv_stack", {"colour": "red"}, "colour"),
        ("conv_stack", {"padding": "valid", "input_height": 9, "kernel_size": 5}, "input_height"),
        ("conv1d", {"kernel": [1] * 9}, "kernel"),
        ("conv1d", {"sequence": [1, float("nan")]}, "sequence"),
        ("conv1d", {"sequence": []}, "sequence"),
        ("conv1d", {"stride": 0}, "stride"),
        ("pool2d", {"pool_size": 5}, "pool_size"),
        ("pool2d", {"image": [[1, 2], [3]]}, "image"),
        ("pool2d", {"image": [1, 2, 3]}, "image"),
        ("global_pool", {"feature_maps": [[[1, 2]], [[1, 2, 3]]]}, "feature_maps"),
        ("dense_to_conv", {"units": 0}, "units"),
    ],
)
def test_bad_parameters_are_refused_by_name(calculator, change, named):
    question = next(q for q in questions().values() if q.get("calculator") == calculator)
    params = {**question["params"], **change}
    with pytest.raises(ValueError, match=named):
        validate_params(calculator, params)
    with pytest.raises(ValueError, match=named):
        compute(calculator, params)


def test_a_missing_parameter_is_named():
    params = dict(Q2)
    del params["batch_size"]
    with pytest.raises(ValueError, match="batch_size: missing"):
        validate_params("conv_stack", params)


def test_unknown_calculator_is_refused():
    with pytest.raises(ValueError, match="unknown"):
        compute("conv3d", {})


def test_compute_is_cached_by_value_not_by_dict():
    first = compute("conv_stack", dict(Q2))
    again = compute("conv_stack", json.loads(json.dumps(Q2)))
    assert first is again
    assert compute("conv_stack", {**Q2, "batch_size": 51}) is not first


def test_outputs_are_plain_json_types():
    for question in questions().values():
        if not question.get("calculator"):
            continue
        computation = compute(question["calculator"], question["params"])
        assert json.loads(json.dumps(computation.outputs)) == computation.outputs
        _assert_plain(computation.outputs)


def _assert_plain(value):
    if isinstance(value, dict):
        for item in value.values():
            _assert_plain(item)
    elif isinstance(value, list):
        for item in value:
            _assert_plain(item)
    else:
        assert type(value) in (int, float, str), type(value)


# Against an independent plain-Python implementation -------------------------------------------


def reference_conv_stack(p: dict) -> dict:
    k, s, b, n = p["kernel_size"], p["stride"], p["bytes_per_value"], p["batch_size"]
    h, w, c = p["input_height"], p["input_width"], p["input_channels"]
    sizes = [h * w * c * b]
    parameters = no_bias = 0
    for filters in p["filters"]:
        if p["padding"] == "same":
            h, w = math.ceil(h / s), math.ceil(w / s)
        else:
            h, w = (h - k) // s + 1, (w - k) // s + 1
        parameters += (k * k * c + 1) * filters
        no_bias += k * k * c * filters
        c = filters
        sizes.append(h * w * c * b)
    two_layers = max(sizes[i] + sizes[i + 1] for i in range(len(sizes) - 1))
    return {
        "parameters": parameters,
        "parameters_no_bias": no_bias,
        "prediction_bytes": two_layers + parameters * b,
        "prediction_bytes_all_layers": sum(sizes[1:]) + parameters * b,
        "prediction_bytes_all_layers_with_input": sum(sizes) + parameters * b,
        "prediction_bytes_no_params": two_layers,
        "training_bytes": n * sum(sizes) + parameters * b,
        "training_bytes_no_inputs": n * sum(sizes[1:]) + parameters * b,
        "training_bytes_no_params": n * sum(sizes),
        "training_bytes_prediction_times_batch": n * (two_layers + parameters * b),
    }


conv_stack_params = st.fixed_dictionaries(
    {
        "input_height": st.integers(1, 600),
        "input_width": st.integers(1, 600),
        "input_channels": st.integers(1, 8),
        "kernel_size": st.integers(1, 7),
        "stride": st.integers(1, 4),
        "padding": st.sampled_from(["same", "valid"]),
        "filters": st.lists(st.integers(1, 600), min_size=1, max_size=5),
        "bytes_per_value": st.sampled_from([1, 2, 4, 8]),
        "batch_size": st.integers(1, 300),
    }
)


def _fits(p: dict) -> bool:
    if p["padding"] == "same":
        return True
    h, w = p["input_height"], p["input_width"]
    for _ in p["filters"]:
        if min(h, w) < p["kernel_size"]:
            return False
        h, w = (h - p["kernel_size"]) // p["stride"] + 1, (w - p["kernel_size"]) // p["stride"] + 1
    return True


@given(conv_stack_params)
def test_conv_stack_matches_plain_python(params):
    assume(_fits(params))
    outputs = compute("conv_stack", params).outputs
    for name, value in reference_conv_stack(params).items():
        assert outputs[name] == value, name


@given(conv_stack_params)
def test_conv_stack_refuses_exactly_the_stacks_that_do_not_fit(params):
    if _fits(params):
        validate_params("conv_stack", params)
    else:
        with pytest.raises(ValueError):
            validate_params("conv_stack", params)


def reference_conv1d(sequence: list, kernel: list, stride: int, padding: str) -> list:
    n, k = len(sequence), len(kernel)
    if padding == "valid":
        count, left = (n - k) // stride + 1, 0
    else:
        count = math.ceil(n / stride)
        left = max((count - 1) * stride + k - n, 0) // 2

    def at(index):
        return sequence[index] if 0 <= index < n else 0

    return [sum(at(i * stride + j - left) * kernel[j] for j in range(k)) for i in range(count)]


@st.composite
def conv1d_params(draw):
    sequence = draw(st.lists(st.integers(-9, 9), min_size=1, max_size=15))
    kernel = draw(st.lists(st.integers(-9, 9), min_size=1, max_size=len(sequence)))
    return {"sequence": sequence, "kernel": kernel, "stride": draw(st.integers(1, 4))}


@given(conv1d_params())
def test_conv1d_matches_plain_python(params):
    outputs = compute("conv1d", params).outputs
    sequence, kernel, stride = params["sequence"], params["kernel"], params["stride"]
    assert outputs["valid"] == reference_conv1d(sequence, kernel, stride, "valid")
    assert outputs["same"] == reference_conv1d(sequence, kernel, stride, "same")
    assert outputs["valid_flipped"] == reference_conv1d(sequence, kernel[::-1], stride, "valid")
    assert outputs["same_flipped"] == reference_conv1d(sequence, kernel[::-1], stride, "same")
    assert len(outputs["same"]) == math.ceil(len(sequence) / stride)


@st.composite
def pool2d_params(draw):
    height, width = draw(st.integers(1, 9)), draw(st.integers(1, 9))
    image = [[draw(st.integers(-9, 20)) for _ in range(width)] for _ in range(height)]
    return {"image": image, "pool_size": draw(st.integers(1, min(height, width))), "stride": draw(st.integers(1, 4))}


@given(pool2d_params())
def test_pool2d_matches_plain_python(params):
    image, k, s = params["image"], params["pool_size"], params["stride"]
    rows, columns = (len(image) - k) // s + 1, (len(image[0]) - k) // s + 1
    windows = [
        [[image[r * s + i][c * s + j] for i in range(k) for j in range(k)] for c in range(columns)] for r in range(rows)
    ]
    outputs = compute("pool2d", params).outputs
    assert outputs["max"] == [[max(w) for w in row] for row in windows]
    assert outputs["min"] == [[min(w) for w in row] for row in windows]
    for got_row, row in zip(outputs["average"], windows, strict=True):
        for got, window in zip(got_row, row, strict=True):
            assert math.isclose(got, sum(window) / len(window))


@given(
    st.integers(1, 4).flatmap(
        lambda channels: st.tuples(st.integers(1, 5), st.integers(1, 5)).flatmap(
            lambda size: st.lists(
                st.lists(
                    st.lists(st.integers(0, 10), min_size=size[1], max_size=size[1]), min_size=size[0], max_size=size[0]
                ),
                min_size=channels,
                max_size=channels,
            )
        )
    )
)
def test_global_pool_matches_plain_python(maps):
    outputs = compute("global_pool", {"feature_maps": maps}).outputs
    flat = [[v for row in channel for v in row] for channel in maps]
    assert outputs["sums"] == [sum(values) for values in flat]
    assert outputs["max"] == [max(values) for values in flat]
    for got, values in zip(outputs["average"], flat, strict=True):
        assert math.isclose(got, sum(values) / len(values))


def test_every_calculator_module_is_registered_once_under_its_own_name():
    modules = {info.name for info in pkgutil.iter_modules(grader.calculators.__path__)} - {"base"}
    assert set(CALCULATORS) == modules
    for name, calculator in CALCULATORS.items():
        assert calculator.name == name
        assert calculator.ranges, f"{name} has nothing to randomize"
