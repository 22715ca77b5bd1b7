"""Formula errors in the reader's language: the problem and the place it names are German inside
`use_language("de")`, English outside; the place FormulaError keeps for the form field stays as written."""

from __future__ import annotations

import pytest

import grader
from grader.formulas import FormulaError, validate_formula_question
from grader.messages import THOUSANDS_GAP, use_language

PARAMS = {"h": 8, "k": 3}


def _refusal(**question) -> FormulaError:
    with pytest.raises(FormulaError) as error:
        validate_formula_question({"key": "h1", "params": PARAMS, **question})
    return error.value


REFUSED = [
    pytest.param(
        {"formulas": {"out": "h + * 2"}},
        "question h1, output out: not a valid expression at character 5: invalid syntax",
        "Frage h1, Ausgabe out: kein gültiger Ausdruck bei Zeichen 5: invalid syntax",
        id="parse error",
    ),
    pytest.param(
        {"formulas": {"out": "hh * 2"}},
        "question h1, output out: unknown name hh (did you mean h?); a formula may use the parameters, the outputs "
        "defined before it and the library",
        "Frage h1, Ausgabe out: unbekannter Name hh (meinten Sie h?); eine Formel darf die Parameter, die vor ihr "
        "definierten Ausgaben und die Bibliothek verwenden",
        id="unknown name",
    ),
    pytest.param(
        {"formulas": {"out": "lambda: h"}},
        "question h1, output out: lambda is not allowed",
        "Frage h1, Ausgabe out: lambda ist nicht erlaubt",
        id="refused construction",
    ),
    pytest.param(
        {"ranges": {"h": [1, 3]}, "formulas": {"out": "h - k"}, "constraints": ["h > 5"]},
        "question h1, constraint `h > 5`: never holds in 100 draws from the ranges; widen the ranges or relax the "
        "constraint (with h=3)",
        "Frage h1, Bedingung `h > 5`: gilt in keiner von 100 Ziehungen aus den Bereichen; erweitern Sie die Bereiche "
        "oder lockern Sie die Bedingung (mit h=3)",
        id="constraint never met on variants",
    ),
    pytest.param(
        {"formulas": {"out": "h"}, "constraints": ["k > 4"]},
        "question h1, constraint `k > 4`: is False for the question's own numbers (with k=3)",
        "Frage h1, Bedingung `k > 4`: ist False für die eigenen Zahlen der Frage (mit k=3)",
        id="constraint false on the seed values",
    ),
    pytest.param(
        {"ranges": {"h": [5, 2]}, "formulas": {"out": "h"}},
        "question h1, ranges.h: must be [low, high], two whole numbers with low ≤ high",
        "Frage h1, ranges.h: muss [low, high] sein, zwei ganze Zahlen mit low ≤ high",
        id="range backwards",
    ),
    pytest.param(
        {"ranges": {"h": {"vector": {"length": [1, 3]}}}, "formulas": {"out": "h"}},
        "question h1, ranges.h: vector: give exactly length, values, each [low, high]",
        "Frage h1, ranges.h: vector: Geben Sie genau length, values an, jeweils [low, high]",
        id="vector range without values",
    ),
    pytest.param(
        {"formulas": {"out": "conv_output_size(h, k, stride=0)"}},
        "question h1, output out: conv_output_size: stride must be a whole number from 1, not 0 (with h=8, k=3)",
        "Frage h1, Ausgabe out: conv_output_size: stride muss eine ganze Zahl ab 1 sein, nicht 0 (mit h=8, k=3)",
        id="library argument out of range",
    ),
    pytest.param(
        {"formulas": {"out": "max(h, [1, 2])"}},
        "question h1, output out: max: with several arguments each must be a number, not a list of 2 values (with h=8)",
        "Frage h1, Ausgabe out: max: Bei mehreren Argumenten muss jedes eine Zahl sein, nicht eine Liste mit 2 "
        "Werten (mit h=8)",
        id="library function given a list among numbers",
    ),
    pytest.param(
        {"formulas": {"out": "sqrt(k - h)"}},
        "question h1, output out: sqrt: the square root of a negative number (-5) is not real (with h=8, k=3)",
        "Frage h1, Ausgabe out: sqrt: Die Quadratwurzel einer negativen Zahl (-5) ist nicht reell (mit h=8, k=3)",
        id="library function outside its domain",
    ),
    pytest.param(
        {"formulas": {"out": "[1, 2] + [1, 2, 3]"}},
        "question h1, output out: + works element by element on lists of the same shape, not a list of 2 values "
        "and a list of 3 values",
        "Frage h1, Ausgabe out: + rechnet elementweise mit Listen gleicher Form; gegeben sind eine Liste mit 2 "
        "Werten und eine Liste mit 3 Werten",
        id="lists of different shapes",
    ),
]


@pytest.mark.parametrize(("question", "english", "german"), REFUSED)
def test_a_formula_error_reads_german_inside_use_language_and_english_outside(question, english, german):
    assert str(_refusal(**question)) == english
    with use_language("de"):
        assert str(_refusal(**question)) == german


def test_a_list_of_one_value_is_named_in_the_singular():
    refusal = _refusal(formulas={"out": "[1][3]"})
    assert str(refusal).endswith("index 3 is out of range for a list of 1 value (0 to 0)")
    with use_language("de"):
        refusal = _refusal(formulas={"out": "[1][3]"})
    assert str(refusal).endswith("Index 3 liegt außerhalb einer Liste mit 1 Wert (0 bis 0)")


def test_the_limits_in_a_german_message_group_thousands_as_german_does():
    with use_language("de"):
        refusal = _refusal(ranges={"k": [-(10**19), 3]}, formulas={"out": "h"})
    limit = f"{10**18:,}".replace(",", THOUSANDS_GAP)
    assert str(refusal) == f"Frage h1, ranges.k: muss zwischen -{limit} und {limit} liegen"


@pytest.mark.parametrize(
    ("question", "where", "field"),
    [
        ({"formulas": {"out": "hh * 2"}}, "output out", "formulas"),
        ({"formulas": {"out": "h"}, "constraints": ["k > 4"]}, "constraint `k > 4`", "constraints"),
        ({"ranges": {"h": [5, 2]}, "formulas": {"out": "h"}}, "ranges.h", "ranges"),
    ],
)
def test_the_place_that_picks_the_form_field_stays_as_written_in_german(question, where, field):
    with use_language("de"):
        assert _refusal(**question).where == where
        with pytest.raises(grader.QuestionError) as error:
            grader.validate_question({"key": "h1", "params": PARAMS, **question, "parts": []})
    assert error.value.field == field
    assert error.value.problem.startswith("Frage h1, ")
