"""Reading what students type: numbers, sizes in bytes, vectors, matrices, sizes like 7×7, choices.

Every reader raises AnswerError, whose message is one sentence for the student saying what
to change, and nothing else, whatever the text. Reading takes time linear in the length of
the text: the length is checked first, the text is then scanned once into tokens (no
regular expression with nested or overlapping quantifiers ever sees the answer), and
arithmetic is evaluated by a small recursive-descent parser over at most 100 operators,
never with `eval`.

A number read keeps the precision it was typed with (its resolution: 0.01 for `3.78`, 100
for `9.034e5`, 0 for a calculation), in the part's own unit, so that grading can tell a
rounded right answer from a known mistake's value.
"""

import math
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from grader import units
from grader.messages import gettext as _
from grader.messages import ngettext
from grader.spec import ChoiceSpec

Number = int | float

MAX_ANSWER_LENGTH = 20_000
MAX_ELEMENTS = 10_000
MAX_MAGNITUDE = 1e15
MAX_EXPONENT = 64
_MAX_TOKEN = 60
_MAX_OPERATORS = 100
_MAX_VALUES = 3
# Brackets nested in a calculation: each level is a recursion of the evaluator.
_MAX_DEPTH = 20
# One value, even a calculation of 100 operators, is far fewer tokens than this.
_MAX_TOKENS = 300
# Intermediate results may exceed MAX_MAGNITUDE (a product later divided), within reason.
_MAX_INTERMEDIATE = 1e30
# A size such as 7×7 is short: anything longer is refused before it is scanned.
_MAX_DIMS_LENGTH = 200
_MAX_DIMS = 4
# Float noise tolerated when comparing two readings of one value.
_NOISE = 1e-9


class AnswerError(ValueError):
    """An answer that cannot be read; the message is written for the student."""


@dataclass(frozen=True, slots=True)
class Reading:
    """What an answer stands for: its value in the part's own unit, the resolution each
    number was typed with (0 where it is exact, such as a fraction or a sum), and notes
    for the feedback (a unit written in an unusual way)."""

    value: Any  # a number, a list, a table, a size or a choice key: what the part's kind reads
    resolution: tuple[float, ...] = ()
    notes: tuple[str, ...] = ()


# Unicode superscripts are powers: 10⁵ is 10^5, never 105 (which NFKC alone would make of it).
_SUPERSCRIPT_DIGITS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺", "0123456789-+")
_SUPERSCRIPTS = re.compile("[⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺]+")

# Look-alike characters students paste from documents and notebooks.
_LOOKALIKES = str.maketrans(
    {
        "\u2212": "-",
        "\u2013": "-",
        "\u2012": "-",
        "\u2014": "-",
        "\ufe63": "-",
        "×": "*",
        "·": "*",
        "⋅": "*",
        "∙": "*",
        "÷": "/",
        "\u2044": "/",
        "∼": "~",
        "≃": "≈",
        "≅": "≈",
        "“": '"',
        "”": '"',
        "‘": "'",
        "’": "'",
    }
)

_DIGITS = re.compile(r"[0-9]+")
_LETTERS = re.compile(r"[^\W\d]+")
_INTEGER = re.compile(r"[-+]?[0-9]+")
_SEPARATING_COMMA = re.compile(r",(?![0-9])|(?<![0-9]),")
_TIGHT_COMMA = re.compile(r"[0-9],[0-9]")
_SPACED_COMMA = re.compile(r",\s")
_AND_WORD = re.compile(r"\b(?:and|und|et)\b", re.IGNORECASE)
_ROW_BREAK = re.compile(r"[;\n]")
_WHOLE_NUMBERS = re.compile(r"[0-9 \t\n;+-]*")
_GROUPING = re.compile(r"[\[\](),]")
_WORKING = re.compile(r"[\[\]()=≈~:]")
_DIMS_PIECE = re.compile(r"[0-9]+(?:\.[0-9]+)?|[^\W\d]+|\S")
# A number, a single space at most, a word: no two parts can match the same characters.
_SIMPLE_SIZE = re.compile(r"([-+]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][-+]?[0-9]+)?) ?([A-Za-z]*)")
_SIMPLE_NUMBER = re.compile(r"[-+]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][-+]?[0-9]+)?")
_BRACKET = re.compile(r"[\[\]()]")
_SEPARATORS_ONLY = re.compile(r"[\s,;]*")
_LATEX_SPECIAL = re.compile(r"[\\{}]")
_BRACES = str.maketrans("{}", "[]")
_WORKING_MARK = re.compile(r"[=≈~]")
_WHITESPACE = re.compile(r"\s+")

_COUNT_SUFFIXES = {
    "k": 1_000,
    "thousand": 1_000,
    "M": 1_000_000,
    "million": 1_000_000,
    "mio": 1_000_000,
    "G": 1_000_000_000,
    "billion": 1_000_000_000,
}
# What a count counts, as typed (lower-cased) -> as the part names it.
COUNTED = {
    "parameter": "parameters",
    "parameters": "parameters",
    "param": "parameters",
    "params": "parameters",
    "weights": "parameters",
    "flop": "FLOPs",
    "flops": "FLOPs",
    "mac": "MACs",
    "macs": "MACs",
}
# A count suffix glued to what is counted: 3.2GFLOPs, 12 MMACs, 1.2Mparams.
_GLUED_COUNT = re.compile(r"(?<![A-Za-z])([kKMG])((?i:flops?|macs?|params?|parameters?))(?![A-Za-z])")
_WORD = re.compile(r"[A-Za-z]+")
_TIMES_WORDS = ("x", "X")
_PARENTHESES = {"[": "(", "]": ")", "⟨": "(", "⟩": ")"}
_AND_WORDS = ("and", "und", "et")

