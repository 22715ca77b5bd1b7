"""One entry per answer kind: everything grading and the pages need to know of it.

How its answers are read and shown again, the hint students read, its input template, how
the correct answer is displayed, and the few rules of the candidate comparison that differ
from kind to kind. `grader.scoring` knows no kind by name: it asks the entry.

Adding a kind is one `KindInfo` here (and its value in `spec.AnswerKind`), plus an input
template `student/parts/_<input>.html` if none of the existing inputs fits.
"""

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from grader import formatting, rubric, units
from grader.messages import gettext, gettext_noop, ngettext
from grader.parsing import (
    COUNTED,
    Reading,
    parse_choice,
    parse_dims,
    parse_selection,
    parse_shape,
    prepare,
    read_count,
    read_matrix,
    read_number,
    read_quantity,
    read_vector,
)
from grader.spec import AnswerKind, PartSpec, Status
from grader.verdicts import Verdict

Display = Callable[[PartSpec, Any, tuple[float, ...], tuple[float, ...]], str]
"""The correct answer as students see it: (spec, value, each element's resolution as asked, each element's band)."""

OwnGrade = Callable[[PartSpec, Reading, str, bool], Verdict]
"""A kind graded by a rule of its own: (spec, reading, the text as typed, by_meaning) -> verdict."""


def _values_shape(shape: tuple[int, ...]) -> str:
    if len(shape) == 2:
        return ngettext("{count} row of {width}", "{count} rows of {width}", shape[0]).format(
            count=shape[0], width=shape[1]
        )
    if len(shape) == 1:
        return ngettext("{count} value", "{count} values", shape[0]).format(count=shape[0])
    return gettext("a single number")


def _sizes_shape(shape: tuple[int, ...]) -> str:
    return ngettext("{count} size", "{count} sizes", shape[0]).format(count=shape[0])


def _no_working(spec: PartSpec, value: Any, display: str) -> list[str]:
    return []


@dataclass(frozen=True)
class KnownMistake:
    """A wrong answer a kind knows of by itself: its key, credit, feedback and value."""

    key: str
    credit: float
    feedback: str
    value: Any


@dataclass(frozen=True)
class KindInfo:
    """What the grader and the pages need to know of one answer kind.

    `read` turns the student's text into a Reading in the part's own unit (AnswerError if it
    cannot); `show` writes a value read with more digits than a display, so equal answers
    count as one; `hint` is the formats students may type (`{unit}` is the part's unit);
    `input` names the input template, `student/parts/_<input>.html`.

    A kind graded by its own rule (choice, free text) gives `grade` and `answer` (the correct
    answer and its display, from the spec alone). Every other kind is graded by the candidate
    rule of `grader.scoring` over its computed output, and says:
    `display` how the correct answer is shown; `per_unit` how many of the computation's units
    make one of the part's (bytes in an MB; None: the same unit); `asks_decimals` whether an absolute
    tolerance means a number of decimals; `least_decimals` the fewest decimals a display may
    round to; `whole_numbers` whether an answer with a fraction is plainly wrong;
    `matches_rounding` whether a mistake also matches at the rounding the student used (lists
    of values); `shape_words` how a shape is described when an answer's does not fit;
    `working` lines that end the worked solution (the unit conversion of a size).
    `compared_as_typed` says that common answers are counted by their folded text, not their value.

    What a part of the kind may carry (checked by `PartSpec`): `check_unit` checks its unit
    (ValueError naming the field; None: the kind takes no unit); `tolerant` whether it takes a
    tolerance; `per_element_credit` whether it may give credit per element; `choices` and
    `rubric` whether it takes those; `several_correct` whether its `correct` lists several choices;
    `written_precision` whether it may ask for a number of significant figures or decimals;
    `known_mistakes` the mistakes the kind itself knows of, given the correct value (a shape in
    channels-last order), graded as a part's own mistakes are, after them. `checkable` whether a
    practice quiz may check an answer before it is submitted, and so show the part's hints (a written
    answer's score waits for a teacher: it has no hints, `PartSpec.from_dict` refuses them)."""

    kind: AnswerKind
    read: Callable[[PartSpec, str], Reading]
    show: Callable[[PartSpec, Any], str]
    input: str
    hint: str = ""
    display: Display | None = None
    grade: OwnGrade | None = None
    answer: Callable[[PartSpec], tuple[Any, str]] | None = None
    per_unit: Callable[[PartSpec], float] | None = None
    asks_decimals: bool = False
    least_decimals: int = 0
    whole_numbers: bool = False
    matches_rounding: bool = False
    shape_words: Callable[[tuple[int, ...]], str] = _values_shape
    working: Callable[[PartSpec, Any, str], list[str]] = _no_working
    compared_as_typed: bool = False
    check_unit: Callable[[str], None] | None = None
    tolerant: bool = False
    per_element_credit: bool = False
    choices: bool = False
    several_correct: bool = False
    written_precision: bool = False
    known_mistakes: Callable[[Any], tuple[KnownMistake, ...]] = lambda value: ()
    rubric: bool = False
    checkable: bool = True

    @property
    def computed(self) -> bool:
        """Graded by the candidate rule against a computed output (so it names one, and may have mistakes)."""
        return self.grade is None

    def hint_for(self, spec_unit: str) -> str:
        """The hint in the reader's language, with the part's unit."""
        return gettext(self.hint).format(unit=spec_unit) if self.hint else ""


