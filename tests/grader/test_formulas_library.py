"""The formula library against PyTorch (an independent computation) and hand-checked tables."""

import math

import pytest
import torch
import torch.nn.functional as F
from hypothesis import given
from hypothesis import strategies as st

from grader.formulas import MAX_INTEGER, FormulaError
from grader.formulas import library as lib
from grader.formulas.library import LIBRARY

VALUES = st.integers(-9, 9)


def vectors(low=1, high=12):
    return st.lists(VALUES, min_size=low, max_size=high)


def matrices(low=1, high=7):
    return st.integers(low, high).flatmap(
        lambda rows: st.integers(low, high).flatmap(
            lambda cols: st.lists(st.lists(VALUES, min_size=cols, max_size=cols), min_size=rows, max_size=rows)
        )
    )


def tensor(values) -> torch.Tensor:
    return torch.tensor(values, dtype=torch.float64)


def assert_same(ours, theirs: torch.Tensor) -> None:
    expected = theirs.tolist()
    assert torch.allclose(tensor(ours), tensor(expected), rtol=1e-12, atol=1e-12), (ours, expected)


def test_the_library_has_every_function_of_the_contract():
    contract = (
        "floor ceil round abs min max sum prod sqrt log2 len flip conv_output_size conv1d conv2d max_pool2d "
        "avg_pool2d global_avg_pool global_max_pool conv2d_params dense_params"
    ).split()
    assert set(contract) <= set(LIBRARY)


# Numbers ------------------------------------------------------------------------------------


@given(st.lists(st.floats(-1e6, 1e6, allow_nan=False), min_size=1, max_size=10))
def test_rounding_and_abs_agree_with_torch_element_by_element(values):
    x = tensor(values)
    assert lib.floor(values) == torch.floor(x).long().tolist()
    assert lib.ceil(values) == torch.ceil(x).long().tolist()
    assert lib.round(values) == torch.round(x).long().tolist()
    assert lib.abs(values) == torch.abs(x).tolist()
    assert lib.round(values, 2) == pytest.approx(torch.round(x, decimals=2).tolist(), abs=1e-9)


def test_rounding_gives_whole_numbers_and_halves_go_to_even():
    assert (lib.floor(2.7), lib.ceil(2.1), lib.round(2.5), lib.round(3.5), lib.round(-2.5)) == (2, 3, 2, 4, -2)
    assert all(type(value) is int for value in (lib.floor(2.7), lib.ceil(2.1), lib.round(2.5)))
    assert lib.round(3.14159, 2) == 3.14
    assert lib.floor([[1.5, -1.5]]) == [[1, -2]]


@given(st.lists(st.floats(1e-6, 1e6), min_size=1, max_size=10))
def test_sqrt_and_log2_agree_with_torch(values):
    x = tensor(values)
    assert_same(lib.sqrt(values), torch.sqrt(x))
    assert_same(lib.log2(values), torch.log2(x))


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: lib.sqrt(-4), "sqrt: the square root of a negative number (-4) is not real"),
        (lambda: lib.log2(0), "log2: the logarithm needs a positive number, not 0"),
        (lambda: lib.floor("3"), "floor: needs a number or a list of numbers, not text"),
        (lambda: lib.floor(1e300), "too large"),
    ],
)
def test_numbers_out_of_a_functions_domain_are_refused_with_a_message(call, message):
    with pytest.raises(FormulaError, match=message.replace("(", r"\(").replace(")", r"\)")):
        call()


@given(matrices())
def test_reductions_agree_with_torch_over_every_value(matrix):
    x = torch.tensor(matrix, dtype=torch.int64)
    assert lib.sum(matrix) == int(x.sum())
    product = math.prod(v for row in matrix for v in row)  # torch's int64 would wrap silently
    if abs(product) <= MAX_INTEGER:
        assert lib.prod(matrix) == int(x.prod()) == product
    else:
        with pytest.raises(FormulaError, match="too large"):
            lib.prod(matrix)
    assert lib.min(matrix) == int(x.min())
    assert lib.max(matrix) == int(x.max())
    assert lib.len(matrix) == x.shape[0]
    assert lib.flip(matrix) == torch.flip(x, dims=(0, 1)).tolist()


