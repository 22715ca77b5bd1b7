"""Who may open what: every URL of the app × anonymous, a student, another student, a teacher, an admin.

The URLs come from the resolver, so a new page fails `test_every_url_is_in_the_matrix`
until its row is written below. The Django admin's own model pages follow one rule
(staff only, checked for every changelist and add page); a few admin pages, and any
admin URL ConvQuiz adds itself, are rows of the matrix too.

Arguments are real objects: Alice's attempts and responses, her quiz, Alice herself.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from types import SimpleNamespace
from urllib.parse import urlparse

import pytest
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse

from quiz import reviews, services, sheets
from quiz.bank import load_question_bank
from quiz.models import Attempt, AttemptEvent, Quiz, Response
from quiz.roles import STUDENTS, TEACHERS
from tests.conftest import make_user
from tests.quiz.conftest import GOOD_ANSWERS

LOGIN = "login"
"""A redirect to the login page, with the page asked for as `next`."""
ADMIN = "admin login"
"""A redirect to the admin's login page: the admin refuses anyone but staff this way."""
# Any other redirect is written "→name", the name of the page it goes to; those of the matrix:
DASHBOARD, TEACHING, HOME, LOGGED_OUT = "→student:dashboard", "→teacher:home", "→home", "→login"
ATTEMPT, ACCESS, REVIEW, ROSTER = "→student:attempt", "→teacher:quiz_access", "→teacher:review", "→teacher:roster"
ADMIN_HOME = "→admin:index"
GROUPS = "→teacher:review_groups"


@dataclass(frozen=True)
class Row:
    method: str
    anonymous: int | str
    alice: int | str
    bob: int | str
    tess: int | str
    admin: int | str


ROLES = ("anonymous", "alice", "bob", "tess", "admin")
T = Row  # keeps the table below on one line per URL

