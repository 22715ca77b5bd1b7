"""Grading: an answer's text and a part's spec in, a verdict out.

The candidate rule (the question bank's): an answer within the part's tolerance of the
correct value is correct, unless it equals a known mistake's value to the precision the
student typed while not being the correct value to that precision; then it is that
mistake. Outside the tolerance, the nearest mistake within its own band wins (for vectors
and matrices, also a mistake matched at the rounding the student evidently used). A
mistake equal to the correct answer in a variant is not diagnosed there.

Where a part asks for a number of decimals (an absolute tolerance), a value right to one
decimal fewer earns half credit. A vector or matrix of the right shape that matches
nothing scores the share of its elements that are right, where the part allows partial
credit, unless a known wrong method matches more of its elements: then it is that
mistake, so a coincidence never earns credit.
"""

import math
from dataclasses import asdict, dataclass
from functools import lru_cache
from typing import Any

from grader import formatting, rubric, units
from grader.calculators import Computation, compute
from grader.kinds import kind_info, read, read_answer
from grader.messages import gettext as _
from grader.messages import localize_numbers, ngettext
from grader.parsing import AnswerError, Reading, fold
from grader.spec import PartSpec, Status

# Float noise allowed when a part is exact (answers typed as 903400.0 or 9.034e5).
_EXACT = 1e-9
_PRECISION_CREDIT = 0.5


@dataclass(frozen=True)
class Verdict:
    """What grading says about one answer. `score` is the credit in [0, 1]; for a free-text
    part it is the rubric's suggestion, to be confirmed by a teacher."""

    score: float
    status: Status
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
    correct: _Candidate | None  # None for choice and text parts
    mistakes: tuple[_Candidate, ...]
    decimals: int | None  # the decimals the part asks for, where it asks for decimals

    @property
    def answer(self) -> _Candidate:
        """The correct answer as a candidate, which every numeric part has."""
        if self.correct is None:
            raise ValueError("choice and free-text parts have no numeric answer")
        return self.correct


def grade_part(spec: PartSpec, computation: Computation | None, text: str, *, by_meaning: bool = True) -> Verdict:
    """Grade one answer. Numeric parts need the question's computation; choice and text
    parts take None. Any text at all gives a verdict: unreadable text is `invalid`.
    `by_meaning=False` suggests a free-text score from phrases alone, without the model."""
    key = _key(spec, computation)
    if text is None or not text.strip():
        return Verdict(0.0, Status.UNANSWERED, None, _("No answer."), key.display)
    try:
        reading = read_answer(spec, text)
    except AnswerError as error:
        return Verdict(0.0, Status.INVALID, None, str(error), key.display)
    if spec.kind == "text":
        # The text as typed (read() only checked its limits): the spans point into what is stored.
        suggestion = rubric.suggest(spec.rubric, text, by_meaning=by_meaning)
        return Verdict(
            suggestion.score,
            Status.NEEDS_REVIEW,
            None,
            _("Awaiting review by your teacher."),
            "",
            suggestion.found,
            suggestion.missed,
            suggestion.concepts,
            suggestion.confidence,
            suggestion.flags,
        )
    if spec.kind == "choice":
        return _grade_choice(spec, key, reading.value)
    verdict = _grade_value(spec, key, reading)
    if reading.notes:
        verdict = Verdict(
            verdict.score, verdict.status, verdict.mistake, f"{verdict.feedback} {' '.join(reading.notes)}", key.display
        )
    return verdict


def _grade_choice(spec: PartSpec, key: _Key, chosen: str) -> Verdict:
    why = next((choice.feedback for choice in spec.choices if choice.key == chosen), "")
    if chosen == spec.correct_choice:
        return Verdict(1.0, Status.CORRECT, None, f"{_('Correct.')} {why}" if why else _("Correct."), key.display)
    return Verdict(0.0, Status.INCORRECT, None, why or _("That is not the right choice."), key.display)


