"""JSON a question can hold, read from text typed in the admin: never a value that breaks later.

Refused, each with its own message: nesting deeper than MAX_DEPTH (checked before parsing,
which would otherwise recurse until it fails), numbers beyond MAX_NUMBER (no quantity in a
question comes near, and a huge integer's digits cannot even be read), NaN and infinities
(JSON has none; PostgreSQL refuses them), and strings or keys holding a NUL or a lone
surrogate (neither can be stored).
"""

import json
import math

from django.utils.translation import gettext_lazy

MAX_DEPTH = 32
MAX_NUMBER = 1e18
MESSAGES = {
    "too_deep": gettext_lazy("this is nested more than %(depth)s levels deep; no question needs that"),
    "huge_number": gettext_lazy("this holds a number beyond ±%(number)s"),
    "not_a_number": gettext_lazy("this holds NaN or an infinity, which JSON cannot store"),
    "bad_character": gettext_lazy("this holds a NUL character or a lone surrogate in a string"),
}


class UnstorableJSON(json.JSONDecodeError):
    """Valid JSON that a question cannot hold; `code` says why."""

    def __init__(self, code: str):
        super().__init__(code, "", 0)
        self.code = code


def _number(text: str) -> int | float:
    # Counted before converting: Python refuses to read an integer of more than 4,300 digits.
    if len(text.lstrip("-").partition(".")[0].partition("e")[0].partition("E")[0]) > 19:
        raise UnstorableJSON("huge_number")
    value = float(text) if any(mark in text for mark in ".eE") else int(text)
    if not math.isfinite(value):
        raise UnstorableJSON("not_a_number")
    if abs(value) > MAX_NUMBER:
        raise UnstorableJSON("huge_number")
    return value


def _constant(text: str):
    raise UnstorableJSON("not_a_number")


class StrictJSONDecoder(json.JSONDecoder):
    """Refuses NaN, infinities and numbers beyond MAX_NUMBER while parsing."""

    def __init__(self, **kwargs):
        super().__init__(**{**kwargs, "parse_int": _number, "parse_float": _number, "parse_constant": _constant})


def problem_message(code: str) -> str:
    return str(MESSAGES[code]) % {"depth": MAX_DEPTH, "number": f"{MAX_NUMBER:g}"}


def json_problem(text: str) -> str | None:
    """Why this JSON text cannot be stored (a key of MESSAGES), or None; text that is no JSON
    at all is left to the caller."""
    if _depth(text) > MAX_DEPTH:
        return "too_deep"
    try:
        parsed = json.loads(text, cls=StrictJSONDecoder)
    except UnstorableJSON as refusal:
        return refusal.code
    except json.JSONDecodeError:
        return None
    return None if storable(parsed) else "bad_character"


def _depth(text: str) -> int:
    """How deeply the brackets of a JSON text nest, strings skipped: one pass, no parsing."""
    depth = deepest = 0
    in_string = escaped = False
    for character in text:
        if in_string:
            if escaped:
                escaped = False
            elif character == "\\":
                escaped = True
            elif character == '"':
                in_string = False
        elif character == '"':
            in_string = True
        elif character in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif character in "]}":
            depth -= 1
    return deepest


def storable(value) -> bool:
    """No string or key holds a NUL or a lone surrogate (the depth is already bounded)."""
    if isinstance(value, str):
        return "\x00" not in value and not any("\ud800" <= character <= "\udfff" for character in value)
    if isinstance(value, dict):
        return all(storable(key) and storable(item) for key, item in value.items())
    if isinstance(value, list):
        return all(storable(item) for item in value)
    return True


