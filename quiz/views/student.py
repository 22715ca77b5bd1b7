"""The pages a student takes a quiz in: dashboard, start, attempt, submit, result, history.

The save endpoint and the answers read speak the save contract (docs/save-contract.md):
JSON replies with a status code per outcome, 401 instead of a login redirect, so the
attempt page can keep unsent answers and send them again. The pages an attempt is
changed from are never cached: the back button must not bring back an editable attempt.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

import grader
from quiz import lookups, selectors, services, sheets
from quiz.errors import BadInput, Closed, Forbidden, LoginRequired, NotFound, Stale
from quiz.models import Attempt
from quiz.network import client_ip
from quiz.roles import is_student, student_required
from quiz.views.errors import error_response, json_refusals


@require_GET
@student_required
def dashboard(request: HttpRequest) -> HttpResponse:
    return render(request, "student/dashboard.html", {"cards": selectors.quiz_cards(request.user)})


@require_GET
@student_required
def attempt_history(request: HttpRequest) -> HttpResponse:
    return render(request, "student/history.html", {"rows": selectors.attempt_history(request.user)})


@require_http_methods(["GET", "POST"])
@student_required
def quiz_start(request: HttpRequest, quiz_key: str) -> HttpResponse:
    """What the quiz is and what happens at its deadline; POST starts (or resumes) an attempt."""
    quiz = lookups.student_quiz(request.user, quiz_key)
    ip = client_ip(request)
    if request.method == "POST":
        code = request.POST.get("access_code", "")
        try:
            attempt = services.start_attempt(student=request.user, quiz=quiz, ip=ip, access_code=code)
        except services.AttemptNotAllowed as refusal:
            messages.error(request, str(refusal))
            return redirect("student:quiz_start", quiz_key=quiz.key)
        except services.AccessCodeRefused as refusal:
            return _start_page(request, quiz, ip, code_refusal=refusal.message, status=refusal.status)
        except services.NetworkRefused as refusal:
            return _network_refusal(request, refusal)
        return redirect("student:attempt", attempt_id=attempt.pk)
    return _start_page(request, quiz, ip)


def _start_page(request: HttpRequest, quiz, ip: str | None, *, code_refusal: str = "", status: int = 200):
    card = selectors.quiz_cards(request.user, quiz=quiz)[0]
    context = {"card": card, "quiz": quiz, "network_admits": quiz.admits(ip), "code_refusal": code_refusal}
    return render(request, "student/start.html", context, status=status)


def _network_refusal(request: HttpRequest, refusal: services.NetworkRefused) -> HttpResponse:
    """The page a request from outside the quiz's allowed networks gets."""
    back = reverse("student:dashboard")
    return error_response(request, refusal, heading=_("Not from an allowed network"), back=back)


@require_GET
@never_cache
@student_required
def attempt(request: HttpRequest, attempt_id: int) -> HttpResponse:
    attempt = lookups.student_attempt(request.user, attempt_id)
    if not attempt.is_open:
        return redirect("student:attempt_result", attempt_id=attempt.pk)
    try:
        services.require_network(attempt.quiz, client_ip(request), attempt=attempt)
    except services.NetworkRefused as refusal:
        return _network_refusal(request, refusal)
    sheet = sheets.attempt_sheet(attempt)
    requested = _page_number(request.GET.get("page"))
    page = sheets.sheet_page(attempt, sheet, requested)
    if requested is not None and requested != page.number and 1 <= requested <= page.count:
        # Only sequential navigation gets here: earlier pages are closed, later ones are reached with Next.
        if requested < page.number:
            messages.warning(request, PAGES_CLOSED)
        return redirect(_page_url(attempt, page.number))
    context = {
        "attempt": attempt,
        "sheet": sheet,
        "page": page,
        "other_page_parts": json.dumps(sheets.other_page_parts(sheet, page)),
        "now": timezone.now(),
        "grace": settings.ATTEMPT_GRACE_SECONDS,
        "answer_limit": grader.MAX_ANSWER_LENGTH,
    }
    return render(request, "student/attempt.html", context)


