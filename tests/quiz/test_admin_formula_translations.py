"""An admin writing formulas in German reads the grader's refusals of formulas, constraints and ranges in
German, on the posted change form and in the live check; an English admin reads the same refusals in English."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils.html import escape

from tests.quiz.test_admin_translations import _both, _client, posted

BROKEN = [
    pytest.param(
        {"formulas-0-expression": "conv_output_size(h, k, stride, p, dilation"},
        "question h1, output out_h: not a valid expression at character 17: '(' was never closed",
        "Frage h1, Ausgabe out_h: kein gültiger Ausdruck bei Zeichen 17: '(' was never closed",
        id="parse error",
    ),
    pytest.param(
        {"formulas-0-expression": "hh + 1"},
        "question h1, output out_h: unknown name hh (did you mean h?); a formula may use the parameters, the outputs "
        "defined before it and the library",
        "Frage h1, Ausgabe out_h: unbekannter Name hh (meinten Sie h?); eine Formel darf die Parameter, die vor ihr "
        "definierten Ausgaben und die Bibliothek verwenden",
        id="unknown name",
    ),
    pytest.param(
        {"formulas-0-expression": "conv_output_size(h, k, 0, p, dilation)"},
        "question h1, output out_h: conv_output_size: stride must be a whole number from 1, not 0 "
        "(with h=32, k=3, p=1, dilation=2)",
        "Frage h1, Ausgabe out_h: conv_output_size: stride muss eine ganze Zahl ab 1 sein, nicht 0 "
        "(mit h=32, k=3, p=1, dilation=2)",
        id="library function misused",
    ),
    pytest.param(
        {"formulas-1-expression": "w // (k - 3)"},
        "question h1, output out_w: division by zero in 48 // 0 (with w=48, k=3)",
        "Frage h1, Ausgabe out_w: Division durch null in 48 // 0 (mit w=48, k=3)",
        id="division by zero",
    ),
    pytest.param(
        {"constraints-0-expression": "h >= 70"},
        "question h1, constraint `h >= 70`: is False for the question's own numbers (with h=32)",
        "Frage h1, Bedingung `h >= 70`: ist False für die eigenen Zahlen der Frage (mit h=32)",
        id="constraint false on the seed values",
    ),
    pytest.param(
        {"constraints-0-expression": "h >= 30", "params-0-range": "8 to 20"},
        "question h1, constraint `h >= 30`: never holds in 100 draws from the ranges; widen the ranges or relax the "
        "constraint (with h=14)",
        "Frage h1, Bedingung `h >= 30`: gilt in keiner von 100 Ziehungen aus den Bereichen; erweitern Sie die "
        "Bereiche oder lockern Sie die Bedingung (mit h=14)",
        id="constraint never met on variants",
    ),
    pytest.param(
        {"params-0-range": "64 to 8"},
        "question h1, ranges.h: must be [low, high], two whole numbers with low ≤ high",
        "Frage h1, ranges.h: muss [low, high] sein, zwei ganze Zahlen mit low ≤ high",
        id="range backwards",
    ),
]


@pytest.fixture
def change_url(formula_quiz) -> str:
    return reverse("admin:quiz_question_change", args=[formula_quiz.questions.get(key="h1").pk])


@pytest.mark.parametrize(("changes", "english", "german"), BROKEN)
def test_a_formula_question_posted_with_errors_is_refused_in_the_admins_language(
    admin_user, change_url, changes, english, german
):
    page = _client("en", admin_user).get(change_url).content.decode()
    english_page, german_page = _both(admin_user, "post", change_url, posted(page, _save="Save", **changes))
    assert escape(english) in english_page
    assert escape(german) in german_page
    assert escape(english) not in german_page


@pytest.mark.parametrize(
    ("changes", "field", "german"),
    [
        (
            {"formulas-0-expression": "sqrt(h - 100)"},
            "formulas",
            "Frage h1, Ausgabe out_h: sqrt: Die Quadratwurzel einer negativen Zahl (-68) ist nicht reell (mit h=32)",
        ),
        (
            {"constraints-0-expression": "h >= 70"},
            "constraints",
            "Frage h1, Bedingung `h >= 70`: ist False für die eigenen Zahlen der Frage (mit h=32)",
        ),
        (
            {"params-0-range": "64 to 8"},
            "params",
            "Frage h1, ranges.h: muss [low, high] sein, zwei ganze Zahlen mit low ≤ high",
        ),
    ],
)
def test_the_live_check_answers_a_bad_formula_in_german_on_its_field(
    admin_user, formula_quiz, change_url, changes, field, german
):
    question = formula_quiz.questions.get(key="h1")
    page = _client("en", admin_user).get(change_url).content.decode()
    url = reverse("admin:quiz_question_check") + f"?question={question.pk}"
    assert _client("de", admin_user).post(url, posted(page, **changes)).json()["errors"] == {field: [german]}
    english = _client("en", admin_user).post(url, posted(page, **changes)).json()["errors"][field][0]
    assert english.startswith("question h1, ")
