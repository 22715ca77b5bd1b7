"""Filling a question's prompt template with its parameters and derived values."""

import re
from typing import Any

from grader import formatting
from grader.calculators import Computation

# `{name}` only: no attribute or index access, and `{{name}}` stays as written.
_PLACEHOLDER = re.compile(r"(?<!\{)\{([A-Za-z_][A-Za-z0-9_]*)\}(?!\})")


def render_prompt(template: str, params: dict, computation: Computation | None) -> str:
    """Replace each `{name}` by the parameter or derived value of that name; anything else,
    unknown names included, is left as written, so a template never fails to render."""
    if not isinstance(template, str):
        return ""
    values = dict(computation.prompt_values) if computation is not None else {}
    if isinstance(params, dict):
        for name, value in params.items():
            text = _plain(value)
            if text is not None:
                values[name] = text
    return _PLACEHOLDER.sub(lambda match: values.get(match.group(1), match.group(0)), template)


def _plain(value: Any) -> str | None:
    """A scalar as plain text, a list of scalars comma-separated; None for anything else."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return formatting.plain(value) if value == value and abs(value) != float("inf") else None
    if isinstance(value, list) and value and not any(isinstance(v, list) for v in value):
        texts = [_plain(v) for v in value]
        return None if None in texts else ", ".join(text for text in texts if text is not None)
    return None
