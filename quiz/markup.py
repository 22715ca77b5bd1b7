"""Safe markup built from data: the score histogram and rubric highlights on teacher pages.

Both are pure functions returning escaped markup, so a student's answer or a quiz title
can never inject HTML, and neither needs an inline style (the CSP forbids them):
colours come from CSS classes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from grader.rubric import words as rubric_words
from grader.spec import ConceptSpec

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


_ASCII_WORD = re.compile(r"[A-Za-z0-9]+(?:['`]+[A-Za-z0-9]+)*")


def _word_spans(text: str) -> list[tuple[str, int, int]]:
    """The answer's words as the grader folds them, each with where it stands in the text.

    Whitespace always separates the grader's words, so folding each whitespace-separated
    token gives the grader's own word list. In plain ASCII a word's place is exact; a token
    with other characters (which the grader decomposes first) is marked whole.
    """
    spans = []
    for token in re.finditer(r"\S+", text):
        if token.group().isascii():
            runs = [(run.group(), token.start() + run.start(), token.start() + run.end())
                    for run in _ASCII_WORD.finditer(token.group())]
        else:
            runs = [(token.group(), *token.span())]
        spans.extend((word, start, end) for piece, start, end in runs for word in rubric_words(piece))
    return spans


def phrase_spans(text: str, phrases: Iterable[str]) -> list[tuple[int, int]]:
    """Where the phrases occur in the text, matched word by word as the grader matches them,
    overlapping matches merged."""
    words = _word_spans(text)
    folded = [word for word, _, _ in words]
    found = []
    for phrase in phrases:
        wanted = rubric_words(phrase)
        for index in range(len(folded) - len(wanted) + 1 if wanted else 0):
            if folded[index : index + len(wanted)] == wanted:
                found.append((words[index][1], words[index + len(wanted) - 1][2]))
    merged: list[tuple[int, int]] = []
    for start, end in sorted(found):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def highlight_concepts(text: str, rubric: Iterable[ConceptSpec], found_keys: Iterable[str]) -> SafeString:
    """The answer, escaped, with the phrases of the concepts the rubric found wrapped in <mark>."""
    found = set(found_keys)
    phrases = [phrase for concept in rubric if concept.key in found for phrase in concept.phrases]
    pieces, position = [], 0
    for start, end in phrase_spans(text, phrases):
        pieces.append(escape(text[position:start]))
        pieces.append(f'<mark class="concept-found">{escape(text[start:end])}</mark>')
        position = end
    pieces.append(escape(text[position:]))
    return mark_safe("".join(pieces))
