"""An admin writes a formula question in Chromium with the admin's rows, sees each formula's value
as they type, saves, previews and tries an answer; is never offered hints for a written part; and
duplicates a quiz."""

import re

import pytest
from playwright.sync_api import expect

from quiz.models import Question, Quiz

pytestmark = pytest.mark.browser


def test_an_admin_writes_a_formula_question_in_rows_and_tries_an_answer(
    page, live_server, login, screenshot, admin_user, formula_quiz
):
    login(page, live_server, "root", "root-password")
    page.goto(f"{live_server.url}/admin/quiz/question/add/")
    question_fields = page.locator("fieldset").first
    question_fields.get_by_label("Quiz:").select_option(label=formula_quiz.title)
    question_fields.get_by_label("Key:").fill("n1")
    question_fields.get_by_label("Title:").fill("A valid convolution")
    question_fields.get_by_label("Prompt:").fill("A {k}-wide kernel slides over {h} pixels. How many outputs?")
    expect(page.get_by_label("Params:")).to_have_count(0)  # no JSON text box

    parameters = page.locator(".field-params")
    parameters.get_by_label("Name, row 1").fill("h")
    parameters.get_by_label("Seed value, row 1").fill("32")
    parameters.get_by_label("Range, row 1").fill("8 to 64")
    parameters.get_by_role("button", name="Add a parameter").click()
    parameters.get_by_label("Name, row 2").fill("k")
    parameters.get_by_label("Seed value, row 2").fill("3")
    parameters.get_by_label("Range, row 2").fill("one of 3, 5")

    formulas = page.locator(".field-formulas")
    formulas.get_by_label("Output, row 1").fill("out")
    formulas.get_by_label("Expression, row 1").fill("h - k + 1")
    value = formulas.locator(".rows-row").first.locator("output")
    expect(value).to_have_text("30")
    live = page.locator("#live-check")
    expect(live.get_by_role("status")).to_have_text("No problems found.")

    # A mistake in a formula is shown beside the formulas, and the value beside it says so.
    formulas.get_by_label("Expression, row 1").fill("h - kk + 1")
    expect(formulas.locator(".live-errors")).to_contain_text("kk")
    formulas.get_by_label("Expression, row 1").fill("h - k + 1")
    expect(value).to_have_text("30")
    expect(formulas.locator(".live-errors")).to_have_count(0)

    live.get_by_role("button", name="New random variant").click()
    expect(live.locator(".live-check-variant")).to_contain_text("random variant")
    params = live.locator(".live-check-params")
    expect(params).to_contain_text("h = ")
    h, k = (int(number) for number in re.findall(r"= (\d+)", params.inner_text()))
    expect(value).to_have_text(str(h - k + 1))
    live.get_by_role("button", name="Seed values").click()
    expect(value).to_have_text("30")
    formulas.get_by_role("button", name="Add a formula").click()
    formulas.get_by_label("Output, row 2").fill("padded")
    formulas.get_by_label("Expression, row 2").fill("conv_output_size(h, k, 1, \"same\")")
    expect(formulas.locator(".rows-row").nth(1).locator("output")).to_have_text("32")

    page.get_by_role("button", name="Add another Part").click()
    part = page.locator("#parts-0")
    part.get_by_label("Key:").fill("a")
    part.get_by_label("Prompt:").fill("The number of outputs.")
    part.get_by_label("Kind:").select_option(label="Choice")
    expect(part.locator(".field-choices")).to_be_visible()
    expect(part.locator(".field-output")).to_be_hidden()
    part.get_by_label("Kind:").select_option(label="Integer")
    expect(part.locator(".field-choices")).to_be_hidden()
    expect(part.locator(".field-rubric")).to_be_hidden()
    expect(part.locator(".field-unit")).to_be_hidden()
    part.get_by_label("Output:").fill("out")
    mistakes = part.locator(".field-mistakes")
    expect(mistakes).to_be_visible()
    mistakes.get_by_label("Key, row 1").fill("padded")
    mistakes.get_by_label("Output it gives, row 1").fill("padded")
    mistakes.get_by_label("Credit, row 1").fill("0")
    mistakes.get_by_label("Feedback, row 1").fill("That is the input size: a valid convolution shrinks it.")
    screenshot(page)

    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator(".errorlist")).to_have_count(0)
    expect(page.get_by_text(re.compile("was added successfully"))).to_be_visible()
    question = Question.objects.get(quiz=formula_quiz, key="n1")
    assert question.params == {"h": 32, "k": 3}
    assert question.ranges == {"h": [8, 64], "k": {"choices": [3, 5]}}
    assert question.formulas == [["out", "h - k + 1"], ["padded", 'conv_output_size(h, k, 1, "same")']]
    assert question.parts.get().mistakes == [
        {"key": "padded", "output": "padded", "credit": 0,
         "feedback": "That is the input size: a valid convolution shrinks it."}
    ]  # fmt: skip

    page.get_by_role("link", name="Preview", exact=True).click()
    expect(page.get_by_role("heading", name="Preview: A valid convolution")).to_be_visible()
    page.get_by_label("Question n1", exact=True).fill("30")
    page.get_by_role("button", name="Grade this answer").click()
    expect(page.locator(".trial-result")).to_contain_text("Correct")
    page.get_by_label("Question n1", exact=True).fill("32")
    page.get_by_role("button", name="Grade this answer").click()
    expect(page.locator(".trial-result")).to_contain_text("That is the input size")


