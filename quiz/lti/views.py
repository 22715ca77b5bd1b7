"""The LMS's doors into ConvQuiz (login, launch, deep linking, the keyset) and the teacher's page of course links.

The login and the launches are exempt from CSRF: the LMS posts them from its own site, and
what protects them is the signed id_token, the state bound to this browser and the nonce
used once. A launch first ends any session in this browser, so a refused launch leaves
nobody signed in.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.contrib import messages
from django.contrib.auth import login, logout
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from lti_tool.models import Key
from pylti1p3.exception import OIDCException

from quiz.lti import deep_linking, launches, roster
from quiz.lti.forms import PullMembersForm
from quiz.lti.middleware import allow_framing
from quiz.lti.platforms import registered_origins
from quiz.lti.tool import Launch, LaunchRefused, Refusal, oidc_login
from quiz.models import Quiz
from quiz.roles import teacher_required

BACKEND = "django.contrib.auth.backends.ModelBackend"


def refused(request: HttpRequest, refusal: LaunchRefused) -> HttpResponse:
    """The page of a refused login or launch: what went wrong and what to tell the LMS's administrator."""
    context = {"refusal": refusal.refusal, "detail": refusal.detail, "facts": refusal.facts}
    response = render(request, "lti/refused.html", context, status=refusal.refusal.status)
    # Shown inside the LMS's frame, so that the person there can read it: it holds nothing to click.
    return allow_framing(response, registered_origins())


@csrf_exempt
@require_http_methods(["GET", "POST"])
def login_initiation(request: HttpRequest) -> HttpResponse:
    """OIDC third-party-initiated login: remember a state and a nonce, and send the browser to the platform."""
    params = request.POST if request.method == "POST" else request.GET
    target = _launch_endpoint(request, params.get("target_link_uri", ""))
    if target is None:
        return refused(request, LaunchRefused(
            Refusal.MESSAGE, f"target_link_uri must be ConvQuiz's launch or deep-linking URL, not "
            f"{params.get('target_link_uri', '')!r}.",
        ))
    try:
        return oidc_login(request).redirect(target)
    except OIDCException as error:
        facts = {"issuer": params.get("iss", ""), "client ID": params.get("client_id", "")}
        refusal = Refusal.MESSAGE if "login hint" in str(error) else Refusal.UNKNOWN_PLATFORM
        return refused(request, LaunchRefused(refusal, str(error), facts))


def _launch_endpoint(request: HttpRequest, target: str) -> str | None:
    """The absolute URL of the launch endpoint the platform names, if it names one of ours on this host."""
    parts = urlsplit(target)
    paths = {reverse("lti_launch"), reverse("lti_deep_linking")}
    if parts.netloc != request.get_host() or parts.path not in paths:
        return None
    return request.build_absolute_uri(parts.path)


@csrf_exempt
@require_POST
def launch(request: HttpRequest) -> HttpResponse:
    """The platform's form post of id_token and state: validate, sign the person in, open the quiz."""
    logout(request)
    try:
        accepted = launches.accept(Launch(request).validate())
    except LaunchRefused as refusal:
        return refused(request, refusal)
    login(request, accepted.user, backend=BACKEND)
    request.session[launches.SESSION_KEY] = accepted.session
    return redirect(accepted.destination)


@require_GET
def jwks(request: HttpRequest) -> JsonResponse:
    """The tool's public keys, by kid, for the platforms to check what ConvQuiz signs."""
    return JsonResponse(Key.objects.as_jwks())


@require_http_methods(["GET", "POST"])
@teacher_required
def choose_quiz(request: HttpRequest) -> HttpResponse:
    """Deep linking: the instructor picks a quiz, which goes back to the LMS as a link with a line item."""
    pending = request.session.get(launches.SESSION_KEY, {}).get("deep_linking")
    if pending is None:
        return refused(request, LaunchRefused(Refusal.NOT_DEEP_LINKING, "No deep-linking launch in this session."))
    choices = deep_linking.quiz_choices()
    if request.method == "GET":
        return render(request, "lti/choose_quiz.html", {"choices": choices})
    choice = next((choice for choice in choices if str(choice.quiz.pk) == request.POST.get("quiz")), None)
    if choice is None:
        messages.error(request, gettext("Choose one of the quizzes below."))
        return render(request, "lti/choose_quiz.html", {"choices": choices}, status=400)
    try:
        reply = deep_linking.reply(request, pending, choice)
    except LaunchRefused as refusal:
        return refused(request, refusal)
    # One reply per request: the LMS takes the link once.
    del request.session[launches.SESSION_KEY]["deep_linking"]
    request.session.modified = True
    response = render(request, "lti/deep_link_return.html", {"reply": reply, "quiz": choice.quiz})
    response._csp_update = {"form-action": [reply.origin]}
    return response


@require_GET
@teacher_required
def quiz_links(request: HttpRequest, quiz_id: int) -> HttpResponse:
    """The LMS courses that link to this quiz, where their grades stand, and their rosters to pull."""
    quiz = get_object_or_404(Quiz, pk=quiz_id)
    return render(request, "lti/quiz_links.html", _links_context(quiz, PullMembersForm(quiz=quiz)))


def _links_context(quiz: Quiz, form: PullMembersForm) -> dict:
    return {"quiz": quiz, "tab": "lms", "courses": roster.linked_courses(quiz), "form": form}


@require_POST
@teacher_required
def pull_members(request: HttpRequest, quiz_id: int) -> HttpResponse:
    """Names and roles: add the course's learners to its group in ConvQuiz (accounts made as needed)."""
    quiz = get_object_or_404(Quiz, pk=quiz_id)
    form = PullMembersForm(request.POST, quiz=quiz)
    if not form.is_valid():
        return render(request, "lti/quiz_links.html", _links_context(quiz, form), status=400)
    try:
        summary = roster.pull_members(form.cleaned_data["course"])
    except roster.RosterUnavailable as error:
        form.add_error(None, str(error))
        return render(request, "lti/quiz_links.html", _links_context(quiz, form), status=502)
    messages.success(request, str(summary))
    return redirect("lti_quiz_links", quiz_id=quiz.pk)
