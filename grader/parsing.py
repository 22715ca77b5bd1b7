"""Reading what students type: numbers, sizes in bytes, vectors, matrices, sizes like 7×7, choices.

Every reader raises AnswerError, whose message is shown to the student as is, and nothing
else, whatever the text. Arithmetic is evaluated by walking its `ast` (never `eval`),
with + − × / and parentheses only and bounded sizes.
"""

import ast
import operator
import re
import unicodedata
from itertools import pairwise

from grader import units
from grader.spec import ChoiceSpec, PartSpec

Number = int | float

MAX_LENGTH = 20_000
MAX_ELEMENTS = 10_000
MAX_MAGNITUDE = 1e15
_MAX_TOKEN = 60
_MAX_OPERATORS = 100
# Intermediate results may exceed MAX_MAGNITUDE (a product later divided), within reason.
_MAX_INTERMEDIATE = 1e30


class AnswerError(ValueError):
    """An answer that cannot be read; the message is written for the student."""


# Look-alike characters students paste from documents and notebooks.
_LOOKALIKES = str.maketrans(
    {
        "\u2212": "-",
        "\u2013": "-",
        "\u2012": "-",
        "\ufe63": "-",
        "×": "*",
        "·": "*",
        "⋅": "*",
        "÷": "/",
        "\u2044": "/",
    }
)

_NUMBER = r"(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?"
# Thousands grouping: exact three-digit groups, one separator throughout (903,400 / 903 400 / 903_400).
_GROUPED = r"[0-9]{1,3}(?P<sep>[, _])[0-9]{3}(?:(?P=sep)[0-9]{3})*(?![0-9])(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?"
_SCALAR_TOKEN = re.compile(rf"\s*(?:(?P<num>{_GROUPED}|{_NUMBER})|(?P<op>[-+*/()]))")
_ELEMENT_TOKEN = re.compile(rf"\s*(?:(?P<num>{_NUMBER})|(?P<op>[-+*/()]))")
_PLAIN = re.compile(rf"[-+]?{_NUMBER}")
# Whole numbers short enough to stay below MAX_MAGNITUDE: the common case, read directly.
_INTEGER = re.compile(r"[-+]?[0-9]{1,15}")
_UNIT_SUFFIX = re.compile(r"([A-Za-z]+)\s*$")
_APPROXIMATELY = re.compile(r"^(?:=|≈|~)\s*")
_BRACKET = re.compile(r"[\[\]()]")
_ROW_BREAK = re.compile(r"[;\n]")
_SEPARATORS_ONLY = re.compile(r"[\s,;]*")
_NUMPY_ARRAY = re.compile(r"array\((.*?)(?:,\s*dtype=[\w.]+)?\)", re.DOTALL)
_DIMS_BRACKETS = re.compile(r"[\[(]\s*(.*?)\s*[\])]", re.DOTALL)
_DIMS_SPLIT = re.compile(r"\s*(?:[x*,;]|by)\s*|\s+", re.IGNORECASE)
_DIGITS = re.compile(r"[0-9]+")
_WHITESPACE = re.compile(r"\s+")

_OPERATOR_TOKENS = frozenset("+-*/()")
_OPERATORS = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv}


def prepare(text: str) -> str:
    """Apply the limits and fold look-alike characters; the stripped text."""
    if len(text) > MAX_LENGTH:
        raise AnswerError(f"Your answer is longer than {MAX_LENGTH:,} characters; shorten it.")
    if "\x00" in text:
        raise AnswerError("Your answer contains a NUL character; retype it.")
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text).translate(_LOOKALIKES)
        if len(text) > MAX_LENGTH:
            raise AnswerError(f"Your answer is longer than {MAX_LENGTH:,} characters; shorten it.")
    return text.strip()


def quote(text: str) -> str:
    """The student's text in backticks for a message, shortened and on one line."""
    shown = " ".join("".join(ch if ch.isprintable() else " " for ch in text[:80]).split())
    if len(text) > 40:
        shown = shown[:37] + "…"
    return f"`{shown}`"


def parse_number(text: str) -> Number:
    """A number, fraction or + − × / calculation; commas and spaces only group thousands."""
    text = _APPROXIMATELY.sub("", prepare(text))
    if not text:
        raise AnswerError("No number given.")
    return _checked(_evaluate_text(text, _SCALAR_TOKEN), text)


def parse_quantity(text: str, unit: str) -> float:
    """A size in bytes, read in the part's `unit` when no unit is typed (`mb` is a megabyte)."""
    text = _APPROXIMATELY.sub("", prepare(text))
    if not text:
        raise AnswerError("No number given.")
    wanted = units.unit_name(unit)
    typed = wanted
    number_text = text
    suffix = _UNIT_SUFFIX.search(text)
    if suffix:
        typed = units.unit_name(suffix.group(1))
        if typed is None:
            raise AnswerError(f"{quote(text)} is not a size in bytes; use {units.KNOWN}.")
        number_text = text[: suffix.start()].strip()
    if not number_text:
        raise AnswerError(f"{quote(text)} has no number before the unit.")
    value = _checked(_evaluate_text(number_text, _SCALAR_TOKEN), number_text)
    return value if typed == wanted else value * units.factor(typed, wanted)


