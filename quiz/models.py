"""What ConvQuiz stores: quizzes and their questions, and students' attempts at them.

Deleting or editing a question never silently deletes graded work: a Response protects
its Part, and an Attempt protects its Quiz and its student.
"""

from __future__ import annotations

import hashlib
import ipaddress
import json
import math
from collections.abc import Callable, Iterable
from datetime import timedelta
from decimal import Decimal
from functools import lru_cache
from typing import TypeVar

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.exceptions import FieldError, ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Case, F, FloatField, Q, Value, When
from django.db.models.fields.json import KeyTransformFactory
from django.db.models.functions import Cast, Coalesce
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

import grader
from quiz import pools

T = TypeVar("T")

BANK_HASHES_HELP = _(
    "A hash of each field as the last load of the bank file set it: a field that no longer matches it was "
    "edited since, and loading the file again keeps it (quiz/bank.py)."
)


class Visibility(models.TextChoices):
    """When students see one kind of review information about their attempt."""

    IMMEDIATELY = "immediately", _("Immediately after submitting")
    AFTER_LAST_ATTEMPT = "after_last_attempt", _("After the last attempt is used or the quiz closes")
    AFTER_CLOSE = "after_close", _("After the quiz closes")
    NEVER = "never", _("Never")


def validate_networks(value) -> None:
    """A list of address ranges in CIDR notation ("192.0.2.0/24", "2001:db8::/32"), or a single address."""
    if not isinstance(value, list):
        raise ValidationError("Write a list of address ranges, e.g. [\"192.0.2.0/24\"].", code="not_a_list")
    for entry in value:
        try:
            ipaddress.ip_network(entry, strict=False)
        except (TypeError, ValueError):
            raise ValidationError(
                "%(entry)s is not an address range: write it as 192.0.2.0/24 or 2001:db8::/32.",
                code="bad_network",
                params={"entry": repr(entry)},
            ) from None
def validate_hints(value) -> None:
    """A list of hints, each a text."""
    if not isinstance(value, list) or not all(isinstance(hint, str) and hint.strip() for hint in value):
        raise ValidationError("Write the hints as a list of texts, each one a hint.", code="bad_hints")


class GradingMethod(models.TextChoices):
    """Which of a student's finished attempts make the grade that counts (quiz.grading.counting_grade)."""

    HIGHEST = "highest", _("Highest attempt")
    LAST = "last", _("Last attempt")
    FIRST = "first", _("First attempt")
    AVERAGE = "average", _("Average of the attempts")


GRADING_METHOD_SENTENCES = {
    GradingMethod.HIGHEST: _("Your grade is the score of your best finished attempt."),
    GradingMethod.LAST: _("Your grade is the score of your last finished attempt, even if an earlier one scored more."),
    GradingMethod.FIRST: _("Your grade is the score of your first finished attempt; later attempts are practice."),
    GradingMethod.AVERAGE: _("Your grade is the average score of all your finished attempts."),
}


CHECKS_IN_AN_EXAM = (
    "Checking answers is for practice: a quiz with a time limit or an access code is an exam and cannot "
    "allow checks. Remove the time limit and the access code, or turn checks off."
)