def _grade_value(spec: PartSpec, key: _Key, reading: Reading) -> Verdict:
    """The candidate rule, then credit for precision and per element."""
    shape, values = _flatten(reading.value)
    typed = reading.resolution if len(reading.resolution) == len(values) else (0.0,) * len(values)
    correct = key.answer
    rounding = spec.kind in ("vector", "matrix")
    if shape == correct.shape and _distance(values, correct.values, correct.bands) <= 1:
        for mistake in key.mistakes:
            if (
                mistake.shape == shape
                and _typed_as(values, typed, mistake.values)
                and not _typed_as(values, typed, correct.values)
            ):
                return _mistake_verdict(mistake, key, 1.0)
        return Verdict(1.0, Status.CORRECT, None, _("Correct."), key.display)
    best: _Candidate | None = None
    best_distance = math.inf
    for mistake in key.mistakes:
        if mistake.shape != shape:
            continue
        bands = _rounding_bands(mistake.bands, typed) if rounding else mistake.bands
        distance = _distance(values, mistake.values, bands)
        # Strictly nearer only: the first mistake listed wins a tie.
        if distance <= 1 and distance < best_distance:
            best, best_distance = mistake, distance
    if best is not None:
        return _mistake_verdict(best, key, 1.0)
    if shape != correct.shape:
        return Verdict(0.0, Status.INCORRECT, None, _shape_feedback(spec, shape, correct.shape), key.display)
    if spec.kind == "integer" and not float(values[0]).is_integer():
        feedback = _("Not the expected answer: the answer is a whole number.")
        return Verdict(0.0, Status.INCORRECT, None, feedback, key.display)
    credits = [_element_credit(x, r, c, band, key.decimals) for x, r, c, band in _columns(values, typed, correct)]
    short = credits.count(_PRECISION_CREDIT)
    if short and all(credits):
        assert key.decimals, "half credit for precision is given only where decimals are asked"
        score = sum(credits) / len(credits)
        return Verdict(score, Status.PARTIAL, None, _precision_feedback(key.decimals, short, len(credits)), key.display)
    if spec.partial_credit and len(values) > 1:
        return _element_verdict(key, values, typed, credits, rounding)
    return Verdict(0.0, Status.INCORRECT, None, _("Not the expected answer."), key.display)


def _element_verdict(key: _Key, values, typed, credits: list[float], rounding: bool) -> Verdict:
    """Credit per element for the right method with slips; a wrong method that matches
    more elements than the right one is that mistake, whatever it happens to share."""
    right = sum(1 for credit in credits if credit)
    best, matched = None, 0
    for mistake in key.mistakes:
        if mistake.shape != key.answer.shape:
            continue
        bands = _rounding_bands(mistake.bands, typed) if rounding else mistake.bands
        count = sum(_within(x, m, band) for x, m, band in zip(values, mistake.values, bands, strict=True))
        if count > matched:
            best, matched = mistake, count
    if best is not None and matched > right:
        return _mistake_verdict(best, key, matched / len(values))
    if not right:
        return Verdict(0.0, Status.INCORRECT, None, _("None of the values is right."), key.display)
    full, short = credits.count(1.0), credits.count(_PRECISION_CREDIT)
    right_ones = ngettext("{full} of {count} values is right", "{full} of {count} values are right", full)
    feedback = right_ones.format(full=full, count=len(values))
    if short:
        assert key.decimals, "half credit for precision is given only where decimals are asked"
        only = _decimals(key.decimals - 1)
        shorter = ngettext(
            "{short} is right to {only} only (half credit)", "{short} are right to {only} only (half credit)", short
        )
        feedback = _("{right} and {shorter}").format(right=feedback, shorter=shorter.format(short=short, only=only))
    return Verdict(sum(credits) / len(values), Status.PARTIAL, None, f"{feedback}.", key.display)


def _mistake_verdict(mistake: _Candidate, key: _Key, share: float) -> Verdict:
    """A known mistake: its credit (scaled by the share of elements it explains), status and
    feedback. Full credit is another accepted form of the answer."""
    credit = mistake.credit * share
    if mistake.credit >= 1 and share >= 1:
        return Verdict(1.0, Status.CORRECT, mistake.key, mistake.feedback, key.display)
    return Verdict(credit, Status.for_credit(credit), mistake.key, mistake.feedback, key.display)


