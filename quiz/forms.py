"""Forms clean input and nothing else; the admin reuses the grader's own validation."""

import json
import math
import re
from collections import Counter
from decimal import Decimal

from django import forms
from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import (
    AdminPasswordChangeForm,
    AdminUserCreationForm,
    AuthenticationForm,
    SetUnusablePasswordMixin,
    UserChangeForm,
)
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.forms.fields import InvalidJSONInput
from django.utils.text import format_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

import grader
from quiz import drafts, errors, pools, rosters, rows, selectors, usernames
from quiz.formatting import page_point_count, page_points
from quiz.jsontext import StrictJSONDecoder, json_problem, problem_message
from quiz.models import AttemptState, Part, Question, Quiz, Response, StandingAccommodation
from quiz.preview import MAX_SEED
from quiz.roles import STUDENTS, TEACHERS
from quiz.selectors import SORTS, GradebookFilters

QUIZ_LABELS = {
    "key": _("Key"), "title": _("Title"), "instructions": _("Instructions"), "groups": _("Groups"),
    "opens_at": _("Opens at"), "closes_at": _("Closes at"), "time_limit_minutes": _("Time limit minutes"),
    "attempts_allowed": _("Attempts allowed"), "grading_method": _("Grading method"),
    "review_free_text": _("Review free text"), "allow_checks": _("Allow checks"),
    "check_penalty": _("Check penalty"), "solution_after_checks": _("Solution after checks"),
    "hint_penalty": _("Hint penalty"), "randomize_numbers": _("Randomize numbers"),
    "first_attempt_seed_numbers": _("First attempt seed numbers"), "shuffle_questions": _("Shuffle questions"),
    "shuffle_choices": _("Shuffle choices"), "pools": _("Pools"), "questions_per_page": _("Questions per page"),
    "sequential": _("Sequential"), "access_code": _("Access code"), "allowed_networks": _("Allowed networks"),
    "show_score": _("Show score"), "show_feedback": _("Show feedback"), "show_answers": _("Show answers"),
    "show_solutions": _("Show solutions"), "show_suggested_scores": _("Show suggested scores"),
}
"""The quiz form's labels (the model's field names, in the page's language)."""

QUESTION_LABELS = {
    "quiz": _("Quiz"), "key": _("Key"), "order": _("Order"), "title": _("Title"), "prompt": _("Prompt"),
    "calculator": _("Calculator"), "pool": _("Pool"),
}
"""The question form's labels, besides those of its rows and tables."""

PART_LABELS = {
    "question": _("Question"), "key": _("Key"), "order": _("Order"), "prompt": _("Prompt"), "points": _("Points"),
    "kind": _("Kind"), "output": _("Output"), "unit": _("Unit"), "relative_tolerance": _("Relative tolerance"),
    "absolute_tolerance": _("Absolute tolerance"), "significant_figures": _("Significant figures"),
    "decimal_places": _("Decimal places"), "partial_credit": _("Partial credit"),
    "shape_feedback": _("Shape feedback"), "correct_choice": _("Correct choice"),
    "hint_after_checks": _("Hint after checks"),
}
"""The part form's labels, besides those of its rows."""


def _parameter_table() -> rows.RowsField:
    return rows.RowsField(
        rows.PARAMETER_COLUMNS, rows.parameter_rows, rows.read_parameters, label=_("Parameters"),
        add_label=_("Add a parameter"),
        help_text=_("Each parameter's seed value and the range random variants draw it from (docs/authoring.md)."),
    )  # fmt: skip


def _formula_list() -> rows.RowsField:
    return rows.RowsField(
        rows.FORMULA_COLUMNS, rows.formula_rows, rows.read_formulas, label=_("Formulas"),
        add_label=_("Add a formula"),
        help_text=_(
            "Instead of a calculator: outputs computed in order; a formula may use the outputs above it. "
            "Values are shown on the seed values."
        ),
    )