class Quiz(models.Model):
    key = models.SlugField(verbose_name=_("key"), max_length=80, unique=True)
    title = models.CharField(verbose_name=_("title"), max_length=200)
    instructions = models.TextField(verbose_name=_("instructions"), blank=True)
    opens_at = models.DateTimeField(verbose_name=_("opens at"), null=True, blank=True, help_text=_("Empty: open now."))
    closes_at = models.DateTimeField(
        verbose_name=_("closes at"), null=True, blank=True, help_text=_("Empty: never closes.")
    )
    time_limit_minutes = models.PositiveIntegerField(
        verbose_name=_("time limit minutes"), null=True, blank=True, help_text=_("Empty: no time limit.")
    )
    attempts_allowed = models.PositiveSmallIntegerField(verbose_name=_("attempts allowed"), default=1)
    grading_method = models.CharField(
        verbose_name=_("grading method"),
        max_length=20,
        choices=GradingMethod.choices,
        default=GradingMethod.HIGHEST,
        help_text=_("Which of a student's finished attempts make the grade that counts (the gradebook, the LMS)."),
    )
    randomize_numbers = models.BooleanField(
        verbose_name=_("randomize numbers"),
        default=False, help_text=_("Give every attempt its own numbers, drawn from each question's ranges.")
    )
    first_attempt_seed_numbers = models.BooleanField(
        verbose_name=_("first attempt seed numbers"),
        default=False,
        help_text=_("With numbers of its own per attempt: a student's first attempt takes the questions' own "
        "numbers, and only later attempts draw new ones."),
    )
    shuffle_questions = models.BooleanField(
        verbose_name=_("shuffle questions"),
        default=False, help_text=_("Each attempt shows the questions in an order of its own, kept across reloads.")
    )
    shuffle_choices = models.BooleanField(
        verbose_name=_("shuffle choices"),
        default=False, help_text=_("Each attempt shows the options of a choice part in an order of its own.")
    )
    questions_per_page = models.PositiveSmallIntegerField(
        verbose_name=_("questions per page"),
        default=0,
        help_text=_("0: every question on one page. N: the attempt page shows N questions at a time, in the "
        "attempt's order, with Previous and Next."),
    )
    sequential = models.BooleanField(
        verbose_name=_("sequential"),
        default=False,
        help_text=_("With questions per page: students move through the pages in order with Next only; a page "
        "left cannot be opened again and its answers can no longer be changed."),
    )
    access_code = models.CharField(
        verbose_name=_("access code"),
        max_length=100, blank=True, help_text=_("Empty: none. Students type it on the start page to start an attempt.")
    )
    allowed_networks = models.JSONField(
        verbose_name=_("allowed networks"),
        default=list,
        blank=True,
        validators=[validate_networks],
        help_text=_('Empty: anywhere. Address ranges an attempt may be started, shown, saved and submitted from, '
        'e.g. ["192.0.2.0/24", "2001:db8::/32"]; behind proxies the address is read as TRUSTED_PROXY_COUNT says.'),
    )
    review_free_text = models.BooleanField(
        verbose_name=_("review free text"),
        default=True,
        help_text=_("Free-text scores stay provisional until a teacher confirms them; "
        "off: the rubric's suggestion is accepted as it is."),
    )
    show_suggested_scores = models.BooleanField(
        verbose_name=_("show suggested scores"),
        default=False,
        help_text=_("Students see the rubric's suggested score of a written answer, marked as a suggestion, "
        "before a teacher confirms it; off: they see “awaiting your teacher” and no number until then."),
    )
    show_score = models.CharField(
        verbose_name=_("show score"), max_length=20, choices=Visibility.choices, default=Visibility.IMMEDIATELY
    )
    show_feedback = models.CharField(
        verbose_name=_("show feedback"), max_length=20, choices=Visibility.choices, default=Visibility.IMMEDIATELY
    )
    show_answers = models.CharField(
        verbose_name=_("show answers"), max_length=20, choices=Visibility.choices, default=Visibility.AFTER_CLOSE
    )
    show_solutions = models.CharField(
        verbose_name=_("show solutions"), max_length=20, choices=Visibility.choices, default=Visibility.AFTER_CLOSE
    )
    groups = models.ManyToManyField(
        Group,
        verbose_name=_("groups"),
        blank=True,
        related_name="quizzes",
        help_text=_("Empty: open to every student."),
    )
    allow_checks = models.BooleanField(
        verbose_name=_("allow checks"),
        default=False,
        help_text=_("Practice: each part has a Check button that says whether the answer is right, with its "
        "feedback, before the attempt is submitted. Not for exams: a quiz with a time limit or an access code "
        "cannot allow it."),
    )
    check_penalty = models.DecimalField(
        verbose_name=_("check penalty"),
        max_digits=4,
        decimal_places=3,
        default=Decimal("0.1"),
        validators=[MinValueValidator(0), MaxValueValidator(1)],
        help_text=_("The share of a part's points each wrong check costs (0.1: 10 %), never more than the part."),
    )
    solution_after_checks = models.PositiveSmallIntegerField(
        verbose_name=_("solution after checks"),
        default=0, help_text=_("After this many wrong checks of a part its worked solution is offered; 0: never.")
    )
    hint_penalty = models.DecimalField(
        verbose_name=_("hint penalty"),
        max_digits=4,
        decimal_places=3,
        default=Decimal("0.05"),
        validators=[MinValueValidator(0), MaxValueValidator(1)],
        help_text=_("With checks: the share of a part's points each hint a student asks for costs (0.05: 5 %); "
        "hints that wrong checks show are free."),
    )
    pools = models.JSONField(
        verbose_name=_("pools"),
        default=dict,
        blank=True,
        help_text=_('How many questions each attempt draws from each pool, by pool key, e.g. {"pooling": 2}; '
        "a pool not named here draws one. Questions join a pool by their pool key."),
    )
    bank_hashes = models.JSONField(
        verbose_name=_("bank hashes"), default=dict, blank=True, editable=False, help_text=BANK_HASHES_HELP
    )

    class Meta:
        verbose_name = _("quiz")
        verbose_name_plural = _("quizzes")
        ordering = ["title"]
        constraints = [
            models.CheckConstraint(condition=Q(attempts_allowed__gte=1), name="quiz_allows_an_attempt"),
            models.CheckConstraint(
                condition=Q(opens_at__isnull=True) | Q(closes_at__isnull=True) | Q(closes_at__gt=models.F("opens_at")),
                name="quiz_closes_after_it_opens",
            ),
            models.CheckConstraint(
                condition=Q(allow_checks=False) | Q(time_limit_minutes__isnull=True, access_code=""),
                name="quiz_checks_only_in_practice",
                violation_error_message=CHECKS_IN_AN_EXAM,
            ),
            models.CheckConstraint(
                condition=Q(check_penalty__gte=0, check_penalty__lte=1), name="quiz_check_penalty_in_range"
            ),
            models.CheckConstraint(
                condition=Q(hint_penalty__gte=0, hint_penalty__lte=1), name="quiz_hint_penalty_in_range"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        super().clean()
        if self.sequential and not self.questions_per_page:
            raise ValidationError(
                {"sequential": _("Sequential navigation moves from page to page: set the questions per page too.")},
                code="sequential_without_pages",
            )
        if self.allow_checks and not self.is_practice:
            raise ValidationError({"allow_checks": CHECKS_IN_AN_EXAM}, code="checks_in_an_exam")

    @property
    def is_practice(self) -> bool:
        """Neither timed nor behind an access code: only such a quiz may let students check answers."""
        return self.time_limit_minutes is None and not self.access_code

    @property
    def check_penalty_percent(self) -> Decimal:
        """The check penalty as students read it: 10 for 0.1."""
        return self.check_penalty * 100

    @property
    def hint_penalty_percent(self) -> Decimal:
        """The hint penalty as students read it: 5 for 0.05."""
        return self.hint_penalty * 100

    @property
    def offers_variants(self) -> bool:
        """A practice quiz whose attempts draw numbers lets students ask for new numbers for a question."""
        return self.allow_checks and self.randomize_numbers

    def offers_solution(self, wrong_checks: int) -> bool:
        """Whether a part checked wrong this many times offers its worked solution."""
        return self.allow_checks and 0 < self.solution_after_checks <= wrong_checks

    def is_open(self, now=None) -> bool:
        now = now or timezone.now()
        return (self.opens_at is None or self.opens_at <= now) and not self.is_closed(now)

    def is_closed(self, now=None) -> bool:
        now = now or timezone.now()
        return self.closes_at is not None and self.closes_at <= now

    def question_pools(self) -> list[pools.Pool]:
        """The quiz's pools, each with how many questions it holds and how many an attempt draws."""
        return pools.quiz_pools(self.questions.exclude(pool="").only("key", "pool"), self.pools)

    @property
    def locks_pages_left(self) -> bool:
        """Whether pages an attempt has left are closed to it: sequential navigation over several pages."""
        return self.sequential and self.questions_per_page > 0

    def page_of_position(self, position: int) -> int:
        """The page (from 1) that shows the question at `position` (from 0) of an attempt's order."""
        return position // self.questions_per_page + 1 if self.questions_per_page else 1

    @property
    def grading_method_sentence(self) -> str:
        """The grading method as its students read it on the start page."""
        return GRADING_METHOD_SENTENCES[GradingMethod(self.grading_method)]

    def reveals(self, setting: str, now=None, *, attempts_used_up: bool = False) -> bool:
        """Whether a student may now see what `setting` (e.g. "show_answers") controls;
        `attempts_used_up`: the student has finished every attempt allowed."""
        value = getattr(self, setting)
        if value == Visibility.IMMEDIATELY:
            return True
        if value == Visibility.AFTER_LAST_ATTEMPT:
            return attempts_used_up or self.is_closed(now)
        if value == Visibility.AFTER_CLOSE:
            return self.is_closed(now)
        return False

    def admits(self, ip: str | None) -> bool:
        """Whether an attempt may be taken from this address: always without allowed networks,
        never from an unknown one with them."""
        if not self.allowed_networks:
            return True
        try:
            address = ipaddress.ip_address(ip or "")
        except ValueError:
            return False
        return any(address in ipaddress.ip_network(network, strict=False) for network in self.allowed_networks)


class OrderedMappingField(models.JSONField):
    """A JSON object that keeps its keys in the order they were written, on every database: PostgreSQL's
    jsonb sorts an object's keys, so the mapping is stored as [key, value] pairs and read back as a dict.
    Key lookups (`params__h`) would look into the pairs, not the mapping, so they are refused."""

    def get_prep_value(self, value):
        if isinstance(value, dict):
            value = [[key, item] for key, item in value.items()]
        return super().get_prep_value(value)

    def from_db_value(self, value, expression, connection):
        pairs = super().from_db_value(value, expression, connection)
        return dict(pairs) if isinstance(pairs, list) else pairs

    def get_transform(self, name):
        transform = super().get_transform(name)
        if isinstance(transform, KeyTransformFactory):
            raise FieldError(f"{self.name} is stored as [key, value] pairs: the key lookup {name!r} would miss.")
        return transform


class Question(models.Model):
    quiz = models.ForeignKey(Quiz, verbose_name=_("quiz"), on_delete=models.CASCADE, related_name="questions")
    key = models.SlugField(verbose_name=_("key"), max_length=40)
    order = models.PositiveSmallIntegerField(verbose_name=_("order"), default=0)
    title = models.CharField(verbose_name=_("title"), max_length=200)
    prompt = models.TextField(
        verbose_name=_("prompt"), help_text=_("A template filled from the parameters, e.g. {stride}.")
    )
    calculator = models.CharField(
        verbose_name=_("calculator"),
        max_length=40, blank=True, help_text=_("The grader calculator that computes the answers; empty for free text.")
    )
    params = OrderedMappingField(
        verbose_name=_("params"), default=dict, blank=True, help_text=_("The parameters with their seed values.")
    )
    ranges = OrderedMappingField(
        verbose_name=_("ranges"), default=dict, blank=True, help_text=_("The ranges random parameters are drawn from.")
    )
    given = models.JSONField(
        verbose_name=_("given"),
        default=list, blank=True, help_text=_("Parameters shown to the student as tables (sequences, matrices).")
    )
    formulas = models.JSONField(
        verbose_name=_("formulas"),
        default=list,
        blank=True,
        help_text=_("Instead of a calculator: [output, expression] pairs in order, e.g. "
        '[["out_h", "conv_output_size(h, k, stride, p)"]] (docs/authoring.md).'),
    )
    constraints = models.JSONField(
        verbose_name=_("constraints"),
        default=list, blank=True, help_text=_("For formulas: expressions every variant's numbers must make true.")
    )
    pool = models.SlugField(
        verbose_name=_("pool"),
        max_length=40,
        blank=True,
        help_text=_("Empty: every attempt holds this question. Questions sharing a pool key form a pool, "
        "from which each attempt draws as many as the quiz's pools say (one if it names none)."),
    )
    bank_hashes = models.JSONField(
        verbose_name=_("bank hashes"), default=dict, blank=True, editable=False, help_text=BANK_HASHES_HELP
    )

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["quiz", "order", "key"]
        constraints = [models.UniqueConstraint(fields=["quiz", "key"], name="unique_question_key_per_quiz")]

    def __str__(self) -> str:
        return f"{self.key}. {self.title}"

    def spec_dict(self, parts: list[dict]) -> dict:
        """The question as the grader checks it (the same shape as in the bank file), with these parts."""
        return {
            "key": self.key, "calculator": self.calculator, "params": self.params, "ranges": self.ranges,
            "given": self.given, "formulas": self.formulas, "constraints": self.constraints, "parts": parts,
        }  # fmt: skip

    @property
    def is_computed(self) -> bool:
        """Whether the question's numbers are computed, by a calculator or by formulas; else free text or choices."""
        return bool(self.calculator or self.formulas)

    def formula_question(self) -> grader.FormulaQuestion:
        """The formulas as the grader reads them (FormulaError if they cannot be built)."""
        definition = (self.params, self.ranges, self.formulas, self.constraints)
        return _formula_question(self.key, *(_json_key(value) for value in definition))

    def computation(self, params: dict) -> grader.Computation | None:
        """The question's outputs, working and prompt values for these numbers; None for a question
        nothing computes. ValueError if the numbers are refused."""
        if self.calculator:
            return grader.compute(self.calculator, params)
        if self.formulas:
            return grader.compute_formulas(self.formula_question(), params)
        return None

    def draw_variant(self, seed: int | None) -> dict:
        """The numbers drawn from the ranges with `seed`, where every known mistake of the parts
        (`self.parts.all()`, prefetched by the callers) can be told apart; the question's own
        numbers without a seed or for a question nothing computes."""
        if seed is None or not self.is_computed:
            return self.params
        parts = [part.spec() for part in self.parts.all()]
        if self.calculator:
            return grader.draw_params(self.calculator, self.params, self.ranges, seed, parts)
        return grader.draw_formula_params(self.formula_question(), seed, parts)


def _json_key(value) -> str:
    return json.dumps(value, separators=(",", ":"))


@lru_cache(maxsize=256)
def _formula_question(key: str, params: str, ranges: str, formulas: str, constraints: str) -> grader.FormulaQuestion:
    """Built once per definition: the grader caches computations per FormulaQuestion object."""
    return grader.FormulaQuestion(
        key, json.loads(params), dict(json.loads(formulas)), json.loads(ranges), json.loads(constraints)
    )


class AnswerKind(models.TextChoices):
    """The grader's answer kinds, with their labels in the admin (tests check none is missing)."""

    INTEGER = grader.AnswerKind.INTEGER, _("Integer")
    NUMBER = grader.AnswerKind.NUMBER, _("Number")
    QUANTITY = grader.AnswerKind.QUANTITY, _("Quantity with a unit")
    VECTOR = grader.AnswerKind.VECTOR, _("Vector")
    MATRIX = grader.AnswerKind.MATRIX, _("Matrix")
    DIMS = grader.AnswerKind.DIMS, _("Dimensions (height × width)")
    COUNT = grader.AnswerKind.COUNT, _("Count (parameters, FLOPs, MACs)")
    SELECT_ALL = grader.AnswerKind.SELECT_ALL, _("Select all that apply")
    SHAPE = grader.AnswerKind.SHAPE, _("Shape of a tensor (N, C, H, W)")
    CHOICE = grader.AnswerKind.CHOICE, _("Choice")
    TEXT = grader.AnswerKind.TEXT, _("Free text")


class Part(models.Model):
    question = models.ForeignKey(Question, verbose_name=_("question"), on_delete=models.CASCADE, related_name="parts")
    key = models.SlugField(verbose_name=_("key"), max_length=20)
    order = models.PositiveSmallIntegerField(verbose_name=_("order"), default=0)
    prompt = models.TextField(verbose_name=_("prompt"))
    points = models.DecimalField(verbose_name=_("points"), max_digits=6, decimal_places=2, default=1)
    kind = models.CharField(verbose_name=_("kind"), max_length=20, choices=AnswerKind.choices)
    output = models.CharField(
        verbose_name=_("output"), max_length=80, blank=True, help_text=_("Which calculator output is the answer.")
    )
    unit = models.CharField(
        verbose_name=_("unit"), max_length=20, blank=True, help_text=_("The unit the answer is asked in, e.g. MB.")
    )
    relative_tolerance = models.FloatField(verbose_name=_("relative tolerance"), default=0)
    absolute_tolerance = models.FloatField(verbose_name=_("absolute tolerance"), default=0)
    partial_credit = models.BooleanField(verbose_name=_("partial credit"), default=False, help_text=_(
        "Credit per right element when the shape is right."
    ))
    shape_feedback = models.TextField(
        verbose_name=_("shape feedback"), blank=True, help_text=_("Feedback for an answer of the wrong shape.")
    )
    mistakes = models.JSONField(
        verbose_name=_("mistakes"),
        default=list,
        blank=True,
        help_text=_("Known mistakes: key, output, credit, feedback; optionally a label, "
        "a short plain name for the statistics (“forgot the biases”)."),
    )
    choices = models.JSONField(
        verbose_name=_("choices"),
        default=list,
        blank=True,
        help_text=_("For choice parts: key and label of each choice."),
    )
    correct_choice = models.CharField(
        verbose_name=_("correct choice"), max_length=40, blank=True, help_text=_(
            "The right choice's key; for select-all parts, the right keys, e.g. a,c."
        )
    )
    rubric = models.JSONField(verbose_name=_("rubric"), default=list, blank=True, help_text=_(
        "For free text: key, label, phrases of each concept."
    ))
    significant_figures = models.PositiveSmallIntegerField(
        verbose_name=_("significant figures"),
        null=True, blank=True, help_text=_("For numbers, sizes, counts: significant figures an answer is written with.")
    )
    decimal_places = models.PositiveSmallIntegerField(
        verbose_name=_("decimal places"),
        null=True, blank=True, help_text=_("For numbers, sizes, counts: decimals an answer is written with.")
    )
    hints = models.JSONField(
        verbose_name=_("hints"),
        default=list,
        blank=True,
        validators=[validate_hints],
        help_text=_("In quizzes with checks: hints, in the order they are shown."),
    )
    hint_after_checks = models.PositiveSmallIntegerField(
        verbose_name=_("hint after checks"),
        default=1,
        help_text=_("Each hint is shown free after this many more wrong checks (1: a hint per wrong check); "
        "0: only when asked for, at the quiz's hint penalty."),
    )
    bank_hashes = models.JSONField(
        verbose_name=_("bank hashes"), default=dict, blank=True, editable=False, help_text=BANK_HASHES_HELP
    )

    SPEC_FIELDS = (
        "kind", "output", "unit", "relative_tolerance", "absolute_tolerance",
        "partial_credit", "shape_feedback", "mistakes", "choices", "rubric", "significant_figures", "decimal_places",
    )
    """The columns that hold the part's spec under the bank file's own names (the key and the
    correct choice, named `correct` in the file, aside)."""
    PRACTICE_FIELDS = ("hints", "hint_after_checks")
    """What a practice quiz shows of the part besides grading it, under the bank file's own names."""

    class Meta:
        verbose_name = _("part")
        verbose_name_plural = _("parts")
        ordering = ["question__order", "order", "key"]
        constraints = [
            models.UniqueConstraint(fields=["question", "key"], name="unique_part_key_per_question"),
            models.CheckConstraint(condition=Q(points__gt=0), name="part_points_positive"),
            models.CheckConstraint(
                condition=Q(relative_tolerance__gte=0, absolute_tolerance__gte=0), name="part_tolerance_not_negative"
            ),
        ]

    _parsed_spec: grader.PartSpec | None = None

    def __str__(self) -> str:
        return self.label

    def save(self, *args, **kwargs) -> None:
        self._parsed_spec = None
        super().save(*args, **kwargs)

    def refresh_from_db(self, *args, **kwargs) -> None:
        self._parsed_spec = None
        super().refresh_from_db(*args, **kwargs)

    @property
    def label(self) -> str:
        """How students and teachers name the part, in the reader's language: "Question 2b", or "Question 1"
        alone ("Frage 2b" in German; the CSV downloads name it in English, quiz.exports)."""
        number = self.question.key.removeprefix("q")
        # parts.all() reads the prefetch cache when a page prefetched the parts.
        if len(self.question.parts.all()) == 1:
            return gettext("Question %(number)s") % {"number": number}
        return gettext("Question %(number)s%(part)s") % {"number": number, "part": self.key}

    @property
    def is_free_text(self) -> bool:
        return self.kind == AnswerKind.TEXT

    @property
    def is_checkable(self) -> bool:
        """Its answer may be checked before submitting where the quiz allows checks, and so its hints shown; not a
        written answer, whose score waits for a teacher."""
        return grader.kind_info(self.kind).checkable

    @property
    def is_numeric(self) -> bool:
        """Answered with numbers (a value, a vector, a matrix, sizes), not words or choices."""
        return grader.kind_info(self.kind).computed

    def display_answer(self, text: str) -> str:
        """An answer as people read it: a choice by its label (choices picked together, by theirs), anything
        else as typed."""
        labels = {choice["key"]: choice["label"] for choice in self.choices}
        if text in labels:
            return labels[text]
        keys = [key.strip() for key in text.split(",")]
        return "; ".join(labels[key] for key in keys) if labels and all(key in labels for key in keys) else text

    def hints_shown(self, wrong_checks: int, hints_asked: int) -> list[str]:
        """The hints a student sees: one per `hint_after_checks` wrong checks, and those asked for, in order."""
        free = wrong_checks // self.hint_after_checks if self.hint_after_checks else 0
        return self.hints[: free + hints_asked]

    def spec_dict(self) -> dict:
        """The part as the grader reads it (the same shape as in the bank file)."""
        spec = {name: getattr(self, name) for name in self.SPEC_FIELDS}
        return {"key": self.key, **spec, "correct": self.correct_choice}

    def spec(self) -> grader.PartSpec:
        """The spec, parsed once per instance: a page asks for it once per response. Saving or
        reloading the part parses it again; change its fields through either."""
        if self._parsed_spec is None:
            self._parsed_spec = grader.PartSpec.from_dict(self.spec_dict())
        return self._parsed_spec



class BankChange(models.Model):
    """One change a load of a question bank file made to a quiz, a question or a part, with what changed;
    shown in the admin's history of that object beside the admin's own edits."""

    class Action(models.TextChoices):
        CREATED = "created", _("Created")
        UPDATED = "updated", _("Updated")
        REPLACED = "replaced", _("Replaced an edit with the file's version")
        DELETED = "deleted", _("Deleted")

    quiz = models.ForeignKey(Quiz, verbose_name=_("quiz"), on_delete=models.CASCADE, related_name="bank_changes")
    question_key = models.CharField(
        verbose_name=_("question key"), max_length=40, blank=True, help_text=_("Empty: the quiz itself.")
    )
    part_key = models.CharField(
        verbose_name=_("part key"), max_length=20, blank=True, help_text=_("Empty: the quiz or the question itself.")
    )
    action = models.CharField(verbose_name=_("action"), max_length=20, choices=Action.choices)
    detail = models.TextField(
        verbose_name=_("detail"), blank=True, help_text=_("One line per changed field: old → new.")
    )
    source = models.CharField(verbose_name=_("source"), max_length=255, help_text=_("The bank file's name."))
    at = models.DateTimeField(verbose_name=_("at"), default=timezone.now)

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["quiz", "question_key", "part_key"])]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.target} from {self.source} at {self.at:%Y-%m-%d %H:%M:%S}"

    @property
    def target(self) -> str:
        """What changed, named as the bank file's loader names it."""
        if self.part_key:
            return gettext("part %(key)s") % {"key": f"{self.question_key}{self.part_key}"}
        return gettext("question %(key)s") % {"key": self.question_key} if self.question_key else gettext("the quiz")


