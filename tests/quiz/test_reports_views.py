"""Teacher report pages: statistics, the regrade preview and commit, and the CSV downloads."""

from __future__ import annotations

import csv
import io

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from quiz.models import AttemptEvent, Part, Response

PAGES = ["teacher:statistics", "teacher:regrade", "teacher:export_gradebook", "teacher:export_responses",
         "teacher:export_statistics"]
DOWNLOADS = ["teacher:export_gradebook", "teacher:export_responses", "teacher:export_statistics"]


def _url(name: str, quiz) -> str:
    return reverse(name, args=[quiz.pk])


def _give_no_bias_half_credit() -> None:
    part = Part.objects.get(question__key="q2", key="a")
    part.mistakes = [dict(mistake, credit=0.5) for mistake in part.mistakes]
    part.save()


@pytest.fixture
def graded(quiz, alice, bob, submitted_attempt):
    return (
        submitted_attempt(alice, {"q2a": "903400", "q4a": "[[5, 6], [10, 9]]"}),
        submitted_attempt(bob, {"q2a": "902,700", "q2b": "=2+3"}),
    )


# --- Outsiders and methods -------------------------------------------------------------------


@pytest.mark.parametrize("name", PAGES)
def test_anonymous_visitors_are_sent_to_the_login_page(client, quiz, name):
    response = client.get(_url(name, quiz))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize("name", PAGES)
def test_students_are_refused(client, quiz, alice, name):
    client.force_login(alice)
    assert client.get(_url(name, quiz)).status_code == 403
    assert client.post(_url("teacher:regrade", quiz)).status_code == 403


@pytest.mark.parametrize("name", PAGES)
def test_an_unknown_quiz_is_not_found(client, tess, name):
    client.force_login(tess)
    assert client.get(reverse(name, args=[999999])).status_code == 404


@pytest.mark.parametrize("name", ["teacher:statistics", *DOWNLOADS])
def test_reports_and_downloads_refuse_posts(client, quiz, tess, name):
    client.force_login(tess)
    assert client.post(_url(name, quiz)).status_code == 405


def test_regrade_refuses_other_methods(client, quiz, tess):
    client.force_login(tess)
    assert client.put(_url("teacher:regrade", quiz)).status_code == 405
    assert client.delete(_url("teacher:regrade", quiz)).status_code == 405


# --- Statistics ------------------------------------------------------------------------------


def test_the_statistics_page_shows_each_part_with_its_mistakes_and_wrong_answers(client, quiz, graded, tess):
    client.force_login(tess)
    response = client.get(_url("teacher:statistics", quiz))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Item statistics" in page
    assert "Question 2a" in page and "Question 10b" in page
    assert '50&nbsp;%</strong> <span class="mistake-name">Each filter also has a bias term</span>' in page
    assert "no_bias" not in page and "no bias" not in page
    assert "902,700" in page
    assert 'class="stat-meter-fill" width="50"' in page
    assert "style=" not in page
    stats = response.context["stats"]
    assert stats.attempts == 2


def test_admins_may_use_the_teacher_reports(client, quiz, graded, admin_user):
    client.force_login(admin_user)
    assert client.get(_url("teacher:statistics", quiz)).status_code == 200


def test_the_statistics_page_takes_the_same_number_of_queries_for_more_attempts(
    client, quiz, tess, students, submitted_attempt
):
    client.force_login(tess)

    def queries_for(count: int, start: int) -> int:
        for student in students(count, start):
            submitted_attempt(student, {"q2a": "902700"})
        with CaptureQueriesContext(connection) as context:
            assert client.get(_url("teacher:statistics", quiz)).status_code == 200
        return len(context)

    assert queries_for(2, start=1) == queries_for(6, start=10)


def test_the_statistics_page_without_attempts_says_so(client, quiz, tess):
    client.force_login(tess)
    assert "No finished attempts yet" in client.get(_url("teacher:statistics", quiz)).content.decode()


# --- Regrade ---------------------------------------------------------------------------------


def test_the_regrade_page_previews_the_changes_and_saves_nothing(client, quiz, graded, tess):
    _give_no_bias_half_credit()
    client.force_login(tess)

    response = client.get(_url("teacher:regrade", quiz))

    assert response.status_code == 200
    page = response.content.decode()
    assert "Nothing has been saved yet" in page
    assert "Regrade 2 attempts" in page
    assert "bob" in page and "+0.5" in page
    assert "style=" not in page
    assert Response.objects.get(attempt=graded[1], part__question__key="q2", part__key="a").score == 0
    assert not AttemptEvent.objects.filter(kind=AttemptEvent.Kind.REGRADED).exists()


