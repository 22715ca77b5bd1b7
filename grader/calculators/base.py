"""What every calculator is made of, and the pieces their checks and draws share.

A calculator is one module of this package holding one `Calculator`: the check of its
parameters (ValueError naming the parameter), the computation of its outputs with the
working a worked solution shows, the ranges a question may randomize and the draw of a
variant from them.
"""

import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from grader.messages import current_language, gettext, ngettext

# The largest magnitude of a value given to a calculator, and of a value drawn for a variant.
MAX_VALUE = 1_000_000
# A draw that does not fit (a "valid" kernel, a mistake that cannot be told apart) is drawn
# again, at most this many times.
TRIES = 100
# Calculators sum whole numbers in plain Python up to this many values, where numpy's own
# overhead costs more than the arithmetic; numpy beyond it.
PLAIN_LIMIT = 4096

Draw = tuple[int, int] | list  # a (low, high) span or a list of choices


class Computation:
    """What a calculator made of one set of parameters.

    `outputs` holds plain JSON values (ints, floats, lists, strings), sizes in bytes;
    `working` the lines of the derivation per output, written on first use in each language
    (grading never needs them); `prompt_values` derived text for prompts. Read-only, and
    compared and hashed by identity: `compute` returns the same object for the same parameters.
    """

    __slots__ = ("outputs", "prompt_values", "_working", "_explain", "_explained")
    outputs: dict[str, Any]
    prompt_values: dict[str, str]
    _working: dict[str, list[str]] | None
    _explain: Callable[[], dict[str, list[str]]] | None
    _explained: dict[str, dict[str, list[str]]]

    def __init__(
        self,
        outputs: dict[str, Any],
        working: dict[str, list[str]] | None = None,
        prompt_values: dict[str, str] | None = None,
        *,
        explain: Callable[[], dict[str, list[str]]] | None = None,
    ) -> None:
        object.__setattr__(self, "outputs", outputs)
        object.__setattr__(self, "prompt_values", prompt_values or {})
        object.__setattr__(self, "_working", working)
        object.__setattr__(self, "_explain", explain)
        object.__setattr__(self, "_explained", {})

    @property
    def working(self) -> dict[str, list[str]]:
        if self._working is not None or self._explain is None:
            return self._working or {}
        # Written in the reader's language; the computation is shared by readers of every language.
        language = current_language()
        if language not in self._explained:
            self._explained[language] = self._explain()
        return self._explained[language]

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("a Computation is shared through the cache and cannot be changed")

    def __repr__(self) -> str:
        return f"Computation(outputs={self.outputs!r})"


@dataclass(frozen=True)
class Calculator:
    """One calculator: `check` refuses parameters it cannot use, `compute` (also what calling
    it does) gives the outputs and their working, `ranges` maps each range a question may set
    to its allowed span (a `range`) or choices (a tuple), and `draw` makes a variant's
    parameters from a question's own and its parsed ranges."""

    name: str
    compute: Callable[[dict], Computation]
    check: Callable[[dict], None]
    ranges: dict[str, range | tuple]
    draw: Callable[[random.Random, dict, dict[str, Draw]], dict]

    def __call__(self, params: dict) -> Computation:
        return self.compute(params)


# Parameter checks ---------------------------------------------------------------------------


def check_names(params: Any, calculator: str, names: tuple[str, ...]) -> None:
    if not isinstance(params, dict):
        raise ValueError(gettext("params: must be a mapping of parameter names to values"))
    for name in params:
        if name not in names:
            problem = gettext("{name}: not a parameter of {calculator} (it takes {names})")
            raise ValueError(problem.format(name=name, calculator=calculator, names=", ".join(names)))
    for name in names:
        if name not in params:
            raise ValueError(gettext("{name}: missing").format(name=name))


def whole(value: Any, name: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ValueError(
            gettext("{name}: must be a whole number from {low} to {high}").format(name=name, low=low, high=high)
        )
    return value


def one_of(value: Any, name: str, options: tuple) -> None:
    if isinstance(value, bool) or value not in options:
        raise ValueError(
            gettext("{name}: must be one of {options}").format(name=name, options=", ".join(map(str, options)))
        )


def number_list(value: Any, name: str, low: int, high: int) -> list:
    """A list of `low`..`high` finite numbers of sensible size."""
    if not isinstance(value, list) or not low <= len(value) <= high:
        problem = ngettext(
            "{name}: must be a list of {low} to {high} number",
            "{name}: must be a list of {low} to {high} numbers",
            high,
        )
        raise ValueError(problem.format(name=name, low=low, high=high))
    for item in value:
        if isinstance(item, bool) or not isinstance(item, (int, float)) or not abs(item) <= MAX_VALUE:
            problem = gettext("{name}: every value must be a number between -{most:g} and {most:g}")
            raise ValueError(problem.format(name=name, most=MAX_VALUE))
    return value


def table(value: Any, name: str, high: int) -> tuple[int, int]:
    """A rectangular list of rows of numbers; its shape."""
    if not isinstance(value, list) or not 1 <= len(value) <= high:
        problem = ngettext(
            "{name}: must be a list of 1 to {high} row", "{name}: must be a list of 1 to {high} rows", high
        )
        raise ValueError(problem.format(name=name, high=high))
    width = len(value[0]) if isinstance(value[0], list) else 0
    for row in value:
        number_list(row, name, 1, high)
        if len(row) != width:
            raise ValueError(gettext("{name}: every row must have the same number of values").format(name=name))
    return len(value), width


# Draws --------------------------------------------------------------------------------------


def pick(rng: random.Random, draw: Draw) -> Any:
    if isinstance(draw, tuple):
        return rng.randint(draw[0], draw[1])
    return rng.choice(draw)


def span(values: list) -> tuple[int, int]:
    """Where drawn values come from when only a length is randomized: the base's own span."""
    return (int(min(values)), int(max(values)))
