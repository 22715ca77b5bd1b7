"""Grading: an answer's text and a part's spec in, a verdict out.

A numeric answer is matched to the nearest candidate (the correct answer or a known
mistake) within the part's tolerance; a tie goes to the correct answer. A mistake that
lies within half the tolerance of the correct answer, or equals it, is dropped for that
variant, so it never takes credit from a right answer. A vector or matrix of the right
shape that matches nothing scores the share of its elements that are right, where the
part allows partial credit.
"""

import math
from dataclasses import asdict, dataclass
from functools import lru_cache
from typing import Any

from grader import formatting, rubric, units
from grader.calculators import Computation, compute
from grader.parsing import AnswerError, fold, read
from grader.spec import PartSpec

CORRECT = "correct"
PARTIAL = "partial"
INCORRECT = "incorrect"
INVALID = "invalid"
UNANSWERED = "unanswered"
NEEDS_REVIEW = "needs_review"

# Float noise allowed when a part is exact (answers typed as 903400.0 or 9.034e5).
_EXACT = 1e-9


@dataclass(frozen=True)
class Verdict:
    """What grading says about one answer. `score` is the credit in [0, 1]; for a free-text
    part it is the rubric's suggestion, to be confirmed by a teacher."""

    score: float
    status: str
    mistake: str | None
    feedback: str
    expected: str
    concepts_found: tuple[str, ...] = ()
    concepts_missed: tuple[str, ...] = ()
    concepts: tuple[rubric.ConceptResult, ...] = ()
    """For free text: every rubric concept's decision, with where it was found and how surely."""
    confidence: float | None = None
    """For free text: how sure the suggestion is (its least sure decision), from 0.5 to 1."""
    flags: tuple[str, ...] = ()
    """For free text: what the teacher should look at (rubric.FLAG_*)."""

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["concepts_found"] = list(self.concepts_found)
        data["concepts_missed"] = list(self.concepts_missed)
        data["concepts"] = [result.as_dict() for result in self.concepts]
        data["flags"] = list(self.flags)
        return data


@dataclass(frozen=True)
class _Candidate:
    """The correct answer (key None) or a mistake, flattened for comparison."""

    key: str | None
    credit: float
    feedback: str
    shape: tuple[int, ...]
    values: tuple[float, ...]
    bands: tuple[float, ...]


@dataclass(frozen=True)
class _Key:
    """What grading a part needs from its computation, derived once per spec and variant."""

    value: Any
    display: str
    candidates: tuple[_Candidate, ...]


def grade_part(spec: PartSpec, computation: Computation | None, text: str) -> Verdict:
    """Grade one answer. Numeric parts need the question's computation; choice and text
    parts take None. Any text at all gives a verdict: unreadable text is `invalid`."""
    key = _key(spec, computation)
    if text is None or not text.strip():
        return Verdict(0.0, UNANSWERED, None, "No answer.", key.display)
    try:
        value = read(spec, text)
    except AnswerError as error:
        return Verdict(0.0, INVALID, None, str(error), key.display)
    if spec.kind == "text":
        # The text as typed (read() only checked its limits): the spans point into what is stored.
        suggestion = rubric.suggest(spec.rubric, text)
        return Verdict(
            suggestion.score,
            NEEDS_REVIEW,
            None,
            "Awaiting review by your teacher.",
            "",
            suggestion.found,
            suggestion.missed,
            suggestion.concepts,
            suggestion.confidence,
            suggestion.flags,
        )
    if spec.kind == "choice":
        if value == spec.correct_choice:
            return Verdict(1.0, CORRECT, None, "Correct.", key.display)
        return Verdict(0.0, INCORRECT, None, "That is not the right choice.", key.display)
    return _grade_value(spec, key, value)


