"""What pages read: each function runs a fixed number of queries, however many attempts there are.

The teacher's pages and the student's dashboard, history and result. Pages read stored
verdicts and never grade again. Open attempts past their deadline are closed (through
the services) before anything about them is read.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.paginator import Page, Paginator
from django.db.models import (
    Case,
    Count,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.utils import timezone
from django.utils.translation import gettext

from quiz import services
from quiz.grading import CountingGrade, counting_grade
from quiz.markup import ConceptMark, concept_checklist, highlight_suggestion, histogram_svg
from quiz.models import (
    Accommodation,
    AnswerKind,
    Attempt,
    AttemptEvent,
    AttemptState,
    Part,
    Question,
    Quiz,
    Response,
    ResponseStatus,
    ScoreChange,
    StandingAccommodation,
    Visibility,
    awaiting_review_condition,
)
from quiz.roles import STUDENTS, TEACHERS

GRADEBOOK_PAGE_SIZE = 25
ROSTER_PAGE_SIZE = 50



def _pending(prefix: str = "") -> Q:
    """Responses of submitted attempts waiting for a teacher, from a model `prefix` away."""
    return awaiting_review_condition(prefix) & ~Q(**{f"{prefix}attempt__state": AttemptState.IN_PROGRESS})


# --- My quizzes --------------------------------------------------------------------------------


@dataclass
class QuizSummary:
    quiz: Quiz
    started: int
    submitted: int
    awaiting_review: int
    percentages: list[float] = field(default_factory=list)

    @property
    def mean(self) -> float | None:
        return statistics.fmean(self.percentages) if self.percentages else None

    @property
    def median(self) -> float | None:
        return statistics.median(self.percentages) if self.percentages else None

    @property
    def histogram(self):
        return histogram_svg(self.percentages, element_id=f"histogram-{self.quiz.pk}")


def quiz_summaries() -> list[QuizSummary]:
    """Every quiz with its attempt counts and the scores of its finished attempts, in percent;
    overdue attempts are submitted first."""
    services.close_overdue_attempts()
    quizzes = Quiz.objects.annotate(
        started=Count("attempts"),
        submitted=Count("attempts", filter=~Q(attempts__state=AttemptState.IN_PROGRESS)),
        awaiting_review=Count("attempts", filter=Q(attempts__state=AttemptState.NEEDS_REVIEW)),
    )
    summaries = {
        quiz.pk: QuizSummary(quiz, quiz.started, quiz.submitted, quiz.awaiting_review) for quiz in quizzes
    }
    finished = Attempt.objects.finished().filter(score__isnull=False, max_score__gt=0)
    for quiz_id, score, max_score in finished.values_list("quiz_id", "score", "max_score"):
        summaries[quiz_id].percentages.append(float(score * 100 / max_score))
    return list(summaries.values())


# --- Gradebook ---------------------------------------------------------------------------------

SORTS = {
    "student": ("student__last_name", "student__first_name", "student__username", "number"),
    "started": ("started_at",),
    "submitted": (F("submitted_at").asc(nulls_last=True),),
    "duration": (F("duration").asc(nulls_last=True),),
    "score": (F("score").asc(nulls_last=True),),
    "state": ("state_order", "student__last_name", "student__first_name", "student__username"),
}
"""Gradebook orderings by the name in the page's ?sort=; a leading minus reverses one."""


@dataclass(frozen=True)
class GradebookFilters:
    student: str = ""
    state: str = ""
    min_percent: Decimal | None = None
    max_percent: Decimal | None = None
    sort: str = "student"


