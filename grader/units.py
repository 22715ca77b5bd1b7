"""Byte units: the only units an answer may carry.

Units are read case-insensitively, so `mb` is a megabyte here (pint alone would read it
as a millibarn); pint supplies the conversion factors.
"""

from functools import lru_cache

import pint

_REGISTRY = pint.UnitRegistry()

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
}

SYMBOLS = {
    "byte": "B",
    "kilobyte": "kB",
    "megabyte": "MB",
    "gigabyte": "GB",
    "kibibyte": "KiB",
    "mebibyte": "MiB",
    "gibibyte": "GiB",
}

KNOWN = "B, kB, MB, GB, KiB, MiB or GiB"


def unit_name(text: str) -> str | None:
    """The pint name of a byte unit as typed (any case), or None if it is not one."""
    return _SPELLINGS.get(text.strip().lower())


def symbol(text: str) -> str:
    """The conventional symbol of a byte unit (`mb` -> `MB`)."""
    return SYMBOLS[_SPELLINGS[text.strip().lower()]]


@lru_cache(maxsize=64)
def factor(from_unit: str, to_unit: str) -> float:
    """How many `to_unit` make one `from_unit` (both pint names); cached, pint is slow."""
    return float(_REGISTRY.Quantity(1, from_unit).to(to_unit).magnitude)