PAGES_CLOSED = gettext_lazy("Earlier pages of this quiz are closed: you can no longer go back to them.")
"""Told to a student with sequential navigation who asks for a page already left."""


def _page_number(value: str | None) -> int | None:
    """A page asked for in `?page=`: a whole number, or None for anything else."""
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


def _page_url(attempt: Attempt, number: int) -> str:
    """The attempt page showing page `number`; a quiz on one page has no page numbers."""
    url = reverse("student:attempt", args=[attempt.pk])
    return f"{url}?page={number}" if attempt.quiz.questions_per_page else url


LAST_MILLISECOND = 253_402_300_799_999
"""The last millisecond of the year 9999, the latest moment a datetime holds."""


class SaveForm(forms.Form):
    """One save of the save contract, but its text: the part's key, its sequence, when it was typed.

    The text goes to `services.save_response` untouched, which says why it refuses one."""

    part = forms.CharField(max_length=100)
    sequence = forms.IntegerField(min_value=1, max_value=services.MAX_SEQUENCE)
    edited_at = forms.IntegerField(min_value=0, max_value=LAST_MILLISECOND, required=False)

    def clean_edited_at(self) -> datetime | None:
        milliseconds = self.cleaned_data["edited_at"]
        return None if milliseconds is None else datetime.fromtimestamp(milliseconds / 1000, tz=UTC)


def _script_attempt(request: HttpRequest, attempt_id: int) -> Attempt:
    """The student's attempt for the attempt page's script: refusals as the save contract's, never a redirect."""
    if not request.user.is_authenticated:
        raise LoginRequired()
    if not is_student(request.user):
        raise Forbidden(_("Only students save answers."))
    return lookups.student_attempt(request.user, attempt_id)


@require_POST
@json_refusals
def attempt_save(request: HttpRequest, attempt_id: int) -> JsonResponse:
    """Save one part's answer as the student types (the save contract)."""
    attempt = _script_attempt(request, attempt_id)
    response = _scripted_write(request, attempt, services.save_response)
    return JsonResponse({"ok": True, "part": services.part_key(response.part), **_saved_reply(response)})


@require_POST
@json_refusals
def attempt_check(request: HttpRequest, attempt_id: int) -> JsonResponse:
    """Check one part's answer in a practice quiz: saved as a save is, then graded, the try counted."""
    attempt = _script_attempt(request, attempt_id)
    result = _scripted_write(request, attempt, services.check_response)
    response = result.response
    html = render_to_string(
        "student/_check_result.html", {"p": sheets.checked_part(attempt, response), "result": result}, request
    )
    return JsonResponse(
        {
            "ok": True,
            "part": services.part_key(response.part),
            **_saved_reply(response),
            "right": result.right,
            "counted": result.counted,
            "checks": response.checks,
            "wrong_checks": response.wrong_checks,
            "html": html,
        }
    )


@require_POST
@json_refusals
def attempt_hint(request: HttpRequest, attempt_id: int) -> JsonResponse:
    """Show a part's next hint in a practice quiz, at the quiz's hint penalty."""
    attempt = _script_attempt(request, attempt_id)
    try:
        response = services.request_hint(attempt=attempt, part_key=request.POST.get("part", ""), ip=client_ip(request))
    except services.AttemptClosed as error:
        raise Closed(error.message, result_url=reverse("student:attempt_result", args=[attempt.pk])) from error
    html = render_to_string("student/_check_result.html", {"p": sheets.checked_part(attempt, response)}, request)
    key = services.part_key(response.part)
    return JsonResponse({"ok": True, "part": key, "hints_asked": response.hints_asked, "html": html})