_PRINTOUT_NAMES = ("tensor", "array", "asarray", "matrix")
_LATEX_SYMBOLS = {
    "cdot": "*",
    "times": "*",
    "div": "/",
    "approx": "≈",
    "sim": "~",
    "simeq": "≈",
    "left": "",
    "right": "",
    "big": "",
    "Big": "",
    "bigl": "",
    "bigr": "",
    "quad": " ",
    "qquad": " ",
    "displaystyle": "",
}
_LATEX_FRACTIONS = ("frac", "dfrac", "tfrac")
_LATEX_TEXT = ("text", "mathrm", "textrm", "mathit", "mathbf", "operatorname")
_LATEX_ENVIRONMENT = ("begin", "end")
_DROPPED = "\0"  # closes the brace group of an environment's name, which is dropped


# Preparing the text ---------------------------------------------------------------------------


def prepare(text: str) -> str:
    """Apply the limits and fold look-alike characters; the stripped text."""
    if len(text) > MAX_ANSWER_LENGTH:
        raise AnswerError(
            _("Shorten your answer to at most {limit} characters.").format(limit=f"{MAX_ANSWER_LENGTH:,}")
        )
    if "\x00" in text:
        raise AnswerError(_("Retype your answer without the NUL character it contains."))
    if not text.isascii():
        text = _SUPERSCRIPTS.sub(lambda match: "^" + match.group().translate(_SUPERSCRIPT_DIGITS), text)
        text = unicodedata.normalize("NFKC", text).translate(_LOOKALIKES)
        if len(text) > MAX_ANSWER_LENGTH:
            raise AnswerError(
                _("Shorten your answer to at most {limit} characters.").format(limit=f"{MAX_ANSWER_LENGTH:,}")
            )
    return text.strip()


def quote(text: str) -> str:
    """The student's text in backticks for a message, shortened and on one line."""
    shown = " ".join("".join(ch if ch.isprintable() else " " for ch in text[:80]).split())
    if len(text) > 40:
        shown = shown[:37] + "…"
    return f"`{shown}`"


def _latex(text: str) -> str:
    """LaTeX and braces made plain: `\\frac{a}{b}` → ⟨⟨a⟩/⟨b⟩⟩ (brackets of a calculation),
    `\\cdot` → *, a matrix's `&` and `\\\\` → a comma and a semicolon between rows,
    `\\text{MB}` → MB, `{2, 2}` → [2, 2]."""
    if "&" in text or "$" in text:
        text = text.replace("&", ",").replace("$", " ")
    if "\\" not in text:
        # Braces alone are set braces: {2, 2, 2} is [2, 2, 2].
        return text.translate(_BRACES) if "{" in text or "}" in text else text
    out: list[str] = []
    closers: list[str] = []  # what each open brace becomes when it closes
    pending: list[tuple[str, str]] = []  # how the next brace groups open and close (after \frac)
    skipping = 0  # inside \begin{...} or \end{...}: the environment's name is dropped
    position = 0
    for match in _LATEX_SPECIAL.finditer(text):
        start = match.start()
        if start < position:
            continue
        if not skipping:
            out.append(text[position:start])
        character = match.group()
        position = start + 1
        if character == "{":
            opening, closing = pending.pop(0) if pending else ("[", "]")
            if skipping:
                closing = ""
            closers.append(closing)
            if not skipping:
                out.append(opening)
            if closing == _DROPPED:
                skipping += 1
        elif character == "}":
            closing = closers.pop() if closers else "}"
            if closing == _DROPPED:
                skipping -= 1
            elif not skipping:
                out.append(closing)
        elif skipping:
            continue
        else:
            position = _latex_command(text, start, out, pending)
    if not skipping:
        out.append(text[position:])
    return "".join(out)


def _latex_command(text: str, start: int, out: list[str], pending: list[tuple[str, str]]) -> int:
    """Translate the command at text[start] (a backslash); where reading continues."""
    following = text[start + 1 : start + 2]
    if following == "\\":
        out.append(";")
        return start + 2
    if following in ("{", "}"):
        out.append("[" if following == "{" else "]")
        return start + 2
    if following in (",", ";", ":", "!", " "):
        out.append(" ")
        return start + 2
    name = _LETTERS.match(text, start + 1)
    if name is None:
        out.append("\\")
        return start + 1
    command = name.group()
    if command in _LATEX_FRACTIONS:
        # Brackets of their own, so that a table does not take a fraction for a row.
        pending.extend([("⟨⟨", "⟩"), ("/⟨", "⟩⟩")])
    elif command in _LATEX_TEXT:
        pending.append((" ", " "))
    elif command in _LATEX_ENVIRONMENT:
        pending.append(("", _DROPPED))
    elif command in _LATEX_SYMBOLS:
        out.append(_LATEX_SYMBOLS[command])
    else:
        out.append(text[start : name.end()])
    return name.end()


def _unwrap_printout(text: str) -> str:
    """The data inside a pasted `tensor(...)`, `array(...)` or `np.array(...)`, without
    trailing keywords such as `dtype=torch.int32`; other text unchanged."""
    opening = text.find("(", 0, 40)
    if opening <= 0 or not text.endswith(")"):
        return text
    name = text[:opening].strip().rsplit(".", 1)[-1].lower()
    if name not in _PRINTOUT_NAMES:
        return text
    inner = text[opening + 1 : -1]
    depth = 0
    for match in _GROUPING.finditer(inner):
        character = match.group()
        if character in "[(":
            depth += 1
        elif character in "])":
            depth -= 1
        elif depth == 0:
            rest = inner[match.end() : match.end() + _MAX_TOKEN].lstrip()
            keyword = _LETTERS.match(rest)
            if keyword and rest[keyword.end() :].lstrip().startswith("="):
                return inner[: match.start()].strip()
    return inner.strip()


def _closing_group(text: str) -> int | None:
    """Where the bracket group that ends the text opens, or None."""
    if not text.endswith((")", "]")):
        return None
    depth = 0
    for index in range(len(text) - 1, -1, -1):
        character = text[index]
        if character in ")]":
            depth += 1
        elif character in "([":
            depth -= 1
            if depth == 0:
                return index
    return None


def _without_explanation(text: str) -> str:
    """The text without a final full stop or an explanation in parentheses after the value:
    `7 × 7 (the whole feature map)`, `12.6 MB.`"""
    text = text.rstrip(" .!?")
    opening = _closing_group(text)
    if opening and text[opening - 1].isspace():
        group = text[opening:]
        if _LETTERS.search(group) or "=" in group or "≈" in group:
            text = text[:opening].rstrip(" .,;!?")
    return text


