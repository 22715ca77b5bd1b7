"""Question pools: questions sharing a pool key form a pool, and each attempt draws a few of them.

A quiz is built from slots: a question outside any pool is a slot every attempt holds; a pool
is a slot that holds K of its N questions ("one of these N" unless the quiz's `pools` names
K). The draw is reproducible (a seed string decides it) and prefers the questions the student
has had least often in earlier attempts, so no question comes back while the pool still holds
one the student has not had. Drawn questions keep their own place in the quiz's order.

Rules over questions already read (their `key`, `pool` and `order`), free of the database (only the
start page's sentence goes through Django's translation): the bank loader,
the admin's forms and the attempt's start all call them.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol, TypeVar

from django.utils.translation import ngettext


class Pooled(Protocol):
    key: str
    pool: str


class Scored(Pooled, Protocol):
    points: Decimal
    """The question's parts' points together."""


P = TypeVar("P", bound=Pooled)


@dataclass(frozen=True)
class Pool:
    key: str
    size: int
    """How many questions the pool holds."""
    draws: int
    """How many of them each attempt holds."""

    @property
    def name(self) -> str:
        """The pool's key in words: questions "on max pooling"."""
        return self.key.replace("-", " ").replace("_", " ")

    @property
    def description(self) -> str:
        """What the start page tells students: "Each attempt draws 1 of 3 questions on pooling."."""
        return ngettext(
            "Each attempt draws %(draws)d of %(size)d question on %(name)s.",
            "Each attempt draws %(draws)d of %(size)d questions on %(name)s.",
            self.size,
        ) % {"draws": self.draws, "size": self.size, "name": self.name}


def pool_sizes(questions: Iterable[Pooled]) -> dict[str, int]:
    """How many questions each pool holds, pools in the order their first question comes."""
    return dict(Counter(question.pool for question in questions if question.pool))


def draws_for(pools: Mapping, key: str, size: int) -> int:
    """How many questions an attempt draws from the pool `key`: as the quiz says (one if it names none),
    never more than the pool holds (a question moved out of the pool since)."""
    wanted = pools.get(key, 1)
    return min(wanted, size) if isinstance(wanted, int) and not isinstance(wanted, bool) else 1


def quiz_pools(questions: Iterable[Pooled], pools: Mapping) -> list[Pool]:
    """The quiz's pools with their sizes and draws, in the quiz's order."""
    return [Pool(key, size, draws_for(pools, key, size)) for key, size in pool_sizes(questions).items()]


def pool_problems(pools, sizes: Mapping[str, int]) -> list[str]:
    """Why a quiz's `pools` (pool key → questions drawn) does not fit its questions' pools (`sizes`), in
    plain words; empty when it fits."""
    if not isinstance(pools, dict):
        return ['pools must map a pool key to how many of its questions each attempt draws, e.g. {"pooling": 2}']
    problems = []
    for key, draws in pools.items():
        if key not in sizes:
            known = ", ".join(sorted(sizes)) or "none: no question has a pool key"
            problems.append(f"no question is in the pool {key!r} (the pools are {known})")
        elif not isinstance(draws, int) or isinstance(draws, bool) or draws < 1:
            problems.append(f"the pool {key!r} must draw a whole number of questions, at least 1")
        elif draws > sizes[key]:
            held = "question" if sizes[key] == 1 else "questions"
            problems.append(f"the pool {key!r} draws {draws} but holds only {sizes[key]} {held}")
    return problems


def draw_questions(questions: Sequence[P], pools: Mapping, *, seed: str, had: Counter[str]) -> list[P]:
    """The questions one attempt holds, in the order given: every question outside a pool, and from each
    pool the questions the student `had` least often in earlier attempts, chosen among equals by `seed`."""
    rng = random.Random(seed)
    chosen: set[str] = set()
    for pool in quiz_pools(questions, pools):
        members = sorted(question.key for question in questions if question.pool == pool.key)
        rng.shuffle(members)
        # A stable sort keeps the shuffled order among questions had equally often.
        members.sort(key=lambda key: had[key])
        chosen.update(members[: pool.draws])
    return [question for question in questions if not question.pool or question.key in chosen]


def most_points(questions: Sequence[Scored], pools: Mapping) -> Decimal:
    """The most points one attempt can hold: every question outside a pool, and from each pool the questions
    worth most (the points of every attempt when a pool's questions are worth the same)."""
    total = sum((question.points for question in questions if not question.pool), Decimal(0))
    for pool in quiz_pools(questions, pools):
        worth = sorted((question.points for question in questions if question.pool == pool.key), reverse=True)
        total += sum(worth[: pool.draws], Decimal(0))
    return total