def _constraint_list() -> rows.RowsField:
    return rows.RowsField(
        rows.CONSTRAINT_COLUMNS, rows.constraint_rows, rows.read_constraints, label=_("Constraints"),
        add_label=_("Add a constraint"), help_text=_("For formulas: every variant's numbers must make these true."),
    )  # fmt: skip


class GivenField(forms.CharField):
    """The parameters shown as tables, written as names separated by commas."""

    def prepare_value(self, value):
        return ", ".join(value) if isinstance(value, list) else value

    def to_python(self, value):
        text = super().to_python(value)
        return [name.strip() for name in text.split(",") if name.strip()]


QUESTION_FIELDS = ("key", "calculator", "params", "ranges", "given", "formulas", "constraints")
"""What the grader checks of a question (validate_question), besides its parts."""


class QuestionAdminForm(forms.ModelForm):
    """A question's numbers as rows: a table of parameters (seed value and range), a list of
    formulas with their values, constraints; the grader's check puts each problem on its field."""

    params = _parameter_table()
    formulas = _formula_list()
    constraints = _constraint_list()
    given = GivenField(
        required=False, max_length=1000, label=_("Given as tables"),
        help_text=_("Parameters shown to the student as tables (sequences, matrices), separated by commas."),
    )  # fmt: skip

    class Meta:
        model = Question
        fields = [
            "quiz", "key", "order", "title", "prompt", "calculator", "params", "given", "formulas", "constraints",
            "pool",
        ]  # fmt: skip
        labels = QUESTION_LABELS

    class Media:
        js = ["js/question-authoring.js"]
        css = {"all": ["css/question-authoring.css"]}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        question = self.instance
        self.initial["params"] = {"params": question.params, "ranges": question.ranges}
        if question.formulas and not self.is_bound:
            self.fields["formulas"].widget.shown = drafts.shown_values(drafts.formula_values(question.spec_dict([])))

    def clean(self):
        cleaned = super().clean()
        self._check_pools(cleaned)
        table = cleaned.get("params")
        if isinstance(table, dict):
            cleaned["params"], cleaned["ranges"] = table["params"], table["ranges"]
        if any(name in self.errors for name in QUESTION_FIELDS):
            return cleaned
        question = {name: cleaned.get(name) for name in QUESTION_FIELDS}
        # Formulas are checked with the question's saved parts, as a bank load checks them.
        question["parts"] = [part.spec_dict() for part in self.instance.parts.all()] if self.instance.pk else []
        try:
            grader.validate_question(question)
        except grader.QuestionError as error:
            field = drafts.FIELD_OF.get(error.field, error.field)
            field = field if field in self.fields else None
            self.add_error(field, ValidationError(error.problem, code=f"invalid_{error.field or 'question'}"))
        return cleaned

    def save(self, commit=True):
        self.instance.ranges = self.cleaned_data["ranges"]
        return super().save(commit)


    def _check_pools(self, cleaned: dict) -> None:
        """Moving the question into or out of a pool must leave every pool the quiz draws from large enough."""
        quiz = cleaned.get("quiz")
        if quiz is None or "pool" in self.errors:
            return
        others = quiz.questions.exclude(pk=self.instance.pk) if self.instance.pk else quiz.questions.all()
        sizes = Counter(others.exclude(pool="").values_list("pool", flat=True))
        if cleaned.get("pool"):
            sizes[cleaned["pool"]] += 1
        # A pool the quiz names that no question forms any more draws nothing; only a pool too small is refused.
        named = {key: draws for key, draws in quiz.pools.items() if key in sizes}
        problems = pools.pool_problems(named, sizes)
        if problems:
            message = gettext("The quiz “%(quiz)s” would not fit: %(problem)s; change its pools first.") % {
                "quiz": quiz, "problem": problems[0],
            }
            self.add_error("pool", ValidationError(message, code="pool_too_small"))