def _final_value(text: str) -> str:
    """The last value of a working: `2800 + 180200 + 720400 = 903400` → 903400, and of a
    label: `Total: 903400` → 903400. Marks inside brackets belong to an explanation."""
    cut = -1
    depth = 0
    last = len(text.rstrip())
    for match in _WORKING.finditer(text):
        character = match.group()
        if character in "[(":
            depth += 1
        elif character in "])":
            depth -= 1
        elif depth == 0 and match.end() < last:
            cut = match.end()
    return text[cut:].strip() if cut >= 0 else text


# Scalars --------------------------------------------------------------------------------------


@dataclass(slots=True)
class _Token:
    kind: str  # "num", "op", "word", "punct"
    text: str
    start: int
    gap: bool  # whitespace before it
    value: Number = 0
    resolution: float = 0.0
    whole: bool = False  # a whole number typed without a decimal point or exponent


@dataclass(slots=True)
class _Node:
    """A value being evaluated; `literal` while it is one number as typed (so that its
    resolution means something), `power_of_ten` for 10^n."""

    value: Number
    resolution: float = 0.0
    literal: bool = False
    power_of_ten: int | None = None  # n, for 10^n


@dataclass(frozen=True, slots=True)
class _Mode:
    """How to read a number in this place.

    commas: "scalar" (a comma groups thousands before exactly three digits, else it is a
    decimal mark), "decimal" (a decimal mark: values are separated by spaces or
    semicolons) or "none" (values are separated by commas).
    """

    commas: str = "scalar"
    space_groups: bool = True
    unit: str = ""  # the part's unit, for sizes in bytes
    counts: bool = False  # 903.4K and 0.9 M are counts
    words: bool = True  # words around the value are ignored


_COUNT = _Mode(counts=True)


def parse_number(text: str) -> Number:
    """A number, fraction or calculation, with powers (9.034×10⁵), count suffixes (903.4K) and
    words around it; a comma groups thousands before exactly three digits, else it is a
    decimal mark."""
    return read_number(text).value


def read_number(text: str) -> Reading:
    """parse_number's value with the resolution it was typed with."""
    return _scalar_reading(prepare(text), _COUNT)


def read_count(text: str, counted: str) -> Reading:
    """A count of parameters or operations: a number with a suffix (3.2M, 3.2 million, 0.32 G,
    3.2 GFLOPs) and words around it. `counted` is what the part counts ("MACs", or "" for
    anything); an answer naming something else (FLOPs for MACs) is refused, saying what is asked."""
    text = _GLUED_COUNT.sub(r"\1 \2", prepare(text))
    if counted:
        for word in _WORD.findall(text):
            named = COUNTED.get(word.lower())
            if named and named != counted:
                raise AnswerError(f"The question asks for a number of {counted}, not {named}: give it in {counted}.")
    return _scalar_reading(text, _COUNT)


def parse_quantity(text: str, unit: str) -> float:
    """A size in bytes, read in the part's `unit` when no unit is typed (`mb` is a megabyte)."""
    return read_quantity(text, unit).value


def read_quantity(text: str, unit: str) -> Reading:
    """parse_quantity's value with the resolution it was typed with, and a note on an unusual unit."""
    return _scalar_reading(prepare(text), _Mode(unit=unit))


def _scalar_reading(text: str, mode: _Mode) -> Reading:
    simple = _simple_reading(text, mode)
    if simple is not None:
        return simple
    text = _final_value(_without_explanation(_unwrap_printout(_latex(text))))
    if not text:
        raise AnswerError(_("Type a number."))
    tokens = _tokens(text, mode)
    values: list[Reading] = []
    parser = _Parser(text, tokens, mode)
    while True:
        parser.skip_words(leading=not values)
        if parser.done():
            break
        gap_only = bool(values) and parser.previous_was_value()
        values.append(parser.value())
        if len(values) > 1:
            _refuse_second_value(text, values, gap_only)
    if not values:
        if mode.unit and any(token.kind == "word" and units.unit_name(token.text) for token in tokens):
            raise AnswerError(
                _("{text} has no number before the unit: type the size, such as 12.5 MB.").format(text=quote(text))
            )
        raise AnswerError(_("{text} is not a number: type it with digits, such as 12.5.").format(text=quote(text)))
    return values[0]


def _simple_reading(text: str, mode: _Mode) -> Reading | None:
    """A plain number, or a size such as `12.6 MB`, read directly: most answers are one."""
    if len(text) > 30:
        return None
    match = _SIMPLE_SIZE.fullmatch(text) if mode.unit else _SIMPLE_NUMBER.fullmatch(text)
    if match is None:
        return None
    number = match.group(1) if mode.unit else text
    typed = units.unit_name(match.group(2)) if mode.unit and match.group(2) else None
    if mode.unit and match.group(2) and (typed is None or units.spelling_note(match.group(2))):
        return None  # a unit refused or noted: the general reader says so
    mantissa, _, exponent = number.lower().partition("e")
    value: Number
    if "." not in mantissa and not exponent:
        value, resolution = int(number), 1.0
    else:
        value = float(number)
        resolution = 10.0 ** max(min(int(exponent or 0) - len(mantissa.partition(".")[2]), 300), -300)
    if typed is not None:
        wanted = units.unit_name(mode.unit)
        factor = 1.0 if typed == wanted else units.factor(typed, wanted)
        value, resolution = value * factor, resolution * factor
    return Reading(_checked(value, text), (resolution,))


def _matched(pattern: re.Pattern[str], text: str, position: int) -> re.Match[str]:
    """The pattern's match at a position the scan already knows it starts at."""
    match = pattern.match(text, position)
    if match is None:
        raise AssertionError(f"{pattern.pattern} does not match at {position}")
    return match


