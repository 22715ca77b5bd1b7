"""Load a question bank from its data file into the database.

The file (YAML) holds a quiz, its questions and their parts. Every part is checked by
the grader before anything is written, so an invalid file changes nothing and the
message names the question and the field.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml
from django.db import transaction
from django.db.models import ProtectedError

import grader
from quiz.models import Part, Question, Quiz

QUIZ_SETTINGS = (
    "instructions",
    "time_limit_minutes",
    "attempts_allowed",
    "randomize_numbers",
    "review_free_text",
    "show_score",
    "show_feedback",
    "show_answers",
    "show_solutions",
)
DEFAULT_BANK = Path(__file__).resolve().parent / "data" / "cnn-fundamentals.yaml"


class BankError(ValueError):
    """The file cannot be loaded; the message names where and why."""


@dataclass(frozen=True)
class LoadSummary:
    quiz: Quiz
    created: bool
    questions: int
    parts: int

    def __str__(self) -> str:
        verb = "created" if self.created else "updated"
        return f"{verb} quiz {self.quiz.key}: {self.questions} questions, {self.parts} parts"


def read_bank(path: Path | str) -> dict:
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except OSError as error:
        raise BankError(f"cannot read {path}: {error.strerror}") from error
    except UnicodeDecodeError as error:
        raise BankError(f"{path} is not UTF-8 text (byte {error.start})") from error
    except yaml.YAMLError as error:
        raise BankError(f"{path} is not valid YAML: {error}") from error
    except RecursionError:
        raise BankError(f"{path} nests lists or mappings too deeply") from None
    validate_bank(data)
    return data


def _require(mapping: dict, field: str, where: str, kind: type | tuple = str):
    value = mapping.get(field)
    if value is None or value == "":
        raise BankError(f"{where}: '{field}' is missing")
    if not isinstance(value, kind):
        raise BankError(f"{where}: '{field}' has the wrong type")
    return value


def validate_bank(data) -> None:
    """Check the whole file with the grader's own rules before anything is written."""
    if not isinstance(data, dict):
        raise BankError("the file must hold a mapping with 'quiz' and 'questions'")
    quiz = _require(data, "quiz", "file", dict)
    _require(quiz, "key", "quiz")
    _require(quiz, "title", "quiz")
    questions = _require(data, "questions", "file", list)
    seen: set[str] = set()
    for index, question in enumerate(questions):
        if not isinstance(question, dict):
            raise BankError(f"questions[{index}]: must be a mapping")
        key = _require(question, "key", f"questions[{index}]")
        if key in seen:
            raise BankError(f"question {key}: the key is used twice")
        seen.add(key)
        _validate_question(question, f"question {key}")


def _validate_question(question: dict, where: str) -> None:
    _require(question, "title", where)
    _require(question, "prompt", where)
    calculator = question.get("calculator") or ""
    params = question.get("params") or {}
    try:
        if calculator:
            if calculator not in grader.CALCULATORS:
                raise ValueError(f"unknown calculator '{calculator}'")
            grader.validate_params(calculator, params)
            grader.validate_ranges(calculator, question.get("ranges") or {})
            computation = grader.compute(calculator, params)
    except ValueError as error:
        raise BankError(f"{where}: {error}") from error
    for name in question.get("given") or []:
        if name not in params:
            raise BankError(f"{where}: given: '{name}' is not a parameter")
    parts = _require(question, "parts", where, list)
    part_keys: set[str] = set()
    for index, part in enumerate(parts):
        if not isinstance(part, dict):
            raise BankError(f"{where}: parts[{index}] must be a mapping")
        part_where = f"{where} part {part.get('key', index)}"
        _require(part, "prompt", part_where)
        if part.get("key") in part_keys:
            raise BankError(f"{part_where}: the key is used twice")
        part_keys.add(part.get("key"))
        try:
            spec = grader.PartSpec.from_dict(part)
        except ValueError as error:
            raise BankError(f"{part_where}: {error}") from error
        needed = ([spec.output] + [mistake.output for mistake in spec.mistakes]) if spec.output else []
        for output in needed:
            if not calculator:
                raise BankError(f"{part_where}: output '{output}' needs a calculator on the question")
            if output not in computation.outputs:
                raise BankError(f"{part_where}: output '{output}' is not computed by {calculator}")
        points = part.get("points", 1)
        if not isinstance(points, (int, float)) or isinstance(points, bool) or points <= 0:
            raise BankError(f"{part_where}: points: must be a positive number")


@transaction.atomic
def load_bank(data: dict) -> LoadSummary:
    """Create or update the quiz in place; the quiz's settings are set only when it is created,
    so a teacher's changes (dates, review settings) survive reloading the bank."""
    quiz_data = data["quiz"]
    quiz, created = Quiz.objects.get_or_create(
        key=quiz_data["key"],
        defaults={
            "title": quiz_data["title"],
            **{field: quiz_data[field] for field in QUIZ_SETTINGS if field in quiz_data},
        },
    )
    part_count = 0
    question_keys = []
    for order, question_data in enumerate(data["questions"], start=1):
        question, _ = Question.objects.update_or_create(
            quiz=quiz,
            key=question_data["key"],
            defaults={
                "order": order,
                "title": question_data["title"],
                "prompt": question_data["prompt"],
                "calculator": question_data.get("calculator") or "",
                "params": question_data.get("params") or {},
                "ranges": question_data.get("ranges") or {},
                "given": question_data.get("given") or [],
            },
        )
        question_keys.append(question.key)
        part_keys = []
        for part_order, part_data in enumerate(question_data["parts"], start=1):
            Part.objects.update_or_create(
                question=question, key=part_data["key"], defaults=_part_fields(part_data, part_order)
            )
            part_keys.append(part_data["key"])
        part_count += len(part_keys)
        _delete_missing(question.parts.exclude(key__in=part_keys), f"question {question.key}")
    _delete_missing(quiz.questions.exclude(key__in=question_keys), f"quiz {quiz.key}")
    return LoadSummary(quiz=quiz, created=created, questions=len(question_keys), parts=part_count)


def _part_fields(part_data: dict, order: int) -> dict:
    spec = grader.PartSpec.from_dict(part_data)
    # A field the file leaves out takes the column's default, so deleting a line from the
    # file and reloading clears what it set.
    fields = {
        name: part_data[name] if part_data.get(name) is not None else Part._meta.get_field(name).get_default()
        for name in Part.SPEC_FIELDS
    }
    fields.update(
        order=order,
        prompt=part_data["prompt"],
        points=part_data.get("points", 1),
        correct_choice=spec.correct_choice,
    )
    return fields


def _delete_missing(queryset, where: str) -> None:
    try:
        queryset.delete()
    except ProtectedError as error:
        raise BankError(f"{where}: parts removed from the file already have student responses; keep them") from error


def load_question_bank(path: Path | str = DEFAULT_BANK) -> LoadSummary:
    return load_bank(read_bank(path))
