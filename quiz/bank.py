"""Load a question bank from its data file into the database: an import that never undoes an edit.

The file (YAML) holds a quiz, its questions and their parts. Every part is checked by
the grader before anything is written, so an invalid file changes nothing and the
message names the question and the field.

After a quiz is first loaded, the database is the source of truth. Each quiz, question
and part remembers a hash of every field as the last load set it (`bank_hashes`), so a
load can tell, field by field, what was edited since (in the admin):

- a field nobody edited takes the file's value (a line deleted from a part clears it);
- an edited field keeps the database's value, and the load reports how it differs from
  the file, unless `replace` is given, which takes the file's value;
- what is missing is created; a question or part no longer in the file is left as it
  is, and `replace` deletes it only if no student ever answered it: graded work is
  never deleted.

Every change written is recorded as a BankChange, shown in the admin's history. A dry
run computes the same report and writes nothing.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from pathlib import Path

import yaml
from django.core.exceptions import ValidationError
from django.core.validators import slug_re
from django.db import models, transaction

import grader
from quiz import pools
from quiz.lti import outbox as lms_outbox
from quiz.models import CHECKS_IN_AN_EXAM, BankChange, Part, Question, Quiz, Response

QUIZ_SETTINGS = (
    "instructions",
    "time_limit_minutes",
    "attempts_allowed",
    "grading_method",
    "randomize_numbers",
    "first_attempt_seed_numbers",
    "shuffle_questions",
    "shuffle_choices",
    "questions_per_page",
    "sequential",
    "allow_checks",
    "check_penalty",
    "solution_after_checks",
    "access_code",
    "allowed_networks",
    "review_free_text",
    "show_suggested_scores",
    "show_score",
    "show_feedback",
    "show_answers",
    "show_solutions",
    "pools",
)
QUESTION_FIELDS = (
    "order", "title", "prompt", "calculator", "params", "ranges", "given", "formulas", "constraints", "pool",
)  # fmt: skip
PART_FIELDS = ("order", "prompt", "points", *Part.SPEC_FIELDS, "correct_choice", *Part.PRACTICE_FIELDS)
FILE_NAMES = {"correct_choice": "correct"}
"""Model fields the bank file names differently."""
DEFAULT_BANK = Path(__file__).resolve().parent / "data" / "cnn-fundamentals.yaml"
COSTS_BANK = DEFAULT_BANK.with_name("cnn-shapes-and-costs.yaml")
"""The second shipped quiz, written with formulas only."""


class BankError(ValueError):
    """The file cannot be loaded; the message names where and why."""


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
    _validate_pools(quiz, questions)
    if quiz.get("allow_checks") and (quiz.get("time_limit_minutes") or quiz.get("access_code")):
        raise BankError(f"quiz: allow_checks: {CHECKS_IN_AN_EXAM}")


def _validate_pools(quiz: dict, questions: list[dict]) -> None:
    """Each question's pool key is a slug, and the quiz's `pools` draws from pools its questions form,
    never more questions than a pool holds."""
    for question in questions:
        pool = question.get("pool")
        if pool is not None and not (isinstance(pool, str) and slug_re.fullmatch(pool)):
            raise BankError(
                f"question {question['key']}: pool: must be a key of letters, digits, hyphens or underscores"
            )
    sizes = Counter(question["pool"] for question in questions if question.get("pool"))
    problems = pools.pool_problems(quiz.get("pools") or {}, sizes)
    if problems:
        raise BankError(f"quiz: pools: {problems[0]}")


def _validate_question(question: dict, where: str) -> None:
    """What the file adds to the grader's check: titles, prompts and points."""
    _require(question, "title", where)
    _require(question, "prompt", where)
    parts = _require(question, "parts", where, list)
    try:
        grader.validate_question(question)
    except grader.QuestionError as error:
        raise BankError(str(error)) from error
    for part in parts:
        part_where = f"{where} part {part['key']}"
        _require(part, "prompt", part_where)
        points = part.get("points", 1)
        if not isinstance(points, (int, float)) or isinstance(points, bool) or points <= 0:
            raise BankError(f"{part_where}: points: must be a positive number")


# --- Exporting -------------------------------------------------------------------------------------------