# POST rows send an empty form: enough to pass or fail the permission check, which comes first.
# alice owns every object in the URL; bob is another student; tess a teacher; admin a superuser.
MATRIX: dict[str, Row] = {
    #                                        method   anonymous    alice        bob          tess         admin
    "home":                                T("GET",   LOGIN,       DASHBOARD,   DASHBOARD,   TEACHING,    TEACHING),
    "healthz":                             T("GET",   200,         200,         200,         200,         200),
    "set_language":                        T("POST",  HOME,        HOME,        HOME,        HOME,        HOME),
    "javascript_catalog":                  T("GET",   200,         200,         200,         200,         200),
    "login":                               T("GET",   200,         HOME,        HOME,        HOME,        HOME),
    "logout":                              T("POST",  LOGGED_OUT,  LOGGED_OUT,  LOGGED_OUT,  LOGGED_OUT,  LOGGED_OUT),
    "password_change":                     T("GET",   LOGIN,       200,         200,         200,         200),
    "password_change_done":                T("GET",   LOGIN,       200,         200,         200,         200),
    "student:dashboard":                   T("GET",   LOGIN,       200,         200,         403,         403),
    "student:quiz_start":                  T("GET",   LOGIN,       200,         200,         403,         403),
    "student:attempt_history":             T("GET",   LOGIN,       200,         200,         403,         403),
    "student:attempt":                     T("GET",   LOGIN,       200,         404,         403,         403),
    "student:attempt_save":                T("POST",  401,         400,         404,         403,         403),
    "student:attempt_check":               T("POST",  401,         400,         404,         403,         403),
    "student:attempt_hint":                T("POST",  401,         403,         404,         403,         403),
    "student:attempt_variant":             T("GET",   LOGIN,       403,         404,         403,         403),
    "student:attempt_answers":             T("GET",   401,         200,         404,         403,         403),
    "student:attempt_save_all":            T("POST",  LOGIN,       ATTEMPT,     404,         403,         403),
    "student:attempt_submit":              T("GET",   LOGIN,       200,         404,         403,         403),
    "student:attempt_result":              T("GET",   LOGIN,       200,         404,         403,         403),
    "teacher:home":                        T("GET",   LOGIN,       403,         403,         200,         200),
    "teacher:gradebook":                   T("GET",   LOGIN,       403,         403,         200,         200),
    "teacher:gradebook_students":          T("GET",   LOGIN,       403,         403,         200,         200),
    "teacher:review_queue":                T("GET",   LOGIN,       403,         403,         200,         200),
    "teacher:quiz_access":                 T("GET",   LOGIN,       403,         403,         200,         200),
    "teacher:save_audience":               T("POST",  LOGIN,       403,         403,         ACCESS,      ACCESS),
    "teacher:grant_accommodation":         T("POST",  LOGIN,       403,         403,         400,         400),
    "teacher:review_next":                 T("GET",   LOGIN,       403,         403,         REVIEW,      REVIEW),
    "teacher:review_groups":               T("GET",   LOGIN,       403,         403,         200,         200),
    "teacher:review_group":                T("POST",  LOGIN,       403,         403,         GROUPS,      GROUPS),
    "teacher:review":                      T("GET",   LOGIN,       403,         403,         200,         200),
    "teacher:save_review":                 T("POST",  LOGIN,       403,         403,         400,         400),
    "teacher:override":                    T("POST",  LOGIN,       403,         403,         400,         400),
    "teacher:attempt":                     T("GET",   LOGIN,       403,         403,         200,         200),
    "teacher:reopen":                      T("POST",  LOGIN,       403,         403,         400,         400),
    "teacher:roster":                      T("GET",   LOGIN,       403,         403,         200,         200),
    "teacher:roster_preview":              T("POST",  LOGIN,       403,         403,         400,         400),
    "teacher:roster_import":               T("POST",  LOGIN,       403,         403,         ROSTER,      ROSTER),
    "teacher:unlock_student":              T("POST",  LOGIN,       403,         403,         ROSTER,      ROSTER),
    "teacher:student_password":            T("GET",   LOGIN,       403,         403,         200,         200),
    "teacher:standing_accommodation":      T("GET",   LOGIN,       403,         403,         200,         200),
    "teacher:set_password":                T("POST",  LOGIN,       403,         403,         400,         400),
    "teacher:statistics":                  T("GET",   LOGIN,       403,         403,         200,         200),
    "teacher:regrade":                     T("GET",   LOGIN,       403,         403,         200,         200),
    "teacher:regrade_part":                T("GET",   LOGIN,       403,         403,         200,         200),
    "teacher:export_gradebook":            T("GET",   LOGIN,       403,         403,         200,         200),
    "teacher:export_grades":               T("GET",   LOGIN,       403,         403,         200,         200),
    "teacher:export_responses":            T("GET",   LOGIN,       403,         403,         200,         200),
    "teacher:export_statistics":           T("GET",   LOGIN,       403,         403,         200,         200),
    "lti_login":                           T("GET",   400,         400,         400,         400,         400),
    "lti_launch":                          T("POST",  400,         400,         400,         400,         400),
    "lti_deep_linking":                    T("POST",  400,         400,         400,         400,         400),
    "lti_choose_quiz":                     T("GET",   LOGIN,       403,         403,         403,         403),
    "lti_jwks":                            T("GET",   200,         200,         200,         200,         200),
    "lti_quiz_links":                      T("GET",   LOGIN,       403,         403,         200,         200),
    "lti_pull_members":                    T("POST",  LOGIN,       403,         403,         400,         400),
    "sso_login":                           T("GET",   404,         404,         404,         404,         404),
    "sso_callback":                        T("GET",   404,         404,         404,         404,         404),
    "admin:index":                         T("GET",   ADMIN,       ADMIN,       ADMIN,       ADMIN,       200),
    "admin:login":                         T("GET",   200,         200,         200,         200,         ADMIN_HOME),
    "admin:quiz_question_preview":         T("GET",   ADMIN,       ADMIN,       ADMIN,       ADMIN,       200),
    "admin:quiz_question_check":           T("POST",  ADMIN,       ADMIN,       ADMIN,       ADMIN,       200),
    "admin:quiz_attempt_change":           T("GET",   ADMIN,       ADMIN,       ADMIN,       ADMIN,       200),
    "admin:auth_user_change":              T("GET",   ADMIN,       ADMIN,       ADMIN,       ADMIN,       200),
    "admin:axes_accessattempt_changelist": T("GET",   ADMIN,       ADMIN,       ADMIN,       ADMIN,       200),
}  # fmt: skip

