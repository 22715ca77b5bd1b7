"""Questions page by page: which page shows which question, moving between pages, and with
sequential navigation, pages left staying closed to pages and saves alike."""

from __future__ import annotations

import re

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import translation

from quiz import services, sheets
from quiz.models import Attempt, AttemptEvent, Quiz

PAGES = [["q1", "q2", "q3"], ["q4", "q5", "q6"], ["q7", "q8", "q9"], ["q10"]]
"""The shipped quiz's ten questions, three to a page, in the quiz's order."""


@pytest.fixture
def paged(quiz: Quiz) -> Quiz:
    quiz.questions_per_page = 3
    quiz.save()
    return quiz


@pytest.fixture
def sequential(paged: Quiz) -> Quiz:
    paged.sequential = True
    paged.save()
    return paged


@pytest.fixture
def paged_attempt(alice, paged) -> Attempt:
    return services.start_attempt(student=alice, quiz=paged)


@pytest.fixture
def sequential_attempt(alice, sequential) -> Attempt:
    return services.start_attempt(student=alice, quiz=sequential)


def attempt_url(attempt: Attempt, page=None) -> str:
    url = reverse("student:attempt", args=[attempt.pk])
    return url if page is None else f"{url}?page={page}"


def questions_shown(html: str) -> list[str]:
    """The questions whose inputs the page holds, in its order."""
    return list(dict.fromkeys(re.findall(r'class="part-answer"[^>]*data-question="([^"]+)"', html)))


def navigator(html: str) -> dict[str, str]:
    """Each question in the navigator with its href ("" where it is not a link)."""
    entries = re.findall(r'<(a|span) class="question-link([^"]*)"\s+(?:href="([^"]*)"\s+)?id="nav-([^"]+)"', html)
    return {key: href for _tag, _classes, href, key in entries}


def save(client, attempt: Attempt, part: str, text: str, sequence: int = 1):
    data = {"part": part, "text": text, "sequence": sequence}
    return client.post(reverse("student:attempt_save", args=[attempt.pk]), data)


def turn(client, attempt: Attempt, to_page, on_page=None):
    data = {"to_page": to_page} if on_page is None else {"to_page": to_page, "page": on_page}
    return client.post(reverse("student:attempt_save_all", args=[attempt.pk]), data)


# --- Which page shows which question --------------------------------------------------------------


def test_questions_fall_on_pages_in_the_attempts_own_order(paged_attempt):
    shuffled = ["q10", "q3", "q1", "q7", "q2", "q4", "q9", "q5", "q8", "q6"]
    paged_attempt.question_order = shuffled
    pages = paged_attempt.question_pages(["q1", "q2", "q3", "q4", "q5", "q6", "q7", "q8", "q9", "q10"])
    assert [key for key in shuffled if pages[key] == 1] == ["q10", "q3", "q1"]
    assert [key for key in shuffled if pages[key] == 4] == ["q6"]
    assert paged_attempt.page_count() == 4


def test_a_quiz_without_questions_per_page_shows_every_question_on_one_page(attempt):
    assert set(attempt.question_pages(attempt.question_keys).values()) == {1}
    assert attempt.page_count() == 1


@pytest.mark.parametrize(("requested", "shown"), [(None, 1), (2, 2), (4, 4), (0, 1), (5, 1), (-3, 1)])
def test_a_page_that_does_not_exist_shows_the_first(paged_attempt, requested, shown):
    assert paged_attempt.page_to_show(requested, 4) == shown


def test_with_sequential_navigation_the_furthest_page_reached_is_shown_whatever_is_asked(sequential_attempt):
    sequential_attempt.furthest_page = 3
    assert [sequential_attempt.page_to_show(asked, 4) for asked in (None, 1, 3, 4, 99)] == [3, 3, 3, 3, 3]


# --- Turning pages ----------------------------------------------------------------------------------