def parse_vector(text: str) -> list[Number]:
    """One list of values: `2, 2, 2`, `[2 2 2]`, `(2,2,2)`, `2 2 2`, or one value per line."""
    rows = _rows(prepare(text))
    if len(rows) == 1:
        return rows[0]
    if all(len(row) == 1 for row in rows):
        return [row[0] for row in rows]
    raise AnswerError("This answer is a single list of values, not a table; put them on one line.")


def parse_matrix(text: str) -> list[list[Number]]:
    """A table of values: `[[5,6],[10,9]]`, `5 6; 10 9`, one row per line, numpy's printed form."""
    rows = _rows(prepare(text))
    width = len(rows[0])
    for number, row in enumerate(rows[1:], start=2):
        if len(row) != width:
            raise AnswerError(f"The rows differ in length: row {number} has {_values(len(row))}, row 1 has {width}.")
    return rows


def parse_dims(text: str) -> list[int]:
    """Sizes such as a kernel's: `7x7`, `7×7`, `7 x 7`, `7, 7`, `(7, 7)`, `[7 7]`."""
    text = prepare(text)
    bracketed = _DIMS_BRACKETS.fullmatch(text)
    inner = bracketed.group(1) if bracketed else text
    if not inner:
        raise AnswerError("No sizes given; write them like 7×7.")
    pieces = _DIMS_SPLIT.split(inner)
    if len(pieces) > 4:
        raise AnswerError(f"{quote(text)} has too many sizes; write height × width, like 7×7.")
    sizes = []
    for piece in pieces:
        if _DIGITS.fullmatch(piece):
            if len(piece) > 7:
                raise AnswerError(f"{quote(text)} is too large to be a sensible answer.")
            sizes.append(int(piece))
        elif _PLAIN.fullmatch(piece):
            raise AnswerError(f"{quote(text)}: sizes are whole numbers, like 7×7.")
        else:
            raise AnswerError(f"{quote(text)} is not a size; write height × width, like 7×7.")
    return sizes


def parse_choice(text: str, choices: tuple[ChoiceSpec, ...]) -> str:
    """The key of the choice named by its key or its label, in any case."""
    wanted = fold(prepare(text))
    for choice in choices:
        if wanted in (fold(choice.key), fold(choice.label)):
            return choice.key
    labels = ", ".join(f"“{choice.label}”" for choice in choices)
    raise AnswerError(f"{quote(text)} is not one of the choices: {labels}.")


def fold(text: str) -> str:
    """Lower-case, single-spaced, without surrounding quotes or a final full stop."""
    return _WHITESPACE.sub(" ", text.casefold()).strip(" \"'`“”‘’.!")


def read(spec: PartSpec, text: str):
    """The value a part's answer stands for, in the part's own unit; AnswerError if unreadable."""
    kind = spec.kind
    if kind == "quantity":
        return parse_quantity(text, spec.unit)
    if kind in ("integer", "number"):
        return parse_number(text)
    if kind == "vector":
        return parse_vector(text)
    if kind == "matrix":
        return parse_matrix(text)
    if kind == "dims":
        return parse_dims(text)
    if kind == "choice":
        return parse_choice(text, spec.choices)
    return prepare(text)


def _rows(text: str) -> list[list[Number]]:
    """The values row by row, from any of the accepted layouts."""
    numpy_array = _NUMPY_ARRAY.fullmatch(text)
    if numpy_array:
        text = numpy_array.group(1).strip()
    row_texts = _bracketed_rows(text) if _BRACKET.search(text) else _ROW_BREAK.split(text)
    rows = []
    count = 0
    for row_text in row_texts:
        if not row_text.strip():
            continue
        row = _row_values(row_text)
        count += len(row)
        if count > MAX_ELEMENTS:
            raise AnswerError(f"Your answer has more than {MAX_ELEMENTS:,} values.")
        rows.append(row)
    if not rows:
        raise AnswerError("No values given.")
    return rows


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
                raise AnswerError("Too many brackets: use at most two levels, like [[5, 6], [10, 9]].")
            has_child[-1] = True
            buffers.append([])
            has_child.append(False)
        else:
            if len(buffers) == 1:
                raise AnswerError("A closing bracket has no opening bracket.")
            content = "".join(buffers.pop())
            (stray if has_child.pop() else groups).append(content)
    if len(buffers) > 1:
        raise AnswerError("A bracket is not closed.")
    stray.append("".join(buffers[0]) + text[last:])
    if not all(_SEPARATORS_ONLY.fullmatch(piece) for piece in stray):
        raise AnswerError("Some values are outside the brackets; put every row in brackets, or none.")
    if any(not group.strip() for group in groups):
        raise AnswerError("Empty brackets: every row needs values.")
    if len(groups) == 1:
        return groups[0].split(";")
    return groups


