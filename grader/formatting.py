"""How numbers, vectors and matrices are shown to students: plain ASCII they can copy back."""

import math


def integer(value: int | float) -> str:
    """903400 -> "903,400"."""
    return f"{round(value):,}"


def plain(value: int | float, digits: int = 4) -> str:
    """A number without grouping, to about `digits` significant figures (at least two decimals
    for small numbers): 3.7777 -> "3.778", 6.25 -> "6.25", 3.0 -> "3"."""
    if type(value) is int:
        return str(value)
    if _is_whole(value):
        return str(round(value))
    return _decimals(value, digits, grouping=False)


def grouped(value: int | float, digits: int = 4) -> str:
    """Like `plain`, with thousands separators: 12345.678 -> "12,345.68"."""
    if _is_whole(value):
        return integer(value)
    return _decimals(value, digits, grouping=True)


def places(value: int | float, count: int, grouping: bool = False) -> str:
    """A number rounded to `count` decimals, trailing zeros dropped: 3.7777 -> "3.78", 4.0 -> "4"."""
    text = f"{value:,.{count}f}" if grouping else f"{value:.{count}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def dims(values: list) -> str:
    return "×".join(str(round(v)) if _is_whole(v) else plain(v) for v in values)


def quantity(value: float, symbol: str, digits: int = 3) -> str:
    """A size to `digits` significant figures, or one decimal if that is more, trailing zeros
    dropped: 12.6136 -> "12.6 MB", 565.6136 -> "565.6 MB", 9.0 -> "9 MB"."""
    if value == 0:
        return f"0 {symbol}"
    places = max(1, digits - 1 - math.floor(math.log10(abs(value))))
    text = f"{value:,.{places}f}".rstrip("0").rstrip(".")
    return f"{text} {symbol}"


def _is_whole(value: int | float) -> bool:
    return isinstance(value, int) or (math.isfinite(value) and value == round(value))


def _decimals(value: float, digits: int, grouping: bool) -> str:
    magnitude = math.floor(math.log10(abs(value))) if value else 0
    places = max(2, digits - 1 - magnitude)
    text = f"{value:,.{places}f}" if grouping else f"{value:.{places}f}"
    return text.rstrip("0").rstrip(".")


def significant_digits(value: float, band: float) -> int:
    """Significant figures (at least three) so that rounding stays within half the tolerance band."""
    if not value or not band:
        return 10
    return max(3, math.ceil(1 - math.log10(band / abs(value)) - 1e-9))


def decimals_of(resolution: float) -> int:
    """The decimals a resolution stands for: 0.01 -> 2; whole numbers (or exact) -> 0."""
    return max(0, round(-math.log10(resolution))) if resolution else 0


def at_resolution(value: float, resolution: float) -> str:
    """A value shown to the resolution asked for; an exact one (resolution 0) to ten figures."""
    if not resolution:
        return plain(value, 10)
    return places(value, decimals_of(resolution))