def test_turning_pages_with_sequential_navigation_records_the_furthest_page_and_never_goes_back(sequential_attempt):
    assert services.turn_page(attempt=sequential_attempt, page=2) == 2
    assert services.turn_page(attempt=sequential_attempt, page=1) == 2
    assert services.turn_page(attempt=sequential_attempt, page=99) == 4
    sequential_attempt.refresh_from_db()
    assert sequential_attempt.furthest_page == 4


def test_turning_pages_without_sequential_navigation_records_nothing(paged_attempt):
    assert services.turn_page(attempt=paged_attempt, page=3) == 3
    assert services.turn_page(attempt=paged_attempt, page=1) == 1
    paged_attempt.refresh_from_db()
    assert paged_attempt.furthest_page == 1


def test_a_submitted_attempt_keeps_its_furthest_page(sequential_attempt):
    services.submit_attempt(attempt=sequential_attempt)
    services.turn_page(attempt=sequential_attempt, page=3)
    sequential_attempt.refresh_from_db()
    assert sequential_attempt.furthest_page == 1


def pages_logged(attempt: Attempt) -> list[str]:
    """The details of the attempt's "page reached" events, oldest first."""
    events = attempt.events.filter(kind=AttemptEvent.Kind.PAGE_REACHED)
    return list(events.values_list("detail", flat=True))


def test_each_page_newly_reached_is_logged_once_and_going_back_or_staying_is_not(sequential_attempt):
    services.turn_page(attempt=sequential_attempt, page=2, ip="203.0.113.7")
    services.turn_page(attempt=sequential_attempt, page=2)
    services.turn_page(attempt=sequential_attempt, page=1)
    services.turn_page(attempt=sequential_attempt, page=99)
    services.turn_page(attempt=sequential_attempt, page=3)
    assert pages_logged(sequential_attempt) == ["Page 2 of 4", "Page 4 of 4"]
    first = sequential_attempt.events.filter(kind=AttemptEvent.Kind.PAGE_REACHED).first()
    assert (first.ip_address, first.part_key, first.sequence) == ("203.0.113.7", "", None)


def test_page_turns_without_sequential_navigation_are_not_logged(paged_attempt):
    services.turn_page(attempt=paged_attempt, page=3)
    services.turn_page(attempt=paged_attempt, page=4)
    assert pages_logged(paged_attempt) == []


def test_a_page_turn_after_submitting_is_not_logged(sequential_attempt):
    services.submit_attempt(attempt=sequential_attempt)
    services.turn_page(attempt=sequential_attempt, page=3)
    assert pages_logged(sequential_attempt) == []


def test_the_furthest_page_and_its_log_entry_are_written_together_or_not_at_all(sequential_attempt, monkeypatch):
    def failing_log(*args, **kwargs):
        raise RuntimeError("the log cannot be written")

    monkeypatch.setattr(services, "_log", failing_log)
    with pytest.raises(RuntimeError):
        services.turn_page(attempt=sequential_attempt, page=2)
    sequential_attempt.refresh_from_db()
    assert sequential_attempt.furthest_page == 1
    assert pages_logged(sequential_attempt) == []


# --- Saves to pages left ----------------------------------------------------------------------------


def test_a_save_to_a_page_left_is_refused_and_the_stored_answer_kept(sequential_attempt):
    services.save_response(attempt=sequential_attempt, part_key="q2a", text="903400", sequence=1)
    services.turn_page(attempt=sequential_attempt, page=2)
    with pytest.raises(services.PageLeft, match="Question 2a is on a page you have moved on from"):
        services.save_response(attempt=sequential_attempt, part_key="q2a", text="1", sequence=2)
    assert sequential_attempt.responses.get(part__question__key="q2", part__key="a").text == "903400"
    services.save_response(attempt=sequential_attempt, part_key="q4a", text="[[5, 6], [10, 9]]", sequence=1)
    services.save_response(attempt=sequential_attempt, part_key="q10a", text="ahead", sequence=1)


def test_without_sequential_navigation_every_page_takes_saves(paged_attempt):
    services.turn_page(attempt=paged_attempt, page=4)
    response = services.save_response(attempt=paged_attempt, part_key="q2a", text="903400", sequence=1)
    assert response.sequence == 1