def _refuse_second_value(text: str, values: list[Reading], gap_only: bool) -> None:
    """A second value in a scalar answer: the same one again is harmless, another is not."""
    first, latest = values[0].value, values[-1].value
    if len(values) > _MAX_VALUES:
        raise AnswerError(
            _("{text} holds several numbers: give only the one value asked for.").format(text=quote(text))
        )
    if math.isclose(first, latest, rel_tol=_NOISE, abs_tol=_NOISE):
        return
    if gap_only:
        raise AnswerError(
            _(
                "{text} holds two numbers with only a space between them: give one value "
                "(a space only groups thousands, as in 903 400)."
            ).format(text=quote(text))
        )
    raise AnswerError(_("{text} gives two different values: keep only the one you mean.").format(text=quote(text)))


def _tokens(text: str, mode: _Mode) -> list[_Token]:
    """One scan of the text into numbers, operators, words and punctuation."""
    tokens: list[_Token] = []
    position, end = 0, len(text)
    operators = depth = 0
    gap = False
    while position < end:
        character = text[position]
        if character.isspace():
            position = _matched(_WHITESPACE, text, position).end()
            gap = True
            continue
        if "0" <= character <= "9" or (character == "." and text[position + 1 : position + 2].isdigit()):
            token, position = _number(text, position, mode, gap)
        elif character in "+-/()^[]*⟨⟩":
            if character == "*" and text[position + 1 : position + 2] == "*":
                character, length = "^", 2
            else:
                length = 1
            character = _PARENTHESES.get(character, character)
            depth += (character == "(") - (character == ")")
            if depth > _MAX_DEPTH:
                raise AnswerError(
                    _("Use at most {depth} levels of brackets in a calculation.").format(depth=_MAX_DEPTH)
                )
            token = _Token("op", character, position, gap)
            position += length
            operators += 1
            if operators > _MAX_OPERATORS:
                raise AnswerError(_("That calculation is too long: give its result instead."))
        elif character.isalpha() or character == "_":
            word = _matched(_LETTERS, text, position)
            token = _Token("word", word.group(), position, gap)
            position = word.end()
        elif character in ".,;!?\"'`":
            token = _Token("punct", character, position, gap)
            position += 1
        else:
            raise _unreadable(text, character)
        tokens.append(token)
        if len(tokens) > _MAX_TOKENS:
            raise AnswerError(_("{text} is too long for one value: give the value alone.").format(text=quote(text)))
        gap = False
    return tokens


def _number(text: str, start: int, mode: _Mode, gap: bool) -> tuple[_Token, int]:
    """Scan one number at `start`: digits with thousands groups, a decimal mark, an exponent."""
    end = len(text)
    digits = _DIGITS.match(text, start)
    integer = digits.group() if digits else ""
    position = digits.end() if digits else start
    separator = ""
    if 1 <= len(integer) <= 3:
        while position < end:
            mark = text[position]
            allowed = mark == "_" or (mark == "," and mode.commas == "scalar") or (mark == " " and mode.space_groups)
            if not allowed or (separator and mark != separator) or not _three_digits(text, position + 1):
                break
            separator = mark
            integer += text[position + 1 : position + 4]
            position += 4
    fraction = ""
    pointed = False  # a decimal mark typed, even with no digits after it ("5.")
    mark = text[position] if position < end else ""
    if mark == "." or (mark == "," and mode.commas != "none" and text[position + 1 : position + 2].isdigit()):
        pointed = True
        more = _DIGITS.match(text, position + 1)
        if mark == "," and (separator == "," or (mode.commas == "scalar" and more and len(more.group()) == 3)):
            raise _comma_error(text)
        if more:
            fraction, position = more.group(), more.end()
        elif integer and text[position + 1 : position + 2] != ".":
            position += 1  # "5." as numpy prints it
        following = text[position : position + 2]
        if following[:1] in (".", ",") and following[1:].isdigit():
            raise _comma_error(text) if "," in (mark, following[:1]) else _unreadable_number(text)
    exponent = 0
    if position < end and text[position] in "eE":
        found = _INTEGER.match(text[position + 1 : position + 1 + _MAX_TOKEN])
        if found:
            exponent = int(found.group())
            position += 1 + found.end()
    if position - start > _MAX_TOKEN:
        raise AnswerError(
            _("{text} has too many digits: give the value with at most 15 digits.").format(text=quote(text))
        )
    integer = integer or "0"
    whole = not pointed and exponent == 0
    if whole:
        value: Number = int(integer)
    else:
        value = float(f"{integer}.{fraction or '0'}e{exponent}")
    places = max(min(exponent - len(fraction), 300), -300)
    return _Token("num", text[start:position], start, gap, value, 10.0**places, whole), position


def _three_digits(text: str, position: int) -> bool:
    block = text[position : position + 4]
    return len(block) >= 3 and block[:3].isdigit() and block[:3].isascii() and not block[3:].isdigit()


