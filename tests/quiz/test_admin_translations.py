"""The admin's question and part authoring in German: nothing left in English but what the author wrote, names,
parameter names and code.

Pages are rendered as tests/quiz/test_teacher_translations.py renders a teacher's: for a browser asking for English
and one asking for German, and compared piece by piece (labels, help texts, placeholders, field errors).
"""

from __future__ import annotations

import html
import re

import pytest
from django.urls import reverse
from django.utils.functional import Promise

import grader
from quiz import rows
from quiz.models import BankChange, Part, Question
from tests.quiz.test_admin_authoring import posted
from tests.quiz.test_teacher_translations import TEACHERS_NEUTRAL, _teachers_authored, _TeachersText, without_authored
from tests.quiz.test_translations import WORDS, _client

ADMIN_NEUTRAL = TEACHERS_NEUTRAL | {"Status"}
"""Words German writes as English does: a response's and an outgoing score's status is its Status."""


BOOLEAN_ICONS = ("/icon-yes.svg", "/icon-no.svg", "/icon-unknown.svg")
"""A yes/no column's icon, whose text (True, False, None) Django's admin writes in English in every language."""


class AdminSiteText(_TeachersText):
    """An admin page's text, its menu of every app's models included, a yes/no icon's text left out."""

    def handle_starttag(self, tag, attrs):
        if tag == "img" and (dict(attrs).get("src") or "").endswith(BOOLEAN_ICONS):
            attrs = [(name, value) for name, value in attrs if name != "alt"]
        super().handle_starttag(tag, attrs)


class _AdminText(AdminSiteText):
    """An admin page's text without the menu (other apps' and libraries' names: tests/lti reads them)."""

    def handle_starttag(self, tag, attrs):
        super().handle_starttag(tag, attrs)
        if tag == "nav" and dict(attrs).get("id") == "nav-sidebar":
            self._stack[-1] = True


def _read(html: str, reader: type[AdminSiteText] = _AdminText) -> AdminSiteText:
    text = reader()
    text.feed(html)
    return text


def _untranslated(
    english: str, german: str, authored: list[str], *, reader: type[AdminSiteText] = _AdminText,
    neutral: frozenset[str] | set[str] = ADMIN_NEUTRAL,
) -> list[str]:  # fmt: skip
    """The pieces of text that come out the same in English and German, after taking out what may stay English
    (`authored`, and words in `neutral` that German writes as English does)."""
    left = []
    for piece in set(_read(english, reader).pieces) & set(_read(german, reader).pieces):
        piece = without_authored(piece, authored)
        if any(word not in neutral for word in WORDS.findall(piece)):
            left.append(piece)
    return sorted(left)


def _authors_text() -> list[str]:
    """What may stay English: the author's and people's texts, the questions' keys, calculators, parameter and
    output names, the placeholders that are code (`out_h >= 1`); longest first."""
    texts = list(_teachers_authored())
    for question in Question.objects.select_related("quiz"):
        texts += [question.key, question.quiz.key, question.calculator, question.pool, *question.params,
                  *question.ranges, *(name for name, _expression in question.formulas), *question.constraints]
        # A worked solution of a formula question writes its formulas: their names and the library's functions.
        texts += [name for _output, expression in question.formulas for name in re.findall(r"[A-Za-z_]\w*", expression)]
    texts += [change.source for change in BankChange.objects.all()]
    for part in Part.objects.all():
        texts += [part.output, *(mistake.get("key", "") for mistake in part.mistakes),
                  *(concept.get("key", "") for concept in part.rubric)]
    columns = (rows.PARAMETER_COLUMNS, rows.FORMULA_COLUMNS, rows.CONSTRAINT_COLUMNS, rows.HINT_COLUMNS,
               rows.MISTAKE_COLUMNS, rows.CHOICE_COLUMNS, rows.CONCEPT_COLUMNS)
    texts += [column.placeholder for group in columns for column in group
              if not isinstance(column.placeholder, Promise)]  # fmt: skip
    # A name of fewer than three letters (`h`, part `a`) holds no word the comparison reads, and is left in.
    return sorted({" ".join(text.split()) for text in texts if text and WORDS.search(text)}, key=len, reverse=True)


def _both(admin_user, method: str, url: str, data: dict | None = None) -> tuple[str, str]:
    replies = []
    for language in ("en", "de"):
        client = _client(language, admin_user)
        response = client.get(url) if method == "get" else client.post(url, data or {})
        assert response.status_code == 200, (url, language, response.status_code)
        replies.append(response.content.decode())
    return replies[0], replies[1]


