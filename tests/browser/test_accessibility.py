"""Every page type, for every role, audited by axe-core in Chromium: no violation of a WCAG 2.1
A or AA rule, and no horizontal scrolling at 320 px (WCAG 1.4.10, reflow: what 400 % zoom of a
1280 px window gives).

axe-core comes from npm (package.json pins it; `make test` runs `npm ci`) and is injected
by Playwright before the page's own scripts, so the pages' Content Security Policy stays as
strict as it is. A missing axe-core fails the test: it is part of the project's install.
"""

from __future__ import annotations

import json
import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages.storage.fallback import FallbackStorage
from django.utils import timezone
from playwright.sync_api import expect

from quiz import services
from quiz.models import Attempt, Part, Question, Response
from quiz.views import accounts, errors
from tests.browser.conftest import submitted_attempt, tool
from tests.browser.test_lti import ADA, IVAN
from tests.sso.identity_provider import idp  # noqa: F401

pytestmark = pytest.mark.browser

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
DESKTOP = {"width": 1280, "height": 900}
NARROW = {"width": 320, "height": 640}
# The innermost elements that reach past the window's right edge (not inside a box that
# scrolls on its own, like a wide table's), to name in a failure.
WIDEST_ELEMENTS = """() => {
  const scrollsItself = e => ["auto", "scroll", "hidden"].includes(getComputedStyle(e).overflowX);
  const contained = e => {
    for (let a = e.parentElement; a && a !== document.body; a = a.parentElement) if (scrollsItself(a)) return true;
    return false;
  };
  const past = [...document.querySelectorAll("body *")]
    .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1 && !contained(e));
  const name = e => e.tagName.toLowerCase() + (e.id ? "#" + e.id : "")
    + (typeof e.className === "string" && e.className.trim() ? "." + e.className.trim().split(/ +/).join(".") : "");
  return past.filter(e => !past.some(other => other !== e && e.contains(other))).slice(0, 4).map(name).join(", ");
}"""


@pytest.fixture
def audit(page):
    """`audit(name)` checks the page the browser shows now; `audit.failures` lists what failed."""
    assert AXE.exists(), f"axe-core is missing at {AXE}: `make test` installs it (npm ci)"
    page.context.add_init_script(path=str(AXE))

    class Audit:
        def __init__(self) -> None:
            self.failures: list[str] = []

        def __call__(self, name: str) -> None:
            page.wait_for_load_state("load")
            result = page.evaluate(
                "options => axe.run(document, options)", {"runOnly": {"type": "tag", "values": WCAG_21_AA}}
            )
            self._record(name, result)
            page.set_viewport_size(NARROW)
            overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            if overflow > 0:
                wide = page.evaluate(WIDEST_ELEMENTS)
                self.failures.append(f"{name}: scrolls sideways by {overflow} px at 320 px wide, past the edge: {wide}")
            page.set_viewport_size(DESKTOP)

        def framed(self, name: str) -> None:
            """Audit ConvQuiz's own page inside the test LMS's iframe (the LMS page around it is not ours)."""
            frame = page.locator("iframe[title=ConvQuiz]").element_handle().content_frame()
            frame.wait_for_load_state("load")
            result = frame.evaluate(
                "options => axe.run(document, options)", {"runOnly": {"type": "tag", "values": WCAG_21_AA}}
            )
            self._record(name, result)

        def _record(self, name: str, result: dict) -> None:
            for violation in result["violations"]:
                places = ", ".join(json.dumps(node["target"]) for node in violation["nodes"][:4])
                why = violation["nodes"][0].get("failureSummary", "").replace("\n", " ")
                self.failures.append(f"{name}: {violation['id']} ({violation['help']}) at {places}: {why}")

        def visit(self, url: str, name: str) -> None:
            page.goto(url)
            self(name)

    page.set_viewport_size(DESKTOP)
    return Audit()


def check(audit) -> None:
    assert not audit.failures, "accessibility failures:\n" + "\n".join(audit.failures)



FIRST_ATTEMPT = {"q2a": "903400", "q2b": "12 MB", "q6b": "Skip connections let very deep networks train."}


