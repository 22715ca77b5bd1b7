"""Writing questions in the admin without JSON: every question's change page, posted back as a
browser posts it, saves the question unchanged; bad cells are field errors; the live check, the
copies and who may use them."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from django.urls import reverse

import grader
from quiz.bank import COSTS_BANK, load_question_bank
from quiz.forms import KIND_FIELDS
from quiz.models import Part, Question, Quiz

QUESTION_STORED = ("key", "order", "title", "prompt", "calculator", "params", "ranges", "given", "formulas",
                   "constraints")  # fmt: skip
PART_STORED = ("key", "order", "prompt", "points", "kind", *Part.SPEC_FIELDS, "correct_choice")


class FormReader(HTMLParser):
    """The fields a browser posts from the page's change form, as they are shown."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.fields: list[tuple[str, str]] = []
        self._textarea: str | None = None
        self._select: str | None = None
        self._text = ""
        self._in_form = False

    @classmethod
    def read(cls, page: str) -> list[tuple[str, str]]:
        reader = cls()
        reader.feed(page)
        return reader.fields

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "form" and attributes.get("id", "").endswith("_form"):
            self._in_form = True
        if not self._in_form:
            return
        name = attributes.get("name")
        if tag == "input" and name and attributes.get("type") not in ("submit", "button"):
            if attributes.get("type") == "checkbox" and "checked" not in attributes:
                return
            checkbox = attributes.get("type") == "checkbox"
            self.fields.append((name, attributes.get("value") or ("on" if checkbox else "")))
        elif tag == "textarea" and name:
            self._textarea, self._text = name, ""
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select and "selected" in attributes:
            self.fields.append((self._select, attributes.get("value", "")))

    def handle_data(self, data):
        if self._textarea is not None:
            self._text += data

    def handle_endtag(self, tag):
        if tag == "textarea" and self._textarea is not None:
            # A browser drops the one newline that follows <textarea>.
            self.fields.append((self._textarea, self._text.removeprefix("\n")))
            self._textarea = None
        elif tag == "select":
            self._select = None
        elif tag == "form":
            self._in_form = False


def posted(page: str, **changes) -> dict:
    data: dict[str, list[str]] = {}
    for name, value in FormReader.read(page):
        data.setdefault(name, []).append(value)
    data.update({name: [value] for name, value in changes.items()})
    return data


def stored(question: Question) -> dict:
    question.refresh_from_db()
    return {
        **{name: getattr(question, name) for name in QUESTION_STORED},
        "parts": [{name: getattr(part, name) for name in PART_STORED} for part in question.parts.order_by("order")],
    }


def change_url(question: Question) -> str:
    return reverse("admin:quiz_question_change", args=[question.pk])


def every_question(*quizzes: Quiz) -> list[Question]:
    return [question for quiz in quizzes for question in quiz.questions.order_by("order")]


def test_every_bank_question_saved_from_its_change_page_is_stored_unchanged(admin_client, quiz, formula_quiz):
    load_question_bank(COSTS_BANK)
    questions = every_question(*Quiz.objects.all())
    assert len(questions) >= 20
    for question in questions:
        before = stored(question)
        page = admin_client.get(change_url(question)).content.decode()
        assert 'name="params-0-name"' in page or not before["params"], question.key
        response = admin_client.post(change_url(question), posted(page, _save="Save"))
        assert response.status_code == 302, (question.key, _errors(response))
        assert stored(question) == before, question.key


def test_the_change_page_has_no_json_text_boxes(admin_client, formula_quiz):
    question = formula_quiz.questions.get(key="h1")
    page = admin_client.get(change_url(question)).content.decode()
    fields = dict(posted(page))
    for name in ("params", "ranges", "formulas", "constraints", "parts-0-mistakes", "parts-0-choices"):
        assert name not in fields
    table = [(fields[f"params-{index}-name"][0], fields[f"params-{index}-value"][0], fields[f"params-{index}-range"][0])
             for index in range(len(question.params))]  # fmt: skip
    assert table[:3] == [("h", "32", "8 to 64"), ("w", "48", "8 to 64"), ("c_in", "3", "one of 1, 3, 16")]
    assert table[5] == ("stride", "2", "")
    assert fields["formulas-0-name"] == ["out_h"]
    assert fields["constraints-0-expression"] == ["out_h >= 1"]
    assert fields["parts-0-mistakes-0-key"]
    # Each formula's value on the seed numbers, beside it.
    assert '<output class="rows-shown" data-shown="value" aria-live="polite">15</output>' in page