# The admin's own pages for each registered model, and its fixed pages: covered by one rule.
ADMIN_STANDARD = re.compile(
    r"admin:(index|login|logout|password_change|password_change_done|autocomplete|jsi18n|view_on_site|app_list"
    r"|auth_user_password_change|[a-z_]+_[a-z]+_(changelist|add|history|delete|change))"
)


def url_names(patterns=None, namespace: str | None = None):
    """(name, namespace, pattern) of every URL the resolver knows; the name with its namespace, or None."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            inner = ":".join(part for part in (namespace, pattern.namespace) if part) or None
            yield from url_names(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern):
            name = pattern.name and (f"{namespace}:{pattern.name}" if namespace else pattern.name)
            yield name, namespace, pattern


def url_pattern(name: str) -> URLPattern:
    return next(pattern for each, _, pattern in url_names() if each == name)


# --- The world every cell is checked against --------------------------------------------------------


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """Alice with a submitted attempt (a free-text answer awaiting review) and one in progress; Bob with his own.

    Made once for the module inside a transaction rolled back at its end; every request of
    the matrix runs in a savepoint of its own, so what one role's POST changes the next
    role never sees.
    """
    from django.contrib.auth import get_user_model

    users = get_user_model()
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            quiz = load_question_bank().quiz
            alice = make_user(users, "alice", STUDENTS)
            bob = make_user(users, "bob", STUDENTS)
            tess = make_user(users, "tess", TEACHERS)
            admin = make_user(users, "root", staff=True)
            submitted = _submitted(alice, quiz)
            current = services.start_attempt(student=alice, quiz=quiz)
            bobs = services.start_attempt(student=bob, quiz=quiz)
            q6b = Response.objects.get(attempt=submitted, part__question__key="q6", part__key="b")
            yield SimpleNamespace(
                quiz=quiz, alice=alice, bob=bob, tess=tess, admin=admin, submitted=submitted, current=current,
                bobs=bobs, free_text=q6b, users={"alice": alice, "bob": bob, "tess": tess, "admin": admin},
            )
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def _submitted(student, quiz) -> Attempt:
    attempt = services.start_attempt(student=student, quiz=quiz)
    for key, text in GOOD_ANSWERS.items():
        services.save_response(attempt=attempt, part_key=key, text=text, sequence=1)
    return services.submit_attempt(attempt=attempt)


def url_kwargs(name: str, pattern: URLPattern, world) -> dict:
    """Real arguments for the URL, all Alice's: her attempt in progress, or the submitted one where a page needs it."""
    submitted = {"student:attempt_result", "teacher:attempt", "teacher:reopen"}
    attempt = world.submitted if name in submitted else world.current
    values = {
        "quiz_key": world.quiz.key,
        "question_key": "q2",
        "quiz_id": world.quiz.pk,
        "attempt_id": attempt.pk,
        "part_id": world.free_text.part_id,
        "response_id": world.free_text.pk,
        "user_id": world.alice.pk,
        "object_id": {
            "admin:quiz_question_preview": world.free_text.part.question_id,
            "admin:quiz_attempt_change": world.submitted.pk,
            "admin:auth_user_change": world.alice.pk,
        }.get(name),
    }
    return {key: values[key] for key in pattern.pattern.converters}


def outcome(response) -> int | str:
    """What a request gave, in the matrix's words."""
    if response.status_code != 302:
        return response.status_code
    location = urlparse(response["Location"])
    if location.query.startswith("next="):
        if location.path == reverse("login"):
            return LOGIN
        if location.path == reverse("admin:login"):
            return ADMIN
    return f"→{resolve(location.path).view_name}"


