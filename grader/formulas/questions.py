"""A question whose numbers come from formulas: parameters with defaults, ranges to draw
variants from, formulas that compute its outputs, constraints every variant must meet.

    FormulaQuestion.from_dict({
        "key": "h1",
        "params": {"h": 32, "k": 3, "stride": 2, "p": 1},
        "ranges": {"h": [8, 64], "k": {"choices": [3, 5]}},
        "formulas": {"out_h": "conv_output_size(h, k, stride, p)"},
        "constraints": ["out_h >= 1"],
    })

Building one checks everything that can be checked without numbers (names, allowed
constructions, ranges); `validate_formula_question` then evaluates it on its defaults and
on at least 100 variants. `compute_formulas` gives the same `Computation` a calculator
gives, so grading treats both alike.
"""

import ast
import json
import random
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from keyword import iskeyword
from typing import Any, TypeGuard

from grader import formatting
from grader.calculators import Computation, compute
from grader.formulas.expressions import Evaluator, Expression, parse
from grader.formulas.library import CALCULATOR_PARAMETERS
from grader.formulas.ranges import Range, parse_range
from grader.formulas.solutions import formula_lines
from grader.formulas.values import (
    MAX_CONSTRAINTS,
    MAX_FORMULAS,
    FormulaError,
    check_value,
    is_number,
    shape,
)
from grader.kinds import kind_info
from grader.messages import gettext

# Draws tried for one variant before settling (constraints met, mistakes told apart).
MAX_DRAWS = 100
# Variants a question is evaluated on before it is accepted, besides its defaults.
VALIDATION_VARIANTS = 100

# Float noise allowed when a part is exact, as in grading.
_EXACT = 1e-9


@dataclass(frozen=True)
class Formula:
    name: str
    expression: Expression


@dataclass(frozen=True)
class Constraint:
    """An expression that must be True; checked as soon as the outputs it reads exist
    (`after` is the index of the last of them, -1 when it reads parameters only), so a
    variant it refuses never reaches the formulas that would fail on it."""

    text: str
    expression: Expression
    after: int


class FormulaQuestion:
    """A formula question, checked as far as it can be without numbers. Read-only; compared
    and hashed by identity, so computations are cached per question object."""

    def __init__(
        self,
        key: str,
        params: dict,
        formulas: dict,
        ranges: dict | None = None,
        constraints: Iterable[str] | None = None,
    ) -> None:
        self.key = str(key)
        try:
            self.params = _parameters(params)
            self.ranges = _ranges({} if ranges is None else ranges, self.params)
            self.formulas = _formulas(formulas, self.params)
            self.constraints = _constraints([] if constraints is None else constraints, self.params, self.formulas)
        except FormulaError as error:
            raise error.within(question=self.key) from None
        self._uses = _dependencies(self)

    @classmethod
    def from_dict(cls, data: dict) -> "FormulaQuestion":
        """From a bank question's mapping (`key`, `params`, `formulas`, `ranges`,
        `constraints`); other fields are not the formulas' business."""
        if not isinstance(data, dict):
            raise FormulaError(gettext("a question must be a mapping"))
        return cls(
            key=data.get("key", ""),
            params=data.get("params") or {},
            formulas=data.get("formulas") or {},
            ranges=data.get("ranges"),
            constraints=data.get("constraints"),
        )

    @property
    def outputs(self) -> tuple[str, ...]:
        return tuple(formula.name for formula in self.formulas)

    def uses(self, name: str) -> tuple[str, ...]:
        """The parameters an output or a constraint's text depends on, directly or through
        other outputs, in the question's order."""
        return self._uses[name]

    def __repr__(self) -> str:
        return f"FormulaQuestion({self.key!r}, outputs={list(self.outputs)!r})"


# Building -------------------------------------------------------------------------------------


def _check_name(name: Any, what: str) -> str:
    if not isinstance(name, str) or not name.isidentifier() or iskeyword(name) or name in ("True", "False", "None"):
        raise FormulaError(
            gettext("a name is letters, digits and _, not starting with a digit"), where=f"{what} {name!r}"
        )
    if name.startswith("_"):
        raise FormulaError(gettext("names may not start with _"), where=f"{what} {name}")
    return name


