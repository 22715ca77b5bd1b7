"""The values formulas work with, the limits that keep every evaluation small, and the
error every refusal raises.

A value is a number (a whole number or a decimal), a text, True or False, or a list: a
vector of numbers, or a list of lists of the same shape (a matrix, or channels of vectors
or matrices), at most three levels deep.
"""

import math
import re
from typing import Any

from grader import formatting
from grader.messages import gettext, gettext_noop, localize_numbers, ngettext

# Whole numbers stay below this (int64 holds it, so numpy never overflows silently).
MAX_INTEGER = 10**18
# Elements in one list, at any depth: a 100×100 matrix.
MAX_ELEMENTS = 10_000
# Levels of nesting: a vector is 1, a matrix 2, channels of matrices 3.
MAX_LIST_DEPTH = 3
MAX_TEXT_LENGTH = 200
MAX_FORMULA_LENGTH = 1_000
# Nodes of one expression's syntax tree, one inside the other.
MAX_EXPRESSION_DEPTH = 40
MAX_FORMULAS = 100
MAX_CONSTRAINTS = 50
# Work for one evaluation of a question: one step per expression node evaluated and one per
# element a list operation or a library function reads or writes.
MAX_STEPS = 1_000_000


_PLACES = {
    "question": gettext_noop("question {name}"),
    "parameter": gettext_noop("parameter {name}"),
    "output": gettext_noop("output {name}"),
    "constraint": gettext_noop("constraint {name}"),
    "part": gettext_noop("part {name}"),
    "mistake": gettext_noop("mistake {name}"),
}
_PLACE = re.compile(rf"(?:^|(?<=, ))({'|'.join(_PLACES)}) (`[^`]*`|[^,]+)")


def place_words(where: str) -> str:
    """A place (`output out_h`, `part a, mistake m`) in the reader's language: the words
    translated, the names and `params.h`-style paths as written."""
    return _PLACE.sub(lambda match: gettext(_PLACES[match[1]]).format(name=match[2]), where)


class FormulaError(ValueError):
    """A formula that cannot be used, or failed on some numbers. The message names the
    question, where (an output, a constraint, a parameter or a range), the problem and, for
    a failure on numbers, the parameters involved. `where` stays as written (it tells which
    field is at fault); the message reads it in the reader's language."""

    def __init__(self, problem: str, *, question: str = "", where: str = "", params: dict | None = None) -> None:
        self.problem = problem
        self.question = question
        self.where = where
        self.params = params or {}
        super().__init__(self._message())

    def within(self, *, question: str = "", where: str = "", params: dict | None = None) -> "FormulaError":
        """The same problem, placed: context already given is kept."""
        return FormulaError(
            self.problem,
            question=self.question or question,
            where=self.where or where,
            params=self.params or params,
        )

    def _message(self) -> str:
        question = f"question {self.question}" if self.question else ""
        place = place_words(", ".join(part for part in (question, self.where) if part))
        text = f"{place}: {self.problem}" if place else self.problem
        if self.params:
            numbers = ", ".join(f"{name}={describe(value)}" for name, value in self.params.items())
            text = gettext("{text} (with {numbers})").format(text=text, numbers=numbers)
        return text


def is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def kind(value: Any) -> str:
    """What a value is, in words for messages."""
    if isinstance(value, bool):
        return "True/False"
    if isinstance(value, int | float):
        return gettext("a number")
    if isinstance(value, str):
        return gettext("text")
    if isinstance(value, list):
        return ngettext("a list of {count} value", "a list of {count} values", len(value)).format(count=len(value))
    if value is None:
        return gettext("nothing (None)")
    return type(value).__name__


def shape(value: Any) -> tuple[int, ...]:
    """A list's sizes, outermost first; () for anything else. Lists are rectangular."""
    sizes = []
    while isinstance(value, list):
        sizes.append(len(value))
        if not value:
            break
        value = value[0]
    return tuple(sizes)


def size(value: Any) -> int:
    """How many values a value holds: 1 for a scalar."""
    return math.prod(shape(value)) if isinstance(value, list) else 1


def check_number(value: Any) -> int | float:
    """A finite number within the limits, or FormulaError."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise FormulaError(gettext("expected a number, got {kind}").format(kind=kind(value)))
    if isinstance(value, int):
        if abs(value) > MAX_INTEGER:
            raise FormulaError(
                gettext("a whole number is too large (the limit is {limit:.0e})").format(limit=MAX_INTEGER)
            )
    elif not math.isfinite(value):
        raise FormulaError(gettext("the result is not a finite number"))
    return value


def check_value(value: Any) -> Any:
    """A plain value within the limits, returned as is; FormulaError says what is wrong."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        if len(value) > MAX_TEXT_LENGTH:
            raise FormulaError(gettext("a text is longer than {limit} characters").format(limit=MAX_TEXT_LENGTH))
        return value
    if isinstance(value, list):
        check_list(value)
        return value
    return check_number(value)


def check_list(items: list) -> tuple[int, ...]:
    """A list of numbers, or of lists of one shape, within the limits; its shape."""
    found = shape(items)
    if len(found) > MAX_LIST_DEPTH:
        raise FormulaError(gettext("lists may be nested at most {limit} deep").format(limit=MAX_LIST_DEPTH))
    if math.prod(found) > MAX_ELEMENTS:
        raise FormulaError(
            gettext("a list may hold at most {limit} values").format(limit=localize_numbers(f"{MAX_ELEMENTS:,}"))
        )
    _check_rectangular(items, found)
    return found


def _check_rectangular(items: list, expected: tuple[int, ...]) -> None:
    if len(items) != expected[0]:
        raise FormulaError(gettext("the rows of a list must all have the same length"))
    for item in items:
        if len(expected) > 1:
            if not isinstance(item, list):
                raise FormulaError(gettext("a list must hold numbers, or lists of the same length"))
            _check_rectangular(item, expected[1:])
        elif isinstance(item, list):
            raise FormulaError(gettext("a list must hold numbers, or lists of the same length"))
        elif isinstance(item, bool) or not isinstance(item, int | float):
            raise FormulaError(gettext("a list must hold numbers, not {kind}").format(kind=kind(item)))
        else:
            check_number(item)


def show(value: Any) -> str:
    """A value as a worked solution shows it: numbers plainly, text quoted, lists bracketed."""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, list):
        return "[" + ", ".join(show(item) for item in value) + "]"
    if is_number(value):
        return formatting.plain(value)
    return repr(value)


def describe(value: Any, limit: int = 40) -> str:
    """A value for a message, shortened: [1, 2, 3, …] (12 values)."""
    text = show(value)
    if len(text) <= limit:
        return text
    count = size(value)
    return f"{text[: limit - 1]}… " + ngettext("({count} value)", "({count} values)", count).format(count=count)