class _Parser:
    """Recursive descent over the tokens: sums, products, powers, parentheses, units."""

    def __init__(self, text: str, tokens: list[_Token], mode: _Mode) -> None:
        self.text = text
        self.tokens = tokens
        self.mode = mode
        self.index = 0
        self.notes: list[str] = []
        self.single_unit = _single_trailing_unit(tokens, mode)

    def done(self) -> bool:
        return self.index >= len(self.tokens)

    def peek(self, offset: int = 0) -> _Token | None:
        index = self.index + offset
        return self.tokens[index] if index < len(self.tokens) else None

    def previous_was_value(self) -> bool:
        """Nothing but a space between the value just read and the next one."""
        token = self.peek()
        return token is not None and token.gap and self.tokens[self.index - 1].kind in ("num", "op")

    def skip_words(self, *, leading: bool) -> None:
        """Words and punctuation around a value (`about`, `parameters`, a full stop)."""
        while (token := self.peek()) is not None and token.kind in ("word", "punct"):
            if token.kind == "word":
                if not self.mode.words:
                    raise AnswerError(_("{unit} is not a number: remove it.").format(unit=quote(token.text)))
                if leading and len(token.text) == 1 and token.text not in ("a", "A"):
                    raise AnswerError(
                        _("{text} is not a number: type it with digits, such as 12.5.").format(text=quote(self.text))
                    )
            self.index += 1

    def value(self) -> Reading:
        node = self.sum()
        if self.single_unit:
            factor = _unit_factor(self.single_unit, self.mode.unit, self.notes, self.text)
            node = _Node(node.value * factor, node.resolution * factor, node.literal)
        value = _checked(node.value, self.text)
        return Reading(value, (node.resolution if node.literal else 0.0,), tuple(self.notes))

    def sum(self) -> _Node:
        node = self.product()
        while (token := self.peek()) is not None and token.kind == "op" and token.text in "+-":
            self.index += 1
            right = self.product()
            value = node.value + right.value if token.text == "+" else node.value - right.value
            node = _Node(self._bounded(value))
        return node

    def product(self) -> _Node:
        node = self.signed()
        while (token := self.peek()) is not None and self._is_times(token):
            self.index += 1
            right = self.signed()
            if token.text == "/":
                if right.value == 0:
                    raise AnswerError(_("{text} divides by zero: check the calculation.").format(text=quote(self.text)))
                node = _Node(self._bounded(node.value / right.value))
            elif node.literal and right.power_of_ten is not None:
                # 9.034 × 10^5 is one number as typed (9.034e5, exactly): its resolution scales with it.
                value = float(Decimal(repr(node.value)).scaleb(right.power_of_ten))
                node = _Node(self._bounded(value), node.resolution * right.value, True)
            else:
                node = _Node(self._bounded(node.value * right.value))
        return node

    def _is_times(self, token: _Token) -> bool:
        if token.kind == "op":
            return token.text in "*/"
        following = self.peek(1)
        return (
            token.kind == "word"
            and token.text in _TIMES_WORDS
            and following is not None
            and (following.kind == "num" or following.text == "(")
        )

    def signed(self) -> _Node:
        token = self.peek()
        if token is not None and token.kind == "op" and token.text in "+-":
            self.index += 1
            node = self.signed()
            if token.text == "-":
                return _Node(-node.value, node.resolution, node.literal)
            return node
        return self.power()

    def power(self) -> _Node:
        base = self.atom()
        token = self.peek()
        if token is None or token.kind != "op" or token.text != "^":
            return base
        self.index += 1
        exponent = self.signed()
        if not float(exponent.value).is_integer():
            raise AnswerError(_("{text}: use a whole-number exponent, such as 10^5.").format(text=quote(self.text)))
        power = int(exponent.value)
        if abs(power) > MAX_EXPONENT:
            raise AnswerError(
                _("{text}: use an exponent between -{max} and {max}.").format(text=quote(self.text), max=MAX_EXPONENT)
            )
        if base.value == 0 and power < 0:
            raise AnswerError(_("{text} divides by zero: check the calculation.").format(text=quote(self.text)))
        if base.value and power * math.log10(abs(base.value)) > math.log10(_MAX_INTERMEDIATE):
            raise AnswerError(_("{text} is too large to be an answer: check the number.").format(text=quote(self.text)))
        value = base.value**power if power >= 0 else float(base.value) ** power
        ten = base.literal and base.value == 10 and base.resolution == 1
        return _Node(value, power_of_ten=power if ten else None)

    def atom(self) -> _Node:
        token = self.peek()
        if token is None:
            raise AnswerError(
                _("{text} is not a calculation that can be read: finish it or give its result.").format(
                    text=quote(self.text)
                )
            )
        if token.kind == "num":
            self.index += 1
            node = self._mixed_number(token) or _Node(token.value, token.resolution, True)
        elif token.kind == "op" and token.text == "(":
            self.index += 1
            node = self.sum()
            closing = self.peek()
            if closing is None or closing.kind != "op" or closing.text != ")":
                raise AnswerError(_("{text} has a bracket that is not closed: close it.").format(text=quote(self.text)))
            self.index += 1
            node = _Node(node.value, node.resolution, node.literal)
        else:
            raise AnswerError(
                _("{text} is not a calculation that can be read: use numbers with + − × / ^ between them.").format(
                    text=quote(self.text)
                )
            )
        return self._suffix(node)

    def _mixed_number(self, token: _Token) -> _Node | None:
        """3 7/9 is three and seven ninths."""
        numerator, slash, denominator = self.peek(), self.peek(1), self.peek(2)
        if not (
            token.whole
            and numerator is not None
            and numerator.kind == "num"
            and numerator.whole
            and numerator.gap
            and slash is not None
            and slash.text == "/"
            and denominator is not None
            and denominator.kind == "num"
            and denominator.whole
            and 0 < numerator.value < denominator.value
        ):
            return None
        after = self.peek(3)
        if after is not None and after.kind == "op" and after.text in "*/^":
            return None
        self.index += 3
        return _Node(token.value + numerator.value / denominator.value)

    def _suffix(self, node: _Node) -> _Node:
        """A unit (sizes) or a count suffix (903.4K) right after a number."""
        token = self.peek()
        if token is None or token.kind != "word" or self._is_times(token):
            return node
        if self.mode.unit:
            if token is self.single_unit:
                self.index += 1
                return node
            if units.unit_name(token.text) is None and not units.looks_like_unit(token.text):
                return node
            self.index += 1
            factor = _unit_factor(token, self.mode.unit, self.notes, self.text)
            return _Node(node.value * factor, node.resolution * factor, node.literal)
        if self.mode.counts:
            # `M` is a million, a lower-case `m` (a metre, a thousandth) never is.
            multiplier = _COUNT_SUFFIXES.get(token.text) or _COUNT_SUFFIXES.get(token.text.lower())
            if multiplier:
                self.index += 1
                return _Node(node.value * multiplier, node.resolution * multiplier, node.literal)
        return node

    def _bounded(self, value: Number) -> Number:
        if not abs(value) <= _MAX_INTERMEDIATE:
            raise AnswerError(_("{text} is too large to be an answer: check the number.").format(text=quote(self.text)))
        return value


def _single_trailing_unit(tokens: list[_Token], mode: _Mode) -> _Token | None:
    """In `6 + 3 + 3.6 MB` the one unit, written last, applies to the whole calculation."""
    if not mode.unit:
        return None
    found = [
        index
        for index, token in enumerate(tokens)
        if token.kind == "word" and index and tokens[index - 1].kind in ("num", "op") and _is_unit_word(token)
    ]
    if len(found) != 1:
        return None
    index = found[0]
    rest = tokens[index + 1 :]
    operators_before = any(token.kind == "op" and token.text not in "()" for token in tokens[:index])
    if not operators_before or any(token.kind in ("num", "op") for token in rest):
        return None
    return tokens[index]