def test_the_whole_page_save_reports_a_part_on_a_page_left_and_saves_the_others(sequential_attempt):
    services.turn_page(attempt=sequential_attempt, page=2)
    outcome = services.save_answers(attempt=sequential_attempt, answers={"q2a": ("1", 0), "q5a": ("2", 0)})
    assert outcome.saved == ["Question 5"]
    assert list(outcome.refused) == ["Question 2a"]


def test_submitting_from_any_page_grades_every_part_unanswered_ones_included(sequential_attempt):
    services.save_response(attempt=sequential_attempt, part_key="q2a", text="903400", sequence=1)
    services.turn_page(attempt=sequential_attempt, page=2)
    services.submit_attempt(attempt=sequential_attempt)
    responses = list(sequential_attempt.responses.all())
    assert len(responses) == 21 and all(response.graded_at is not None for response in responses)
    assert sequential_attempt.responses.get(part__question__key="q2", part__key="a").status == "correct"
    assert sequential_attempt.responses.filter(status="unanswered").count() == 20


# --- The attempt page -------------------------------------------------------------------------------


@pytest.mark.parametrize("number", [1, 2, 3, 4])
def test_each_page_shows_its_questions_and_the_navigator_every_question(alice_client, paged_attempt, number):
    html = alice_client.get(attempt_url(paged_attempt, number)).content.decode()
    assert questions_shown(html) == PAGES[number - 1]
    links = navigator(html)
    assert list(links) == [key for page in PAGES for key in page]
    for index, keys in enumerate(PAGES, start=1):
        for key in keys:
            expected = f"#question-{key}" if index == number else f"?page={index}#question-{key}"
            assert links[key] == expected
    assert f"Page {number} of 4" in html


def test_previous_and_next_are_offered_where_there_is_a_page_to_go_to(alice_client, paged_attempt):
    first = alice_client.get(attempt_url(paged_attempt, 1)).content.decode()
    middle = alice_client.get(attempt_url(paged_attempt, 2)).content.decode()
    last = alice_client.get(attempt_url(paged_attempt, 4)).content.decode()
    assert 'id="previous-page"' not in first and 'name="to_page" value="2"' in first
    assert 'value="1" class="btn btn-outline-secondary page-button" id="previous-page"' in middle
    assert 'name="to_page" value="3"' in middle
    assert 'id="next-page"' not in last and 'id="finish-button"' in last


def test_the_navigator_shows_answered_and_partly_answered_questions_on_other_pages(alice_client, paged_attempt):
    services.save_response(attempt=paged_attempt, part_key="q10a", text="12", sequence=1)
    services.save_response(attempt=paged_attempt, part_key="q6a", text="12", sequence=1)
    html = alice_client.get(attempt_url(paged_attempt, 1)).content.decode()
    assert 'class="question-link other-page is-partial"\n               href="?page=4#question-q10"' in html
    assert "Question 10 (page 4): 1 of 2 answered" in html
    assert "Question 6 (page 2): 1 of 2 answered" in html


def test_the_page_tells_its_script_the_saved_state_of_every_part_on_other_pages(paged_attempt):
    services.save_response(attempt=paged_attempt, part_key="q6a", text="12", sequence=1)
    services.save_response(attempt=paged_attempt, part_key="q6a", text="  ", sequence=2)
    services.save_response(attempt=paged_attempt, part_key="q10b", text="Skip connections.", sequence=1)
    sheet = sheets.attempt_sheet(paged_attempt)
    parts = sheets.other_page_parts(sheet, sheets.sheet_page(paged_attempt, sheet, 1))
    assert not {"q1a", "q2a", "q3b"} & set(parts)
    assert parts["q5a"] == {"question": "q5", "sequence": 0, "answered": False}
    assert parts["q6a"] == {"question": "q6", "sequence": 2, "answered": False}
    assert parts["q10b"] == {"question": "q10", "sequence": 1, "answered": True}
    assert len(parts) == 21 - 6


