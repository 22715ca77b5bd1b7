"""Teacher pages: quizzes at a glance, the gradebook, the review queue, overrides, access and rosters.

Views stay thin: they fetch through `quiz.lookups` (which close overdue attempts first),
read through `quiz.selectors`, and decide through `quiz.reviews` and `quiz.rosters`.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.forms import SetPasswordForm
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

import grader
from quiz import errors, logins, lookups, reviews, rosters, selectors, services, suggestions
from quiz.formatting import page_point_count
from quiz.forms import (
    AccommodationForm,
    ConfirmSuggestionForm,
    GradebookFilterForm,
    GroupReviewForm,
    OverrideForm,
    QuizAudienceForm,
    ReopenForm,
    ReviewForm,
    RosterConfirmForm,
    RosterFilterForm,
    RosterUploadForm,
    StandingAccommodationForm,
    StudentLookupForm,
    StudentSearchForm,
)
from quiz.markup import concept_checklist, flag_notes, highlight_suggestion, sureness
from quiz.models import Attempt, Part, Quiz, Response, StandingAccommodation, earned_points
from quiz.roles import teacher_required

# Written answers submitted with a phrase-only suggestion are read by meaning before a teacher's
# page shows them (unless the model is unavailable, which the page then says). The queue reads
# this many of its quiz's oldest ahead of the teacher, about a second's work once the model is loaded.
QUEUE_READ_BY_MEANING = 50

# --- My quizzes and the gradebook ----------------------------------------------------------------


@require_GET
@teacher_required
def home(request: HttpRequest) -> HttpResponse:
    """Every quiz with its attempt counts, mean, median and score histogram."""
    return render(request, "teacher/home.html", {"summaries": selectors.quiz_summaries()})


@require_GET
@teacher_required
def gradebook(request: HttpRequest, quiz_id: int) -> HttpResponse:
    """One row per attempt, filtered, sorted and paginated from the query string."""
    quiz = lookups.teacher_quiz(quiz_id)
    form = GradebookFilterForm(request.GET)
    filters = form.filters()
    book = selectors.gradebook_page(quiz, filters, request.GET.get("page"))
    context = {"quiz": quiz, "form": form, "filters": filters, "book": book, "tab": "gradebook"}
    return render(request, "teacher/gradebook.html", context)


@require_GET
@teacher_required
def gradebook_students(request: HttpRequest, quiz_id: int) -> HttpResponse:
    """One row per student: the grade that counts by the quiz's grading method, the attempts expandable."""
    quiz = lookups.teacher_quiz(quiz_id)
    search = StudentSearchForm(request.GET)
    grades = selectors.student_grades_page(quiz, search.text(), request.GET.get("page"))
    context = {"quiz": quiz, "search": search, "grades": grades, "tab": "gradebook"}
    return render(request, "teacher/gradebook_students.html", context)


# --- One attempt: result, controls and log --------------------------------------------------------


@require_GET
@teacher_required
def attempt_detail(request: HttpRequest, attempt_id: int) -> HttpResponse:
    return _render_attempt(request, lookups.teacher_attempt(attempt_id))


def _render_attempt(request: HttpRequest, attempt: Attempt, *, bound=None, reopen_form=None, status: int = 200):
    """The attempt page; `bound` is a review or override form a failed post shows again, with its errors."""
    rows = selectors.attempt_detail(attempt)
    if any(row.response is not None and row.response.meaning_pending for row in rows):
        suggestions.upgrade_suggestions(suggestions.pending_suggestions(attempt=attempt))
        rows = selectors.attempt_detail(attempt)
    shown = {bound.prefix: bound} if bound else {}
    for row in rows:
        if row.response is not None:
            row.review_form = shown.get(f"review-{row.response.pk}") or _review_form(row.response)
            row.override_form = shown.get(f"override-{row.response.pk}") or _override_form(row.response)
    limit = services.time_limit_minutes(attempt.student, attempt.quiz)
    context = {
        "attempt": attempt,
        "rows": rows,
        "page_reached": selectors.page_reached(attempt, rows),
        "events": selectors.attempt_events(attempt),
        "reopen_form": reopen_form or ReopenForm(initial={"minutes": limit}),
    }
    return render(request, "teacher/attempt.html", context, status=status)


