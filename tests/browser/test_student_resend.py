"""The browser's copy of an answer always arrives: after a reload, when time runs out, and after
the server or its database was away.

Saves are cut off by routing them to nowhere (Playwright), by stopping a server of the
test's own (gunicorn), or by stopping a PostgreSQL cluster of the test's own.
"""

import re
import sqlite3
from datetime import timedelta

import psycopg
import pytest
from django.db import connection
from django.utils import timezone
from playwright.sync_api import expect

from quiz.models import Attempt
from tests.browser.app_server import AppServer, OwnPostgres
from tests.browser.conftest import stored

pytestmark = pytest.mark.browser
SAVES = "**/save/"
# Ports of this file's own servers (the live server takes a free one).
SERVER_PORT, OUTAGE_SERVER_PORT, POSTGRES_PORT = 8240, 8241, 8242
STORED = (
    "SELECT r.text FROM quiz_response r JOIN quiz_part p ON r.part_id = p.id"
    " JOIN quiz_question q ON p.question_id = q.id WHERE q.key = {0} AND p.key = {0}"
)


def start_attempt(page, server) -> None:
    page.goto(f"{server.url}/quizzes/cnn-fundamentals/")
    page.get_by_role("button", name="Start attempt 1").click()
    expect(page.get_by_role("heading", name="CNN fundamentals")).to_be_visible()
    expect(page.locator("#attempt-form[data-ready]")).to_have_count(1)


@pytest.fixture
def attempt_page(page, live_server, login, alice, quiz):
    login(page, live_server, "alice", "alice-password")
    start_attempt(page, live_server)
    return page


def saved(page, key: str, timeout: float = 20_000) -> None:
    expect(page.locator(f"#status-{key}")).to_contain_text(re.compile(r"Saved \d\d:\d\d:\d\d"), timeout=timeout)


def test_a_reload_sends_the_answers_kept_in_the_browser(attempt_page, page_errors, alice):
    page_errors.expect(r"ERR_FAILED")
    attempt_page.route(SAVES, lambda route: route.abort())
    attempt_page.get_by_label("Question 2a", exact=True).fill("903400")
    expect(attempt_page.locator("#status-q2a")).to_contain_text("Not saved yet")
    attempt_page.unroute(SAVES)

    attempt_page.reload()
    expect(attempt_page.get_by_label("Question 2a", exact=True)).to_have_value("903400")
    saved(attempt_page, "q2a")
    assert stored(alice, "q2", "a") == "903400"


def test_when_time_runs_out_the_answers_shown_from_the_browser_are_submitted(attempt_page, page_errors, alice):
    page_errors.expect(r"ERR_FAILED")
    cut_off = {"saves": True}
    attempt_page.route(SAVES, lambda route: route.abort() if cut_off["saves"] else route.continue_())
    attempt_page.get_by_label("Question 8b", exact=True).fill("200")
    expect(attempt_page.locator("#status-q8b")).to_contain_text("Not saved yet")
    Attempt.objects.filter(student=alice).update(deadline=timezone.now() + timedelta(seconds=6))
    attempt_page.reload()
    expect(attempt_page.get_by_label("Question 8b", exact=True)).to_have_value("200")

    expect(attempt_page.locator("#timer-value")).to_have_text("0:00", timeout=30_000)
    cut_off["saves"] = False
    expect(attempt_page.get_by_text("submitted automatically when time ran out")).to_be_visible(timeout=45_000)
    attempt = Attempt.objects.get(student=alice)
    assert attempt.auto_submitted
    q8b = attempt.responses.get(part__question__key="q8", part__key="b")
    assert (q8b.text, q8b.status) == ("200", "correct")


def test_when_time_runs_out_answers_that_cannot_be_sent_are_named_before_the_result(
    attempt_page, page_errors, settings, alice
):
    settings.ATTEMPT_GRACE_SECONDS = 8
    page_errors.expect(r"ERR_FAILED")
    attempt_page.route(SAVES, lambda route: route.abort())
    Attempt.objects.filter(student=alice).update(deadline=timezone.now() + timedelta(seconds=5))
    attempt_page.reload()
    attempt_page.get_by_label("Question 8b", exact=True).fill("200")

    warning = attempt_page.get_by_role("alert")
    expect(warning).to_contain_text("Time is up. These answers could not be saved", timeout=30_000)
    expect(warning.get_by_role("listitem")).to_have_text("Question 8b: not sent yet: the connection is lost")
    expect(attempt_page.get_by_label("Question 8b", exact=True)).not_to_be_editable()
    warning.get_by_role("button", name="See your result").click()
    expect(attempt_page.get_by_text("submitted automatically when time ran out")).to_be_visible()
    assert stored(alice, "q8", "b") == ""