def test_anonymous_pages(page, live_server, audit, page_errors):
    page_errors.expect(r"status of 404")
    audit.visit(f"{live_server.url}/accounts/login/", "login")
    page.get_by_label("Username").fill("nobody")
    page.get_by_label("Password").fill("wrong")
    page.get_by_role("button", name="Log in").click()
    expect(page.locator(".alert, .errorlist").first).to_be_visible()
    audit("login with an error")
    audit.visit(f"{live_server.url}/no-such-page/", "404 page")
    check(audit)


def test_error_pages(page, live_server, audit, rf, alice):
    """The pages a failure shows, rendered by their own views and shown as the browser would get them."""

    def request(accept: str = "text/html"):
        made = rf.post("/accounts/login/", HTTP_ACCEPT=accept)
        made.user, made.session = AnonymousUser(), {}
        made.axes_attempt_time, made.axes_ip_address = timezone.now(), "127.0.0.1"  # what django-axes sets
        made._messages = FallbackStorage(made)
        return made

    pages = {
        "400 page": errors.bad_request(request()),
        "413 page": errors.request_too_large(request(), 262_144),
        "500 page": errors.server_error(request()),
        "CSRF failure page": errors.csrf_failure(request()),
        "locked-out page": accounts.locked_out(request()),
    }
    page.goto(f"{live_server.url}/accounts/login/")
    for name, response in pages.items():
        page.set_content(response.content.decode())
        audit(name)
    check(audit)


def test_student_pages(page, live_server, login, audit, page_errors, alice, quiz):
    page_errors.expect(r"status of 403")
    first = submitted_attempt(alice, quiz, FIRST_ATTEMPT)
    login(page, live_server, "alice", "alice-password")
    audit("dashboard")
    audit.visit(f"{live_server.url}/quizzes/{quiz.key}/", "start page")
    audit.visit(f"{live_server.url}/attempts/", "history")
    audit.visit(f"{live_server.url}/attempts/{first.pk}/result/", "result")

    page.goto(f"{live_server.url}/quizzes/{quiz.key}/")
    page.get_by_role("button", name="Start attempt 2").click()
    expect(page.locator("#attempt-form[data-ready]")).to_have_count(1)
    audit("attempt page, empty")
    page.get_by_label("Question 2a", exact=True).fill("903400")
    expect(page.locator("#status-q2a")).to_contain_text("Saved")
    audit("attempt page, half answered")
    page.get_by_label("Question 5", exact=True).fill("[3.78 1.22")
    expect(page.locator("#message-q5a")).to_be_visible()
    audit("attempt page, an answer that cannot be read")

    second = Attempt.objects.get(student=alice, number=2)
    Attempt.objects.filter(pk=second.pk).update(deadline=timezone.now() + timedelta(seconds=50))
    page.reload()
    expect(page.locator("#attempt-form[data-ready]")).to_have_count(1)
    audit("attempt page, time almost up")
    Attempt.objects.filter(pk=second.pk).update(deadline=None)
    audit.visit(f"{live_server.url}/attempts/{second.pk}/submit/", "submit page")
    audit.visit(f"{live_server.url}/teach/", "403 page (a student on a teacher's page)")
    check(audit)


def test_exam_start_pages(page, live_server, login, audit, page_errors, alice, quiz):
    """The start page asking for an access code, refusing a wrong one, and the page refusing a network."""
    page_errors.expect(r"status of 403")
    quiz.access_code, quiz.shuffle_questions = "owl-42", True
    quiz.save()
    login(page, live_server, "alice", "alice-password")
    audit.visit(f"{live_server.url}/quizzes/{quiz.key}/", "start page with an access code")
    page.get_by_label("Access code").fill("owl")
    page.get_by_role("button", name="Start attempt 1").click()
    expect(page.locator("#access-code-error")).to_be_visible()
    audit("start page, wrong access code")
    quiz.allowed_networks = ["192.0.2.0/24"]
    quiz.save()
    page.goto(f"{live_server.url}/quizzes/{quiz.key}/")
    page.get_by_role("button", name="Start attempt 1").click()
    expect(page.get_by_role("heading", name="Not from an allowed network")).to_be_visible()
    audit("refused: not from an allowed network")
    check(audit)


