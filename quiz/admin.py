from django.contrib import admin

from quiz.forms import PartAdminForm, QuestionAdminForm
from quiz.models import Accommodation, Attempt, AttemptEvent, Part, Question, Quiz, Response


class QuestionInline(admin.TabularInline):
    model = Question
    fields = ("order", "key", "title", "calculator")
    extra = 0
    show_change_link = True


@admin.register(Quiz)
class QuizAdmin(admin.ModelAdmin):
    list_display = ("title", "key", "opens_at", "closes_at", "time_limit_minutes", "attempts_allowed", "randomize_numbers")
    list_filter = ("randomize_numbers", "review_free_text")
    search_fields = ("title", "key")
    filter_horizontal = ("groups",)
    inlines = [QuestionInline]
    fieldsets = (
        (None, {"fields": ("key", "title", "instructions", "groups")}),
        ("Timing", {"fields": ("opens_at", "closes_at", "time_limit_minutes", "attempts_allowed")}),
        ("Grading", {"fields": ("randomize_numbers", "review_free_text")}),
        ("What students see after submitting", {"fields": ("show_score", "show_feedback", "show_answers", "show_solutions")}),
    )


class PartInline(admin.StackedInline):
    model = Part
    form = PartAdminForm
    extra = 0
    fieldsets = (
        (None, {"fields": (("key", "order", "points", "kind"), "prompt")}),
        ("Answer", {"fields": (("output", "unit"), ("relative_tolerance", "absolute_tolerance", "partial_credit"),
                               "shape_feedback", "mistakes", "choices", "correct_choice", "rubric")}),
    )


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    form = QuestionAdminForm
    list_display = ("key", "title", "quiz", "calculator", "order")
    list_filter = ("quiz", "calculator")
    search_fields = ("key", "title", "prompt")
    ordering = ("quiz", "order")
    inlines = [PartInline]


@admin.register(Part)
class PartAdmin(admin.ModelAdmin):
    form = PartAdminForm
    list_display = ("__str__", "kind", "output", "points")
    list_filter = ("kind", "question__quiz")
    search_fields = ("question__key", "prompt")
    list_select_related = ("question",)


class ResponseInline(admin.TabularInline):
    model = Response
    fields = ("part", "text", "status", "score", "review_score", "override_score")
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(Attempt)
class AttemptAdmin(admin.ModelAdmin):
    list_display = ("student", "quiz", "number", "state", "score", "started_at", "submitted_at")
    list_filter = ("quiz", "state")
    search_fields = ("student__username", "student__last_name")
    list_select_related = ("student", "quiz")
    readonly_fields = ("params", "seed")
    inlines = [ResponseInline]


@admin.register(AttemptEvent)
class AttemptEventAdmin(admin.ModelAdmin):
    list_display = ("attempt", "kind", "at", "part_key", "sequence", "ip_address")
    list_filter = ("kind",)
    list_select_related = ("attempt__student", "attempt__quiz")


@admin.register(Accommodation)
class AccommodationAdmin(admin.ModelAdmin):
    list_display = ("student", "quiz", "extra_minutes", "extra_attempts", "created_by")
    list_select_related = ("student", "quiz", "created_by")