def _review_form(response: Response, data=None, *, autofocus: bool = False) -> ReviewForm:
    initial = {
        "points": _points(response.part, response.review_credit),
        "comment": response.review_comment,
        "items": response.review_items,
    }
    return ReviewForm(data, part=response.part, prefix=f"review-{response.pk}", initial=initial, autofocus=autofocus)


def _override_form(response: Response, data=None) -> OverrideForm:
    initial = {"points": _points(response.part, response.final_credit)}
    return OverrideForm(data, part=response.part, prefix=f"override-{response.pk}", initial=initial)


def _points(part: Part, credit: float | None):
    """A credit shown as points with two decimals, as the score field expects them."""
    return None if credit is None else round(float(earned_points(credit, part.points)), 2)


@require_POST
@teacher_required
def reopen(request: HttpRequest, attempt_id: int) -> HttpResponse:
    attempt = lookups.teacher_attempt(attempt_id)
    form = ReopenForm(request.POST)
    if not (form.is_valid() and _decide(request, reviews.reopen_attempt, attempt=attempt, teacher=request.user,
                                        **form.cleaned_data)):
        return _render_attempt(request, attempt, reopen_form=form, status=400)
    name = attempt.student.get_full_name() or attempt.student.username
    messages.success(request, _("Attempt reopened for %(name)s.") % {"name": name})
    return redirect("teacher:attempt", attempt_id=attempt.pk)


@require_POST
@teacher_required
def override(request: HttpRequest, response_id: int) -> HttpResponse:
    response = lookups.teacher_response(response_id)
    form = _override_form(response, request.POST)
    if form.is_valid() and _decide(request, reviews.override_score, response=response, score=form.credit,
                                   reason=form.cleaned_data["reason"], teacher=request.user):
        messages.success(request, _("%(part)s: score overridden.") % {"part": response.part.label})
        return _back_to_part(response)
    return _render_attempt(request, response.attempt, bound=form, status=400)


def _decide(request: HttpRequest, decision, **arguments) -> bool:
    """Take a decision, turning a refusal into a message on the page shown again; True when it was taken."""
    try:
        decision(**arguments)
    except errors.DecisionError as error:
        messages.error(request, str(error))
        return False
    return True


# --- Review queue ----------------------------------------------------------------------------------


@require_GET
@teacher_required
def review_queue(request: HttpRequest, quiz_id: int) -> HttpResponse:
    """The quiz's free-text parts with how many answers wait for each."""
    quiz = lookups.teacher_quiz(quiz_id)
    suggestions.upgrade_suggestions(suggestions.pending_suggestions(quiz=quiz), limit=QUEUE_READ_BY_MEANING)
    context = {"quiz": quiz, "parts": selectors.review_parts(quiz), "tab": "review"}
    return render(request, "teacher/review_queue.html", context)


@require_GET
@teacher_required
def review_next(request: HttpRequest, part_id: int) -> HttpResponse:
    """Open the next answer waiting for review: in this part (after a skipped one, with ?after=),
    then in the queue's next part that has one."""
    part = lookups.teacher_part(part_id)
    after = request.GET.get("after", "")
    response = selectors.next_pending(part, after=int(after) if after.isdecimal() else None)
    if response is None:
        following = selectors.next_part_to_review(part)
        skipped = selectors.pending_responses(part).exists()
        if skipped:
            done = _("Only skipped answers to %(part)s are left.") % {"part": part.label}
        else:
            done = _("Every answer to %(part)s is reviewed.") % {"part": part.label}
        if following is None:
            messages.success(request, f"{done} {_('No other answer waits for review.')}")
            return redirect("teacher:review_queue", quiz_id=part.question.quiz_id)
        following_part = {"part": following.label, "question": following.question.title}
        messages.success(request, f"{done} {_('Next: %(part)s, %(question)s.') % following_part}")
        response = selectors.next_pending(following)
    return redirect("teacher:review", response_id=response.pk)