def test_attempt_pages_of_a_quiz_a_few_questions_to_a_page(page, live_server, login, audit, alice, quiz):
    """A page in the middle (Previous, Next, the navigator's links to other pages) and, with sequential
    navigation, a page after the first (no Previous, earlier questions listed without links, the message
    refusing the way back)."""
    quiz.questions_per_page = 3
    quiz.save()
    login(page, live_server, "alice", "alice-password")
    audit.visit(f"{live_server.url}/quizzes/{quiz.key}/", "start page of a quiz in pages")
    attempt = services.start_attempt(student=alice, quiz=quiz)
    services.save_response(attempt=attempt, part_key="q2a", text="903400", sequence=1)
    audit.visit(f"{live_server.url}/attempts/{attempt.pk}/?page=2", "attempt page 2 of 4")
    quiz.sequential = True
    quiz.save()
    services.turn_page(attempt=attempt, page=2)
    audit.visit(f"{live_server.url}/quizzes/{quiz.key}/", "start page of a sequential quiz")
    audit.visit(f"{live_server.url}/attempts/{attempt.pk}/?page=1", "sequential attempt page, the way back refused")


def test_practice_pages(page, live_server, login, audit, alice, quiz):
    """A practice quiz: its start page, a part checked wrong with a hint and the worked solution, the variant page."""
    quiz.time_limit_minutes, quiz.allow_checks, quiz.solution_after_checks = None, True, 1
    quiz.save()
    part = quiz.questions.get(key="q2").parts.get(key="a")
    part.hints = ["Every filter has a bias."]
    part.save()
    login(page, live_server, "alice", "alice-password")
    audit.visit(f"{live_server.url}/quizzes/{quiz.key}/", "start page of a practice quiz")
    page.get_by_role("button", name="Start attempt 1").click()
    expect(page.locator("#attempt-form[data-ready]")).to_have_count(1)
    page.locator("#answer-q2a").fill("902700")
    page.locator("#part-q2a").get_by_role("button", name="Check").click()
    expect(page.locator("#check-q2a .worked-solution")).to_have_count(1)
    page.locator("#check-q2a .worked-solution summary").click()
    # The pointer left the Check button for the summary: its hover colours fade out before the audit reads them.
    expect(page.locator("#part-q2a .check-button")).to_have_css("background-color", "rgba(0, 0, 0, 0)")
    expect(page.locator("#part-q2a .check-button")).to_have_css("color", "rgb(86, 94, 100)")
    audit("attempt page, a part checked wrong with its hint and worked solution")
    page.locator("#question-q2 .new-variant").click()
    audit("asking for another variant")
    check(audit)


def test_teacher_pages(page, live_server, login, audit, alice, bob, tess, quiz):
    attempt = submitted_attempt(alice, quiz, FIRST_ATTEMPT)
    submitted_attempt(bob, quiz, {"q6b": "Batch normalization."})
    response = Response.objects.get(attempt=attempt, part__question__key="q6", part__key="b")
    part = Part.objects.get(question__quiz=quiz, question__key="q6", key="b")
    base = f"{live_server.url}/teach"
    login(page, live_server, "tess", "tess-password")
    audit("teacher home")
    audit.visit(f"{base}/quizzes/{quiz.pk}/gradebook/", "gradebook")
    audit.visit(f"{base}/quizzes/{quiz.pk}/grades/", "gradebook by student")
    audit.visit(f"{base}/attempts/{attempt.pk}/", "attempt detail")
    audit.visit(f"{base}/quizzes/{quiz.pk}/review/", "review queue")
    audit.visit(f"{base}/parts/{part.pk}/review/", "review of the next answer")
    audit.visit(f"{base}/responses/{response.pk}/review/", "review of one answer")
    audit.visit(f"{base}/quizzes/{quiz.pk}/access/", "access and accommodations")
    audit.visit(f"{base}/quizzes/{quiz.pk}/statistics/", "statistics")
    audit.visit(f"{base}/quizzes/{quiz.pk}/regrade/", "regrade preview")
    part.rubric = [dict(item, points=2) for item in part.rubric]  # bonus items now outweigh the core one
    part.save()
    audit.visit(f"{base}/parts/{part.pk}/regrade/", "a part's regrade preview, after its rubric was edited")
    audit.visit(f"{base}/students/", "roster")
    audit.visit(f"{base}/students/{alice.pk}/password/", "a student's password")
    audit.visit(f"{base}/students/{alice.pk}/accommodation/", "a student's accommodation on every quiz")
    check(audit)