class AttemptState(models.TextChoices):
    IN_PROGRESS = "in_progress", _("In progress")
    NEEDS_REVIEW = "needs_review", _("Needs review")
    GRADED = "graded", _("Graded")


FINISHED_STATES = (AttemptState.NEEDS_REVIEW, AttemptState.GRADED)


class AttemptQuerySet(models.QuerySet):
    def finished(self) -> AttemptQuerySet:
        """Submitted and graded, whether or not a teacher has yet to review a part."""
        return self.filter(state__in=FINISHED_STATES)

    def counted(self) -> AttemptQuerySet:
        """The finished attempts with a score, in each student's order: what a grading method chooses from."""
        return self.finished().filter(score__isnull=False).order_by("student_id", "number")


class Attempt(models.Model):
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("student"), on_delete=models.PROTECT, related_name="attempts"
    )
    quiz = models.ForeignKey(Quiz, verbose_name=_("quiz"), on_delete=models.PROTECT, related_name="attempts")
    number = models.PositiveSmallIntegerField(
        verbose_name=_("number"), help_text=_("1 for a student's first attempt at the quiz.")
    )
    seed = models.BigIntegerField(
        verbose_name=_("seed"), null=True, blank=True, help_text=_("The seed the numbers were drawn with, if drawn.")
    )
    params = models.JSONField(
        verbose_name=_("params"), default=dict, help_text=_("The exact parameters of every question, by question key.")
    )
    question_keys = models.JSONField(
        verbose_name=_("question keys"),
        default=list,
        help_text=_("The questions this attempt holds, by key in the quiz's order: every question outside a pool, "
        "and those drawn from each pool."),
    )
    question_order = models.JSONField(
        verbose_name=_("question order"), default=list, blank=True, help_text=_(
            "The question keys in the order this attempt shows them; empty: the quiz's."
        )
    )
    choice_orders = models.JSONField(
        verbose_name=_("choice orders"),
        default=dict,
        blank=True,
        help_text=_("The choice keys of each choice part in the order this attempt shows them, "
        'e.g. {"q7a": ["c", "a", "b"]}.'),
    )
    furthest_page = models.PositiveSmallIntegerField(
        verbose_name=_("furthest page"),
        default=1,
        help_text=_(
            "The furthest page the student has moved to; with sequential navigation, earlier pages are closed."
        ),
    )
    variant_seeds = models.JSONField(
        verbose_name=_("variant seeds"),
        default=dict,
        blank=True,
        help_text=_("In practice, the questions the student asked new numbers for: the seed each was drawn with "
        'now, by question key, e.g. {"q2": 123}; `params` holds the numbers.'),
    )
    started_at = models.DateTimeField(verbose_name=_("started at"), default=timezone.now)
    deadline = models.DateTimeField(
        verbose_name=_("deadline"), null=True, blank=True, help_text=_("Empty: no deadline.")
    )
    submitted_at = models.DateTimeField(verbose_name=_("submitted at"), null=True, blank=True)
    auto_submitted = models.BooleanField(
        verbose_name=_("auto submitted"), default=False, help_text=_("Submitted by the server when time ran out.")
    )
    state = models.CharField(
        verbose_name=_("state"), max_length=20, choices=AttemptState.choices, default=AttemptState.IN_PROGRESS
    )
    score = models.DecimalField(verbose_name=_("score"), max_digits=8, decimal_places=3, null=True, blank=True)
    max_score = models.DecimalField(verbose_name=_("max score"), max_digits=8, decimal_places=3, default=0)

    objects = AttemptQuerySet.as_manager()

    class Meta:
        verbose_name = _("attempt")
        verbose_name_plural = _("attempts")
        ordering = ["-started_at"]
        constraints = [
            # Guards the attempt limit: two simultaneous starts cannot both take number N.
            models.UniqueConstraint(fields=["student", "quiz", "number"], name="unique_attempt_number"),
            # Guards resuming: of two simultaneous starts, the loser resumes the winner's attempt.
            models.UniqueConstraint(
                fields=["student", "quiz"],
                condition=Q(state="in_progress"),
                name="one_attempt_in_progress",
            ),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__gte=0), name="attempt_score_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__lte=models.F("max_score")),
                name="attempt_score_at_most_max",
            ),
        ]
        indexes = [models.Index(fields=["quiz", "state"])]

    def __str__(self) -> str:
        return f"{self.student} — {self.quiz} #{self.number}"

    def questions(self) -> models.QuerySet[Question]:
        """The quiz's questions this attempt holds, in the quiz's order."""
        return self.quiz.questions.filter(key__in=self.question_keys)

    @property
    def is_open(self) -> bool:
        return self.state == AttemptState.IN_PROGRESS

    @property
    def is_counted(self) -> bool:
        """Finished with a score: one a grading method chooses from (AttemptQuerySet.counted in SQL)."""
        return self.state in FINISHED_STATES and self.score is not None

    def is_overdue(self, now=None) -> bool:
        """True once the deadline and the grace period have passed while still open."""
        if not self.is_open or self.deadline is None:
            return False
        now = now or timezone.now()
        return now > self.deadline + timedelta(seconds=settings.ATTEMPT_GRACE_SECONDS)

    def in_question_order(self, items: Iterable[T], key: Callable[[T], str]) -> list[T]:
        """`items` (questions, or anything `key` gives a question key of) in the order this attempt shows
        them; a question the attempt never ordered (added since) follows in the quiz's order."""
        position = {question_key: index for index, question_key in enumerate(self.question_order)}
        return sorted(items, key=lambda item: position.get(key(item), len(position)))

    def question_pages(self, keys: Iterable[str]) -> dict[str, int]:
        """The page each of these question keys (every question of the attempt, in the quiz's order) is shown
        on, by its position in this attempt's order."""
        ordered = self.in_question_order(keys, lambda key: key)
        return {key: self.quiz.page_of_position(position) for position, key in enumerate(ordered)}

    def page_count(self, keys: Iterable[str] | None = None) -> int:
        """How many pages the attempt's questions take; `keys`, every question's key, where the caller has
        them loaded already (else they are read)."""
        keys = self.questions().values_list("key", flat=True) if keys is None else keys
        return max(self.question_pages(keys).values(), default=1)

    def page_to_show(self, requested: int | None, count: int) -> int:
        """The page a request for page `requested` of `count` shows: that page if it exists, else the first;
        with sequential navigation, always the furthest page reached (earlier ones are closed, later ones
        are reached with Next)."""
        if self.quiz.locks_pages_left:
            return min(self.furthest_page, count)
        return requested if requested is not None and 1 <= requested <= count else 1

    def in_choice_order(self, part_key: str, choices: list[dict]) -> list[dict]:
        """A choice part's choices in the order this attempt shows them; a choice added since comes last."""
        order = self.choice_orders.get(part_key)
        if not order:
            return choices
        position = {choice_key: index for index, choice_key in enumerate(order)}
        return sorted(choices, key=lambda choice: position.get(choice["key"], len(position)))


