"""The functions formulas may call: arithmetic helpers and the deep-learning operations a
CNN course needs, with numpy underneath.

Conventions are deep learning's: a convolution is a cross-correlation (the kernel is not
flipped), "same" padding is Keras' (ceil(n / stride) outputs, the extra zero at the end),
pooling has no padding. Whole numbers in give whole numbers out, so answers stay exact.
Every function checks its arguments and raises FormulaError naming itself and the argument.
Functions are named as formulas call them, so some shadow Python's built-ins here; this
module reaches the built-ins through `builtins`.
"""

import builtins
import inspect
import math
from collections.abc import Callable
from typing import Any

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from grader.calculators import CALCULATORS, CONV_STACK_PARAMS, compute
from grader.formulas.values import (
    MAX_INTEGER,
    FormulaError,
    check_number,
    check_value,
    describe,
    is_number,
    kind,
    shape,
)

# Rounding and reductions ----------------------------------------------------------------------


def _elementwise(name: str, function: Callable[[Any], Any], value: Any) -> Any:
    if isinstance(value, list):
        return [_elementwise(name, function, item) for item in value]
    if not is_number(value):
        raise FormulaError(f"{name}: needs a number or a list of numbers, not {kind(value)}")
    return check_number(function(value))


def _whole_number(value: float) -> int:
    if builtins.abs(value) > MAX_INTEGER:
        raise FormulaError(f"a whole number is too large (the limit is {MAX_INTEGER:.0e})")
    return int(value)


def floor(x):
    """The largest whole number at most x, for a number or every value of a list."""
    return _elementwise("floor", lambda v: _whole_number(math.floor(v)), x)


def ceil(x):
    """The smallest whole number at least x."""
    return _elementwise("ceil", lambda v: _whole_number(math.ceil(v)), x)


def round(x, digits=None):
    """x rounded to a whole number, or to `digits` decimals; halves go to the even neighbour
    (as in Python and numpy: round(2.5) is 2)."""
    if digits is None:
        return _elementwise("round", lambda v: _whole_number(builtins.round(v)), x)
    digits = _whole("round", "digits", digits, -18, 18)
    return _elementwise("round", lambda v: builtins.round(v, digits), x)


def abs(x):
    """The absolute value of a number, or of every value of a list."""
    return _elementwise("abs", lambda v: -v if v < 0 else v, x)


def sqrt(x):
    """The square root of a number (or of every value), which must not be negative."""

    def root(v):
        if v < 0:
            raise FormulaError(f"sqrt: the square root of a negative number ({v}) is not real")
        return math.sqrt(v)

    return _elementwise("sqrt", root, x)


def log2(x):
    """The base-2 logarithm of a positive number (or of every value)."""

    def logarithm(v):
        if v <= 0:
            raise FormulaError(f"log2: the logarithm needs a positive number, not {v}")
        return math.log2(v)

    return _elementwise("log2", logarithm, x)


def _flat(name: str, value: Any) -> list:
    if not isinstance(value, list):
        raise FormulaError(f"{name}: needs a list of numbers, not {kind(value)}")
    flat: list = []
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, list):
            stack.extend(reversed(item))
        else:
            flat.append(item)
    if not flat:
        raise FormulaError(f"{name}: the list is empty")
    return flat


def _values_of(name: str, args: tuple) -> list:
    """One list (all its values) or several numbers."""
    if builtins.len(args) == 1:
        return _flat(name, args[0])
    if not args:
        raise FormulaError(f"{name}: needs a list or at least two numbers")
    for value in args:
        if not is_number(value):
            raise FormulaError(f"{name}: with several arguments each must be a number, not {kind(value)}")
    return list(args)


def min(*values):
    """The smallest of several numbers, or of all the values of one list."""
    return builtins.min(_values_of("min", values))


def max(*values):
    """The largest of several numbers, or of all the values of one list."""
    return builtins.max(_values_of("max", values))


def sum(x):
    """The sum of all the values of a list (every row of a matrix)."""
    return check_number(builtins.sum(_flat("sum", x)))