def _element_credit(x: float, typed: float, c: float, band: float, decimals: int | None) -> float:
    """1 within the tolerance; half for a value right to one decimal fewer than asked."""
    if _within(x, c, band):
        return 1.0
    if decimals and math.isclose(typed, 10.0 ** (1 - decimals)) and _within(x, c, typed / 2):
        return _PRECISION_CREDIT
    return 0.0


def _precision_feedback(decimals: int, short: int, count: int) -> str:
    fewer, asked = _decimals(decimals - 1), _decimals(decimals)
    if short == count:
        return _("Right to {fewer} only: the question asks for {asked}, so this earns half credit.").format(
            fewer=fewer, asked=asked
        )
    return _("Right, but {short} of {count} values only to {fewer}, not {asked}: half credit for those.").format(
        short=short, count=count, fewer=fewer, asked=asked
    )


def _decimals(count: int) -> str:
    if count == 0:
        return _("whole numbers")
    return ngettext("{count} decimal", "{count} decimals", count).format(count=_number_word(count))


def _number_word(count: int) -> str:
    """Small counts as words (“two decimals”), larger ones in digits."""
    words = (_("one"), _("two"), _("three"), _("four"), _("five"), _("six"))
    return words[count - 1] if 1 <= count <= len(words) else str(count)


def grade_question(
    calculator: str, params: dict, parts: list[PartSpec], answers: dict[str, str], *, by_meaning: bool = True
) -> dict[str, Verdict]:
    """Grade every part of one question, computing its numbers once; a missing answer is
    unanswered. `calculator` is empty for a question without numbers; `by_meaning` as for
    `grade_part`."""
    computation = compute(calculator, params) if calculator else None
    return {
        spec.key: grade_part(spec, computation, answers.get(spec.key, ""), by_meaning=by_meaning) for spec in parts
    }


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
    for free text) and how it is shown, with the precision the part asks for."""
    key = _key(spec, computation)
    return key.value, key.display


def distinguishable(spec: PartSpec, computation: Computation) -> bool:
    """Whether every known mistake of the part can be told apart from the correct answer,
    and from every other mistake, at the precision the part asks for. A mistake equal to
    the correct answer is not diagnosed, and so does not count."""
    if not spec.is_numeric:
        return True
    key = _key(spec, computation)
    candidates = [(candidate, _asked(spec, candidate, key.decimals)) for candidate in (key.answer, *key.mistakes)]
    for index, (first, first_asked) in enumerate(candidates):
        for second, second_asked in candidates[index + 1 :]:
            if first.shape != second.shape:
                continue
            # Each value as the prompt asks for it: the coarser precision of the two.
            asked = tuple(max(a, b) for a, b in zip(first_asked, second_asked, strict=True))
            if _rounded(first, asked) == _rounded(second, asked):
                return False
    return True


def _rounded(candidate: _Candidate, asked: tuple[float, ...]) -> tuple:
    """The candidate's values rounded to `asked` (exact ones to float noise)."""
    return tuple(
        round(value / resolution) if resolution else round(value, 9)
        for value, resolution in zip(candidate.values, asked, strict=True)
    )


def worked_solution(spec: PartSpec, computation: Computation | None) -> list[str]:
    """The derivation with this variant's numbers, ending with the unit conversion for a
    size; [] for choice and free-text parts."""
    if not spec.is_numeric:
        return []
    computation = _require(spec, computation)
    return [localize_numbers(line) for line in _working_lines(spec, computation)]


def _working_lines(spec: PartSpec, computation: Computation) -> list[str]:
    lines = list(computation.working.get(spec.output, []))
    if spec.kind == "quantity":
        size = computation.outputs[spec.output]
        unit = units.unit_name(spec.unit)
        symbol = units.symbol(spec.unit)
        per_unit = units.factor(unit, "byte")
        exact = formatting.grouped(size / per_unit, digits=8)
        line = _("In {symbol}: {size} B / {per_unit} B per {symbol} = {exact} {symbol} ≈ {display}.")
        lines.append(
            line.format(
                symbol=symbol,
                size=formatting.integer(size),
                per_unit=formatting.grouped(per_unit),
                exact=exact,
                display=_key(spec, computation).display,
            )
        )
    return lines


