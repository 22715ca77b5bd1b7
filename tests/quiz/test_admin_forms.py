"""The admin's question and part forms refuse JSON that would break later, each with a field error.

Parameters nested thousands of levels deep, numbers no question holds, NaN, a NUL or a lone
surrogate in a string: each is a message on the field, the page is shown again with the
text as typed, and nothing is saved. Before, each was a 500.
"""

from __future__ import annotations

import json

import pytest
from django.forms.models import model_to_dict
from django.urls import reverse

from quiz.forms import PartAdminForm, QuestionAdminForm, StrictJSONField

QUESTION_FIELDS = ["params", "ranges", "given", "formulas", "constraints"]
PART_FIELDS = ["mistakes", "choices", "rubric"]
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


def question_data(question, **changes) -> dict:
    data = model_to_dict(question, fields=QuestionAdminForm.Meta.fields)
    for name in QUESTION_FIELDS:
        data[name] = json.dumps(data[name])
    return {**data, **changes}


def part_data(part, **changes) -> dict:
    data = model_to_dict(part, fields=PartAdminForm.Meta.fields)
    for name in PART_FIELDS:
        data[name] = json.dumps(data[name])
    return {**data, **changes}


@pytest.mark.parametrize("field", QUESTION_FIELDS)
@pytest.mark.parametrize("label", list(BAD_JSON))
def test_the_question_form_refuses_json_it_cannot_hold_with_a_field_error(quiz, field, label):
    question = quiz.questions.get(key="q2")
    text, message = BAD_JSON[label]
    form = QuestionAdminForm(question_data(question, **{field: text}), instance=question)
    assert not form.is_valid()
    assert message in " ".join(form.errors[field])
    assert str(form[field].value()) == text, "shown again as typed"
    form.as_p()  # the page with the error renders


@pytest.mark.parametrize("field", PART_FIELDS)
@pytest.mark.parametrize("label", list(BAD_JSON))
def test_the_part_form_refuses_json_it_cannot_hold_with_a_field_error(quiz, field, label):
    part = quiz.questions.get(key="q2").parts.get(key="a")
    text, message = BAD_JSON[label]
    form = PartAdminForm(part_data(part, **{field: text}), instance=part)
    assert not form.is_valid()
    assert message in " ".join(form.errors[field])
    form.as_p()


def test_the_forms_still_take_the_banks_own_json(quiz):
    for question in quiz.questions.all():
        assert QuestionAdminForm(question_data(question), instance=question).is_valid(), question.key
        for part in question.parts.all():
            form = PartAdminForm(part_data(part), instance=part)
            assert form.is_valid(), (part, form.errors)


def test_limits_leave_room_for_real_questions():
    field = StrictJSONField()
    assert field.clean('{"a": [[[[1.5e12, -3, 0.001]]]], "b": "Ünïcode ✓"}') == {
        "a": [[[[1.5e12, -3, 0.001]]]], "b": "Ünïcode ✓",
    }
    assert field.clean("[" * 32 + "]" * 32) is not None


def test_the_admin_page_shows_the_error_and_saves_nothing(admin_client, quiz):
    question = quiz.questions.get(key="q2")
    before = question.params
    url = reverse("admin:quiz_question_change", args=[question.pk])
    page = admin_client.get(url)
    assert page.status_code == 200
    data = {**_management(question), **question_data(question, params="[" * 100_000)}
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
        for name, value in part_data(part).items():
            data[f"parts-{index}-{name}"] = "" if value is None else value
        data[f"parts-{index}-id"] = part.pk
    return data


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"calculator": "abacus"}, "calculator", "unknown calculator 'abacus'; choose one of conv1d, conv_stack"),
        ({"params": '{"stride": 1}'}, "params", "input_height: missing"),
        ({"ranges": '{"stride": [0, "x"]}'}, "ranges", "stride"),
        ({"given": '["nothing"]'}, "given", "given: 'nothing' is not a parameter"),
    ],
    ids=["calculator", "params", "ranges", "given"],
)
def test_the_question_form_shows_the_graders_message_on_the_field_at_fault(quiz, changes, field, message):
    question = quiz.questions.get(key="q2")
    form = QuestionAdminForm(question_data(question, **changes), instance=question)
    assert not form.is_valid()
    assert message in " ".join(form.errors[field])


def test_the_question_form_takes_the_formulas_of_a_loaded_bank(formula_quiz):
    for question in formula_quiz.questions.all():
        assert QuestionAdminForm(question_data(question), instance=question).is_valid(), question.key


FIRST_OUTPUT_FAILS = json.dumps(
    [["out_h", "h // (k - 3)"], ["out_w", "w"], ["out_hw", "[out_h, out_w]"], ["undilated", "[h, w]"],
     ["params", "c_in"], ["params_no_bias", "c_out"]]
)  # fmt: skip


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"calculator": "conv_stack"}, "calculator", "give either a calculator or formulas, not both"),
        ({"formulas": '{"out_h": "h - k + 1"}'}, "formulas", "Give [output, expression] pairs in order"),
        ({"formulas": '[["a", "h"], ["a", "k"]]'}, "formulas", "each output once"),
        ({"formulas": FIRST_OUTPUT_FAILS}, "formulas", "question h1, output out_h: division by zero in 32 // 0"),
        ({"constraints": '["h > 100"]'}, "constraints", "question h1, constraint `h > 100`: is False"),
        ({"ranges": '{"hh": [1, 2]}'}, "ranges", "not a parameter"),
    ],
)
def test_the_question_form_checks_formulas_as_a_bank_load_does(formula_quiz, changes, field, message):
    question = formula_quiz.questions.get(key="h1")
    form = QuestionAdminForm(question_data(question, **changes), instance=question)
    assert not form.is_valid()
    assert message in " ".join(form.errors[field])


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"output": "nothing"}, "question q2 part a: output: 'nothing' is not computed by conv_stack (it computes "),
        ({"relative_tolerance": "-1"}, "question q2 part a: relative_tolerance: must be a number of at least 0"),
        ({"kind": "choice"}, "question q2 part a: output: choice parts take no calculator output"),
    ],
    ids=["output", "tolerance", "kind"],
)
def test_the_part_form_shows_the_graders_message_naming_question_part_and_field(quiz, changes, message):
    part = quiz.questions.get(key="q2").parts.get(key="a")
    form = PartAdminForm(part_data(part, **changes), instance=part)
    assert not form.is_valid()
    assert message in " ".join(form.errors["__all__"])


def test_a_parts_output_must_be_one_of_the_question_formulas(formula_quiz):
    part = formula_quiz.questions.get(key="h1").parts.get(key="b")
    form = PartAdminForm(part_data(part, output="parameters"), instance=part)
    assert not form.is_valid()
    message = form.non_field_errors()[0]
    assert "question h1, part b: no formula computes 'parameters' (outputs: out_h, out_w, out_hw" in message
