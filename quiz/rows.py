"""Rows instead of JSON text boxes: the admin edits a question's parameters, formulas,
constraints and a part's mistakes, choices and rubric one row and one cell at a time.

A `RowsField` shows its JSON value as rows of text cells (`RowsWidget`, with "Add row" and
"Remove" buttons from static/js/question-authoring.js, and a blank row to fill without
JavaScript) and reads the posted cells back into the same JSON, so a value saved unchanged
is stored unchanged. A cell that cannot be read is a field error naming its row and column.

Cells that hold a value read it as the bank file writes it, without YAML: a number, a list
such as `[1, 2, 3]` or `[[1, 0], [0, 1]]`, true or false, or a word (`same`). Ranges read
`8 to 64`, `one of 3, 5, 7`, `vector length 6 to 11, values -6 to 6` or
`matrix rows 4 to 6, cols 4 to 6, values -3 to 5` (JSON is accepted too).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.template import loader
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from quiz.jsontext import StrictJSONDecoder, json_problem, problem_message, storable

StrOrPromise = str | Promise
ADD_ROW = gettext_lazy("Add row")


@dataclass(frozen=True)
class Column:
    """One cell of a row. `kind`: text, long (a text area), lines (a list, one item a line),
    flag (a checkbox) or shown (computed by the page, never posted)."""

    name: str
    label: StrOrPromise
    kind: str = "text"
    placeholder: StrOrPromise = ""
    help: StrOrPromise = ""


class RowsInput(list):
    """Rows as posted: each a mapping from column to the text typed."""


class RowsWidget(forms.Widget):
    template_name = "admin/quiz/widgets/rows.html"

    def __init__(
        self, columns: tuple[Column, ...], *, stacked: bool = False, add_label: StrOrPromise = ADD_ROW,
        attrs=None,
    ):
        super().__init__(attrs)
        self.columns = columns
        self.stacked = stacked
        self.add_label = add_label
        self.shown: dict[str, dict[str, str]] = {}
        """Text for `shown` columns by the row's first cell, e.g. each formula's value."""

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        rows = list(value or [])
        first = self.columns[0].name
        context["widget"].update(
            columns=self.columns, stacked=self.stacked, add_label=self.add_label,
            rows=[self._cells(name, index, row, self.shown.get(row.get(first, ""), {}))
                  for index, row in enumerate(rows)],
            # One blank row to fill in, also without JavaScript; the script copies it for "Add row".
            blank=self._cells(name, len(rows), {}, {}, blank=True),
            next_index=len(rows) + 1,
        )  # fmt: skip
        return context

    def _cells(self, name: str, index: int, row: dict, shown: dict, *, blank: bool = False) -> list[dict]:
        return [
            {"column": column, "name": f"{name}-{index}-{column.name}",
             "value": shown.get(column.name, "") if column.kind == "shown" else row.get(column.name, ""),
             "placeholder": column.placeholder if blank else ""}
            for column in self.columns
        ]  # fmt: skip

    def render(self, name, value, attrs=None, renderer=None):
        # Rendered with the project's templates: the default form renderer sees only the apps' own.
        return loader.render_to_string(self.template_name, self.get_context(name, value, attrs))

    def value_from_datadict(self, data, files, name):
        pattern = re.compile(rf"{re.escape(name)}-(\d{{1,4}})-(\w+)")
        cells: dict[int, dict[str, str]] = {}
        known = {column.name for column in self.columns if column.kind != "shown"}
        for key in data:
            match = pattern.fullmatch(key)
            if match and match[2] in known:
                cells.setdefault(int(match[1]), {})[match[2]] = data.get(key, "")
        return RowsInput(cells[index] for index in sorted(cells))

    def value_omitted_from_data(self, data, files, name):
        # No rows posted means none are wanted: every row was removed.
        return False


class RowsField(forms.Field):
    """A JSON value edited as rows: `to_rows` turns the stored value into cell texts,
    `from_rows` the filled rows back into the value (ValidationError naming row and column)."""

    def __init__(
        self,
        columns: tuple[Column, ...],
        to_rows: Callable[[Any], list[dict]],
        from_rows: Callable[[list[dict]], Any],
        *,
        stacked: bool = False,
        add_label: StrOrPromise = ADD_ROW,
        **kwargs,
    ):
        self.columns, self.to_rows, self.from_rows = columns, to_rows, from_rows
        kwargs.setdefault("required", False)
        super().__init__(widget=RowsWidget(columns, stacked=stacked, add_label=add_label), **kwargs)

    def prepare_value(self, value):
        if isinstance(value, RowsInput):
            return value
        try:
            return self.to_rows(value)
        except (TypeError, ValueError, AttributeError):
            # A stored value the rows cannot show: one row says so rather than losing it silently.
            raise ValidationError(_("This value cannot be shown as rows."), code="unshowable") from None

    def to_python(self, value):
        if not isinstance(value, RowsInput):
            return value
        for number, row in enumerate(value, 1):
            for column in self.columns:
                if not storable(row.get(column.name, "")):
                    raise _refuse(number, mid_sentence(column.label), problem_message("bad_character"))
        filled = [(number, row) for number, row in enumerate(value, 1) if _filled(row, self.columns)]
        return self.from_rows(filled)

    def has_changed(self, initial, data):
        try:
            return self.to_python(data) != initial
        except ValidationError:
            return True


def _filled(row: dict, columns: tuple[Column, ...]) -> bool:
    return any(str(row.get(column.name, "")).strip() for column in columns if column.kind not in ("flag", "shown"))


def _refuse(number: int, label: str, problem: str) -> ValidationError:
    message = _("Row %(number)s, %(column)s: %(problem)s") % {"number": number, "column": label, "problem": problem}
    return ValidationError(message, code="invalid_row")


def mid_sentence(label: str) -> str:
    """A column's label inside a message: lower case as English writes it; German nouns keep their capital."""
    return str(label) if (translation.get_language() or "").split("-")[0] == "de" else str(label).lower()


