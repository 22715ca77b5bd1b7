"""Times in the student's own time zone: Chromium in Kolkata (UTC+05:30) reading a server that works in UTC."""

import re
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from quiz import services
from quiz.models import Attempt

pytestmark = pytest.mark.browser
ZONE = "Asia/Kolkata"


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "timezone_id": ZONE}


def local(moment):
    return moment.astimezone(ZoneInfo(ZONE))


def test_deadlines_and_save_times_are_shown_in_the_browsers_zone(page, live_server, login, alice, quiz):
    quiz.closes_at = timezone.now().replace(microsecond=0) + timedelta(days=2)
    quiz.save()
    login(page, live_server, "alice", "alice-password")
    page.goto(f"{live_server.url}/quizzes/{quiz.key}/")
    closes = page.locator(".quiz-facts time")
    expect(closes).to_have_text(f"{local(quiz.closes_at):%a %-d %b %Y, %H:%M}")
    # Chromium names the zone by its older alias.
    expect(closes).to_have_attribute("title", re.compile(r"Your time zone: Asia/(Kolkata|Calcutta)"))

    page.get_by_role("button", name="Start attempt 1").click()
    attempt = Attempt.objects.get(student=alice)
    due = page.locator(".timer-due time")
    # The server's moment, unchanged, in the attribute; the text in the browser's zone.
    expect(due).to_have_attribute("datetime", attempt.deadline.isoformat())
    expect(due).to_have_text(f"{local(attempt.deadline):%H:%M}")

    expect(page.locator("#attempt-form[data-ready]")).to_have_count(1)
    page.get_by_label("Question 2a", exact=True).fill("903400")
    status = page.locator("#status-q2a")
    expect(status).to_contain_text(re.compile(r"Saved \d\d:\d\d:\d\d"))
    saved_at = attempt.responses.get(part__question__key="q2", part__key="a").saved_at
    expect(status).to_have_text(f"Saved {local(saved_at):%H:%M:%S}")

    page.reload()
    expect(page.locator("#status-q2a time")).to_have_text(f"{local(saved_at):%H:%M:%S}")


def test_the_teachers_pages_show_times_in_the_browsers_zone_too(page, live_server, login, alice, tess, quiz):
    attempt = services.start_attempt(student=alice, quiz=quiz)
    attempt = services.submit_attempt(attempt=attempt)
    login(page, live_server, "tess", "tess-password")
    page.goto(f"{live_server.url}/teach/attempts/{attempt.pk}/")
    # The facts at the top, then the same moment again in the attempt's log.
    submitted = page.locator(f'time[datetime="{attempt.submitted_at.isoformat()}"]')
    expect(submitted.first).to_have_text(f"{local(attempt.submitted_at):%-d %b %Y, %H:%M:%S}")
    expect(submitted.last).to_have_text(f"{local(attempt.submitted_at):%Y-%m-%d %H:%M:%S}")
