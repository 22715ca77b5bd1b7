"""What a part asks for: its answer kind, calculator output, tolerance, mistakes, choices, rubric.

Specs are frozen and hashable so that grading can cache what it derives from them.
"""

import math
from dataclasses import dataclass, field
from enum import StrEnum
from numbers import Real
from typing import Any

from grader.messages import gettext, gettext_noop


class AnswerKind(StrEnum):
    """What a part asks for; the values are what the bank files and the database store."""

    INTEGER = "integer"
    NUMBER = "number"
    QUANTITY = "quantity"
    VECTOR = "vector"
    MATRIX = "matrix"
    DIMS = "dims"
    COUNT = "count"
    SELECT_ALL = "select_all"
    SHAPE = "shape"
    CHOICE = "choice"
    TEXT = "text"


class Status(StrEnum):
    """A verdict's status; the values are what the database stores."""

    UNANSWERED = "unanswered"
    CORRECT = "correct"
    PARTIAL = "partial"
    INCORRECT = "incorrect"
    INVALID = "invalid"
    NEEDS_REVIEW = "needs_review"

    @classmethod
    def for_credit(cls, credit: float) -> "Status":
        """The status a credit in [0, 1] earns: correct, partial or incorrect."""
        if credit >= 1:
            return cls.CORRECT
        return cls.PARTIAL if credit > 0 else cls.INCORRECT


KINDS = tuple(AnswerKind)

# Keys of a bank part the grader does not grade with (of the hints it only says which kinds may have them).
_IGNORED_KEYS = {"prompt", "points", "hints", "hint_after_checks"}
_KNOWN_KEYS = {
    "key",
    "kind",
    "output",
    "unit",
    "relative_tolerance",
    "absolute_tolerance",
    "partial_credit",
    "shape_feedback",
    "mistakes",
    "choices",
    "correct",
    "rubric",
    "significant_figures",
    "decimal_places",
}


@dataclass(frozen=True)
class MistakeSpec:
    """A known wrong answer: another calculator output, with its own credit and feedback.

    A "mistake" with credit 1 is another accepted form of the answer (a kernel size given
    with its depth): it grades correct, with its feedback saying why.
    """

    key: str
    output: str
    credit: float
    feedback: str


@dataclass(frozen=True)
class ChoiceSpec:
    """One choice, with the one-line "why" shown when it is picked."""

    key: str
    label: str
    feedback: str = ""