def _parameters(params: Any) -> dict:
    if not isinstance(params, dict):
        raise FormulaError(gettext("must be a mapping of parameter names to values"), where="params")
    checked = {}
    for name, value in params.items():
        _check_name(name, "parameter")
        try:
            checked[name] = check_value(value)
        except FormulaError as error:
            raise error.within(where=f"params.{name}") from None
    return json.loads(json.dumps(checked))


def _ranges(ranges: Any, params: dict) -> dict[str, Range]:
    if not isinstance(ranges, dict):
        raise FormulaError(gettext("must be a mapping of parameter names to ranges"), where="ranges")
    parsed = {}
    for name, value in ranges.items():
        if name not in params:
            raise FormulaError(
                gettext("not a parameter; every ranged parameter needs a default in params"), where=f"ranges.{name}"
            )
        parsed[name] = parse_range(name, value)
    return parsed


def _formulas(formulas: Any, params: dict) -> tuple[Formula, ...]:
    if not isinstance(formulas, dict) or not formulas:
        raise FormulaError(gettext("must be a mapping of output names to expressions, at least one"), where="formulas")
    if len(formulas) > MAX_FORMULAS:
        raise FormulaError(gettext("at most {limit}").format(limit=MAX_FORMULAS), where="formulas")
    parsed: list[Formula] = []
    known = set(params)
    later = set(formulas)
    for name, text in formulas.items():
        _check_name(name, "output")
        if name in params:
            raise FormulaError(
                gettext("{name} is already a parameter; choose another name").format(name=name), where=f"output {name}"
            )
        try:
            parsed.append(Formula(name, parse(text, known, later)))
        except FormulaError as error:
            raise error.within(where=f"output {name}") from None
        known.add(name)
        later.discard(name)
    return tuple(parsed)


def _constraints(constraints: Any, params: dict, formulas: tuple[Formula, ...]) -> tuple[Constraint, ...]:
    if not isinstance(constraints, list | tuple):
        raise FormulaError(gettext("must be a list of expressions"), where="constraints")
    if len(constraints) > MAX_CONSTRAINTS:
        raise FormulaError(gettext("at most {limit}").format(limit=MAX_CONSTRAINTS), where="constraints")
    order = {formula.name: index for index, formula in enumerate(formulas)}
    parsed = []
    for text in constraints:
        try:
            expression = parse(text, [*params, *order])
        except FormulaError as error:
            raise error.within(where=f"constraint {_quoted(text)}") from None
        after = max((order[name] for name in expression.names if name in order), default=-1)
        parsed.append(Constraint(expression.text, expression, after))
    return tuple(parsed)


def _quoted(text: Any) -> str:
    return f"`{text}`" if isinstance(text, str) else repr(text)


def _dependencies(question: FormulaQuestion) -> dict[str, tuple[str, ...]]:
    uses: dict[str, set[str]] = {}
    for formula in question.formulas:
        uses[formula.name] = _through(formula.expression.names, question.params, uses)
    for constraint in question.constraints:
        uses[constraint.text] = _through(constraint.expression.names, question.params, uses)
    order = list(question.params)
    return {name: tuple(sorted(found, key=order.index)) for name, found in uses.items()}


def _through(names: frozenset[str], params: dict, uses: dict[str, set[str]]) -> set[str]:
    found: set[str] = set()
    for name in names:
        found |= {name} if name in params else uses[name]
    return found


# Evaluating -----------------------------------------------------------------------------------


class ConstraintUnmet(Exception):
    """A variant that breaks a constraint: not an error, a reason to draw again."""

    def __init__(self, constraint: Constraint) -> None:
        super().__init__(constraint.text)
        self.constraint = constraint


def _check_params(question: FormulaQuestion, params: Any) -> dict:
    if not isinstance(params, dict):
        raise FormulaError(gettext("must be a mapping"), question=question.key, where="params")
    for name in params:
        if name not in question.params:
            raise FormulaError(
                gettext("not a parameter of this question"), question=question.key, where=f"params.{name}"
            )
    for name in question.params:
        if name not in params:
            raise FormulaError(gettext("missing"), question=question.key, where=f"params.{name}")
        try:
            check_value(params[name])
        except FormulaError as error:
            raise error.within(question=question.key, where=f"params.{name}") from None
    return params