def test_min_and_max_take_several_numbers_or_one_list():
    assert (lib.max(3, 7, 5), lib.min(3, 7, 5), lib.max([3, 7, 5]), lib.min([[4, 2], [8, 1]])) == (7, 3, 7, 1)
    assert (lib.sum([1, 2.5]), lib.prod([2, 3, 4]), lib.len([[1, 2, 3]]), lib.flip([1, 2, 3])) == (
        3.5,
        24,
        1,
        [3, 2, 1],
    )
    with pytest.raises(FormulaError, match="max: with several arguments each must be a number"):
        lib.max(1, [2])
    with pytest.raises(FormulaError, match="sum: the list is empty"):
        lib.sum([])


def test_flip_reverses_every_axis_of_channels_too():
    channels = [[[1, 2], [3, 4]], [[5, 6], [7, 8]]]
    assert lib.flip(channels) == torch.flip(torch.tensor(channels), dims=(0, 1, 2)).tolist()


# Sizes and counts ---------------------------------------------------------------------------


@pytest.mark.parametrize("n", range(1, 13))
@pytest.mark.parametrize("k", range(1, 6))
@pytest.mark.parametrize("stride", [1, 2, 3])
@pytest.mark.parametrize("padding", [0, 1, 2])
@pytest.mark.parametrize("dilation", [1, 2])
def test_conv_output_size_agrees_with_torch(n, k, stride, padding, dilation):
    ours = lib.conv_output_size(n, k, stride, padding, dilation)
    try:
        out = F.conv1d(torch.zeros(1, 1, n), torch.zeros(1, 1, k), stride=stride, padding=padding, dilation=dilation)
    except RuntimeError:
        # PyTorch refuses a kernel that does not fit; the formula says so with a size below 1.
        assert ours < 1
    else:
        assert ours == out.shape[-1]
    if padding == 0:
        assert lib.conv_output_size(n, k, stride, "valid", dilation) == ours


@pytest.mark.parametrize(
    ("n", "stride", "expected"),
    # Keras "same": lib.ceil(n / stride), whatever the kernel or dilation.
    [(7, 1, 7), (7, 2, 4), (8, 2, 4), (8, 3, 3), (200, 2, 100), (75, 2, 38), (1, 5, 1)],
)
def test_conv_output_size_same_is_keras_ceil(n, stride, expected):
    assert lib.conv_output_size(n, 3, stride, "same") == expected
    assert lib.conv_output_size(n, 5, stride=stride, padding="same", dilation=2) == expected


def test_conv_output_size_refuses_nonsense_with_a_message():
    with pytest.raises(FormulaError, match="conv_output_size: stride must be a whole number from 1, not 0"):
        lib.conv_output_size(8, 3, 0)
    with pytest.raises(FormulaError, match='padding must be "valid", "same" or a whole number'):
        lib.conv_output_size(8, 3, 1, "full")


@pytest.mark.parametrize(("c_in", "c_out", "k"), [(3, 16, 3), (1, 1, 1), (64, 128, 5), (3, 8, [3, 5]), (16, 4, [1, 7])])
@pytest.mark.parametrize("bias", [True, False])
def test_parameter_counts_agree_with_torch_layers(c_in, c_out, k, bias):
    kernel = tuple(k) if isinstance(k, list) else k
    conv = torch.nn.Conv2d(c_in, c_out, kernel, bias=bias)
    assert lib.conv2d_params(c_in, c_out, k, bias) == sum_numel(conv)
    dense = torch.nn.Linear(c_in * 10, c_out, bias=bias)
    assert lib.dense_params(c_in * 10, c_out, bias) == sum_numel(dense)


def sum_numel(module: torch.nn.Module) -> int:
    return sum(p.numel() for p in module.parameters())


def test_parameter_counts_of_the_banks_stack_by_hand():
    # (3·3·3 + 1)·100, (3·3·100 + 1)·200, (3·3·200 + 1)·400: the seed's 903,400 in all.
    assert lib.conv2d_params(3, 100, 3) + lib.conv2d_params(100, 200, 3) + lib.conv2d_params(200, 400, 3) == 903_400
    assert lib.conv2d_params(3, 100, 3, False) == 2_700
    assert lib.dense_params(7 * 7 * 512, 200) == 5_017_800
    with pytest.raises(FormulaError, match="conv2d_params: bias must be True or False, not 1"):
        lib.conv2d_params(3, 100, 3, 1)


# Convolution --------------------------------------------------------------------------------


