"""docs/authoring.md's worked example of a new question loads, shows and grades as the page says."""

import io
import json
import re
import textwrap
from pathlib import Path

import pytest
import yaml
from django.core.management import call_command
from django.core.management.base import CommandError

DOC = Path(__file__).resolve().parents[2] / "docs" / "authoring.md"


@pytest.fixture
def example(tmp_path) -> Path:
    step = DOC.read_text(encoding="utf-8").split("8. **Put it in a bank file and load it.**")[1]
    block = re.search(r"```yaml\n(.*?)```", step, re.DOTALL).group(1)
    path = tmp_path / "separable.yaml"
    path.write_text(textwrap.dedent(block), encoding="utf-8")
    return path


def run(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_the_example_loads_shows_a_variant_and_grades(db, example):
    assert run("load_question_bank", str(example)) == "created quiz separable: 1 questions, 1 parts\n"
    shown = run("show_question", "q1", "--quiz", "separable", "--seed", "7")
    assert "depthwise = k × k × c_in + c_in" in shown
    graded = [
        json.loads(line) for line in run("grade_answer", "q1", "a", "2432", "18496", "--quiz", "separable").splitlines()
    ]
    assert [(verdict["status"], verdict["mistake"]) for verdict in graded] == [
        ("correct", None),
        ("incorrect", "standard"),
    ]


def test_the_failing_formula_of_the_example_is_refused_as_shown(db, example):
    data = yaml.safe_load(example.read_text(encoding="utf-8"))
    data["questions"][0]["formulas"]["ratio"] = "c_out // (k - 3)"
    example.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(CommandError) as refusal:
        run("load_question_bank", str(example))
    shown = re.search(r"CommandError: quiz/data/separable\.yaml: (.*)", DOC.read_text(encoding="utf-8")).group(1)
    assert str(refusal.value) == f"{example}: {shown}"
