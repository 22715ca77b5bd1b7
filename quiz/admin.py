import json
from dataclasses import dataclass

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.http import urlencode
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST

from quiz import copies, drafts, sheets
from quiz.forms import (
    AccountChangeForm,
    AccountCreationForm,
    AccountPasswordForm,
    AdminLoginForm,
    CopyQuestionsForm,
    PartAdminForm,
    PreviewForm,
    QuestionAdminForm,
    QuestionDraftForm,
    QuestionRowForm,
    QuizAdminForm,
    TryAnswerForm,
)
from quiz.lti import outbox as lms_outbox
from quiz.models import (
    Accommodation,
    Attempt,
    AttemptEvent,
    AttemptState,
    BankChange,
    Part,
    Question,
    Quiz,
    Response,
    ResponseStatus,
    StandingAccommodation,
)
from quiz.preview import PreviewError, Variant, describe, find_part, make_variant, random_seed, try_answers

# The admin's login finds accounts as the site's login does; its user forms refuse look-alike usernames.
admin.site.login_form = AdminLoginForm
admin.site.site_header = admin.site.site_title = _("ConvQuiz administration")
admin.site.unregister(get_user_model())


@admin.register(get_user_model())
class AccountAdmin(UserAdmin):
    form = AccountChangeForm
    add_form = AccountCreationForm
    change_password_form = AccountPasswordForm