@given(vectors(), vectors(1, 5), st.integers(1, 3), st.integers(0, 2))
def test_conv1d_agrees_with_torch_with_padding_and_stride(x, k, stride, padding):
    if len(k) > len(x) + 2 * padding:
        with pytest.raises(FormulaError, match="longer than the padded input"):
            lib.conv1d(x, k, stride, padding)
        return
    theirs = F.conv1d(tensor(x)[None, None], tensor(k)[None, None], stride=stride, padding=padding)[0, 0]
    ours = lib.conv1d(x, k, stride, padding)
    assert ours == [int(v) for v in theirs.tolist()]
    assert all(type(v) is int for v in ours)
    if padding == 0:
        assert lib.conv1d(x, k, stride) == ours


# PyTorch warns that an even kernel makes it copy the input: true, and harmless here.
@pytest.mark.filterwarnings("ignore:Using padding='same'")
@given(vectors(), vectors(1, 5))
def test_conv1d_same_with_stride_1_agrees_with_torch_same(x, k):
    theirs = F.conv1d(tensor(x)[None, None], tensor(k)[None, None], padding="same")[0, 0]
    assert lib.conv1d(x, k, 1, "same") == [int(v) for v in theirs.tolist()]


@pytest.mark.parametrize(
    ("x", "k", "stride", "expected"),
    [
        # The bank's q3: padded (0, 1, …, 8, 0), the extra zero at the end.
        ([1, 2, 3, 4, 5, 6, 7, 8], [-1, 0, 1], 1, [2, 2, 2, 2, 2, 2, 2, -7]),
        # Stride 2: 4 outputs, total padding max((4 − 1)·2 + 3 − 8, 0) = 1, all at the end.
        ([1, 2, 3, 4, 5, 6, 7, 8], [-1, 0, 1], 2, [2, 2, 2, -7]),
        # Even kernel, 5 inputs: total padding 1, at the end: windows (1,2), (2,3), …, (5,0).
        ([1, 2, 3, 4, 5], [1, 1], 1, [3, 5, 7, 9, 5]),
        # Stride 3 on 7 inputs: 3 outputs, padding max(2·3 + 3 − 7, 0) = 2, one each side.
        ([1, 2, 3, 4, 5, 6, 7], [1, 1, 1], 3, [3, 12, 13]),
    ],
)
def test_conv1d_same_pads_as_keras_by_hand(x, k, stride, expected):
    assert lib.conv1d(x, k, stride, "same") == expected


def test_conv1d_is_cross_correlation_and_flip_gives_true_convolution():
    x, k = [1, 2, 3, 4, 5, 6, 7, 8], [-1, 0, 1]
    assert lib.conv1d(x, k) == [2] * 6
    assert lib.conv1d(x, lib.flip(k)) == [-2] * 6
    assert lib.conv1d([0.5, 1.5], [2]) == [1.0, 3.0]


@given(matrices(2, 7), matrices(1, 3), st.integers(1, 3), st.integers(0, 1))
def test_conv2d_agrees_with_torch(x, k, stride, padding):
    rows, cols = len(x) + 2 * padding, len(x[0]) + 2 * padding
    if len(k) > rows or len(k[0]) > cols:
        with pytest.raises(FormulaError, match="larger than the padded input"):
            lib.conv2d(x, k, stride, padding)
        return
    theirs = F.conv2d(tensor(x)[None, None], tensor(k)[None, None], stride=stride, padding=padding)[0, 0]
    assert lib.conv2d(x, k, stride, padding) == [[int(v) for v in row] for row in theirs.tolist()]


# PyTorch warns that an even kernel makes it copy the input: true, and harmless here.
@pytest.mark.filterwarnings("ignore:Using padding='same'")
@given(matrices(1, 7), matrices(1, 4))
def test_conv2d_same_with_stride_1_agrees_with_torch_same(x, k):
    theirs = F.conv2d(tensor(x)[None, None], tensor(k)[None, None], padding="same")[0, 0]
    assert lib.conv2d(x, k, 1, "same") == [[int(v) for v in row] for row in theirs.tolist()]


def test_conv2d_same_with_stride_2_pads_the_extra_zero_at_the_end_by_hand():
    x = [[1, 2, 3, 4], [5, 6, 7, 8], [9, 10, 11, 12], [13, 14, 15, 16]]
    # ceil(4 / 2) = 2 outputs per axis; total padding max((2 − 1)·2 + 2 − 4, 0) = 0.
    assert lib.conv2d(x, [[1, 0], [0, 1]], 2, "same") == [[7, 11], [23, 27]]
    # A 3×3 kernel: total padding 1 per axis, at the bottom and the right.
    # Windows: 1+2+3+5+6+7+9+10+11, 3+4+7+8+11+12, 9+10+11+13+14+15, 11+12+15+16.
    assert lib.conv2d(x, [[1, 1, 1], [1, 1, 1], [1, 1, 1]], 2, "same") == [[54, 45], [72, 54]]


