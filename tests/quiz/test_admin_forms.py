"""The admin's question and part forms refuse values that would break later, each with a field error.

Values nested thousands of levels deep, numbers no question holds, NaN, a NUL or a lone
surrogate in a string: each is a message on the field naming the row and cell, the page is
shown again, and nothing is saved. Before, each was a 500.
"""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils.html import escape

import grader
from quiz import rows
from quiz.forms import PartAdminForm, QuestionAdminForm

BAD_JSON = {
    "nested 5,000 deep": ("[" * 5_000 + "]" * 5_000, "nested more than 32 levels deep"),
    "nested 100,000 deep": ('{"a":' * 100_000 + "1" + "}" * 100_000, "nested more than 32 levels deep"),
    "unclosed, 100,000 deep": ("[" * 100_000, "nested more than 32 levels deep"),
    "a 5,000-digit integer": ("[" + "9" * 5_000 + "]", "a number beyond ±1e+18"),
    "a huge float": ('{"kernel": 1e300}', "a number beyond ±1e+18"),
    "an overflowing float": ("[1e999]", "NaN or an infinity"),
    "NaN": ('{"kernel": NaN}', "NaN or an infinity"),
    "-Infinity": ("[-Infinity]", "NaN or an infinity"),
    "a NUL in a string": ('["a\\u0000b"]', "a NUL character or a lone surrogate"),
    "a NUL in a key": ('{"\\u0000": 1}', "a NUL character or a lone surrogate"),
    "a lone surrogate": ('[{"label": "\\ud800"}]', "a NUL character or a lone surrogate"),
    "a lone surrogate in a key": ('{"\\udfff": 1}', "a NUL character or a lone surrogate"),
}


def _cells(prefix: str, field, value) -> dict:
    return {f"{prefix}-{index}-{name}": text for index, row in enumerate(field.prepare_value(value))
            for name, text in row.items()}  # fmt: skip


def question_data(question, **changes) -> dict:
    """The question's change form as the page posts it: its rows' cells, each named after its row."""
    fields = QuestionAdminForm.base_fields
    data = {"quiz": question.quiz_id, "key": question.key, "order": question.order, "title": question.title,
            "prompt": question.prompt, "calculator": question.calculator, "given": ", ".join(question.given)}
    data |= _cells("params", fields["params"], {"params": question.params, "ranges": question.ranges})
    data |= _cells("formulas", fields["formulas"], question.formulas)
    data |= _cells("constraints", fields["constraints"], question.constraints)
    return {**data, **changes}


def part_data(part, prefix: str = "", **changes) -> dict:
    fields = PartAdminForm.base_fields
    data = {name: getattr(part, name) for name in ("key", "order", "prompt", "points", "kind", "output", "unit",
            "relative_tolerance", "absolute_tolerance", "shape_feedback", "correct_choice")}  # fmt: skip
    data |= {"question": part.question_id, **({"partial_credit": "on"} if part.partial_credit else {})}
    for name in ("mistakes", "choices", "rubric"):
        data |= _cells(name, fields[name], getattr(part, name))
    data = {**data, **changes}
    return {f"{prefix}{name}": value for name, value in data.items()}


@pytest.mark.parametrize("cell", ["params-0-value", "params-0-range"])
@pytest.mark.parametrize("label", list(BAD_JSON))
def test_the_question_form_refuses_values_it_cannot_hold_with_a_field_error(quiz, cell, label):
    question = quiz.questions.get(key="q2")
    text, message = BAD_JSON[label]
    form = QuestionAdminForm(question_data(question, **{cell: text}), instance=question)
    assert not form.is_valid()
    assert message in " ".join(form.errors["params"])
    assert "Row 1" in " ".join(form.errors["params"])
    assert escape(text) in form.as_p(), "shown again as typed"


