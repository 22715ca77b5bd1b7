"""An attempt as its pages show it: each question with the attempt's own numbers, the
given data as tables, and each part's input, answer, status and worked solution.

The attempt page, the result page and the admin's question preview all draw from these
sheets, so a question looks the same wherever it appears.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

import grader
from quiz.markup import ConceptMark, concept_checklist
from quiz.models import Attempt, Part, Question, Response, ResponseStatus
from quiz.services import part_key, part_key_of

logger = logging.getLogger(__name__)

@dataclass
class GivenData:
    """A parameter shown to the student: a scalar, a vector, a matrix or a stack of matrices."""

    label: str
    kind: str
    value: object


@dataclass
class PartSheet:
    part: Part
    response: Response
    prompt: str
    message: str | None = None
    solution: list[str] = field(default_factory=list)
    choice_order: list[dict] | None = None
    """A choice part's choices in the order this attempt shows them; None: the part's own order."""

    @property
    def key(self) -> str:
        return part_key(self.part)

    @property
    def choices(self) -> list[dict]:
        return self.part.choices if self.choice_order is None else self.choice_order

    @property
    def answered(self) -> bool:
        return bool(self.response.text.strip())

    @property
    def checkable(self) -> bool:
        """The attempt page offers a Check button: the quiz allows checks, and the part is not a written answer."""
        return self.response.attempt.quiz.allow_checks and self.part.is_checkable

    @property
    def hints_shown(self) -> list[str]:
        return self.part.hints_shown(self.response.wrong_checks, self.response.hints_asked)

    @property
    def hints_left(self) -> bool:
        """Another hint can be asked for."""
        return len(self.hints_shown) < len(self.part.hints)

    @property
    def wrong_checks_before_solution(self) -> int:
        """How many more wrong checks until the worked solution is offered; 0: offered, or never."""
        quiz = self.response.attempt.quiz
        return max(0, quiz.solution_after_checks - self.response.wrong_checks) if quiz.solution_after_checks else 0

    @property
    def status(self) -> str:
        """The status to show: once a teacher has scored the part, their score decides it."""
        return self.response.counted_status

    @property
    def status_label(self) -> str:
        return ResponseStatus(self.status).label

    @property
    def answer_display(self) -> str:
        """The answer as the student gave it; a choice by its label."""
        return self.part.display_answer(self.response.text)

    @property
    def picked(self) -> set[str]:
        """The keys of the choices the answer picks, as the page sends them ("a, c")."""
        return {key.strip() for key in self.response.text.split(",")}

    @property
    def hint(self) -> str:
        """The formats students may type (none for a choice or free text)."""
        return grader.kind_info(self.part.kind).hint_for(self.part.unit)

    @property
    def input_template(self) -> str:
        """The input the part's kind is typed in."""
        return f"student/parts/_{grader.kind_info(self.part.kind).input}.html"

    @property
    def points_earned(self) -> Decimal | None:
        """The points that count, or while a teacher has yet to decide, the points suggested."""
        return self.response.points

    @property
    def points_decided(self) -> Decimal:
        """The points earned once they are no longer a suggestion; 0 while the part awaits a teacher."""
        return Decimal(0) if self.response.awaiting_review else self.points_earned or Decimal(0)

    @property
    def points_pending(self) -> Decimal:
        """The part's points while a teacher has yet to decide them."""
        return self.part.points if self.response.awaiting_review else Decimal(0)

    @property
    def concepts_visible(self) -> bool:
        """Students see the concepts their answer covered once the score is no longer a suggestion."""
        response = self.response
        graded = response.graded_at is not None
        return self.part.is_free_text and self.answered and graded and not response.awaiting_review

    @property
    def concepts(self) -> list[ConceptMark]:
        """Each rubric concept, and whether the answer covered it."""
        return concept_checklist(self.part.spec().rubric, self.response.concepts_found)


