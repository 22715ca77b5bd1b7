"""Safe markup built from data: the score histogram and rubric highlights on teacher pages.

Both are pure functions returning escaped markup, so a student's answer or a quiz title
can never inject HTML, and neither needs an inline style (the CSP forbids them):
colours come from CSS classes.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

import grader
from grader import ConceptSpec

HISTOGRAM_BINS = 10


def histogram_counts(percentages: Iterable[float], bins: int = HISTOGRAM_BINS) -> list[int]:
    """How many scores fall in each equal band of 0–100 %; 100 % counts in the top band."""
    counts = [0] * bins
    for value in percentages:
        clamped = min(max(float(value), 0.0), 100.0)
        counts[min(int(clamped * bins // 100), bins - 1)] += 1
    return counts


def histogram_svg(percentages: Sequence[float], *, element_id: str, bins: int = HISTOGRAM_BINS) -> SafeString:
    """A bar chart of scores in percent, with a title and a description that screen readers read."""
    counts = histogram_counts(percentages, bins)
    width, height, axis = 200, 80, 14
    bar_width = width / bins
    tallest = max(counts) or 1
    band = 100 / bins
    bars, ranges = [], []
    for index, count in enumerate(counts):
        low, high = round(index * band), round((index + 1) * band)
        label = f"{low}–{high} %: {count}"
        ranges.append(label)
        if count:
            bar_height = (height - axis) * count / tallest
            bars.append(
                f'<rect class="histogram-bar" x="{index * bar_width + 1:.1f}" y="{height - axis - bar_height:.1f}" '
                f'width="{bar_width - 2:.1f}" height="{bar_height:.1f}"><title>{escape(label)}</title></rect>'
            )
    description = f"{len(percentages)} scores. " + "; ".join(ranges) + "."
    return mark_safe(
        f'<svg class="histogram" viewBox="0 0 {width} {height}" role="img" '
        f'aria-labelledby="{escape(element_id)}-title {escape(element_id)}-desc" xmlns="http://www.w3.org/2000/svg">'
        f'<title id="{escape(element_id)}-title">Score distribution</title>'
        f'<desc id="{escape(element_id)}-desc">{escape(description)}</desc>'
        f'<line class="histogram-axis" x1="0" y1="{height - axis}" x2="{width}" y2="{height - axis}"/>'
        + "".join(bars)
        + f'<text class="histogram-label" x="0" y="{height - 2}">0 %</text>'
        f'<text class="histogram-label" x="{width / 2}" y="{height - 2}" text-anchor="middle">50 %</text>'
        f'<text class="histogram-label" x="{width}" y="{height - 2}" text-anchor="end">100 %</text>'
        "</svg>"
    )


@dataclass(frozen=True)
class ConceptMark:
    concept: ConceptSpec
    found: bool


def concept_checklist(rubric: Iterable[ConceptSpec], found_keys: Iterable[str]) -> list[ConceptMark]:
    """Each rubric concept (a part spec's rubric), in rubric order, marked found or missed."""
    found = set(found_keys)
    return [ConceptMark(concept, concept.key in found) for concept in rubric]


def highlight_spans(text: str, spans: Iterable[tuple[int, int, Sequence[str]]]) -> SafeString:
    """The answer, escaped, with each span (start, end, concept keys) the grader located
    wrapped in <mark>; spans are in order and do not overlap."""
    pieces, position = [], 0
    for start, end, keys in spans:
        pieces.append(escape(text[position:start]))
        pieces.append(
            f'<mark class="concept-found" data-concepts="{escape(" ".join(keys))}">{escape(text[start:end])}</mark>'
        )
        position = end
    pieces.append(escape(text[position:]))
    return mark_safe("".join(pieces))


def highlight_concepts(text: str, rubric: Iterable[ConceptSpec], found_keys: Iterable[str]) -> SafeString:
    """The answer with the places where the grader found the given concepts marked.

    The places come from the grader itself (`grader.concept_spans`), so a highlight is
    always what the suggestion was built on, never a second reading of the answer.
    """
    return highlight_spans(text, grader.concept_spans(tuple(rubric), text, list(found_keys)))
