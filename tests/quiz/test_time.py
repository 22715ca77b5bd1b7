"""Time: deadlines computed on the server in UTC, enforced to the second with a grace period, shown in the
student's time zone.

The clock is frozen just before, at and just after the deadline and the end of the grace
period (ATTEMPT_GRACE_SECONDS). Pages render every time inside `<time datetime="ISO 8601">`
in the server's zone; static/js/local-time.js rewrites it in the browser's zone
(checked in Chromium by tests/browser/test_local_time.py).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from quiz import services
from quiz.models import AttemptEvent
from quiz.templatetags.local_time import local_time

GRACE = timedelta(seconds=30)
SECOND = timedelta(seconds=1)


@pytest.fixture(autouse=True)
def grace(settings):
    settings.ATTEMPT_GRACE_SECONDS = int(GRACE.total_seconds())


@pytest.fixture
def start():
    """Now, to the second: the session made for the test client stays valid at every frozen moment."""
    return timezone.now().replace(microsecond=0)


@pytest.fixture
def timed(alice, quiz, start):
    """Alice's attempt at the 60-minute quiz, started at `start`, with an answer saved."""
    attempt = services.start_attempt(student=alice, quiz=quiz, now=start)
    services.save_response(attempt=attempt, part_key="q2a", text="903400", sequence=1, now=start)
    return attempt


def save(client, attempt, text: str, sequence: int):
    url = reverse("student:attempt_save", args=[attempt.pk])
    return client.post(url, {"part": "q2a", "text": text, "sequence": sequence})


def test_the_deadline_is_the_start_plus_the_time_limit_in_utc(timed, start, settings):
    assert timed.deadline == start + timedelta(minutes=60)
    assert timed.deadline.utcoffset() == timedelta(0)


MOMENTS = [
    ("one second before the deadline", -SECOND, True),
    ("at the deadline", timedelta(0), True),
    ("one second before the grace period ends", GRACE - SECOND, True),
    ("as the grace period ends", GRACE, True),
    ("one second after the grace period", GRACE + SECOND, False),
]


@pytest.mark.parametrize(("moment", "offset", "accepted"), MOMENTS, ids=[moment for moment, _, _ in MOMENTS])
def test_a_save_is_accepted_until_the_grace_period_ends(alice_client, timed, moment, offset, accepted):
    with time_machine.travel(timed.deadline + offset, tick=False):
        response = save(alice_client, timed, "12", 2)
    timed.refresh_from_db()
    stored = timed.responses.get(part__question__key="q2", part__key="a")
    if accepted:
        assert response.status_code == 200
        assert stored.text == "12"
        assert timed.is_open
    else:
        assert response.status_code == 409
        assert response.json()["error"] == "closed"
        assert stored.text == "903400", "the answer saved before the deadline is the one graded"
        assert timed.auto_submitted
        assert timed.submitted_at == timed.deadline + offset


@pytest.mark.parametrize(("moment", "offset", "open_"), MOMENTS, ids=[moment for moment, _, _ in MOMENTS])
def test_opening_the_attempt_page_after_the_grace_period_submits_it(alice_client, timed, moment, offset, open_):
    with time_machine.travel(timed.deadline + offset, tick=False):
        response = alice_client.get(reverse("student:attempt", args=[timed.pk]))
    timed.refresh_from_db()
    if open_:
        assert response.status_code == 200
        assert timed.is_open
    else:
        assert response["Location"] == reverse("student:attempt_result", args=[timed.pk])
        assert timed.auto_submitted
        assert timed.events.filter(kind=AttemptEvent.Kind.AUTO_SUBMITTED).count() == 1


@pytest.mark.parametrize(("moment", "offset", "open_"), MOMENTS, ids=[moment for moment, _, _ in MOMENTS])
def test_the_command_closes_an_attempt_only_after_the_grace_period(timed, moment, offset, open_):
    with time_machine.travel(timed.deadline + offset, tick=False):
        closed = services.close_overdue_attempts()
    timed.refresh_from_db()
    assert (closed, timed.is_open) == ((0, True) if open_ else (1, False))


@pytest.mark.parametrize(
    ("offset", "auto"),
    [(-SECOND, False), (timedelta(0), True), (GRACE - SECOND, True)],
    ids=["a forged time-up before the deadline", "at the deadline", "in the grace period"],
)
def test_the_pages_time_up_submit_counts_as_automatic_only_once_the_deadline_is_reached(
    alice_client, timed, offset, auto
):
    with time_machine.travel(timed.deadline + offset, tick=False):
        alice_client.post(reverse("student:attempt_submit", args=[timed.pk]), {"reason": "time_up"})
    timed.refresh_from_db()
    assert not timed.is_open
    assert timed.auto_submitted is auto