# Numbers, lists and sizes -------------------------------------------------------------------


def _vector(values: list) -> str:
    return "[" + ", ".join(formatting.plain(v, digits=8) for v in values) + "]"


def _shown(values: Any, resolutions: tuple[float, ...]) -> list[str]:
    flat = [v for row in values for v in row] if values and isinstance(values[0], list) else list(values)
    return [formatting.at_resolution(v, asked) for v, asked in zip(flat, resolutions, strict=True)]


def _number_display(spec: PartSpec, value: Any, resolutions: tuple[float, ...], bands: tuple[float, ...]) -> str:
    if resolutions[0]:
        if resolutions[0] > 1:  # significant figures that end before the decimal point: 12,300
            value = round(value / resolutions[0]) * resolutions[0]
        return formatting.places(value, formatting.decimals_of(resolutions[0]), grouping=True)
    return formatting.at_resolution(value, 0.0)


def _vector_display(spec: PartSpec, value: Any, resolutions: tuple[float, ...], bands: tuple[float, ...]) -> str:
    return "[" + ", ".join(_shown(value, resolutions)) + "]"


def _matrix_display(spec: PartSpec, value: Any, resolutions: tuple[float, ...], bands: tuple[float, ...]) -> str:
    shown = _shown(value, resolutions)
    columns = len(value[0])
    rows = [shown[start : start + columns] for start in range(0, len(shown), columns)]
    return "[" + ", ".join("[" + ", ".join(row) + "]" for row in rows) + "]"


def _bytes_per_unit(spec: PartSpec) -> float:
    return units.factor(units.unit_name(spec.unit), "byte")


def _quantity_display(spec: PartSpec, value: Any, resolutions: tuple[float, ...], bands: tuple[float, ...]) -> str:
    return formatting.quantity(value, units.symbol(spec.unit), formatting.significant_digits(value, bands[0]))


def _quantity_working(spec: PartSpec, size: Any, display: str) -> list[str]:
    """The size in bytes converted to the part's unit."""
    symbol = units.symbol(spec.unit)
    per_unit = _bytes_per_unit(spec)
    exact = formatting.grouped(size / per_unit, digits=8)
    line = gettext("In {symbol}: {size} B / {per_unit} B per {symbol} = {exact} {symbol} ≈ {display}.")
    return [
        line.format(
            symbol=symbol,
            size=formatting.integer(size),
            per_unit=formatting.grouped(per_unit),
            exact=exact,
            display=display,
        )
    ]


