"""Suggesting a score for a free-text answer from its rubric, and saying why.

An answer is read as words (case, punctuation and hyphens folded, a light stemmer so that
"layers", "stacked" and "pooling" meet "layer", "stack" and "pool") and as statements: its
sentences and their clauses (split at commas, semicolons, arrows and words such as "but",
"and", "unlike", "instead"). A concept is found

- by a phrase: one of its phrases occurs as a contiguous run of words (the fast first signal), or
- by meaning: a statement is close to one of the concept's examples (cosine similarity of
  sentence embeddings, `grader.meaning`) and closer to them than to its contradictions.

Neither counts when the statement says the opposite: the number of negations in it ("no",
"not", "n't", "without", "instead", "removed", …) must have the same parity as in the
phrase or example it matches ("CNNs have no weight sharing" does not earn weight sharing;
"without skip connections deep networks could not be trained" does), and a statement
nearer to one of the concept's contradictions than to its examples earns nothing ("instance
segmentation does not distinguish objects").

The suggestion is out of the core concepts' points; bonus concepts add to it, up to the
part's points, once some core concept is found. A bare list of keywords (no sentences)
earns half of each concept's points unless the concept only needs naming, and at most half
in all where a core concept needs explaining. An answer with
no statement near anything in the rubric is off-topic: 0, flagged. Each concept comes with
where it was found (character spans of the answer, for highlighting) and a confidence;
a suggestion whose weakest decision is uncertain is flagged for the teacher. A teacher
confirms or overrides every suggestion.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate
from operator import add
from typing import NamedTuple

import numpy as np

from grader import meaning
from grader.spec import ConceptSpec

# Thresholds on cosine similarity, chosen on the tuning part of the labelled answers (docs/benchmarks.md).
MEANING_THRESHOLD = 0.7
"""A statement this close to a concept's example states the concept (PLAIN_WEIGHT's mix)."""
PLAIN_WEIGHT = 0.4
"""How much plain cosine similarity counts, against similarity beyond the question's topic."""
OFF_TOPIC_THRESHOLD = 0.30
"""An answer none of whose statements comes this close to anything in the rubric is off-topic."""
CONFIDENCE_WIDTH = 0.12
"""How far from MEANING_THRESHOLD a similarity must be for a decision to be sure."""
LOW_CONFIDENCE = 0.7
"""Suggestions whose weakest decision is less sure than this are flagged for the teacher."""
VETO_MARGIN = 0.05
"""How much nearer a contradiction than any example a statement must be to earn nothing."""
PHRASE_CONFIDENCE = 0.95
KEYWORD_LIST_SHARE = 0.5

# Flags a suggestion may carry, for the teacher's attention.
FLAG_LOW_CONFIDENCE = "low_confidence"
FLAG_OFF_TOPIC = "off_topic"
FLAG_KEYWORD_LIST = "keyword_list"
FLAG_NEGATED = "negated"
FLAG_PHRASES_ONLY = "phrases_only"

FOUND_BY_PHRASE = "phrase"
FOUND_BY_MEANING = "meaning"

_WORD = re.compile(r"[a-z0-9]+")
_APOSTROPHES = re.compile(r"['’‘`]")
_VOWELS = frozenset("aeiouy")
_KEEP_DOUBLE = frozenset("lsz")
_TOKEN = re.compile(r"\S+")
_ASCII_WORD = re.compile(r"[A-Za-z0-9]+(?:['`]+[A-Za-z0-9]+)*")

