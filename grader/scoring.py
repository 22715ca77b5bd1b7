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
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from grader import formatting
from grader.calculators import Computation, compute
from grader.kinds import KindInfo, kind_info, read, read_answer
from grader.messages import gettext as _
from grader.messages import localize_numbers, ngettext
from grader.parsing import AnswerError, Reading, fold
from grader.spec import PartSpec, Status
from grader.verdicts import Verdict

# Float noise allowed when a part is exact (answers typed as 903400.0 or 9.034e5).
_EXACT = 1e-9
_PRECISION_CREDIT = 0.5


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
    correct: _Candidate | None  # None for a kind graded by its own rule (choice, text)
    mistakes: tuple[_Candidate, ...]
    decimals: int | None  # the decimals the part asks for, where it asks for decimals

    @property
    def answer(self) -> _Candidate:
        """The correct answer as a candidate, which every numeric part has."""
        if self.correct is None:
            raise ValueError("a part graded by its kind's own rule has no numeric answer")
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
    info = kind_info(spec.kind)
    if info.grade is not None:
        return info.grade(spec, reading, text, by_meaning)
    verdict = _written_precision(spec, _grade_value(spec, info, key, reading), key, reading)
    if reading.notes:
        verdict = Verdict(
            verdict.score, verdict.status, verdict.mistake, f"{verdict.feedback} {' '.join(reading.notes)}", key.display
        )
    return verdict


def _written_precision(spec: PartSpec, verdict: Verdict, key: _Key, reading: Reading) -> Verdict:
    """Half credit for the right value written with other figures than the part asks for, or right
    only to one figure fewer (as it was written); the feedback names the rule missed."""
    if verdict.mistake is not None or verdict.status not in (Status.CORRECT, Status.INCORRECT):
        return verdict
    if spec.significant_figures is None and spec.decimal_places is None:
        return verdict
    resolution = reading.resolution[0] if len(reading.resolution) == 1 else 0.0
    asked = _figures_words(spec)
    written = _figures_written(spec, reading.value, resolution) if resolution else None
    if verdict.status == Status.CORRECT:
        if written is not None and written[0] <= _figures_asked(spec) <= written[1]:
            return verdict
        if written:
            missed = _("written with {figures}").format(figures=_figures_words(spec, written[1]))
        else:
            missed = _("not written as a decimal")
        feedback = _("Right, but {missed}: the question asks for {asked}, so this earns half credit.")
        feedback = feedback.format(missed=missed, asked=asked)
        return Verdict(_PRECISION_CREDIT, Status.PARTIAL, None, feedback, key.display)
    right_as_written = abs(reading.value - key.answer.values[0]) <= resolution / 2 * (1 + _EXACT)
    if written is None or written[1] != _figures_asked(spec) - 1 or not right_as_written:
        return verdict
    feedback = _("Right to {figures} only: the question asks for {asked}, so this earns half credit.").format(
        figures=_figures_words(spec, written[1]), asked=asked
    )
    return Verdict(_PRECISION_CREDIT, Status.PARTIAL, None, feedback, key.display)


def _figures_asked(spec: PartSpec) -> int:
    return spec.decimal_places if spec.decimal_places is not None else spec.significant_figures or 0


def _figures_written(spec: PartSpec, value: float, resolution: float) -> tuple[int, int]:
    """The fewest and the most figures (decimals, or significant figures) a value could have been
    written with: 1200 has two, three or four significant figures; 0 has as many as asked."""
    if spec.decimal_places is not None:
        typed = max(0, round(-math.log10(resolution)))
        return typed, typed
    if not value:
        return _figures_asked(spec), _figures_asked(spec)
    most = math.floor(math.log10(abs(value))) - round(math.log10(resolution)) + 1
    least = most
    if resolution == 1 and float(value).is_integer():
        whole = abs(int(value))
        while whole and whole % 10 == 0:
            whole //= 10
            least -= 1
    return least, most


def _figures_words(spec: PartSpec, count: int | None = None) -> str:
    """A number of figures in the part's terms: "two decimals", "3 significant figures"; the part's own by default."""
    count = _figures_asked(spec) if count is None else count
    if spec.decimal_places is not None:
        return _decimal_words(count)
    return ngettext("{count} significant figure", "{count} significant figures", count).format(count=count)


def _decimal_words(count: int) -> str:
    return _("no decimals") if count == 0 else _decimals(count)