def _assert_german(name: str, english: str, german: str, authored: list[str]) -> None:
    assert _read(german).lang == "de" and _read(english).lang == "en", name
    assert not _untranslated(english, german, authored), f"{name}: {_untranslated(english, german, authored)}"


def test_the_admins_authoring_pages_are_german_for_a_browser_that_asks_for_german(
    admin_user, quiz, formula_quiz
):
    question = quiz.questions.get(key="q2")
    formulas = formula_quiz.questions.get(key="h1")
    free_text = Part.objects.filter(kind=grader.AnswerKind.TEXT).select_related("question").first()
    part = question.parts.first()
    pages = {
        "quiz change": reverse("admin:quiz_quiz_change", args=[quiz.pk]),
        "question change": reverse("admin:quiz_question_change", args=[question.pk]),
        "formula question change": reverse("admin:quiz_question_change", args=[formulas.pk]),
        "written question change": reverse("admin:quiz_question_change", args=[free_text.question.pk]),
        "part change": reverse("admin:quiz_part_change", args=[part.pk]),
        "question add": reverse("admin:quiz_question_add"),
        "preview": reverse("admin:quiz_question_preview", args=[question.pk]),
        "formula preview": reverse("admin:quiz_question_preview", args=[formulas.pk]) + "?seed=12345",
        "written preview": reverse("admin:quiz_question_preview", args=[free_text.question.pk]),
        "preview with a bad seed": reverse("admin:quiz_question_preview", args=[question.pk]) + "?seed=x",
        "question history": reverse("admin:quiz_question_history", args=[question.pk]),
    }
    authored = _authors_text()
    untranslated = {}
    for name, url in pages.items():
        english, german = _both(admin_user, "get", url)
        assert _read(german).lang == "de", name
        untranslated[name] = _untranslated(english, german, authored)
    assert not {name: pieces for name, pieces in untranslated.items() if pieces}


def test_the_copy_page_and_its_refusal_are_german(admin_user, quiz):
    questions = list(quiz.questions.values_list("pk", flat=True)[:2])
    url = reverse("admin:quiz_question_changelist")
    asked = {"action": "copy_into_quiz", "_selected_action": questions}
    refused = {**asked, "apply": "1", "quiz": "", "new_key": "", "new_title": ""}
    authored = _authors_text()
    for name, data in (("copy", asked), ("copy refused", refused)):
        english, german = _both(admin_user, "post", url, data)
        _assert_german(name, english, german, authored)
    assert "Wählen Sie oben ein Quiz oder geben Sie dem neuen Quiz einen Schlüssel." in german


@pytest.mark.parametrize(
    ("changes", "german"),
    [
        ({"params-0-value": "[1, 2"}, "Zeile 1, Ausgangswert: „[1, 2“ ist weder eine Zahl"),
        ({"params-0-range": "8 to"}, "Zeile 1, Bereich: „8 to“ ist kein Bereich"),
        ({"params-1-name": "h"}, "Zeile 2, Name: „h“ kommt zweimal vor"),
        ({"params-0-value": "", "params-0-range": ""}, "Zeile 1, Ausgangswert: geben Sie h einen Ausgangswert"),
        ({"formulas-0-expression": ""}, "Zeile 1, Ausdruck: erforderlich"),
        ({"formulas-0-expression": "h +"}, None),
        ({"formulas-0-expression": "nowhere * 2"}, None),
        ({"parts-0-mistakes-0-credit": "lots"}, "Zeile 1, Anteil der Punkte: „lots“ ist keine Zahl"),
    ],
)
def test_a_question_posted_with_errors_says_what_is_wrong_in_german(admin_user, formula_quiz, changes, german):
    question = formula_quiz.questions.get(key="h1")
    url = reverse("admin:quiz_question_change", args=[question.pk])
    page = _client("en", admin_user).get(url).content.decode()
    data = posted(page, _save="Save", **changes)
    english, german_page = _both(admin_user, "post", url, data)
    assert "errorlist" in german_page
    typed = [value for value in changes.values() if value]
    _assert_german(str(changes), english, german_page, sorted([*_authors_text(), *typed], key=len, reverse=True))
    if german:
        assert german in german_page


