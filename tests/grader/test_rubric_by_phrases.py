"""A suggestion asked for by phrases alone never touches the model (what a submit asks for)."""

import pytest

from grader import FLAG_PHRASES_ONLY, grade_part, meaning, rubric
from tests.grader.bank import spec


@pytest.fixture
def model_refused(monkeypatch):
    def refuse(texts):
        raise AssertionError("the model was asked for")

    monkeypatch.setattr(meaning, "embed", refuse)
    rubric.suggest.cache_clear()
    yield
    rubric.suggest.cache_clear()


@pytest.mark.parametrize(
    ("text", "score"),
    [
        ("Skip connections let very deep networks train.", 1.0),
        ("The output of a block is added to its input, so the layers only learn what to change.", 0.0),
    ],
)
def test_a_suggestion_by_phrases_never_asks_the_model_and_says_so(model_refused, text, score):
    verdict = grade_part(spec("q6", "b"), None, text, by_meaning=False)
    assert verdict.score == pytest.approx(score)
    assert FLAG_PHRASES_ONLY in verdict.flags


def test_an_answer_without_statements_needs_no_model_and_is_not_flagged(model_refused):
    verdict = grade_part(spec("q6", "b"), None, "...", by_meaning=False)
    assert FLAG_PHRASES_ONLY not in verdict.flags