def evaluate(question: FormulaQuestion, params: dict, *, constraints: bool = False) -> dict[str, Any]:
    """Every output for these parameters, in order. With `constraints`, each constraint is
    checked as soon as it can be and ConstraintUnmet raised for the first that is False.
    FormulaError names the question, the output or constraint, and the parameters it uses."""
    _check_params(question, params)
    names = dict(params)
    evaluator = Evaluator(names)
    pending = sorted(question.constraints, key=lambda constraint: constraint.after) if constraints else []
    pending = _check_constraints(question, pending, -1, evaluator, params)
    outputs = {}
    for index, formula in enumerate(question.formulas):
        try:
            value = check_value(evaluator.evaluate(formula.expression.tree))
        except FormulaError as error:
            raise _placed(error, question, f"output {formula.name}", formula.name, params) from None
        names[formula.name] = outputs[formula.name] = value
        pending = _check_constraints(question, pending, index, evaluator, params)
    return outputs


def _check_constraints(
    question: FormulaQuestion, pending: list[Constraint], index: int, evaluator: Evaluator, params: dict
) -> list[Constraint]:
    while pending and pending[0].after <= index:
        constraint = pending.pop(0)
        try:
            value = evaluator.evaluate(constraint.expression.tree)
        except FormulaError as error:
            raise _placed(error, question, f"constraint `{constraint.text}`", constraint.text, params) from None
        if not isinstance(value, bool):
            refusal = FormulaError(gettext("a constraint must be True or False, not {value}").format(value=repr(value)))
            raise _placed(refusal, question, f"constraint `{constraint.text}`", constraint.text, params)
        if not value:
            raise ConstraintUnmet(constraint)
    return pending


def _placed(error: FormulaError, question: FormulaQuestion, where: str, name: str, params: dict) -> FormulaError:
    involved = {parameter: params[parameter] for parameter in question.uses(name)}
    return error.within(question=question.key, where=where, params=involved)


def compute_formulas(question: FormulaQuestion, params: dict) -> Computation:
    """The question's outputs for these parameters as a Computation (outputs, working per
    output, prompt values), like a calculator's; cached, so treat it as read-only."""
    _check_params(question, params)
    return _compute(question, json.dumps(params, sort_keys=True, separators=(",", ":")))


@lru_cache(maxsize=4096)
def _compute(question: FormulaQuestion, key: str) -> Computation:
    params = json.loads(key)
    outputs = evaluate(question, params)
    prompt_values = {name: text for name, value in outputs.items() if (text := _prompt_text(value)) is not None}
    return Computation(outputs, prompt_values=prompt_values, explain=lambda: _working(question, params, outputs))


def _prompt_text(value: Any) -> str | None:
    """How an output fills `{name}` in a prompt: a number plainly, a text as is, a vector's
    values comma-separated; nothing for a matrix or True/False."""
    if isinstance(value, str):
        return value
    if is_number(value):
        return formatting.plain(value)
    if isinstance(value, list) and len(shape(value)) == 1:
        return ", ".join(formatting.plain(item) for item in value)
    return None


def _working(question: FormulaQuestion, params: dict, outputs: dict) -> dict[str, list[str]]:
    """Each output's working: the outputs it builds on first, then its own formula."""
    names = {**params, **outputs}
    own = {formula.name: _formula_working(formula, names) for formula in question.formulas}
    working = {}
    for index, formula in enumerate(question.formulas):
        needed = _needed_outputs(question, index)
        working[formula.name] = [line for name in needed for line in own[name]] + own[formula.name]
    return working


def _needed_outputs(question: FormulaQuestion, index: int) -> list[str]:
    """The outputs a formula reads, directly or not, in definition order."""
    needed: set[str] = set()
    for formula in reversed(question.formulas[: index + 1]):
        if formula.name == question.formulas[index].name or formula.name in needed:
            needed |= {name for name in formula.expression.names if name not in question.params}
    return [formula.name for formula in question.formulas[:index] if formula.name in needed]


def _formula_working(formula: Formula, names: dict) -> list[str]:
    tree = formula.expression.tree
    if _calls_calculator(tree):
        # A calculator explains itself better than its call would.
        evaluator = Evaluator(names)
        args = [evaluator.evaluate(arg) for arg in tree.args]
        # A formula names every keyword argument: checking refuses **mapping.
        keywords = {keyword.arg: evaluator.evaluate(keyword.value) for keyword in tree.keywords if keyword.arg}
        lines = _calculator_working(*args, **keywords)
        if lines:
            return lines
    return formula_lines(formula.name, tree, names)