@pytest.mark.parametrize(
    ("cell", "field"),
    [("mistakes-0-credit", "mistakes"), ("mistakes-0-feedback", "mistakes"), ("mistakes-0-label", "mistakes")],
)
@pytest.mark.parametrize("label", ["a 5,000-digit integer", "an overflowing float", "NaN"])
def test_the_part_form_refuses_numbers_it_cannot_hold_with_a_field_error(quiz, cell, field, label):
    part = quiz.questions.get(key="q2").parts.get(key="a")
    text, message = BAD_JSON[label]
    form = PartAdminForm(part_data(part, **{cell: text.strip("[]{}")}), instance=part)
    if cell.endswith("credit"):
        assert not form.is_valid()
        assert "Row 1, credit" in " ".join(form.errors[field])
    else:  # text cells keep any text
        assert form.is_valid(), form.errors
    form.as_p()


@pytest.mark.parametrize("cell", ["mistakes-0-feedback", "mistakes-0-label"])
@pytest.mark.parametrize("character", ["\x00", "\ud800"])
def test_the_part_form_refuses_text_the_database_cannot_store(quiz, cell, character):
    part = quiz.questions.get(key="q2").parts.get(key="a")
    form = PartAdminForm(part_data(part, **{cell: f"a{character}b"}), instance=part)
    assert not form.is_valid()
    assert "a NUL character or a lone surrogate" in " ".join(form.errors["mistakes"])


def test_the_forms_still_take_the_banks_own_values(quiz):
    for question in quiz.questions.all():
        form = QuestionAdminForm(question_data(question), instance=question)
        assert form.is_valid(), (question.key, form.errors)
        for part in question.parts.all():
            form = PartAdminForm(part_data(part), instance=part)
            assert form.is_valid(), (part, form.errors)


def test_limits_leave_room_for_real_questions():
    assert rows.read_value('{"a": [[[[1.5e12, -3, 0.001]]]], "b": "Ünïcode ✓"}') == {
        "a": [[[[1.5e12, -3, 0.001]]]], "b": "Ünïcode ✓",
    }
    assert rows.read_value("[" * 32 + "]" * 32) is not None


@pytest.mark.parametrize(
    "value",
    [0, -3, 2.5, 1e-07, "same", "32", "true", "two words", "", " padded ", 'say "hi"', [1, 2], [[1, 0], [0, 1]], True,
     None, {"a": 1}],
)
def test_a_value_reads_back_as_itself(value):
    assert rows.read_value(rows.show_value(value)) == value


@pytest.mark.parametrize(
    "span",
    [[8, 64], [-3, 5], [0.5, 1.5], {"choices": [1, 3, 16]}, {"choices": ["same", "valid"]}, {"choices": ["a, b", "c"]},
     {"vector": {"length": [6, 11], "values": [-6, 6]}},
     {"matrix": {"rows": [4, 6], "cols": [4, 6], "values": [-3, 5]}}, [1, 2, 3], {"other": 1}],
)
def test_a_range_reads_back_as_itself(span):
    assert rows.read_range(rows.show_range(span)) == span


def test_the_short_forms_of_ranges():
    assert rows.show_range([8, 64]) == "8 to 64"
    assert rows.show_range({"choices": ["same", "valid"]}) == "one of same, valid"
    vector = {"vector": {"length": [6, 11], "values": [-6, 6]}}
    assert rows.show_range(vector) == "vector length 6 to 11, values -6 to 6"
    assert rows.read_range("Matrix rows 2 to 3, cols 2 to 3, values 0 to 9") == {
        "matrix": {"rows": [2, 3], "cols": [2, 3], "values": [0, 9]}
    }


def test_the_admin_page_shows_the_error_and_saves_nothing(admin_client, quiz):
    question = quiz.questions.get(key="q2")
    before = question.params
    url = reverse("admin:quiz_question_change", args=[question.pk])
    page = admin_client.get(url)
    assert page.status_code == 200
    data = {**_management(question), **question_data(question, **{"params-0-value": "[" * 100_000})}
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert "nested more than 32 levels deep" in response.content.decode()
    question.refresh_from_db()
    assert question.params == before