@dataclass
class GradebookRow:
    attempt: Attempt
    question_points: list[float | None]

    @property
    def duration_text(self) -> str:
        """“42 min”, “1 h 05 min”; a dash while the attempt is open."""
        if self.attempt.duration is None:
            return "—"
        minutes = round(self.attempt.duration.total_seconds() / 60)
        if minutes >= 60:
            return gettext("%(hours)s h %(minutes)s min") % {"hours": minutes // 60, "minutes": f"{minutes % 60:02d}"}
        return gettext("%(minutes)s min") % {"minutes": minutes}


def _ordering(sort: str) -> list:
    descending, name = sort.startswith("-"), sort.removeprefix("-")
    fields = SORTS.get(name, SORTS["student"])
    if not descending:
        return [*fields, "pk"]
    return [_reverse(item) for item in fields] + ["-pk"]


def _reverse(item):
    if isinstance(item, str):
        return f"-{item}"
    return item.expression.desc(nulls_last=True)


STATE_ORDER = Case(
    *(When(state=state, then=Value(rank)) for rank, state in enumerate(AttemptState.values)),
    output_field=IntegerField(),
)
"""States in the order an attempt lives through them, for sorting: in progress first, graded last."""


def gradebook_attempts(quiz: Quiz, filters: GradebookFilters) -> QuerySet[Attempt]:
    attempts = (
        Attempt.objects.filter(quiz=quiz)
        .select_related("student")
        .annotate(
            duration=ExpressionWrapper(F("submitted_at") - F("started_at"), output_field=DurationField()),
            state_order=STATE_ORDER,
        )
    )
    if filters.student:
        text = filters.student
        attempts = attempts.filter(
            Q(student__username__icontains=text) | Q(student__first_name__icontains=text)
            | Q(student__last_name__icontains=text)
        )
    if filters.state:
        attempts = attempts.filter(state=filters.state)
    if filters.min_percent is not None:
        attempts = attempts.filter(score__gte=F("max_score") * filters.min_percent / 100)
    if filters.max_percent is not None:
        attempts = attempts.filter(score__lte=F("max_score") * filters.max_percent / 100)
    return attempts.order_by(*_ordering(filters.sort))


def gradebook_questions(quiz: Quiz) -> list[Question]:
    """The quiz's questions, each with its total points, as the gradebook's columns."""
    return list(quiz.questions.annotate(points=Sum("parts__points")).order_by("order", "key"))


@dataclass
class Gradebook:
    page: Page
    questions: list[Question]
    rows: list[GradebookRow]


def gradebook_page(quiz: Quiz, filters: GradebookFilters, page_number) -> Gradebook:
    """One page of attempts with their points per question, in four queries however long the page:
    the count, the attempts, their scores per question, and the question columns."""
    page = Paginator(gradebook_attempts(quiz, filters), GRADEBOOK_PAGE_SIZE).get_page(page_number)
    attempts = list(page.object_list)
    points = _points_by_question([attempt.pk for attempt in attempts])
    questions = gradebook_questions(quiz)
    rows = [
        GradebookRow(attempt, [points.get((attempt.pk, question.pk)) for question in questions])
        for attempt in attempts
    ]
    return Gradebook(page, questions, rows)


def _points_by_question(attempt_ids: list[int]) -> dict[tuple[int, int], float]:
    """Points that count, summed per attempt and question, from the final credit of each response."""
    if not attempt_ids:
        return {}
    totals = (
        Response.objects.filter(attempt_id__in=attempt_ids)
        .with_points()
        .values("attempt_id", "part__question_id")
        .annotate(points=Sum("verdict_points"))
    )
    return {
        (row["attempt_id"], row["part__question_id"]): row["points"] for row in totals if row["points"] is not None
    }


# --- Grades: one row per student ------------------------------------------------------------------


@dataclass
class StudentGrade:
    """A student's row in the gradebook by student: the grade that counts and every attempt, by number."""

    student: object
    attempts: list[Attempt]
    grade: CountingGrade | None


def student_grades(quiz: Quiz, students) -> list[StudentGrade]:
    """Each of these students with their attempts at the quiz and the grade that counts, in one query."""
    students = list(students)
    attempts: dict[int, list[Attempt]] = defaultdict(list)
    for attempt in Attempt.objects.filter(quiz=quiz, student__in=students).order_by("number"):
        attempt.quiz = quiz
        attempts[attempt.student_id].append(attempt)
    return [
        StudentGrade(
            student,
            attempts[student.pk],
            counting_grade(quiz.grading_method, [attempt for attempt in attempts[student.pk] if attempt.is_counted]),
        )
        for student in students
    ]


def students_with_attempts(quiz: Quiz, *, search: str = "") -> QuerySet:
    """Everyone with an attempt at the quiz, by name."""
    users = get_user_model().objects.filter(Exists(Attempt.objects.filter(quiz=quiz, student=OuterRef("pk"))))
    if search:
        users = users.filter(
            Q(username__icontains=search) | Q(first_name__icontains=search) | Q(last_name__icontains=search)
        )
    return users.order_by("last_name", "first_name", "username", "pk")


@dataclass
class GradesPage:
    page: Page
    rows: list[StudentGrade]


def student_grades_page(quiz: Quiz, search: str, page_number) -> GradesPage:
    """One page of students with the grade that counts and their attempts, in three queries however
    many students and attempts: the count, the students, their attempts."""
    page = Paginator(students_with_attempts(quiz, search=search), GRADEBOOK_PAGE_SIZE).get_page(page_number)
    return GradesPage(page, student_grades(quiz, page.object_list))


# --- Review queue ------------------------------------------------------------------------------


def review_parts(quiz: Quiz) -> list[Part]:
    """The quiz's free-text parts, and every part with an answer that could not be read still
    waiting for a teacher, each with how many answers wait for review and how many are confirmed."""
    unreadable = Exists(Response.objects.filter(_pending(), part=OuterRef("pk"), status=ResponseStatus.INVALID))
    return list(
        Part.objects.filter(Q(kind=AnswerKind.TEXT) | unreadable, question__quiz=quiz)
        .select_related("question")
        .prefetch_related("question__parts")
        .annotate(
            pending=Count("responses", filter=_pending("responses__")),
            confirmed=Count("responses", filter=Q(responses__review_score__isnull=False)),
        )
        .order_by("question__order", "order", "key")
    )


def pending_responses(part: Part) -> QuerySet[Response]:
    """Answers to one part waiting for a teacher, oldest submission first."""
    return (
        Response.objects.filter(_pending(), part=part)
        .select_related("attempt__student")
        .order_by("attempt__submitted_at", "pk")
    )


def next_pending(part: Part, *, after: int | None = None) -> Response | None:
    """The first pending answer, or the first one after the one a teacher skipped."""
    responses = pending_responses(part)
    if after is not None:
        rest = responses.filter(pk__gt=after).first()
        return rest or responses.exclude(pk=after).first()
    return responses.first()


def next_part_to_review(part: Part) -> Part | None:
    """The review queue's next part with answers waiting, after `part` in the queue's order and
    going round to its start; None when no other part has any."""
    parts = review_parts(part.question.quiz)
    keys = [each.pk for each in parts]
    here = keys.index(part.pk) if part.pk in keys else -1
    following = parts[here + 1 :] + parts[: max(here, 0)]
    return next((each for each in following if each.pending), None)


# --- One attempt -------------------------------------------------------------------------------


@dataclass
class PartRow:
    """One part on the teacher's attempt page, with the forms the view attaches."""

    part: Part
    response: Response | None
    review_form: object = None
    override_form: object = None

    @property
    def points(self) -> Decimal | None:
        return self.response.points if self.response else None

    @property
    def answer(self):
        return highlight_suggestion(self.response.text, self.response.suggestion_concepts)

    @property
    def answer_display(self) -> str:
        return self.part.display_answer(self.response.text)

    @property
    def concepts(self) -> list[ConceptMark]:
        rubric, response = self.part.spec().rubric, self.response
        return concept_checklist(rubric, response.concepts_found, response.suggestion_concepts)


def attempt_detail(attempt: Attempt) -> list[PartRow]:
    """Every part of the questions the attempt holds, with the student's response (None if never saved) and
    its history."""
    parts = (
        Part.objects.filter(question__quiz_id=attempt.quiz_id, question__key__in=attempt.question_keys)
        .select_related("question")
        .prefetch_related("question__parts")
    )
    responses = attempt.responses.select_related("reviewed_by", "overridden_by").prefetch_related(
        Prefetch("score_changes", queryset=ScoreChange.objects.select_related("changed_by"))
    )
    by_part = {response.part_id: response for response in responses}
    rows = []
    for part in parts:
        response = by_part.get(part.pk)
        if response is not None:
            response.part = part  # the forms and badges read the part: no query per response
        rows.append(PartRow(part, response))
    # In the order the student saw the questions, so teacher and student talk about the same page.
    return attempt.in_question_order(rows, lambda row: row.part.question.key)


@dataclass(frozen=True)
class PageReached:
    """With sequential navigation: the furthest page a student has moved to, of the attempt's pages."""

    number: int
    count: int


def page_reached(attempt: Attempt, rows: list[PartRow]) -> PageReached | None:
    """How far through a sequential quiz's pages the attempt went, counted from the attempt page's rows (no
    query); None where any page may be opened."""
    if not attempt.quiz.locks_pages_left:
        return None
    count = attempt.page_count(dict.fromkeys(row.part.question.key for row in rows))
    return PageReached(min(attempt.furthest_page, count), count)


def attempt_events(attempt: Attempt) -> QuerySet[AttemptEvent]:
    return attempt.events.select_related("actor")


# --- Rosters -----------------------------------------------------------------------------------


def students(*, search: str = "", group: Group | None = None) -> QuerySet:
    """Plain students: in Students, and neither teachers nor admins."""
    users = (
        get_user_model()
        .objects.filter(groups__name=STUDENTS, is_staff=False, is_superuser=False)
        .exclude(groups__name=TEACHERS)
        .select_related("standing_accommodation")
        .prefetch_related("groups")
        .order_by("last_name", "first_name", "username")
    )
    if search:
        users = users.filter(
            Q(username__icontains=search) | Q(first_name__icontains=search) | Q(last_name__icontains=search)
            | Q(email__icontains=search)
        )
    if group is not None:
        users = users.filter(groups=group)
    return users.distinct()


def class_groups() -> QuerySet[Group]:
    """The groups a quiz can be opened to: every group but the two roles, with their sizes."""
    return Group.objects.exclude(name__in=(STUDENTS, TEACHERS)).annotate(members=Count("user")).order_by("name")


# --- Accommodations ------------------------------------------------------------------------------


def accommodations(quiz: Quiz) -> QuerySet[Accommodation]:
    return quiz.accommodations.select_related("student", "created_by").order_by(
        "student__last_name", "student__first_name", "student__username"
    )


def accommodation_initial(quiz: Quiz, username: str) -> dict:
    """The accommodation form's values for a student: their current accommodation, to edit it."""
    current = quiz.accommodations.select_related("student").filter(student__username=username).first()
    if current is None:
        return {"username": username[:150]}
    return {
        "username": username,
        "extra_minutes": current.extra_minutes,
        "extra_attempts": current.extra_attempts,
        "reason": current.reason,
    }


# --- What a student sees ----------------------------------------------------------------------


@dataclass(frozen=True)
class Review:
    """Which review information the student may see now, from the quiz's settings."""

    score: bool
    feedback: bool
    answers: bool
    solutions: bool


def review_visibility(attempt: Attempt, now: datetime | None = None, *, attempts_used_up: bool | None = None) -> Review:
    """What the attempt's student may see of it now; `attempts_used_up` (whether the student has finished
    every attempt allowed) is read from the database when not given."""
    if attempt.is_open:
        return Review(score=False, feedback=False, answers=False, solutions=False)
    quiz = attempt.quiz
    if attempts_used_up is None:
        attempts_used_up = _waits_for_last_attempt(quiz, now) and services.attempts_used_up(attempt.student_id, quiz)
    return Review(
        **{
            name: quiz.reveals(f"show_{name}", now, attempts_used_up=attempts_used_up)
            for name in ("score", "feedback", "answers", "solutions")
        }
    )


def _waits_for_last_attempt(quiz: Quiz, now: datetime | None) -> bool:
    """Whether some review setting waits for the student's last attempt, so it must be known."""
    settings = (quiz.show_score, quiz.show_feedback, quiz.show_answers, quiz.show_solutions)
    return Visibility.AFTER_LAST_ATTEMPT in settings and not quiz.is_closed(now)


def _used_up(attempts: list[Attempt], limit: int) -> bool:
    """services.attempts_used_up for attempts already read: every attempt allowed is finished."""
    return sum(not attempt.is_open for attempt in attempts) >= limit


SCORE_EVENTS = (AttemptEvent.Kind.REVIEWED, AttemptEvent.Kind.OVERRIDDEN, AttemptEvent.Kind.REGRADED)


def student_log(attempt: Attempt, review: Review) -> list[AttemptEvent]:
    """The attempt's log as its student may read it: until the quiz shows scores, a score
    change is listed without its detail, which names the points."""
    events = list(attempt.events.select_related("actor"))
    if not review.score:
        for event in events:
            if event.kind in SCORE_EVENTS:
                event.detail = ""
    return events


@dataclass
class AttemptRow:
    attempt: Attempt
    review: Review


@dataclass
class QuizCard:
    """One quiz on a student's dashboard: where the student stands and what comes next."""

    quiz: Quiz
    attempts: list[AttemptRow]
    limit: int
    time_limit: int | None
    now: datetime
    grade: CountingGrade | None = None
    """The grade that counts by the quiz's grading method, once an attempt is finished."""

    @property
    def shows_grade(self) -> bool:
        """Whether the student may see the grade's points: every attempt it is made of shows its total
        (released, and not awaiting a teacher unless the quiz shows suggested scores), as _score.html does."""
        counted = {attempt.pk for attempt in self.grade.counted} if self.grade else set()
        rows = [row for row in self.attempts if row.attempt.pk in counted]
        provisional_shown = self.quiz.show_suggested_scores
        return bool(rows) and all(
            row.review.score and (row.attempt.state != AttemptState.NEEDS_REVIEW or provisional_shown) for row in rows
        )

    @property
    def used(self) -> int:
        return len(self.attempts)

    @property
    def left(self) -> int:
        return max(self.limit - self.used, 0)

    @property
    def current(self) -> Attempt | None:
        return next((row.attempt for row in self.attempts if row.attempt.is_open), None)

    @property
    def latest(self) -> AttemptRow | None:
        return self.attempts[0] if self.attempts else None

    @property
    def status(self) -> str:
        """One of: in_progress, upcoming, closed, done (no attempts left), submitted, not_started."""
        if self.current is not None:
            return "in_progress"
        if self.quiz.opens_at is not None and self.quiz.opens_at > self.now:
            return "upcoming"
        if self.quiz.is_closed(self.now):
            return "closed"
        if not self.left:
            return "done"
        return "submitted" if self.attempts else "not_started"

    @property
    def can_start(self) -> bool:
        return self.status in ("in_progress", "submitted", "not_started")


def quiz_cards(student, *, quiz: Quiz | None = None, now: datetime | None = None) -> list[QuizCard]:
    """The student's quizzes (or one of them) with their attempts, in a fixed number of queries."""
    now = now or timezone.now()
    services.close_overdue_attempts(student=student, now=now)
    quizzes = list(services.available_quizzes(student)) if quiz is None else [quiz]
    attempts: dict[int, list[Attempt]] = defaultdict(list)
    for attempt in Attempt.objects.filter(student=student, quiz__in=quizzes).order_by("-number"):
        attempts[attempt.quiz_id].append(attempt)
    accommodations = {a.quiz_id: a for a in Accommodation.objects.filter(student=student, quiz__in=quizzes)}
    standing = StandingAccommodation.objects.filter(student=student).first()
    cards = []
    for each in quizzes:
        accommodation = services.applied_accommodation(each, accommodations.get(each.pk), standing)
        limit = services.attempts_with_accommodation(each, accommodation)
        minutes = services.minutes_with_accommodation(each, accommodation)
        used_up = _used_up(attempts[each.pk], limit)
        rows = []
        for attempt in attempts[each.pk]:
            attempt.quiz = each
            rows.append(AttemptRow(attempt, review_visibility(attempt, now, attempts_used_up=used_up)))
        grade = counting_grade(each.grading_method, [row.attempt for row in rows if row.attempt.is_counted])
        cards.append(QuizCard(quiz=each, attempts=rows, limit=limit, time_limit=minutes, now=now, grade=grade))
    return cards


def attempt_history(student, now: datetime | None = None) -> list[AttemptRow]:
    now = now or timezone.now()
    services.close_overdue_attempts(student=student, now=now)
    attempts = list(Attempt.objects.filter(student=student).select_related("quiz").order_by("-started_at", "-id"))
    by_quiz: dict[int, list[Attempt]] = defaultdict(list)
    for attempt in attempts:
        if _waits_for_last_attempt(attempt.quiz, now):
            by_quiz[attempt.quiz_id].append(attempt)
    accommodations = (
        {a.quiz_id: a for a in Accommodation.objects.filter(student=student, quiz__in=list(by_quiz))} if by_quiz else {}
    )
    used_up = {
        quiz_id: _used_up(rows, services.attempts_with_accommodation(rows[0].quiz, accommodations.get(quiz_id)))
        for quiz_id, rows in by_quiz.items()
    }
    return [
        AttemptRow(attempt, review_visibility(attempt, now, attempts_used_up=used_up.get(attempt.quiz_id, False)))
        for attempt in attempts
    ]
