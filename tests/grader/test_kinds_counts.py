"""Counts of parameters and operations: suffixes K, M, G (and k, thousand, million, billion),
glued to what is counted or not; the wrong thing counted is refused by name."""

import pytest

from grader import AnswerError, Computation, MistakeSpec, PartSpec, expected_answer, grade_part
from grader.kinds import read

MACS = 3_211_264


def macs_part(**fields) -> PartSpec:
    defaults = {"key": "a", "kind": "count", "output": "macs", "unit": "MACs", "relative_tolerance": 0.01}
    return PartSpec(**{**defaults, **fields})


COMPUTATION = Computation(outputs={"macs": MACS, "flops": 2 * MACS, "no_bias": MACS - 16})


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("3211264", 3_211_264),
        ("3,211,264 MACs", 3_211_264),
        ("3.2M", 3_200_000),
        ("3.2 M", 3_200_000),
        ("3.2 million", 3_200_000),
        ("3.2MMACs", 3_200_000),
        ("3.2 MMACs", 3_200_000),
        ("0.0032 G MACs", 3_200_000),
        ("0.0032 billion", 3_200_000),
        ("0.0032 GMACs", 3_200_000),
        ("3211.3K", 3_211_300),
        ("3211.3 k", 3_211_300),
        ("3211.3 thousand", 3_211_300),
        ("3211.3 kMACs", 3_211_300),
        ("about 3.2 million MACs in all", 3_200_000),
    ],
)
def test_a_count_reads_every_suffix_glued_or_not(text, value):
    assert read(macs_part(), text) == pytest.approx(value)


@pytest.mark.parametrize(
    ("text", "value"), [("1.2Mparams", 1_200_000), ("1.2 M parameters", 1_200_000), ("3 GFLOPs", 3e9)]
)
def test_a_count_without_a_unit_reads_whatever_it_counts(text, value):
    assert read(macs_part(unit=""), text) == pytest.approx(value)


@pytest.mark.parametrize("text", ["6.4 GFLOPs", "6.4 G FLOPs", "6422528 flops"])
def test_flops_given_for_macs_are_refused_saying_what_is_asked(text):
    with pytest.raises(AnswerError, match="asks for a number of MACs, not FLOPs"):
        read(macs_part(), text)


def test_a_lower_case_m_is_never_a_million():
    assert read(macs_part(), "3.2 m") == pytest.approx(3.2)


@pytest.mark.parametrize(
    ("text", "status", "score", "mistake"),
    [
        ("3.21M", "correct", 1.0, None),
        ("3,211,264", "correct", 1.0, None),
        ("6.42 M", "incorrect", 0.0, "flops"),
        ("4M", "incorrect", 0.0, None),
    ],
)
def test_a_count_is_graded_by_the_candidate_rule(text, status, score, mistake):
    spec = macs_part(
        mistakes=(MistakeSpec("flops", "flops", 0.0, "Two operations per multiply-add are FLOPs, not MACs."),)
    )
    verdict = grade_part(spec, COMPUTATION, text)
    assert (verdict.status, verdict.score, verdict.mistake) == (status, score, mistake)


@pytest.mark.parametrize(
    ("fields", "shown"),
    [
        ({}, "3.21 M MACs"),
        ({"relative_tolerance": 0.0001}, "3.2113 M MACs"),
        ({"relative_tolerance": 0.0}, "3,211,264 MACs"),
        ({"unit": "", "relative_tolerance": 0.0}, "3,211,264"),
    ],
)
def test_the_expected_count_is_shown_to_the_figures_the_tolerance_asks_for(fields, shown):
    assert expected_answer(macs_part(**fields), COMPUTATION)[1] == shown


def test_a_count_part_counts_only_what_it_knows():
    with pytest.raises(ValueError, match="unit: a count part counts parameters, FLOPs, MACs"):
        macs_part(unit="MB")