@dataclass
class QuestionSheet:
    question: Question
    prompt: str
    given: list[GivenData]
    parts: list[PartSheet]
    page: int = 1
    """The attempt page (from 1) that shows the question, with the quiz's questions per page."""

    @property
    def number(self) -> str:
        return self.question.key.removeprefix("q")

    @property
    def points(self) -> Decimal:
        return sum((sheet.part.points for sheet in self.parts), Decimal(0))

    @property
    def points_earned(self) -> Decimal:
        """The points that count, with the suggestions for parts a teacher has yet to decide."""
        return sum((sheet.points_earned or Decimal(0) for sheet in self.parts), Decimal(0))

    @property
    def points_decided(self) -> Decimal:
        return sum((sheet.points_decided for sheet in self.parts), Decimal(0))

    @property
    def points_pending(self) -> Decimal:
        return sum((sheet.points_pending for sheet in self.parts), Decimal(0))

    @property
    def answered(self) -> int:
        return sum(sheet.answered for sheet in self.parts)


@dataclass
class AttemptSheet:
    """An attempt's questions as its pages show them."""

    questions: list[QuestionSheet]

    def __iter__(self):
        return iter(self.questions)

    @property
    def awaiting_review(self) -> int:
        return sum(sheet.response.awaiting_review for question in self.questions for sheet in question.parts)

    @property
    def points_decided(self) -> Decimal:
        """The total so far: every part's points but those a teacher has yet to decide."""
        return sum((question.points_decided for question in self.questions), Decimal(0))

    @property
    def points_pending(self) -> Decimal:
        """How many points a teacher has yet to decide."""
        return sum((question.points_pending for question in self.questions), Decimal(0))


@dataclass
class SheetPage:
    """One page of an attempt's questions, and which pages a student may open from it."""

    number: int
    count: int
    questions: list[QuestionSheet]
    first_open: int
    """The first page the student may open: the furthest reached with sequential navigation, else 1."""
    last_open: int
    """The last page the student may open by its link: with sequential navigation only this one (Next moves on)."""

    @property
    def previous(self) -> int | None:
        return self.number - 1 if self.number - 1 >= self.first_open else None

    @property
    def next(self) -> int | None:
        return self.number + 1 if self.number < self.count else None


def sheet_page(attempt: Attempt, sheet: AttemptSheet, requested: int | None) -> SheetPage:
    """The page of the sheet a request for page `requested` shows (Attempt.page_to_show)."""
    count = max((question.page for question in sheet), default=1)
    number = attempt.page_to_show(requested, count)
    locked = attempt.quiz.locks_pages_left
    return SheetPage(
        number=number,
        count=count,
        questions=[question for question in sheet if question.page == number],
        first_open=number if locked else 1,
        last_open=number if locked else count,
    )


def other_page_parts(sheet: AttemptSheet, page: SheetPage) -> dict[str, dict]:
    """The parts on the pages besides `page`, as the navigator counts them (each part's question, the sequence of
    its stored answer, whether it is answered): attempt.mjs keeps those counts current with other windows' saves."""
    return {
        part.key: {"question": question.question.key, "sequence": part.response.sequence, "answered": part.answered}
        for question in sheet
        if question.page != page.number
        for part in question.parts
    }


def answer_message(part: Part, text: str) -> str | None:
    """The parser's message for a numeric answer it cannot read, shown while the student can fix it."""
    if not text.strip():
        return None
    spec = part.spec()
    if not spec.is_numeric:
        return None
    try:
        return grader.check_answer(spec, text)
    except Exception:  # any fault in the grader: the page still shows, and the teacher reads the answer
        logger.exception("checking an answer to %s failed", part_key(part))
        return _("This answer cannot be checked as you type; your teacher will read it.")