# --- Values and ranges as the bank file writes them ------------------------------------------------

_WORD = re.compile(r"[^\s\[\]{}\",][^\[\]{}\",]*")
_NUMBER = r"-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?"
_SPAN = re.compile(rf"({_NUMBER})\s*(?:to|–|\.\.)\s*({_NUMBER})")
_NAMED_SPAN = re.compile(rf"(\w+)\s+({_NUMBER})\s*(?:to|–|\.\.)\s*({_NUMBER})")
_SHAPES = ("vector", "matrix")


def read_value(text: str):
    """A cell's value: JSON (numbers, lists, true/false, "quoted text") or a bare word."""
    text = text.strip()
    problem = json_problem(text)
    if problem:
        raise ValueError(problem_message(problem))
    try:
        return json.loads(text, cls=StrictJSONDecoder)
    except json.JSONDecodeError:
        if _WORD.fullmatch(text):
            return text
        message = _("“%(text)s” is not a number, a list such as [1, 2, 3], true, false or a word")
        raise ValueError(message % {"text": text}) from None
    except RecursionError:  # pragma: no cover - json_problem bounds the depth first
        raise ValueError(problem_message("too_deep")) from None


def show_value(value) -> str:
    """A value as its cell shows it, read back by `read_value` as the same value."""
    if isinstance(value, str) and value.strip() == value and _WORD.fullmatch(value):
        try:
            json.loads(value)
        except ValueError:
            return value
    return json.dumps(value, ensure_ascii=False, separators=(", ", ": "))


def read_range(text: str):
    text = text.strip()
    if text[:1] in "[{":
        return read_value(text)
    if match := _SPAN.fullmatch(text):
        return [read_value(match[1]), read_value(match[2])]
    if text.lower().startswith("one of "):
        items = [item.strip() for item in text[len("one of "):].split(",")]
        if not all(items):
            raise ValueError(_("write the choices separated by commas, e.g. one of 3, 5, 7"))
        return {"choices": [read_value(item) for item in items]}
    shape, _space, rest = text.partition(" ")
    shape = shape.lower()
    if shape in _SHAPES:
        spans = {}
        for piece in rest.split(","):
            if not (match := _NAMED_SPAN.fullmatch(piece.strip())):
                example = f"{shape} {_SHAPE_EXAMPLE[shape]}"
                message = _("write a %(shape)s range as e.g. %(example)s")
                raise ValueError(message % {"shape": shape, "example": example})
            spans[match[1]] = [read_value(match[2]), read_value(match[3])]
        return {shape: spans}
    raise ValueError(_(
        "“%(text)s” is not a range: write 8 to 64, one of 3, 5, 7, vector length 6 to 11, values -6 to 6, "
        "or matrix rows 4 to 6, cols 4 to 6, values -3 to 5"
    ) % {"text": text})


_SHAPE_EXAMPLE = {"vector": "length 6 to 11, values -6 to 6", "matrix": "rows 4 to 6, cols 4 to 6, values -3 to 5"}