def _management(question) -> dict:
    """The part inline's management form and each part's current values, as the change page posts them."""
    parts = list(question.parts.order_by("order"))
    data = {"parts-TOTAL_FORMS": len(parts), "parts-INITIAL_FORMS": len(parts), "parts-MIN_NUM_FORMS": 0,
            "parts-MAX_NUM_FORMS": 1000}
    for index, part in enumerate(parts):
        data |= {name: "" if value is None else value for name, value in part_data(part, f"parts-{index}-").items()}
        data[f"parts-{index}-id"] = part.pk
    return data


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"calculator": "abacus"}, "calculator", "unknown calculator 'abacus'; choose one of conv1d, conv_stack"),
        ({"params-0-name": "renamed"}, "params", "renamed: not a parameter of conv_stack"),
        ({"params-STRIDE-range": '[0, "x"]'}, "params", "stride"),
        ({"given": "nothing"}, "given", "given: 'nothing' is not a parameter"),
    ],
    ids=["calculator", "params", "ranges", "given"],
)
def test_the_question_form_shows_the_graders_message_on_the_field_at_fault(quiz, changes, field, message):
    question = quiz.questions.get(key="q2")
    # The row of stride, wherever the database keeps it among the parameters.
    stride = str(list(question.params).index("stride"))
    changes = {name.replace("STRIDE", stride): value for name, value in changes.items()}
    form = QuestionAdminForm(question_data(question, **changes), instance=question)
    assert not form.is_valid()
    assert message in " ".join(form.errors[field])


def test_the_question_form_takes_the_formulas_of_a_loaded_bank(formula_quiz):
    for question in formula_quiz.questions.all():
        assert QuestionAdminForm(question_data(question), instance=question).is_valid(), question.key


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"calculator": "conv_stack"}, "calculator", "give either a calculator or formulas, not both"),
        ({"formulas-1-name": "out_h"}, "formulas", "Row 2, output: “out_h” is used twice"),
        ({"formulas-0-expression": "h // (k - 3)"}, "formulas",
         "question h1, output out_h: division by zero in 32 // 0"),
        ({"constraints-0-expression": "h > 100"}, "constraints", "question h1, constraint `h > 100`: is False"),
        ({"params-99-name": "hh", "params-99-range": "1 to 2"}, "params", "not a parameter"),
    ],
)
def test_the_question_form_checks_formulas_as_a_bank_load_does(formula_quiz, changes, field, message):
    question = formula_quiz.questions.get(key="h1")
    form = QuestionAdminForm(question_data(question, **changes), instance=question)
    assert not form.is_valid()
    assert message in " ".join(form.errors[field])


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"output": "nothing"}, "output",
         "question q2 part a: output: 'nothing' is not computed by conv_stack (it computes "),
        ({"relative_tolerance": "-1"}, "relative_tolerance",
         "question q2 part a: relative_tolerance: must be a number of at least 0"),
        ({"kind": "choice"}, "output", "question q2 part a: output: choice parts take no calculator output"),
        ({"mistakes-0-output": ""}, "mistakes", "question q2 part a: mistakes[0].output: required"),
    ],
    ids=["output", "tolerance", "kind", "mistake"],
)
def test_the_part_form_shows_the_graders_message_on_the_field_it_names(quiz, changes, field, message):
    part = quiz.questions.get(key="q2").parts.get(key="a")
    form = PartAdminForm(part_data(part, **changes), instance=part)
    assert not form.is_valid()
    assert message in " ".join(form.errors[field])


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"relative_tolerance": "-1"}, "relative_tolerance",
         "Frage q2, Teil a: relative_tolerance: muss eine Zahl von mindestens 0 sein"),
        ({"mistakes-0-output": ""}, "mistakes", "Frage q2, Teil a: mistakes[0].output: erforderlich"),
    ],
    ids=["tolerance", "mistake"],
)
def test_the_part_form_finds_the_field_a_german_message_names(quiz, changes, field, message):
    part = quiz.questions.get(key="q2").parts.get(key="a")
    with grader.use_language("de"):
        form = PartAdminForm(part_data(part, **changes), instance=part)
        assert not form.is_valid()
    assert form.errors[field] == [message]


def test_a_parts_output_must_be_one_of_the_question_formulas(formula_quiz):
    part = formula_quiz.questions.get(key="h1").parts.get(key="b")
    form = PartAdminForm(part_data(part, output="parameters"), instance=part)
    assert not form.is_valid()
    message = form.non_field_errors()[0]
    assert "question h1, part b: no formula computes 'parameters' (outputs: out_h, out_w, out_hw" in message