def _is_unit_word(token: _Token) -> bool:
    return units.unit_name(token.text) is not None or units.looks_like_unit(token.text)


def _unit_factor(token: _Token, unit: str, notes: list[str], text: str) -> float:
    """How many of the part's unit one typed unit is; AnswerError for a unit that is not a byte unit."""
    typed = units.unit_name(token.text)
    if typed is None:
        raise AnswerError(
            _("{text} is not a size in bytes: use {known}, not {unit}.").format(
                text=quote(text), known=_(units.KNOWN), unit=quote(token.text)
            )
        )
    note = units.spelling_note(token.text)
    if note and note not in notes:
        notes.append(note)
    wanted = units.unit_name(unit)
    return 1.0 if typed == wanted else units.factor(typed, wanted)


def _checked(value: Number, text: str) -> Number:
    if value != value or abs(value) > MAX_MAGNITUDE:
        raise AnswerError(_("{text} is too large to be an answer: check the number.").format(text=quote(text)))
    return value


def _comma_error(text: str) -> AnswerError:
    return AnswerError(
        _("{text} mixes commas and points: use a decimal point for decimals, as in 1234.5.").format(text=quote(text))
    )


def _unreadable_number(text: str) -> AnswerError:
    return AnswerError(_("{text} has more than one decimal point: keep only one.").format(text=quote(text)))


def _unreadable(text: str, character: str) -> AnswerError:
    if character in "≈=~:":
        return AnswerError(
            _("{text}: give the value alone, without `{character}`.").format(text=quote(text), character=character)
        )
    if character == "…":
        return AnswerError(_("{text}: write out every value instead of `…`.").format(text=quote(text)))
    return AnswerError(
        _("{text}: remove `{character}`, which cannot be read in a number.").format(
            text=quote(text), character=character
        )
    )


# Vectors and matrices -------------------------------------------------------------------------


def parse_vector(text: str) -> list[Number]:
    """One list of values: `2, 2, 2`, `[2 2 2]`, `(2,2,2)`, `2 2 2`, `2;2;2`, `{2, 2, 2}`, one
    value per line, `tensor([...])`; decimal commas in lists separated by spaces or semicolons."""
    return read_vector(text).value


def parse_matrix(text: str) -> list[list[Number]]:
    """A table of values: `[[5,6],[10,9]]`, `5 6; 10 9`, one row per line, numpy's and
    PyTorch's printed forms, nested tuples, LaTeX's bmatrix."""
    return read_matrix(text).value


def read_vector(text: str) -> Reading:
    rows = _rows(prepare(text), vector=True)
    if len(rows) == 1:
        values, resolution = rows[0]
    elif all(len(row[0]) == 1 for row in rows):
        values = [row[0][0] for row in rows]
        resolution = [row[1][0] for row in rows]
    else:
        raise AnswerError(_("This answer is one list of values: put them all on one line, such as 1, 2, 3."))
    return Reading(values, tuple(resolution))


def read_matrix(text: str) -> Reading:
    rows = _rows(prepare(text), vector=False)
    width = len(rows[0][0])
    for number, (row, _resolution) in enumerate(rows[1:], start=2):
        if len(row) != width:
            raise AnswerError(
                _("Give every row the same number of values: row {number} has {values}, row 1 has {width}.").format(
                    number=number, values=_values(len(row)), width=width
                )
            )
    return Reading([row for row, _ in rows], tuple(r for _, resolution in rows for r in resolution))


def _table_text(text: str) -> str:
    """A pasted table made plain: LaTeX, printouts, a label before it, words and an
    explanation after it."""
    text = _unwrap_printout(_latex(text).strip())
    text = _without_explanation(_without_label(text))
    return _without_trailing_words(text)


def _without_label(text: str) -> str:
    """`y = [2, 2, 2]` → [2, 2, 2]; `Output: 2 2 2` → 2 2 2."""
    for index, character in enumerate(text[:200]):
        if character.isdigit() or character in "[(-+.":
            prefix = text[:index]
            cut = max(prefix.rfind("="), prefix.rfind(":"), prefix.rfind("≈"), prefix.rfind("~"))
            if cut >= 0:
                return text[cut + 1 :].strip()
            words = _LETTERS.findall(prefix)
            if words and all(len(word) > 1 for word in words) and not prefix.strip(" \t\n,.;" + "".join(words)):
                return text[index:]
            return text
    return text


def _without_trailing_words(text: str) -> str:
    """`[2, 2, 2] with valid padding` → [2, 2, 2]: words after the last value are not values."""
    last = len(text) - 1
    while last >= 0 and not (text[last].isdigit() or text[last] in "])⟩."):
        last -= 1
    if last < 0:
        return text
    tail = text[last + 1 :]
    words = _LETTERS.findall(tail)
    if words and all(len(word) > 1 for word in words) and not tail.strip(" \t\n,.;:!?" + "".join(words)):
        return text[: last + 1]
    return text


def _rows(text: str, *, vector: bool) -> list[tuple[list[Number], list[float]]]:
    """The values row by row (with their resolutions), from any of the accepted layouts."""
    text = _table_text(text)
    if _BRACKET.search(text):
        row_texts, separated = _bracketed_rows(text), False
    else:
        row_texts = [row for row in _ROW_BREAK.split(text) if row.strip()]
        separated = len(row_texts) > 1
    if vector and separated and all(_one_value(row.strip()) for row in row_texts):
        # One value per line or between semicolons: a comma in each is a decimal mark.
        return [_row_values([row.strip() for row in row_texts], _DECIMAL_COMMA_ELEMENT)]
    if _WHOLE_NUMBERS.fullmatch(text):
        whole = _whole_rows(row_texts)
        if whole is not None:
            return whole
    rows = []
    count = 0
    for row_text in row_texts:
        row_text = row_text.strip()
        if not row_text:
            continue
        items, mode = _row_items(row_text)
        rows.append(_row_values(items, mode, count))
        count += len(items)
    if not rows:
        raise AnswerError(_("Type the values, separated by commas or spaces."))
    return rows


