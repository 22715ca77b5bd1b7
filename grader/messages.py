"""The grader's words for people (feedback, hints, parser messages) in the reader's language.

The catalog is the grader's own: Python's stdlib gettext over
grader/locale/<language>/LC_MESSAGES/grader.mo, so the grader stays free of Django and carries
its translations wherever it goes. The language is a context variable set by the caller with
`use_language` (quiz sets it per request); without one, or for a language without a catalog,
the English source text is used.
"""

from __future__ import annotations

import gettext as stdlib_gettext
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from pathlib import Path

LOCALE_DIR = Path(__file__).parent / "locale"
DOMAIN = "grader"

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


@contextmanager
def use_language(language: str) -> Iterator[None]:
    """Grade, hint and explain in `language` (a code such as "de" or "de-at") inside the block."""
    token = _language.set(language.replace("-", "_").lower())
    try:
        yield
    finally:
        _language.reset(token)
