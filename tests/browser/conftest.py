"""Browser tests: Debian's Chromium, driven by Playwright, against pytest-django's live server.

Every page a test opens fails the test on a console error or a Content Security Policy
violation; a test that provokes errors on purpose (a lost connection) names the ones it
expects with `page_errors.expect(...)`. CSP violations can never be expected away.
"""

from __future__ import annotations

import os
import re
import threading
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.core.cache import cache
from playwright.sync_api import expect

from quiz import services
from quiz.models import Attempt
from tests.lti.platform import Platform, fetch

# Playwright's sync API runs an event loop in the test's thread; the ORM calls the tests
# make between browser steps are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

# A loaded CI machine (two cores shared with the other test workers) can take longer than
# Playwright's default of 5 s to show a result; a real failure still fails, only later.
expect.set_options(timeout=20_000)

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
# Reported through the console by the init script below, and by Chromium itself.
CSP_REPORT = re.compile(r"CSP violation|Content Security Policy", re.IGNORECASE)
CSP_REPORTER = """
document.addEventListener("securitypolicyviolation", (event) => {
  console.error("CSP violation: " + event.violatedDirective + " blocked " + (event.blockedURI || "inline code"));
});
"""


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not CHROMIUM.exists():
        pytest.skip(f"no Chromium at {CHROMIUM}")
    return {**browser_type_launch_args, "executable_path": str(CHROMIUM), "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def live_server(live_server):
    """pytest-django's live server, taking one request at a time on an in-memory SQLite database.

    There every request thread shares the test's single connection, and a page saving two
    answers at once would start a transaction inside another. A file or PostgreSQL database
    gives each thread its own connection, so requests stay concurrent there.
    """
    if live_server.thread.connections_override:
        server = live_server.thread.httpd
        application, lock = server.get_app(), threading.Lock()

        def one_at_a_time(environ, start_response):
            with lock:
                return application(environ, start_response)

        server.set_app(one_at_a_time)
    return live_server


@pytest.fixture(autouse=True)
def roles(committed_roles):
    """The live server's database is flushed between tests, taking the migration's groups with it."""


class PageErrors:
    """Console errors, uncaught exceptions and CSP violations seen by every page of a test."""

    def __init__(self) -> None:
        self.seen: list[str] = []
        self.expected: list[re.Pattern] = []

    def expect(self, *patterns: str) -> None:
        self.expected += [re.compile(pattern) for pattern in patterns]

    def unexpected(self) -> list[str]:
        return [
            message
            for message in self.seen
            if CSP_REPORT.search(message) or not any(pattern.search(message) for pattern in self.expected)
        ]


@pytest.fixture
def page_errors() -> PageErrors:
    return PageErrors()


@pytest.fixture
def context(context, page_errors):
    context.add_init_script(CSP_REPORTER)
    context.on("console", lambda message: message.type == "error" and page_errors.seen.append(message.text))
    context.on("weberror", lambda error: page_errors.seen.append(f"uncaught: {error.error}"))
    yield context
    assert not page_errors.unexpected(), "errors in the browser: " + "; ".join(page_errors.unexpected())


def _login(page, live_server, username: str, password: str) -> None:
    """Log in through the login form, as a person does."""
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


@pytest.fixture
def login():
    """`login(page, live_server, "alice", "alice-password")`."""
    return _login


@pytest.fixture
def attempt_page(page, live_server, login, alice, quiz):
    """Alice's attempt page, just started, its script ready to save what is typed."""
    login(page, live_server, "alice", "alice-password")
    page.goto(f"{live_server.url}/quizzes/{quiz.key}/")
    page.get_by_role("button", name="Start attempt 1").click()
    expect(page.get_by_role("heading", name="CNN fundamentals")).to_be_visible()
    expect(page.locator("#attempt-form[data-ready]")).to_have_count(1)
    return page


def submitted_attempt(student, quiz, answers: dict[str, str]) -> Attempt:
    """The student's next attempt, with these answers (by part key, e.g. "q2a") saved, submitted."""
    attempt = services.start_attempt(student=student, quiz=quiz)
    for key, text in answers.items():
        services.save_response(attempt=attempt, part_key=key, text=text, sequence=1)
    return services.submit_attempt(attempt=attempt)


def stored(student, question: str, part: str) -> str:
    """The text the server holds for one part of the student's attempt."""
    return Attempt.objects.get(student=student).responses.get(part__question__key=question, part__key=part).text


@pytest.fixture
def screenshot(request):
    """`screenshot(page)` saves the page as tests/browser/artifacts/<test name>.png."""

    def save(page, suffix: str = "") -> Path:
        ARTIFACTS.mkdir(exist_ok=True)
        name = re.sub(r"[^A-Za-z0-9_.-]+", "-", request.node.name).strip("-") + (f"-{suffix}" if suffix else "")
        path = ARTIFACTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return save


@pytest.fixture
def lms(live_server, quiz, settings):
    """The test LMS on the live server's host, registered by the command, holding ConvQuiz's published keys."""
    settings.LTI_SEND_IN_BACKGROUND = False
    cache.clear()
    platform = Platform(host=urlsplit(live_server.url).hostname)
    platform.register(tool_url=live_server.url)
    platform.trust_tool_keys(fetch(live_server.url + platform.endpoints["jwks_url"]))
    yield platform
    platform.close()


def tool(page):
    """ConvQuiz's frame inside the test LMS's course page."""
    return page.frame_locator("iframe[title=ConvQuiz]")
