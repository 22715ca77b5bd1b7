"""Sequential pages under concurrency: two tabs of one attempt, on different pages, turning pages and saving
at the same moment. The furthest page is written under the attempt's row lock, the lock every save takes, so
it never moves back, and a save either lands before the page it is on is left or is refused.

Like tests/quiz/test_concurrency.py, these run on PostgreSQL only: SQLite takes one writer at a time.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from quiz import services
from quiz.bank import load_question_bank
from quiz.models import AttemptEvent
from tests.quiz.test_concurrency import client_for, save, stored, together
from tests.races import POSTGRES_ONLY

pytestmark = [*POSTGRES_ONLY, pytest.mark.usefixtures("committed_roles")]

ROUNDS = 5


@pytest.fixture
def sequential(committed_roles):
    """The shipped quiz, three questions a page (q1–q3, q4–q6, q7–q9, q10), sequential, an attempt per round."""
    quiz = load_question_bank().quiz
    quiz.questions_per_page, quiz.sequential, quiz.attempts_allowed = 3, True, ROUNDS
    quiz.save()
    return quiz


def turn(client, attempt, to_page: int, on_page: int):
    url = reverse("student:attempt_save_all", args=[attempt.pk])
    return client.post(url, {"page": on_page, "to_page": to_page})


def test_two_tabs_turning_pages_and_saving_at_once_never_move_back_or_store_on_a_page_left(sequential, alice):
    tab_on_page_1, tab_on_page_2, other_tab_on_page_2, saving_tab = (client_for(alice) for _ in range(4))
    for round_number in range(ROUNDS):
        attempt = services.start_attempt(student=alice, quiz=sequential)
        services.turn_page(attempt=attempt, page=2)
        texts = {"q5a": f"round {round_number}", "q8a": f"page three {round_number}"}

        to_3, to_2, save_5a, save_8a = together(
            lambda attempt=attempt: turn(tab_on_page_2, attempt, 3, on_page=2),
            lambda attempt=attempt: turn(other_tab_on_page_2, attempt, 2, on_page=2),
            lambda attempt=attempt, text=texts["q5a"]: save(tab_on_page_1, attempt, "q5a", text, 1),
            lambda attempt=attempt, text=texts["q8a"]: save(saving_tab, attempt, "q8a", text, 1),
        )

        attempt.refresh_from_db()
        assert attempt.furthest_page == 3, "a later page turn never undoes an earlier one"
        assert to_3["Location"].endswith("?page=3") and to_2["Location"].endswith(("?page=2", "?page=3"))
        # q8a is on page 3, which no tab ever leaves: always stored.
        assert save_8a.status_code == 200 and stored(attempt, "q8a").text == texts["q8a"]
        # q5a is on page 2, which the turn to page 3 leaves: stored if it came first, else refused and not stored.
        if save_5a.status_code == 200:
            assert stored(attempt, "q5a").text == texts["q5a"]
        else:
            assert (save_5a.status_code, save_5a.json()["error"]) == (409, "page_left")
            assert stored(attempt, "q5a").text == ""
        assert save(saving_tab, attempt, "q5a", "too late", 1).status_code == 409
        services.submit_attempt(attempt=attempt)


def test_two_tabs_moving_on_to_the_same_page_at_once_log_it_once(sequential, alice):
    first_tab, second_tab = client_for(alice), client_for(alice)
    for _round in range(ROUNDS):
        attempt = services.start_attempt(student=alice, quiz=sequential)
        services.turn_page(attempt=attempt, page=2)

        together(
            lambda attempt=attempt: turn(first_tab, attempt, 3, on_page=2),
            lambda attempt=attempt: turn(second_tab, attempt, 3, on_page=2),
        )

        attempt.refresh_from_db()
        assert attempt.furthest_page == 3
        logged = attempt.events.filter(kind=AttemptEvent.Kind.PAGE_REACHED).values_list("detail", flat=True)
        assert list(logged) == ["Page 2 of 4", "Page 3 of 4"], "each page reached is logged once, whoever won"
        services.submit_attempt(attempt=attempt)
