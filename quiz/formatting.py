"""How ConvQuiz writes scores for people: one format on every page, in every export and log.

Points carry at most two decimals and no trailing zeros (0.5, 0.33, 21), rounded half up as a
person rounds; a count of points names its unit in the singular only for exactly one.
Exports and logs write them this way in every language; pages (`page_points`, `page_point_count`)
write the same digits as the reader's language does: 2,5 Punkte in German.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.utils.formats import number_format
from django.utils.translation import ngettext

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


def page_points(value: Decimal | float | int) -> str:
    """Points on a page, in the reader's language: 2.5 in English, 2,5 in German."""
    return number_format(Decimal(format_points(value)))


def page_point_count(value: Decimal | float | int) -> str:
    """Points with their unit on a page, in the reader's language: “1 point”, “2,5 Punkte”."""
    number = format_points(value)
    singular = 1 if number == "1" else 2  # ngettext picks the form by a count; only exactly one is singular
    return ngettext("%(points)s point", "%(points)s points", singular) % {"points": page_points(value)}
