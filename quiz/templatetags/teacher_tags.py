"""Template filters for teacher pages: scores are stored as credits and shown as points."""

from decimal import Decimal

from django import template

register = template.Library()


@register.filter
def points(value) -> str:
    """A number of points with at most two decimals and no trailing zeros: 2.5, 0.33, 21; “—” for none."""
    if value is None or value == "":
        return "—"
    return f"{Decimal(str(round(float(value), 2))).normalize():f}"


@register.filter
def as_points(credit: float | None, part) -> str:
    """A credit in [0, 1] as points of the part: {{ change.new_score|as_points:part }}."""
    return points(None if credit is None else credit * float(part.points))