def prod(x):
    """The product of all the values of a list."""
    values = _flat("prod", x)
    if any(isinstance(value, float) for value in values):
        return check_number(math.prod(values))
    if 0 in values:
        return 0
    total: int | float = 1
    for value in values:
        # Whole numbers other than 0 only grow the product: stop as soon as it is too large.
        total = check_number(total * value)
    return total


def len(x):
    """How many items a list has at its top level: a vector's values, a matrix's rows."""
    if not isinstance(x, list):
        raise FormulaError(f"len: needs a list, not {kind(x)}")
    return builtins.len(x)


def flip(x):
    """The list with every axis reversed: a vector back to front, a matrix turned by 180°."""
    if not isinstance(x, list):
        raise FormulaError(f"flip: needs a list, not {kind(x)}")
    return [flip(item) if isinstance(item, list) else item for item in reversed(x)]


# Argument checks ------------------------------------------------------------------------------


def _whole(function: str, name: str, value: Any, low: int, high: int = MAX_INTEGER) -> int:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        upper = "" if high == MAX_INTEGER else f" to {high:,}"
        raise FormulaError(f"{function}: {name} must be a whole number from {low}{upper}, not {describe(value)}")
    return value


def _flag(function: str, name: str, value: Any) -> bool:
    if not isinstance(value, bool):
        raise FormulaError(f"{function}: {name} must be True or False, not {describe(value)}")
    return value


def _array(function: str, name: str, value: Any, dimensions: int) -> np.ndarray:
    """A vector (1) or matrix (2) of numbers as an array: int64 when every value is whole."""
    words = {1: "a vector (a list of numbers)", 2: "a matrix (a list of rows of numbers)"}[dimensions]
    if not isinstance(value, list) or builtins.len(shape(value)) != dimensions or 0 in shape(value):
        raise FormulaError(f"{function}: {name} must be {words}, not {kind(value)}")
    check_value(value)
    rows = value if dimensions == 2 else [value]
    whole = all(isinstance(v, int) for row in rows for v in row)
    return np.array(value, dtype=np.int64 if whole else np.float64)


def _values(count: int) -> str:
    return f"{count} value{'s' if count != 1 else ''}"


def _plain(array: np.ndarray) -> Any:
    result = array.tolist()
    return check_value(result)


def _padding(function: str, value: Any) -> str | int:
    """ "valid", "same", or the number of zeros added on each side."""
    if value in ("valid", "same") and isinstance(value, str):
        return value
    if isinstance(value, str) or not is_number(value):
        raise FormulaError(
            f'{function}: padding must be "valid", "same" or a whole number of zeros per side, not {describe(value)}'
        )
    return _whole(function, "padding", value, 0, 10_000)


