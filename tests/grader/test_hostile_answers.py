"""The longest, most repetitive answers a student can send are read in linear time.

The regular expressions that used to read answers backtracked: 2,002 characters to a
size part kept a worker busy for 8.7 s and 20,000 for about 30 s, and a 20,000-character
size in bytes took 2.5–5 s. Every such answer below is graded here under a generous hang
guard, never a timing assertion; bench/parsing.py measures the time against its 50 ms
target (docs/benchmarks.md).
"""

import pytest

from bench.parsing import LENGTH, hostile_answers, hostile_parts
from grader import AnswerKind, ConceptSpec, PartSpec, grade_part

ANSWERS = hostile_answers()
# Every kind the parsing benchmark times, and a written part, whose suggestion reads the text too.
PARTS = {
    **hostile_parts(),
    "text": (PartSpec(key="b", kind="text", rubric=(ConceptSpec("skip", "skip connections", ("skip",)),)), None),
}
STATUSES = {"correct", "partial", "incorrect", "invalid", "needs_review"}


def test_the_hostile_answers_are_as_long_as_an_answer_may_be():
    assert len(ANSWERS) > 60
    assert {len(text) for text in ANSWERS.values()} == {LENGTH}
    assert set(PARTS) == {*AnswerKind, "significant figures"}


@pytest.mark.timeout(5)
@pytest.mark.parametrize("kind", list(PARTS))
@pytest.mark.parametrize("name", list(ANSWERS))
def test_every_kind_grades_every_hostile_answer_without_hanging(kind, name):
    spec, computation = PARTS[kind]
    text = ANSWERS[name]
    verdict = grade_part(spec, computation, text, by_meaning=False)  # as a submit grades it
    assert verdict.status in (STATUSES if text.strip() else {"unanswered"})
    assert verdict.feedback


@pytest.mark.timeout(5)
@pytest.mark.parametrize("name", list(ANSWERS))
def test_the_old_backtracking_shapes_are_refused_with_a_message(name):
    spec, computation = PARTS["dims"]
    text = ANSWERS[name]
    verdict = grade_part(spec, computation, text)
    assert verdict.status == ("invalid" if text.strip() else "unanswered")
    assert verdict.feedback.endswith(".")