@pytest.mark.parametrize(
    ("changes", "german"),
    [
        ({"calculator": "abacus"}, "unbekannter Rechner 'abacus'; wählen Sie einen von conv1d, conv_stack"),
        ({"params-STRIDE-value": "0"}, "stride: muss eine ganze Zahl von 1 bis 1000 sein"),
        ({"params-STRIDE-range": "0 to 5"}, "stride: muss innerhalb von 1 bis 1000 liegen"),
        ({"parts-0-output": "nowhere"}, "Frage q2, Teil a: output: 'nowhere' wird von conv_stack nicht berechnet"),
        ({"parts-0-unit": "MB"}, "Frage q2, Teil a: unit: nur Teile der Art quantity und count nehmen eine Einheit"),
        ({"parts-0-mistakes-0-key": ""}, "Frage q2, Teil a: mistakes[0].key: erforderlich"),
    ],
    ids=["calculator", "parameter", "range", "output", "unit", "mistake"],
)
def test_the_graders_check_of_a_posted_question_reads_german(admin_user, quiz, changes, german):
    question = quiz.questions.get(key="q2")
    # The row of stride, wherever the database keeps it among the parameters.
    stride = str(list(question.params).index("stride"))
    changes = {name.replace("STRIDE", stride): value for name, value in changes.items()}
    url = reverse("admin:quiz_question_change", args=[question.pk])
    data = posted(_client("en", admin_user).get(url).content.decode(), _save="Save", **changes)
    english, german_page = _both(admin_user, "post", url, data)
    typed = [value for value in changes.values() if value]
    _assert_german(str(changes), english, german_page, sorted([*_authors_text(), *typed], key=len, reverse=True))
    assert german in html.unescape(german_page)


def test_hints_on_a_written_part_are_refused_in_german(admin_user, quiz):
    question = quiz.questions.get(key="q1")
    url = reverse("admin:quiz_question_change", args=[question.pk])
    changes = {"parts-0-hints-0-text": "Denken Sie an die Gewichte."}
    data = posted(_client("en", admin_user).get(url).content.decode(), _save="Save", **changes)
    english, german_page = _both(admin_user, "post", url, data)
    typed = list(changes.values())
    _assert_german(str(changes), english, german_page, sorted([*_authors_text(), *typed], key=len, reverse=True))
    assert (
        "Frage q1, Teil a: hints: Teile der Art text werden vor der Abgabe nie geprüft, also bekämen Studierende "
        "die Hinweise nie zu sehen"
    ) in html.unescape(german_page)
    assert question.parts.get().hints == []


def test_the_live_check_answers_in_german(admin_user, formula_quiz):
    question = formula_quiz.questions.get(key="h1")
    page = _client("en", admin_user).get(reverse("admin:quiz_question_change", args=[question.pk])).content.decode()
    data = posted(page, **{"params-0-range": "8 to"})
    url = reverse("admin:quiz_question_check") + f"?question={question.pk}"
    reply = _client("de", admin_user).post(url, data).json()
    assert reply["errors"]["params"] == ["Zeile 1, Bereich: „8 to“ ist kein Bereich: Schreiben Sie 8 to 64, "
                                         "one of 3, 5, 7, vector length 6 to 11, values -6 to 6 oder matrix rows 4 "
                                         "to 6, cols 4 to 6, values -3 to 5"]


def test_the_admins_actions_say_what_they_did_in_german(admin_user, quiz):
    question = quiz.questions.get(key="q2")
    url = reverse("admin:quiz_question_changelist")
    reply = _client("de", admin_user).post(
        url, {"action": "duplicate", "_selected_action": [question.pk]}, follow=True
    ).content.decode()
    assert f"Angelegt: q2-copy in „{quiz.title}“." in reply
    changelist = _client("de", admin_user).get(url).content.decode()
    assert "Ausgewählte Fragen in ein Quiz kopieren…" in changelist and "in keiner Fragensammlung" in changelist


def test_an_account_too_close_to_another_is_refused_in_german(admin_user, alice):
    url = reverse("admin:auth_user_add")
    data = {"username": "ALICE", "password1": "a-Long-pass-2026", "password2": "a-Long-pass-2026",
            "usable_password": "true"}  # fmt: skip
    english, german = _both(admin_user, "post", url, data)
    # The rest of the page is checked whole by tests/lti/test_admin_translations.py.
    assert "“ALICE” is too close to the existing account “alice”" in english
    assert "„ALICE“ ist dem vorhandenen Konto „alice“ zu ähnlich" in german and "too close" not in german


def test_the_admin_is_named_after_the_app_in_the_readers_language(admin_user):
    english, german = _both(admin_user, "get", reverse("admin:index"))
    assert "<title>Site administration | ConvQuiz administration</title>" in english
    assert '<a href="/admin/">ConvQuiz administration</a>' in english and "Django administration" not in english
    assert "<title>Website-Verwaltung | ConvQuiz-Verwaltung</title>" in german
    assert '<a href="/admin/">ConvQuiz-Verwaltung</a>' in german