# Where sentences end: a full stop, question or exclamation mark before a space, a line break,
# a bullet. Where clauses end within one: punctuation, arrows, dashes between spaces.
_SENTENCE_END = re.compile(r"[.!?]+[\"')\]]*(?=\s|$)|\n|^\s*[-*•·]\s", re.MULTILINE)
_LIST_SEPARATOR = re.compile(r"[,;\n/|+•·→>]|\band\b|\s[-–—]\s", re.IGNORECASE)
_CLAUSE_END = re.compile(r"[,;:()\[\]{}|/]|\s[-–—]+\s|->|=>|→|⇒|\.\.\.")
# Words that begin a new clause.
_CLAUSE_WORDS = "but whereas while although though however unlike and so because since which instead rather"
# Negations, in English and a few words of the other languages students mix in (Dutch,
# German); "none" is left out: folded, it is the "non" of "non-linear".
_NEGATIONS = """no not never without nor neither nothing cannot can't don't doesn't didn't isn't
    aren't wasn't weren't won't hasn't haven't hadn't shouldn't wouldn't couldn't lack lacks lacking
    instead rather remove removes removed removing eliminate eliminates eliminated abandon abandoned
    niet geen zonder nicht kein keine ohne"""
# "not only", "not just": not a negation.
_NOT_NEGATING_AFTER_NOT = "only just merely simply"
# Words that make a sentence of a few words: pronouns, articles, auxiliary verbs (with the
# commonest of the other languages students write in).
_SENTENCE_WORDS = """it its they them this that these those there we you he she i the a an is are was
    were be been has have had does do did can could will would should must may might
    de het een dit dat zijn wordt worden der das ist sind ein eine"""
# Words that carry grammar rather than content: an answer without them is a list of keywords
# (with the commonest of the other languages students write in).
_FUNCTION_WORDS = """a an the this that these those it its they them their there here he she we you
    i my our your his her is are was were be been being am has have had do does did will would can
    could shall should may might must to of in on at by for with from into onto over under about
    than then as so because since while whereas although though if when where which who whom whose
    what how why not no nor but and or also too very more most less much many each every all any
    some same other such only just even still again let lets make makes get gets become becomes
    mean means allow allows help helps need needs use uses used learn learns find finds see like
    one two both instead rather thus hence therefore
    de het een van en in op met door je dat die dit zijn wordt worden bij te dan als maar ook dus
    daardoor elke iedere er om aan naar voor
    der das und ist sind mit von zu ein eine einen auch durch"""


@dataclass(frozen=True)
class ConceptResult:
    """What the suggestion decided about one rubric concept, and on what grounds."""

    key: str
    found: bool
    credit: float
    """Points earned: the concept's points, half of them in a bare keyword list, 0 if not found."""
    spans: tuple[tuple[int, int], ...]
    """Where in the answer it was found: (start, end) character offsets, in order, not overlapping."""
    confidence: float
    """How sure the decision is, found or not, from 0.5 (a coin toss) to 1."""
    found_by: str = ""
    """FOUND_BY_PHRASE or FOUND_BY_MEANING; empty when not found."""
    negated: bool = False
    """The answer states it negated or reversed (not counted)."""

    def as_dict(self) -> dict:
        return {
            "key": self.key,
            "found": self.found,
            "credit": self.credit,
            "spans": [list(span) for span in self.spans],
            "confidence": self.confidence,
            "found_by": self.found_by,
            "negated": self.negated,
        }


@dataclass(frozen=True)
class Suggestion:
    """A suggested score in [0, 1] for a free-text answer, with each concept's decision."""

    score: float
    concepts: tuple[ConceptResult, ...]
    confidence: float
    flags: tuple[str, ...]

    @property
    def found(self) -> tuple[str, ...]:
        return tuple(result.key for result in self.concepts if result.found)

    @property
    def missed(self) -> tuple[str, ...]:
        return tuple(result.key for result in self.concepts if not result.found)


# Words ----------------------------------------------------------------------------------------


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


def _folded(listed: str) -> frozenset[str]:
    return frozenset(words(listed))


_CLAUSE_STARTS = _folded(_CLAUSE_WORDS)
_NEGATING = _folded(_NEGATIONS)
_NOT_NEGATING_AFTER = _folded(_NOT_NEGATING_AFTER_NOT)
_FUNCTION = _folded(_FUNCTION_WORDS)
_SENTENCE_MARKERS = _folded(_SENTENCE_WORDS)