def test_a_written_part_offers_no_hints_and_hints_typed_before_are_refused_in_sight(
    page, live_server, login, admin_user, quiz
):
    login(page, live_server, "root", "root-password")
    question = quiz.questions.get(key="q1")
    page.goto(f"{live_server.url}/admin/quiz/question/{question.pk}/change/")
    part = page.locator("#parts-0")
    expect(part.get_by_label("Kind:")).to_have_value("text")
    expect(part.locator(".field-rubric")).to_be_visible()
    expect(part.locator(".field-hints")).to_be_hidden()
    expect(part.locator(".field-hint_after_checks")).to_be_hidden()
    expect(part.get_by_text("Practice", exact=True)).to_be_hidden()

    part.get_by_label("Kind:").select_option(label="Integer")
    expect(part.get_by_text("Practice", exact=True)).to_be_visible()
    part.get_by_label("Hint, row 1").fill("Think of the weights a filter shares.")
    part.get_by_label("Kind:").select_option(label="Free text")
    expect(part.locator(".field-hints")).to_be_hidden()

    # The hint typed before the kind went back to written is not dropped: the save is refused beside it.
    page.get_by_role("button", name="Save and continue editing").click()
    hints = page.locator("#parts-0 .field-hints")
    expect(hints).to_be_visible()
    expect(hints.locator(".errorlist")).to_contain_text("hints: text parts are never checked before submitting")
    expect(hints.get_by_label("Hint, row 1")).to_have_value("Think of the weights a filter shares.")
    assert question.parts.get().hints == []

    hints.get_by_label("Hint, row 1").fill("")
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.get_by_text(re.compile("was changed successfully"))).to_be_visible()
    expect(page.locator("#parts-0 .field-hints")).to_be_hidden()
    assert question.parts.get().hints == []


def test_an_admin_duplicates_a_quiz(page, live_server, login, admin_user, formula_quiz):
    login(page, live_server, "root", "root-password")
    page.goto(f"{live_server.url}/admin/quiz/quiz/")
    page.get_by_role("row").filter(has_text=formula_quiz.title).get_by_role("checkbox").check()
    page.get_by_label("Action:").select_option(label="Duplicate the selected quizzes, with their questions")
    page.get_by_role("button", name="Go").click()
    expect(page.get_by_text(f"Made “Copy of {formula_quiz.title}” ({formula_quiz.key}-copy)")).to_be_visible()
    page.get_by_role("link", name=f"Copy of {formula_quiz.title}").click()
    expect(page.locator("#id_title")).to_have_value(f"Copy of {formula_quiz.title}")
    for question in formula_quiz.questions.all():
        expect(page.locator(f'.field-key input[value="{question.key}"]')).to_have_count(1)
    copy = Quiz.objects.get(key=f"{formula_quiz.key}-copy")
    assert sorted(copy.questions.values_list("key", flat=True)) == sorted(
        formula_quiz.questions.values_list("key", flat=True)
    )


def test_a_german_admin_reads_the_rows_and_the_live_check_in_german(page, live_server, login, admin_user, formula_quiz):
    login(page, live_server, "root", "root-password")
    page.set_extra_http_headers({"Accept-Language": "de"})
    question = formula_quiz.questions.get(key="h1")
    page.goto(f"{live_server.url}/admin/quiz/question/{question.pk}/change/")
    live = page.locator("#live-check")
    expect(live.get_by_role("heading", name="Live-Prüfung")).to_be_visible()
    expect(live.get_by_role("status")).to_have_text("Keine Probleme gefunden.")
    expect(live.locator(".live-check-variant")).to_have_text("Mit den Ausgangswerten:")

    parameters = page.locator(".field-params")
    rows = parameters.locator(".rows-row")
    count = rows.count()
    parameters.get_by_role("button", name="Parameter hinzufügen").click()
    expect(rows).to_have_count(count + 1)
    # A new row is numbered in German, as the page numbers the others.
    expect(parameters.get_by_label(f"Name, Zeile {count + 1}", exact=True)).to_be_visible()
    parameters.get_by_label("Bereich, Zeile 1", exact=True).fill("8 to")
    expect(live.get_by_role("status")).to_have_text("Probleme gefunden: siehe die Meldungen neben den Feldern.")
    expect(parameters.locator(".live-errors")).to_contain_text("Zeile 1, Bereich: „8 to“ ist kein Bereich")

    parameters.get_by_label("Bereich, Zeile 1", exact=True).fill("8 to 64")
    expect(live.get_by_role("status")).to_have_text("Keine Probleme gefunden.")
    live.get_by_role("button", name="Neue zufällige Variante").click()
    expect(live.locator(".live-check-variant")).to_contain_text("Mit einer zufälligen Variante (Seed ")
