"""The histogram and the rubric highlights: pure functions, escaped output, no inline styles."""

import re

import pytest

import grader
from grader import ConceptSpec
from quiz.markup import (
    FLAG_WORDS,
    concept_checklist,
    flag_notes,
    highlight_spans,
    highlight_suggestion,
    histogram_counts,
    histogram_svg,
    stored_spans,
)

RUBRIC = (
    ConceptSpec("skip", "skip connections", ("skip connection", "residual")),
    ConceptSpec("deep", "very deep networks", ("very deep", "152")),
    ConceptSpec("bn", "batch normalization", ("batch norm",)),
)


@pytest.mark.parametrize(
    ("scores", "counts"),
    [
        ([], [0] * 10),
        ([0, 9.99, 10], [2, 1, 0, 0, 0, 0, 0, 0, 0, 0]),
        ([100, 99.5, 90], [0] * 9 + [3]),
        ([-5, 130], [1] + [0] * 8 + [1]),
        ([55, 55.5, 59.999], [0] * 5 + [3] + [0] * 4),
    ],
)
def test_histogram_counts_each_score_in_one_band(scores, counts):
    assert histogram_counts(scores) == counts


def test_histogram_draws_one_bar_per_nonempty_band_with_a_text_alternative():
    svg = histogram_svg([10, 15, 95], element_id="quiz-3")
    assert svg.count("<rect") == 2
    assert 'role="img"' in svg
    assert 'aria-labelledby="quiz-3-title quiz-3-desc"' in svg
    assert '<desc id="quiz-3-desc">3 scores. 0–10 %: 0; 10–20 %: 2;' in svg
    assert "90–100 %: 1." in svg


def test_histogram_uses_no_inline_style_the_csp_would_block():
    svg = histogram_svg([50] * 4, element_id="h")
    assert "style" not in svg
    assert re.search(r'class="histogram-bar"', svg)


def test_the_tallest_bar_fills_the_plot_height():
    svg = histogram_svg([5, 5, 55], element_id="h")
    heights = sorted(float(value) for value in re.findall(r'<rect[^>]* height="([\d.]+)"', svg))
    assert heights == pytest.approx([33.0, 66.0])


def test_histogram_of_no_scores_has_no_bars():
    svg = histogram_svg([], element_id="h")
    assert "<rect" not in svg
    assert "0 scores." in svg


def test_histogram_escapes_its_element_id():
    assert '"><script>' not in histogram_svg([1], element_id='"><script>')


def test_the_answer_is_escaped_before_anything_is_marked():
    text = '<script>alert("residual")</script> & residual'
    html = highlight_spans(text, [(len(text) - 8, len(text), ("skip",))])
    assert "<script>" not in html
    assert "&lt;script&gt;alert(&quot;" in html
    assert html.endswith('&amp; <mark class="concept-found" data-concepts="skip">residual</mark>')


def test_spans_are_rendered_as_given_with_every_concept_they_hold():
    html = highlight_spans("residual skip connection", [(0, 24, ("skip", "deep"))])
    assert html == '<mark class="concept-found" data-concepts="skip deep">residual skip connection</mark>'
    assert highlight_spans("no marks", []) == "no marks"


def test_the_checklist_keeps_rubric_order_and_marks_each_concept():
    marks = concept_checklist(RUBRIC, ["bn", "skip"])
    assert [(mark.concept.key, mark.found) for mark in marks] == [("skip", True), ("deep", False), ("bn", True)]
    assert marks[1].concept.label == "very deep networks"


# --- A stored suggestion's reasons --------------------------------------------------------------------


def stored(key, *, found=True, spans=(), found_by="phrase", confidence=0.95, negated=False) -> dict:
    return {"key": key, "found": found, "credit": 1.0 if found else 0.0, "spans": [list(s) for s in spans],
            "confidence": confidence, "found_by": found_by if found else "", "negated": negated}


def test_stored_spans_are_merged_where_concepts_overlap_and_skip_concepts_not_found():
    results = [
        stored("skip", spans=[(0, 8), (30, 40)]),
        stored("deep", spans=[(5, 14)], found_by="meaning"),
        stored("bn", found=False, spans=[(20, 25)]),
    ]
    assert stored_spans(results) == [(0, 14, ("skip", "deep")), (30, 40, ("skip",))]


def test_a_stored_suggestion_is_highlighted_as_stored_without_reading_the_answer_again(monkeypatch):
    monkeypatch.setattr("grader.rubric.suggest", lambda *args, **kwargs: pytest.fail("the answer was read again"))
    text = "It is very deep."
    html = highlight_suggestion(text, [stored("deep", spans=[(6, 15)], found_by="meaning")])
    assert html == 'It is <mark class="concept-found" data-concepts="deep">very deep</mark>.'


def test_an_answer_without_stored_places_is_shown_unmarked():
    assert highlight_suggestion("Skip connections <b>", []) == "Skip connections &lt;b&gt;"


def test_the_checklist_says_how_and_how_surely_each_concept_was_decided():
    results = [
        stored("skip", spans=[(0, 4)]),
        stored("deep", found_by="meaning", spans=[(5, 9)], confidence=0.62),
        stored("bn", found=False, confidence=0.75, negated=True),
    ]
    marks = concept_checklist(RUBRIC, ["skip", "deep"], results)
    assert [mark.how for mark in marks] == [
        "found by one of its phrases, sure (95%)",
        "found by meaning, unsure (62%)",
        "stated negated or reversed, so not counted, fairly sure (75%)",
    ]
    assert concept_checklist(RUBRIC, ["skip"])[0].how == ""


def test_every_flag_the_grader_raises_has_plain_words():
    flags = [getattr(grader, name) for name in dir(grader) if name.startswith("FLAG_")]
    assert sorted(FLAG_WORDS) == sorted(flags)
    assert flag_notes(["keyword_list", "off_topic"]) == [FLAG_WORDS["keyword_list"], FLAG_WORDS["off_topic"]]
