"""Item statistics: how hard each part was, whether it separates strong from weak attempts,
and which wrong answers and known mistakes were most common.

The arithmetic is pure (lists and numpy arrays in, numbers out); `quiz_statistics` gathers
the stored verdicts of a quiz's submitted attempts in a constant number of queries,
streaming the responses so a large class does not sit in memory at once.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from django.db.models import Case, CharField, F, Q, Value, When

import grader
from quiz.models import FINISHED_STATES, AnswerKind, Attempt, Part, Quiz, Response, ResponseStatus

logger = logging.getLogger(__name__)

COMMON_ANSWERS = 5
WRONG_STATUSES = (ResponseStatus.INCORRECT, ResponseStatus.PARTIAL, ResponseStatus.INVALID)


def quiz_parts(quiz: Quiz) -> list[Part]:
    """The quiz's parts in order, with what their labels read (two queries)."""
    return list(Part.objects.filter(question__quiz=quiz).select_related("question").prefetch_related("question__parts"))


def facility(credits: Sequence[float]) -> float | None:
    """The mean credit in [0, 1]: 0.9 is an easy part, 0.2 a hard one. None without attempts."""
    if len(credits) == 0:
        return None
    return float(np.mean(np.asarray(credits, dtype=float)))


def discrimination(item: Sequence[float], rest: Sequence[float]) -> float | None:
    """The correlation of a part's score with the rest of the attempt's score.

    The part itself is left out of the total, so a part does not correlate with itself.
    None when either side does not vary (fewer than two attempts, or everyone scored
    the same): the correlation is undefined, not zero.
    """
    x = np.asarray(item, dtype=float)
    y = np.asarray(rest, dtype=float)
    if x.size < 2 or np.ptp(x) == 0 or np.ptp(y) == 0:
        return None
    r = np.mean((x - x.mean()) * (y - y.mean())) / (x.std() * y.std())
    return float(np.clip(r, -1.0, 1.0))


def part_measures(
    credits: np.ndarray, points: Sequence[float], held: np.ndarray | None = None
) -> list[tuple[float | None, float | None]]:
    """Facility and discrimination of each column of an attempts × parts matrix of credits, each over
    the attempts that `held` the part (a matrix of the same shape; every attempt without it): an
    attempt that drew other questions from a pool says nothing about this one."""
    weights = np.asarray(points, dtype=float)
    earned = credits * weights
    totals = earned.sum(axis=1)
    held = np.ones(credits.shape, dtype=bool) if held is None else held
    measures = []
    for column in range(credits.shape[1]):
        rows = held[:, column]
        item = earned[rows, column]
        measures.append((facility(credits[rows, column]), discrimination(item, totals[rows] - item)))
    return measures


def top_answers(counter: Counter, limit: int = COMMON_ANSWERS) -> list[tuple[str, int]]:
    """The most common answers, most frequent first, ties in alphabetical order so pages are stable."""
    return sorted(counter.items(), key=lambda item: (-item[1], item[0]))[:limit]


@dataclass(frozen=True)
class MistakeRate:
    key: str
    name: str
    feedback: str
    count: int
    share: float

    @property
    def explanation(self) -> str:
        """The feedback students get for the mistake, unless the name already says it."""
        return "" if self.name.startswith(_first_sentence(self.feedback)) else self.feedback


def mistake_names(known: list[dict]) -> dict[str, str]:
    """A plain name for each known mistake of a part, by key: its label if it has one, else its
    feedback's first sentence (“Each filter also has a bias term”). Two mistakes left with one
    name are told apart by their keys, in words."""
    names = {
        mistake["key"]: mistake.get("label") or _first_sentence(mistake.get("feedback", "")) or _words(mistake["key"])
        for mistake in known
    }
    uses = Counter(names.values())
    return {key: name if uses[name] == 1 else f"{name} ({_words(key)})" for key, name in names.items()}


def _words(key: str) -> str:
    return key.replace("_", " ")


def _first_sentence(text: str) -> str:
    sentence = text.strip().split(". ")[0]
    return sentence.removesuffix(".")


@dataclass(frozen=True)
class PartStatistics:
    part: Part
    attempts: int
    facility: float | None
    discrimination: float | None
    status_counts: dict[str, int]
    mistakes: list[MistakeRate]
    wrong_answers: list[tuple[str, int]]

    @property
    def label(self) -> str:
        """The part's name, in the language it is read in (a page's, or a download's English)."""
        return self.part.label

    @property
    def mistakes_made(self) -> list[MistakeRate]:
        return [rate for rate in self.mistakes if rate.count]

    @property
    def mistakes_not_made(self) -> list[MistakeRate]:
        return [rate for rate in self.mistakes if not rate.count]

    @property
    def status_rows(self) -> list[tuple[str, str, int]]:
        """(status, label, count) of each status some attempt has, in the statuses' own order."""
        return [(status, ResponseStatus(status).label, count) for status, count in self.status_counts.items() if count]