class ResponseStatus(models.TextChoices):
    """The grader's verdict statuses, with their labels on the pages (tests check none is missing)."""

    UNANSWERED = grader.Status.UNANSWERED, _("Unanswered")
    CORRECT = grader.Status.CORRECT, _("Correct")
    PARTIAL = grader.Status.PARTIAL, _("Partially correct")
    INCORRECT = grader.Status.INCORRECT, _("Incorrect")
    INVALID = grader.Status.INVALID, _("Could not be read")
    NEEDS_REVIEW = grader.Status.NEEDS_REVIEW, _("Awaiting review")

    @classmethod
    def for_credit(cls, credit: float) -> ResponseStatus:
        """The status a credit in [0, 1] earns (the grader's rule): correct, partial or incorrect."""
        return cls(grader.Status.for_credit(credit))


def _credit_in_range(field: str) -> Q:
    return Q(**{f"{field}__isnull": True}) | Q(**{f"{field}__gte": 0, f"{field}__lte": 1})


def _status_for_credit_in(field: str) -> list[When]:
    """ResponseStatus.for_credit in SQL, for the credit in `field` when it is set."""
    return [
        When(**{f"{field}__gte": 1}, then=Value(ResponseStatus.CORRECT)),
        When(**{f"{field}__gt": 0}, then=Value(ResponseStatus.PARTIAL)),
        When(**{f"{field}__isnull": False}, then=Value(ResponseStatus.INCORRECT)),
    ]