def parameter_names(page: str) -> list[str]:
    return [value for name, value in FormReader.read(page) if re.fullmatch(r"params-\d+-name", name) and value]


def test_parameter_rows_come_back_in_the_order_the_author_put_them_after_a_save(admin_client, formula_quiz):
    question = formula_quiz.questions.get(key="h1")
    page = admin_client.get(change_url(question)).content.decode()
    assert parameter_names(page) == ["h", "w", "c_in", "c_out", "k", "stride", "p", "dilation"]
    data = posted(page, _save="Save")
    # The author moves the last row (dilation) to the top.
    rows = [{column: data.pop(f"params-{index}-{column}") for column in ("name", "value", "range")}
            for index in range(8)]  # fmt: skip
    for index, row in enumerate([rows[-1], *rows[:-1]]):
        data.update({f"params-{index}-{column}": value for column, value in row.items()})

    response = admin_client.post(change_url(question), data)

    assert response.status_code == 302, _errors(response)
    page = admin_client.get(change_url(question)).content.decode()
    assert parameter_names(page) == ["dilation", "h", "w", "c_in", "c_out", "k", "stride", "p"]
    question = Question.objects.get(pk=question.pk)
    assert list(question.params) == ["dilation", "h", "w", "c_in", "c_out", "k", "stride", "p"]
    assert list(question.ranges) == ["h", "w", "c_in", "k"]


def test_a_formula_question_written_in_rows_is_saved_as_the_bank_writes_it(admin_client, formula_quiz):
    question = formula_quiz.questions.get(key="h1")
    page = admin_client.get(change_url(question)).content.decode()
    data = posted(page, _save="Save")
    count = len(question.params)
    data.update({f"params-{count}-name": ["image"], f"params-{count}-value": ["[[1, 2], [3, 4]]"],
                 f"params-{count}-range": ["matrix rows 2 to 3, cols 2 to 3, values -1 to 4"]})  # fmt: skip
    response = admin_client.post(change_url(question), data)
    assert response.status_code == 302, _errors(response)
    question.refresh_from_db()
    assert question.params["image"] == [[1, 2], [3, 4]]
    assert question.ranges["image"] == {"matrix": {"rows": [2, 3], "cols": [2, 3], "values": [-1, 4]}}


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"params-0-value": "[1, 2"}, "Row 1, seed value: “[1, 2” is not a number, a list"),
        ({"params-0-value": "[" * 100 + "]" * 100}, "nested more than 32 levels deep"),
        ({"params-0-value": "1e999"}, "NaN or an infinity"),
        ({"params-0-value": "9" * 5000}, "a number beyond ±1e+18"),
        ({"params-0-range": "8 to"}, "Row 1, range: “8 to” is not a range"),
        ({"params-1-name": "h"}, "Row 2, name: “h” is used twice"),
        ({"params-0-value": "", "params-0-range": ""}, "Row 1, seed value: give h a seed value, a range or both"),
        ({"params-0-value": "1\x00"}, "a NUL character or a lone surrogate"),
        ({"formulas-0-expression": ""}, "Row 1, expression: required"),
        ({"formulas-1-expression": "h // (k - 3)"}, "question h1, output out_w: division by zero"),
        ({"constraints-0-expression": "h > 100"}, "constraint `h > 100`: is False"),
        ({"given": "nothing"}, "given: 'nothing' is not a parameter"),
    ],
)
def test_bad_cells_are_field_errors_and_nothing_is_saved(admin_client, formula_quiz, changes, message):
    question = formula_quiz.questions.get(key="h1")
    before = stored(question)
    page = admin_client.get(change_url(question)).content.decode()
    response = admin_client.post(change_url(question), posted(page, _save="Save", **changes))
    assert response.status_code == 200
    field = next(iter(changes)).split("-")[0]
    errors = response.context["adminform"].form.errors
    assert message in " ".join(errors[field]), errors
    assert stored(question) == before


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"parts-0-mistakes-0-credit": "lots"}, "mistakes", "Row 1, credit: “lots” is not a number"),
        ({"parts-0-mistakes-0-credit": "2"}, "mistakes", "mistakes[0].credit: must be a number between 0 and 1"),
        ({"parts-0-mistakes-0-feedback": ""}, "mistakes", "mistakes[0].feedback: required"),
        ({"parts-0-output": "nothing"}, "__all__", "no formula computes 'nothing'"),
        ({"parts-0-kind": "choice"}, "output", "choice parts take no calculator output"),
    ],
)
def test_bad_part_cells_are_errors_on_the_part_field(admin_client, formula_quiz, changes, field, message):
    question = formula_quiz.questions.get(key="h1")
    before = stored(question)
    page = admin_client.get(change_url(question)).content.decode()
    response = admin_client.post(change_url(question), posted(page, _save="Save", **changes))
    assert response.status_code == 200
    errors = response.context["inline_admin_formsets"][0].formset.forms[0].errors
    assert message in " ".join(errors[field]), errors
    assert stored(question) == before