def show_range(value) -> str:
    """A range as its cell shows it; one the short forms cannot say exactly is shown as JSON."""
    shown = _short_range(value)
    return shown if shown is not None and read_range(shown) == value else show_value(value)


def _short_range(value) -> str | None:
    if _is_span(value):
        return f"{show_value(value[0])} to {show_value(value[1])}"
    if isinstance(value, dict) and len(value) == 1:
        ((kind, detail),) = value.items()
        if kind == "choices" and isinstance(detail, list) and detail:
            items = [show_value(item) for item in detail]
            if all("," not in item for item in items):
                return "one of " + ", ".join(items)
        if kind in _SHAPES and isinstance(detail, dict) and detail and all(_is_span(v) for v in detail.values()):
            spans = [f"{name} {show_value(span[0])} to {show_value(span[1])}" for name, span in detail.items()]
            return f"{kind} " + ", ".join(spans)
    return None


def _is_span(value) -> bool:
    return (
        isinstance(value, list) and len(value) == 2
        and all(isinstance(item, (int, float)) and not isinstance(item, bool) for item in value)
    )  # fmt: skip


def _read_number(number: int, label: str, text: str) -> int | float:
    try:
        value = read_value(text)
    except ValueError as error:
        raise _refuse(number, label, str(error)) from None
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        raise _refuse(number, label, _("“%(text)s” is not a number") % {"text": text.strip()})
    return value


def _unique(rows: list[tuple[int, dict]], column: str, label: str) -> None:
    seen: set[str] = set()
    for number, row in rows:
        name = row.get(column, "").strip()
        if not name:
            raise _refuse(number, label, _("required"))
        if name in seen:
            raise _refuse(number, label, _("“%(name)s” is used twice") % {"name": name})
        seen.add(name)


# --- The question's fields --------------------------------------------------------------------------

PARAMETER_COLUMNS = (
    Column("name", gettext_lazy("Name"), placeholder="h"),
    Column("value", gettext_lazy("Seed value"), placeholder=gettext_lazy("32, [1, 2, 3] or same"),
           help=gettext_lazy("The numbers the question shows unless an attempt draws its own.")),
    Column("range", gettext_lazy("Range"), placeholder=gettext_lazy("8 to 64, or one of 3, 5, 7"),
           help=gettext_lazy("Where random variants draw it from; empty: it keeps its seed value.")),
)  # fmt: skip


def parameter_rows(value: dict) -> list[dict]:
    """{"params": …, "ranges": …} as rows: each parameter with its range, then ranges of
    names that are no parameter (a calculator's, such as `sequence_length`)."""
    params, ranges = value.get("params") or {}, value.get("ranges") or {}
    rows = [{"name": name, "value": show_value(seed), "range": show_range(ranges[name]) if name in ranges else ""}
            for name, seed in params.items()]  # fmt: skip
    rows += [{"name": name, "value": "", "range": show_range(span)}
             for name, span in ranges.items() if name not in params]  # fmt: skip
    return rows


def read_parameters(rows: list[tuple[int, dict]]) -> dict:
    _unique(rows, "name", mid_sentence(_("Name")))
    params, ranges = {}, {}
    for number, row in rows:
        name = row["name"].strip()
        value, span = row.get("value", "").strip(), row.get("range", "").strip()
        if not value and not span:
            problem = _("give %(name)s a seed value, a range or both") % {"name": name}
            raise _refuse(number, mid_sentence(_("Seed value")), problem)
        try:
            if value:
                params[name] = read_value(value)
        except ValueError as error:
            raise _refuse(number, mid_sentence(_("Seed value")), str(error)) from None
        try:
            if span:
                ranges[name] = read_range(span)
        except ValueError as error:
            raise _refuse(number, mid_sentence(_("Range")), str(error)) from None
    return {"params": params, "ranges": ranges}


FORMULA_COLUMNS = (
    Column("name", gettext_lazy("Output"), placeholder="out_h"),
    Column("expression", gettext_lazy("Expression"), placeholder="conv_output_size(h, k, stride, p)"),
    Column("value", gettext_lazy("Value"), kind="shown"),
)


def formula_rows(value: list) -> list[dict]:
    return [{"name": name, "expression": expression} for name, expression in value or []]


