"""One entry per answer kind: how its answers are read and shown again, the hint students
read, whether its tolerance asks for decimals, and the input it is typed in.

Adding a kind is one `KindInfo` here (and its value in `spec.AnswerKind`), plus an input
template `student/parts/_<input>.html` if none of the existing inputs fits.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from grader import formatting, units
from grader.messages import gettext, gettext_noop
from grader.parsing import (
    Reading,
    parse_choice,
    parse_dims,
    prepare,
    read_matrix,
    read_number,
    read_quantity,
    read_vector,
)
from grader.spec import AnswerKind, PartSpec


@dataclass(frozen=True)
class KindInfo:
    """What the grader and the pages need to know of one answer kind.

    `read` turns the student's text into a Reading in the part's own unit (AnswerError if it
    cannot); `show` writes a value read with more digits than a display, so equal answers
    count as one; `hint` is the formats students may type (`{unit}` is the part's unit);
    `asks_decimals` says whether an absolute tolerance means a number of decimals; `input`
    names the input template, `student/parts/_<input>.html`."""

    kind: AnswerKind
    read: Callable[[PartSpec, str], Reading]
    show: Callable[[PartSpec, Any], str]
    input: str
    hint: str = ""
    asks_decimals: bool = False

    def hint_for(self, spec_unit: str) -> str:
        """The hint in the reader's language, with the part's unit."""
        return gettext(self.hint).format(unit=spec_unit) if self.hint else ""


def _vector(values: list) -> str:
    return "[" + ", ".join(formatting.plain(v, digits=8) for v in values) + "]"


def _dims(text: str) -> Reading:
    sizes = parse_dims(text)
    return Reading(sizes, (0.0,) * len(sizes))


def _choice_label(spec: PartSpec, key: str) -> str:
    return next(choice.label for choice in spec.choices if choice.key == key)


KIND_INFO: dict[AnswerKind, KindInfo] = {
    info.kind: info
    for info in (
        KindInfo(
            AnswerKind.INTEGER,
            read=lambda spec, text: read_number(text),
            show=lambda spec, value: formatting.grouped(value, digits=8),
            input="number",
            hint=gettext_noop("A whole number: 1234567, 1,234,567, 1 234 567 or a sum such as 1200 + 34."),
        ),
        KindInfo(
            AnswerKind.NUMBER,
            read=lambda spec, text: read_number(text),
            show=lambda spec, value: formatting.grouped(value, digits=8),
            input="number",
            hint=gettext_noop("A number: 0.25, 2.5e-1, a fraction such as 1/4, or simple arithmetic."),
            asks_decimals=True,
        ),
        KindInfo(
            AnswerKind.QUANTITY,
            read=lambda spec, text: read_quantity(text, spec.unit),
            show=lambda spec, value: formatting.quantity(value, units.symbol(spec.unit), digits=8),
            input="number",
            hint=gettext_noop("A number in {unit}, or with a unit: 4.2 MB, 4200000 bytes, 4.01 MiB."),
        ),
        KindInfo(
            AnswerKind.VECTOR,
            read=lambda spec, text: read_vector(text),
            show=lambda spec, value: _vector(value),
            input="number",
            hint=gettext_noop(
                "Values separated by commas or spaces: 1, 2, 3 or [1 2 3]. Fractions such as 1/3 are fine."
            ),
            asks_decimals=True,
        ),
        KindInfo(
            AnswerKind.MATRIX,
            read=lambda spec, text: read_matrix(text),
            show=lambda spec, value: "[" + ", ".join(_vector(row) for row in value) + "]",
            input="matrix",
            hint=gettext_noop(
                "One row per line, values separated by spaces or commas; or [[1, 2], [3, 4]]; or 1 2; 3 4."
            ),
            asks_decimals=True,
        ),
        KindInfo(
            AnswerKind.DIMS,
            read=lambda spec, text: _dims(text),
            show=lambda spec, value: formatting.dims(value),
            input="number",
            hint=gettext_noop("Height × width: 3x3, 3×3 or 3, 3."),
        ),
        KindInfo(
            AnswerKind.CHOICE,
            read=lambda spec, text: Reading(parse_choice(text, spec.choices)),
            show=_choice_label,
            input="choice",
        ),
        KindInfo(
            AnswerKind.TEXT,
            # Only the limits are checked: rubric spans point into the text as stored.
            read=lambda spec, text: Reading(prepare(text)),
            show=lambda spec, value: value,
            input="text",
        ),
    )
}


def kind_info(kind: str) -> KindInfo:
    """The entry of an answer kind; ValueError for a kind there is none of."""
    try:
        return KIND_INFO[AnswerKind(kind)]
    except ValueError:
        raise ValueError(f"kind: no answer kind {kind!r}") from None


def read_answer(spec: PartSpec, text: str) -> Reading:
    """What a part's answer stands for, in the part's own unit; AnswerError if unreadable."""
    return KIND_INFO[AnswerKind(spec.kind)].read(spec, text)


def read(spec: PartSpec, text: str) -> Any:
    """The value a part's answer stands for, in the part's own unit; AnswerError if unreadable."""
    return read_answer(spec, text).value