def export_bank(quiz: Quiz) -> dict:
    """The quiz as a bank file holds it, from what the database holds now (edits included); loading it
    into an empty database gives the same quiz, and loading it over this one changes nothing."""
    questions = quiz.questions.prefetch_related("parts").order_by("order", "key")
    settings = {
        name: _plain_value(getattr(quiz, name)) for name in QUIZ_SETTINGS if name != "pools" or quiz.pools
    }
    return {
        "quiz": {"key": quiz.key, "title": quiz.title, **settings},
        "questions": [_exported_question(question) for question in questions],
    }


def _exported_question(question: Question) -> dict:
    values = {
        "key": question.key,
        "title": question.title,
        "prompt": question.prompt,
        "calculator": question.calculator,
        "params": question.params,
        "ranges": question.ranges,
        "given": question.given,
        "formulas": formulas_mapping(question.formulas),
        "constraints": question.constraints,
        "pool": question.pool,
    }
    # The file leaves out what is empty, as people write it; loading gives the same empty value.
    question_data = {name: value for name, value in values.items() if value not in ("", None, {}, [])}
    return {**question_data, "parts": [_exported_part(part) for part in question.parts.all()]}


def _exported_part(part: Part) -> dict:
    names = (*Part.SPEC_FIELDS, *Part.PRACTICE_FIELDS)
    spec = {name: getattr(part, name) for name in names}
    defaults = {name: Part._meta.get_field(name).get_default() for name in names}
    return {
        "key": part.key,
        "prompt": part.prompt,
        **({"points": _plain_number(part.points)} if part.points != 1 else {}),
        **{name: value for name, value in spec.items() if name == "kind" or value != defaults[name]},
        **({"correct": _exported_correct(part)} if part.correct_choice else {}),
    }


def _exported_correct(part: Part) -> str | list[str]:
    """The right choice's key; where several are right, their list, as a bank file writes them."""
    return list(part.spec().correct_choices) if grader.kind_info(part.kind).several_correct else part.correct_choice


def _plain_value(value):
    """A setting as YAML writes it: a Decimal (the check penalty) as a plain number."""
    return _plain_number(value) if isinstance(value, Decimal) else value


def _plain_number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


class _BankDumper(yaml.SafeDumper):
    """Writes as people write a bank file: a text of several lines as a block, a vector or a matrix of
    numbers on one line."""


def _is_flat(items: list) -> bool:
    return all(isinstance(item, int | float) for item in items)


_BankDumper.add_representer(
    str,
    lambda dumper, text: dumper.represent_scalar("tag:yaml.org,2002:str", text, style="|" if "\n" in text else None),
)
_BankDumper.add_representer(
    list,
    lambda dumper, items: dumper.represent_sequence(
        "tag:yaml.org,2002:seq",
        items,
        flow_style=_is_flat(items) or all(isinstance(item, list) and _is_flat(item) for item in items),
    ),
)


def dump_bank(data: dict) -> str:
    return yaml.dump(data, Dumper=_BankDumper, sort_keys=False, allow_unicode=True, width=110)


# --- Importing -------------------------------------------------------------------------------------------


