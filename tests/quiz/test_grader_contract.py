"""The seam between quiz and the grader: quiz uses only what `grader/__init__.py` exports,
and stores the grader's kinds and statuses under the same values."""

import ast
from pathlib import Path

import pytest

import grader
from quiz.models import AnswerKind, ResponseStatus

QUIZ = Path(__file__).resolve().parents[2] / "quiz"


def grader_uses(source: str) -> list[str]:
    """Every use of the grader in a module's source: `grader` for the package itself, a
    dotted name for a submodule imported, `grader:NAME` for a name taken from it."""
    uses = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            uses += [alias.name for alias in node.names if alias.name.split(".")[0] == "grader"]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module.split(".")[0] == "grader":
            if node.module == "grader":
                uses += [f"grader:{alias.name}" for alias in node.names]
            else:
                uses.append(node.module)
        elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "grader":
            uses.append(f"grader:{node.attr}")
    return uses


def not_exported(uses: list[str]) -> list[str]:
    return [use for use in uses if use != "grader" and use.removeprefix("grader:") not in grader.__all__]


@pytest.mark.parametrize(
    ("source", "refused"),
    [
        ("import grader\ngrader.grade_part", []),
        ("from grader import PartSpec", []),
        ("import grader.scoring", ["grader.scoring"]),
        ("from grader.parsing import read", ["grader.parsing"]),
        ("import grader\ngrader.scoring.CORRECT", ["grader:scoring"]),
        ("from grader import units", ["grader:units"]),
    ],
)
def test_a_use_of_anything_the_grader_does_not_export_is_found(source, refused):
    assert not_exported(grader_uses(source)) == refused


def test_quiz_uses_nothing_of_the_grader_but_its_exports():
    modules = sorted(QUIZ.rglob("*.py"))
    assert len(modules) > 20
    refused = {
        str(path.relative_to(QUIZ)): found
        for path in modules
        if (found := not_exported(grader_uses(path.read_text(encoding="utf-8"))))
    }
    assert refused == {}


def test_every_export_of_the_grader_exists():
    assert all(hasattr(grader, name) for name in grader.__all__)


def test_the_stored_answer_kinds_are_the_graders():
    assert sorted(AnswerKind.values) == sorted(grader.AnswerKind)


def test_the_stored_statuses_are_the_graders():
    assert sorted(ResponseStatus.values) == sorted(grader.Status)


@pytest.mark.parametrize(
    ("credit", "status"),
    [(1.0, ResponseStatus.CORRECT), (0.5, ResponseStatus.PARTIAL), (0.0, ResponseStatus.INCORRECT)],
)
def test_the_status_a_credit_earns_is_the_graders_rule(credit, status):
    assert ResponseStatus.for_credit(credit) == grader.Status.for_credit(credit) == status


@pytest.mark.parametrize("kind", list(grader.AnswerKind))
def test_every_answer_kind_has_an_input_template(kind):
    template = QUIZ.parent / "templates" / "student" / "parts" / f"_{grader.kind_info(kind).input}.html"
    assert template.is_file()