@require_http_methods(["GET", "POST"])
@never_cache
@student_required
def attempt_variant(request: HttpRequest, attempt_id: int, question_key: str) -> HttpResponse:
    """GET asks to confirm that the question's answers will be cleared; POST draws its new numbers."""
    attempt = lookups.student_attempt(request.user, attempt_id)
    if not attempt.is_open:
        return redirect("student:attempt_result", attempt_id=attempt.pk)
    back = reverse("student:attempt", args=[attempt.pk])
    question = attempt.questions().filter(key=question_key).first()
    if question is None:
        raise NotFound()
    try:
        services.require_variants(attempt.quiz)
    except services.VariantsNotAllowed as refusal:
        return error_response(request, refusal, back=back)
    number = question.key.removeprefix("q")
    if request.method == "GET":
        return render(request, "student/variant.html", {"attempt": attempt, "question": question, "number": number})
    try:
        services.draw_new_variant(attempt=attempt, question_key=question.key, ip=client_ip(request))
    except services.AttemptClosed as error:
        messages.warning(request, str(error))
        return redirect("student:attempt_result", attempt_id=attempt.pk)
    except services.NetworkRefused as refusal:
        return _network_refusal(request, refusal)
    messages.success(request, _("Question %(number)s has new numbers; its answers were cleared.") % {"number": number})
    return redirect(f"{back}#question-{question.key}")


def _scripted_write(request: HttpRequest, attempt: Attempt, write):
    """A save or a check posted by the attempt page's script, its refusals as the save contract's."""
    form = SaveForm(request.POST)
    if not form.is_valid():
        field, errors = next(iter(form.errors.items()))
        raise BadInput(f"{field}: {errors[0]}")
    data = form.cleaned_data
    try:
        return write(
            attempt=attempt,
            part_key=data["part"],
            text=request.POST.get("text", ""),
            sequence=data["sequence"],
            edited_at=data["edited_at"],
            ip=client_ip(request),
        )
    except services.AttemptClosed as error:
        raise Closed(error.message, result_url=reverse("student:attempt_result", args=[attempt.pk])) from error
    except services.StaleSave as error:
        stored = _saved_answer(error.stored)
        raise Stale(error.message, sequence=stored["sequence"], stored=stored) from error


def _saved_answer(response) -> dict:
    """A stored answer as the page shows it: its text, sequence, save time and the parser's message."""
    return {
        "text": response.text,
        "sequence": response.sequence,
        "saved_at": timezone.localtime(response.saved_at).isoformat() if response.saved_at else None,
        "message": sheets.answer_message(response.part, response.text),
    }


def _saved_reply(response) -> dict:
    """What a successful save replies besides `ok` and `part` (no text: the page sent it)."""
    saved_at = timezone.localtime(response.saved_at)
    return {
        "sequence": response.sequence,
        "saved_at": saved_at.isoformat(),
        "saved_at_display": f"{saved_at:%H:%M:%S}",
        "message": sheets.answer_message(response.part, response.text),
    }


@require_GET
@never_cache
@json_refusals
def attempt_answers(request: HttpRequest, attempt_id: int) -> JsonResponse:
    """The answers the server holds, for a page that may be showing older ones (another window saved)."""
    attempt = _script_attempt(request, attempt_id)
    now = timezone.now().isoformat()
    if not attempt.is_open:
        result_url = reverse("student:attempt_result", args=[attempt.pk])
        return JsonResponse({"open": False, "now": now, "result_url": result_url})
    services.require_network(attempt.quiz, client_ip(request), attempt=attempt)
    responses = list(
        attempt.responses.select_related("part__question").prefetch_related("part__question__parts").order_by()
    )
    questions = sorted({response.part.question for response in responses}, key=lambda question: question.order)
    pages = attempt.question_pages(question.key for question in questions)
    answers = {
        services.part_key(response.part): {
            **_saved_answer(response), "label": response.part.label, "page": pages[response.part.question.key]
        }
        for response in responses
    }
    return JsonResponse({"open": True, "now": now, "answers": answers})