class QuestionDraftForm(forms.Form):
    """A question being written, as the admin's change form posts it, for the live check."""

    key = forms.CharField(required=False, max_length=40)
    calculator = forms.CharField(required=False, max_length=40)
    params = _parameter_table()
    formulas = _formula_list()
    constraints = _constraint_list()
    given = GivenField(required=False, max_length=1000)
    seed = forms.IntegerField(required=False, min_value=0, max_value=MAX_SEED)

    def clean(self):
        cleaned = super().clean()
        table = cleaned.get("params")
        if isinstance(table, dict):
            cleaned["params"], cleaned["ranges"] = table["params"], table["ranges"]
        return cleaned

    def question(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in QUESTION_FIELDS}


class QuestionRowForm(forms.ModelForm):
    """A question as a row of its quiz's page: where it stands, its key, title and calculator."""

    class Meta:
        model = Question
        fields = ["order", "key", "title", "calculator", "pool"]
        labels = QUESTION_LABELS


class CopyQuestionsForm(forms.Form):
    """Where the admin's “copy into a quiz” action puts the questions: a quiz, or a new one."""

    quiz = forms.ModelChoiceField(
        queryset=Quiz.objects.order_by("title"), required=False, empty_label=_("A new quiz (below)"),
        label=_("Into the quiz"),
    )
    new_key = forms.SlugField(required=False, max_length=80, label=_("New quiz's key"))
    new_title = forms.CharField(required=False, max_length=200, label=_("New quiz's title"))

    def __init__(self, *args, may_add_quiz: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.may_add_quiz = may_add_quiz

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("quiz") or self.errors:
            return cleaned
        if not self.may_add_quiz:
            message = gettext("You may not add quizzes: choose a quiz to copy the questions into.")
            raise ValidationError(message, code="forbidden")
        missing = {
            "new_key": gettext("Choose a quiz above, or give the new quiz a key."),
            "new_title": gettext("Choose a quiz above, or give the new quiz a title."),
        }
        for name, message in missing.items():
            if not cleaned.get(name):
                self.add_error(name, ValidationError(message, code="required"))
        if cleaned.get("new_key") and Quiz.objects.filter(key=cleaned["new_key"]).exists():
            self.add_error("new_key", ValidationError(gettext("A quiz already has this key."), code="taken"))
        return cleaned


def _kinds_that(takes) -> tuple[str, ...]:
    return tuple(kind.value for kind in grader.AnswerKind if takes(grader.kind_info(kind)))


KIND_FIELDS = {
    "output": _kinds_that(lambda kind: kind.computed),
    "mistakes": _kinds_that(lambda kind: kind.computed),
    "unit": _kinds_that(lambda kind: kind.check_unit is not None),
    "relative_tolerance": _kinds_that(lambda kind: kind.tolerant),
    "absolute_tolerance": _kinds_that(lambda kind: kind.tolerant),
    "significant_figures": _kinds_that(lambda kind: kind.written_precision),
    "decimal_places": _kinds_that(lambda kind: kind.written_precision),
    "partial_credit": _kinds_that(lambda kind: kind.per_element_credit),
    "shape_feedback": ("vector", "matrix", "dims", "shape"),
    "choices": _kinds_that(lambda kind: kind.choices),
    "correct_choice": _kinds_that(lambda kind: kind.choices),
    "rubric": _kinds_that(lambda kind: kind.rubric),
    "hints": _kinds_that(lambda kind: kind.checkable),
    "hint_after_checks": _kinds_that(lambda kind: kind.checkable),
}
"""The part fields only some kinds use (the grader refuses them on the others, a test checks; shape
feedback and the pace of hints are merely unused); the admin hides the others (static/js/question-authoring.js)."""

# The field a part's problem names first (“mistakes[0].credit: …”): the bank file's name, in every language.
_FIELD_IN_PROBLEM = re.compile(r"([a-z_]+)[\[.:]")


class StrictJSONField(forms.JSONField):
    """JSON typed in a quiz setting, or a field error: never a value that breaks later (quiz.jsontext)."""

    def __init__(self, **kwargs):
        super().__init__(**{**kwargs, "decoder": StrictJSONDecoder})

    def to_python(self, value):
        if isinstance(value, str) and (problem := json_problem(value)):
            message = problem_message(problem)
            raise ValidationError(f"{message[0].upper()}{message[1:]}.", code=problem)
        return super().to_python(value)

    def bound_data(self, data, initial):
        # Shown again as typed, without parsing what cannot be parsed safely (nesting, surrogates).
        if isinstance(data, str) and json_problem(data):
            return InvalidJSONInput(data)
        return super().bound_data(data, initial)


class QuizAdminForm(forms.ModelForm):
    """The admin's quiz form (which adds the fields of its fieldsets): the pools checked against the
    questions; the pools and the allowed networks read as strict JSON."""

    class Meta:
        model = Quiz
        fields = ["pools", "allowed_networks"]
        field_classes = {"pools": StrictJSONField, "allowed_networks": StrictJSONField}
        labels = QUIZ_LABELS

    def clean_pools(self):
        """The pools drawn from must be those the quiz's questions form, each drawing no more than it holds."""
        value = self.cleaned_data["pools"]
        if value in (None, ""):
            return {}
        questions = self.instance.questions.all() if self.instance.pk else []
        problems = pools.pool_problems(value, pools.pool_sizes(questions))
        if problems:
            message = "; ".join(problems)
            raise ValidationError(f"{message[0].upper()}{message[1:]}.", code="invalid_pools")
        return value


class PartAdminForm(forms.ModelForm):
    mistakes = rows.RowsField(
        rows.MISTAKE_COLUMNS, rows.mapping_rows(rows.MISTAKE_COLUMNS),
        rows.mapping_reader(rows.MISTAKE_COLUMNS, always=("key", "output", "credit", "feedback"), numbers=("credit",)),
        label=_("Known mistakes"), add_label=_("Add a mistake"),
        help_text=_("Another output a student may give by mistake, with the credit it earns and what to tell them."),
    )  # fmt: skip
    choices = rows.RowsField(
        rows.CHOICE_COLUMNS, rows.mapping_rows(rows.CHOICE_COLUMNS),
        rows.mapping_reader(rows.CHOICE_COLUMNS, always=("key", "label")), label=_("Choices"),
        add_label=_("Add a choice"),
    )  # fmt: skip
    rubric = rows.RowsField(
        rows.CONCEPT_COLUMNS, rows.mapping_rows(rows.CONCEPT_COLUMNS),
        rows.mapping_reader(rows.CONCEPT_COLUMNS, always=("key", "label"), numbers=("points",)),
        stacked=True, label=_("Rubric items"), add_label=_("Add a rubric item"),
        help_text=_(
            "What a written answer should say: phrases that recognise it, statements with the same meaning "
            "or the opposite one."
        ),
    )  # fmt: skip

    hints = rows.RowsField(
        rows.HINT_COLUMNS, rows.hint_rows, rows.read_hints, label=_("Hints"), add_label=_("Add a hint"),
        help_text=_("In quizzes that allow checks: shown in order, free after wrong checks or when asked for."),
    )  # fmt: skip

    class Meta:
        model = Part
        fields = [
            "question", "key", "order", "prompt", "points", "kind", "output", "unit", "relative_tolerance",
            "absolute_tolerance", "significant_figures", "decimal_places", "partial_credit", "shape_feedback",
            "mistakes", "choices", "correct_choice", "rubric", "hints", "hint_after_checks",
        ]  # fmt: skip
        labels = PART_LABELS

    class Media:
        js = ["js/question-authoring.js"]
        css = {"all": ["css/question-authoring.css"]}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        fields_by_kind = {
            kind.value: [name for name, kinds in KIND_FIELDS.items() if kind in kinds] for kind in grader.AnswerKind
        }
        self.fields["kind"].widget.attrs["data-kind-fields"] = json.dumps(fields_by_kind)
        self.fields["hint_after_checks"].required = False

    def clean_hint_after_checks(self) -> int:
        """Left empty: the column's default, a hint per wrong check."""
        value = self.cleaned_data.get("hint_after_checks")
        return Part._meta.get_field("hint_after_checks").get_default() if value is None else value

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        part = Part(**{field: cleaned.get(field) for field in (
            "key", "kind", "output", "unit", "relative_tolerance", "absolute_tolerance", "partial_credit",
            "shape_feedback", "mistakes", "choices", "correct_choice", "rubric", "significant_figures",
            "decimal_places",
        )})
        # The grader also says which kinds may have hints: typed hints no student could see are refused.
        part_data = {**part.spec_dict(), "hints": cleaned.get("hints") or []}
        question = cleaned.get("question") or getattr(self.instance, "question", None)
        try:
            if question is None:
                grader.PartSpec.from_dict(part_data)
            else:
                grader.validate_question(question.spec_dict(parts=[part_data]))
        except ValueError as error:  # grader.QuestionError, or the spec's own ValueError without a question
            self.add_error(self._field_at_fault(error), ValidationError(str(error), code="invalid_part"))
        return cleaned

    def _field_at_fault(self, error: ValueError) -> str | None:
        if isinstance(error, grader.QuestionError) and not error.part:
            return None  # a problem of the question's own fields
        match = _FIELD_IN_PROBLEM.match(error.problem if isinstance(error, grader.QuestionError) else str(error))
        name = {"correct": "correct_choice"}.get(match[1], match[1]) if match else ""
        return name if name in self.fields else None


# --- Accounts ------------------------------------------------------------------------------------


class _FindsAccount:
    """A login form that finds the account a username names however it is typed (quiz/usernames.py):
    `Alice` or `ａｌｉｃｅ` sign in as alice, and text longer than any username is a field error."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].validators.append(MaxLengthValidator(usernames.MAX_LENGTH))

    def clean_username(self) -> str:
        typed = self.cleaned_data["username"]
        account = usernames.find(typed)
        return account.get_username() if account is not None else usernames.normalize(typed)


class LoginForm(_FindsAccount, AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("Please enter a correct username and password. The password is case-sensitive."),
    }


class AdminLoginForm(_FindsAccount, AdminAuthenticationForm):
    pass


class _RefusesLookAlikes:
    """An account form refusing a username that folds onto another account's (quiz/usernames.py)."""

    def clean_username(self) -> str:
        username = usernames.normalize(self.cleaned_data["username"])
        existing = usernames.holders([username], exclude_pk=self.instance.pk).get(usernames.key(username))
        if existing is not None:
            raise ValidationError(usernames.collision_message(username, existing), code="username_collision")
        return username


class AccountCreationForm(_RefusesLookAlikes, AdminUserCreationForm):
    pass


class AccountChangeForm(_RefusesLookAlikes, UserChangeForm):
    pass


class AccountPasswordForm(AdminPasswordChangeForm):
    """Django's, with its warning that disabling the password loses it in the reader's language: Django joins the
    warning to the switch's help text in English when it is imported."""

    usable_password_help_text = format_lazy(
        '{}<ul id="id_unusable_warning" class="messagelist"><li class="warning">{}</li></ul>',
        SetUnusablePasswordMixin.usable_password_help_text,
        _("If disabled, the current password for this user will be lost."),
    )


class PreviewForm(forms.Form):
    """Which numbers the admin's question preview shows: a seed draws a random variant, none the seed values."""

    seed = forms.IntegerField(required=False, min_value=0, max_value=MAX_SEED, widget=forms.HiddenInput)


class TryAnswerForm(PreviewForm):
    """An answer to one part of the preview, graded as an attempt with the same numbers would grade it."""

    part = forms.ChoiceField(widget=forms.HiddenInput)
    answer = forms.CharField(required=False, strip=False)

    def __init__(self, *args, parts: list[Part], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["part"].choices = [(part.key, part.label) for part in parts]


# --- Teacher pages -----------------------------------------------------------------------------


class GradebookFilterForm(forms.Form):
    """The gradebook's filters and order, read from the query string; an invalid field is ignored."""

    student = forms.CharField(required=False, max_length=150, label=_("Student"))
    state = forms.ChoiceField(required=False, choices=[("", _("Any state")), *AttemptState.choices], label=_("State"))
    min_percent = forms.DecimalField(
        required=False, min_value=0, max_value=100, decimal_places=2, label=_("Min score %")
    )
    max_percent = forms.DecimalField(
        required=False, min_value=0, max_value=100, decimal_places=2, label=_("Max score %")
    )
    sort = forms.ChoiceField(
        required=False, choices=[(name, name) for key in SORTS for name in (key, f"-{key}")], widget=forms.HiddenInput
    )

    def filters(self) -> GradebookFilters:
        self.is_valid()
        values = {name: value for name, value in self.cleaned_data.items() if value not in (None, "")}
        return GradebookFilters(**values)


class StudentSearchForm(forms.Form):
    """The gradebook by student's search, read from the query string; an invalid search is ignored."""

    student = forms.CharField(required=False, max_length=150, label=_("Student"))

    def text(self) -> str:
        self.is_valid()
        return self.cleaned_data.get("student", "")


class StandingAccommodationForm(forms.ModelForm):
    """A student's time multiplier and extra attempts on every quiz."""

    time_multiplier = forms.DecimalField(
        min_value=1, max_value=StandingAccommodation.MAX_MULTIPLIER, decimal_places=2, initial=1,
        label=_("Time multiplier"),
        help_text=_("Each quiz's time limit times this, rounded up to whole minutes: 1.25, 1.5, 2; 1 for none."),
        widget=forms.NumberInput(attrs={"step": "0.05"}),
    )  # fmt: skip
    extra_attempts = forms.IntegerField(
        min_value=0, max_value=StandingAccommodation.MAX_EXTRA_ATTEMPTS, initial=0, label=_("Extra attempts"),
        help_text=_("Added to every quiz's attempts allowed."),
    )  # fmt: skip

    class Meta:
        model = StandingAccommodation
        fields = ["time_multiplier", "extra_attempts", "reason"]
        widgets = {"reason": forms.TextInput}
        labels = {"reason": _("Reason")}
        help_texts = {"reason": _("For the record, e.g. the disability office's letter.")}


class RosterFilterForm(forms.Form):
    """The roster's search, read from the query string; an invalid field is ignored."""

    q = forms.CharField(required=False, max_length=150, label=_("Name, username or email"))
    group = forms.ModelChoiceField(
        queryset=selectors.class_groups(), required=False, label=_("Class group"), empty_label=_("All students")
    )

    def values(self) -> dict:
        self.is_valid()
        return {"search": self.cleaned_data.get("q", ""), "group": self.cleaned_data.get("group")}


class _PointsForm(forms.Form):
    """A score typed in points out of the part's points, stored as a credit in [0, 1]."""

    points = forms.DecimalField()  # declared for the field order; __init__ bounds it by the part's points

    def __init__(self, *args, part: Part, autofocus: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.part = part
        attributes = {"step": "0.01", "inputmode": "decimal", **({"autofocus": True} if autofocus else {})}
        self.fields["points"] = forms.DecimalField(
            min_value=0, max_value=part.points, decimal_places=2,
            label=_("Points (out of %(points)s)") % {"points": page_points(part.points)},
            widget=forms.NumberInput(attrs=attributes),
        )

    @property
    def credit(self) -> float:
        return float(self.cleaned_data["points"] / self.part.points)


class ReviewForm(_PointsForm):
    """A confirmed score: for a written part, the rubric items ticked (the score follows them by
    the grader's own rule, `grader.score_items`), or with none ticked the points typed."""

    comment = forms.CharField(
        required=False, max_length=2000, label=_("Comment for the student"), widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, part: Part, autofocus: bool = False, **kwargs):
        self.rubric = part.spec().rubric if part.is_free_text else ()
        # With rubric items, the first item takes the focus (teacher.js) so that keys 1–9 tick them.
        super().__init__(*args, part=part, autofocus=autofocus and not self.rubric, **kwargs)
        if self.rubric:
            self.fields["items"] = forms.MultipleChoiceField(
                required=False,
                label=_("Rubric items: the score follows those ticked"),
                choices=[(item.key, _item_label(number, item)) for number, item in enumerate(self.rubric, 1)],
                widget=forms.CheckboxSelectMultiple(attrs={"data-rubric-item": "true"}),
            )
            self.order_fields(["items", "points", "comment"])

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("items"):
            cleaned["points"] = Decimal(str(round(self.credit * float(self.part.points), 2)))
        return cleaned

    @property
    def items(self) -> tuple[str, ...]:
        return tuple(self.cleaned_data.get("items") or ())

    @property
    def credit(self) -> float:
        if self.items:
            return grader.score_items(self.rubric, self.items)
        return super().credit

    def item_points(self) -> str:
        """Points for every set of items ticked (keys joined by spaces, in rubric order), as JSON:
        the page shows the score follow the items without knowing the rule."""
        keys = [item.key for item in self.rubric]
        if not keys or len(keys) > 9:
            return ""
        table = {}
        for mask in range(2 ** len(keys)):
            ticked = [key for bit, key in enumerate(keys) if mask >> bit & 1]
            credit = grader.score_items(self.rubric, ticked) if ticked else 0.0
            table[" ".join(ticked)] = round(credit * float(self.part.points), 2)
        return json.dumps(table)


class GroupReviewForm(forms.Form):
    """Rubric items and a comment applied to every answer of a group at once; the score follows
    the items by the grader's rule, as on a single answer."""

    responses = forms.ModelMultipleChoiceField(queryset=Response.objects.none(), widget=forms.MultipleHiddenInput)
    comment = forms.CharField(
        required=False, max_length=2000, label=_("Comment for each student"), widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, part: Part, **kwargs):
        super().__init__(*args, **kwargs)
        self.part, self.rubric = part, part.spec().rubric
        self.fields["responses"].queryset = Response.objects.filter(part=part)
        self.fields["items"] = forms.MultipleChoiceField(
            required=False,
            label=_("Rubric items: the score follows those ticked (none: 0)"),
            choices=[(item.key, _item_label(number, item)) for number, item in enumerate(self.rubric, 1)],
            widget=forms.CheckboxSelectMultiple,
        )
        self.order_fields(["items", "comment"])

    @property
    def items(self) -> tuple[str, ...]:
        return tuple(self.cleaned_data.get("items") or ())

    @property
    def credit(self) -> float:
        return grader.score_items(self.rubric, self.items)


def _item_label(number: int, item: grader.ConceptSpec) -> str:
    """“2. batch normalization (0.5 points, bonus)”: the number is the item's key on the keyboard."""
    if item.bonus:
        return _("%(number)s. %(label)s (%(points)s, bonus)") % {
            "number": number, "label": item.label, "points": page_point_count(item.points)
        }
    return f"{number}. {item.label} ({page_point_count(item.points)})"


class ConfirmSuggestionForm(forms.Form):
    """One click on “Confirm score”: the suggested credit the teacher was shown, confirmed as it is."""

    suggested = forms.FloatField(min_value=0, max_value=1)


class OverrideForm(_PointsForm):
    reason = forms.CharField(
        max_length=1000, label=_("Reason (the student sees it)"), widget=forms.TextInput
    )


class AccommodationForm(forms.Form):
    """Extra time and attempts for one student; a share of the time limit sets the minutes in one step."""

    EXTRA_TIME_SHARES = {
        25: _("25 % more time"),
        50: _("50 % more time (usual for screen-reader users)"),
        100: _("Double time"),
    }

    username = forms.CharField(max_length=150, label=_("Student's username"))
    extra_time_share = forms.TypedChoiceField(
        choices=[("", _("Minutes below")), *EXTRA_TIME_SHARES.items()],
        coerce=int,
        empty_value=None,
        required=False,
        label=_("Extra time"),
        help_text=_("A share of the time limit, rounded up to whole minutes; or choose “Minutes below”."),
    )
    extra_minutes = forms.IntegerField(min_value=0, max_value=24 * 60, initial=0, label=_("Extra minutes"))
    extra_attempts = forms.IntegerField(min_value=0, max_value=50, initial=0, label=_("Extra attempts"))
    reason = forms.CharField(
        max_length=1000, required=False, label=_("Reason"), widget=forms.TextInput,
        help_text=_("Empty with a share of time chosen: the share is the reason."),
    )

    def __init__(self, *args, quiz: Quiz, **kwargs):
        super().__init__(*args, **kwargs)
        self.quiz = quiz

    def clean(self):
        cleaned = super().clean()
        share = cleaned.pop("extra_time_share", None)
        if share is not None:
            if not self.quiz.time_limit_minutes:
                raise ValidationError(
                    {"extra_time_share": _(
                        "This quiz has no time limit: give extra attempts, or set a time limit first."
                    )}
                )
            cleaned["extra_minutes"] = math.ceil(self.quiz.time_limit_minutes * share / 100)
            cleaned["reason"] = cleaned.get("reason") or str(self.EXTRA_TIME_SHARES[share])
        if "reason" in cleaned and not cleaned["reason"]:
            self.add_error("reason", _("Say why, for the record (for example “screen reader”)."))
        return cleaned

    def clean_username(self):
        username = self.cleaned_data["username"].strip()
        student = usernames.find(username, selectors.students())
        if student is None:
            raise ValidationError(
                _("No student has the username “%(username)s”.") % {"username": username}, code="unknown_student"
            )
        return student


class StudentLookupForm(forms.Form):
    """The access page's `?student=` (a link from a student's row): whose accommodation to edit."""

    student = forms.CharField(required=False, max_length=usernames.MAX_LENGTH)

    def username(self) -> str:
        return self.cleaned_data["student"] if self.is_valid() else ""


class ReopenForm(forms.Form):
    minutes = forms.IntegerField(
        required=False, min_value=1, max_value=24 * 60, label=_("Minutes to continue"),
        help_text=_("Empty: no time limit."),
    )
    reason = forms.CharField(max_length=1000, label=_("Reason"), widget=forms.TextInput)


class _RosterForm(forms.Form):
    group_name = forms.CharField(
        required=False, max_length=150, label=_("Class group"),
        help_text=_("Optional: every student in the file joins this group (created if new)."),
        widget=forms.TextInput(attrs={"list": "class-groups", "autocomplete": "off"}),
    )

    def clean_group_name(self) -> str:
        try:
            return rosters.check_group_name(self.cleaned_data["group_name"])
        except ValueError as error:
            raise ValidationError(str(error), code="role_group") from error


class RosterUploadForm(_RosterForm):
    MAX_BYTES = settings.ROSTER_MAX_BYTES

    file = forms.FileField(
        label=_("CSV file"),
        help_text=_("One student a line: username, name, email; optionally then time_multiplier and extra_attempts, "
        "the student's accommodation on every quiz (empty: unchanged). A header line is optional."),
    )
    field_order = ["file", "group_name"]

    def clean_file(self) -> str:
        """The file's text."""
        upload = self.cleaned_data["file"]
        if upload.size > self.MAX_BYTES:
            raise ValidationError(
                _("The file is larger than %(megabytes)s MB.") % {"megabytes": f"{self.MAX_BYTES / 1e6:g}"},
                code="too_large",
            )
        try:
            return rosters.decode(upload.read())
        except errors.RosterError as error:
            raise ValidationError(str(error), code="not_utf8") from error


class RosterConfirmForm(_RosterForm):
    """The previewed file's text, sent back to be checked again and imported."""

    text = forms.CharField(max_length=RosterUploadForm.MAX_BYTES, widget=forms.HiddenInput, strip=False)
    group_name = forms.CharField(required=False, max_length=150, widget=forms.HiddenInput)


class QuizAudienceForm(forms.ModelForm):
    groups = forms.ModelMultipleChoiceField(
        queryset=Group.objects.exclude(name__in=(STUDENTS, TEACHERS)).order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("Class groups"),
        help_text=_("None ticked: every student can take the quiz."),
    )

    class Meta:
        model = Quiz
        fields = ["groups"]
