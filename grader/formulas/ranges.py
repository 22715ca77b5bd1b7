"""Where a formula question's random numbers come from: one range per parameter.

    h: [8, 64]                                      a whole number, both ends included
    c_in: {choices: [1, 3, 16]}                     one of the values given
    sequence: {vector: {length: [6, 11], values: [-6, 6]}}
    image: {matrix: {rows: [4, 6], cols: [4, 6], values: [-3, 5]}}

A vector's or matrix's values are whole numbers drawn independently. Parsing refuses a
range that cannot be drawn from, naming it; drawing takes a `random.Random`, so a seed
always gives the same numbers.
"""

import random
from dataclasses import dataclass
from typing import Any

from grader.formulas.values import MAX_ELEMENTS, MAX_INTEGER, FormulaError, check_value, describe
from grader.messages import gettext, localize_numbers

# Values of a drawn vector or matrix stay within this, like the calculators' parameters.
MAX_DRAWN_VALUE = 1_000_000
MAX_VECTOR_LENGTH = 1_000
MAX_MATRIX_SIDE = 100


@dataclass(frozen=True)
class Span:
    """Whole numbers from low to high, both included."""

    low: int
    high: int

    def draw(self, rng: random.Random) -> int:
        return rng.randint(self.low, self.high)


@dataclass(frozen=True)
class Choices:
    values: tuple

    def draw(self, rng: random.Random) -> Any:
        # A list value is copied, so a drawn variant never shares it with the range.
        value = rng.choice(self.values)
        return _copy(value)


@dataclass(frozen=True)
class VectorRange:
    length: Span
    values: Span

    def draw(self, rng: random.Random) -> list[int]:
        return [self.values.draw(rng) for _ in range(self.length.draw(rng))]


@dataclass(frozen=True)
class MatrixRange:
    rows: Span
    cols: Span
    values: Span

    def draw(self, rng: random.Random) -> list[list[int]]:
        rows, cols = self.rows.draw(rng), self.cols.draw(rng)
        return [[self.values.draw(rng) for _ in range(cols)] for _ in range(rows)]


Range = Span | Choices | VectorRange | MatrixRange


def parse_range(name: str, value: Any) -> Range:
    """One parameter's range; FormulaError (placed at `ranges.<name>`) if it cannot be drawn from."""
    try:
        return _parse(value)
    except FormulaError as error:
        raise error.within(where=f"ranges.{name}") from None


def _parse(value: Any) -> Range:
    if isinstance(value, list):
        return _span(value, "", -MAX_INTEGER, MAX_INTEGER)
    if not isinstance(value, dict) or len(value) != 1:
        raise FormulaError(
            gettext(
                "write a range as [low, high], {choices: [...]}, {vector: {length, values}} "
                "or {matrix: {rows, cols, values}}"
            )
        )
    form, spec = next(iter(value.items()))
    if form == "choices":
        if not isinstance(spec, list) or not spec:
            raise FormulaError(gettext("choices: give a list of at least one value"))
        for choice in spec:
            try:
                check_value(choice)
            except FormulaError as error:
                raise FormulaError(
                    gettext("choices: {value} is not a usable value: {problem}").format(
                        value=describe(choice), problem=error.problem
                    )
                ) from None
        return Choices(tuple(_copy(choice) for choice in spec))
    if form == "vector":
        fields = _fields(spec, "vector", ("length", "values"))
        return VectorRange(
            _span(fields["length"], "vector.length", 1, MAX_VECTOR_LENGTH),
            _span(fields["values"], "vector.values", -MAX_DRAWN_VALUE, MAX_DRAWN_VALUE),
        )
    if form == "matrix":
        fields = _fields(spec, "matrix", ("rows", "cols", "values"))
        matrix = MatrixRange(
            _span(fields["rows"], "matrix.rows", 1, MAX_MATRIX_SIDE),
            _span(fields["cols"], "matrix.cols", 1, MAX_MATRIX_SIDE),
            _span(fields["values"], "matrix.values", -MAX_DRAWN_VALUE, MAX_DRAWN_VALUE),
        )
        if matrix.rows.high * matrix.cols.high > MAX_ELEMENTS:
            raise FormulaError(
                gettext("matrix: at most {limit} values").format(limit=localize_numbers(f"{MAX_ELEMENTS:,}"))
            )
        return matrix
    raise FormulaError(
        gettext("unknown range {form}; use [low, high], choices, vector or matrix").format(form=repr(form))
    )


def _fields(spec: Any, form: str, names: tuple[str, ...]) -> dict:
    if not isinstance(spec, dict) or set(spec) != set(names):
        raise FormulaError(
            gettext("{form}: give exactly {names}, each [low, high]").format(form=form, names=", ".join(names))
        )
    return spec


def _span(value: Any, label: str, lowest: int, highest: int) -> Span:
    if (
        not isinstance(value, list)
        or len(value) != 2
        or not all(isinstance(v, int) and not isinstance(v, bool) for v in value)
        or value[0] > value[1]
    ):
        raise FormulaError(_labelled(label, gettext("must be [low, high], two whole numbers with low ≤ high")))
    if value[0] < lowest or value[1] > highest:
        raise FormulaError(
            _labelled(
                label,
                gettext("must lie within {lowest} to {highest}").format(
                    lowest=localize_numbers(f"{lowest:,}"), highest=localize_numbers(f"{highest:,}")
                ),
            )
        )
    return Span(value[0], value[1])


def _labelled(label: str, problem: str) -> str:
    return f"{label}: {problem}" if label else problem


def _copy(value: Any) -> Any:
    return [_copy(item) for item in value] if isinstance(value, list) else value