def _byte_unit(unit: str) -> None:
    if not unit:
        raise ValueError(gettext("unit: required for quantity parts"))
    if units.unit_name(unit) is None:
        problem = gettext("unit: must be a byte unit ({known}), not {unit!r}")
        raise ValueError(problem.format(known=gettext(units.KNOWN), unit=unit))


_COUNT_SCALES = ((1e9, "G"), (1e6, "M"), (1e3, "K"))
COUNTED_UNITS = tuple(dict.fromkeys(COUNTED.values()))
"""What a count part may count (its unit); a count part without a unit counts anything."""


def _counted(unit: str) -> None:
    if unit and unit not in COUNTED_UNITS:
        problem = gettext("unit: a count part counts {units} (or leave it empty), not {unit!r}")
        raise ValueError(problem.format(units=", ".join(COUNTED_UNITS), unit=unit))


def _with_unit(text: str, spec: PartSpec) -> str:
    return f"{text} {spec.unit}" if spec.unit else text


def _count_display(spec: PartSpec, value: Any, resolutions: tuple[float, ...], bands: tuple[float, ...]) -> str:
    """An exact count in full (3,211,264 MACs); one with a tolerance to the figures it asks for, with
    its K, M or G (3.21 M MACs)."""
    if not bands[0] or abs(value) < 1e3:
        return _with_unit(formatting.grouped(value, digits=8), spec)
    scale, symbol = next((scale, symbol) for scale, symbol in _COUNT_SCALES if abs(value) >= scale)
    digits = formatting.significant_digits(value, bands[0])
    scaled = value / scale
    places = max(0, digits - 1 - math.floor(math.log10(abs(scaled))))
    text = f"{scaled:,.{places}f}"
    text = text.rstrip("0").rstrip(".") if "." in text else text
    return _with_unit(f"{text} {symbol}", spec)


def _shape(sizes: list) -> str:
    return "(" + ", ".join(formatting.plain(size) for size in sizes) + ")"


def _read_shape(text: str) -> Reading:
    sizes = parse_shape(text)
    return Reading(sizes, (0.0,) * len(sizes))


CHANNELS_LAST = "channels_last"


def _channels_last(value: Any) -> tuple[KnownMistake, ...]:
    """A channels-first shape (N, C, H, W) written channels-last, (N, H, W, C), as Keras and
    TensorFlow write it; shapes of three sizes or more."""
    if not isinstance(value, list) or len(value) < 3:
        return ()
    feedback = (
        "That is the channels-last order (N, H, W, C), as Keras and TensorFlow write it; "
        "the question asks for channels first, (N, C, H, W), as PyTorch writes it."
    )
    return (KnownMistake(CHANNELS_LAST, 0.0, feedback, [value[0], *value[2:], value[1]]),)


def _dims(text: str) -> Reading:
    sizes = parse_dims(text)
    return Reading(sizes, (0.0,) * len(sizes))


# Choices and free text ----------------------------------------------------------------------


def _choice_label(spec: PartSpec, key: str) -> str:
    return next(choice.label for choice in spec.choices if choice.key == key)


def _grade_choice(spec: PartSpec, reading: Reading, text: str, by_meaning: bool) -> Verdict:
    chosen = reading.value
    display = _choice_label(spec, spec.correct_choice)
    why = next((choice.feedback for choice in spec.choices if choice.key == chosen), "")
    if chosen == spec.correct_choice:
        correct = gettext("Correct.")
        return Verdict(1.0, Status.CORRECT, None, f"{correct} {why}" if why else correct, display)
    return Verdict(0.0, Status.INCORRECT, None, why or gettext("That is not the right choice."), display)


def _labels(spec: PartSpec, keys: tuple[str, ...]) -> str:
    return "; ".join(_choice_label(spec, key) for key in keys)