def normalize_answer(spec: PartSpec, text: str) -> str:
    """A canonical form of an answer, to count common wrong answers (`903,400` and `903400`
    are one): the value as displayed, or the folded text if it does not read."""
    if text is None:
        return ""
    if spec.kind != "text":
        try:
            return kind_info(spec.kind).show(spec, read(spec, text))
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


_TEXT_KEY = _Key(None, "", None, (), None)


@lru_cache(maxsize=256)
def _choice_key(spec: PartSpec) -> _Key:
    label = next(choice.label for choice in spec.choices if choice.key == spec.correct_choice)
    return _Key(spec.correct_choice, label, None, (), None)


def _require(spec: PartSpec, computation: Computation | None) -> Computation:
    if computation is None:
        raise ValueError(f"part {spec.key}: a {spec.kind} part needs its question's computation")
    return computation


@lru_cache(maxsize=4096)
def _numeric_key(spec: PartSpec, computation: Computation) -> _Key:
    """The correct answer, its display and the mistakes that can be told from it."""
    value = _output(spec, computation, spec.output)
    decimals = _asked_decimals(spec)
    correct = _candidate(spec, None, 1.0, "", value, decimals)
    mistakes = []
    for mistake in spec.mistakes:
        candidate = _candidate(
            spec, mistake.key, mistake.credit, mistake.feedback, _output(spec, computation, mistake.output), decimals
        )
        # A mistake equal to the answer in this variant (a symmetric kernel flipped) is no mistake here.
        if candidate.shape == correct.shape and _equal(candidate.values, correct.values):
            continue
        mistakes.append(candidate)
    return _Key(value, _display(spec, value, correct, decimals), correct, tuple(mistakes), decimals)


def _output(spec: PartSpec, computation: Computation, name: str) -> Any:
    """A calculator output in the part's terms: a size converted to the part's unit."""
    try:
        value = computation.outputs[name]
    except KeyError:
        raise ValueError(f"part {spec.key}: the calculator has no output {name!r}") from None
    if spec.kind == "quantity":
        return value / units.factor(units.unit_name(spec.unit), "byte")
    return value


def _asked_decimals(spec: PartSpec) -> int | None:
    """Decimals a part asks for when its tolerance is absolute: the fewest whose rounding
    stays within it (0.01 → two decimals)."""
    if spec.relative_tolerance or not spec.absolute_tolerance or not kind_info(spec.kind).asks_decimals:
        return None
    return max(0, math.ceil(-math.log10(2 * spec.absolute_tolerance) - 1e-9))


def _candidate(spec: PartSpec, key: str | None, credit: float, feedback: str, value: Any, decimals) -> _Candidate:
    shape, values = _flatten(value)
    relative, absolute = spec.relative_tolerance, spec.absolute_tolerance
    bands = tuple(max(relative * abs(v), absolute) for v in values) if relative else (absolute,) * len(values)
    return _Candidate(key, credit, feedback, shape, values, bands)


def _asked(spec: PartSpec, candidate: _Candidate, decimals: int | None) -> tuple[float, ...]:
    """The resolution of each of the candidate's values at the precision the part asks for."""
    return tuple(
        _asked_resolution(spec, v, band, decimals) for v, band in zip(candidate.values, candidate.bands, strict=True)
    )


def _asked_resolution(spec: PartSpec, value: float, band: float, decimals: int | None) -> float:
    """The resolution of a value at the precision the part asks for (and shows): 0 for an
    exact part, 10^-decimals for decimals asked, else the significant figures that keep
    rounding within half the tolerance (at least one decimal for a size)."""
    if decimals is not None:
        return 10.0**-decimals
    if not band:
        return 0.0
    places = _places(value, band, spec.kind == "quantity")
    return 10.0**-places


def _places(value: float, band: float, one_decimal: bool) -> int:
    digits = _digits(value, band)
    magnitude = math.floor(math.log10(abs(value))) if value else 0
    return max(1 if one_decimal else 0, digits - 1 - magnitude)


def _flatten(value: Any) -> tuple[tuple[int, ...], tuple[float, ...]]:
    if not isinstance(value, list):
        return (), (value,)
    if value and isinstance(value[0], list):
        return (len(value), len(value[0])), tuple(v for row in value for v in row)
    return (len(value),), tuple(value)


def _columns(values, typed, candidate: _Candidate):
    return zip(values, typed, candidate.values, candidate.bands, strict=True)


