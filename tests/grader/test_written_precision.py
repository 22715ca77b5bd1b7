"""Significant figures and decimal places as an option of numeric parts: the right value written
with other figures, or right only to fewer, earns half credit, and the feedback names the rule."""

import pytest

from grader import Computation, MistakeSpec, PartSpec, expected_answer, grade_part

COMPUTATION = Computation(outputs={"lr": 0.0031416, "mean": 3.14159, "big": 12345.6, "size": 12_613_600})


def part(output: str, **fields) -> PartSpec:
    return PartSpec(key="a", kind=fields.pop("kind", "number"), output=output, **fields)


@pytest.mark.parametrize(
    ("text", "score", "feedback"),
    [
        ("3.14", 1.0, "Correct."),
        ("3.142", 0.5, "Right, but written with 4 significant figures: the question asks for 3 significant figures"),
        ("3.1", 0.5, "Right to 2 significant figures only: the question asks for 3 significant figures"),
        ("3.15", 0.0, "Not the expected answer."),
        ("3", 0.0, "Not the expected answer."),
        ("19/6", 0.0, "Not the expected answer."),
        ("314/100", 0.5, "Right, but not written as a decimal: the question asks for 3 significant figures"),
    ],
)
def test_significant_figures(text, score, feedback):
    verdict = grade_part(part("mean", significant_figures=3), COMPUTATION, text)
    assert verdict.score == score
    assert verdict.feedback.startswith(feedback)


@pytest.mark.parametrize(
    ("text", "score", "feedback"),
    [
        ("0.00314", 1.0, "Correct."),
        ("3.14e-3", 1.0, "Correct."),
        ("0.003142", 0.5, "Right, but written with 4 significant figures"),
    ],
)
def test_leading_zeros_are_not_significant(text, score, feedback):
    verdict = grade_part(part("lr", significant_figures=3), COMPUTATION, text)
    assert (verdict.score, verdict.feedback[: len(feedback)]) == (score, feedback)


@pytest.mark.parametrize(("text", "score"), [("12300", 1.0), ("1.23e4", 1.0), ("12,300", 1.0), ("12350", 0.5)])
def test_trailing_zeros_of_a_whole_number_may_be_the_figures_asked_for(text, score):
    assert grade_part(part("big", significant_figures=3), COMPUTATION, text).score == score


@pytest.mark.parametrize(
    ("text", "score", "feedback"),
    [
        ("3.14", 1.0, "Correct."),
        ("3.142", 0.5, "Right, but written with three decimals: the question asks for two decimals"),
        ("3.1", 0.5, "Right to one decimal only: the question asks for two decimals, so this earns half credit."),
        ("3", 0.0, "Not the expected answer."),
    ],
)
def test_decimal_places(text, score, feedback):
    verdict = grade_part(part("mean", decimal_places=2), COMPUTATION, text)
    assert (verdict.score, verdict.feedback[: len(feedback)]) == (score, feedback)


def test_no_decimals_asked_names_the_rule_in_words():
    verdict = grade_part(part("big", decimal_places=0), COMPUTATION, "12345.6")
    assert verdict.feedback.startswith("Right, but written with one decimal: the question asks for no decimals")


@pytest.mark.parametrize(
    ("fields", "shown"),
    [({"significant_figures": 3}, "3.14"), ({"decimal_places": 3}, "3.142")],
)
def test_the_expected_answer_is_shown_with_the_figures_asked_for(fields, shown):
    assert expected_answer(part("mean", **fields), COMPUTATION)[1] == shown


def test_a_whole_number_rounded_to_its_figures_is_shown_so():
    assert expected_answer(part("big", significant_figures=3), COMPUTATION)[1] == "12,300"


def test_a_size_asks_for_figures_in_its_own_unit():
    spec = part("size", kind="quantity", unit="MB", significant_figures=3)
    assert grade_part(spec, COMPUTATION, "12.6 MB").score == 1.0
    assert grade_part(spec, COMPUTATION, "12.61 MB").feedback.startswith("Right, but written with 4 significant")


def test_a_known_mistake_is_still_named_whatever_its_figures():
    spec = part(
        "mean",
        significant_figures=3,
        mistakes=(MistakeSpec("lr", "lr", 0.0, "That is the learning rate."),),
    )
    assert grade_part(spec, COMPUTATION, "0.003142").mistake == "lr"


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"significant_figures": 0}, "significant_figures: must be a whole number from 1 to 15"),
        ({"decimal_places": 16}, "decimal_places: must be a whole number from 0 to 15"),
        ({"significant_figures": 3, "decimal_places": 2}, "give significant_figures or decimal_places, not both"),
        ({"kind": "vector", "decimal_places": 2}, "decimal_places: only number, quantity and count parts ask for it"),
    ],
)
def test_a_precision_rule_is_checked(fields, message):
    with pytest.raises(ValueError, match=message):
        part("mean", **fields)


def test_a_bank_part_reads_the_rule():
    data = {"key": "a", "kind": "number", "output": "mean", "significant_figures": 3}
    assert PartSpec.from_dict(data).significant_figures == 3
    with pytest.raises(ValueError, match="significant_figures: must be a whole number"):
        PartSpec.from_dict({**data, "significant_figures": "three"})
