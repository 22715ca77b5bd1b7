"""A question being written in the admin, checked before it is saved: each formula's value on
the seed numbers or on a random variant, and the grader's own check with each problem placed
on its field. Reads only; the admin's change page asks for it as the author types.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

import grader
from quiz import rows

FIELD_OF = {"ranges": "params"}
"""Where the admin shows a problem of a question's field: ranges sit in the parameters' table."""

_PLACES = (("params", "params"), ("ranges", "params"), ("constraint", "constraints"))
"""The field of a formula error's place (`params.h`, `constraint `out_h >= 1``); anything else: formulas."""


@dataclass
class FormulaValues:
    """The numbers a draft was evaluated on, each output's value, and the first failure."""

    params: dict = field(default_factory=dict)
    values: dict = field(default_factory=dict)
    failed: str = ""
    """The output whose formula failed (or "" when the failure is not one output's)."""
    error: str = ""
    error_field: str = ""


def formula_values(question: dict, *, seed: int | None = None, parts: tuple = ()) -> FormulaValues:
    """Each formula's value in order, on the question's own numbers or, with `seed`, on a
    variant drawn as an attempt draws one; evaluation stops at the first formula that fails."""
    formulas = question.get("formulas") or []
    params = question.get("params") or {}
    result = FormulaValues(params=params)
    if not formulas:
        return result
    try:
        definition = grader.FormulaQuestion(
            question.get("key") or "draft", params, dict(formulas), question.get("ranges") or {},
            question.get("constraints") or [],
        )  # fmt: skip
        if seed is not None:
            result.params = grader.draw_formula_params(definition, seed, parts)
        result.values = dict(grader.compute_formulas(definition, result.params).outputs)
    except ValueError as error:  # a FormulaError placed in the question, or numbers the draw refused
        _place(result, error, formulas)
    return result


def _place(result: FormulaValues, error: ValueError, formulas: list) -> None:
    """Keep the values computed before the failing formula, and say where it failed."""
    where = getattr(error, "where", "")
    result.error = str(error)
    result.error_field = next((name for prefix, name in _PLACES if where.startswith(prefix)), "formulas")
    names = [name for name, _ in formulas]
    failed = where.removeprefix("output ")
    if where.startswith("output ") and failed in names:
        result.failed = failed
        before = formulas[: names.index(failed)]
        try:
            earlier = grader.FormulaQuestion("draft", result.params, dict(before)) if before else None
            result.values = dict(grader.compute_formulas(earlier, result.params).outputs) if earlier else {}
        except grader.FormulaError:
            result.values = {}


def shown_values(values: FormulaValues) -> dict[str, dict[str, str]]:
    """What the formulas' rows show beside each output: its value, or why it has none."""
    shown = {name: {"value": show(value)} for name, value in values.values.items()}
    if values.failed:
        shown[values.failed] = {"value": _("fails: see the message above")}
    return shown


def show(value) -> str:
    return rows.show_value(value) if not isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def check(question: dict, *, seed: int | None, parts: list[dict]) -> dict:
    """The live check's answer: the numbers, each output's value, and the grader's problems by field."""
    specs = []
    for part in parts:
        try:
            specs.append(grader.PartSpec.from_dict(part))
        except ValueError:
            continue  # the part's own form reports it; its mistakes cannot shape the draw
    values = formula_values(question, seed=seed, parts=tuple(specs))
    errors: dict[str, list[str]] = {}
    if values.error:
        errors[values.error_field] = [values.error]
    else:
        try:
            grader.validate_question({**question, "parts": parts})
        except grader.QuestionError as error:
            errors[FIELD_OF.get(error.field, error.field) or "__all__"] = [error.problem]
    return {
        "seed": seed,
        "params": {name: show(value) for name, value in values.params.items()},
        "values": {name: show(value) for name, value in values.values.items()},
        "failed": values.failed,
        "errors": errors,
    }