def request_as(world, role: str, method: str, url: str):
    """One request by one role, in a savepoint rolled back afterwards."""
    with transaction.atomic():
        client = Client()
        if role != "anonymous":
            client.force_login(world.users[role])
        response = client.post(url) if method == "POST" else client.get(url)
        transaction.set_rollback(True)
    return response


# --- The matrix --------------------------------------------------------------------------------------


def test_every_url_is_in_the_matrix():
    named = {}
    for name, namespace, pattern in url_names():
        if name is None:
            # The admin's redirects to a change page and its catch-all are unnamed; nothing else may be.
            assert namespace == "admin", f"an unnamed URL cannot be checked: {pattern.pattern}"
            continue
        named[name] = pattern
    app_urls = {name for name in named if not ADMIN_STANDARD.fullmatch(name)}
    assert app_urls - set(MATRIX) == set(), "new URLs: write their row in MATRIX"
    assert set(MATRIX) - set(named) == set(), "rows for URLs that no longer exist"


@pytest.mark.parametrize("name", list(MATRIX))
def test_each_role_gets_what_the_matrix_says(db, world, name):
    url = reverse(name, kwargs=url_kwargs(name, url_pattern(name), world))
    row = MATRIX[name]
    got = {role: outcome(request_as(world, role, row.method, url)) for role in ROLES}
    expected = {role: getattr(row, role) for role in ROLES}
    assert got == expected, f"{row.method} {url}"


def test_no_admin_page_opens_for_anyone_but_staff(db, world):
    """Every changelist and add page of every registered model: non-staff are sent to the admin's login.

    The admin opens them, except the add pages of the login records and of attempts and their
    logs, which nobody adds by hand (403)."""
    pages = [name for name, _, _ in url_names() if name and re.fullmatch(r"admin:\w+_(changelist|add)", name)]
    assert len(pages) > 10
    wrong = {}
    for name in pages:
        url = reverse(name)
        got = {role: outcome(request_as(world, role, "GET", url)) for role in ROLES}
        by_hand = name.startswith(
            ("admin:axes_", "admin:quiz_attempt", "admin:lti_quizlink", "admin:lti_outgoingscore", "admin:lti_tool_key")
        )
        admin = 403 if by_hand and name.endswith("_add") else 200
        if got != {"anonymous": ADMIN, "alice": ADMIN, "bob": ADMIN, "tess": ADMIN,
                   "admin": admin}:
            wrong[name] = got
    assert wrong == {}


# --- Another student's attempt, guessed ids included -------------------------------------------------

STUDENT_ATTEMPT_URLS = [
    ("student:attempt", "GET"),
    ("student:attempt_save", "POST"),
    ("student:attempt_check", "POST"),
    ("student:attempt_hint", "POST"),
    ("student:attempt_answers", "GET"),
    ("student:attempt_save_all", "POST"),
    ("student:attempt_submit", "GET"),
    ("student:attempt_submit", "POST"),
    ("student:attempt_result", "GET"),
]


def _snapshot(attempt: Attempt) -> tuple:
    attempt.refresh_from_db()
    responses = tuple(attempt.responses.order_by("pk").values_list("text", "sequence", "saved_at", "score"))
    return attempt.state, attempt.submitted_at, attempt.score, responses, attempt.events.count()


@pytest.mark.parametrize(("name", "method"), STUDENT_ATTEMPT_URLS)
def test_another_students_attempt_is_indistinguishable_from_none(db, world, name, method):
    """Bob gets the same 404 for Alice's attempts as for ids that were never used, and changes nothing."""
    before = [_snapshot(world.current), _snapshot(world.submitted)]
    unused = Attempt.objects.order_by("-pk").first().pk + 1
    guessed = [world.current.pk, world.submitted.pk, unused, unused + 1000, 0]
    data = {"part": "q2a", "text": "1", "sequence": 99, "answer-q2a": "1", "sequence-q2a": "0"}
    client = Client()
    client.force_login(world.bob)
    replies = []
    for attempt_id in guessed:
        url = reverse(name, args=[attempt_id])
        response = client.post(url, data) if method == "POST" else client.get(url)
        assert response.status_code == 404, f"{method} {url}"
        # The page's forms carry a freshly masked CSRF token each time: that differs, nothing else may.
        replies.append(re.sub(rb'name="csrfmiddlewaretoken" value="\w+"', b"", response.content))
    assert len(set(replies)) == 1, "a 404 that tells another student's attempt from a missing one"
    assert [_snapshot(world.current), _snapshot(world.submitted)] == before