@dataclass(frozen=True)
class QuizStatistics:
    quiz: Quiz
    attempts: int
    parts: list[PartStatistics]


def quiz_statistics(quiz: Quiz) -> QuizStatistics:
    """Statistics of every part over the quiz's submitted attempts, in four queries."""
    # 1–2: the parts, with their questions and sibling parts for the labels.
    parts = quiz_parts(quiz)
    # 3: the submitted attempts with the questions they hold; one without a response to a part it
    # holds scored 0 on it, and one that drew other questions from a pool is left out of the part's figures.
    finished = Attempt.objects.finished().filter(quiz=quiz).order_by("id").values_list("id", "question_keys")
    attempt_rows, held_keys = {}, []
    for row, (attempt_id, question_keys) in enumerate(finished):
        attempt_rows[attempt_id] = row
        held_keys.append(set(question_keys))
    columns = {part.id: column for column, part in enumerate(parts)}
    credits = np.zeros((len(attempt_rows), len(parts)))
    answered = np.zeros((len(attempt_rows), len(parts)), dtype=bool)
    held = np.array(
        [[part.question.key in keys for part in parts] for keys in held_keys], dtype=bool
    ).reshape(len(attempt_rows), len(parts))
    statuses = [Counter() for _ in parts]
    mistakes = [Counter() for _ in parts]
    wrong = [Counter() for _ in parts]
    specs = [part.spec() if part.kind != AnswerKind.TEXT else None for part in parts]
    # 4: the stored verdicts, streamed.
    for attempt_id, part_id, credit, status, mistake, text in _verdict_rows(quiz):
        row, column = attempt_rows.get(attempt_id), columns.get(part_id)
        if row is None or column is None:
            continue
        credits[row, column] = credit or 0.0
        answered[row, column] = held[row, column] = True
        statuses[column][status] += 1
        if mistake:
            mistakes[column][mistake] += 1
        if text and specs[column] is not None:
            wrong[column][_normalized(specs[column], text)] += 1
    measures = part_measures(credits, [float(part.points) for part in parts], held)
    results = []
    for column, part in enumerate(parts):
        count = int(held[:, column].sum())
        statuses[column][ResponseStatus.UNANSWERED] += count - int(answered[:, column].sum())
        results.append(
            PartStatistics(
                part=part,
                attempts=count,
                facility=measures[column][0],
                discrimination=measures[column][1],
                status_counts={status: statuses[column][status] for status in ResponseStatus.values},
                mistakes=_mistake_rates(part.mistakes, mistakes[column], count),
                wrong_answers=top_answers(wrong[column]),
            )
        )
    return QuizStatistics(quiz=quiz, attempts=len(attempt_rows), parts=results)


def _normalized(spec: grader.PartSpec, text: str) -> str:
    """The answer's canonical form; the text itself if the grader fails on it, so that one
    answer never stops the statistics."""
    try:
        return grader.normalize_answer(spec, text)
    except Exception:  # any fault in the grader
        logger.exception("normalizing an answer to part %s failed", spec.key)
        return text[:1000]


def _verdict_rows(quiz: Quiz) -> Iterable[tuple]:
    """(attempt, part, credit and status that count, mistake, text if it is a wrong answer) per response;
    the text of right answers and essays is not fetched at all."""
    wrong_answer = Q(verdict_status__in=WRONG_STATUSES) & ~Q(part__kind=AnswerKind.TEXT)
    return (
        Response.objects.filter(attempt__quiz=quiz, attempt__state__in=FINISHED_STATES)
        .with_final_credit()
        .annotate(
            wrong_text=Case(When(wrong_answer, then=F("text")), default=Value(""), output_field=CharField()),
        )
        .order_by()
        .values_list("attempt_id", "part_id", "verdict_credit", "verdict_status", "mistake", "wrong_text")
        .iterator(chunk_size=5000)
    )


def _mistake_rates(known: list[dict], counts: Counter, attempts: int) -> list[MistakeRate]:
    """Every known mistake of the part, also those nobody made, most frequent first."""
    names = mistake_names(known)
    rates = [
        MistakeRate(
            key=mistake["key"],
            name=names[mistake["key"]],
            feedback=mistake.get("feedback", ""),
            count=counts.get(mistake["key"], 0),
            share=counts.get(mistake["key"], 0) / attempts if attempts else 0.0,
        )
        for mistake in known
    ]
    return sorted(rates, key=lambda rate: -rate.count)