@dataclass(frozen=True)
class Word:
    """One folded word and where it stands in the text."""

    text: str
    start: int
    end: int


def located_words(text: str) -> list[Word]:
    """The answer's words exactly as `words` reads them, each with its place in the text.

    Whitespace always separates words, so folding each whitespace-separated token gives the
    same word list. In plain ASCII a word's place is exact; a token with other characters
    (which `words` decomposes first) gives each of its words the whole token's place.
    """
    folded, starts, ends = _located(text)
    return [Word(word, start, end) for word, start, end in zip(folded, starts, ends, strict=True)]


def _located(text: str) -> tuple[list[str], list[int], list[int]]:
    """`located_words` as three lists (words, starts, ends): an answer is read once per
    suggestion, and most of its cost was building a Word for every word."""
    if text.isascii():
        # In ASCII a run of letters, digits and apostrophes is exactly one word.
        runs = list(_ASCII_WORD.finditer(text))
        return [_folded_run(run.group()) for run in runs], [run.start() for run in runs], [run.end() for run in runs]
    folded: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    for token in _TOKEN.finditer(text):
        piece = token.group()
        if piece.isascii():
            for run in _ASCII_WORD.finditer(piece):
                folded.append(_folded_run(run.group()))
                starts.append(token.start() + run.start())
                ends.append(token.start() + run.end())
        else:
            for word in words(piece):
                folded.append(word)
                starts.append(token.start())
                ends.append(token.end())
    return folded, starts, ends


@lru_cache(maxsize=8192)
def _folded_run(run: str) -> str:
    """One ASCII run of `_ASCII_WORD` as `words` reads it: lower case, apostrophes dropped, stemmed."""
    return stem(run.lower().replace("'", "").replace("`", ""))


def phrase_spans(text: str, phrases: tuple[str, ...] | list[str]) -> list[tuple[int, int]]:
    """Where the phrases occur in the text, matched word by word as concepts are matched,
    overlapping matches merged."""
    answer = _Answer.read(text)
    hits = [(answer.starts[first], answer.ends[last]) for first, last in answer.find(tuple(phrases))]
    return _merged(hits)


# Reading an answer ----------------------------------------------------------------------------


class _Statement(NamedTuple):
    """A sentence or a clause: a run of words [first, last] and its character span."""

    first: int
    last: int
    start: int
    end: int
    negations: int
    is_sentence: bool