def _calls_calculator(tree: ast.expr) -> TypeGuard[ast.Call]:
    return isinstance(tree, ast.Call) and isinstance(tree.func, ast.Name) and tree.func.id == "calculator"


def _calculator_working(name: str, output: str, *args: Any, **params: Any) -> list[str]:
    values = dict(zip(CALCULATOR_PARAMETERS[name], args, strict=False)) | params
    return list(compute(name, values).working.get(output, []))


# Telling mistakes from right answers ---------------------------------------------------------

SamePrecision = Callable[[Any, Any, Any], bool]


def same_at_part_precision(part: Any, correct: Any, mistake: Any) -> bool:
    """True when a student answering to the part's precision could not tell the mistake's
    value from the correct one: the same shape and every value within half the part's
    tolerance (relative_tolerance × |correct| or absolute_tolerance, in the part's unit), or
    equal up to float noise when the part is exact. Grading drops such a mistake for the
    variant; drawing avoids such variants."""
    if isinstance(correct, str) or isinstance(mistake, str):
        return correct == mistake
    if shape(correct) != shape(mistake):
        return False
    per_unit = kind_info(part.kind).per_unit if getattr(part, "kind", "") and getattr(part, "unit", "") else None
    scale = per_unit(part) if per_unit is not None else 1.0
    relative = getattr(part, "relative_tolerance", 0.0)
    absolute = getattr(part, "absolute_tolerance", 0.0)
    for right, wrong in zip(_flatten(correct), _flatten(mistake), strict=True):
        right, wrong = right / scale, wrong / scale
        band = max(relative * abs(right), absolute)
        if band:
            if abs(right - wrong) >= band / 2:
                return False
        elif abs(right - wrong) > _EXACT * max(1.0, abs(right)):
            return False
    return True


def _flatten(value: Any) -> list:
    if isinstance(value, list):
        return [item for element in value for item in _flatten(element)]
    return [value]


def indistinguishable_mistakes(
    parts: Iterable[Any], outputs: dict[str, Any], same: SamePrecision = same_at_part_precision
) -> list[tuple[str, str]]:
    """(part key, mistake key) of every modelled mistake that gives the correct answer for
    these outputs at the part's precision, as `same(part, correct, mistake)` judges it.
    A part is anything with `key`, `output` and `mistakes` (each with `key` and `output`),
    a PartSpec for one; parts without an output are skipped."""
    found = []
    for part in parts:
        if not getattr(part, "output", ""):
            continue
        correct = _output(outputs, part.output, part.key)
        for mistake in getattr(part, "mistakes", ()):
            if same(part, correct, _output(outputs, mistake.output, part.key)):
                found.append((part.key, mistake.key))
    return found


def _output(outputs: dict, name: str, part: str) -> Any:
    if name not in outputs:
        raise FormulaError(
            gettext("no output {name} (outputs: {outputs})").format(name=repr(name), outputs=", ".join(outputs)),
            where=f"part {part}",
        )
    return outputs[name]


# Drawing variants -----------------------------------------------------------------------------


def _candidate(question: FormulaQuestion, rng: random.Random) -> dict:
    params = json.loads(json.dumps(question.params))
    for name, drawn in question.ranges.items():
        params[name] = drawn.draw(rng)
    return params


def draw_formula_params(
    question: FormulaQuestion,
    seed: int,
    parts: Iterable[Any] = (),
    same: SamePrecision = same_at_part_precision,
) -> dict:
    """A variant's parameters, the same for the same seed: drawn again (at most MAX_DRAWS
    times) until every constraint holds and every mistake of `parts` differs from the correct
    answer; failing that, the draw that meets the constraints with fewest such mistakes, or
    the question's own numbers."""
    return _draw(question, random.Random(seed), list(parts), same, strict=False)[0]