def _grade_selection(spec: PartSpec, reading: Reading, text: str, by_meaning: bool) -> Verdict:
    """The right choices picked minus the wrong ones, over the right ones, never below 0; each wrong
    pick's feedback (or a missed right choice's) says why."""
    picked, correct = set(reading.value), set(spec.correct_choices)
    display = _labels(spec, spec.correct_choices)
    right, wrong = len(picked & correct), len(picked - correct)
    score = max(0.0, (right - wrong) / len(correct))
    if score == 1:
        return Verdict(1.0, Status.CORRECT, None, gettext("Correct."), display)
    said = ngettext(
        "{right} of the {count} right choice picked", "{right} of the {count} right choices picked", len(correct)
    )
    said = said.format(right=right, count=len(correct))
    if wrong:
        taken = ngettext(
            ", and {count} wrong one, which takes one away", ", and {count} wrong ones, which take one away", wrong
        )
        said += taken.format(count=wrong)
    reasons = [c.feedback for c in spec.choices if c.feedback and (c.key in picked) != (c.key in correct)]
    return Verdict(score, Status.for_credit(score), None, " ".join([f"{said}.", *reasons]), display)


def _grade_text(spec: PartSpec, reading: Reading, text: str, by_meaning: bool) -> Verdict:
    # The text as typed (read() only checked its limits): the spans point into what is stored.
    suggestion = rubric.suggest(spec.rubric, text, by_meaning=by_meaning)
    return Verdict(
        suggestion.score,
        Status.NEEDS_REVIEW,
        None,
        gettext("Awaiting review by your teacher."),
        "",
        suggestion.found,
        suggestion.missed,
        suggestion.concepts,
        suggestion.confidence,
        suggestion.flags,
    )


