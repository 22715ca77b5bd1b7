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
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

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
    scores = ngettext("%(count)s score.", "%(count)s scores.", len(percentages)) % {"count": len(percentages)}
    description = scores + " " + "; ".join(ranges) + "."
    title = _("Score distribution")
    return mark_safe(
        f'<svg class="histogram" viewBox="0 0 {width} {height}" role="img" '
        f'aria-labelledby="{escape(element_id)}-title {escape(element_id)}-desc" xmlns="http://www.w3.org/2000/svg">'
        f'<title id="{escape(element_id)}-title">{escape(title)}</title>'
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
    found_by: str = ""
    """How the suggestion found it (grader's FOUND_BY_*), where its reasons were stored."""
    confidence: float | None = None
    negated: bool = False

    @property
    def how(self) -> str:
        """How the suggestion decided, in plain words: “found by its phrase, sure (95 %)”."""
        if self.confidence is None:
            return ""
        if self.found:
            decided = _("found by %(how)s") % {"how": FOUND_BY_WORDS.get(self.found_by, self.found_by)}
        elif self.negated:
            decided = _("stated negated or reversed, so not counted")
        else:
            decided = _("not found")
        return f"{decided}, {sureness(self.confidence)}"


FOUND_BY_WORDS = {"phrase": gettext_lazy("one of its phrases"), "meaning": gettext_lazy("meaning")}

FLAG_WORDS = {
    grader.FLAG_LOW_CONFIDENCE: gettext_lazy(
        "Low confidence: a decision is close to a coin toss; read the answer closely."
    ),
    grader.FLAG_NEGATED: gettext_lazy(
        "Says a concept negated or reversed (“no weight sharing”): it earns nothing for it."
    ),
    grader.FLAG_KEYWORD_LIST: gettext_lazy(
        "A bare list of keywords: items that need explaining earn half their points."
    ),
    grader.FLAG_OFF_TOPIC: gettext_lazy(
        "Off-topic: nothing in the answer comes close to the rubric, so it is suggested 0."
    ),
    grader.FLAG_PHRASES_ONLY: gettext_lazy(
        "Read by its phrases only: the model that reads answers by meaning could not be loaded on the server, "
        "so an idea put in other words is missed."
    ),
}
"""Each flag a suggestion may carry, as the teacher reads it."""


def sureness(confidence: float) -> str:
    """A grader's confidence in words: “fairly sure (82%)”. It runs from 0.5 (a coin toss) to 1;
    the grader flags a suggestion under 0.7."""
    percent = f"{confidence:.0%}"
    if confidence >= 0.9:
        return _("sure (%(percent)s)") % {"percent": percent}
    if confidence >= 0.7:
        return _("fairly sure (%(percent)s)") % {"percent": percent}
    return _("unsure (%(percent)s)") % {"percent": percent}


def concept_checklist(
    rubric: Iterable[ConceptSpec], found_keys: Iterable[str], results: Sequence[dict] = ()
) -> list[ConceptMark]:
    """Each rubric concept (a part spec's rubric), in rubric order, marked found or missed,
    with how and how surely, where the suggestion's stored results (`ConceptResult.as_dict`) say."""
    found = set(found_keys)
    by_key = {result["key"]: result for result in results}
    marks = []
    for concept in rubric:
        result = by_key.get(concept.key, {})
        marks.append(
            ConceptMark(
                concept,
                concept.key in found,
                result.get("found_by", ""),
                result.get("confidence"),
                bool(result.get("negated")),
            )
        )
    return marks


def flag_notes(flags: Iterable[str]) -> list[str]:
    """What a suggestion's flags ask of the teacher, in plain words, in the grader's order."""
    return [str(FLAG_WORDS.get(flag, flag)) for flag in flags]


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


def stored_spans(results: Sequence[dict]) -> list[tuple[int, int, tuple[str, ...]]]:
    """The spans of a stored suggestion's found concepts as (start, end, concept keys), in
    order, overlapping spans merged into one that names every concept it holds."""
    located = sorted(
        (start, end, result["key"]) for result in results if result.get("found") for start, end in result["spans"]
    )
    merged: list[tuple[int, int, tuple[str, ...]]] = []
    for start, end, key in located:
        if merged and start < merged[-1][1]:
            last_start, last_end, last_keys = merged[-1]
            merged[-1] = (last_start, max(end, last_end), last_keys if key in last_keys else (*last_keys, key))
        else:
            merged.append((start, end, (key,)))
    return merged


def highlight_suggestion(text: str, results: Sequence[dict]) -> SafeString:
    """The answer with the places its stored suggestion found each concept marked
    (`Response.suggestion_concepts`): never a second reading, so the highlight always shows
    what the suggestion was built on. An answer graded before suggestions kept their places
    is shown unmarked."""
    return highlight_spans(text, stored_spans(results))
