"""Copies made in the admin: a quiz with its questions, a question in its own quiz, questions
into another quiz (how new quizzes are assembled). Copies are the admin's own: loading a bank
file never takes them for its questions (their bank hashes are empty), and no student's work
comes along.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.db.models import Max

from quiz.models import Part, Question, Quiz

COPY_SUFFIX = "-copy"


def free_key(taken: set[str], key: str, max_length: int) -> str:
    """`key-copy`, or `key-copy-2`, … : the first not in `taken`, within `max_length`."""
    number = 1
    while True:
        suffix = COPY_SUFFIX if number == 1 else f"{COPY_SUFFIX}-{number}"
        candidate = key[: max_length - len(suffix)] + suffix
        if candidate not in taken:
            return candidate
        number += 1


@transaction.atomic
def duplicate_quiz(quiz: Quiz) -> Quiz:
    """A copy of the quiz, its settings, class groups, questions and parts, titled “Copy of …”."""
    groups = list(quiz.groups.all())
    questions = list(quiz.questions.prefetch_related("parts"))
    taken = set(Quiz.objects.values_list("key", flat=True))
    copy = Quiz.objects.get(pk=quiz.pk)
    copy.pk = None
    copy.key = free_key(taken, quiz.key, Quiz._meta.get_field("key").max_length)
    copy.title = f"Copy of {quiz.title}"[: Quiz._meta.get_field("title").max_length]
    copy.bank_hashes = {}
    copy.save()
    copy.groups.set(groups)
    for question in questions:
        _copy_question(question, into=copy, key=question.key, order=question.order)
    return copy


@transaction.atomic
def copy_questions(questions: Iterable[Question], *, into: Quiz) -> list[Question]:
    """The questions copied, with their parts, to the end of `into`, in their order; a key the
    quiz already has gets `-copy` (so copying a question into its own quiz duplicates it)."""
    taken = set(into.questions.values_list("key", flat=True))
    order = (into.questions.aggregate(last=Max("order"))["last"] or 0) + 1
    copies = []
    for question in sorted(questions, key=lambda each: (each.quiz_id, each.order, each.key)):
        key = question.key if question.key not in taken else free_key(taken, question.key, _QUESTION_KEY_LENGTH)
        taken.add(key)
        copies.append(_copy_question(question, into=into, key=key, order=order))
        order += 1
    return copies


_QUESTION_KEY_LENGTH = Question._meta.get_field("key").max_length


def _copy_question(question: Question, *, into: Quiz, key: str, order: int) -> Question:
    parts = list(question.parts.all())
    copy = Question.objects.get(pk=question.pk)
    copy.pk = None
    copy.quiz, copy.key, copy.order, copy.bank_hashes = into, key, order, {}
    copy.save()
    Part.objects.bulk_create(
        Part(**{field.attname: getattr(part, field.attname) for field in Part._meta.concrete_fields
                if field.attname not in ("id", "question_id", "bank_hashes")}, question=copy)
        for part in parts
    )  # fmt: skip
    return copy


@transaction.atomic
def assemble_quiz(questions: Iterable[Question], *, key: str, title: str) -> Quiz:
    """A new quiz (every setting at its default) made of copies of these questions."""
    quiz = Quiz.objects.create(key=key, title=title)
    copy_questions(questions, into=quiz)
    return quiz