def _grade_value(spec: PartSpec, info: KindInfo, key: _Key, reading: Reading) -> Verdict:
    """The candidate rule, then credit for precision and per element."""
    shape, values = _flatten(reading.value)
    typed = reading.resolution if len(reading.resolution) == len(values) else (0.0,) * len(values)
    correct = key.answer
    rounding = info.matches_rounding
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
        return Verdict(0.0, Status.INCORRECT, None, _shape_feedback(spec, info, shape, correct.shape), key.display)
    if info.whole_numbers and not float(values[0]).is_integer():
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
    return {spec.key: grade_part(spec, computation, answers.get(spec.key, ""), by_meaning=by_meaning) for spec in parts}


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
    """The derivation with this variant's numbers, ending with what the kind adds (the unit
    conversion of a size); [] for choice and free-text parts."""
    if not spec.is_numeric:
        return []
    computation = _require(spec, computation)
    return [localize_numbers(line) for line in _working_lines(spec, computation)]


def _working_lines(spec: PartSpec, computation: Computation) -> list[str]:
    lines = list(computation.working.get(spec.output, []))
    lines += kind_info(spec.kind).working(spec, computation.outputs[spec.output], _key(spec, computation).display)
    return lines


def normalize_answer(spec: PartSpec, text: str) -> str:
    """A canonical form of an answer, to count common wrong answers (`903,400` and `903400`
    are one): the value as displayed, or the folded text if it does not read."""
    if text is None:
        return ""
    if not kind_info(spec.kind).compared_as_typed:
        try:
            return kind_info(spec.kind).show(spec, read(spec, text))
        except AnswerError:
            pass
    return fold(text[:1000])


# Candidates ---------------------------------------------------------------------------------


def _key(spec: PartSpec, computation: Computation | None) -> _Key:
    info = kind_info(spec.kind)
    if info.answer is not None:
        return _own_rule_key(spec, info)
    return _numeric_key(spec, _require(spec, computation))


@lru_cache(maxsize=256)
def _own_rule_key(spec: PartSpec, info: KindInfo) -> _Key:
    assert info.answer is not None
    value, display = info.answer(spec)
    return _Key(value, display, None, (), None)


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
    named = [
        (mistake.key, mistake.credit, mistake.feedback, _output(spec, computation, mistake.output))
        for mistake in spec.mistakes
    ]
    keys = {mistake.key for mistake in spec.mistakes}
    # The kind's own mistakes (a shape in channels-last order), unless the part models them itself.
    named += [
        (m.key, m.credit, m.feedback, m.value) for m in kind_info(spec.kind).known_mistakes(value) if m.key not in keys
    ]
    mistakes = []
    for mistake_key, credit, feedback, mistake_value in named:
        candidate = _candidate(spec, mistake_key, credit, feedback, mistake_value, decimals)
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
    per_unit = kind_info(spec.kind).per_unit
    return value if per_unit is None else value / per_unit(spec)


def _asked_decimals(spec: PartSpec) -> int | None:
    """Decimals a part asks for when its tolerance is absolute: the fewest whose rounding
    stays within it (0.01 → two decimals)."""
    if spec.decimal_places is not None:
        return spec.decimal_places
    if spec.relative_tolerance or not spec.absolute_tolerance or not kind_info(spec.kind).asks_decimals:
        return None
    return max(0, math.ceil(-math.log10(2 * spec.absolute_tolerance) - 1e-9))


def _candidate(spec: PartSpec, key: str | None, credit: float, feedback: str, value: Any, decimals) -> _Candidate:
    shape, values = _flatten(value)
    relative, absolute = spec.relative_tolerance, spec.absolute_tolerance
    bands = tuple(max(relative * abs(v), absolute) for v in values) if relative else (absolute,) * len(values)
    if spec.significant_figures or spec.decimal_places is not None:
        # Without a tolerance of its own, a value is right when it rounds to the figures asked for.
        bands = tuple(
            max(band, _asked_resolution(spec, v, 0.0, decimals) / 2) for v, band in zip(values, bands, strict=True)
        )
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
    if spec.significant_figures and value:
        return 10.0 ** (math.floor(math.log10(abs(value))) - spec.significant_figures + 1)
    if not band:
        return 0.0
    places = _places(value, band, kind_info(spec.kind).least_decimals)
    return 10.0**-places


def _places(value: float, band: float, least: int) -> int:
    digits = formatting.significant_digits(value, band)
    magnitude = math.floor(math.log10(abs(value))) if value else 0
    return max(least, digits - 1 - magnitude)


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
    display = kind_info(spec.kind).display
    assert display is not None, "a kind graded by the candidate rule shows its answer"
    return display(spec, value, _asked(spec, correct, decimals), correct.bands)


def _shape_feedback(spec: PartSpec, info: KindInfo, got: tuple[int, ...], wanted: tuple[int, ...]) -> str:
    wanted_and_got = {"wanted": info.shape_words(wanted), "got": info.shape_words(got)}
    described = _("The answer has {wanted}; yours has {got}.").format(**wanted_and_got)
    return f"{described} {spec.shape_feedback}" if spec.shape_feedback else described