def _distance(values: tuple[float, ...], targets: tuple[float, ...], bands: tuple[float, ...]) -> float:
    """The largest element difference in units of the tolerance band: at most 1 is a
    match. Where a band is 0 the element must be equal (up to float noise)."""
    largest = 0.0
    for x, c, band in zip(values, targets, bands, strict=True):
        difference = abs(x - c)
        if band:
            largest = max(largest, difference / band)
        elif difference > _EXACT * max(1.0, abs(c)):
            return math.inf
    return largest


def _rounding_bands(bands: tuple[float, ...], typed: tuple[float, ...]) -> tuple[float, ...]:
    """Each element's band widened to half the resolution the student typed it with: 3.11
    matches 3.1111 (typed to two decimals)."""
    return tuple(max(band, resolution / 2 * (1 + _EXACT)) for band, resolution in zip(bands, typed, strict=True))


def _typed_as(values: tuple[float, ...], typed: tuple[float, ...], targets: tuple[float, ...]) -> bool:
    """Whether the answer is `targets` to the precision each value was typed with."""
    return all(
        abs(x - t) <= resolution / 2 * (1 + _EXACT) + _EXACT * max(1.0, abs(t))
        for x, resolution, t in zip(values, typed, targets, strict=True)
    )


def _equal(values: tuple[float, ...], targets: tuple[float, ...]) -> bool:
    """Equal up to float noise."""
    return all(abs(x - t) <= _EXACT * max(1.0, abs(t)) for x, t in zip(values, targets, strict=True))


def _within(x: float, c: float, band: float) -> bool:
    """One element right: within its tolerance band, or equal up to float noise when exact."""
    return abs(x - c) <= (band or _EXACT * max(1.0, abs(c)))


# Displays -----------------------------------------------------------------------------------


def _display(spec: PartSpec, value: Any, correct: _Candidate, decimals: int | None) -> str:
    """The correct answer as students see it, with the precision the part asks for."""
    kind = spec.kind
    if kind == "integer":
        return formatting.integer(value)
    if kind == "dims":
        return formatting.dims(value)
    if kind == "quantity":
        return formatting.quantity(value, units.symbol(spec.unit), _digits(value, correct.bands[0]))
    resolutions = _asked(spec, correct, decimals)
    shown = [_shown(v, asked) for v, asked in zip(correct.values, resolutions, strict=True)]
    if kind == "number":
        return formatting.places(value, _places_of(resolutions[0]), grouping=True) if resolutions[0] else shown[0]
    if kind == "vector":
        return "[" + ", ".join(shown) + "]"
    columns = len(value[0])
    rows = [shown[start : start + columns] for start in range(0, len(shown), columns)]
    return "[" + ", ".join("[" + ", ".join(row) + "]" for row in rows) + "]"


def _shown(value: float, asked: float) -> str:
    if not asked:
        return formatting.plain(value, 10)
    return formatting.places(value, _places_of(asked))


def _places_of(resolution: float) -> int:
    return max(0, round(-math.log10(resolution))) if resolution else 0


def _digits(value: float, band: float) -> int:
    """Significant figures so that rounding stays within half the tolerance band."""
    if not value or not band:
        return 10
    return max(3, math.ceil(1 - math.log10(band / abs(value)) - 1e-9))


def _shape_feedback(spec: PartSpec, got: tuple[int, ...], wanted: tuple[int, ...]) -> str:
    wanted_and_got = {"wanted": _shape(spec, wanted), "got": _shape(spec, got)}
    described = _("The answer has {wanted}; yours has {got}.").format(**wanted_and_got)
    return f"{described} {spec.shape_feedback}" if spec.shape_feedback else described


def _shape(spec: PartSpec, shape: tuple[int, ...]) -> str:
    if spec.kind == "dims":
        return ngettext("{count} size", "{count} sizes", shape[0]).format(count=shape[0])
    if len(shape) == 2:
        return ngettext("{count} row of {width}", "{count} rows of {width}", shape[0]).format(
            count=shape[0], width=shape[1]
        )
    if len(shape) == 1:
        return ngettext("{count} value", "{count} values", shape[0]).format(count=shape[0])
    return _("a single number")