def _whole_rows(row_texts: list[str]) -> list[tuple[list[Number], list[float]]] | None:
    """Rows of whole numbers separated by spaces (`5 6; 10 9`), read at once; None if
    anything in them needs the general reader (or a message)."""
    try:
        rows: list[list[Number]] = [[int(item) for item in row.split()] for row in row_texts]
    except ValueError:
        return None
    if not rows or sum(len(row) for row in rows) > MAX_ELEMENTS:
        return None
    if any(abs(v) > MAX_MAGNITUDE for row in rows for v in row):
        return None
    return [(row, [1.0] * len(row)) for row in rows]


def _row_values(items: list[str], mode: _Mode, count: int = 0) -> tuple[list[Number], list[float]]:
    """The values of one row and their resolutions; `count` values came before it."""
    if count + len(items) > MAX_ELEMENTS:
        raise AnswerError(_("Give at most {limit} values.").format(limit=f"{MAX_ELEMENTS:,}"))
    try:
        # Whole numbers are most of what is typed: a row of them is read at once.
        values: list[Number] = [int(item) for item in items]
    except ValueError:
        pass
    else:
        if all(len(item) <= 15 and _INTEGER.fullmatch(item) for item in items):
            return values, [1.0] * len(values)
    values, resolutions = [], []
    for item in items:
        if len(item) <= 15 and _INTEGER.fullmatch(item):
            values.append(int(item))
            resolutions.append(1.0)
        else:
            value, resolution = _element(item, mode)
            values.append(value)
            resolutions.append(resolution)
    return values, resolutions


def _one_value(row: str) -> bool:
    """A row that holds one value: a working (`34/9 = 3.78`), or no space in it and no
    comma but between two digits."""
    if _WORKING_MARK.search(row):
        return True
    if " " in row or "\t" in row:
        return False
    return "," not in row or not _SEPARATING_COMMA.search(row)


def _bracketed_rows(text: str) -> list[str]:
    """The innermost bracket groups are the rows (two levels at most); a single group may
    separate its rows with semicolons. Anything outside the groups must be a separator."""
    groups: list[str] = []
    stray: list[str] = []
    buffers: list[list[str]] = [[]]
    has_child = [False]
    last = 0
    for match in _BRACKET.finditer(text):
        buffers[-1].append(text[last : match.start()])
        last = match.end()
        if match.group() in "[(":
            if len(buffers) > 2:
                raise AnswerError(_("Use at most two levels of brackets, as in [[5, 6], [10, 9]]."))
            has_child[-1] = True
            buffers.append([])
            has_child.append(False)
        else:
            if len(buffers) == 1:
                raise AnswerError(_("Remove the closing bracket that has no opening bracket."))
            content = "".join(buffers.pop())
            (stray if has_child.pop() else groups).append(content)
    if len(buffers) > 1:
        raise AnswerError(_("Close every bracket you open."))
    stray.append("".join(buffers[0]) + text[last:])
    if not all(_SEPARATORS_ONLY.fullmatch(piece) for piece in stray):
        raise AnswerError(_("Put every row in brackets, or none: some values are outside them."))
    if any(not group.strip() for group in groups):
        raise AnswerError(_("Put values in every pair of brackets."))
    if len(groups) == 1:
        return groups[0].split(";")
    return groups


def _row_items(row: str) -> tuple[list[str], _Mode]:
    """A row's values and how to read them. Values are separated by commas, or by spaces;
    a comma between two digits is a decimal mark only in a row separated by spaces."""
    row = row.strip()
    if "," not in row:
        return [item for item in row.split() if item.lower() not in _AND_WORDS], _ELEMENT
    tight = _TIGHT_COMMA.search(row) is not None
    spaced = _SPACED_COMMA.search(row) is not None or row.endswith(",")
    # `3,78, 1,22`: a comma between digits beside commas followed by a space is either.
    if tight and spaced:
        raise AnswerError(
            _("{text} is ambiguous: use a decimal point for decimals (3.78) and commas only between values.").format(
                text=quote(row)
            )
        )
    pieces = row.split()
    if tight and len(pieces) > 1:
        return [item for item in pieces if item.lower() not in _AND_WORDS], _DECIMAL_COMMA_ELEMENT
    pieces = row.split(",")
    if not pieces[-1].strip():
        pieces.pop()
    if not _AND_WORD.search(row):
        return [piece.strip() for piece in pieces], _ELEMENT
    items = []
    for piece in pieces:
        words = piece.split()
        if not any(word.lower() in _AND_WORDS for word in words):
            items.append(piece.strip())
            continue
        # `2, 2 and 2`, `2, 2, and 2`: "and" separates values too.
        group: list[str] = []
        for word in [*words, "and"]:
            if word.lower() not in _AND_WORDS:
                group.append(word)
            elif group:
                items.append(" ".join(group))
                group = []
    return items, _ELEMENT


_ELEMENT = _Mode(commas="none", space_groups=False, words=False)
_DECIMAL_COMMA_ELEMENT = _Mode(commas="decimal", space_groups=False, words=False)


def _element(item: str, mode: _Mode) -> tuple[Number, float]:
    """One value of a row and the resolution it was typed with."""
    item = item.strip()
    if not item:
        raise AnswerError(_("Put a value between every two commas."))
    if "..." in item:
        raise AnswerError(_("Write out every value instead of `…`."))
    if item in ("+", "-", "*", "/"):
        raise AnswerError(
            _("Remove the lone `{item}` between values, or write a negative number as -2, without a space.").format(
                item=item
            )
        )
    plain = item.replace(",", ".", 1) if mode.commas == "decimal" else item
    if len(plain) <= 30 and _SIMPLE_NUMBER.fullmatch(plain):
        item = plain
        mantissa, _e, exponent = item.lower().partition("e")
        decimals = len(mantissa.partition(".")[2])
        if "." not in mantissa and not exponent:
            return int(item), 1.0
        value = _checked(float(item), item)
        return value, 10.0 ** max(min(int(exponent or 0) - decimals, 300), -300)
    reading = _scalar_reading(item, mode)
    return reading.value, reading.resolution[0]