@dataclass(frozen=True)
class ConceptSpec:
    """One rubric item of a free-text part.

    It is recognised by its phrases (contiguous runs of words) or by meaning: an answer's
    sentence close to one of its examples (the label is always one), and closer to them than
    to its contradictions (statements that sound alike but deny or reverse it). Core items
    make up the suggested score; bonus items add to it, up to the part's points. A bare list
    of keywords earns half an item's points, unless naming the item is all the question asks.
    `feedback` is what the student reads about the item once a teacher has confirmed the part.
    """

    key: str
    label: str
    phrases: tuple[str, ...] = ()
    points: float = 1.0
    bonus: bool = False
    feedback: str = ""
    examples: tuple[str, ...] = ()
    contradictions: tuple[str, ...] = ()
    naming_suffices: bool = False
    _hash: int = field(default=0, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # Every suggestion hashes its rubric (the cache key): hash the examples and phrases once.
        object.__setattr__(self, "_hash", hash(tuple(getattr(self, name) for name in _CONCEPT_FIELDS)))

    def __hash__(self) -> int:
        return self._hash


_CONCEPT_FIELDS = (  # a rubric item's fields, which make its hash
    "key",
    "label",
    "phrases",
    "points",
    "bonus",
    "feedback",
    "examples",
    "contradictions",
    "naming_suffices",
)


@dataclass(frozen=True)
class PartSpec:
    """One gradable part; validated on construction, so a spec that exists is usable."""

    key: str
    kind: str
    output: str = ""
    unit: str = ""
    relative_tolerance: float = 0.0
    absolute_tolerance: float = 0.0
    partial_credit: bool = False
    shape_feedback: str = ""
    mistakes: tuple[MistakeSpec, ...] = ()
    choices: tuple[ChoiceSpec, ...] = ()
    correct_choice: str = ""
    rubric: tuple[ConceptSpec, ...] = ()
    significant_figures: int | None = None
    """How many significant figures the answer must be written with (3.14 has three); None: any."""
    decimal_places: int | None = None
    """How many decimals the answer must be written with (3.140 has three); None: any."""
    _hash: int = field(default=0, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        _check(self)
        # Grading hashes specs on every answer (cache keys); hash the nested tuples once.
        object.__setattr__(self, "_hash", hash(tuple(getattr(self, name) for name in _FIELDS)))

    def __hash__(self) -> int:
        return self._hash

    @property
    def correct_choices(self) -> tuple[str, ...]:
        """The keys of the right choices: one for a choice part, any number where several are right
        (stored as the keys separated by commas)."""
        return tuple(key.strip() for key in self.correct_choice.split(",") if key.strip())

    @property
    def is_numeric(self) -> bool:
        """Graded against a computed output (by the candidate rule), not by a rule of its kind's own."""
        from grader.kinds import KIND_INFO  # the registry reads specs: imported here, not at the top

        return KIND_INFO[AnswerKind(self.kind)].computed

    @classmethod
    def from_dict(cls, data: dict) -> "PartSpec":
        """Build a spec from a bank part (the YAML mapping); ValueError names the bad field."""
        if not isinstance(data, dict):
            raise ValueError(gettext("part: must be a mapping"))
        unknown = sorted(set(data) - _KNOWN_KEYS - _IGNORED_KEYS, key=str)
        if unknown:
            raise ValueError(gettext("{name}: not a field of a part").format(name=unknown[0]))
        spec = cls(
            key=_text(data, "key"),
            kind=_text(data, "kind"),
            output=_text(data, "output"),
            unit=_text(data, "unit"),
            relative_tolerance=_number(data, "relative_tolerance"),
            absolute_tolerance=_number(data, "absolute_tolerance"),
            partial_credit=_flag(data, "partial_credit"),
            shape_feedback=_text(data, "shape_feedback"),
            mistakes=tuple(
                MistakeSpec(
                    key=_text(item, "key", where),
                    output=_text(item, "output", where),
                    credit=_number(item, "credit", where, gettext_noop("{label}: must be a number between 0 and 1")),
                    feedback=_text(item, "feedback", where),
                )
                for where, item in _items(data, "mistakes")
            ),
            choices=tuple(
                ChoiceSpec(
                    key=_text(item, "key", where),
                    label=_text(item, "label", where),
                    feedback=_text(item, "feedback", where),
                )
                for where, item in _items(data, "choices")
            ),
            correct_choice=_correct(data),
            rubric=tuple(_concept(item, where) for where, item in _items(data, "rubric")),
            significant_figures=_count(data, "significant_figures"),
            decimal_places=_count(data, "decimal_places"),
        )
        _check_hints(spec, data.get("hints"))
        return spec


_FIELDS = (
    "key",
    "kind",
    "output",
    "unit",
    "relative_tolerance",
    "absolute_tolerance",
    "partial_credit",
    "shape_feedback",
    "mistakes",
    "choices",
    "correct_choice",
    "rubric",
    "significant_figures",
    "decimal_places",
)


def _check(spec: PartSpec) -> None:
    """Refuse a spec that could not be graded, naming the field; what each kind takes is its registry entry's."""
    from grader.kinds import KIND_INFO, kinds_that  # the registry reads specs: imported here, not at the top

    if not spec.key:
        raise ValueError(gettext("key: required"))
    if spec.kind not in KINDS:
        raise ValueError(
            gettext("kind: must be one of {kinds}, not {kind!r}").format(kinds=", ".join(KINDS), kind=spec.kind)
        )
    info = KIND_INFO[AnswerKind(spec.kind)]
    if info.computed and not spec.output:
        raise ValueError(gettext("output: required for {kind} parts").format(kind=spec.kind))
    if not info.computed and spec.output:
        raise ValueError(gettext("output: {kind} parts take no calculator output").format(kind=spec.kind))
    if info.check_unit is not None:
        info.check_unit(spec.unit)
    elif spec.unit:
        raise ValueError(gettext("unit: only {kinds} parts take a unit").format(kinds=kinds_that("check_unit")))
    for name in ("relative_tolerance", "absolute_tolerance"):
        value = getattr(spec, name)
        if not _is_number(value) or not math.isfinite(value) or value < 0:
            raise ValueError(gettext("{name}: must be a number of at least 0").format(name=name))
        if value and not info.tolerant:
            raise ValueError(gettext("{name}: {kind} parts are graded exactly").format(name=name, kind=spec.kind))
    if spec.partial_credit and not info.per_element_credit:
        kinds = kinds_that("per_element_credit")
        raise ValueError(gettext("partial_credit: only {kinds} parts give credit per element").format(kinds=kinds))
    _check_written_precision(spec, info.written_precision)
    if spec.mistakes and not info.computed:
        raise ValueError(gettext("mistakes: {kind} parts take no mistakes").format(kind=spec.kind))
    _check_mistakes(spec.mistakes)
    _check_choices(spec, info.choices, several=info.several_correct)
    _check_rubric(spec, info.rubric)


def _check_hints(spec: PartSpec, hints) -> None:
    """Hints are shown only after checks: on a part that is never checked, no student would see them."""
    from grader.kinds import KIND_INFO

    if hints and not KIND_INFO[AnswerKind(spec.kind)].checkable:
        problem = gettext("hints: {kind} parts are never checked before submitting, so no student would see the hints")
        raise ValueError(problem.format(kind=spec.kind))


_MOST_FIGURES = 15


def _check_written_precision(spec: PartSpec, takes_it: bool) -> None:
    from grader.kinds import kinds_that

    for name in ("significant_figures", "decimal_places"):
        value = getattr(spec, name)
        if value is None:
            continue
        if not takes_it:
            kinds = kinds_that("written_precision")
            raise ValueError(gettext("{name}: only {kinds} parts ask for it").format(name=name, kinds=kinds))
        least = 1 if name == "significant_figures" else 0
        if isinstance(value, bool) or not isinstance(value, int) or not least <= value <= _MOST_FIGURES:
            problem = gettext("{name}: must be a whole number from {least} to {most}")
            raise ValueError(problem.format(name=name, least=least, most=_MOST_FIGURES))
    if spec.significant_figures is not None and spec.decimal_places is not None:
        raise ValueError(gettext("decimal_places: give significant_figures or decimal_places, not both"))


def _check_mistakes(mistakes: tuple[MistakeSpec, ...]) -> None:
    seen: set[str] = set()
    for index, mistake in enumerate(mistakes):
        where = f"mistakes[{index}]"
        if not mistake.key:
            raise ValueError(gettext("{where}.key: required").format(where=where))
        if mistake.key in seen:
            raise ValueError(gettext("{where}.key: {key!r} is used twice").format(where=where, key=mistake.key))
        seen.add(mistake.key)
        if not mistake.output:
            raise ValueError(gettext("{where}.output: required").format(where=where))
        if not _is_number(mistake.credit) or not 0 <= mistake.credit <= 1:
            raise ValueError(gettext("{where}.credit: must be a number between 0 and 1").format(where=where))
        if not mistake.feedback.strip():
            raise ValueError(gettext("{where}.feedback: required").format(where=where))


def _check_choices(spec: PartSpec, takes_choices: bool, *, several: bool) -> None:
    if not takes_choices:
        if spec.choices or spec.correct_choice:
            raise ValueError(gettext("choices: only choice and select_all parts take choices"))
        return
    if len(spec.choices) < 2:
        raise ValueError(gettext("choices: a {kind} part needs at least two choices").format(kind=spec.kind))
    seen: set[str] = set()
    for index, choice in enumerate(spec.choices):
        if not choice.key or not choice.label.strip():
            raise ValueError(gettext("choices[{index}]: needs a key and a label").format(index=index))
        if choice.key in seen:
            problem = gettext("choices[{index}].key: {key!r} is used twice")
            raise ValueError(problem.format(index=index, key=choice.key))
        if several and "," in choice.key:
            problem = gettext("choices[{index}].key: {key!r} may not hold a comma")
            raise ValueError(problem.format(index=index, key=choice.key))
        seen.add(choice.key)
    keys = ", ".join(sorted(seen))
    if not several:
        if spec.correct_choice not in seen:
            raise ValueError(gettext("correct: must be one of the choices' keys ({keys})").format(keys=keys))
        return
    correct = spec.correct_choices
    if not correct or any(key not in seen for key in correct):
        raise ValueError(gettext("correct: must list one or more of the choices' keys ({keys})").format(keys=keys))
    if len(set(correct)) != len(correct):
        raise ValueError(gettext("correct: names a choice twice"))


def _check_rubric(spec: PartSpec, takes_rubric: bool) -> None:
    if not takes_rubric:
        if spec.rubric:
            raise ValueError(gettext("rubric: only text parts take a rubric"))
        return
    if not spec.rubric:
        raise ValueError(gettext("rubric: a text part needs at least one concept"))
    seen: set[str] = set()
    for index, concept in enumerate(spec.rubric):
        where = f"rubric[{index}]"
        if not concept.key:
            raise ValueError(gettext("{where}.key: required").format(where=where))
        if concept.key in seen:
            raise ValueError(gettext("{where}.key: {key!r} is used twice").format(where=where, key=concept.key))
        seen.add(concept.key)
        if not concept.phrases or not all(isinstance(p, str) and p.strip() for p in concept.phrases):
            raise ValueError(gettext("{where}.phrases: needs at least one phrase, none empty").format(where=where))
        for name in ("examples", "contradictions"):
            if not all(isinstance(text, str) and text.strip() for text in getattr(concept, name)):
                raise ValueError(gettext("{where}.{name}: no statement may be empty").format(where=where, name=name))
        if not _is_number(concept.points) or not math.isfinite(concept.points) or concept.points <= 0:
            raise ValueError(gettext("{where}.points: must be a number above 0").format(where=where))
    if all(concept.bonus for concept in spec.rubric):
        raise ValueError(gettext("rubric: needs at least one core concept (bonus: false)"))


def _is_number(value: Any) -> bool:
    return isinstance(value, Real) and not isinstance(value, bool)


def _text(data: Any, name: str, where: str = "") -> str:
    label = f"{where}.{name}" if where else name
    if not isinstance(data, dict):
        raise ValueError(gettext("{where}: must be a mapping").format(where=where))
    value = data.get(name)
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise ValueError(gettext("{label}: must be text").format(label=label))
    return str(value).strip()


def _number(data: dict, name: str, where: str = "", problem: str = gettext_noop("{label}: must be a number")) -> float:
    """The number at `name`, 0 when absent; `problem` is the refusal's catalog message, with {label} for the field."""
    label = f"{where}.{name}" if where else name
    value = data.get(name)
    if value is None:
        return 0.0
    if not _is_number(value) or not math.isfinite(value):
        raise ValueError(gettext(problem).format(label=label))
    return float(value)


def _correct(data: dict) -> str:
    """The right choice's key; where several are right, their list (stored as keys separated by commas)."""
    value = data.get("correct")
    if isinstance(value, (list, tuple)):
        if not all(isinstance(key, (str, int)) and not isinstance(key, bool) for key in value):
            raise ValueError(gettext("correct: must be a choice's key, or a list of them"))
        return ",".join(str(key).strip() for key in value)
    return _text(data, "correct")


def _count(data: dict, name: str) -> int | None:
    value = data.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(gettext("{name}: must be a whole number").format(name=name))
    return value


def _flag(data: dict, name: str, where: str = "") -> bool:
    label = f"{where}.{name}" if where else name
    value = data.get(name)
    if value is None:
        return False
    if not isinstance(value, bool):
        raise ValueError(gettext("{label}: must be true or false").format(label=label))
    return value


def _items(data: dict, name: str) -> list[tuple[str, dict]]:
    value = data.get(name)
    if value is None:
        return []
    if not isinstance(value, (list, tuple)):
        raise ValueError(gettext("{name}: must be a list").format(name=name))
    for index, item in enumerate(value):
        if not isinstance(item, dict):
            raise ValueError(gettext("{name}[{index}]: must be a mapping").format(name=name, index=index))
    return [(f"{name}[{index}]", item) for index, item in enumerate(value)]


_CONCEPT_KEYS = frozenset(_CONCEPT_FIELDS)
"""The keys a rubric item may have: its fields."""


def _concept(item: dict, where: str) -> ConceptSpec:
    """One rubric item; an old-style item (key, label, phrases) is a core item worth 1 point."""
    unknown = sorted(set(item) - _CONCEPT_KEYS, key=str)
    if unknown:
        raise ValueError(
            gettext("{where}.{name}: not a field of a rubric concept").format(where=where, name=unknown[0])
        )
    points = item.get("points", 1)
    if not _is_number(points) or not math.isfinite(points) or points <= 0:
        raise ValueError(gettext("{where}.points: must be a number above 0").format(where=where))
    return ConceptSpec(
        key=_text(item, "key", where),
        label=_text(item, "label", where),
        phrases=_statements(item, "phrases", where, required=True),
        points=float(points),
        bonus=_flag(item, "bonus", where),
        feedback=_text(item, "feedback", where),
        examples=_statements(item, "examples", where),
        contradictions=_statements(item, "contradictions", where),
        naming_suffices=_flag(item, "naming_suffices", where),
    )


def _statements(item: dict, name: str, where: str, *, required: bool = False) -> tuple[str, ...]:
    value = item.get(name)
    if value is None and not required:
        return ()
    if not isinstance(value, (list, tuple)) or not all(isinstance(p, (str, int)) for p in value):
        raise ValueError(gettext("{where}.{name}: must be a list of {name}").format(where=where, name=name))
    return tuple(str(p).strip() for p in value)
