"""Suggestions by phrases alone never touch the model; a teacher's rubric items score by the same rule."""

import pytest

from grader import FLAG_PHRASES_ONLY, ConceptSpec, grade_part, grade_question, meaning, rubric, score_items
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


def test_a_whole_question_graded_as_a_submit_grades_it_never_asks_the_model(model_refused):
    verdicts = grade_question("", {}, [spec("q6", "a"), spec("q6", "b")], {"b": "Skip connections."}, by_meaning=False)
    assert FLAG_PHRASES_ONLY in verdicts["b"].flags
    assert verdicts["a"].status == "unanswered"


def test_an_answer_without_statements_needs_no_model_and_is_not_flagged(model_refused):
    verdict = grade_part(spec("q6", "b"), None, "...", by_meaning=False)
    assert FLAG_PHRASES_ONLY not in verdict.flags


RUBRIC = (
    ConceptSpec("skip", "skip connections", ("skip connection",)),
    ConceptSpec("deep", "very deep", ("very deep",)),
    ConceptSpec("bn", "batch normalization", ("batch norm",), points=0.5, bonus=True),
)


@pytest.mark.parametrize(
    ("awarded", "score"),
    [((), 0.0), (("skip",), 0.5), (("skip", "deep"), 1.0), (("skip", "bn"), 0.75), (("bn",), 0.0),
     (("skip", "deep", "bn"), 1.0)],
)
def test_a_teachers_items_score_by_the_suggestions_rule(awarded, score):
    assert score_items(RUBRIC, awarded) == pytest.approx(score)