def _draw(
    question: FormulaQuestion, rng: random.Random, parts: list, same: SamePrecision, *, strict: bool
) -> tuple[dict, dict | None, list[tuple[str, str]]]:
    """(params, their outputs, indistinguishable mistakes). Strict (validation): a formula
    error is raised, and so is a constraint never met; otherwise both just mean another draw."""
    if not question.ranges:
        return _defaults(question, parts, same)
    best: tuple[dict, dict, list] | None = None
    unmet: dict[str, int] = {}
    last_unmet: dict = {}
    for _ in range(MAX_DRAWS):
        params = _candidate(question, rng)
        try:
            outputs = evaluate(question, params, constraints=True)
        except ConstraintUnmet as refusal:
            unmet[refusal.constraint.text] = unmet.get(refusal.constraint.text, 0) + 1
            last_unmet[refusal.constraint.text] = params
            continue
        except FormulaError:
            if strict:
                raise
            continue
        clashes = indistinguishable_mistakes(parts, outputs, same)
        if not clashes:
            return params, outputs, []
        if best is None or len(clashes) < len(best[2]):
            best = (params, outputs, clashes)
    if best is not None:
        return best
    if strict:
        text = max(unmet, key=lambda constraint: unmet[constraint])
        involved = {name: last_unmet[text][name] for name in question.uses(text)}
        raise FormulaError(
            gettext("never holds in {count} draws from the ranges; widen the ranges or relax the constraint").format(
                count=MAX_DRAWS
            ),
            question=question.key,
            where=f"constraint `{text}`",
            params=involved,
        )
    return _defaults(question, parts, same)


def _defaults(question: FormulaQuestion, parts: list, same: SamePrecision) -> tuple[dict, dict, list]:
    params = json.loads(json.dumps(question.params))
    outputs = evaluate(question, params)
    return params, outputs, indistinguishable_mistakes(parts, outputs, same)


# Checking before use --------------------------------------------------------------------------


def validate_formula_question(
    question: "FormulaQuestion | dict",
    parts: Iterable[Any] = (),
    *,
    variants: int = VALIDATION_VARIANTS,
    same: SamePrecision = same_at_part_precision,
) -> FormulaQuestion:
    """Refuse a question that could fail a student: evaluate every formula and constraint on
    the defaults and on `variants` drawn variants (at least 100). FormulaError names the
    question, the output or constraint, the problem and the parameters involved. Returns the
    built question."""
    if variants < VALIDATION_VARIANTS:
        raise ValueError(f"variants: at least {VALIDATION_VARIANTS}")
    if not isinstance(question, FormulaQuestion):
        question = FormulaQuestion.from_dict(question)
    parts = list(parts)
    _check_part_outputs(question, parts)
    try:
        defaults = evaluate(question, question.params, constraints=True)
    except ConstraintUnmet as refusal:
        text = refusal.constraint.text
        involved = {name: question.params[name] for name in question.uses(text)}
        raise FormulaError(
            gettext("is False for the question's own numbers"),
            question=question.key,
            where=f"constraint `{text}`",
            params=involved,
        ) from None
    _check_part_values(question, parts, defaults)
    never_told_apart = set(indistinguishable_mistakes(parts, defaults, same))
    if question.ranges:
        for seed in range(variants):
            _, _, clashes = _draw(question, random.Random(seed), parts, same, strict=True)
            never_told_apart &= set(clashes)
    if never_told_apart:
        part, mistake = min(never_told_apart)
        raise FormulaError(
            gettext("gives the correct answer in every variant, so it can never be diagnosed; check its output"),
            question=question.key,
            where=f"part {part}, mistake {mistake}",
        )
    return question


def _check_part_outputs(question: FormulaQuestion, parts: list) -> None:
    outputs = set(question.outputs)
    for part in parts:
        names = [getattr(part, "output", "")] + [mistake.output for mistake in getattr(part, "mistakes", ())]
        for name in filter(None, names):
            if name not in outputs:
                raise FormulaError(
                    gettext("no formula computes {name} (outputs: {outputs})").format(
                        name=repr(name), outputs=", ".join(question.outputs)
                    ),
                    question=question.key,
                    where=f"part {part.key}",
                )


def _check_part_values(question: FormulaQuestion, parts: list, outputs: dict) -> None:
    """A numeric part's answer and mistakes must be numbers or lists of numbers."""
    for part in parts:
        if not getattr(part, "is_numeric", True):
            continue
        names = [getattr(part, "output", "")] + [mistake.output for mistake in getattr(part, "mistakes", ())]
        for name in filter(None, names):
            value = outputs[name]
            if not (is_number(value) or (isinstance(value, list) and value)):
                raise FormulaError(
                    gettext("output {name} is {value}, not a number or a list of numbers").format(
                        name=name, value=repr(value)
                    ),
                    question=question.key,
                    where=f"part {part.key}",
                )