@require_GET
@teacher_required
def review(request: HttpRequest, response_id: int) -> HttpResponse:
    """One free-text answer with its rubric highlights (or an answer that could not be read) and a
    score field pre-filled with the suggestion."""
    response = lookups.teacher_response(response_id)
    if not (response.part.is_free_text or response.unreadable) or response.attempt.is_open:
        return redirect("teacher:attempt", attempt_id=response.attempt_id)
    if response.meaning_pending:
        suggestions.upgrade_suggestions(Response.objects.filter(pk=response.pk))
        response.refresh_from_db(fields=services.GRADED_FIELDS)
    return _render_review(request, response, _review_form(response, autofocus=True))


def _render_review(request: HttpRequest, response: Response, form: ReviewForm, status: int = 200) -> HttpResponse:
    part = response.part
    rubric = part.spec().rubric
    context = {
        "response": response,
        "part": part,
        "quiz": response.attempt.quiz,
        "form": form,
        "answer": highlight_suggestion(response.text, response.suggestion_concepts),
        "concepts": concept_checklist(rubric, response.concepts_found, response.suggestion_concepts),
        "flags": flag_notes(response.suggestion_flags),
        "sureness": None if response.suggestion_confidence is None else sureness(response.suggestion_confidence),
        "pending": selectors.pending_responses(part).count(),
        "tab": "review",
    }
    return render(request, "teacher/review.html", context, status=status)


@require_POST
@teacher_required
def save_review(request: HttpRequest, response_id: int) -> HttpResponse:
    """Confirm a free-text score (the suggestion as it is, or the points typed), then open the next answer waiting."""
    response = lookups.teacher_response(response_id)
    from_attempt = request.POST.get("next") == "attempt"
    if "suggested" in request.POST:
        return _confirm_suggestion(request, response)
    form = _review_form(response, request.POST, autofocus=True)
    if form.is_valid() and _decide(request, reviews.confirm_review, response=response, score=form.credit,
                                   comment=form.cleaned_data["comment"], items=form.items, teacher=request.user):
        saved = {"part": response.part.label, "points": page_point_count(form.cleaned_data["points"])}
        messages.success(request, _("%(part)s: %(points)s saved.") % saved)
        if from_attempt:
            return _back_to_part(response)
        return redirect("teacher:review_next", part_id=response.part_id)
    if from_attempt:
        return _render_attempt(request, response.attempt, bound=form, status=400)
    return _render_review(request, response, form, status=400)


@require_GET
@teacher_required
def review_groups(request: HttpRequest, part_id: int) -> HttpResponse:
    """The part's answers waiting for review, grouped by meaning, largest group first, each with
    a form that scores the whole group by rubric items."""
    part = lookups.teacher_part(part_id)
    suggestions.upgrade_suggestions(selectors.pending_responses(part).filter(meaning_pending=True))
    responses = list(selectors.pending_responses(part))
    try:
        groups = reviews.group_for_review(responses)
    except grader.ModelUnavailable:
        messages.error(request, _("Grouping answers needs the model that reads them by meaning, which could not be "
                                  "loaded on the server; review them one by one."))
        return redirect("teacher:review_queue", quiz_id=part.question.quiz_id)
    # One <form> per group, written out by the template from this one form's fields.
    context = {
        "part": part, "quiz": part.question.quiz, "groups": groups, "form": GroupReviewForm(part=part),
        "pending": len(responses), "tab": "review",
    }
    return render(request, "teacher/review_groups.html", context)


@require_POST
@teacher_required
def review_group(request: HttpRequest, part_id: int) -> HttpResponse:
    """Score every answer of a group by the items ticked, then show the groups again."""
    part = lookups.teacher_part(part_id)
    form = GroupReviewForm(request.POST, part=part)
    if not form.is_valid():
        problems = " ".join(str(error) for field_errors in form.errors.values() for error in field_errors)
        messages.error(request, _("The group was not scored: %(problems)s") % {"problems": problems})
        return redirect("teacher:review_groups", part_id=part.pk)
    members = list(form.cleaned_data["responses"])
    if _decide(request, reviews.confirm_group, responses=members, score=form.credit, items=form.items,
               comment=form.cleaned_data["comment"], teacher=request.user):
        earned = earned_points(form.credit, part.points)
        saved = {"part": part.label, "points": page_point_count(earned), "count": len(members)}
        messages.success(request, ngettext("%(part)s: %(points)s saved for %(count)s answers.",
                                           "%(part)s: %(points)s saved for %(count)s answers.", len(members)) % saved)
    return redirect("teacher:review_groups", part_id=part.pk)


