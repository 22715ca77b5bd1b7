"""One check of a question the grader will be asked to grade, for the bank file and the admin.

A question is the plain mapping of the bank file: `key`, `calculator` or `formulas` (a mapping
from output to expression, or the admin's list of [output, expression] pairs) with
`constraints`, neither for a question without numbers, `params`, `ranges`, `given` and
`parts`, each part a mapping as
`PartSpec.from_dict` reads it. Whatever is wrong is one `QuestionError` naming the question,
the part and the field, so a file's reader and a form's user are told the same thing.
"""

from typing import Any

from grader.calculators import CALCULATORS, Computation, compute, validate_params
from grader.formulas import FormulaError, validate_formula_question
from grader.messages import gettext
from grader.spec import PartSpec
from grader.variants import validate_ranges

FORMULA_ERROR_FIELDS = (("params", "params"), ("ranges", "ranges"), ("constraint", "constraints"))
"""Which field a FormulaError's place (`params.h`, `constraint `out_h >= 1``) belongs to; anything else: formulas."""


class QuestionError(ValueError):
    """A question the grader cannot use. `field` is the question's field at fault (`parts`
    for anything in a part), `part` the part's key where a part is at fault, `problem` the
    message without the place; str() is the whole message, both in the language of `use_language`."""

    def __init__(self, problem: str, *, question: str, field: str, part: str = "", place: str = "") -> None:
        self.problem = problem
        self.field = field
        self.part = part
        if place:
            message = place
        elif question and part:
            message = gettext("question {question} part {part}: {problem}").format(
                question=question, part=part, problem=problem
            )
        elif question:
            message = gettext("question {question}: {problem}").format(question=question, problem=problem)
        elif part:
            message = gettext("the question part {part}: {problem}").format(part=part, problem=problem)
        else:
            message = gettext("the question: {problem}").format(problem=problem)
        super().__init__(message)


def validate_question(question: dict) -> None:
    """Refuse a question that could not be graded: unknown calculator, parameters or
    ranges it refuses, a given table that is no parameter, an invalid part, a part key used
    twice, or an output the calculator does not compute."""
    if not isinstance(question, dict):
        raise QuestionError(gettext("must be a mapping"), question="", field="")
    key = str(question.get("key") or "")
    calculator = question.get("calculator") or ""
    params = question.get("params") or {}
    formulas = _formulas(key, question.get("formulas"))
    if calculator and formulas:
        raise QuestionError(gettext("give either a calculator or formulas, not both"), question=key, field="calculator")
    if question.get("constraints") and not formulas:
        raise QuestionError(gettext("constraints need formulas"), question=key, field="constraints")
    computation = _computation(key, calculator, params, question.get("ranges") or {})
    given = question.get("given") or []
    if not isinstance(given, list):
        raise QuestionError(gettext("given: must be a list of parameter names"), question=key, field="given")
    for name in given:
        if not isinstance(name, str) or not isinstance(params, dict) or name not in params:
            problem = gettext("given: {name!r} is not a parameter").format(name=name)
            raise QuestionError(problem, question=key, field="given")
    parts = question.get("parts") or []
    if not isinstance(parts, list):
        raise QuestionError(gettext("parts: must be a list"), question=key, field="parts")
    seen: set[str] = set()
    specs = []
    for index, part in enumerate(parts):
        if not isinstance(part, dict):
            problem = gettext("parts[{index}]: must be a mapping").format(index=index)
            raise QuestionError(problem, question=key, field="parts")
        try:
            spec = PartSpec.from_dict(part)
        except ValueError as error:
            raise QuestionError(str(error), question=key, field="parts", part=_part_key(part, index)) from error
        if spec.key in seen:
            raise QuestionError(gettext("key: used twice in the question"), question=key, field="parts", part=spec.key)
        seen.add(spec.key)
        specs.append(spec)
        if not formulas:
            _check_outputs(spec, key, calculator, computation)
    if formulas:
        _check_formulas(question, key, formulas, specs)


def _formulas(key: str, formulas: Any) -> dict | None:
    """The formulas as a mapping, in order; None for a question without."""
    if formulas is None or formulas == [] or formulas == {}:
        return None
    if isinstance(formulas, dict):
        return formulas
    pairs_ok = isinstance(formulas, list) and all(
        isinstance(pair, list) and len(pair) == 2 and all(isinstance(text, str) for text in pair) for pair in formulas
    )
    if not pairs_ok or len({name for name, _ in formulas}) != len(formulas):
        raise QuestionError(
            gettext(
                'formulas: give [output, expression] pairs in order, each output once, e.g. [["out_h", "h - k + 1"]]'
            ),
            question=key,
            field="formulas",
        )
    return dict(formulas)


def _check_formulas(question: dict, key: str, formulas: dict, specs: list[PartSpec]) -> None:
    """The formulas, evaluated with the parts on the question's own numbers and at least 100 variants."""
    definition = {
        "key": key,
        "params": question.get("params") or {},
        "ranges": question.get("ranges") or {},
        "formulas": formulas,
        "constraints": question.get("constraints") or [],
    }
    try:
        validate_formula_question(definition, specs)
    except FormulaError as error:
        field = next((name for prefix, name in FORMULA_ERROR_FIELDS if error.where.startswith(prefix)), "formulas")
        # The formula's own message names the question, the output or constraint and the numbers.
        raise QuestionError(str(error), question=key, field=field, place=str(error)) from error


def _part_key(part: dict, index: int) -> str:
    """How a message names a part that did not read: its key if it has a usable one, else its place."""
    key = part.get("key")
    return str(key) if isinstance(key, (str, int)) and not isinstance(key, bool) and str(key) else str(index)


def _computation(key: str, calculator: Any, params: Any, ranges: Any) -> Computation | None:
    if not calculator:
        return None
    if not isinstance(calculator, str) or calculator not in CALCULATORS:
        raise QuestionError(
            gettext("unknown calculator {calculator!r}; choose one of {names}").format(
                calculator=calculator, names=", ".join(sorted(CALCULATORS))
            ),
            question=key,
            field="calculator",
        )
    try:
        validate_params(calculator, params)
        computation = compute(calculator, params)
    except ValueError as error:
        raise QuestionError(str(error), question=key, field="params") from error
    try:
        validate_ranges(calculator, ranges)
    except ValueError as error:
        raise QuestionError(str(error), question=key, field="ranges") from error
    return computation


def _check_outputs(spec: PartSpec, key: str, calculator: str, computation: Computation | None) -> None:
    """Every output the part names (its answer's, its mistakes') is one the calculator computes."""
    named = [("output", spec.output)] if spec.output else []
    named += [(f"mistakes[{index}].output", mistake.output) for index, mistake in enumerate(spec.mistakes)]
    for field, output in named:
        if computation is None:
            problem = gettext("{field}: {output!r} needs a calculator or formulas on the question").format(
                field=field, output=output
            )
        elif output not in computation.outputs:
            computed = ", ".join(sorted(computation.outputs))
            problem = gettext("{field}: {output!r} is not computed by {calculator} (it computes {computed})").format(
                field=field, output=output, calculator=calculator, computed=computed
            )
        else:
            continue
        raise QuestionError(problem, question=key, field="parts", part=spec.key)
