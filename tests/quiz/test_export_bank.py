"""`export_question_bank` writes a quiz back to the bank format: loading the export gives the same quiz, field by
field, and loading it over the quiz it came from changes nothing."""

import io
import re
from decimal import Decimal

import pytest
import yaml
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import models

import grader
from quiz.bank import COSTS_BANK, DEFAULT_BANK, BankError, load_question_bank
from quiz.models import BankChange, Part, Question, Quiz
from tests.conftest import FORMULA_BANK


def export(key: str) -> str:
    out = io.StringIO()
    call_command("export_question_bank", key, stdout=out)
    return out.getvalue()


def snapshot(model: type[models.Model], **filters) -> dict:
    """Every field of every row, by natural key: ids aside, and the bank hashes, which a fresh load rewrites."""
    rows = {}
    for obj in model.objects.filter(**filters):
        values = {
            field.name: getattr(obj, field.attname)
            for field in obj._meta.concrete_fields
            if field.name not in ("id", "quiz", "question", "bank_hashes")
        }
        natural = (obj.key,) if model is Quiz else (obj.key,) if model is Question else (obj.question.key, obj.key)
        rows[natural] = values
    return rows


def everything(quiz_key: str) -> dict:
    return {
        "quiz": snapshot(Quiz, key=quiz_key),
        "questions": snapshot(Question, quiz__key=quiz_key),
        "parts": snapshot(Part, question__quiz__key=quiz_key),
    }


def edit_in_the_admin(quiz: Quiz) -> None:
    """Edits a bank file never makes: no time limit, a prompt of several lines, half points, hints on a part that is
    checked; and every exam setting changed: shuffling, pages, an access code, allowed networks, new numbers, answers
    held back."""
    quiz.time_limit_minutes = None
    quiz.instructions = "Two lines:\nthe second  with  spaces."
    quiz.shuffle_questions = quiz.shuffle_choices = True
    quiz.access_code, quiz.allowed_networks = "Room 101", ["192.0.2.0/24", "2001:db8::/32"]
    quiz.first_attempt_seed_numbers = not quiz.first_attempt_seed_numbers
    quiz.show_answers = "after_last_attempt"
    quiz.questions_per_page, quiz.sequential = 3, True
    quiz.save()
    question = quiz.questions.order_by("order").last()
    question.prompt = "A prompt\n\nof two paragraphs, with “quotes”: and a colon."
    question.save()
    part = Part.objects.filter(question__quiz=quiz).order_by("question__order", "order").first()
    part.points = Decimal("2.50")
    part.shape_feedback = "Check the shape."
    part.save()
    checked = Part.objects.filter(question__quiz=quiz).exclude(kind=grader.AnswerKind.TEXT).order_by("pk").last()
    checked.hints, checked.hint_after_checks = ["Count the biases.", "One per filter."], 2
    checked.save()


@pytest.mark.parametrize("bank", [DEFAULT_BANK, FORMULA_BANK], ids=["calculators", "formulas"])
@pytest.mark.parametrize("edited", [False, True], ids=["as loaded", "edited"])
def test_an_exported_quiz_loads_into_a_fresh_database_as_the_same_quiz(db, tmp_path, bank, edited):
    quiz = load_question_bank(bank).quiz
    if edited:
        edit_in_the_admin(quiz)
    before = everything(quiz.key)
    path = tmp_path / "exported.yaml"
    path.write_text(export(quiz.key))

    BankChange.objects.all().delete()
    Quiz.objects.all().delete()
    report = load_question_bank(path)

    assert report.created
    assert everything(quiz.key) == before
    assert str(load_question_bank(path)).endswith("nothing changed")


@pytest.mark.parametrize("bank", [DEFAULT_BANK, FORMULA_BANK], ids=["calculators", "formulas"])
def test_loading_the_export_of_a_loaded_quiz_changes_nothing(db, tmp_path, bank):
    quiz = load_question_bank(bank).quiz
    path = tmp_path / "exported.yaml"
    path.write_text(export(quiz.key))
    report = load_question_bank(path)
    assert report.changes == []
    assert str(report).endswith("nothing changed")


def test_hints_a_written_part_held_before_they_were_refused_are_exported_and_refused_on_load(quiz, tmp_path):
    written = Part.objects.get(question__quiz=quiz, question__key="q1", key="a")
    Part.objects.filter(pk=written.pk).update(hints=["Think of the weights."])  # as a load before the rule
    path = tmp_path / "exported.yaml"
    path.write_text(export(quiz.key))
    assert yaml.safe_load(path.read_text())["questions"][0]["parts"][0]["hints"] == ["Think of the weights."]
    before = everything(quiz.key)
    with pytest.raises(BankError, match="^question q1 part a: hints: text parts are never checked before submitting"):
        load_question_bank(path)
    assert everything(quiz.key) == before


def test_formulas_are_exported_as_the_bank_file_writes_them(formula_quiz):
    exported = yaml.safe_load(export(formula_quiz.key))
    original = yaml.safe_load(FORMULA_BANK.read_text())
    h1 = exported["questions"][0]
    assert h1 == original["questions"][0]
    assert list(h1["formulas"]) == list(original["questions"][0]["formulas"])
    assert "calculator" not in h1


def test_parameters_and_ranges_are_exported_in_the_order_the_bank_file_wrote_them(db):
    costs = load_question_bank(COSTS_BANK).quiz

    s1 = next(question for question in yaml.safe_load(export(costs.key))["questions"] if question["key"] == "s1")

    # As quiz/data/cnn-shapes-and-costs.yaml writes them; PostgreSQL's jsonb would give h, k, p, w, stride, dilation.
    assert list(s1["params"].items()) == [("h", 64), ("w", 48), ("k", 3), ("stride", 2), ("p", 1), ("dilation", 2)]
    assert list(s1["ranges"]) == ["h", "w", "k", "stride", "p", "dilation"]


def test_the_export_is_written_to_a_file_with_a_summary(quiz, tmp_path):
    path = tmp_path / "bank.yaml"
    out = io.StringIO()
    call_command("export_question_bank", "cnn-fundamentals", str(path), stdout=out)
    assert out.getvalue() == f"exported quiz cnn-fundamentals: 10 questions, 21 parts to {path}\n"
    assert yaml.safe_load(path.read_text())["quiz"]["key"] == "cnn-fundamentals"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["nope"], "no quiz 'nope' (quizzes: cnn-fundamentals)"),
        (["bad\x00key"], "no quiz 'bad\\x00key'"),
        (["cnn-fundamentals", "/nonexistent/dir/bank.yaml"], "cannot write /nonexistent/dir/bank.yaml: No such file"),
    ],
)
def test_a_bad_argument_is_a_message(quiz, args, message):
    with pytest.raises(CommandError, match=re.escape(message)):
        call_command("export_question_bank", *args, stdout=io.StringIO())
