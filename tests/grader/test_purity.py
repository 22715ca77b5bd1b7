"""The grader is a pure library: importing any of it loads neither Django nor quiz, and the
linter refuses an import of either inside it (grader/ruff.toml)."""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
RUFF = Path(sys.executable).parent / "ruff"

IMPORT_EVERY_MODULE = """
import importlib, pkgutil, sys
import grader
for module in pkgutil.walk_packages(grader.__path__, "grader."):
    importlib.import_module(module.name)
print(sorted(name for name in sys.modules if name.split(".")[0] in ("django", "quiz")))
"""


def test_importing_every_grader_module_loads_neither_django_nor_quiz():
    result = subprocess.run(
        [sys.executable, "-c", IMPORT_EVERY_MODULE], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


def ruff(path: str, source: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(RUFF), "check", "--no-cache", "--select", "TID251", "--stdin-filename", path, "-"],
        cwd=ROOT,
        input=source,
        capture_output=True,
        text=True,
    )


@pytest.mark.parametrize(
    "source",
    ["import django\n", "from django.db import models\n", "import quiz.models\n", "from quiz import services\n"],
)
def test_the_linter_refuses_the_grader_importing_django_or_quiz(source):
    refused = ruff("grader/scoring.py", source)
    assert refused.returncode == 1
    assert "TID251" in refused.stdout
    assert ruff("quiz/services.py", source).returncode == 0, "the rule is the grader's alone"
