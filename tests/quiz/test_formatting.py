"""Points are written one way on every page and export: at most two decimals, no trailing zeros."""

from decimal import Decimal

import pytest
from django.template import Context, Template

from quiz.formatting import count_points, format_change, format_points


@pytest.mark.parametrize(
    ("value", "written"),
    [
        (Decimal("9.667"), "9.67"),
        (Decimal("2.50"), "2.5"),
        (Decimal("21.000"), "21"),
        (1 / 3, "0.33"),
        (2 / 3, "0.67"),
        (0.125, "0.13"),  # half up, as a person rounds, not to even
        (Decimal("0.005"), "0.01"),
        (100, "100"),
        (0, "0"),
        (-0.001, "0"),
        (Decimal("-1.5"), "-1.5"),
    ],
)
def test_points_carry_two_decimals_at_most(value, written):
    assert format_points(value) == written


@pytest.mark.parametrize(
    ("value", "written"), [(1, "1 point"), (Decimal("1.00"), "1 point"), (0.5, "0.5 points"), (0, "0 points"),
                           (2, "2 points"), (0.999, "1 point")],
)
def test_a_count_of_points_names_its_unit(value, written):
    assert count_points(value) == written


@pytest.mark.parametrize(("value", "written"), [(0.5, "+0.5"), (-1, "-1"), (0, "0"), (Decimal("0.0004"), "0")])
def test_a_change_is_signed(value, written):
    assert format_change(value) == written


def test_the_template_filters_write_the_same_and_a_dash_for_none():
    template = Template(
        "{% load scores %}{{ a|points }}|{{ none|points }}|{{ a|point_count }}|{{ one|point_count }}|"
        "{{ delta|points_change }}"
    )
    context = Context({"a": Decimal("9.667"), "none": None, "one": Decimal("1.000"), "delta": Decimal("-0.5")})
    assert template.render(context) == "9.67|—|9.67 points|1 point|-0.5"
