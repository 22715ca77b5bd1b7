"""The grader's words in the reader's language: its own catalog, chosen per call, English by default."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

import grader
from grader.calculators import compute
from grader.kinds import kind_info
from grader.messages import current_language, gettext, use_language
from grader.parsing import AnswerError, read_number
from grader.scoring import grade_part
from grader.spec import PartSpec
from tests.catalogs import CATALOGS, read_mo, read_po

GRADER = Path(grader.__file__).resolve().parent
MARKERS = {"_", "gettext", "gettext_noop", "ngettext"}


def _marked_strings() -> set[str]:
    """Every literal the grader's modules pass to its catalog (the singular and plural of ngettext)."""
    found = set()
    for path in GRADER.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in MARKERS:
                found |= {
                    arg.value for arg in node.args if isinstance(arg, ast.Constant) and isinstance(arg.value, str)
                }
    return found


def test_english_is_the_source_text_outside_any_language():
    assert current_language() == "en"
    with pytest.raises(AnswerError, match="is not a number: type it with digits"):
        read_number("twelve")


def test_german_parser_messages_inside_use_language():
    with use_language("de"), pytest.raises(AnswerError) as error:
        read_number("twelve")
    assert str(error.value).endswith("ist keine Zahl: Schreiben Sie sie mit Ziffern, etwa 12,5.")
    assert current_language() == "en", "the language is restored after the block"


def test_a_regional_code_finds_the_language_catalog():
    with use_language("de-AT"):
        assert gettext("Correct.") == "Richtig."


def test_a_language_without_a_catalog_falls_back_to_english():
    with use_language("fr"):
        assert gettext("Correct.") == "Correct."


def test_hints_follow_the_language_with_the_parts_unit():
    quantity = kind_info("quantity")
    assert quantity.hint_for("MB").startswith("A number in MB")
    with use_language("de"):
        assert quantity.hint_for("MB").startswith("Eine Zahl in MB")
    assert kind_info("choice").hint_for("") == ""


def test_feedback_is_written_in_the_language_of_the_grading():
    spec = PartSpec(key="a", kind="integer", output="parameters")
    computation = compute(
        "conv_stack",
        {
            "input_height": 32,
            "input_width": 32,
            "input_channels": 3,
            "kernel_size": 3,
            "stride": 1,
            "padding": "same",
            "filters": [8],
            "bytes_per_value": 4,
            "batch_size": 2,
        },
    )
    right = str(computation.outputs["parameters"])
    assert grade_part(spec, computation, right).feedback == "Correct."
    with use_language("de"):
        assert grade_part(spec, computation, right).feedback == "Richtig."
        assert grade_part(spec, computation, "").feedback == "Keine Antwort."


def test_one_shared_computation_explains_itself_in_each_language():
    computation = compute("conv1d", {"sequence": [1, 2, 3, 4], "kernel": [1, 0], "stride": 1})
    english = computation.working["valid"][0]
    with use_language("de"):
        german = computation.working["valid"][0]
    assert english.startswith("Output length:")
    assert german.startswith("Ausgabelänge:")
    assert computation.working["valid"][0] == english


def test_every_string_the_grader_marks_has_a_german_translation():
    entries = {entry.msgid: entry for entry in read_po(CATALOGS["grader"])}
    marked = _marked_strings()
    assert len(marked) > 80
    missing = sorted(marked - entries.keys() - {entry.plural for entry in entries.values()})
    assert not missing, f"not in grader.po (run the commands in README.md, Translations): {missing}"
    untranslated = [entry.msgid for entry in entries.values() if entry.fuzzy or not all(entry.translations)]
    assert not untranslated


def test_a_problem_keeps_the_bank_files_name_of_its_field_in_every_translation():
    # The admin finds the field at fault by the name a part's problem begins with (`mistakes[0].credit: …`).
    field = re.compile(r"^[a-z_{}\[\].]+: ")
    named = [entry for entry in read_po(CATALOGS["grader"]) if field.match(entry.msgid)]
    assert len(named) > 50
    for entry in named:
        prefix = field.match(entry.msgid)[0]
        assert all(translation.startswith(prefix) for translation in entry.translations), entry.msgid


def test_the_compiled_grader_catalog_matches_its_source():
    compiled = read_mo(CATALOGS["grader"])
    for entry in read_po(CATALOGS["grader"]):
        if entry.plural is None:
            assert compiled.gettext(entry.msgid) == entry.translations[0], entry.msgid
        else:
            assert compiled.ngettext(entry.msgid, entry.plural, 1) == entry.translations[0], entry.msgid
            assert compiled.ngettext(entry.msgid, entry.plural, 2) == entry.translations[1], entry.msgid
