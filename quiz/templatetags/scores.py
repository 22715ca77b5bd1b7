"""`{% load scores %}`: points as every page writes them (quiz.formatting), in the reader's language."""

from django import template

from quiz import grading
from quiz.formatting import format_change, page_point_count, page_points
from quiz.models import earned_points

register = template.Library()


@register.filter
def points(value) -> str:
    """{{ attempt.score|points }}: 2.5, 0.33, 21 (2,5 in German); “—” for none."""
    return "—" if value is None or value == "" else page_points(value)


@register.filter
def points_change(value) -> str:
    """{{ change.delta|points_change }}: +0.5, -1, 0."""
    return format_change(value)


@register.filter
def point_count(value) -> str:
    """{{ part.points|point_count }}: “1 point”, “2.5 points”; “—” for none."""
    return "—" if value is None or value == "" else page_point_count(value)


@register.filter
def as_points(credit: float | None, part) -> str:
    """A credit in [0, 1] as points of the part: {{ change.new_score|as_points:part }}."""
    return points(earned_points(credit, part.points))


@register.filter
def as_point_count(credit: float | None, part) -> str:
    """A credit in [0, 1] as points of the part with their unit: {{ response.score|as_point_count:part }}."""
    return point_count(earned_points(credit, part.points))


@register.filter
def deduction_percent(response) -> str:
    """What the response's wrong checks cost, in percent of its part's points: {{ response|deduction_percent }}."""
    return page_points(grading.part_deduction(response.attempt.quiz, response) * 100)