def attempt_sheet(attempt: Attempt, *, solutions: bool = False) -> AttemptSheet:
    """Every question the attempt holds, in its order, with its own numbers, given data and responses, in
    three queries."""
    questions = attempt.in_question_order(attempt.questions().prefetch_related("parts"), lambda q: q.key)
    responses = {response.part_id: response for response in attempt.responses.all()}
    pages = attempt.question_pages(question.key for question in questions)
    sheets = []
    for question in questions:
        params = attempt.params.get(question.key, question.params)
        computation = _computation(question, params)
        parts = []
        for part in question.parts.all():
            response = responses.get(part.pk) or Response(attempt=attempt, part=part)
            response.part = part
            parts.append(
                PartSheet(
                    part=part,
                    response=response,
                    prompt=grader.render_prompt(part.prompt, params, computation),
                    message=None if not attempt.is_open else answer_message(part, response.text),
                    solution=_solution(part, computation) if solutions or _offered(attempt, response) else [],
                    choice_order=attempt.in_choice_order(part_key_of(question, part), part.choices),
                )
            )
        sheets.append(
            QuestionSheet(
                question=question,
                prompt=grader.render_prompt(question.prompt, params, computation),
                given=[given_data(name, params[name]) for name in question.given if name in params],
                parts=parts,
                page=pages[question.key],
            )
        )
    return AttemptSheet(sheets)


def checked_part(attempt: Attempt, response: Response) -> PartSheet:
    """The part a check just graded (or a hint was asked for), as the attempt page shows what its checks
    found: with its hints, and the worked solution once the quiz offers it."""
    part = response.part
    params = attempt.params.get(part.question.key, part.question.params)
    computation = _computation(part.question, params)
    solution = _solution(part, computation) if _offered(attempt, response) else []
    prompt = grader.render_prompt(part.prompt, params, computation)
    return PartSheet(part=part, response=response, prompt=prompt, solution=solution)


def _offered(attempt: Attempt, response: Response) -> bool:
    """The worked solution is offered while the attempt is open, after the quiz's number of wrong checks."""
    return attempt.is_open and attempt.quiz.offers_solution(response.wrong_checks)


def _computation(question: Question, params: dict):
    try:
        return question.computation(params)
    except ValueError:
        # Numbers a teacher edited into something the calculator refuses: the page still
        # shows the question, with its prompt's names unfilled.
        return None


def _solution(part: Part, computation) -> list[str]:
    spec = part.spec()
    if not spec.is_numeric or computation is None:
        return []
    return grader.worked_solution(spec, computation)


def given_data(name: str, value) -> GivenData:
    """A parameter shown to the student, with how to draw it (scalar, vector, matrix, feature maps)."""
    label = name.replace("_", " ").capitalize()
    if isinstance(value, list) and value and all(isinstance(item, list) for item in value):
        if all(isinstance(cell, list) for item in value for cell in item):
            return GivenData(label, "maps", value)
        return GivenData(label, "matrix", value)
    if isinstance(value, list):
        return GivenData(label, "vector", value)
    return GivenData(label, "scalar", value)


@dataclass
class PartLink:
    """A part the submit page names, with the attempt page it is on; `page` is None for a page the student
    has left with sequential navigation, which cannot be opened again."""

    part: Part
    page: int | None
    message: str | None = None


def _part_links(attempt: Attempt) -> list[tuple[Response, PartLink]]:
    """The attempt's responses in the order its page shows their questions, each with its part's link."""
    responses = attempt.responses.select_related("part__question").prefetch_related("part__question__parts")
    ordered = attempt.in_question_order(responses, lambda response: response.part.question.key)
    pages = attempt.question_pages(dict.fromkeys(response.part.question.key for response in ordered))
    closed_before = attempt.furthest_page if attempt.quiz.locks_pages_left else 1
    links = []
    for response in ordered:
        page = pages[response.part.question.key]
        links.append((response, PartLink(response.part, page if page >= closed_before else None)))
    return links


def unanswered_parts(attempt: Attempt) -> list[PartLink]:
    return [link for response, link in _part_links(attempt) if not response.text.strip()]


def unreadable_parts(attempt: Attempt) -> list[PartLink]:
    """Answered parts whose text the grader cannot read, each with the grader's reason as its message."""
    found = []
    for response, link in _part_links(attempt):
        link.message = answer_message(response.part, response.text)
        if link.message:
            found.append(link)
    return found