def _row_values(row: str) -> list[Number]:
    if "," in row:
        items = row.split(",")
        if not items[-1].strip():
            items.pop()
    else:
        items = row.split()
    return [_element(item) for item in items]


def _element(item: str) -> Number:
    item = item.strip()
    if not item:
        raise AnswerError("Two commas with no value between them.")
    if item in _OPERATOR_TOKENS:
        raise AnswerError(f"A lone `{item}` between values; write a negative number as -2, without a space.")
    if _INTEGER.fullmatch(item):
        return int(item)
    if len(item) <= _MAX_TOKEN and _PLAIN.fullmatch(item):
        return _checked(float(item), item)
    return _checked(_evaluate_text(item, _ELEMENT_TOKEN), item)


def _checked(value: Number, text: str) -> Number:
    if value != value or abs(value) > MAX_MAGNITUDE:
        raise AnswerError(f"{quote(text)} is too large to be a sensible answer.")
    return value


def _evaluate_text(text: str, token_pattern: re.Pattern) -> Number:
    """Tokenise (numbers, + - * / and parentheses), then evaluate the expression's `ast`."""
    pieces: list[str] = []
    operators = 0
    previous_was_number = False
    position = 0
    end = len(text)
    while position < end:
        match = token_pattern.match(text, position)
        if match is None:
            if not text[position:].strip():
                break
            raise _unreadable(text, text[position:].lstrip()[0])
        position = match.end()
        number = match.group("num")
        if number is None:
            operators += 1
            if operators > _MAX_OPERATORS:
                raise AnswerError("That calculation is too long; give the result.")
            pieces.append(match.group("op"))
            previous_was_number = False
            continue
        if previous_was_number:
            raise AnswerError(
                f"{quote(text)}: two numbers with nothing between them; a space only groups "
                "thousands (903 400) and values in a list are separated by commas or spaces."
            )
        previous_was_number = True
        pieces.append(_literal(number, text))
    if len(pieces) == 1 and pieces[0] not in _OPERATOR_TOKENS:
        return _literal_value(pieces[0])
    if len(pieces) == 2 and pieces[0] in ("+", "-") and pieces[1] not in _OPERATOR_TOKENS:
        value = _literal_value(pieces[1])
        return -value if pieces[0] == "-" else value
    if "*" in pieces and any(a == b == "*" for a, b in pairwise(pieces)):
        raise AnswerError("Powers are not allowed; write 9.034e5, or multiply it out.")
    try:
        tree = ast.parse(" ".join(pieces), mode="eval")
    except SyntaxError:
        raise AnswerError(f"{quote(text)} is not a calculation that can be read.") from None
    return _evaluate(tree.body, text)


def _literal(token: str, text: str) -> str:
    """A number token as a Python literal, thousands separators removed."""
    if len(token) > _MAX_TOKEN:
        raise AnswerError(f"{quote(text)} has too many digits.")
    digits = token.replace(",", "").replace(" ", "").replace("_", "")
    if any(c in digits for c in ".eE"):
        value = float(digits)
        if abs(value) > _MAX_INTERMEDIATE:
            raise AnswerError(f"{quote(text)} is too large to be a sensible answer.")
        return repr(value)
    return str(int(digits))


def _literal_value(literal: str) -> Number:
    return float(literal) if "." in literal or "e" in literal else int(literal)


def _evaluate(node: ast.expr, text: str) -> Number:
    if isinstance(node, ast.Constant) and type(node.value) in (int, float):
        return node.value
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        value = _evaluate(node.operand, text)
        return -value if isinstance(node.op, ast.USub) else value
    if isinstance(node, ast.BinOp) and type(node.op) in _OPERATORS:
        left = _evaluate(node.left, text)
        right = _evaluate(node.right, text)
        if isinstance(node.op, ast.Div) and right == 0:
            raise AnswerError(f"{quote(text)} divides by zero.")
        result = _OPERATORS[type(node.op)](left, right)
        if not abs(result) <= _MAX_INTERMEDIATE:
            raise AnswerError(f"{quote(text)} is too large to be a sensible answer.")
        return result
    raise AnswerError(f"{quote(text)}: only numbers, + − × / and parentheses are allowed.")


def _unreadable(text: str, character: str) -> AnswerError:
    if character == ",":
        return AnswerError(
            f"{quote(text)}: use a decimal point for decimals (12.6); a comma only groups thousands (903,400)."
        )
    if character == "^":
        return AnswerError("Powers are not allowed; write 9.034e5, or multiply it out.")
    if character.isalpha():
        return AnswerError(f"{quote(text)} is not a number.")
    return AnswerError(f"{quote(text)}: `{character}` cannot be read here; use digits, a decimal point and + − × /.")


def _values(count: int) -> str:
    return f"{count} value" if count == 1 else f"{count} values"