def test_finishing_while_answers_cannot_be_sent_names_them_and_the_submit_page_sends_them(
    attempt_page, page_errors, alice
):
    page_errors.expect(r"ERR_FAILED")
    attempt_page.route(SAVES, lambda route: route.abort())
    attempt_page.get_by_label("Question 8b", exact=True).fill("200")
    attempt_page.get_by_role("button", name="Finish attempt…").click()
    warning = attempt_page.get_by_role("alert")
    expect(warning).to_contain_text("these answers are not saved", timeout=30_000)
    expect(warning.get_by_role("link", name="Question 8b")).to_have_attribute("href", "#part-q8b")
    expect(warning).to_contain_text("Question 8b: not sent yet")

    warning.get_by_role("link", name="Go to the submit page anyway").click()
    unsent = attempt_page.locator("#unsent-answers")
    expect(unsent).to_contain_text("Not saved yet")
    expect(unsent.get_by_role("link", name="Question 8b")).to_be_visible()
    attempt_page.unroute(SAVES)
    # Submitting waits for the answer to arrive, then submits.
    attempt_page.get_by_role("button", name="Submit attempt").click()
    expect(attempt_page).to_have_url(re.compile(r"/result/$"))
    q8b = Attempt.objects.get(student=alice).responses.get(part__question__key="q8", part__key="b")
    assert (q8b.text, q8b.status) == ("200", "correct")


# --- A server of the test's own, stopped and started -------------------------------------------------------


@pytest.fixture
def own_server(tmp_path):
    database = tmp_path / "db.sqlite3"
    server = AppServer(SERVER_PORT, f"sqlite:///{database}")
    server.database = database
    server.prepare()
    server.start()
    yield server
    server.remove()


def test_answers_typed_while_the_server_is_down_arrive_when_it_is_back(page, page_errors, login, own_server):
    page_errors.expect(r"ERR_CONNECTION_REFUSED")
    login(page, own_server, "alice", "alice-password")
    start_attempt(page, own_server)
    page.get_by_label("Question 2a", exact=True).fill("903400")
    saved(page, "q2a")

    own_server.stop()
    page.get_by_label("Question 8b", exact=True).fill("200")
    expect(page.get_by_role("alert")).to_contain_text("connection to the server is lost")
    expect(page.locator("#status-q8b")).to_contain_text("Not saved yet")

    own_server.start()
    # Sent again on the back-off timer (at most 15 s), without the student doing anything.
    saved(page, "q8b", timeout=40_000)
    expect(page.get_by_role("alert")).to_be_hidden()
    with sqlite3.connect(own_server.database) as database:
        assert database.execute(STORED.format("?"), ("q8", "b")).fetchone() == ("200",)


# --- A database of the test's own, stopped and started -----------------------------------------------------


@pytest.fixture
def outage(tmp_path):
    """A PostgreSQL cluster of the test's own, and the app serving from it."""
    postgres = OwnPostgres(POSTGRES_PORT)
    try:
        postgres.create("convquiz_outage")
        server = AppServer(OUTAGE_SERVER_PORT, postgres.url("convquiz_outage"))
        server.prepare()
        server.start()
        yield server, postgres
        server.remove()
    finally:
        postgres.remove()


@pytest.mark.postgres
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="a database outage is tried on PostgreSQL (DATABASE_URL=postgres://…); it runs a cluster of its own",
)
def test_answers_kept_across_a_database_outage_arrive_when_it_is_back(page, page_errors, login, outage):
    server, postgres = outage
    page_errors.expect(r"status of 500")
    login(page, server, "alice", "alice-password")
    start_attempt(page, server)
    page.get_by_label("Question 2a", exact=True).fill("903400")
    saved(page, "q2a")

    postgres.stop()
    page.get_by_label("Question 8b", exact=True).fill("200")
    expect(page.get_by_role("alert")).to_contain_text("could not save your answer (error 500)")
    expect(page.locator("#status-q8b")).to_contain_text("Not saved yet")
    for _ in range(2):
        page.reload()
        expect(page.get_by_role("heading", name="Something went wrong")).to_be_visible()

    postgres.start()
    page.reload()
    expect(page.get_by_label("Question 8b", exact=True)).to_have_value("200")
    saved(page, "q8b")
    with psycopg.connect(postgres.url("convquiz_outage")) as database:
        assert database.execute(STORED.format("%s"), ("q8", "b")).fetchone() == ("200",)
