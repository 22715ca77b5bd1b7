"""The histogram and the rubric highlights: pure functions, escaped output, no inline styles."""

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from grader.rubric import words
from grader.spec import ConceptSpec
from quiz.markup import (
    _word_spans,
    concept_checklist,
    highlight_concepts,
    histogram_counts,
    histogram_svg,
    phrase_spans,
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


def test_found_phrases_are_marked_where_the_grader_matches_them():
    html = highlight_concepts("Skip-connections make very deep nets trainable.", RUBRIC, ["skip", "deep"])
    assert html == (
        '<mark class="concept-found">Skip-connections</mark> make '
        '<mark class="concept-found">very deep</mark> nets trainable.'
    )


def test_phrases_of_missed_concepts_are_not_marked():
    html = highlight_concepts("It uses batch norm.", RUBRIC, ["skip"])
    assert "<mark" not in html


def test_the_answer_is_escaped_before_anything_is_marked():
    html = highlight_concepts('<script>alert("residual")</script> & residual', RUBRIC, ["skip"])
    assert "<script>" not in html
    assert "&lt;script&gt;alert(&quot;" in html
    assert html.endswith('&amp; <mark class="concept-found">residual</mark>')


def test_matching_follows_the_graders_folding_of_case_and_plurals():
    assert phrase_spans("SKIP CONNECTIONS, then more", ["skip connection"]) == [(0, 16)]


def test_a_phrase_across_a_line_break_is_one_mark():
    text = "very\ndeep"
    assert phrase_spans(text, ["very deep"]) == [(0, 9)]


def test_overlapping_matches_merge_into_one_mark():
    assert phrase_spans("residual skip connection", ["residual skip", "skip connection"]) == [(0, 24)]


@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=60) | st.from_regex(r"[A-Za-z '`,.-]{0,40}"))
def test_the_marked_words_are_exactly_the_words_the_grader_reads(text):
    assert [word for word, _, _ in _word_spans(text)] == words(text)


def test_a_token_beyond_ascii_is_marked_whole():
    assert phrase_spans("kernel 7×7, then", ["7x7"]) == [(7, 11)]


def test_a_phrase_is_not_found_inside_a_longer_word():
    assert phrase_spans("the deepest network", ["deep"]) == []


def test_the_checklist_keeps_rubric_order_and_marks_each_concept():
    marks = concept_checklist(RUBRIC, ["bn", "skip"])
    assert [(mark.concept.key, mark.found) for mark in marks] == [("skip", True), ("deep", False), ("bn", True)]
    assert marks[1].concept.label == "very deep networks"