def test_a_student_cannot_change_a_response_after_submitting(db, world):
    client = Client()
    client.force_login(world.alice)
    attempt = world.submitted
    before = _snapshot(attempt)
    save = client.post(reverse("student:attempt_save", args=[attempt.pk]), {"part": "q2a", "text": "0", "sequence": 99})
    assert save.status_code == 409
    assert save.json()["error"] == "closed"
    page = client.post(reverse("student:attempt_save_all", args=[attempt.pk]), {"answer-q2a": "0", "sequence-q2a": "1"})
    assert outcome(page) == "→student:attempt_result"
    again = client.post(reverse("student:attempt_submit", args=[attempt.pk]))
    assert outcome(again) == "→student:attempt_result"
    assert client.get(reverse("student:attempt", args=[attempt.pk])).status_code == 302
    assert _snapshot(attempt) == before


def test_a_teacher_cannot_reset_a_teachers_or_an_admins_password(db, world):
    client = Client()
    client.force_login(world.tess)
    for user in (world.tess, world.admin):
        assert client.get(reverse("teacher:student_password", args=[user.pk])).status_code == 404
        assert client.post(reverse("teacher:set_password", args=[user.pk])).status_code == 404


# --- What a student may read of an attempt, and when ---------------------------------------------------

WRONG_ANSWERS = {"q2a": "1", "q2b": "1 MB", "q2c": "2 MB", "q3a": "1, 1", "q4a": "[[1, 1], [1, 1]]",
                 "q5a": "[1, 1]", "q8b": "3", "q8c": "2x2", "q6b": "No idea at all.", "q9a": "Nothing comes to mind."}


def _secrets(attempt: Attempt) -> dict[str, str]:
    """What the student must not read before the quiz allows it, by where it comes from.

    Correct answers (except choices, whose labels the page shows as the student's own
    choice), every worked-solution line and every rubric concept of a part; less any
    that the questions themselves say ("data augmentation" is question 9's title).
    """
    secrets, public = {}, []
    sheet = sheets.attempt_sheet(attempt, solutions=True)
    for question in sheet:
        public += [question.question.title, question.prompt]
        for part in question.parts:
            public += [part.prompt, *(choice["label"] for choice in part.part.choices)]
            if part.response.expected and part.part.kind != "choice":
                secrets[f"{part.key} correct answer"] = part.response.expected
            for n, line in enumerate(part.solution):
                secrets[f"{part.key} solution line {n + 1}"] = line
            for concept in part.part.rubric:
                secrets[f"{part.key} concept {concept['key']}"] = concept["label"]
    said = " ".join(public).lower()
    return {where: text for where, text in secrets.items() if text.lower() not in said}


def _found(html: str, secrets: dict[str, str]) -> list[str]:
    """Which secrets the page shows: as written, or as the page writes them (escaped, formulas typeset)."""
    from quiz.maths import typeset

    return [where for where, text in secrets.items() if text in html or typeset(text) in html]


@pytest.fixture
def wrong(db, world):
    """Alice's attempt with wrong answers, submitted, under a quiz that reveals nothing yet."""
    quiz = Quiz.objects.get(pk=world.quiz.pk)
    quiz.show_score, quiz.show_feedback = "immediately", "never"
    quiz.show_answers = quiz.show_solutions = "after_close"
    quiz.save()
    services.submit_attempt(attempt=Attempt.objects.get(pk=world.current.pk))
    attempt = services.start_attempt(student=world.alice, quiz=quiz)
    for key, text in WRONG_ANSWERS.items():
        services.save_response(attempt=attempt, part_key=key, text=text, sequence=1)
    return services.submit_attempt(attempt=attempt)


def _alice(world) -> Client:
    client = Client()
    client.force_login(world.alice)
    return client


