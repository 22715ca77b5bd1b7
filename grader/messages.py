"""The grader's words for people (feedback, hints, parser messages) in the reader's language.

The catalog is the grader's own: Python's stdlib gettext over
grader/locale/<language>/LC_MESSAGES/grader.mo, so the grader stays free of Django and carries
its translations wherever it goes. The language is a context variable set by the caller with
`use_language` (quiz sets it per request); without one, or for a language without a catalog,
the English source text is used.
"""

from __future__ import annotations

import gettext as stdlib_gettext
import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from pathlib import Path

LOCALE_DIR = Path(__file__).parent / "locale"
DOMAIN = "grader"
DECIMAL_COMMA = frozenset({"de"})
"""Languages that write 12,6 for 12.6 (and so cannot group thousands with a comma)."""
THOUSANDS_GAP = "\u202f"
"""A narrow no-break space: groups thousands in every language, and the parser reads it."""

_GROUPED = re.compile(r"(?<![\d.,])\d{1,3}(?:,\d{3})+(?![\d,])")
_DECIMAL = re.compile(r"(?<![\d.])\d+\.\d+(?![\d.])")

_language: ContextVar[str] = ContextVar("grader_language", default="en")


@cache
def _catalog(language: str) -> stdlib_gettext.NullTranslations:
    return stdlib_gettext.translation(DOMAIN, LOCALE_DIR, languages=[language], fallback=True)


def current_language() -> str:
    """The language set by `use_language` ("en" outside any)."""
    return _language.get()


def gettext(message: str) -> str:
    """`message` in the current language (the English source when it has no translation)."""
    return _catalog(_language.get()).gettext(message)


def ngettext(singular: str, plural: str, count: int) -> str:
    """The singular or plural form for `count`, in the current language."""
    return _catalog(_language.get()).ngettext(singular, plural, count)


def gettext_noop(message: str) -> str:
    """Marks `message` for the catalog where it is defined; `gettext` translates it where it is shown."""
    return message


def localize_numbers(text: str) -> str:
    """Numbers the grader wrote (903,400 and 12.6) as the current language writes them for reading:
    903 400 and 12,6 in German. A decimal in a comma-separated list keeps its point, which is the
    only way such a list reads unambiguously (and the parser reads the result either way)."""
    if _language.get().split("_")[0] not in DECIMAL_COMMA:
        return text
    text = _GROUPED.sub(lambda match: match.group().replace(",", THOUSANDS_GAP), text)

    def decimal_comma(match: re.Match) -> str:
        before, after = text[max(match.start() - 2, 0) : match.start()], text[match.end() : match.end() + 1]
        in_list = before.endswith(",") or before == ", " or after == ","
        return match.group() if in_list else match.group().replace(".", ",")

    return _DECIMAL.sub(decimal_comma, text)


@contextmanager
def use_language(language: str) -> Iterator[None]:
    """Grade, hint and explain in `language` (a code such as "de" or "de-at") inside the block."""
    token = _language.set(language.replace("-", "_").lower())
    try:
        yield
    finally:
        _language.reset(token)
