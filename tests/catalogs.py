"""Reading the shipped translation catalogs without gettext's tools: the .po files as written,
the compiled .mo files as Python's gettext loads them."""

from __future__ import annotations

import ast
import gettext
import re
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CATALOGS = {
    "django": ROOT / "locale" / "de" / "LC_MESSAGES" / "django.po",
    "djangojs": ROOT / "locale" / "de" / "LC_MESSAGES" / "djangojs.po",
    "grader": ROOT / "grader" / "locale" / "de" / "LC_MESSAGES" / "grader.po",
    "libraries": ROOT / "locale" / "libraries" / "de" / "LC_MESSAGES" / "django.po",
}
"""The German catalogs: the pages, the scripts, the grader, and other packages' strings (django-lti's, and those
Django's own German lacks)."""

_LINE = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?) (".*")$')


@dataclass(frozen=True)
class Entry:
    msgid: str
    plural: str | None
    translations: tuple[str, ...]
    references: tuple[str, ...]
    fuzzy: bool


def read_po(path: Path) -> list[Entry]:
    """The entries of a .po file (the header left out)."""
    entries = []
    for block in path.read_text(encoding="utf-8").strip().split("\n\n"):
        fields: dict[str, str] = {}
        references: list[str] = []
        fuzzy = False
        current = None
        for line in block.splitlines():
            if line.startswith("#:"):
                references += line[2:].split()
            elif line.startswith("#,"):
                fuzzy = fuzzy or "fuzzy" in line
            elif line.startswith("#"):
                continue
            elif match := _LINE.match(line):
                current = match.group(1)
                fields[current] = ast.literal_eval(match.group(2))
            elif line.startswith('"') and current:
                fields[current] += ast.literal_eval(line)
        if fields.get("msgid"):
            translations = tuple(value for key, value in sorted(fields.items()) if key.startswith("msgstr"))
            entries.append(Entry(fields["msgid"], fields.get("msgid_plural"), translations, tuple(references), fuzzy))
    return entries


def read_mo(po_path: Path) -> gettext.GNUTranslations:
    """The compiled catalog next to a .po file, as gettext (and Django) load it."""
    with po_path.with_suffix(".mo").open("rb") as file:
        return gettext.GNUTranslations(file)
