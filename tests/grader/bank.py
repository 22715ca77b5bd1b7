"""The shipped question bank, read once, and its parts as specs."""

from functools import cache
from pathlib import Path

import yaml

from grader import Computation, PartSpec, compute

BANK_FILE = Path(__file__).resolve().parents[2] / "quiz" / "data" / "cnn-fundamentals.yaml"


@cache
def questions() -> dict[str, dict]:
    data = yaml.safe_load(BANK_FILE.read_text(encoding="utf-8"))
    return {question["key"]: question for question in data["questions"]}


def part_data(question: str, part: str) -> dict:
    return next(item for item in questions()[question]["parts"] if item["key"] == part)


def spec(question: str, part: str) -> PartSpec:
    return PartSpec.from_dict(part_data(question, part))


def seed_computation(question: str) -> Computation | None:
    data = questions()[question]
    return compute(data["calculator"], data["params"]) if data.get("calculator") else None