def test_hints_typed_on_a_written_part_are_refused_naming_the_field(admin_client, quiz):
    question = quiz.questions.get(key="q1")
    page = admin_client.get(change_url(question)).content.decode()
    response = admin_client.post(change_url(question), posted(page, _save="Save", **{
        "parts-0-hints-0-text": "Think of the weights.",
    }))  # fmt: skip
    assert response.status_code == 200
    errors = response.context["inline_admin_formsets"][0].formset.forms[0].errors
    assert errors["hints"] == [
        "question q1 part a: hints: text parts are never checked before submitting, so no student would see the hints"
    ]
    assert "Think of the weights." in response.content.decode()  # still in the form, to copy elsewhere
    assert question.parts.get().hints == []


def test_hints_typed_on_a_part_that_is_checked_are_saved(admin_client, formula_quiz):
    question = formula_quiz.questions.get(key="h1")
    page = admin_client.get(change_url(question)).content.decode()
    data = posted(page, _save="Save", **{"parts-0-hints-0-text": "The stride divides the padded size."})
    response = admin_client.post(change_url(question), data)
    assert response.status_code == 302, _errors(response)
    assert question.parts.order_by("order").first().hints == ["The stride divides the padded size."]


def test_choices_and_rubric_items_are_rows(admin_client, quiz):
    question = quiz.questions.get(key="q7")
    page = admin_client.get(change_url(question)).content.decode()
    data = posted(page, _save="Save")
    choice_part = next(index for index in range(4) if data[f"parts-{index}-kind"] == ["choice"])
    data[f"parts-{choice_part}-choices-9-key"] = ["z"]
    data[f"parts-{choice_part}-choices-9-label"] = ["Neither"]
    data["parts-0-rubric-0-phrases"] = [data["parts-0-rubric-0-phrases"][0] + "\nanother phrase"]
    response = admin_client.post(change_url(question), data)
    assert response.status_code == 302, _errors(response)
    parts = list(question.parts.order_by("order"))
    assert parts[choice_part].choices[-1] == {"key": "z", "label": "Neither"}
    assert parts[0].rubric[0]["phrases"][-1] == "another phrase"


def _errors(response) -> object:
    context = response.context
    if not context or "adminform" not in context:
        return response.status_code
    return context["adminform"].form.errors, [f.errors for s in context["inline_admin_formsets"] for f in s.formset]


# --- The live check -----------------------------------------------------------------------------


def check_url(question: Question | None = None) -> str:
    url = reverse("admin:quiz_question_check")
    return f"{url}?question={question.pk}" if question else url


def test_the_live_check_gives_each_formulas_value_on_the_seed_numbers(admin_client, formula_quiz):
    question = formula_quiz.questions.get(key="h1")
    page = admin_client.get(change_url(question)).content.decode()
    reply = admin_client.post(check_url(question), posted(page)).json()
    assert reply["errors"] == {}
    assert reply["seed"] is None
    assert reply["params"]["h"] == "32"
    assert reply["values"]["out_h"] == "15"
    assert list(reply["values"]) == [name for name, _ in question.formulas]