@pytest.mark.parametrize("asked", ["0", "5", "-1", "two", "", "1e3", "99999999999999999999999"])
def test_a_page_that_does_not_exist_or_garbage_shows_the_first_page(alice_client, paged_attempt, asked):
    response = alice_client.get(attempt_url(paged_attempt), {"page": asked})
    assert response.status_code == 200
    assert questions_shown(response.content.decode()) == PAGES[0]


def test_a_quiz_on_one_page_shows_every_question_and_no_page_buttons(alice_client, attempt):
    html = alice_client.get(attempt_url(attempt, 3)).content.decode()
    assert len(questions_shown(html)) == 10
    assert "page-button" not in html and "Page 1 of" not in html


def test_a_page_of_questions_reads_as_few_tables_as_the_whole_quiz(
    alice_client, sequential_attempt, django_assert_num_queries
):
    services.turn_page(attempt=sequential_attempt, page=2)
    # 1 session, 2 user, 3 the user's groups (student check), 4 the attempt with its quiz,
    # 5 the questions, 6 their parts, 7 the responses: pages are cut from the same sheet.
    with django_assert_num_queries(7):
        response = alice_client.get(attempt_url(sequential_attempt, 2))
    assert questions_shown(response.content.decode()) == PAGES[1]


def test_the_pages_buttons_without_javascript_save_the_answers_then_turn_the_page(alice_client, paged_attempt):
    url = reverse("student:attempt_save_all", args=[paged_attempt.pk])
    response = alice_client.post(url, {"answer-q2a": "903400", "sequence-q2a": "0", "page": "1", "to_page": "2"})
    assert response["Location"] == attempt_url(paged_attempt, 2)
    assert paged_attempt.responses.get(part__question__key="q2", part__key="a").text == "903400"
    saved_here = alice_client.post(url, {"answer-q5a": "12", "sequence-q5a": "0", "page": "2"})
    assert saved_here["Location"] == attempt_url(paged_attempt, 2)


def test_the_whole_page_save_of_a_quiz_on_one_page_returns_to_the_page_without_a_number(alice_client, attempt):
    response = alice_client.post(reverse("student:attempt_save_all", args=[attempt.pk]), {"to_page": "2"})
    assert response["Location"] == attempt_url(attempt)


# --- Sequential navigation on the attempt page -------------------------------------------------------


def test_next_moves_on_and_records_the_furthest_page(alice_client, sequential_attempt, django_assert_num_queries):
    # 1 session, 2 user, 3 groups, 4 the attempt, 5 the responses (nothing was posted to save); the page turn,
    # in a transaction (6 and 11): 7 the question keys for the page count, 8 the attempt locked, 9 its update,
    # 10 the page reached written to the attempt's log.
    with django_assert_num_queries(11):
        response = turn(alice_client, sequential_attempt, 2, on_page=1)
    assert response["Location"] == attempt_url(sequential_attempt, 2)
    sequential_attempt.refresh_from_db()
    assert sequential_attempt.furthest_page == 2
    assert pages_logged(sequential_attempt) == ["Page 2 of 4"]


def test_an_earlier_page_redirects_to_the_furthest_page_with_a_message(alice_client, sequential_attempt):
    services.turn_page(attempt=sequential_attempt, page=3)
    response = alice_client.get(attempt_url(sequential_attempt, 1))
    assert response["Location"] == attempt_url(sequential_attempt, 3)
    assert [str(message) for message in get_messages(response.wsgi_request)] == [
        "Earlier pages of this quiz are closed: you can no longer go back to them."
    ]
    back = turn(alice_client, sequential_attempt, 2, on_page=3)
    assert back["Location"] == attempt_url(sequential_attempt, 3)


def test_a_later_page_than_reached_is_not_opened_by_its_address(alice_client, sequential_attempt):
    response = alice_client.get(attempt_url(sequential_attempt, 4))
    assert response["Location"] == attempt_url(sequential_attempt, 1)
    sequential_attempt.refresh_from_db()
    assert sequential_attempt.furthest_page == 1