@dataclass
class _Answer:
    """An answer read once for every concept of its rubric: its folded words with their
    character spans, its statements, and its words joined for the phrase patterns."""

    text: str
    words: list[str]
    starts: list[int]
    ends: list[int]
    statements: list[_Statement]
    joined: str
    offsets: list[int]
    negating: list[int]
    """Running count of negations before each word (n + 1 entries), for any run of words at once."""

    @classmethod
    def read(cls, text: str) -> _Answer:
        folded, starts, ends = _located(text)
        # Where each word starts in `joined`: after the leading space, its own index of spaces
        # and the letters of the words before it.
        offsets = list(map(add, accumulate(map(len, folded[:-1]), initial=1), range(len(folded))))
        counts = [word in _NEGATING for word in folded]
        if "not" in folded:
            for index, word in enumerate(folded[:-1]):
                if word == "not" and folded[index + 1] in _NOT_NEGATING_AFTER:
                    counts[index] = False
        negating = list(accumulate(counts, initial=0))
        answer = cls(text, folded, starts, ends, [], " " + " ".join(folded) + " ", offsets, negating)
        answer.statements = answer._split()
        return answer

    def find(self, phrases: tuple[str, ...]) -> list[tuple[int, int]]:
        """Each occurrence of a phrase as (first word, last word); the longest where several start together."""
        pattern = _phrase_pattern(phrases)
        if pattern is None:
            return []
        hits = []
        for found in pattern.finditer(self.joined):
            first = bisect.bisect_left(self.offsets, found.start())
            last = bisect.bisect_right(self.offsets, found.end(1) - 1) - 1
            hits.append((first, last))
        return hits

    def negations(self, first: int, last: int) -> int:
        """The negations among words first..last, as `_count_negations` counts them in that run
        alone: a final "not" counts even where "only" follows outside it."""
        count = self.negating[last + 1] - self.negating[first]
        if self.words[last] == "not" and last + 1 < len(self.words) and self.words[last + 1] in _NOT_NEGATING_AFTER:
            count += 1
        return count

    def _split(self) -> list[_Statement]:
        statements: list[_Statement] = []
        if not self.words:
            return statements
        starts = self.starts
        clause_words = [index for index, word in enumerate(self.words) if word in _CLAUSE_STARTS]
        for sentence_start, sentence_end in _pieces(self.text, 0, len(self.text), _SENTENCE_END):
            first, last = _word_range(starts, sentence_start, sentence_end)
            if first > last:
                continue
            statements.append(self._statement(first, last, is_sentence=True))
            clauses = []
            for clause_start, clause_end in _pieces(self.text, sentence_start, sentence_end, _CLAUSE_END):
                clause_first, clause_last = _word_range(starts, clause_start, clause_end)
                run_start = clause_first
                inside = bisect.bisect_right(clause_words, clause_first), bisect.bisect_right(clause_words, clause_last)
                for index in clause_words[inside[0] : inside[1]]:
                    clauses.append((run_start, index - 1))
                    run_start = index
                if run_start <= clause_last:
                    clauses.append((run_start, clause_last))
            for clause_first, clause_last in clauses:
                if clause_first <= clause_last and (clause_first, clause_last) != (first, last):
                    statements.append(self._statement(clause_first, clause_last, is_sentence=False))
        return statements

    def _statement(self, first: int, last: int, *, is_sentence: bool) -> _Statement:
        return _Statement(first, last, self.starts[first], self.ends[last], self.negations(first, last), is_sentence)

    def statement_text(self, statement: _Statement) -> str:
        return self.text[statement.start : statement.end]

    def holding(self, first: int, last: int) -> list[int]:
        """The statements (indices) that hold words first..last: the sentence and its clause."""
        return [n for n, s in enumerate(self.statements) if s.first <= first and last <= s.last]


def _pieces(text: str, start: int, end: int, boundary: re.Pattern) -> list[tuple[int, int]]:
    pieces, position = [], start
    for found in boundary.finditer(text, start, end):
        pieces.append((position, found.start()))
        position = found.end()
    pieces.append((position, end))
    return pieces


def _word_range(starts: list[int], start: int, end: int) -> tuple[int, int]:
    return bisect.bisect_left(starts, start), bisect.bisect_left(starts, end) - 1


def _count_negations(folded: list[str]) -> int:
    count = 0
    for index, word in enumerate(folded):
        if word not in _NEGATING:
            continue
        following = folded[index + 1] if index + 1 < len(folded) else ""
        if word == "not" and following in _NOT_NEGATING_AFTER:
            continue
        count += 1
    return count


@lru_cache(maxsize=1024)
def _phrase_pattern(phrases: tuple[str, ...]) -> re.Pattern | None:
    runs = sorted({" ".join(words(phrase)) for phrase in phrases} - {""}, key=len, reverse=True)
    if not runs:
        return None
    # A lookahead, so that overlapping occurrences ("residual skip" and "skip connection") are all found.
    return re.compile("(?<= )(?=(" + "|".join(re.escape(run) for run in runs) + ") )")