def earned_points(credit: float | None, points: Decimal) -> Decimal | None:
    """The points a credit in [0, 1] earns of a part's `points`: the rule every score in points follows.

    Exact in decimal from the credit as written (0.1 × 3 is 0.3, not 0.30000000000000004); the
    attempt's total alone is rounded, once (quiz.grading.attempt_total)."""
    return None if credit is None else Decimal(str(credit)) * points


AWAITING_REVIEW_STATUSES = (ResponseStatus.NEEDS_REVIEW, ResponseStatus.INVALID)


def awaiting_review_condition(prefix: str = "") -> Q:
    """Response.awaiting_review as a condition on responses a model `prefix` away (e.g. "responses__")."""
    return Q(
        **{
            f"{prefix}status__in": AWAITING_REVIEW_STATUSES,
            f"{prefix}review_score__isnull": True,
            f"{prefix}override_score__isnull": True,
        }
    )


class ResponseQuerySet(models.QuerySet):
    def with_final_credit(self) -> ResponseQuerySet:
        """Annotate `verdict_credit`, `verdict_status` and `verdict_feedback`: Response.final_credit,
        Response.counted_status and Response.counted_feedback in SQL."""
        decided_status = [*_status_for_credit_in("override_score"), *_status_for_credit_in("review_score")]
        return self.annotate(
            verdict_credit=Coalesce("override_score", "review_score", "score", output_field=FloatField()),
            verdict_status=Case(*decided_status, default=F("status"), output_field=models.CharField()),
            verdict_feedback=Case(
                When(override_score__isnull=False, then=F("override_reason")),
                When(review_score__isnull=False, then=F("review_comment")),
                default=F("feedback"),
                output_field=models.TextField(),
            ),
        )

    def with_points(self) -> ResponseQuerySet:
        """Also annotate `verdict_points`: Response.points in SQL, a float (SQLite has no decimal arithmetic)."""
        return self.with_final_credit().annotate(
            verdict_points=F("verdict_credit") * Cast("part__points", FloatField())
        )

    def awaiting_review(self) -> ResponseQuerySet:
        """The responses whose Response.awaiting_review is true."""
        return self.filter(awaiting_review_condition())


