"""Suggesting a score for a free-text answer from its rubric.

A concept is recognised when one of its phrases occurs in the answer as a contiguous run of
words, after both are folded the same way: case, punctuation and hyphens dropped, and a
light stemmer so that "layers", "stacked" and "pooling" meet "layer", "stack" and "pool".
The teacher confirms or overrides the suggestion.
"""

import re
import unicodedata
from functools import lru_cache

from grader.spec import ConceptSpec

_WORD = re.compile(r"[a-z0-9]+")
_APOSTROPHES = re.compile(r"['’‘`]")
_VOWELS = frozenset("aeiouy")
_KEEP_DOUBLE = frozenset("lsz")


@lru_cache(maxsize=8192)
def stem(word: str) -> str:
    """A light suffix stripper (plural, -ing, -ed, final e); the same on both sides is
    all that matters, not linguistic accuracy."""
    if len(word) <= 3 or word.isdigit():
        return word
    if word.endswith("ies") and len(word) > 4:
        word = word[:-3] + "y"
    elif word.endswith(("sses", "shes", "ches", "xes", "zes")):
        word = word[:-2]
    elif word.endswith("s") and not word.endswith("ss"):
        word = word[:-1]
    for suffix in ("ing", "ed"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3 and _VOWELS & set(word[: -len(suffix)]):
            word = word[: -len(suffix)]
            if len(word) > 3 and word[-1] == word[-2] and word[-1] not in _VOWELS | _KEEP_DOUBLE:
                word = word[:-1]
            break
    if word.endswith("e") and len(word) > 3:
        word = word[:-1]
    return word


def words(text: str) -> list[str]:
    """The answer's words, folded and stemmed."""
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text.replace("×", "x"))
    text = _APOSTROPHES.sub("", text.lower())
    return [stem(word) for word in _WORD.findall(text)]


@lru_cache(maxsize=512)
def _patterns(rubric: tuple[ConceptSpec, ...]) -> tuple[tuple[str, re.Pattern | None], ...]:
    """Per concept, one pattern for all its phrases as space-delimited runs of folded words."""
    patterns = []
    for concept in rubric:
        runs = [" ".join(words(phrase)) for phrase in concept.phrases]
        alternatives = "|".join(re.escape(f" {run} ") for run in runs if run)
        patterns.append((concept.key, re.compile(alternatives) if alternatives else None))
    return tuple(patterns)


def match(rubric: tuple[ConceptSpec, ...], text: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The keys of the concepts found in `text` and of those missed, in rubric order."""
    answer = f" {' '.join(words(text))} "
    found: list[str] = []
    missed: list[str] = []
    for key, pattern in _patterns(rubric):
        (found if pattern is not None and pattern.search(answer) else missed).append(key)
    return tuple(found), tuple(missed)
