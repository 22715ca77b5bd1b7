"""Byte units: the only units an answer may carry.

Units are read case-insensitively, so `mb` is a megabyte here (pint alone would read it
as a millibarn); pint supplies the conversion factors.
"""

from functools import lru_cache

import pint

from grader.messages import gettext, gettext_noop

_REGISTRY: pint.UnitRegistry = pint.UnitRegistry()

# Lower-cased spelling -> pint unit name.
_SPELLINGS = {
    "b": "byte",
    "byte": "byte",
    "bytes": "byte",
    "kb": "kilobyte",
    "kilobyte": "kilobyte",
    "kilobytes": "kilobyte",
    "mb": "megabyte",
    "megabyte": "megabyte",
    "megabytes": "megabyte",
    "gb": "gigabyte",
    "gigabyte": "gigabyte",
    "gigabytes": "gigabyte",
    "kib": "kibibyte",
    "mib": "mebibyte",
    "gib": "gibibyte",
    "kbyte": "kilobyte",
    "kbytes": "kilobyte",
    "mbyte": "megabyte",
    "mbytes": "megabyte",
    "gbyte": "gigabyte",
    "gbytes": "gigabyte",
}

# A prefix alone stands for bytes in a size (`12.6 M`); case matters: `m` is a metre or a thousandth.
_PREFIXES_ALONE = {"k": "kilobyte", "K": "kilobyte", "M": "megabyte", "G": "gigabyte"}

# Spellings read without comment: the symbols (in any case) and the word byte.
_STANDARD = {"b", "byte", "bytes", "kb", "mb", "gb", "kib", "mib", "gib"}

# Short words that follow a number in a sentence without being a unit (`12.6 of RAM`).
_NOT_UNITS = {"of", "in", "is", "or", "and", "the", "for", "per", "to", "at", "as", "so", "ram", "are", "was", "with"}

SYMBOLS = {
    "byte": "B",
    "kilobyte": "kB",
    "megabyte": "MB",
    "gigabyte": "GB",
    "kibibyte": "KiB",
    "mebibyte": "MiB",
    "gibibyte": "GiB",
}

KNOWN = gettext_noop("B, kB, MB, GB, KiB, MiB or GiB")


@lru_cache(maxsize=1024)
def unit_name(text: str) -> str | None:
    """The pint name of a byte unit as typed (any case; a prefix alone in its own case), or
    None if it is not one."""
    text = text.strip()
    return _SPELLINGS.get(text.lower()) or _PREFIXES_ALONE.get(text)


def spelling_note(text: str) -> str | None:
    """For a byte unit written in an unusual way (`MBytes`, `megabytes`, `M`), a note naming
    its symbol; None for the usual symbols."""
    text = text.strip()
    name = unit_name(text)
    if text.lower() in _STANDARD or name is None:
        return None
    return gettext("The unit is written {symbol}.").format(symbol=SYMBOLS[name])


def looks_like_unit(text: str) -> bool:
    """A word in a unit's place that is meant as one (`kg`, `TB`, `Mbit`, `e`), so that it is
    refused by name rather than ignored like a word of a sentence."""
    lowered = text.lower()
    if lowered in _NOT_UNITS:
        return False
    return len(text) <= 4 or "byte" in lowered or "bit" in lowered


def symbol(text: str) -> str:
    """The conventional symbol of a byte unit (`mb` -> `MB`)."""
    name = unit_name(text)
    if name is None:
        raise ValueError(f"{text!r} is not a byte unit")
    return SYMBOLS[name]


@lru_cache(maxsize=64)
def factor(from_unit: str, to_unit: str) -> float:
    """How many `to_unit` make one `from_unit` (both pint names); cached, pint is slow."""
    return float(_REGISTRY.Quantity(1, from_unit).to(to_unit).magnitude)