def _same_padding(length: int, kernel: int, stride: int) -> tuple[int, int]:
    """Keras' "same": ceil(n / s) outputs; the padding split with the extra zero at the end."""
    total = builtins.max((-(-length // stride) - 1) * stride + kernel - length, 0)
    return total // 2, total - total // 2


def _guard_products(function: str, x: np.ndarray, k: np.ndarray) -> None:
    """Whole-number products summed over a kernel must stay within int64."""
    if x.dtype == np.int64 and k.dtype == np.int64:
        largest = int(np.abs(x).max()) * int(np.abs(k).sum())
        if largest > MAX_INTEGER:
            raise FormulaError(f"{function}: the values are too large to multiply exactly")


# Sizes and counts -----------------------------------------------------------------------------


def conv_output_size(n, k, stride=1, padding="valid", dilation=1):
    """The output length along one axis of a convolution or pooling layer:
    floor((n + 2p − dilation·(k − 1) − 1) / stride) + 1 for p zeros per side ("valid": 0),
    and ceil(n / stride) for "same" (Keras). Below 1 when the kernel does not fit, so that a
    constraint such as `out >= 1` can refuse the variant."""
    n = _whole("conv_output_size", "n", n, 1)
    k = _whole("conv_output_size", "k", k, 1)
    stride = _whole("conv_output_size", "stride", stride, 1)
    dilation = _whole("conv_output_size", "dilation", dilation, 1)
    padding = _padding("conv_output_size", padding)
    if padding == "same":
        return -(-n // stride)
    zeros = 0 if padding == "valid" else padding
    return (n + 2 * zeros - dilation * (k - 1) - 1) // stride + 1


def _kernel_area(function: str, k: Any) -> int:
    if isinstance(k, list):
        if builtins.len(k) != 2:
            raise FormulaError(f"{function}: k must be a number or [height, width], not {describe(k)}")
        return _whole(function, "k", k[0], 1) * _whole(function, "k", k[1], 1)
    side = _whole(function, "k", k, 1)
    return side * side


def conv2d_params(c_in, c_out, k, bias=True):
    """Weights (and biases) of a 2-D convolutional layer: k·k·c_in·c_out (+ c_out),
    k a number or [height, width]."""
    c_in = _whole("conv2d_params", "c_in", c_in, 1)
    c_out = _whole("conv2d_params", "c_out", c_out, 1)
    area = _kernel_area("conv2d_params", k)
    count = area * c_in * c_out + (c_out if _flag("conv2d_params", "bias", bias) else 0)
    return check_number(count)


def dense_params(n_in, n_out, bias=True):
    """Weights (and biases) of a dense layer: n_in·n_out (+ n_out)."""
    n_in = _whole("dense_params", "n_in", n_in, 1)
    n_out = _whole("dense_params", "n_out", n_out, 1)
    return check_number(n_in * n_out + (n_out if _flag("dense_params", "bias", bias) else 0))


# Convolution and pooling ----------------------------------------------------------------------


def conv1d(x, k, stride=1, padding="valid"):
    """A 1-D convolution of vector x by kernel k as layers compute it (cross-correlation)."""
    signal = _array("conv1d", "x", x, 1)
    kernel = _array("conv1d", "k", k, 1)
    stride = _whole("conv1d", "stride", stride, 1)
    padding = _padding("conv1d", padding)
    _guard_products("conv1d", signal, kernel)
    if padding == "same":
        left, right = _same_padding(signal.size, kernel.size, stride)
    else:
        left = right = 0 if padding == "valid" else padding
    padded = np.pad(signal, (left, right))
    if kernel.size > padded.size:
        raise FormulaError(
            f"conv1d: the kernel ({_values(kernel.size)}) is longer than the padded input ({_values(padded.size)})"
        )
    windows = sliding_window_view(padded, kernel.size)[::stride]
    return _plain(windows @ kernel)


def conv2d(x, k, stride=1, padding="valid"):
    """A 2-D convolution of one-channel matrix x by kernel matrix k (cross-correlation)."""
    image = _array("conv2d", "x", x, 2)
    kernel = _array("conv2d", "k", k, 2)
    stride = _whole("conv2d", "stride", stride, 1)
    padding = _padding("conv2d", padding)
    _guard_products("conv2d", image, kernel)
    if padding == "same":
        top, bottom = _same_padding(image.shape[0], kernel.shape[0], stride)
        left, right = _same_padding(image.shape[1], kernel.shape[1], stride)
    else:
        top = bottom = left = right = 0 if padding == "valid" else padding
    padded = np.pad(image, ((top, bottom), (left, right)))
    if kernel.shape[0] > padded.shape[0] or kernel.shape[1] > padded.shape[1]:
        raise FormulaError(
            f"conv2d: the kernel ({kernel.shape[0]}×{kernel.shape[1]}) is larger than the padded input "
            f"({padded.shape[0]}×{padded.shape[1]})"
        )
    windows = sliding_window_view(padded, kernel.shape)[::stride, ::stride]
    return _plain(np.einsum("ijkl,kl->ij", windows, kernel))


def _pool_windows(function: str, x: Any, size: Any, stride: Any) -> np.ndarray:
    image = _array(function, "x", x, 2)
    size = _whole(function, "size", size, 1)
    stride = size if stride is None else _whole(function, "stride", stride, 1)
    if size > builtins.min(image.shape):
        raise FormulaError(
            f"{function}: the {size}×{size} window is larger than the input ({image.shape[0]}×{image.shape[1]})"
        )
    return sliding_window_view(image, (size, size))[::stride, ::stride]


def max_pool2d(x, size, stride=None):
    """The largest value of each size×size window of matrix x, moving by stride (default: size)."""
    return _plain(_pool_windows("max_pool2d", x, size, stride).max(axis=(2, 3)))


def avg_pool2d(x, size, stride=None):
    """The mean of each size×size window of matrix x, moving by stride (default: size)."""
    return _plain(_pool_windows("avg_pool2d", x, size, stride).mean(axis=(2, 3)))


def _channels(function: str, channels: Any) -> np.ndarray:
    found = shape(channels)
    if not isinstance(channels, list) or builtins.len(found) not in (2, 3) or 0 in found:
        raise FormulaError(f"{function}: needs a list of channels, each a vector or a matrix, not {kind(channels)}")
    check_value(channels)
    flat = _flat(function, channels)
    whole = all(isinstance(v, int) for v in flat)
    return np.array(channels, dtype=np.int64 if whole else np.float64).reshape(found[0], -1)


def global_avg_pool(channels):
    """One value per channel: the mean of all its positions."""
    values = _channels("global_avg_pool", channels)
    return _plain(values.sum(axis=1) / values.shape[1])


def global_max_pool(channels):
    """One value per channel: the largest of all its positions."""
    return _plain(_channels("global_max_pool", channels).max(axis=1))


# The calculators ------------------------------------------------------------------------------

CALCULATOR_PARAMETERS: dict[str, tuple[str, ...]] = {
    "conv_stack": CONV_STACK_PARAMS,
    "conv1d": ("sequence", "kernel", "stride"),
    "pool2d": ("image", "pool_size", "stride"),
    "global_pool": ("feature_maps",),
    "dense_to_conv": ("units", "map_height", "map_width", "map_channels"),
}


def calculator(name, output, *args, **params):
    """One output (or prompt text) of a registered calculator: its parameters in the order
    the calculator lists them, or by name. A formula that is just this call shows the
    calculator's own worked solution."""
    if name not in CALCULATORS or name not in CALCULATOR_PARAMETERS:
        raise FormulaError(f"calculator: unknown calculator {describe(name)}; choose one of {', '.join(CALCULATORS)}")
    names = CALCULATOR_PARAMETERS[name]
    if builtins.len(args) > builtins.len(names):
        raise FormulaError(f"calculator: {name} takes {builtins.len(names)} parameters ({', '.join(names)})")
    values = dict(zip(names, args, strict=False))
    for key, value in params.items():
        if key in values:
            raise FormulaError(f"calculator: {key} is given twice")
        values[key] = value
    try:
        computation = compute(name, values)
    except ValueError as error:
        raise FormulaError(f"calculator {name}: {error}") from None
    if output in computation.outputs:
        return check_value(computation.outputs[output])
    if output in computation.prompt_values:
        return computation.prompt_values[output]
    known = ", ".join([*computation.outputs, *computation.prompt_values])
    raise FormulaError(f"calculator {name}: no output {describe(output)} (it has {known})")


# The registry ---------------------------------------------------------------------------------

LIBRARY: dict[str, Callable[..., Any]] = {
    function.__name__: function
    for function in (
        floor,
        ceil,
        round,
        abs,
        min,
        max,
        sum,
        prod,
        sqrt,
        log2,
        len,
        flip,
        conv_output_size,
        conv1d,
        conv2d,
        max_pool2d,
        avg_pool2d,
        global_avg_pool,
        global_max_pool,
        conv2d_params,
        dense_params,
        calculator,
    )
}

SIGNATURES: dict[str, inspect.Signature] = {name: inspect.signature(function) for name, function in LIBRARY.items()}