class BankHistoryAdmin(admin.ModelAdmin):
    """The history page shows what loads of the bank file changed, beside the admin's own edits."""

    object_history_template = "admin/quiz/bank_object_history.html"
    shown_bank_changes = 100

    def history_view(self, request, object_id, extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        context = dict(extra_context or {})
        if obj is not None:
            changes = self.bank_changes(obj)
            latest = list(changes.order_by("-at", "-id")[: self.shown_bank_changes])
            context.update(bank_changes=latest[::-1])
            if len(latest) == self.shown_bank_changes:
                context.update(bank_changes_more=True, bank_changes_count=changes.count())
        return super().history_view(request, object_id, context)

    def bank_changes(self, obj):
        raise NotImplementedError


COPY_PERMISSIONS = ("quiz.add_quiz", "quiz.add_question", "quiz.add_part")


class RubricRegradeAdmin(BankHistoryAdmin):
    """After a written part's rubric is edited while answers to it are graded, the admin goes on to the
    part's regrade preview (`teacher:regrade_part`): the suggestions and the scores given by rubric
    items follow the new rubric once the teacher confirms what would change."""

    def note_rubric_edit(self, request: HttpRequest, form, part: Part) -> None:
        # Compared as data: the form's changed_data counts a JSON field posted back unchanged as changed.
        before = json.dumps(form.initial.get("rubric"), sort_keys=True)
        if part.is_free_text and json.dumps(part.rubric, sort_keys=True) != before:
            request.edited_rubrics = [*getattr(request, "edited_rubrics", []), part]

    def response_change(self, request: HttpRequest, obj) -> HttpResponse:
        response = super().response_change(request, obj)
        finished = Response.objects.exclude(attempt__state=AttemptState.IN_PROGRESS)
        graded = [part for part in getattr(request, "edited_rubrics", []) if finished.filter(part=part).exists()]
        if not graded:
            return response
        first, *others = graded
        message = gettext(
            "The rubric of %(part)s changed: below is what regrading its graded answers would change. "
            "Nothing changes until you confirm."
        ) % {"part": first.label}
        if others:
            labels = ", ".join(part.label for part in others)
            later = gettext("Then regrade %(parts)s the same way.") % {"parts": labels}
            message = f"{message} {later}"
        self.message_user(request, message)
        return redirect(reverse("teacher:regrade_part", args=[first.pk]))


class QuestionInline(admin.StackedInline):
    """Stacked rather than tabular: every input keeps its own label (the tabular layout's inputs have none)."""

    model = Question
    form = QuestionRowForm
    fields = (("order", "key", "title", "calculator", "pool"),)
    # A question's pool is changed on its own page, whose form checks the quiz's pools still fit.
    readonly_fields = ("pool",)
    extra = 0
    show_change_link = True


@admin.register(Quiz)
class QuizAdmin(BankHistoryAdmin):
    form = QuizAdminForm
    list_display = (
        "title", "key", "opens_at", "closes_at", "time_limit_minutes", "attempts_allowed", "randomize_numbers",
    )  # fmt: skip
    list_filter = ("randomize_numbers", "review_free_text")
    search_fields = ("title", "key")
    # The browser's own date and time picker and plain checkboxes: each input has its label and
    # works by keyboard, and nothing sets inline styles the Content Security Policy refuses (the
    # admin's own split date/time and two-box widgets do both).
    formfield_overrides = {
        models.DateTimeField: {
            "widget": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
        },
        models.ManyToManyField: {"widget": forms.CheckboxSelectMultiple},
    }
    inlines = [QuestionInline]
    actions = ["duplicate"]
    fieldsets = (
        (None, {"fields": ("key", "title", "instructions", "groups")}),
        (_("Timing"), {"fields": ("opens_at", "closes_at", "time_limit_minutes", "attempts_allowed")}),
        (_("Grading"), {"fields": ("grading_method", "review_free_text")}),
        (
            _("Practice: checking answers"),
            {"fields": ("allow_checks", "check_penalty", "solution_after_checks", "hint_penalty")},
        ),
        (
            _("Numbers and order per attempt"),
            {"fields": ("randomize_numbers", "first_attempt_seed_numbers", "shuffle_questions", "shuffle_choices")},
        ),
        (_("Question pools"), {"fields": ("pools",)}),
        (_("Pages"), {"fields": ("questions_per_page", "sequential")}),
        (_("Access"), {"fields": ("access_code", "allowed_networks")}),
        (
            _("What students see after submitting"),
            {"fields": ("show_score", "show_feedback", "show_answers", "show_solutions", "show_suggested_scores")},
        ),
    )

    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        if change and "grading_method" in form.changed_data:
            lms_outbox.queue_quiz_scores(obj)

    def bank_changes(self, obj: Quiz):
        """Everything loads changed in the quiz, its questions and their parts."""
        return BankChange.objects.filter(quiz=obj)

    def has_copy_permission(self, request: HttpRequest) -> bool:
        """A copy adds a quiz, its questions and their parts."""
        return request.user.has_perms(COPY_PERMISSIONS)

    @admin.action(description=_("Duplicate the selected quizzes, with their questions"), permissions=["copy"])
    def duplicate(self, request: HttpRequest, queryset) -> None:
        made = [copies.duplicate_quiz(quiz) for quiz in queryset]
        copies_made = "; ".join(f"“{quiz.title}” ({quiz.key})" for quiz in made)
        message = gettext(
            "Made %(copies)s. A copy opens to the same students as its original: check its dates and groups."
        ) % {"copies": copies_made}
        self.message_user(request, message, messages.SUCCESS)


class PartInline(admin.StackedInline):
    model = Part
    form = PartAdminForm
    extra = 0
    # One line per field a kind may not use: the page hides the lines the part's kind does not use.
    fieldsets = (
        (None, {"fields": (("key", "order", "points", "kind"), "prompt")}),
        (_("Answer"), {"fields": ("output", "unit", ("relative_tolerance", "absolute_tolerance"), "partial_credit",
                               ("significant_figures", "decimal_places"),
                               "shape_feedback", "mistakes", "choices", "correct_choice", "rubric")}),
        (_("Practice"), {"fields": ("hints", "hint_after_checks")}),
    )


class ComputedByFilter(admin.SimpleListFilter):
    """Questions by what computes their answers: a calculator, or the question's own formulas."""

    title = _("computed by")
    parameter_name = "computed_by"
    FORMULAS = "formulas"
    NOTHING = "nothing"

    def lookups(self, request, model_admin):
        calculators = Question.objects.exclude(calculator="").values_list("calculator", flat=True).distinct()
        return [
            *((name, name) for name in sorted(calculators)),
            (self.FORMULAS, gettext("its own formulas")),
            (self.NOTHING, gettext("nothing (written answers only)")),
        ]

    def queryset(self, request, queryset):
        if self.value() == self.FORMULAS:
            return queryset.filter(calculator="").exclude(formulas=[])
        if self.value() == self.NOTHING:
            return queryset.filter(calculator="", formulas=[])
        if self.value():
            return queryset.filter(calculator=self.value())
        return queryset


class PoolFilter(admin.SimpleListFilter):
    """Questions by pool, with a named choice for those in none (a blank value would be a link with no text)."""

    title = _("pool")
    parameter_name = "pool"
    NONE = "(none)"  # never a pool key: keys are slugs

    def lookups(self, request, model_admin):
        pools = Question.objects.exclude(pool="").values_list("pool", flat=True).distinct()
        return [*((name, name) for name in sorted(pools)), (self.NONE, gettext("in no pool"))]

    def queryset(self, request, queryset):
        if self.value() == self.NONE:
            return queryset.filter(pool="")
        if self.value():
            return queryset.filter(pool=self.value())
        return queryset


@admin.register(Question)
class QuestionAdmin(RubricRegradeAdmin):
    form = QuestionAdminForm
    list_display = ("key", "title", "quiz", "calculator", "pool", "order")
    list_filter = ("quiz", ComputedByFilter, PoolFilter)
    search_fields = ("key", "title", "prompt")
    ordering = ("quiz", "order")
    inlines = [PartInline]
    actions = ["duplicate", "copy_into_quiz"]
    fieldsets = (
        (None, {"fields": ("quiz", ("key", "order", "pool"), "title", "prompt")}),
        (_("Numbers"), {"fields": ("calculator", "params", "formulas", "constraints", "given")}),
    )

    def bank_changes(self, obj: Question):
        """The question's changes and its parts' (which the admin edits on the question's page)."""
        return BankChange.objects.filter(quiz_id=obj.quiz_id, question_key=obj.key)

    def save_formset(self, request, form, formset, change) -> None:
        super().save_formset(request, form, formset, change)
        if formset.model is Part:
            for part_form in formset.forms:
                if part_form.instance.pk is not None and part_form not in formset.deleted_forms:
                    self.note_rubric_edit(request, part_form, part_form.instance)

    def get_urls(self):
        preview = self.admin_site.admin_view(require_http_methods(["GET", "POST"])(self.preview_view))
        check = self.admin_site.admin_view(require_POST(self.check_view))
        return [
            path("check/", check, name="quiz_question_check"),
            path("<path:object_id>/preview/", preview, name="quiz_question_preview"),
            *super().get_urls(),
        ]

    def check_view(self, request: HttpRequest) -> JsonResponse:
        """The live check of the question being written (quiz/drafts.py): its change form posted as
        typed, `?question=` the saved question whose parts shape the variants."""
        parts: list[dict] = []
        if "question" in request.GET:
            question = self.get_object(request, request.GET["question"])
            if question is None:
                raise Http404("No such question.")
            if not self.has_change_permission(request, question):
                raise PermissionDenied
            parts = [part.spec_dict() for part in question.parts.all()]
        elif not self.has_add_permission(request):
            raise PermissionDenied
        form = QuestionDraftForm(request.POST)
        if not form.is_valid():
            errors = {drafts.FIELD_OF.get(name, name): list(problems) for name, problems in form.errors.items()}
            return JsonResponse({"seed": None, "params": {}, "values": {}, "failed": "", "errors": errors})
        return JsonResponse(drafts.check(form.question(), seed=form.cleaned_data["seed"], parts=parts))

    def has_copy_permission(self, request: HttpRequest) -> bool:
        """A copy adds questions and their parts (and, assembling a new quiz, a quiz: see the form)."""
        return request.user.has_perms(COPY_PERMISSIONS[1:])

    @admin.action(description=_("Duplicate the selected questions in their own quizzes"), permissions=["copy"])
    def duplicate(self, request: HttpRequest, queryset) -> None:
        made = [copy for question in queryset for copy in copies.copy_questions([question], into=question.quiz)]
        copies_made = ", ".join(
            gettext("%(key)s in “%(quiz)s”") % {"key": copy.key, "quiz": copy.quiz} for copy in made
        )
        self.message_user(request, gettext("Made %(copies)s.") % {"copies": copies_made}, messages.SUCCESS)

    @admin.action(description=_("Copy the selected questions into a quiz…"), permissions=["copy"])
    def copy_into_quiz(self, request: HttpRequest, queryset):
        """Assembles a quiz from questions: asks which quiz (or a new one), then copies them to its end."""
        data = request.POST if "apply" in request.POST else None
        form = CopyQuestionsForm(data, may_add_quiz=request.user.has_perm(COPY_PERMISSIONS[0]))
        if not form.is_valid():
            context = {**self.admin_site.each_context(request), "opts": self.opts, "form": form,
                       "questions": queryset.select_related("quiz"), "title": gettext("Copy questions into a quiz")}
            return TemplateResponse(request, "admin/quiz/question/copy_into_quiz.html", context)
        quiz = form.cleaned_data["quiz"]
        if quiz is None:
            key, title = form.cleaned_data["new_key"], form.cleaned_data["new_title"]
            quiz = copies.assemble_quiz(queryset, key=key, title=title)
        else:
            copies.copy_questions(queryset, into=quiz)
        copied = ngettext(
            "Copied %(count)d question into “%(quiz)s”.", "Copied %(count)d questions into “%(quiz)s”.", len(queryset)
        ) % {"count": len(queryset), "quiz": quiz}
        self.message_user(request, copied, messages.SUCCESS)
        return redirect("admin:quiz_quiz_change", quiz.pk)

    def preview_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """The question as a student sees it, with the answers and worked solutions of its seed numbers
        or of a random variant, and a box per part grading a tried answer with `grade_answer`'s code."""
        question = self.get_object(request, unquote(object_id))
        if question is None:
            raise Http404("No such question.")
        if not self.has_view_permission(request, question):
            raise PermissionDenied
        if "random" in request.GET:
            return redirect(f"{request.path}?{urlencode({'seed': random_seed()})}")
        parts = list(question.parts.all())
        if request.method == "POST":
            form = TryAnswerForm(_trial_data(request, question), parts=parts)
        else:
            form = PreviewForm(request.GET)
        form.is_valid()
        seed = form.cleaned_data.get("seed")
        context = {**self.admin_site.each_context(request), "opts": self.opts, "question": question, "form": form,
                   "seed": seed}
        try:
            variant = make_variant(question, seed=seed)
        except PreviewError as error:
            return TemplateResponse(request, PREVIEW_TEMPLATE, {**context, "error": str(error)})
        trial = _try(variant, form) if isinstance(form, TryAnswerForm) and form.is_valid() else None
        context.update(variant=variant, parts=_preview_parts(variant, trial), **_question_view(variant))
        return TemplateResponse(request, PREVIEW_TEMPLATE, context)


PREVIEW_TEMPLATE = "admin/quiz/question/preview.html"


@dataclass
class PreviewPart:
    """One part in the preview: the student's input (`sheet`), its answer, and the tried answer's verdict."""

    sheet: sheets.PartSheet
    display: str
    trial: dict | None


def _trial_data(request: HttpRequest, question: Question) -> dict:
    """The posted answer: the student's input is named after the part, as on the attempt page (the
    boxes of a select-all part post one value each: the keys picked, "a, c")."""
    key = request.POST.get("part", "")
    picked = request.POST.getlist(f"answer-{question.key}{key}")
    return {"seed": request.POST.get("seed"), "part": key, "answer": ", ".join(picked) if picked else None}


def _try(variant: Variant, form: TryAnswerForm) -> dict:
    part = find_part(variant, form.cleaned_data["part"])
    result = try_answers(variant, part, [form.cleaned_data["answer"]])[0]
    return {"part": part.key, "status_label": ResponseStatus(result["status"]).label, **result}


def _question_view(variant: Variant) -> dict:
    question = variant.question
    given = [sheets.given_data(name, variant.params[name]) for name in question.given if name in variant.params]
    return {"prompt": variant.prompt, "given": given}


def _preview_parts(variant: Variant, trial: dict | None) -> list[PreviewPart]:
    described = describe(variant)["parts"]
    parts = []
    for part in variant.question.parts.all():
        info = described[part.key]
        tried = trial if trial and trial["part"] == part.key else None
        text = tried["answer"] if tried else ""
        response = Response(part=part, text=text, concepts_found=tried["concepts_found"] if tried else [])
        sheet = sheets.PartSheet(
            part=part, response=response, prompt=info["prompt"],
            message=sheets.answer_message(part, text), solution=info["solution"],
        )
        parts.append(PreviewPart(sheet=sheet, display=info["display"], trial=tried))
    return parts


@admin.register(Part)
class PartAdmin(RubricRegradeAdmin):
    form = PartAdminForm
    list_display = ("__str__", "kind", "output", "points")
    list_filter = ("kind", "question__quiz")
    search_fields = ("question__key", "prompt")
    list_select_related = ("question",)

    def get_queryset(self, request):
        # Each row's label reads its question's parts.
        return super().get_queryset(request).prefetch_related("question__parts")

    def bank_changes(self, obj: Part):
        return BankChange.objects.filter(quiz_id=obj.question.quiz_id, question_key=obj.question.key, part_key=obj.key)

    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        if change:
            self.note_rubric_edit(request, form, obj)


class ResponseInline(admin.TabularInline):
    model = Response
    fields = ("part", "text", "status", "score", "review_score", "override_score")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def get_queryset(self, request):
        # Each row is titled by its attempt (student and quiz) and its part's label (the question and its parts).
        responses = super().get_queryset(request).select_related("attempt__student", "attempt__quiz", "part__question")
        return responses.prefetch_related("part__question__parts")


class ReadOnlyAdmin(admin.ModelAdmin):
    """Shown to staff, never changed here: a student's work and its log change only through
    the app (saves, submit, review, override, regrade, reopen), which keeps a history."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Attempt)
class AttemptAdmin(ReadOnlyAdmin):
    list_display = ("student", "quiz", "number", "state", "score", "started_at", "submitted_at")
    list_filter = ("quiz", "state")
    search_fields = ("student__username", "student__last_name")
    list_select_related = ("student", "quiz")
    inlines = [ResponseInline]


@admin.register(AttemptEvent)
class AttemptEventAdmin(ReadOnlyAdmin):
    list_display = ("attempt", "kind", "at", "part_key", "sequence", "ip_address")
    list_filter = ("kind",)
    list_select_related = ("attempt__student", "attempt__quiz")


@admin.register(Accommodation)
class AccommodationAdmin(admin.ModelAdmin):
    list_display = ("student", "quiz", "extra_minutes", "extra_attempts", "created_by")
    list_select_related = ("student", "quiz", "created_by")


@admin.register(StandingAccommodation)
class StandingAccommodationAdmin(admin.ModelAdmin):
    list_display = ("student", "time_multiplier", "extra_attempts", "updated_by", "updated_at")
    list_select_related = ("student", "updated_by")
    search_fields = ("student__username", "student__first_name", "student__last_name")
    fields = ("student", "time_multiplier", "extra_attempts", "reason", "updated_by", "updated_at")
    readonly_fields = ("updated_by", "updated_at")
    raw_id_fields = ("student",)

    def save_model(self, request, obj, form, change):
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)