KIND_INFO: dict[AnswerKind, KindInfo] = {
    info.kind: info
    for info in (
        KindInfo(
            AnswerKind.INTEGER,
            read=lambda spec, text: read_number(text),
            show=lambda spec, value: formatting.grouped(value, digits=8),
            input="number",
            hint=gettext_noop("A whole number: 1234567, 1,234,567, 1 234 567 or a sum such as 1200 + 34."),
            display=lambda spec, value, resolutions, bands: formatting.integer(value),
            whole_numbers=True,
        ),
        KindInfo(
            AnswerKind.NUMBER,
            read=lambda spec, text: read_number(text),
            show=lambda spec, value: formatting.grouped(value, digits=8),
            input="number",
            hint=gettext_noop("A number: 0.25, 2.5e-1, a fraction such as 1/4, or simple arithmetic."),
            display=_number_display,
            asks_decimals=True,
            tolerant=True,
            written_precision=True,
        ),
        KindInfo(
            AnswerKind.QUANTITY,
            read=lambda spec, text: read_quantity(text, spec.unit),
            show=lambda spec, value: formatting.quantity(value, units.symbol(spec.unit), digits=8),
            input="number",
            hint=gettext_noop("A number in {unit}, or with a unit: 4.2 MB, 4200000 bytes, 4.01 MiB."),
            display=_quantity_display,
            per_unit=_bytes_per_unit,
            least_decimals=1,
            working=_quantity_working,
            check_unit=_byte_unit,
            tolerant=True,
            written_precision=True,
        ),
        KindInfo(
            AnswerKind.VECTOR,
            read=lambda spec, text: read_vector(text),
            show=lambda spec, value: _vector(value),
            input="number",
            hint=gettext_noop(
                "Values separated by commas or spaces: 1, 2, 3 or [1 2 3]. Fractions such as 1/3 are fine."
            ),
            display=_vector_display,
            asks_decimals=True,
            matches_rounding=True,
            tolerant=True,
            per_element_credit=True,
        ),
        KindInfo(
            AnswerKind.MATRIX,
            read=lambda spec, text: read_matrix(text),
            show=lambda spec, value: "[" + ", ".join(_vector(row) for row in value) + "]",
            input="matrix",
            hint=gettext_noop(
                "One row per line, values separated by spaces or commas; or [[1, 2], [3, 4]]; or 1 2; 3 4."
            ),
            display=_matrix_display,
            asks_decimals=True,
            matches_rounding=True,
            tolerant=True,
            per_element_credit=True,
        ),
        KindInfo(
            AnswerKind.DIMS,
            read=lambda spec, text: _dims(text),
            show=lambda spec, value: formatting.dims(value),
            input="number",
            hint=gettext_noop("Height × width: 3x3, 3×3 or 3, 3."),
            display=lambda spec, value, resolutions, bands: formatting.dims(value),
            shape_words=_sizes_shape,
        ),
        KindInfo(
            AnswerKind.COUNT,
            read=lambda spec, text: read_count(text, spec.unit),
            show=lambda spec, value: _with_unit(formatting.grouped(value, digits=8), spec),
            input="number",
            hint=gettext_noop("A count, in full or with K, M or G: 3,211,264, 3.21M, 3.21 million, 0.32 G."),
            display=_count_display,
            check_unit=_counted,
            tolerant=True,
            written_precision=True,
        ),
        KindInfo(
            AnswerKind.SHAPE,
            read=lambda spec, text: _read_shape(text),
            show=lambda spec, value: _shape(value),
            input="number",
            hint=gettext_noop("The sizes in order: (32, 3, 224, 224), 32×3×224×224 or torch.Size([32, 3, 224, 224])."),
            display=lambda spec, value, resolutions, bands: _shape(value),
            shape_words=_sizes_shape,
            per_element_credit=True,
            known_mistakes=_channels_last,
        ),
        KindInfo(
            AnswerKind.CHOICE,
            read=lambda spec, text: Reading(parse_choice(text, spec.choices)),
            show=_choice_label,
            input="choice",
            grade=_grade_choice,
            answer=lambda spec: (spec.correct_choice, _choice_label(spec, spec.correct_choice)),
            choices=True,
        ),
        KindInfo(
            AnswerKind.SELECT_ALL,
            read=lambda spec, text: Reading(parse_selection(text, spec.choices)),
            show=lambda spec, value: _labels(spec, value),
            input="checkboxes",
            grade=_grade_selection,
            answer=lambda spec: (spec.correct_choices, _labels(spec, spec.correct_choices)),
            choices=True,
            several_correct=True,
        ),
        KindInfo(
            AnswerKind.TEXT,
            # Only the limits are checked: rubric spans point into the text as stored.
            read=lambda spec, text: Reading(prepare(text)),
            show=lambda spec, value: value,
            input="text",
            grade=_grade_text,
            answer=lambda spec: (None, ""),
            compared_as_typed=True,
            rubric=True,
            checkable=False,
        ),
    )
}


def kind_info(kind: str) -> KindInfo:
    """The entry of an answer kind; ValueError for a kind there is none of."""
    try:
        return KIND_INFO[AnswerKind(kind)]
    except ValueError:
        raise ValueError(gettext("kind: no answer kind {kind!r}").format(kind=kind)) from None


def kinds_that(attribute: str) -> str:
    """The kinds whose entry has `attribute` set, as a message names them: "vector and matrix"."""
    names = [str(info.kind) for info in KIND_INFO.values() if getattr(info, attribute)]
    if len(names) == 1:
        return names[0]
    return gettext("{kinds} and {last}").format(kinds=", ".join(names[:-1]), last=names[-1])


def read_answer(spec: PartSpec, text: str) -> Reading:
    """What a part's answer stands for, in the part's own unit; AnswerError if unreadable."""
    return KIND_INFO[AnswerKind(spec.kind)].read(spec, text)


def read(spec: PartSpec, text: str) -> Any:
    """The value a part's answer stands for, in the part's own unit; AnswerError if unreadable."""
    return read_answer(spec, text).value
