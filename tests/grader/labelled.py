"""The labelled written answers (tests/data/written_answers.yaml) and how far the suggestions are from them."""

import statistics
import zlib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from grader import grade_part
from tests.grader.bank import spec

ANSWERS_FILE = Path(__file__).resolve().parents[1] / "data" / "written_answers.yaml"
FAR_OFF = 0.5
"""A suggestion this far from the teacher's score or farther is a wrong suggestion."""


@dataclass(frozen=True)
class LabelledAnswer:
    id: str
    part: str
    kind: str
    score: float
    text: str

    @property
    def second_round(self) -> bool:
        """Written after the rubric and thresholds were fixed (see the file's comments)."""
        return "-r2-" in self.id

    @property
    def held_out(self) -> bool:
        """Never used for tuning: a third of the first round (by a hash of the id) and the second round."""
        return self.second_round or zlib.crc32(self.id.encode()) % 3 == 0

    def suggest(self):
        question, part = self.part[:-1], self.part[-1]
        return grade_part(spec(question, part), None, self.text)


@cache
def labelled_answers() -> tuple[LabelledAnswer, ...]:
    data = yaml.safe_load(ANSWERS_FILE.read_text(encoding="utf-8"))
    return tuple(LabelledAnswer(**item) for item in data["answers"])


@dataclass(frozen=True)
class Agreement:
    """How close suggestions are to the teacher's scores."""

    count: int
    mean_absolute_error: float
    far_off_share: float
    """The share of suggestions FAR_OFF or more from the teacher's score."""


def agreement(pairs: list[tuple[float, float]]) -> Agreement:
    """From (teacher's score, suggestion) pairs."""
    errors = [abs(teacher - suggested) for teacher, suggested in pairs]
    far = sum(error >= FAR_OFF - 1e-9 for error in errors)
    return Agreement(len(errors), statistics.fmean(errors), far / len(errors))