class Outcome(StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    REPLACED = "replaced"
    DELETED = "deleted"
    KEPT = "kept"
    LEFT = "left"
    SKIPPED = "skipped"


WRITTEN = {
    Outcome.CREATED: BankChange.Action.CREATED,
    Outcome.UPDATED: BankChange.Action.UPDATED,
    Outcome.REPLACED: BankChange.Action.REPLACED,
    Outcome.DELETED: BankChange.Action.DELETED,
}
"""The outcomes that write to the database, and how the admin's history names them; the others are notices."""

SUMMARY_WORDS = {
    Outcome.CREATED: "created",
    Outcome.UPDATED: "updated",
    Outcome.REPLACED: "edits replaced by the file",
    Outcome.DELETED: "deleted",
    Outcome.KEPT: "kept as edited",
    Outcome.LEFT: "not in the file",
    Outcome.SKIPPED: "not created",
}


class _NotSet:
    def __repr__(self) -> str:
        return "(not set)"


NOT_SET = _NotSet()
"""A key of a JSON object (e.g. one parameter) present on one side only."""


@dataclass(frozen=True)
class Difference:
    """One field, or one key of a JSON object such as `params.units`, where the database and the file differ."""

    field: str
    database: object
    file: object

    def __str__(self) -> str:
        return f"{self.field}: database {_show(self.database)}, file {_show(self.file)}"

    @property
    def change(self) -> str:
        return f"{self.field}: {_show(self.database)} → {_show(self.file)}"


@dataclass(frozen=True)
class Change:
    """What a load does (a dry run: would do) to one quiz, question or part."""

    outcome: Outcome
    target: str
    question_key: str = ""
    part_key: str = ""
    differences: tuple[Difference, ...] = ()
    reason: str = ""

    @property
    def is_notice(self) -> bool:
        return self.outcome not in WRITTEN

    @property
    def detail(self) -> str:
        return "\n".join(
            str(difference) if self.outcome == Outcome.KEPT else difference.change for difference in self.differences
        )

    def __str__(self) -> str:
        head = f"{self.outcome} {self.target}" + (f" ({self.reason})" if self.reason else "")
        lines = self.detail.splitlines()
        return "\n".join([head + (":" if lines else ""), *(f"  {line}" for line in lines)])


@dataclass
class LoadReport:
    quiz: Quiz
    created: bool
    dry_run: bool = False
    questions: int = 0
    parts: int = 0
    changes: list[Change] = field(default_factory=list)

    def __str__(self) -> str:
        verb = "created" if self.created else "loaded"
        line = f"{verb} quiz {self.quiz.key}: {self.questions} questions, {self.parts} parts"
        if not self.created:
            counts = Counter(change.outcome for change in self.changes)
            line += "; " + (
                ", ".join(f"{counts[outcome]} {words}" for outcome, words in SUMMARY_WORDS.items() if counts[outcome])
                or "nothing changed"
            )
        return f"dry run: {line}; nothing saved" if self.dry_run else line


def load_question_bank(path: Path | str = DEFAULT_BANK, *, replace: bool = False, dry_run: bool = False) -> LoadReport:
    return load_bank(read_bank(path), source=Path(path).name, replace=replace, dry_run=dry_run)


def load_question_banks(paths: list, *, replace: bool = False, dry_run: bool = False) -> list[LoadReport]:
    """Several bank files at once: every file is read and checked before any is written, and all are
    written in one transaction. A BankError's message starts with the file's name."""
    banks = []
    for path in paths:
        try:
            banks.append((Path(path), read_bank(path)))
        except BankError as error:
            raise BankError(f"{path}: {error}") from error
    reports = []
    with transaction.atomic():
        for path, data in banks:
            try:
                reports.append(load_bank(data, source=path.name, replace=replace, dry_run=dry_run))
            except BankError as error:
                raise BankError(f"{path}: {error}") from error
    return reports


def load_bank(data: dict, *, source: str = "", replace: bool = False, dry_run: bool = False) -> LoadReport:
    """Import a validated bank (see the module's docstring); `replace` takes the file's version of every edit."""
    with transaction.atomic():
        importer = _Import(data, source=source, replace=replace, dry_run=dry_run)
        importer.run()
        if dry_run:
            transaction.set_rollback(True)
    return importer.report


class _Import:
    """One load of a bank file into the database: the decisions, the writes and the report."""

    def __init__(self, data: dict, *, source: str, replace: bool, dry_run: bool) -> None:
        self.data = data
        self.source = source
        self.replace = replace
        quiz_key = data["quiz"]["key"]
        quiz = Quiz.objects.select_for_update().filter(key=quiz_key).first()
        self.report = LoadReport(quiz=quiz or Quiz(key=quiz_key), created=quiz is None, dry_run=dry_run)
        self._answered_parts: set[int] | None = None

    def run(self) -> None:
        quiz = self.report.quiz
        quiz_values = _quiz_values(self.data["quiz"])
        if self.report.created:
            _refuse_sequential_without_pages(quiz, quiz_values)
            self._create(quiz, quiz_values, f"quiz {quiz.key}")
        else:
            method_before = quiz.grading_method
            merge = _merge(quiz, quiz_values, replace=self.replace)
            _refuse_checks_in_an_exam(quiz, merge)
            _refuse_sequential_without_pages(quiz, merge.updates)
            self._apply(merge, f"quiz {quiz.key}")
            if quiz.grading_method != method_before:
                lms_outbox.queue_quiz_scores(quiz)
        questions = {question.key: question for question in quiz.questions.all()}
        parts: dict[int, dict[str, Part]] = {question.id: {} for question in questions.values()}
        for part in Part.objects.filter(question__quiz=quiz):
            parts[part.question_id][part.key] = part
        for order, question_data in enumerate(self.data["questions"], start=1):
            question = questions.pop(question_data["key"], None)
            self._load_question(question_data, order, question, parts.get(question.id, {}) if question else {})
            self.report.questions += 1
            self.report.parts += len(question_data["parts"])
        for question in questions.values():
            self._not_in_file(question, f"question {question.key}", question.key, "", parts[question.id].values())
        BankChange.objects.bulk_create(
            BankChange(
                quiz=quiz,
                question_key=change.question_key,
                part_key=change.part_key,
                action=WRITTEN[change.outcome],
                detail=change.detail,
                source=self.source,
            )
            for change in self.report.changes
            if not change.is_notice
        )

    def _load_question(self, data: dict, order: int, question: Question | None, parts: dict[str, Part]) -> None:
        key = data["key"]
        values = _question_values(data, order)
        part_values = {
            part["key"]: _part_values(part, number, f"question {key} part {part['key']}")
            for number, part in enumerate(data["parts"], start=1)
        }
        if question is None:
            question = Question(quiz=self.report.quiz, key=key)
            self._create(question, values, f"question {key}", key)
            for part_key, fields in part_values.items():
                self._create(Part(question=question, key=part_key), fields, f"part {key}{part_key}", key, part_key)
            return
        merges = {"": _merge(question, values, replace=self.replace)}
        merges |= {
            part_key: _merge(parts[part_key], fields, replace=self.replace)
            for part_key, fields in part_values.items()
            if part_key in parts
        }
        reason = ""
        if any(merge.kept for merge in merges.values()):
            try:
                _validate_question(_file_form(merges, values, part_values), f"question {key}")
            except BankError as error:
                # The file's changes may rely on what the edits change (a new output, another kind):
                # the question stays whole as it is in the database.
                reason = f"the file's changes do not fit the edits kept in the database: {error}"
                merges = {part_key: _merge(merge.obj, merge.values, keep=True) for part_key, merge in merges.items()}
        self._apply(merges[""], f"question {key}", key, reason=reason)
        for part_key, fields in part_values.items():
            target = f"part {key}{part_key}"
            if part_key in merges:
                self._apply(merges[part_key], target, key, part_key, reason=reason)
            elif reason:
                self._add(Outcome.SKIPPED, target, key, part_key, reason=f"not created: {reason}")
            else:
                self._create(Part(question=question, key=part_key), fields, target, key, part_key)
        for part_key, part in parts.items():
            if part_key not in part_values:
                self._not_in_file(part, f"part {key}{part_key}", key, part_key, [part])

    def _create(self, obj: models.Model, values: dict, target: str, question_key: str = "", part_key: str = "") -> None:
        for name, value in values.items():
            setattr(obj, name, value)
        obj.bank_hashes = {name: _hash(obj._meta.get_field(name), value) for name, value in values.items()}
        obj.save()
        self._add(Outcome.CREATED, target, question_key, part_key)

    def _apply(self, merge: _Merge, target: str, question_key: str = "", part_key: str = "", reason: str = "") -> None:
        obj = merge.obj
        if merge.updates or merge.hashes != obj.bank_hashes:
            for name, value in merge.updates.items():
                setattr(obj, name, value)
            obj.bank_hashes = merge.hashes
            obj.save(update_fields=[*merge.updates, "bank_hashes"])
        if merge.updated:
            self._add(Outcome.UPDATED, target, question_key, part_key, merge.updated)
        if merge.replaced:
            self._add(Outcome.REPLACED, target, question_key, part_key, merge.replaced, "edited since the last load")
        if merge.kept:
            kept_reason = reason or (
                "differs from the file, and no load recorded it"
                if merge.kept_unrecorded
                else "edited since the last load"
            )
            self._add(Outcome.KEPT, target, question_key, part_key, merge.kept, f"{kept_reason}; {REPLACE_HINT}")

    def _not_in_file(self, obj: models.Model, target: str, question_key: str, part_key: str, parts) -> None:
        """A question or part the file no longer holds (or never held): deleted only when asked, and only
        if no student ever answered it."""
        if any(part.id in self.answered_parts for part in parts):
            reason = "not in the file; attempts hold responses to it, so it stays: graded work is never deleted"
            self._add(Outcome.LEFT, target, question_key, part_key, reason=reason)
        elif self.replace:
            obj.delete()
            self._add(Outcome.DELETED, target, question_key, part_key, reason="not in the file")
        else:
            self._add(Outcome.LEFT, target, question_key, part_key, reason="not in the file; --replace deletes it")

    @property
    def answered_parts(self) -> set[int]:
        if self._answered_parts is None:
            responses = Response.objects.filter(part__question__quiz=self.report.quiz)
            self._answered_parts = set(responses.values_list("part_id", flat=True).distinct())
        return self._answered_parts

    def _add(
        self, outcome: Outcome, target: str, question_key: str, part_key: str, differences=(), reason: str = ""
    ) -> None:
        self.report.changes.append(Change(outcome, target, question_key, part_key, tuple(differences), reason))


REPLACE_HINT = "--replace takes the file's"


def _refuse_checks_in_an_exam(quiz: Quiz, merge: _Merge) -> None:
    """The file's checks with a time limit or an access code an edit keeps would make an exam allow checks."""
    merged = Quiz(**{name: merge.updates.get(name, getattr(quiz, name)) for name in PRACTICE_RULE_FIELDS})
    if merged.allow_checks and not merged.is_practice:
        raise BankError(f"quiz: allow_checks: {CHECKS_IN_AN_EXAM} (kept from an edit: the time limit or access code)")


PRACTICE_RULE_FIELDS = ("allow_checks", "time_limit_minutes", "access_code")


def _refuse_sequential_without_pages(quiz: Quiz, updates: dict) -> None:
    """Sequential navigation moves from page to page: with every question on one page (the file's, or
    one an edit keeps) it would do nothing, so the load is refused as the admin refuses it."""
    sequential = updates.get("sequential", quiz.sequential)
    if sequential and not updates.get("questions_per_page", quiz.questions_per_page):
        kept = "" if "questions_per_page" in updates else " (questions_per_page kept from an edit: 0)"
        raise BankError(
            "quiz: sequential: sequential navigation moves from page to page: set questions_per_page too" + kept
        )


def _quiz_values(data: dict) -> dict:
    """The quiz's own fields the file sets; the others (dates, groups) are never touched by a load."""
    values = {"title": data["title"], **{name: data[name] for name in QUIZ_SETTINGS if name in data}}
    return _cleaned(Quiz, values, "quiz")


def _question_values(data: dict, order: int) -> dict:
    return _cleaned(
        Question,
        {
            "order": order,
            "title": data["title"],
            "prompt": data["prompt"],
            "calculator": data.get("calculator") or "",
            "params": data.get("params") or {},
            "ranges": data.get("ranges") or {},
            "given": data.get("given") or [],
            # Pairs, not a mapping: PostgreSQL's jsonb does not keep a mapping's order, and a formula
            # may only use the outputs before it.
            "formulas": [[name, expression] for name, expression in (data.get("formulas") or {}).items()],
            "constraints": data.get("constraints") or [],
            "pool": data.get("pool") or "",
        },
        f"question {data['key']}",
    )


def _part_values(data: dict, order: int, where: str) -> dict:
    spec = grader.PartSpec.from_dict(data)
    # A field the file leaves out takes the column's default, so deleting a line from the
    # file and reloading clears what it set.
    fields = {
        name: data[name] if data.get(name) is not None else Part._meta.get_field(name).get_default()
        for name in (*Part.SPEC_FIELDS, *Part.PRACTICE_FIELDS)
    }
    fields.update(order=order, prompt=data["prompt"], points=data.get("points", 1), correct_choice=spec.correct_choice)
    return _cleaned(Part, fields, where)


def _cleaned(model: type[models.Model], values: dict, where: str) -> dict:
    """The file's values as the model's fields hold them (a Decimal for points, a float for a tolerance),
    checked by the fields' own rules (choices, decimal places), so the database never refuses them."""
    cleaned = {}
    for name, value in values.items():
        model_field = model._meta.get_field(name)
        if isinstance(value, float) and isinstance(model_field, models.DecimalField):
            value = repr(value)  # 0.1 as written, not the binary float nearest to it
        try:
            cleaned[name] = model_field.clean(value, None)
        except ValidationError as error:
            raise BankError(f"{where}: {FILE_NAMES.get(name, name)}: {' '.join(error.messages)}") from None
    return cleaned


@dataclass
class _Merge:
    """One existing quiz, question or part against the file: what to write, what changes, what is kept."""

    obj: models.Model
    values: dict
    updates: dict = field(default_factory=dict)
    hashes: dict = field(default_factory=dict)
    updated: list[Difference] = field(default_factory=list)
    replaced: list[Difference] = field(default_factory=list)
    kept: list[Difference] = field(default_factory=list)
    kept_unrecorded: bool = False
    """Some field is kept that no load recorded (the database was loaded before loads were recorded)."""


def _merge(obj: models.Model, values: dict, *, replace: bool = False, keep: bool = False) -> _Merge:
    """Field by field: the file's value where the database still holds what the last load wrote (or `replace`),
    else the database's. `keep` keeps every field as the database has it."""
    recorded = obj.bank_hashes or {}
    merge = _Merge(obj, values, hashes=dict(recorded))
    for name, file_value in values.items():
        model_field = obj._meta.get_field(name)
        database_value = getattr(obj, name)
        file_hash, database_hash = _hash(model_field, file_value), _hash(model_field, database_value)
        if file_hash == database_hash:
            merge.hashes[name] = file_hash
            continue
        differences = _differences(FILE_NAMES.get(name, name), database_value, file_value)
        edited = recorded.get(name) != database_hash
        if keep or (edited and not replace):
            merge.kept += differences
            merge.kept_unrecorded |= name not in recorded
            continue
        merge.updates[name] = file_value
        merge.hashes[name] = file_hash
        (merge.replaced if edited else merge.updated).extend(differences)
    return merge


def _file_form(merges: dict[str, _Merge], values: dict, part_values: dict) -> dict:
    """The question (`merges[""]`) and its parts as the load would leave them, written as in the bank file,
    for the file's own validation."""

    def merged(merge: _Merge | None, file_values: dict) -> dict:
        # The order is a position in the file, not content the file's checks read.
        return {
            name: merge.updates.get(name, getattr(merge.obj, name)) if merge else value
            for name, value in file_values.items()
            if name != "order"
        }

    parts = [
        {
            "key": key,
            **{FILE_NAMES.get(name, name): _plain(value) for name, value in merged(merges.get(key), fields).items()},
        }
        for key, fields in part_values.items()
    ]
    question = merged(merges[""], values)
    question["formulas"] = formulas_mapping(question["formulas"])
    return {"key": merges[""].obj.key, **question, "parts": parts}


def formulas_mapping(pairs: list) -> dict | None:
    """Stored formulas as the bank file writes them: output → expression, in order (None: no formulas)."""
    return {name: expression for name, expression in pairs} if pairs else None


def _plain(value):
    return float(value) if isinstance(value, Decimal) else value


def _canonical(model_field: models.Field, value) -> str:
    """The value as JSON text, the same for the file's value and the database's."""
    if isinstance(value, Decimal):
        value = format(value.normalize(), "f")
    elif isinstance(value, str) and not isinstance(model_field, models.JSONField):
        # The admin's text areas send \r\n line ends and strip the ends of a text; neither is an edit.
        value = value.replace("\r\n", "\n").strip()
    return _json(value)


def _hash(model_field: models.Field, value) -> str:
    return hashlib.sha256(_canonical(model_field, value).encode()).hexdigest()[:16]


def _differences(name: str, database, file) -> list[Difference]:
    """The difference in one field; key by key for JSON objects (`params.units`) and formulas
    (`formulas.out_h`), which can be long."""
    if name == "formulas" and formulas_mapping(database) != formulas_mapping(file):
        # Shown output by output, unless only their order changed.
        database, file = formulas_mapping(database) or {}, formulas_mapping(file) or {}
    if not (isinstance(database, dict) and isinstance(file, dict)):
        return [Difference(name, database, file)]
    keys = [*file, *(key for key in database if key not in file)]
    return [
        Difference(f"{name}.{key}", database.get(key, NOT_SET), file.get(key, NOT_SET))
        for key in keys
        if key not in database or key not in file or _json(database[key]) != _json(file[key])
    ]


def _json(value) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)


def _show(value) -> str:
    if value is NOT_SET:
        return repr(value)
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return _json(value)