def test_the_quiz_closing_cuts_the_time_limit_short(alice, quiz, alice_client, start):
    quiz.closes_at = start + timedelta(minutes=20)
    quiz.save()
    attempt = services.start_attempt(student=alice, quiz=quiz, now=start)
    assert attempt.deadline == quiz.closes_at
    with time_machine.travel(quiz.closes_at + GRACE + SECOND, tick=False):
        assert save(alice_client, attempt, "1", 1).status_code == 409


def test_a_time_limit_across_a_daylight_saving_change_lasts_its_minutes(alice, quiz, settings):
    """In Berlin the clocks jump from 02:00 to 03:00 on 29 March 2026 (01:00 UTC)."""
    settings.TIME_ZONE = "Europe/Berlin"
    start = datetime(2026, 3, 29, 0, 30, tzinfo=UTC)
    attempt = services.start_attempt(student=alice, quiz=quiz, now=start)
    assert attempt.deadline - attempt.started_at == timedelta(minutes=60)
    assert attempt.deadline == datetime(2026, 3, 29, 1, 30, tzinfo=UTC)
    with timezone.override("Europe/Berlin"):
        assert f"{timezone.localtime(attempt.deadline):%H:%M}" == "03:30"


# --- What the page shows ------------------------------------------------------------------------------------


def times_in(html: str) -> list[tuple[str, str, str]]:
    """Every (datetime attribute, format, text) of the page's <time> elements."""
    return re.findall(r'<time datetime="([^"]+)" data-format="([^"]+)">([^<]*)</time>', html)


@pytest.mark.parametrize("zone", ["UTC", "America/New_York", "Asia/Kolkata"])
def test_the_page_gives_every_time_as_an_exact_moment_whatever_the_servers_zone(alice_client, timed, settings, zone):
    settings.TIME_ZONE = zone
    html = alice_client.get(reverse("student:attempt", args=[timed.pk])).content.decode()
    shown = times_in(html)
    moments = {datetime.fromisoformat(iso) for iso, _, _ in shown}
    assert timed.deadline in moments, "the deadline, as an instant with its offset"
    for iso, fmt, text in shown:
        moment = datetime.fromisoformat(iso)
        assert moment.utcoffset() is not None
        with timezone.override(zone):
            expected = timezone.localtime(moment)
        assert text == {"H:i": f"{expected:%H:%M}", "H:i:s": f"{expected:%H:%M:%S}"}.get(fmt, text)
    timer = re.search(r'data-deadline="([^"]+)" data-server-now="([^"]+)"', html)
    assert datetime.fromisoformat(timer[1]) == timed.deadline


def test_the_dashboard_and_the_result_give_their_times_as_moments_too(alice_client, timed):
    dashboard = alice_client.get(reverse("student:dashboard")).content.decode()
    assert timed.deadline in {datetime.fromisoformat(iso) for iso, _, _ in times_in(dashboard)}
    services.submit_attempt(attempt=timed)
    result = alice_client.get(reverse("student:attempt_result", args=[timed.pk])).content.decode()
    moments = {datetime.fromisoformat(iso) for iso, _, _ in times_in(result)}
    assert timed.submitted_at in moments
    assert {event.at for event in timed.events.all()} <= moments


def test_teacher_pages_give_their_times_as_moments_too(teacher_client, submitted_attempt, alice):
    attempt = submitted_attempt(alice)
    expected = {attempt.started_at, attempt.submitted_at}
    gradebook = teacher_client.get(reverse("teacher:gradebook", args=[attempt.quiz_id])).content.decode()
    assert expected <= {datetime.fromisoformat(iso) for iso, _, _ in times_in(gradebook)}
    detail = teacher_client.get(reverse("teacher:attempt", args=[attempt.pk])).content.decode()
    assert expected | {attempt.deadline} <= {datetime.fromisoformat(iso) for iso, _, _ in times_in(detail)}


def test_a_missing_moment_renders_nothing_rather_than_a_broken_time():
    assert local_time(None, "H:i") == ""
    assert times_in(local_time(datetime(2026, 3, 1, 12, 30, tzinfo=UTC), "H:i"))[0][0].startswith("2026-03-01")
