"""Every page type, for every role, audited by axe-core in Chromium: no violation of a WCAG 2.1
A or AA rule, and no horizontal scrolling at 320 px (WCAG 1.4.10, reflow: what 400 % zoom of a
1280 px window gives).

axe-core comes from npm (package.json pins it; `make test` runs `npm ci`) and is injected
by Playwright before the page's own scripts, so the pages' Content Security Policy stays as
strict as it is. A missing axe-core fails the test: it is part of the project's install.
"""

from __future__ import annotations

import json
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
            for violation in result["violations"]:
                places = ", ".join(json.dumps(node["target"]) for node in violation["nodes"][:4])
                why = violation["nodes"][0].get("failureSummary", "").replace("\n", " ")
                self.failures.append(f"{name}: {violation['id']} ({violation['help']}) at {places}: {why}")
            page.set_viewport_size(NARROW)
            overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            if overflow > 0:
                wide = page.evaluate(WIDEST_ELEMENTS)
                self.failures.append(f"{name}: scrolls sideways by {overflow} px at 320 px wide, past the edge: {wide}")
            page.set_viewport_size(DESKTOP)

        def visit(self, url: str, name: str) -> None:
            page.goto(url)
            self(name)

    page.set_viewport_size(DESKTOP)
    return Audit()


def check(audit) -> None:
    assert not audit.failures, "accessibility failures:\n" + "\n".join(audit.failures)


def submitted_attempt(student, quiz, answers: dict[str, str]) -> Attempt:
    attempt = services.start_attempt(student=student, quiz=quiz)
    for key, text in answers.items():
        services.save_response(attempt=attempt, part_key=key, text=text, sequence=1)
    return services.submit_attempt(attempt=attempt)


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