def test_sequential_pages_offer_only_next_and_no_links_to_other_pages(alice_client, sequential_attempt):
    services.turn_page(attempt=sequential_attempt, page=2)
    html = alice_client.get(attempt_url(sequential_attempt)).content.decode()
    assert questions_shown(html) == PAGES[1]
    assert 'id="previous-page"' not in html and 'id="next-page"' in html
    links = navigator(html)
    assert len(links) == 10
    assert {key: href for key, href in links.items() if href} == {key: f"#question-{key}" for key in PAGES[1]}
    assert "Question 1 (page 1, not open from here): 0 of 1 answered" in html
    assert "Once you move on to the next page you cannot come back to this one." in html


def test_a_save_to_a_page_left_gets_409_page_left_in_json(alice_client, sequential_attempt, django_assert_num_queries):
    services.turn_page(attempt=sequential_attempt, page=2)
    # 1 session, 2 user, 3 groups, 4 the attempt; in a transaction (5 opens it, 10 and 11 roll it back):
    # 6 the attempt locked, 7 the response, 8 the attempt's question keys for its pages, 9 the parts for
    # the part's label in the message.
    with django_assert_num_queries(11):
        response = save(alice_client, sequential_attempt, "q2a", "903400")
    assert response.status_code == 409
    body = response.json()
    assert (body["ok"], body["error"]) == (False, "page_left")
    assert body["message"] == "Question 2a is on a page you have moved on from; answers there can no longer be changed."
    assert save(alice_client, sequential_attempt, "q5a", "12").status_code == 200


def test_the_page_turn_is_refused_to_another_student(client, bob, sequential_attempt):
    client.force_login(bob)
    assert turn(client, sequential_attempt, 2).status_code == 404
    sequential_attempt.refresh_from_db()
    assert sequential_attempt.furthest_page == 1


def test_the_page_turn_only_takes_posts(alice_client, sequential_attempt):
    response = alice_client.get(reverse("student:attempt_save_all", args=[sequential_attempt.pk]), {"to_page": 2})
    assert response.status_code == 405


def test_a_german_students_page_turn_is_logged_in_german(sequential_attempt, alice):
    german = Client(HTTP_ACCEPT_LANGUAGE="de")
    german.force_login(alice)
    turn(german, sequential_attempt, 2, on_page=1)
    assert pages_logged(sequential_attempt) == ["Seite 2 von 4"]


# --- The teacher's attempt page ---------------------------------------------------------------------


def teachers_attempt_page(tess, attempt: Attempt, language: str = "en") -> str:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(tess)
    return client.get(reverse("teacher:attempt", args=[attempt.pk])).content.decode()


def page_reached(html: str) -> str:
    found = re.search(r'<dt class="col-sm-3">([^<]*)</dt><dd class="col-sm-9" id="page-reached">([^<]*)</dd>', html)
    return f"{found.group(1)}: {found.group(2)}" if found else ""


def test_the_teacher_sees_the_page_reached_and_each_page_turn_in_the_log(tess, sequential_attempt):
    services.turn_page(attempt=sequential_attempt, page=3, ip="203.0.113.7")
    html = teachers_attempt_page(tess, sequential_attempt)
    assert page_reached(html) == "Page reached: 3 of 4"
    row = re.search(r'<tr class="event-page_reached">(.*?)</tr>', html, re.S).group(1)
    assert re.findall(r"<td[^>]*>([^<]*)</td>", row) == ["Page reached", "—", "—", "203.0.113.7", "—", "Page 3 of 4"]


def test_a_german_teacher_reads_the_page_reached_and_the_log_in_german(tess, sequential_attempt):
    with translation.override("de"):
        services.turn_page(attempt=sequential_attempt, page=2)
    html = teachers_attempt_page(tess, sequential_attempt, "de")
    assert page_reached(html) == "Seite erreicht: 2 von 4"
    row = re.search(r'<tr class="event-page_reached">(.*?)</tr>', html, re.S).group(1)
    assert "<td>Seite erreicht</td>" in row and '<td class="event-detail">Seite 2 von 4</td>' in row


