from dataclasses import dataclass

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.http import urlencode
from django.views.decorators.http import require_http_methods

from quiz import sheets
from quiz.forms import (
    AccountChangeForm,
    AccountCreationForm,
    AdminLoginForm,
    PartAdminForm,
    PreviewForm,
    QuestionAdminForm,
    TryAnswerForm,
)
from quiz.models import Accommodation, Attempt, AttemptEvent, BankChange, Part, Question, Quiz, Response, ResponseStatus
from quiz.preview import PreviewError, Variant, describe, find_part, make_variant, random_seed, try_answers

# The admin's login finds accounts as the site's login does; its user forms refuse look-alike usernames.
admin.site.login_form = AdminLoginForm
admin.site.unregister(get_user_model())


@admin.register(get_user_model())
class AccountAdmin(UserAdmin):
    form = AccountChangeForm
    add_form = AccountCreationForm


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


class QuestionInline(admin.TabularInline):
    model = Question
    fields = ("order", "key", "title", "calculator")
    extra = 0
    show_change_link = True


@admin.register(Quiz)
class QuizAdmin(BankHistoryAdmin):
    list_display = (
        "title", "key", "opens_at", "closes_at", "time_limit_minutes", "attempts_allowed", "randomize_numbers",
    )  # fmt: skip
    list_filter = ("randomize_numbers", "review_free_text")
    search_fields = ("title", "key")
    filter_horizontal = ("groups",)
    inlines = [QuestionInline]
    fieldsets = (
        (None, {"fields": ("key", "title", "instructions", "groups")}),
        ("Timing", {"fields": ("opens_at", "closes_at", "time_limit_minutes", "attempts_allowed")}),
        ("Grading", {"fields": ("randomize_numbers", "review_free_text")}),
        (
            "What students see after submitting",
            {"fields": ("show_score", "show_feedback", "show_answers", "show_solutions", "show_suggested_scores")},
        ),
    )

    def bank_changes(self, obj: Quiz):
        """Everything loads changed in the quiz, its questions and their parts."""
        return BankChange.objects.filter(quiz=obj)


class PartInline(admin.StackedInline):
    model = Part
    form = PartAdminForm
    extra = 0
    fieldsets = (
        (None, {"fields": (("key", "order", "points", "kind"), "prompt")}),
        ("Answer", {"fields": (("output", "unit"), ("relative_tolerance", "absolute_tolerance", "partial_credit"),
                               ("significant_figures", "decimal_places"),
                               "shape_feedback", "mistakes", "choices", "correct_choice", "rubric")}),
    )


@admin.register(Question)
class QuestionAdmin(BankHistoryAdmin):
    form = QuestionAdminForm
    list_display = ("key", "title", "quiz", "calculator", "order")
    list_filter = ("quiz", "calculator")
    search_fields = ("key", "title", "prompt")
    ordering = ("quiz", "order")
    inlines = [PartInline]

    def bank_changes(self, obj: Question):
        """The question's changes and its parts' (which the admin edits on the question's page)."""
        return BankChange.objects.filter(quiz_id=obj.quiz_id, question_key=obj.key)

    def get_urls(self):
        preview = self.admin_site.admin_view(require_http_methods(["GET", "POST"])(self.preview_view))
        return [path("<path:object_id>/preview/", preview, name="quiz_question_preview"), *super().get_urls()]

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
class PartAdmin(BankHistoryAdmin):
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
