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
from grader.messages import gettext, localize_numbers, ngettext

# Rounding and reductions ----------------------------------------------------------------------


def _elementwise(name: str, function: Callable[[Any], Any], value: Any) -> Any:
    if isinstance(value, list):
        return [_elementwise(name, function, item) for item in value]
    if not is_number(value):
        raise FormulaError(
            gettext("{function}: needs a number or a list of numbers, not {kind}").format(
                function=name, kind=kind(value)
            )
        )
    return check_number(function(value))


def _whole_number(value: float) -> int:
    if builtins.abs(value) > MAX_INTEGER:
        raise FormulaError(gettext("a whole number is too large (the limit is {limit:.0e})").format(limit=MAX_INTEGER))
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
            raise FormulaError(
                gettext("sqrt: the square root of a negative number ({value}) is not real").format(value=v)
            )
        return math.sqrt(v)

    return _elementwise("sqrt", root, x)


def log2(x):
    """The base-2 logarithm of a positive number (or of every value)."""

    def logarithm(v):
        if v <= 0:
            raise FormulaError(gettext("log2: the logarithm needs a positive number, not {value}").format(value=v))
        return math.log2(v)

    return _elementwise("log2", logarithm, x)


def _flat(name: str, value: Any) -> list:
    if not isinstance(value, list):
        raise FormulaError(
            gettext("{function}: needs a list of numbers, not {kind}").format(function=name, kind=kind(value))
        )
    flat: list = []
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, list):
            stack.extend(reversed(item))
        else:
            flat.append(item)
    if not flat:
        raise FormulaError(gettext("{function}: the list is empty").format(function=name))
    return flat


def _values_of(name: str, args: tuple) -> list:
    """One list (all its values) or several numbers."""
    if builtins.len(args) == 1:
        return _flat(name, args[0])
    if not args:
        raise FormulaError(gettext("{function}: needs a list or at least two numbers").format(function=name))
    for value in args:
        if not is_number(value):
            raise FormulaError(
                gettext("{function}: with several arguments each must be a number, not {kind}").format(
                    function=name, kind=kind(value)
                )
            )
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
        raise FormulaError(gettext("{function}: needs a list, not {kind}").format(function="len", kind=kind(x)))
    return builtins.len(x)


def flip(x):
    """The list with every axis reversed: a vector back to front, a matrix turned by 180°."""
    if not isinstance(x, list):
        raise FormulaError(gettext("{function}: needs a list, not {kind}").format(function="flip", kind=kind(x)))
    return [flip(item) if isinstance(item, list) else item for item in reversed(x)]


# Argument checks ------------------------------------------------------------------------------


def _whole(function: str, name: str, value: Any, low: int, high: int = MAX_INTEGER) -> int:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        if high == MAX_INTEGER:
            problem = gettext("{function}: {name} must be a whole number from {low}, not {value}")
        else:
            problem = gettext("{function}: {name} must be a whole number from {low} to {high}, not {value}")
        raise FormulaError(
            problem.format(
                function=function, name=name, low=low, high=localize_numbers(f"{high:,}"), value=describe(value)
            )
        )
    return value


def _flag(function: str, name: str, value: Any) -> bool:
    if not isinstance(value, bool):
        raise FormulaError(
            gettext("{function}: {name} must be True or False, not {value}").format(
                function=function, name=name, value=describe(value)
            )
        )
    return value


def _array(function: str, name: str, value: Any, dimensions: int) -> np.ndarray:
    """A vector (1) or matrix (2) of numbers as an array: int64 when every value is whole."""
    if not isinstance(value, list) or builtins.len(shape(value)) != dimensions or 0 in shape(value):
        if dimensions == 1:
            problem = gettext("{function}: {name} must be a vector (a list of numbers), not {kind}")
        else:
            problem = gettext("{function}: {name} must be a matrix (a list of rows of numbers), not {kind}")
        raise FormulaError(problem.format(function=function, name=name, kind=kind(value)))
    check_value(value)
    rows = value if dimensions == 2 else [value]
    whole = all(isinstance(v, int) for row in rows for v in row)
    return np.array(value, dtype=np.int64 if whole else np.float64)


def _values(count: int) -> str:
    return ngettext("{count} value", "{count} values", count).format(count=count)


def _plain(array: np.ndarray) -> Any:
    result = array.tolist()
    return check_value(result)


def _padding(function: str, value: Any) -> str | int:
    """ "valid", "same", or the number of zeros added on each side."""
    if value in ("valid", "same") and isinstance(value, str):
        return value
    if isinstance(value, str) or not is_number(value):
        raise FormulaError(
            gettext(
                '{function}: padding must be "valid", "same" or a whole number of zeros per side, not {value}'
            ).format(function=function, value=describe(value))
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
            raise FormulaError(
                gettext("{function}: the values are too large to multiply exactly").format(function=function)
            )


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
            raise FormulaError(
                gettext("{function}: k must be a number or [height, width], not {value}").format(
                    function=function, value=describe(k)
                )
            )
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
            gettext("conv1d: the kernel ({kernel}) is longer than the padded input ({padded})").format(
                kernel=_values(kernel.size), padded=_values(padded.size)
            )
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
            gettext("conv2d: the kernel ({kernel}) is larger than the padded input ({padded})").format(
                kernel=f"{kernel.shape[0]}×{kernel.shape[1]}", padded=f"{padded.shape[0]}×{padded.shape[1]}"
            )
        )
    windows = sliding_window_view(padded, kernel.shape)[::stride, ::stride]
    return _plain(np.einsum("ijkl,kl->ij", windows, kernel))


def _pool_windows(function: str, x: Any, size: Any, stride: Any) -> np.ndarray:
    image = _array(function, "x", x, 2)
    size = _whole(function, "size", size, 1)
    stride = size if stride is None else _whole(function, "stride", stride, 1)
    if size > builtins.min(image.shape):
        raise FormulaError(
            gettext("{function}: the {window} window is larger than the input ({image})").format(
                function=function, window=f"{size}×{size}", image=f"{image.shape[0]}×{image.shape[1]}"
            )
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
        raise FormulaError(
            gettext("{function}: needs a list of channels, each a vector or a matrix, not {kind}").format(
                function=function, kind=kind(channels)
            )
        )
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
        raise FormulaError(
            gettext("calculator: unknown calculator {name}; choose one of {known}").format(
                name=describe(name), known=", ".join(CALCULATORS)
            )
        )
    names = CALCULATOR_PARAMETERS[name]
    if builtins.len(args) > builtins.len(names):
        raise FormulaError(
            ngettext(
                "calculator: {name} takes {count} parameter ({names})",
                "calculator: {name} takes {count} parameters ({names})",
                builtins.len(names),
            ).format(name=name, count=builtins.len(names), names=", ".join(names))
        )
    values = dict(zip(names, args, strict=False))
    for key, value in params.items():
        if key in values:
            raise FormulaError(gettext("calculator: {name} is given twice").format(name=key))
        values[key] = value
    try:
        computation = compute(name, values)
    except ValueError as error:
        raise FormulaError(gettext("calculator {name}: {error}").format(name=name, error=error)) from None
    if output in computation.outputs:
        return check_value(computation.outputs[output])
    if output in computation.prompt_values:
        return computation.prompt_values[output]
    known = ", ".join([*computation.outputs, *computation.prompt_values])
    raise FormulaError(
        gettext("calculator {name}: no output {output} (it has {known})").format(
            name=name, output=describe(output), known=known
        )
    )


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