def read_formulas(rows: list[tuple[int, dict]]) -> list[list[str]]:
    _unique(rows, "name", mid_sentence(_("Output")))
    for number, row in rows:
        if not row.get("expression", "").strip():
            raise _refuse(number, mid_sentence(_("Expression")), _("required"))
    return [[row["name"].strip(), row["expression"].strip()] for _, row in rows]


CONSTRAINT_COLUMNS = (Column("expression", gettext_lazy("Must be true"), placeholder="out_h >= 1"),)


def constraint_rows(value: list) -> list[dict]:
    return [{"expression": text} for text in value or []]


def read_constraints(rows: list[tuple[int, dict]]) -> list[str]:
    return [row["expression"].strip() for _, row in rows]


# --- A part's fields -------------------------------------------------------------------------------

HINT_COLUMNS = (
    Column("text", gettext_lazy("Hint"), kind="long", placeholder=gettext_lazy("Each filter also has a bias.")),
)


def hint_rows(value: list) -> list[dict]:
    return [{"text": text} for text in value or []]


def read_hints(rows: list[tuple[int, dict]]) -> list[str]:
    return [row["text"].strip() for _, row in rows]


MISTAKE_COLUMNS = (
    Column("key", gettext_lazy("Key"), placeholder="no_bias"),
    Column("output", gettext_lazy("Output it gives"), placeholder="params_no_bias"),
    Column("credit", gettext_lazy("Credit"), placeholder=gettext_lazy("0 to 1")),
    Column("feedback", gettext_lazy("Feedback"), kind="long"),
    Column("label", gettext_lazy("Label (statistics)"), placeholder=gettext_lazy("forgot the biases")),
)
CHOICE_COLUMNS = (
    Column("key", gettext_lazy("Key"), placeholder="a"),
    Column("label", gettext_lazy("Label")),
    Column("feedback", gettext_lazy("Why (shown when picked)"), kind="long"),
)
CONCEPT_COLUMNS = (
    Column("key", gettext_lazy("Key"), placeholder="weight_sharing"),
    Column("label", gettext_lazy("Label")),
    Column("points", gettext_lazy("Points"), placeholder="1"),
    Column("bonus", gettext_lazy("Bonus item"), kind="flag"),
    Column("naming_suffices", gettext_lazy("Naming it is enough"), kind="flag"),
    Column("phrases", gettext_lazy("Phrases"), kind="lines", help=gettext_lazy("One a line.")),
    Column("examples", gettext_lazy("Example statements"), kind="lines", help=gettext_lazy("One a line.")),
    Column("contradictions", gettext_lazy("Contradicting statements"), kind="lines", help=gettext_lazy("One a line.")),
    Column("feedback", gettext_lazy("Feedback"), kind="long"),
)


def mapping_rows(columns: tuple[Column, ...]) -> Callable[[list], list[dict]]:
    """Rows of a list of mappings: numbers as typed, lists one item a line, flags as "on"."""

    def to_rows(value: list) -> list[dict]:
        return [{column.name: _cell(column, item.get(column.name)) for column in columns} for item in value or []]

    return to_rows


def _cell(column: Column, value) -> str:
    if value is None or value is False:
        return ""
    if column.kind == "flag":
        return "on"
    if column.kind == "lines":
        return "\n".join(str(item) for item in value)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return show_value(value)
    return str(value)


def mapping_reader(
    columns: tuple[Column, ...], *, always: tuple[str, ...], numbers: tuple[str, ...] = ()
) -> Callable[[list], list[dict]]:
    """Reads rows into mappings; `always` keys are kept empty (the grader names what is missing),
    any other key only when filled, so an item saved unchanged is stored unchanged."""

    def read(rows: list[tuple[int, dict]]) -> list[dict]:
        items = []
        for number, row in rows:
            item: dict[str, Any] = {}
            for column in columns:
                text = row.get(column.name, "")
                if column.kind == "flag":
                    if text:
                        item[column.name] = True
                elif column.kind == "lines":
                    if lines := [_line(line) for line in text.splitlines() if line.strip()]:
                        item[column.name] = lines
                elif column.name in numbers:
                    if text.strip():
                        item[column.name] = _read_number(number, mid_sentence(column.label), text)
                    elif column.name in always:
                        item[column.name] = ""  # the grader's message says what it must be
                elif text.strip() or column.name in always:
                    item[column.name] = text.strip()
            items.append(item)
        return items

    return read


def _line(text: str) -> str | int:
    """One line of a list; a whole number stays one, as a bank file's YAML reads `152`."""
    text = text.strip()
    return int(text) if re.fullmatch(r"-?\d{1,18}", text) else text