def _confirm_suggestion(request: HttpRequest, response: Response) -> HttpResponse:
    """“Confirm score” on the attempt page: the suggestion the teacher was shown becomes the score."""
    form = ConfirmSuggestionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The suggested score did not arrive intact; reload the page and confirm again."))
    elif _decide(request, reviews.confirm_suggestion, response=response, suggested=form.cleaned_data["suggested"],
                 teacher=request.user):
        confirmed = earned_points(form.cleaned_data["suggested"], response.part.points)
        confirmed_points = {"part": response.part.label, "points": page_point_count(confirmed)}
        messages.success(request, _("%(part)s: %(points)s confirmed.") % confirmed_points)
        return _back_to_part(response)
    return _render_attempt(request, response.attempt, status=400)


def _back_to_part(response: Response) -> HttpResponse:
    """The attempt page, scrolled to the part just decided."""
    return redirect(reverse("teacher:attempt", args=[response.attempt_id]) + f"#part-{response.part_id}")


# --- Access: groups and accommodations ---------------------------------------------------------------


@require_GET
@teacher_required
def quiz_access(request: HttpRequest, quiz_id: int) -> HttpResponse:
    quiz = lookups.teacher_quiz_settings(quiz_id)
    initial = selectors.accommodation_initial(quiz, StudentLookupForm(request.GET).username())
    return _render_access(request, quiz, AccommodationForm(initial=initial, quiz=quiz), QuizAudienceForm(instance=quiz))


def _render_access(request, quiz: Quiz, accommodation_form, audience_form, status: int = 200) -> HttpResponse:
    context = {
        "quiz": quiz,
        "accommodations": selectors.accommodations(quiz),
        "accommodation_form": accommodation_form,
        "audience_form": audience_form,
        "tab": "access",
    }
    return render(request, "teacher/access.html", context, status=status)


@require_POST
@teacher_required
def grant_accommodation(request: HttpRequest, quiz_id: int) -> HttpResponse:
    quiz = lookups.teacher_quiz_settings(quiz_id)
    form = AccommodationForm(request.POST, quiz=quiz)
    if form.is_valid():
        student = form.cleaned_data.pop("username")
        reviews.grant_accommodation(student=student, quiz=quiz, teacher=request.user, **form.cleaned_data)
        name = student.get_full_name() or student.username
        messages.success(request, _("Accommodation saved for %(name)s.") % {"name": name})
        return redirect("teacher:quiz_access", quiz_id=quiz.pk)
    return _render_access(request, quiz, form, QuizAudienceForm(instance=quiz), status=400)


@require_POST
@teacher_required
def save_audience(request: HttpRequest, quiz_id: int) -> HttpResponse:
    quiz = lookups.teacher_quiz_settings(quiz_id)
    form = QuizAudienceForm(request.POST, instance=quiz)
    if form.is_valid():
        form.save()
        groups = ", ".join(group.name for group in quiz.groups.all()) or _("every student")
        messages.success(request, _("%(quiz)s is open to %(groups)s.") % {"quiz": quiz.title, "groups": groups})
        return redirect("teacher:quiz_access", quiz_id=quiz.pk)
    return _render_access(request, quiz, AccommodationForm(quiz=quiz), form, status=400)


# --- Rosters -------------------------------------------------------------------------------------------


@require_GET
@teacher_required
def roster(request: HttpRequest) -> HttpResponse:
    """The students, searchable and by class group, with the CSV upload form."""
    return _render_roster(request, RosterUploadForm())