def test_posting_regrades_and_shows_what_changed(client, quiz, graded, tess):
    _give_no_bias_half_credit()
    client.force_login(tess)

    response = client.post(_url("teacher:regrade", quiz))

    assert response.status_code == 200
    assert "Done: regraded 2 attempts; 1 parts changed." in response.content.decode()
    regraded = Response.objects.get(attempt=graded[1], part__question__key="q2", part__key="a")
    assert (regraded.score, regraded.status) == (0.5, "partial")
    event = AttemptEvent.objects.get(kind=AttemptEvent.Kind.REGRADED)
    assert event.actor == tess


def test_the_regrade_page_says_when_nothing_would_change(client, quiz, graded, tess):
    client.force_login(tess)
    assert "No score changes" in client.get(_url("teacher:regrade", quiz)).content.decode()


def test_the_statistics_page_links_to_the_regrade_preview_and_the_downloads(client, quiz, tess):
    client.force_login(tess)
    page = client.get(_url("teacher:statistics", quiz)).content.decode()
    for name in ["teacher:regrade", *DOWNLOADS]:
        assert f'href="{_url(name, quiz)}"' in page


# --- Downloads -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "rows", "first_column"),
    [
        ("teacher:export_gradebook", 2, "attempt_id"),
        ("teacher:export_responses", 42, "attempt_id"),
        ("teacher:export_statistics", 21, "part"),
    ],
)
def test_downloads_stream_a_csv_attachment(client, quiz, graded, tess, name, rows, first_column):
    client.force_login(tess)
    response = client.get(_url(name, quiz))
    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="cnn-fundamentals-')
    parsed = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert len(parsed) == rows
    assert next(iter(parsed[0])) == first_column


def test_the_responses_download_neutralizes_a_formula(client, quiz, graded, tess):
    client.force_login(tess)
    response = client.get(_url("teacher:export_responses", quiz))
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    [row] = [row for row in rows if row["username"] == "bob" and row["part"] == "Question 2b"]
    assert row["answer"] == "'=2+3"


def test_a_mistake_labelled_in_the_admin_is_listed_by_its_label_with_its_feedback(client, quiz, graded, tess):
    part = Part.objects.get(question__key="q2", key="a")
    part.mistakes = [dict(mistake, label="forgot the biases") for mistake in part.mistakes]
    part.save()
    client.force_login(tess)
    page = client.get(_url("teacher:statistics", quiz)).content.decode()
    assert '<span class="mistake-name">forgot the biases</span>' in page
    assert "1 attempt · Each filter also has a bias term." in page
@pytest.mark.parametrize("name", ["teacher:export_gradebook", "teacher:export_responses", "teacher:export_statistics"])
def test_downloads_open_in_excel_on_windows_as_utf8(client, quiz, graded, tess, name):
    """Excel on Windows reads a CSV in the machine's code page unless it starts with a UTF-8 byte-order mark."""
    client.force_login(tess)
    content = b"".join(client.get(_url(name, quiz)).streaming_content)
    assert content.startswith(b"\xef\xbb\xbf") and not content.startswith(b"\xef\xbb\xbf" * 2)
    assert content.decode("utf-8-sig").split(",", 1)[0] in {"attempt_id", "part"}


def test_an_accented_name_reaches_excel_intact(client, quiz, graded, tess):
    student = graded[0].student
    student.first_name, student.last_name = "Zoë", "Ångström"
    student.save()
    client.force_login(tess)
    content = b"".join(client.get(_url("teacher:export_gradebook", quiz)).streaming_content)
    assert "Zoë Ångström".encode() in content
    rows = list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))
    assert "Zoë Ångström" in {row["name"] for row in rows}


def test_a_german_teacher_downloads_the_same_english_columns(tess, quiz, graded):
    """Spreadsheets and LMS imports read the columns by name: a download does not follow the page's language."""
    client = Client(HTTP_ACCEPT_LANGUAGE="de")
    client.force_login(tess)
    for name in ("export_gradebook", "export_responses", "export_statistics"):
        reply = client.get(reverse(f"teacher:{name}", args=[quiz.pk]))
        body = b"".join(reply.streaming_content).decode("utf-8-sig")
        assert "Question 2a" in body and "Frage" not in body, name
    page = client.get(reverse("teacher:statistics", args=[quiz.pk])).content.decode()
    assert "Frage 2a" in page