def test_admin_pages(page, live_server, login, audit, admin_user, quiz):
    question = Question.objects.get(quiz=quiz, key="q2")
    login(page, live_server, "root", "root-password")
    audit.visit(f"{live_server.url}/admin/quiz/question/{question.pk}/preview/", "admin preview")
    page.get_by_label("Question 2a", exact=True).fill("1.234,5")
    page.locator("#part-q2a").get_by_role("button", name="Grade this answer").click()
    expect(page.locator("#part-q2a .trial-result")).to_be_visible()
    audit("admin preview with a trial answer")
    check(audit)


AXE_STYLES = re.compile(r"Applying inline style violates|style-src-elem blocked inline")


def test_admin_lists_and_forms(page, live_server, login, audit, admin_user, quiz, page_errors):
    question = Question.objects.get(quiz=quiz, key="q2")
    admin = f"{live_server.url}/admin"
    login(page, live_server, "root", "root-password")
    pages = {
        "admin index": "/",
        "admin list of quizzes": "/quiz/quiz/",
        "admin form of a quiz": f"/quiz/quiz/{quiz.pk}/change/",
        "admin list of questions": "/quiz/question/",
        "admin form of a question": f"/quiz/question/{question.pk}/change/",
        "admin list of users": "/auth/user/",
    }
    for name, path in pages.items():
        page.goto(admin + path)
        page.wait_for_load_state("load")
        assert page_errors.seen == [], f"{name}: {page_errors.seen}"
        audit(name)
        # axe's checks on the admin's forms add styles the Content Security Policy refuses; the
        # page itself reported nothing (above), so only those are set aside.
        page.wait_for_timeout(200)
        page_errors.seen[:] = [message for message in page_errors.seen if not AXE_STYLES.search(message)]
    check(audit)


def test_pages_inside_the_lms(page, lms, audit, quiz, page_errors):
    page_errors.expect(r"the server responded with a status of 403")  # the refused launch's own status
    page.goto(lms.course_page(lms.plan(IVAN, message="LtiDeepLinkingRequest")))
    expect(tool(page).get_by_role("heading", name="Choose a quiz for your course")).to_be_visible()
    audit.framed("choosing a quiz to link")
    tool(page).get_by_role("button", name="Add to the course: CNN fundamentals").click()
    expect(tool(page).get_by_role("heading", name="Added to the course")).to_be_visible()  # the LMS's own page
    page.goto(lms.course_page(lms.plan(ADA, custom={"quiz": "cnn-fundamentals"}, resource_link="link-audit")))
    expect(tool(page).get_by_role("button", name="Start attempt 1")).to_be_visible()
    audit.framed("a learner's start page in the LMS")
    page.goto(lms.course_page(lms.plan(ADA, custom={"quiz": "cnn-fundamentals"}, spoil="signature")))
    expect(tool(page).get_by_role("heading", name="ConvQuiz could not open this launch from your LMS")).to_be_visible()
    audit.framed("a refused launch")
    check(audit)


def test_teacher_page_of_lms_links(page, live_server, login, audit, tess, quiz):
    login(page, live_server, "tess", "tess-password")
    audit.visit(f"{live_server.url}/teach/quizzes/{quiz.pk}/lms/", "the quiz's LMS courses")
    check(audit)


def test_login_page_with_single_sign_on(page, live_server, audit, idp):  # noqa: F811
    audit.visit(f"{live_server.url}/accounts/login/", "login with single sign-on")
    expect(page.get_by_role("link", name="Sign in with Example University")).to_be_visible()
    check(audit)