def test_the_page_reached_costs_the_teachers_attempt_page_no_query(
    teacher_client, sequential_attempt, django_assert_num_queries
):
    services.turn_page(attempt=sequential_attempt, page=2)
    sequential_attempt.responses.update(meaning_pending=False)
    # The same 12 queries as any attempt page (tests/quiz/test_teacher_override.py): the page count is read
    # from the parts the page lists anyway.
    with django_assert_num_queries(12):
        html = teacher_client.get(reverse("teacher:attempt", args=[sequential_attempt.pk])).content.decode()
    assert page_reached(html) == "Page reached: 2 of 4"


def test_the_teacher_sees_no_page_reached_where_any_page_may_be_opened(tess, paged_attempt):
    services.turn_page(attempt=paged_attempt, page=3)
    html = teachers_attempt_page(tess, paged_attempt)
    assert page_reached(html) == "" and "Page reached" not in html


# --- Settings: start page, bank file, admin --------------------------------------------------------


def test_the_start_page_says_how_the_pages_work(alice_client, sequential):
    html = alice_client.get(reverse("student:quiz_start", args=[sequential.key])).content.decode()
    assert "3 questions per page." in html
    assert "You move on with Next and cannot go back to an earlier page" in html
    sequential.sequential = False
    sequential.save()
    html = alice_client.get(reverse("student:quiz_start", args=[sequential.key])).content.decode()
    assert "You can go back to any page until you submit." in html


def test_the_start_page_says_nothing_of_pages_for_a_quiz_on_one_page(alice_client, quiz):
    html = alice_client.get(reverse("student:quiz_start", args=[quiz.key])).content.decode()
    assert "per page" not in html


def test_the_quiz_admin_edits_the_pages(admin_client, quiz):
    page = admin_client.get(reverse("admin:quiz_quiz_change", args=[quiz.pk])).content.decode()
    fieldset = page[page.index(">Pages<") :]
    assert 'name="questions_per_page" value="0"' in fieldset
    assert re.search(r'<input type="checkbox" name="sequential"[^>]*>', fieldset)


# --- The submit confirmation ------------------------------------------------------------------------


def test_the_confirmation_links_each_unanswered_part_on_its_page(alice_client, paged_attempt):
    html = alice_client.get(reverse("student:attempt_submit", args=[paged_attempt.pk])).content.decode()
    assert f'<a href="{attempt_url(paged_attempt, 4)}#part-q10b">Question 10b</a>' in html
    assert f'<a href="{attempt_url(paged_attempt, 1)}#part-q2a">Question 2a</a>' in html


def test_the_confirmation_names_parts_on_pages_left_without_a_link(alice_client, sequential_attempt):
    services.save_response(attempt=sequential_attempt, part_key="q5a", text="[3.78 1.22", sequence=1)
    services.turn_page(attempt=sequential_attempt, page=3)
    html = alice_client.get(reverse("student:attempt_submit", args=[sequential_attempt.pk])).content.decode()
    unanswered = re.search(r'<ul class="mb-0 unanswered-list">(.*?)</ul>', html, re.S).group(1)
    assert re.search(r"<li>\s*Question 2a</li>", unanswered)
    assert f'<a href="{attempt_url(sequential_attempt, 3)}#part-q7a">Question 7a</a>' in unanswered
    unreadable = re.search(r'<ul class="mb-0 unreadable-list">(.*?)</ul>', html, re.S).group(1)
    assert re.search(r"<li>\s*Question 5: ", unreadable)


def test_sequential_navigation_without_pages_is_refused_with_what_to_set(quiz):
    quiz.sequential = True
    with pytest.raises(ValidationError) as refusal:
        quiz.full_clean()
    assert refusal.value.message_dict == {
        "sequential": ["Sequential navigation moves from page to page: set the questions per page too."]
    }
    quiz.questions_per_page = 2
    quiz.full_clean()