def test_the_result_hides_answers_solutions_and_concepts_until_the_quiz_allows(wrong, world):
    secrets = _secrets(wrong)
    assert len(secrets) > 40
    client = _alice(world)
    html = client.get(reverse("student:attempt_result", args=[wrong.pk])).content.decode()
    assert _found(html, secrets) == []

    # Once the quiz has closed and shows feedback, the same page reads them all: the check above could see them.
    for question, part in (("q6", "b"), ("q9", "a")):
        response = wrong.responses.get(part__question__key=question, part__key=part)
        reviews.confirm_review(response=response, score=0, comment="", teacher=world.tess)
    quiz = wrong.quiz
    quiz.show_feedback = "immediately"
    quiz.opens_at, quiz.closes_at = wrong.started_at.replace(year=2000), wrong.submitted_at
    quiz.save()
    revealed = client.get(reverse("student:attempt_result", args=[wrong.pk])).content.decode()
    shown = set(_found(revealed, secrets))
    # Concepts are listed for the written answers given (6b, 9a), not for those left empty.
    unanswered_concepts = {where for where in secrets if "concept" in where and not where.startswith(("q6b", "q9a"))}
    assert set(secrets) - shown == unanswered_concepts


def test_the_attempt_page_and_its_saves_reveal_nothing_even_after_reopening(wrong, world):
    """A reopened attempt carries its verdicts; neither its page nor a save's JSON shows them."""
    reviews.reopen_attempt(attempt=wrong, minutes=30, reason="Fire alarm", teacher=world.tess)
    secrets = _secrets(wrong) | {
        f"{response.part.question.key}{response.part.key} feedback": response.feedback
        for response in wrong.responses.select_related("part__question").exclude(feedback="")
        if response.feedback not in {"No answer.", "Awaiting review by your teacher."}
    }
    client = _alice(world)
    html = client.get(reverse("student:attempt", args=[wrong.pk])).content.decode()
    assert _found(html, secrets) == []
    reply = client.post(reverse("student:attempt_save", args=[wrong.pk]), {"part": "q2a", "text": "2", "sequence": 2})
    assert reply.status_code == 200
    assert set(reply.json()) == {"ok", "part", "sequence", "saved_at", "saved_at_display", "message"}
    assert _found(reply.content.decode(), secrets) == []


def test_the_attempts_log_shows_no_score_before_scores_are_released(wrong, world):
    quiz = wrong.quiz
    quiz.show_score = "never"
    quiz.save()
    q2a = wrong.responses.get(part__question__key="q2", part__key="a")
    reviews.override_score(response=q2a, score=0.75, reason="Partly right method", teacher=world.tess)
    q6b = wrong.responses.get(part__question__key="q6", part__key="b")
    reviews.confirm_review(response=q6b, score=0.5, comment="", teacher=world.tess)
    html = _alice(world).get(reverse("student:attempt_result", args=[wrong.pk])).content.decode()
    assert "Score not released yet" in html
    assert html.count('class="event-overridden"') == html.count('class="event-reviewed"') == 1
    # The score as a number of its own: a timestamp's seconds (01:49:20.757582) may hold the same digits.
    assert not re.search(r"(?<![\d.])0\.75(?!\d)", html)
    assert "0.5 of" not in html and "→" not in html

    quiz.show_score = "immediately"
    quiz.save()
    released = _alice(world).get(reverse("student:attempt_result", args=[wrong.pk])).content.decode()
    assert "0.75 of 1 point" in released


def test_a_students_pages_never_name_another_student(db, world):
    client = _alice(world)
    pages = [reverse("student:dashboard"), reverse("student:attempt_history"),
             reverse("student:quiz_start", args=[world.quiz.key]), reverse("student:attempt", args=[world.current.pk]),
             reverse("student:attempt_result", args=[world.submitted.pk])]
    for url in pages:
        html = client.get(url).content.decode()
        # As a word: a random CSRF token may hold the letters b, o, b in a row.
        assert not re.search(r"\bbob\b", html, re.IGNORECASE), url
    assert AttemptEvent.objects.filter(attempt=world.bobs).exists()
