"""What grading says about one answer: the verdict every answer kind returns."""

from dataclasses import asdict, dataclass
from typing import Any

from grader import rubric
from grader.spec import Status


@dataclass(frozen=True)
class Verdict:
    """What grading says about one answer. `score` is the credit in [0, 1]; for a free-text
    part it is the rubric's suggestion, to be confirmed by a teacher."""

    score: float
    status: Status
    mistake: str | None
    feedback: str
    expected: str
    concepts_found: tuple[str, ...] = ()
    concepts_missed: tuple[str, ...] = ()
    concepts: tuple[rubric.ConceptResult, ...] = ()
    """For free text: every rubric concept's decision, with where it was found and how surely."""
    confidence: float | None = None
    """For free text: how sure the suggestion is (its least sure decision), from 0.5 to 1."""
    flags: tuple[str, ...] = ()
    """For free text: what the teacher should look at (rubric.FLAG_*)."""

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["concepts_found"] = list(self.concepts_found)
        data["concepts_missed"] = list(self.concepts_missed)
        data["concepts"] = [result.as_dict() for result in self.concepts]
        data["flags"] = list(self.flags)
        return data