def test_conv2d_is_cross_correlation():
    x = [[1, 2, 3], [4, 5, 6], [7, 8, 9]]
    k = [[1, 0], [0, 0]]
    assert lib.conv2d(x, k) == [[1, 2], [4, 5]]
    assert lib.conv2d(x, lib.flip(k)) == [[5, 6], [8, 9]]


def test_whole_number_convolutions_that_could_overflow_are_refused():
    with pytest.raises(FormulaError, match="too large to multiply exactly"):
        lib.conv1d([10**17, 1], [100, 1])


# Pooling ------------------------------------------------------------------------------------


@given(matrices(2, 8), st.integers(1, 3), st.integers(1, 3))
def test_pooling_agrees_with_torch(x, size, stride):
    if size > min(len(x), len(x[0])):
        with pytest.raises(FormulaError, match="window is larger than the input"):
            lib.max_pool2d(x, size, stride)
        return
    image = tensor(x)[None, None]
    assert_same(lib.max_pool2d(x, size, stride), F.max_pool2d(image, size, stride)[0, 0])
    assert_same(lib.avg_pool2d(x, size, stride), F.avg_pool2d(image, size, stride)[0, 0])
    assert lib.max_pool2d(x, size) == F.max_pool2d(image, size)[0, 0].long().tolist()


def test_pooling_of_the_banks_image_by_hand():
    image = [[1, 2, 3, -1], [4, 5, 6, -2], [7, 8, 9, -3], [10, 0, 0, 3]]
    assert lib.max_pool2d(image, 2) == [[5, 6], [10, 9]]
    assert lib.avg_pool2d(image, 2) == [[3, 1.5], [6.25, 2.25]]
    assert lib.max_pool2d(image, 3, 1) == [[9, 9], [10, 9]]


@given(st.integers(1, 4).flatmap(lambda c: st.lists(matrices(2, 5), min_size=c, max_size=c)))
def test_global_pooling_agrees_with_torch(maps):
    shapes = {(len(m), len(m[0])) for m in maps}
    if len(shapes) > 1:
        # Channels of different sizes are not a layer's output.
        with pytest.raises(FormulaError):
            lib.global_avg_pool(maps)
        return
    x = tensor(maps)[None]
    assert_same(lib.global_avg_pool(maps), F.adaptive_avg_pool2d(x, 1)[0, :, 0, 0])
    assert_same(lib.global_max_pool(maps), F.adaptive_max_pool2d(x, 1)[0, :, 0, 0])


def test_global_pooling_of_the_banks_maps_and_of_vectors_by_hand():
    maps = [[[1, 2, 3], [4, 5, 6], [10, 0, 3]], [[1, 0, 2], [0, 1, 3], [2, 0, 2]]]
    averages = lib.global_avg_pool(maps)
    assert math.isclose(averages[0], 34 / 9) and math.isclose(averages[1], 11 / 9)
    assert lib.global_max_pool(maps) == [10, 3]
    assert lib.global_avg_pool([[1, 2, 3], [4, 4, 4]]) == [2.0, 4.0]
    theirs = F.adaptive_avg_pool1d(tensor([[1, 2, 3], [4, 4, 4]])[None], 1)[0, :, 0]
    assert_same(lib.global_avg_pool([[1, 2, 3], [4, 4, 4]]), theirs)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (
            lambda: lib.conv2d([1, 2], [[1]]),
            r"conv2d: x must be a matrix \(a list of rows of numbers\), not a list of 2",
        ),
        (lambda: lib.conv1d([1, 2], [1], 1, "full"), 'conv1d: padding must be "valid", "same"'),
        (lambda: lib.max_pool2d([[1, 2]], 2), r"max_pool2d: the 2×2 window is larger than the input \(1×2\)"),
        (lambda: lib.global_avg_pool([1, 2]), "global_avg_pool: needs a list of channels"),
        (lambda: lib.conv2d_params(3, 8, [3]), r"conv2d_params: k must be a number or \[height, width\]"),
        (lambda: lib.dense_params(0, 8), "dense_params: n_in must be a whole number from 1, not 0"),
    ],
)
def test_library_functions_name_themselves_and_the_argument_when_refusing(call, message):
    with pytest.raises(FormulaError, match=message):
        call()