def test_the_live_check_draws_a_random_variant_from_the_ranges(admin_client, formula_quiz):
    question = formula_quiz.questions.get(key="h1")
    page = admin_client.get(change_url(question)).content.decode()
    replies = [admin_client.post(check_url(question), posted(page, seed=str(seed))).json() for seed in range(6)]
    assert {reply["params"]["h"] for reply in replies} != {"32"}
    for reply in replies:
        assert 8 <= int(reply["params"]["h"]) <= 64
        assert reply["errors"] == {}


def test_the_live_check_places_a_failing_formula_and_keeps_the_values_before_it(admin_client, formula_quiz):
    question = formula_quiz.questions.get(key="h1")
    page = admin_client.get(change_url(question)).content.decode()
    reply = admin_client.post(check_url(question), posted(page, **{"formulas-1-expression": "w // (k - 3)"})).json()
    assert reply["failed"] == "out_w"
    assert reply["values"] == {"out_h": "15"}
    assert "output out_w: division by zero" in reply["errors"]["formulas"][0]


def test_the_live_check_of_a_new_question_puts_bad_cells_on_their_field(admin_client, formula_quiz):
    data = {"params-0-name": "h", "params-0-value": "[1,", "formulas-0-name": "double", "formulas-0-expression": "2*h"}
    reply = admin_client.post(check_url(), data).json()
    assert "Row 1, seed value" in reply["errors"]["params"][0]
    data["params-0-value"] = "21"
    reply = admin_client.post(check_url(), data).json()
    assert reply == {"seed": None, "params": {"h": "21"}, "values": {"double": "42"}, "failed": "", "errors": {}}


def test_the_live_check_refuses_other_methods_outsiders_and_a_missing_token(
    client, admin_client, admin_user, tess, formula_quiz
):
    from django.test import Client

    question = formula_quiz.questions.get(key="h1")
    assert admin_client.get(check_url(question)).status_code == 405
    client.force_login(tess)
    assert client.post(check_url(question), {}).status_code == 302  # not staff: the admin's login
    assert admin_client.post(f"{reverse('admin:quiz_question_check')}?question=999999", {}).status_code == 404
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(admin_user)
    assert strict.post(check_url(question), {}).status_code == 403


def test_staff_without_the_right_to_change_questions_cannot_check_one(client, django_user_model, formula_quiz):
    viewer = django_user_model.objects.create_user("viewer", password="x", is_staff=True)
    client.force_login(viewer)
    question = formula_quiz.questions.get(key="h1")
    assert client.post(check_url(question), {}).status_code == 403
    assert client.post(check_url(), {}).status_code == 403


# --- Copies ------------------------------------------------------------------------------------


def test_duplicating_a_quiz_copies_its_settings_questions_and_parts(admin_client, formula_quiz):
    response = admin_client.post(
        reverse("admin:quiz_quiz_changelist"), {"action": "duplicate", "_selected_action": [formula_quiz.pk]}
    )
    assert response.status_code == 302
    copy = Quiz.objects.get(key=f"{formula_quiz.key}-copy")
    assert copy.title == f"Copy of {formula_quiz.title}"
    assert copy.randomize_numbers == formula_quiz.randomize_numbers
    originals = [stored(question) for question in formula_quiz.questions.order_by("order")]
    assert [stored(question) for question in copy.questions.order_by("order")] == originals
    assert copy.questions.first().bank_hashes == {}
    # The original is untouched, and a second copy gets its own key.
    again = {"action": "duplicate", "_selected_action": [formula_quiz.pk]}
    admin_client.post(reverse("admin:quiz_quiz_changelist"), again)
    assert Quiz.objects.filter(key=f"{formula_quiz.key}-copy-2").exists()


def test_duplicating_a_question_copies_it_into_its_own_quiz(admin_client, formula_quiz):
    question = formula_quiz.questions.get(key="h1")
    response = admin_client.post(
        reverse("admin:quiz_question_changelist"), {"action": "duplicate", "_selected_action": [question.pk]}
    )
    assert response.status_code == 302
    copy = formula_quiz.questions.get(key="h1-copy")
    assert copy.order > max(q.order for q in formula_quiz.questions.exclude(pk=copy.pk))
    assert {**stored(copy), "key": "h1", "order": 0} == {**stored(question), "order": 0}