class Response(models.Model):
    """A student's answer to one part, as typed, and how it was graded.

    Scores are credits in [0, 1], multiplied by the part's points for totals. A
    teacher's confirmed free-text score and an override sit in their own fields and
    win over the computed score, so regrading never erases them.
    """

    attempt = models.ForeignKey(Attempt, verbose_name=_("attempt"), on_delete=models.CASCADE, related_name="responses")
    part = models.ForeignKey(Part, verbose_name=_("part"), on_delete=models.PROTECT, related_name="responses")
    text = models.TextField(verbose_name=_("text"), blank=True, help_text=_("Exactly as typed."))
    sequence = models.PositiveIntegerField(
        verbose_name=_("sequence"), default=0, help_text=_("Accepted saves of this answer: one more with each.")
    )
    saved_at = models.DateTimeField(verbose_name=_("saved at"), null=True, blank=True)
    edited_at = models.DateTimeField(
        verbose_name=_("edited at"), null=True, blank=True, help_text=_(
            "When the student typed the saved text; the newest edit wins across windows."
        )
    )

    score = models.FloatField(
        verbose_name=_("score"), null=True, blank=True, help_text=_("The computed credit (or the rubric's suggestion).")
    )
    status = models.CharField(
        verbose_name=_("status"), max_length=20, choices=ResponseStatus.choices, default=ResponseStatus.UNANSWERED
    )
    mistake = models.CharField(
        verbose_name=_("mistake"), max_length=80, blank=True, help_text=_("The known mistake the answer matched.")
    )
    feedback = models.TextField(verbose_name=_("feedback"), blank=True)
    expected = models.TextField(verbose_name=_("expected"), blank=True, help_text=_("The correct answer as displayed."))
    concepts_found = models.JSONField(verbose_name=_("concepts found"), default=list, blank=True)
    concepts_missed = models.JSONField(verbose_name=_("concepts missed"), default=list, blank=True)
    suggestion_concepts = models.JSONField(
        verbose_name=_("suggestion concepts"), default=list, blank=True, help_text=_(
            "Per rubric concept: found or not, where, by phrase or meaning, how surely."
        )
    )
    suggestion_confidence = models.FloatField(
        verbose_name=_("suggestion confidence"),
        null=True,
        blank=True,
        help_text=_("The suggestion's least sure decision."),
    )
    suggestion_flags = models.JSONField(
        verbose_name=_("suggestion flags"), default=list, blank=True, help_text=_("What the teacher should look at.")
    )
    meaning_pending = models.BooleanField(
        verbose_name=_("meaning pending"),
        default=False, help_text=_("The suggestion was read by phrases only; reading it by meaning is still to come.")
    )
    graded_at = models.DateTimeField(verbose_name=_("graded at"), null=True, blank=True)
    checks = models.PositiveIntegerField(
        verbose_name=_("checks"), default=0, help_text=_("Times the student checked this answer before submitting.")
    )
    wrong_checks = models.PositiveIntegerField(
        verbose_name=_("wrong checks"),
        default=0, help_text=_("Checks that found the answer not right: each costs the quiz's check penalty.")
    )
    checked_sequence = models.PositiveIntegerField(
        verbose_name=_("checked sequence"),
        null=True,
        blank=True,
        help_text=_("The answer's sequence at its last counted check: checking it again is no new try."),
    )
    hints_asked = models.PositiveIntegerField(
        verbose_name=_("hints asked"),
        default=0,
        help_text=_("Hints the student asked for before wrong checks showed them: each costs the hint penalty."),
    )

    review_score = models.FloatField(
        verbose_name=_("review score"), null=True, blank=True, help_text=_("A teacher's confirmed free-text credit.")
    )
    review_comment = models.TextField(verbose_name=_("review comment"), blank=True)
    review_items = models.JSONField(
        verbose_name=_("review items"),
        default=list, blank=True, help_text=_("The rubric items (keys) a teacher awarded; the confirmed score follows.")
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(verbose_name=_("reviewed at"), null=True, blank=True)

    override_score = models.FloatField(verbose_name=_("override score"), null=True, blank=True)
    override_reason = models.TextField(verbose_name=_("override reason"), blank=True)
    override_previous_score = models.FloatField(verbose_name=_("override previous score"), null=True, blank=True)
    overridden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("overridden by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    overridden_at = models.DateTimeField(verbose_name=_("overridden at"), null=True, blank=True)

    objects = ResponseQuerySet.as_manager()

    class Meta:
        verbose_name = _("response")
        verbose_name_plural = _("responses")
        ordering = ["attempt", "part__question__order", "part__order"]
        constraints = [
            # Every save updates this one row (under the attempt's lock); never a second answer to a part.
            models.UniqueConstraint(fields=["attempt", "part"], name="one_response_per_part"),
            models.CheckConstraint(condition=_credit_in_range("score"), name="response_score_in_range"),
            models.CheckConstraint(condition=_credit_in_range("review_score"), name="response_review_score_in_range"),
            models.CheckConstraint(
                condition=_credit_in_range("override_score"), name="response_override_score_in_range"
            ),
        ]
        indexes = [
            models.Index(fields=["part", "status"]),
            models.Index(fields=["attempt"], condition=Q(meaning_pending=True), name="response_meaning_pending"),
        ]

    def __str__(self) -> str:
        return f"{self.attempt} — {self.part}"

    @property
    def final_credit(self) -> float | None:
        """The credit that counts: an override, else a confirmed review, else the computed one."""
        if self.override_score is not None:
            return self.override_score
        if self.review_score is not None:
            return self.review_score
        return self.score

    @property
    def review_credit(self) -> float | None:
        """The credit a teacher's review starts from (and replaces): the confirmed score, else the suggestion."""
        return self.review_score if self.review_score is not None else self.score

    @property
    def points(self) -> Decimal | None:
        """The points the credit that counts earns; None before the part has a score."""
        return earned_points(self.final_credit, self.part.points)

    @property
    def counted_status(self) -> str:
        """The status that counts: a teacher's override or confirmed score decides it (by
        ResponseStatus.for_credit), else the grader's verdict does."""
        decided = self.override_score if self.override_score is not None else self.review_score
        return self.status if decided is None else ResponseStatus.for_credit(decided)

    @property
    def counted_feedback(self) -> str:
        """What a teacher's decision says (an override's reason, a review's comment), else the grader's feedback."""
        if self.override_score is not None:
            return self.override_reason
        if self.review_score is not None:
            return self.review_comment
        return self.feedback

    @property
    def awarded_items(self) -> list[grader.ConceptSpec]:
        """The rubric items a teacher awarded, in rubric order: what the student reads with the comment."""
        awarded = set(self.review_items)
        return [item for item in self.part.spec().rubric if item.key in awarded] if awarded else []

    @property
    def unreadable(self) -> bool:
        """Submitted text the grader could not read: a teacher decides its score."""
        return self.status == ResponseStatus.INVALID

    @property
    def awaiting_review(self) -> bool:
        """A written answer, or one that could not be read, that no teacher has scored yet."""
        waiting = self.status in AWAITING_REVIEW_STATUSES
        return waiting and self.review_score is None and self.override_score is None


class AnswerEmbedding(models.Model):
    """A written answer's sentence embedding, as grouping answers compares them (`grader.answer_vectors`).

    Computed once, when the answer is read by meaning after the submit (or when the groups page
    first needs it), so opening the groups page reads vectors instead of running the model on
    every answer. Kept apart from Response so that no other read of responses carries its bytes.
    It holds for the text it was computed from (`digest`); a changed answer gets a new one."""

    response = models.OneToOneField(
        Response, verbose_name=_("response"), on_delete=models.CASCADE, primary_key=True, related_name="embedding"
    )
    digest = models.CharField(
        verbose_name=_("digest"),
        max_length=64,
        help_text=_("SHA-256 of the answer's text the vector was computed from."),
    )
    vector = models.BinaryField(verbose_name=_("vector"))

    def __str__(self) -> str:
        return f"Embedding of {self.response_id}"

    @staticmethod
    def digest_of(text: str) -> str:
        return hashlib.sha256(text.encode()).hexdigest()


class ScoreChange(models.Model):
    """One teacher decision about a response's score, kept so that revisions have a history."""

    class Kind(models.TextChoices):
        REVIEW = "review", _("Free-text review")
        OVERRIDE = "override", _("Override")
        REGRADE = "regrade", _("Regrade")

    response = models.ForeignKey(
        Response, verbose_name=_("response"), on_delete=models.CASCADE, related_name="score_changes"
    )
    kind = models.CharField(verbose_name=_("kind"), max_length=20, choices=Kind.choices)
    previous_score = models.FloatField(verbose_name=_("previous score"), null=True, blank=True)
    new_score = models.FloatField(verbose_name=_("new score"), null=True, blank=True)
    reason = models.TextField(verbose_name=_("reason"), blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("changed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    changed_at = models.DateTimeField(verbose_name=_("changed at"), default=timezone.now)

    class Meta:
        ordering = ["-changed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.previous_score} → {self.new_score}"


class AttemptEvent(models.Model):
    """The attempt's log: what happened when, for disputes."""

    class Kind(models.TextChoices):
        STARTED = "started", _("Started")
        SAVED = "saved", _("Saved")
        CHECKED = "checked", _("Checked")
        HINT_ASKED = "hint_asked", _("Hint asked for")
        NEW_VARIANT = "new_variant", _("New numbers drawn")
        PAGE_REACHED = "page_reached", _("Page reached")
        SUBMITTED = "submitted", _("Submitted")
        AUTO_SUBMITTED = "auto_submitted", _("Submitted when time ran out")
        REOPENED = "reopened", _("Reopened")
        REVIEWED = "reviewed", _("Reviewed")
        OVERRIDDEN = "overridden", _("Score overridden")
        REGRADED = "regraded", _("Regraded")
        ACCOMMODATED = "accommodated", _("Deadline moved by an accommodation")
        ACCESS_REFUSED = "access_refused", _("Refused: not from an allowed network")

    attempt = models.ForeignKey(Attempt, verbose_name=_("attempt"), on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(verbose_name=_("kind"), max_length=20, choices=Kind.choices)
    at = models.DateTimeField(verbose_name=_("at"), default=timezone.now)
    part_key = models.CharField(verbose_name=_("part key"), max_length=40, blank=True)
    sequence = models.PositiveIntegerField(verbose_name=_("sequence"), null=True, blank=True)
    ip_address = models.GenericIPAddressField(verbose_name=_("ip address"), null=True, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    detail = models.TextField(verbose_name=_("detail"), blank=True)

    class Meta:
        verbose_name = _("attempt event")
        verbose_name_plural = _("attempt events")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return gettext("%(kind)s at %(at)s") % {"kind": self.get_kind_display(), "at": f"{self.at:%Y-%m-%d %H:%M:%S}"}


class Accommodation(models.Model):
    """Extra time and attempts for one student on one quiz, recorded with who and why."""

    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("student"), on_delete=models.CASCADE, related_name="accommodations"
    )
    quiz = models.ForeignKey(Quiz, verbose_name=_("quiz"), on_delete=models.CASCADE, related_name="accommodations")
    extra_minutes = models.PositiveIntegerField(verbose_name=_("extra minutes"), default=0)
    extra_attempts = models.PositiveSmallIntegerField(verbose_name=_("extra attempts"), default=0)
    reason = models.TextField(verbose_name=_("reason"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(verbose_name=_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("accommodation")
        verbose_name_plural = _("accommodations")
        constraints = [models.UniqueConstraint(fields=["student", "quiz"], name="one_accommodation_per_quiz")]

    def __str__(self) -> str:
        return gettext("%(student)s on %(quiz)s: +%(minutes)s min, +%(attempts)s attempts") % {
            "student": self.student, "quiz": self.quiz, "minutes": self.extra_minutes, "attempts": self.extra_attempts
        }  # fmt: skip


class StandingAccommodation(models.Model):
    """A student's accommodation on every quiz: a time multiplier and extra attempts.

    An Accommodation for one quiz wins over it on that quiz, as a whole."""

    student = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("student"),
        on_delete=models.CASCADE,
        related_name="standing_accommodation",
    )
    time_multiplier = models.DecimalField(
        verbose_name=_("time multiplier"),
        max_digits=3, decimal_places=2, default=1,
        help_text=_("Each time limit times this (1.5: half as much time again), rounded up to whole minutes."),
    )  # fmt: skip
    extra_attempts = models.PositiveSmallIntegerField(verbose_name=_("extra attempts"), default=0)
    reason = models.TextField(verbose_name=_("reason"), blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("updated by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(verbose_name=_("updated at"), auto_now=True)

    MAX_MULTIPLIER = 4
    MAX_EXTRA_ATTEMPTS = 50

    class Meta:
        verbose_name = _("standing accommodation")
        verbose_name_plural = _("standing accommodations")
        constraints = [
            models.CheckConstraint(
                condition=Q(time_multiplier__gte=1, time_multiplier__lte=4),
                name="standing_time_multiplier_in_range",
                violation_error_message="The time multiplier must lie between 1 and 4.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.student}: {self.summary}"

    @property
    def summary(self) -> str:
        """“time ×1.5, 1 extra attempt” (what is set of the two)."""
        pieces = []
        if self.time_multiplier != 1:
            pieces.append(gettext("time ×%(multiplier)s") % {"multiplier": f"{self.time_multiplier.normalize():f}"})
        if self.extra_attempts:
            pieces.append(
                ngettext("%(count)s extra attempt", "%(count)s extra attempts", self.extra_attempts)
                % {"count": self.extra_attempts}
            )
        return ", ".join(pieces) or gettext("none")

    @property
    def is_empty(self) -> bool:
        return self.time_multiplier == 1 and not self.extra_attempts

    def for_quiz(self, quiz: Quiz) -> Accommodation:
        """This accommodation as one quiz's (unsaved): the multiplier turned into extra minutes of its time limit."""
        limit = quiz.time_limit_minutes or 0
        extra = math.ceil(limit * self.time_multiplier) - limit
        return Accommodation(
            student_id=self.student_id, quiz=quiz, extra_minutes=extra, extra_attempts=self.extra_attempts,
            reason=self.reason,
        )  # fmt: skip