def _render_roster(request: HttpRequest, upload_form, status: int = 200) -> HttpResponse:
    search = RosterFilterForm(request.GET)
    students = selectors.students(**search.values())
    page = Paginator(students, selectors.ROSTER_PAGE_SIZE).get_page(request.GET.get("page"))
    locked = logins.locked_usernames([student.username for student in page])
    context = {"form": upload_form, "search": search, "page": page, "groups": selectors.class_groups(),
               "locked": locked}
    return render(request, "teacher/roster.html", context, status=status)


@require_POST
@teacher_required
def roster_preview(request: HttpRequest) -> HttpResponse:
    """Check every row of an uploaded file and show what importing it would do."""
    form = RosterUploadForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            preview = rosters.parse_roster(form.cleaned_data["file"])
        except errors.RosterError as error:
            form.add_error("file", str(error))
    if form.errors:
        return _render_roster(request, form, status=400)
    text, group_name = form.cleaned_data["file"], form.cleaned_data["group_name"]
    confirm = RosterConfirmForm(initial={"text": text, "group_name": group_name})
    context = {"preview": preview, "confirm_form": confirm, "group_name": group_name}
    return render(request, "teacher/roster_preview.html", context)


@require_POST
@teacher_required
def roster_import(request: HttpRequest) -> HttpResponse:
    """Import a previewed file in one transaction, checking every row again first."""
    form = RosterConfirmForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The import form was incomplete; upload the file again."))
        return redirect("teacher:roster")
    try:
        summary = rosters.import_roster(**form.cleaned_data, teacher=request.user)
    except errors.RosterError as error:
        messages.error(request, str(error))
        context = {"preview": _safe_preview(form.cleaned_data["text"]), "confirm_form": form,
                   "group_name": form.cleaned_data["group_name"]}
        return render(request, "teacher/roster_preview.html", context, status=400)
    messages.success(request, _("Roster imported: %(summary)s") % {"summary": summary})
    return redirect("teacher:roster")


def _safe_preview(text: str) -> rosters.RosterPreview | None:
    try:
        return rosters.parse_roster(text)
    except errors.RosterError:
        return None


@require_http_methods(["GET", "POST"])
@teacher_required
def standing_accommodation(request: HttpRequest, user_id: int) -> HttpResponse:
    """A student's time multiplier and extra attempts on every quiz: GET shows them, POST saves them."""
    student = lookups.teacher_student(user_id)
    current = StandingAccommodation.objects.filter(student=student).first()
    form = StandingAccommodationForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        saved = reviews.set_standing_accommodation(student=student, teacher=request.user, **form.cleaned_data)
        name = student.get_full_name() or student.username
        summary = saved.summary if saved else _("none")
        accommodation = {"name": name, "summary": summary}
        messages.success(request, _("%(name)s's accommodation on every quiz: %(summary)s.") % accommodation)
        return redirect(reverse("teacher:roster") + "?" + urlencode({"q": student.username}))
    status = 400 if form.errors else 200
    return render(request, "teacher/standing_accommodation.html", {"student": student, "form": form}, status=status)


@require_POST
@teacher_required
def unlock_student(request: HttpRequest, user_id: int) -> HttpResponse:
    """Lift a student's log-in lock-out (wrong passwords), from every address; logged."""
    student = lookups.teacher_student(user_id)
    logins.unlock(student=student, teacher=request.user)
    messages.success(request, _("%(name)s can log in again.") % {"name": student.get_full_name() or student.username})
    return redirect(reverse("teacher:roster") + "?" + urlencode({"q": student.username}))


@require_GET
@teacher_required
def student_password(request: HttpRequest, user_id: int) -> HttpResponse:
    student = lookups.teacher_student(user_id)
    return render(request, "teacher/student_password.html", {"student": student, "form": SetPasswordForm(student)})


@require_POST
@teacher_required
def set_student_password(request: HttpRequest, user_id: int) -> HttpResponse:
    student = lookups.teacher_student(user_id)
    form = SetPasswordForm(student, request.POST)
    if not form.is_valid():
        return render(request, "teacher/student_password.html", {"student": student, "form": form}, status=400)
    form.save()
    name = student.get_full_name() or student.username
    messages.success(request, _("New password set for %(name)s.") % {"name": name})
    return redirect(reverse("teacher:roster") + "?" + urlencode({"q": student.username}))