def _grade_value(spec: PartSpec, key: _Key, value: Any) -> Verdict:
    """Match a read answer to the nearest candidate of its shape. Tolerance per element: the
    larger of relative_tolerance × |candidate| and absolute_tolerance; exact (up to float
    noise of 1e-9) when both are 0."""
    shape, values = _flatten(value)
    best: _Candidate | None = None
    best_distance = math.inf
    for candidate in key.candidates:
        if candidate.shape != shape:
            continue
        distance = _distance(values, candidate)
        # Strictly nearer only: the correct answer comes first and wins ties.
        if distance <= 1 and distance < best_distance:
            best, best_distance = candidate, distance
    if best is not None:
        if best.key is None:
            return Verdict(1.0, CORRECT, None, "Correct.", key.display)
        status = PARTIAL if best.credit > 0 else INCORRECT
        return Verdict(best.credit, status, best.key, best.feedback, key.display)
    correct = key.candidates[0]
    if shape != correct.shape:
        return Verdict(0.0, INCORRECT, None, _shape_feedback(spec, shape, correct.shape), key.display)
    if spec.kind == "integer" and not float(values[0]).is_integer():
        return Verdict(0.0, INCORRECT, None, "Not the expected answer: the answer is a whole number.", key.display)
    if spec.partial_credit and len(values) > 1:
        right = sum(_within(x, c, band) for x, c, band in zip(values, correct.values, correct.bands, strict=True))
        if right:
            feedback = f"{right} of {len(values)} values are right."
            return Verdict(right / len(values), PARTIAL, None, feedback, key.display)
        return Verdict(0.0, INCORRECT, None, "None of the values is right.", key.display)
    return Verdict(0.0, INCORRECT, None, "Not the expected answer.", key.display)


def grade_question(calculator: str, params: dict, parts: list[PartSpec], answers: dict[str, str]) -> dict[str, Verdict]:
    """Grade every part of one question, computing its numbers once; a missing answer is
    unanswered. `calculator` is empty for a question without numbers."""
    computation = compute(calculator, params) if calculator else None
    return {spec.key: grade_part(spec, computation, answers.get(spec.key, "")) for spec in parts}


def check_answer(spec: PartSpec, text: str) -> str | None:
    """The parser's message if the text cannot be read, else None (empty text reads)."""
    if text is None or not text.strip():
        return None
    try:
        read(spec, text)
    except AnswerError as error:
        return str(error)
    return None


def expected_answer(spec: PartSpec, computation: Computation | None) -> tuple[Any, str]:
    """The correct answer in the part's own unit (a number, list, table, choice key; None
    for free text) and how it is shown."""
    key = _key(spec, computation)
    return key.value, key.display


def worked_solution(spec: PartSpec, computation: Computation | None) -> list[str]:
    """The derivation with this variant's numbers, ending with the unit conversion for a
    size; [] for choice and free-text parts."""
    if not spec.is_numeric:
        return []
    computation = _require(spec, computation)
    lines = list(computation.working.get(spec.output, []))
    if spec.kind == "quantity":
        size = computation.outputs[spec.output]
        unit = units.unit_name(spec.unit)
        symbol = units.symbol(spec.unit)
        per_unit = units.factor(unit, "byte")
        exact = formatting.grouped(size / per_unit, digits=8)
        lines.append(
            f"In {symbol}: {formatting.integer(size)} B / {formatting.grouped(per_unit)} B per {symbol} "
            f"= {exact} {symbol} ≈ {_key(spec, computation).display}."
        )
    return lines


def normalize_answer(spec: PartSpec, text: str) -> str:
    """A canonical form of an answer, to count common wrong answers (`903,400` and `903400`
    are one): the value as displayed, or the folded text if it does not read."""
    if text is None:
        return ""
    if spec.kind != "text":
        try:
            return _precise(spec, read(spec, text))
        except AnswerError:
            pass
    return fold(text[:1000])


# Candidates ---------------------------------------------------------------------------------


def _key(spec: PartSpec, computation: Computation | None) -> _Key:
    if spec.kind == "text":
        return _TEXT_KEY
    if spec.kind == "choice":
        return _choice_key(spec)
    return _numeric_key(spec, _require(spec, computation))


_TEXT_KEY = _Key(None, "", ())


@lru_cache(maxsize=256)
def _choice_key(spec: PartSpec) -> _Key:
    label = next(choice.label for choice in spec.choices if choice.key == spec.correct_choice)
    return _Key(spec.correct_choice, label, ())


def _require(spec: PartSpec, computation: Computation | None) -> Computation:
    if computation is None:
        raise ValueError(f"part {spec.key}: a {spec.kind} part needs its question's computation")
    return computation


@lru_cache(maxsize=4096)
def _numeric_key(spec: PartSpec, computation: Computation) -> _Key:
    """The correct answer, its display and the candidates that survive the near-coincidence rule."""
    value = _output(spec, computation, spec.output)
    correct = _candidate(spec, None, 1.0, "", value)
    candidates = [correct]
    for mistake in spec.mistakes:
        candidate = _candidate(
            spec, mistake.key, mistake.credit, mistake.feedback, _output(spec, computation, mistake.output)
        )
        if candidate.shape == correct.shape and _distance(candidate.values, correct) < 0.5:
            continue
        candidates.append(candidate)
    return _Key(value, _display(spec, value, correct), tuple(candidates))