def test_a_new_quiz_is_assembled_from_chosen_questions(admin_client, quiz, formula_quiz):
    chosen = [quiz.questions.get(key="q2"), formula_quiz.questions.get(key="h1")]
    url = reverse("admin:quiz_question_changelist")
    selection = {"action": "copy_into_quiz", "_selected_action": [question.pk for question in chosen]}
    page = admin_client.post(url, selection)
    assert page.status_code == 200
    assert "Copy questions into a quiz" in page.content.decode()
    refused = admin_client.post(url, {**selection, "apply": "1", "new_key": "mixed"})
    assert "Choose a quiz above, or give the new quiz a title." in refused.content.decode()
    assert not Quiz.objects.filter(key="mixed").exists()
    response = admin_client.post(url, {**selection, "apply": "1", "new_key": "mixed", "new_title": "Mixed"})
    assembled = Quiz.objects.get(key="mixed")
    assert response.status_code == 302 and response.url == reverse("admin:quiz_quiz_change", args=[assembled.pk])
    assert list(assembled.questions.order_by("order").values_list("key", flat=True)) == ["q2", "h1"]
    # Copied again into the same quiz: new keys, after the others.
    admin_client.post(url, {**selection, "apply": "1", "quiz": assembled.pk})
    assert list(assembled.questions.order_by("order").values_list("key", flat=True)) == [
        "q2", "h1", "q2-copy", "h1-copy",
    ]


def _staff(django_user_model, *codenames):
    from django.contrib.auth.models import Permission

    user = django_user_model.objects.create_user("editor", password="x", is_staff=True)
    user.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
    return user


def test_staff_who_may_not_add_quizzes_questions_and_parts_cannot_duplicate_a_quiz(
    client, django_user_model, formula_quiz
):
    client.force_login(_staff(django_user_model, "view_quiz", "change_quiz", "add_quiz", "view_question"))
    changelist = reverse("admin:quiz_quiz_changelist")
    assert "Duplicate the selected quizzes" not in client.get(changelist).content.decode()
    client.post(changelist, {"action": "duplicate", "_selected_action": [formula_quiz.pk]})
    assert not Quiz.objects.filter(key=f"{formula_quiz.key}-copy").exists()


def test_staff_who_may_add_questions_but_not_quizzes_copy_only_into_an_existing_quiz(
    client, django_user_model, quiz, formula_quiz
):
    client.force_login(_staff(django_user_model, "view_question", "add_question", "add_part", "view_quiz"))
    url = reverse("admin:quiz_question_changelist")
    selection = {"action": "copy_into_quiz", "_selected_action": [quiz.questions.get(key="q2").pk], "apply": "1"}
    refused = client.post(url, {**selection, "new_key": "mine", "new_title": "Mine"})
    assert "You may not add quizzes" in refused.content.decode()
    assert not Quiz.objects.filter(key="mine").exists()
    client.post(url, {**selection, "quiz": formula_quiz.pk})
    assert formula_quiz.questions.filter(key="q2").exists()


def test_the_kind_select_says_which_fields_each_kind_uses(admin_client, formula_quiz):
    question = formula_quiz.questions.get(key="h1")
    page = admin_client.get(change_url(question)).content.decode()
    assert "data-kind-fields=" in page
    assert "js/question-authoring" in page


@pytest.mark.parametrize("kind", [kind.value for kind in grader.AnswerKind])
def test_the_fields_hidden_for_a_kind_are_the_ones_the_grader_refuses_for_it(kind):
    filled = {
        "output": "out", "unit": "MB", "relative_tolerance": 0.1, "absolute_tolerance": 0.1, "partial_credit": True,
        "significant_figures": 3, "decimal_places": 2,
        "shape_feedback": "Wrong shape.", "mistakes": [{"key": "m", "output": "x", "credit": 0, "feedback": "No."}],
        "choices": [{"key": "a", "label": "A"}, {"key": "b", "label": "B"}], "correct_choice": "a",
        "rubric": [{"key": "c", "label": "C", "phrases": ["c"]}], "hints": ["Look again."],
    }  # fmt: skip
    for field, kinds in KIND_FIELDS.items():
        if kind in kinds or field in ("shape_feedback", "hint_after_checks"):  # never refused, only unused
            continue
        part = {"key": "a", "kind": kind, field: filled[field]}
        if field == "correct_choice":
            part["correct"] = part.pop("correct_choice")
        with pytest.raises(ValueError):
            grader.PartSpec.from_dict(part)
