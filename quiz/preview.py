"""A question with one set of numbers: its answers, worked solutions, and trial grading.

Shared by `show_question`, `grade_answer` and the admin's question preview, so a teacher
trying an answer sees exactly what a student's attempt would get.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass

from django.utils.translation import gettext as _

import grader
from quiz.models import Part, Question

MAX_SEED = 2**31 - 1


class PreviewError(ValueError):
    """The question, part or numbers asked for cannot be used; the message says why."""


@dataclass(frozen=True)
class Variant:
    question: Question
    params: dict
    seed: int | None
    computation: grader.Computation | None

    @property
    def prompt(self) -> str:
        return grader.render_prompt(self.question.prompt, self.params, self.computation)


def find_question(quiz_key: str, question_key: str) -> Question:
    if "\x00" in quiz_key + question_key:
        # No key holds a NUL, and PostgreSQL refuses to compare text with one.
        raise PreviewError(f"no question {question_key!r} in quiz {quiz_key!r}")
    question = (
        Question.objects.filter(quiz__key=quiz_key, key=question_key)
        .select_related("quiz")
        .prefetch_related("parts")
        .first()
    )
    if question is None:
        raise PreviewError(f"no question {question_key!r} in quiz {quiz_key!r}")
    return question


def parse_params(text: str) -> dict:
    try:
        params = json.loads(text)
    except json.JSONDecodeError as error:
        raise PreviewError(f"--params is not valid JSON: {error.msg} (position {error.pos})") from error
    except ValueError as error:  # a number too long to convert
        raise PreviewError(f"--params cannot be read: {error}") from None
    except RecursionError:
        raise PreviewError("--params nests lists or objects too deeply") from None
    if not isinstance(params, dict):
        raise PreviewError("--params must be a JSON object, e.g. '{\"stride\": 1}'")
    return params


def make_variant(question: Question, *, seed: int | None = None, params: dict | None = None) -> Variant:
    """The question's seed numbers, a random variant drawn with `seed`, or the given numbers;
    given numbers may be partial: the missing ones keep the question's own."""
    values = dict(question.draw_variant(seed))
    if params:
        unknown = sorted(set(params) - set(question.params))
        if unknown:
            raise PreviewError(f"unknown parameter(s) for {question.key}: {', '.join(unknown)}")
        values.update(params)
    try:
        computation = question.computation(values)
    except ValueError as error:
        message = _("invalid parameters for %(key)s: %(problem)s") % {"key": question.key, "problem": error}
        raise PreviewError(message) from error
    except RecursionError:
        message = _("invalid parameters for %(key)s: lists nested too deeply") % {"key": question.key}
        raise PreviewError(message) from None
    return Variant(question=question, params=values, seed=seed, computation=computation)


def random_seed() -> int:
    return random.SystemRandom().randint(0, MAX_SEED)


def find_part(variant: Variant, part_key: str) -> Part:
    for part in variant.question.parts.all():
        if part.key == part_key:
            return part
    raise PreviewError(f"no part {part_key!r} in {variant.question.key}")


def describe(variant: Variant) -> dict:
    """The question with its numbers and each part's canonical answer, as JSON-ready data."""
    parts = {}
    for part in variant.question.parts.all():
        spec = part.spec()
        answer, display = grader.expected_answer(spec, variant.computation)
        parts[part.key] = {
            "prompt": grader.render_prompt(part.prompt, variant.params, variant.computation),
            "kind": part.kind,
            "answer": answer,
            "display": display,
            "solution": grader.worked_solution(spec, variant.computation),
        }
    return {
        "quiz": variant.question.quiz.key,
        "question": variant.question.key,
        "seed": variant.seed,
        "prompt": variant.prompt,
        "params": variant.params,
        "parts": parts,
    }


def try_answers(variant: Variant, part: Part, answers: list[str]) -> list[dict]:
    """Grade answers to one part exactly as an attempt with these numbers would be graded."""
    spec = part.spec()
    return [{"answer": text, **_verdict_fields(grader.grade_part(spec, variant.computation, text))} for text in answers]


def _verdict_fields(verdict: grader.Verdict) -> dict:
    return {
        "score": verdict.score,
        "status": verdict.status,
        "mistake": verdict.mistake,
        "feedback": verdict.feedback,
        "expected": verdict.expected,
        "concepts_found": list(verdict.concepts_found),
        "concepts_missed": list(verdict.concepts_missed),
    }