def _output(spec: PartSpec, computation: Computation, name: str) -> Any:
    """A calculator output in the part's terms: a size converted to the part's unit."""
    try:
        value = computation.outputs[name]
    except KeyError:
        raise ValueError(f"part {spec.key}: the calculator has no output {name!r}") from None
    if spec.kind == "quantity":
        return value / units.factor(units.unit_name(spec.unit), "byte")
    return value


def _candidate(spec: PartSpec, key: str | None, credit: float, feedback: str, value: Any) -> _Candidate:
    shape, values = _flatten(value)
    relative, absolute = spec.relative_tolerance, spec.absolute_tolerance
    bands = tuple(max(relative * abs(v), absolute) for v in values) if relative else (absolute,) * len(values)
    return _Candidate(key, credit, feedback, shape, values, bands)


def _flatten(value: Any) -> tuple[tuple[int, ...], tuple[float, ...]]:
    if not isinstance(value, list):
        return (), (value,)
    if value and isinstance(value[0], list):
        return (len(value), len(value[0])), tuple(v for row in value for v in row)
    return (len(value),), tuple(value)


def _distance(values: tuple[float, ...], candidate: _Candidate) -> float:
    """The largest element difference in units of the candidate's tolerance: at most 1 is a
    match. An exact part (no tolerance) gives 0 when equal and infinity otherwise."""
    largest = 0.0
    for x, c, band in zip(values, candidate.values, candidate.bands, strict=True):
        difference = abs(x - c)
        if band:
            largest = max(largest, difference / band)
        elif difference > _EXACT * max(1.0, abs(c)):
            return math.inf
    return largest


def _within(x: float, c: float, band: float) -> bool:
    """One element right: within its tolerance band, or equal up to float noise when exact."""
    return abs(x - c) <= (band or _EXACT * max(1.0, abs(c)))


# Displays -----------------------------------------------------------------------------------


def _display(spec: PartSpec, value: Any, correct: _Candidate) -> str:
    """The correct answer as students see it, precise enough to pass if typed back."""
    kind = spec.kind
    if kind == "integer":
        return formatting.integer(value)
    if kind == "quantity":
        return formatting.quantity(value, units.symbol(spec.unit), _digits(value, correct.bands[0]))
    if kind == "number":
        return formatting.grouped(value, _digits(value, correct.bands[0]) + 1)
    if kind == "dims":
        return formatting.dims(value)
    shown = iter(
        formatting.plain(v, max(4, _digits(v, band))) for v, band in zip(correct.values, correct.bands, strict=True)
    )
    if kind == "vector":
        return "[" + ", ".join(shown) + "]"
    return "[" + ", ".join("[" + ", ".join(next(shown) for _ in row) + "]" for row in value) + "]"


def _digits(value: float, band: float) -> int:
    """Significant figures so that rounding stays within half the tolerance band."""
    if not value or not band:
        return 10
    return max(3, math.ceil(1 - math.log10(band / abs(value))))


def _precise(spec: PartSpec, value: Any) -> str:
    """An answer as read, with more digits than a display (for counting answers)."""
    kind = spec.kind
    if kind == "choice":
        return next(choice.label for choice in spec.choices if choice.key == value)
    if kind in ("integer", "number"):
        return formatting.grouped(value, digits=8)
    if kind == "quantity":
        return formatting.quantity(value, units.symbol(spec.unit), digits=8)
    if kind == "vector":
        return "[" + ", ".join(formatting.plain(v, digits=8) for v in value) + "]"
    if kind == "matrix":
        return "[" + ", ".join("[" + ", ".join(formatting.plain(v, digits=8) for v in row) + "]" for row in value) + "]"
    return formatting.dims(value)


def _shape_feedback(spec: PartSpec, got: tuple[int, ...], wanted: tuple[int, ...]) -> str:
    described = f"The answer has {_shape(spec, wanted)}; yours has {_shape(spec, got)}."
    return f"{described} {spec.shape_feedback}" if spec.shape_feedback else described


def _shape(spec: PartSpec, shape: tuple[int, ...]) -> str:
    if spec.kind == "dims":
        return f"{shape[0]} size{'s' if shape[0] != 1 else ''}"
    if len(shape) == 2:
        return f"{shape[0]} row{'s' if shape[0] != 1 else ''} of {shape[1]}"
    if len(shape) == 1:
        return f"{shape[0]} value{'s' if shape[0] != 1 else ''}"
    return "a single number"