@require_POST
@student_required
def attempt_save_all(request: HttpRequest, attempt_id: int) -> HttpResponse:
    """The attempt page's Save, Previous and Next buttons without JavaScript: every changed answer at once, then
    the page asked for (`to_page`, recorded as reached with sequential navigation) or the same page."""
    attempt = lookups.student_attempt(request.user, attempt_id)
    if not attempt.is_open:
        messages.warning(request, _("This attempt has already been submitted; your last changes were not saved."))
        return redirect("student:attempt_result", attempt_id=attempt.pk)
    try:
        outcome = services.save_answers(attempt=attempt, answers=_posted_answers(request), ip=client_ip(request))
    except services.AttemptClosed as error:
        messages.warning(request, str(error))
        return redirect("student:attempt_result", attempt_id=attempt.pk)
    except services.NetworkRefused as refusal:
        return _network_refusal(request, refusal)
    except services.InvalidSave as error:
        # Only a form the attempt page did not make gets here: say what is wrong, store nothing.
        refusal = BadInput(_("%(error)s Nothing was saved.") % {"error": error})
        return error_response(request, refusal, back=reverse("student:attempt", args=[attempt.pk]))
    for label, reason in outcome.refused.items():
        messages.error(request, _("%(part)s was not saved: %(reason)s") % {"part": label, "reason": reason})
    if outcome.saved:
        saved = {"parts": ", ".join(outcome.saved), "time": f"{timezone.localtime():%H:%M:%S}"}
        messages.success(request, _("Saved %(parts)s at %(time)s.") % saved)
    if "finish" in request.POST:
        return redirect("student:attempt_submit", attempt_id=attempt.pk)
    return redirect(_page_url(attempt, _turned_page(request, attempt)))


def _turned_page(request: HttpRequest, attempt: Attempt) -> int:
    """The page the form asks for: `to_page` (Previous, Next), else the page it was on (`page`)."""
    on_page = _page_number(request.POST.get("page")) or 1
    wanted = _page_number(request.POST.get("to_page"))
    if wanted is None:
        return on_page
    page = services.turn_page(attempt=attempt, page=wanted, ip=client_ip(request))
    if page > wanted:
        messages.warning(request, PAGES_CLOSED)
    return page


def _posted_answers(request: HttpRequest) -> dict[str, tuple[str, int]]:
    """`answer-<key>` fields with their `sequence-<key>`; browsers post line breaks as CRLF.

    An answer without a whole-number sequence is refused (InvalidSave), not skipped."""
    answers = {}
    for name, values in request.POST.lists():
        # The boxes of a select-all part post one value each: its answer is the keys picked, "a, c".
        text = ", ".join(values)
        key = name.removeprefix("answer-")
        if key == name:
            continue
        try:
            known = int(request.POST.get(f"sequence-{key}", ""))
        except ValueError:
            raise services.InvalidSave(_("sequence-%(key)s must be a whole number.") % {"key": key}) from None
        answers[key] = (text.replace("\r\n", "\n"), max(known, 0))
    return answers


@require_http_methods(["GET", "POST"])
@never_cache
@student_required
def attempt_submit(request: HttpRequest, attempt_id: int) -> HttpResponse:
    """GET asks for confirmation, listing unanswered and unreadable parts; POST submits (once, however often)."""
    attempt = lookups.student_attempt(request.user, attempt_id)
    if attempt.is_open:
        try:
            services.require_network(attempt.quiz, client_ip(request), attempt=attempt)
        except services.NetworkRefused as refusal:
            return _network_refusal(request, refusal)
    if request.method == "POST":
        now = timezone.now()
        time_up = request.POST.get("reason") == "time_up" and attempt.deadline is not None and now >= attempt.deadline
        services.submit_attempt(attempt=attempt, auto=time_up, now=now)
        return redirect("student:attempt_result", attempt_id=attempt.pk)
    if not attempt.is_open:
        return redirect("student:attempt_result", attempt_id=attempt.pk)
    context = {
        "attempt": attempt,
        "unanswered": sheets.unanswered_parts(attempt),
        "unreadable": sheets.unreadable_parts(attempt),
    }
    return render(request, "student/submit.html", context)


@require_GET
@student_required
def attempt_result(request: HttpRequest, attempt_id: int) -> HttpResponse:
    attempt = lookups.student_attempt(request.user, attempt_id)
    if attempt.is_open:
        return redirect("student:attempt", attempt_id=attempt.pk)
    review = selectors.review_visibility(attempt)
    context = {
        "attempt": attempt,
        "review": review,
        "sheet": sheets.attempt_sheet(attempt, solutions=review.solutions),
        "events": selectors.student_log(attempt, review),
    }
    return render(request, "student/result.html", context)
