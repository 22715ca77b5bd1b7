"""How ConvQuiz writes scores for people: one format on every page, in every export and log.

Points carry at most two decimals and no trailing zeros (0.5, 0.33, 21), rounded half up as a
person rounds; a count of points names its unit in the singular only for exactly one.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

HUNDREDTHS = Decimal("0.01")


def format_points(value: Decimal | float | int) -> str:
    """A number of points: 2.5, 0.33, 21, -0.5; never 9.667 or 2.50."""
    rounded = Decimal(str(value)).quantize(HUNDREDTHS, rounding=ROUND_HALF_UP)
    if rounded == 0:
        rounded = Decimal(0)  # no “-0” for a tiny negative change
    return f"{rounded.normalize():f}"


def format_change(value: Decimal | float | int) -> str:
    """A change in points, signed: +0.5, -1, 0."""
    number = format_points(value)
    return number if number.startswith("-") or number == "0" else f"+{number}"


def count_points(value: Decimal | float | int) -> str:
    """Points with their unit: “1 point”, “0.5 points”, “2 points”."""
    number = format_points(value)
    return f"{number} point" if number == "1" else f"{number} points"