# Sizes (height × width) ------------------------------------------------------------------------


_DIMS_SEPARATORS = ("x", "X", "by", "*", ",", ";", "-")


def parse_dims(text: str) -> list[int]:
    """Sizes such as a kernel's: `7x7`, `7×7`, `7 x 7`, `7, 7`, `(7, 7)`, `[7 7]`, `7-by-7`,
    `kernel_size=(7, 7)`, `7×7 kernel`, `7 × 7 (the whole feature map)`."""
    text = prepare(text)
    if len(text) > _MAX_DIMS_LENGTH:
        raise AnswerError(_("Write only the sizes, height × width, such as 7×7."))
    shown = text
    text = _without_trailing_words(_without_explanation(_without_label(_latex(text))))
    if _closing_group(text) == 0:
        text = text[1:-1]
    pieces = _DIMS_PIECE.findall(text)
    sizes: list[int] = []
    words_after = False
    expecting_size = True
    for index, piece in enumerate(pieces):
        previous = pieces[index - 1] if index else ""
        if piece[0].isdigit():
            if words_after:
                raise _not_a_size(shown)
            if "." in piece:
                raise AnswerError(_("{text}: give whole-number sizes, such as 7×7.").format(text=quote(shown)))
            if len(piece) > 7:
                raise AnswerError(_("{text} is too large to be a size: check the numbers.").format(text=quote(shown)))
            sizes.append(int(piece))
            expecting_size = False
        elif piece in _DIMS_SEPARATORS:
            # One separator between two sizes; `7-by-7` joins three, and none may come first.
            joined = expecting_size and {previous, piece} == {"-", "by"}
            if not sizes or words_after or (expecting_size and not joined):
                raise _not_a_size(shown)
            expecting_size = True
        elif piece.isalpha() and len(piece) > 1 or piece in ("a", "A"):
            # Words before the sizes (`a`, `kernel size`) or after them (`kernel`) are not sizes.
            if sizes:
                words_after = True
        else:
            raise _not_a_size(shown)
    if not sizes:
        if pieces:
            raise _not_a_size(shown)
        raise AnswerError(_("Give the sizes, height × width, such as 7×7."))
    if expecting_size:
        raise _not_a_size(shown)
    if len(sizes) > _MAX_DIMS:
        raise AnswerError(_("{text} has too many sizes: give height × width, such as 7×7.").format(text=quote(shown)))
    return sizes


_MAX_SHAPE = 8
# A tensor's shape printed by a library: torch.Size([32, 3]), TensorShape([32, 3]).
_SHAPE_PRINTOUT = re.compile(r"^[A-Za-z_][\w.]*\s*(?=[(\[])")
_SHAPE_PIECES = re.compile(r"[\s,;×*xX]+")
_WHOLE = re.compile(r"[0-9]+")


def parse_shape(text: str) -> list[int]:
    """A tensor's shape, its sizes in order: `(32, 3, 224, 224)`, `32×3×224×224`, `[32 3 224 224]`,
    `torch.Size([32, 3, 224, 224])`, `(N, C, H, W) = (32, 3, 224, 224)`."""
    text = prepare(text)
    if len(text) > _MAX_DIMS_LENGTH:
        raise AnswerError("Write only the sizes of the shape, such as (32, 3, 224, 224).")
    shown = text
    text = _SHAPE_PRINTOUT.sub("", text.rpartition("=")[2].strip())
    pieces = [piece for piece in _SHAPE_PIECES.split(text.translate(_NO_BRACKETS)) if piece]
    if not pieces:
        raise AnswerError("Give the shape's sizes in order, such as (32, 3, 224, 224).")
    for piece in pieces:
        if not _WHOLE.fullmatch(piece):
            if _WHOLE.fullmatch(piece.replace(".", "", 1)):
                raise AnswerError(f"{quote(shown)}: give whole-number sizes, such as (32, 3, 224, 224).")
            raise AnswerError(f"{quote(shown)} is not a shape: write its sizes in order, such as (32, 3, 224, 224).")
        if len(piece) > 7:
            raise AnswerError(f"{quote(shown)} is too large to be a shape: check the numbers.")
    if len(pieces) > _MAX_SHAPE:
        raise AnswerError(f"{quote(shown)} has more than {_MAX_SHAPE} sizes: check the shape.")
    return [int(piece) for piece in pieces]


_NO_BRACKETS = str.maketrans("[]()", "    ")


def _not_a_size(text: str) -> AnswerError:
    return AnswerError(_("{text} is not a size: write height × width, such as 7×7.").format(text=quote(text)))


# Choices and the dispatcher --------------------------------------------------------------------


def parse_choice(text: str, choices: tuple[ChoiceSpec, ...]) -> str:
    """The key of the choice named by its key or its label, in any case."""
    wanted = fold(prepare(text))
    for choice in choices:
        if wanted in (fold(choice.key), fold(choice.label)):
            return choice.key
    labels = ", ".join(f"“{choice.label}”" for choice in choices)
    raise AnswerError(
        _("{text} is not one of the choices: pick one of {choices}.").format(text=quote(text), choices=labels)
    )


def parse_selection(text: str, choices: tuple[ChoiceSpec, ...]) -> tuple[str, ...]:
    """The keys of the choices picked, each named by its key or its label and separated by commas
    or semicolons (as the page sends them: `a, c`), in the choices' order."""
    named = {parse_choice(item, choices) for item in re.split(r"[,;]", prepare(text)) if item.strip()}
    if not named:
        raise AnswerError("Pick at least one of the choices.")
    return tuple(choice.key for choice in choices if choice.key in named)


def fold(text: str) -> str:
    """Lower-case, single-spaced, without surrounding quotes or a final full stop."""
    return _WHITESPACE.sub(" ", text.casefold()).strip(" \"'`“”‘’.!")


def _values(count: int) -> str:
    return ngettext("{count} value", "{count} values", count).format(count=count)