def _merged(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def is_keyword_list(text: str) -> bool:
    """Whether the answer is bare keywords rather than sentences: items of at most four
    words (split at commas, semicolons, line breaks, arrows and "and") without a pronoun,
    an article or an auxiliary verb, or a long run of words with next to no function words."""
    return _is_keyword_list(text, words(text))


def _is_keyword_list(text: str, folded: list[str]) -> bool:
    """`is_keyword_list` with the answer's words already read."""
    if not folded:
        return False
    if not _SENTENCE_MARKERS.intersection(folded):
        items = [item for item in (words(piece) for piece in _LIST_SEPARATOR.split(text)) if item]
        # Only separators ("and and and …") make no items: no keyword list, whatever else it is.
        if items and max(map(len, items)) <= 4:
            return True
    function = sum(map(_FUNCTION.__contains__, folded)) / len(folded)
    return len(folded) >= 7 and function <= 0.1


# The rubric's side ------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Statements:
    """A rubric's examples and contradictions, embedded once per rubric."""

    vectors: np.ndarray
    topics: np.ndarray
    """Per concept, the mean of the other concepts' examples: the question's topic as the
    rest of the rubric states it (zero for a rubric of one concept)."""
    centered: np.ndarray
    """Each statement less its concept's topic, as a unit vector: what it says beyond it."""
    concept: np.ndarray
    """Which concept (its index in the rubric) each row belongs to."""
    negations: np.ndarray
    """Each row's number of negations, modulo 2."""
    contradiction: np.ndarray
    """Whether each row is a contradiction rather than an example."""


@lru_cache(maxsize=256)
def _rubric_statements(rubric: tuple[ConceptSpec, ...]) -> _Statements:
    texts, concept, parity, contradiction = [], [], [], []
    for index, spec in enumerate(rubric):
        # Every concept has phrases (the spec checks it), so every concept has something to compare with.
        examples = spec.examples or tuple(text for text in (spec.label,) if text) or spec.phrases
        for text in examples:
            texts.append(text)
            concept.append(index)
            parity.append(_count_negations(words(text)) % 2)
            contradiction.append(False)
        for text in spec.contradictions:
            texts.append(text)
            concept.append(index)
            parity.append(_count_negations(words(text)) % 2)
            contradiction.append(True)
    vectors = meaning.embed(texts)
    concepts = np.array(concept, dtype=np.int16)
    is_example = ~np.array(contradiction, dtype=bool)
    means = np.array([vectors[(concepts == index) & is_example].mean(axis=0) for index in range(len(rubric))])
    topics = np.zeros_like(means)
    if len(rubric) > 1:
        topics = (means.sum(axis=0) - means) / (len(rubric) - 1)
    return _Statements(
        vectors,
        topics,
        _unit(vectors - topics[concepts]),
        concepts,
        np.array(parity, dtype=np.int8),
        np.array(contradiction, dtype=bool),
    )


def _unit(vectors: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(vectors, axis=-1, keepdims=True)
    return vectors / np.maximum(norms, 1e-9)


@dataclass(frozen=True)
class _Closeness:
    """Per statement of the answer and concept of the rubric: the best similarity to an
    example with the statement's negation parity, to one with the other parity, and to a
    contradiction with the statement's parity (-1 where there is none). A contradiction with
    the other parity is what the statement denies, so it does not count against it."""

    same: np.ndarray
    opposite: np.ndarray
    contradicted: np.ndarray
    topical: float
    """The answer's best plain cosine similarity to anything in the rubric: how on-topic it is."""

    def accepts(self, statement: int, concept: int) -> bool:
        same = self.same[statement, concept]
        return bool(same >= MEANING_THRESHOLD and same > self.contradicted[statement, concept])

    def vetoes(self, statement: int, concept: int) -> bool:
        """The statement is clearly nearer a contradiction of the concept than any of its examples."""
        contradicted = self.contradicted[statement, concept]
        best = max(self.same[statement, concept], self.opposite[statement, concept])
        return bool(contradicted >= MEANING_THRESHOLD and contradicted > best + VETO_MARGIN)


def _closeness(rubric: tuple[ConceptSpec, ...], answer: _Answer) -> _Closeness:
    statements = _rubric_statements(rubric)
    # A one-word clause (a list item) means little on its own: its phrase speaks for it.
    embedded = [n for n, s in enumerate(answer.statements) if s.is_sentence or s.last > s.first]
    similarity = np.full((len(answer.statements), len(statements.concept)), -1.0, dtype=np.float32)
    topical = -1.0
    if embedded:
        vectors = meaning.embed([answer.statement_text(answer.statements[n]) for n in embedded])
        plain = vectors @ statements.vectors.T
        topical = float(plain.max())
        # Statements on one question share its topic ("instance segmentation is faster" is
        # close to "instance segmentation separates objects"): compare what each says beyond
        # what the rubric's other concepts say too, and weigh the two.
        beyond = np.empty_like(plain)
        for index, topic in enumerate(statements.topics):
            columns = statements.concept == index
            beyond[:, columns] = _unit(vectors - topic) @ statements.centered[columns].T
        similarity[embedded] = PLAIN_WEIGHT * plain + (1 - PLAIN_WEIGHT) * beyond
    parity = np.array([statement.negations % 2 for statement in answer.statements], dtype=np.int8)
    count = len(rubric)
    shape = (len(answer.statements), count)
    same, opposite, contradicted = np.full(shape, -1.0), np.full(shape, -1.0), np.full(shape, -1.0)
    for concept in range(count):
        rows = statements.concept == concept
        contradictions = rows & statements.contradiction
        if contradictions.any():
            columns = similarity[:, contradictions]
            matching = statements.negations[contradictions][None, :] == parity[:, None]
            contradicted[:, concept] = np.where(matching, columns, -1.0).max(axis=1)
        examples = rows & ~statements.contradiction
        columns = similarity[:, examples]
        matching = statements.negations[examples][None, :] == parity[:, None]
        same[:, concept] = np.where(matching, columns, -1.0).max(axis=1)
        opposite[:, concept] = np.where(~matching, columns, -1.0).max(axis=1)
    return _Closeness(same, opposite, contradicted, topical)


# The suggestion -----------------------------------------------------------------------------------


# The same answer comes back often: a regrade, a teacher's page, "Skip connections" typed by
# half the class. A suggestion depends on nothing but the rubric and the text.
@lru_cache(maxsize=4096)
def suggest(rubric: tuple[ConceptSpec, ...], text: str, *, by_meaning: bool = True) -> Suggestion:
    """The suggested score for `text` against the rubric, with every concept's decision.

    With `by_meaning=False` the model is never used (nor loaded): concepts are found by
    their phrases alone and the suggestion is flagged FLAG_PHRASES_ONLY, as when the model
    is unavailable."""
    answer = _Answer.read(text)
    flags: list[str] = []
    closeness = None
    if answer.statements and not by_meaning:
        flags.append(FLAG_PHRASES_ONLY)
    elif answer.statements:
        try:
            closeness = _closeness(rubric, answer)
        except meaning.ModelUnavailable:
            flags.append(FLAG_PHRASES_ONLY)
    bare_list = _is_keyword_list(text, answer.words)
    results = [_decide(index, concept, answer, closeness, bare_list) for index, concept in enumerate(rubric)]
    off_topic = (
        closeness is not None
        and not any(result.found for result in results)
        and closeness.topical < OFF_TOPIC_THRESHOLD
    )
    if off_topic:
        flags.append(FLAG_OFF_TOPIC)
    if bare_list and any(result.found for result in results):
        flags.append(FLAG_KEYWORD_LIST)
    if any(result.negated for result in results):
        flags.append(FLAG_NEGATED)
    score = 0.0 if off_topic else _score(rubric, results)
    if bare_list and any(not concept.bonus and not concept.naming_suffices for concept in rubric):
        score = min(score, KEYWORD_LIST_SHARE)
    confidence = min((result.confidence for result in results), default=1.0)
    if closeness is None:
        confidence = min(confidence, 0.5)
    if confidence < LOW_CONFIDENCE or off_topic:
        flags.insert(0, FLAG_LOW_CONFIDENCE)
    return Suggestion(score, tuple(results), round(confidence, 3), tuple(dict.fromkeys(flags)))


def _score(rubric: tuple[ConceptSpec, ...], results: list[ConceptResult]) -> float:
    """Core points found plus bonus points (once some core point is found), out of the core points."""
    core_points = sum(concept.points for concept in rubric if not concept.bonus)
    core = sum(result.credit for concept, result in zip(rubric, results, strict=True) if not concept.bonus)
    if not core:
        return 0.0
    bonus = sum(result.credit for concept, result in zip(rubric, results, strict=True) if concept.bonus)
    return min(1.0, (core + bonus) / core_points)


def score_items(rubric: tuple[ConceptSpec, ...], awarded: tuple[str, ...] | list[str]) -> float:
    """The score a teacher's chosen rubric items earn, each its full points, by the suggestion's own rule."""
    chosen = set(awarded)
    results = [
        ConceptResult(concept.key, concept.key in chosen, concept.points if concept.key in chosen else 0.0, (), 1.0)
        for concept in rubric
    ]
    return _score(rubric, results)


def _decide(
    index: int, concept: ConceptSpec, answer: _Answer, closeness: _Closeness | None, bare_list: bool
) -> ConceptResult:
    phrase_hits, negated = [], False
    for first, last in answer.find(concept.phrases):
        if _phrase_holds(index, answer, closeness, first, last):
            phrase_hits.append((answer.starts[first], answer.ends[last]))
        else:
            negated = True
    credit = concept.points * (1.0 if concept.naming_suffices or not bare_list else KEYWORD_LIST_SHARE)
    if phrase_hits:
        confidence = PHRASE_CONFIDENCE
        if closeness is not None and not any(closeness.accepts(s, index) for s in range(len(answer.statements))):
            # A phrase that no statement backs by meaning: the word is there, the idea may not be.
            confidence = 0.8
        return ConceptResult(concept.key, True, credit, tuple(_merged(phrase_hits)), confidence, FOUND_BY_PHRASE)
    if closeness is None:
        return ConceptResult(concept.key, False, 0.0, (), 0.5, negated=negated)
    accepted = [s for s in range(len(answer.statements)) if closeness.accepts(s, index)]
    if accepted:
        best = max(accepted, key=lambda s: closeness.same[s, index])
        statement = answer.statements[best]
        confidence = _sureness(float(closeness.same[best, index]))
        return ConceptResult(
            concept.key, True, credit, ((statement.start, statement.end),), confidence, FOUND_BY_MEANING
        )
    nearest = float(closeness.same[:, index].max()) if len(answer.statements) else -1.0
    # Close to an example but with one negation more: "CNNs have no weight sharing". (One
    # negation fewer is usually half of the idea, "semantic segmentation labels every pixel".)
    stated_opposite = any(
        (answer.statements[s].negations % 2 and closeness.opposite[s, index] >= MEANING_THRESHOLD)
        or closeness.vetoes(s, index)
        for s in range(len(answer.statements))
    )
    negated = negated or stated_opposite
    confidence = 0.75 if negated else _sureness(nearest)
    return ConceptResult(concept.key, False, 0.0, (), confidence, negated=negated)


def _phrase_holds(index: int, answer: _Answer, closeness: _Closeness | None, first: int, last: int) -> bool:
    """A phrase occurrence counts unless its clause and its sentence both negate it, or a
    statement holding it is nearer the concept's contradictions than its examples."""
    own = answer.negations(first, last)
    holding = answer.holding(first, last)
    if not any((answer.statements[n].negations - own) % 2 == 0 for n in holding):
        return False
    return closeness is None or not any(closeness.vetoes(n, index) for n in holding)


def _sureness(similarity: float) -> float:
    """From 0.5 at the threshold to 1 at CONFIDENCE_WIDTH or more away from it, either side."""
    distance = abs(similarity - MEANING_THRESHOLD) / CONFIDENCE_WIDTH
    return round(0.5 + 0.5 * min(1.0, distance), 3)
