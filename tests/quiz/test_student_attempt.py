"""The attempt page: every question with its numbers, the right input per part, the timer."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse

import grader
from quiz import services
from quiz.models import AttemptState


def page(client, attempt) -> str:
    response = client.get(reverse("student:attempt", args=[attempt.pk]))
    assert response.status_code == 200
    return response.content.decode()


def label_for(html: str, input_id: str) -> str:
    match = re.search(rf'<label[^>]*for="{input_id}"[^>]*>([^<]*)</label>', html)
    return match.group(1) if match else ""


def test_every_part_has_an_input_named_after_its_question_and_part(alice_client, attempt):
    html = page(alice_client, attempt)
    for key, label in [("q1a", "Question 1"), ("q2b", "Question 2b"), ("q4a", "Question 4"), ("q10b", "Question 10b")]:
        assert label_for(html, f"answer-{key}") == label
    assert html.count('class="part-answer"') == 21


def test_choice_parts_are_radio_buttons_in_a_fieldset_named_after_the_part(alice_client, attempt):
    html = page(alice_client, attempt)
    fieldset = re.search(
        r'<fieldset class="answer-choice"[^>]*>\s*<legend[^>]*>([^<]*)</legend>(.*?)</fieldset>', html, re.S
    )
    assert fieldset.group(1) == "Question 7c"
    assert fieldset.group(2).count('type="radio"') == 3
    assert 'name="answer-q7c"' in fieldset.group(2)


def test_each_kind_of_answer_gets_its_own_input(alice_client, attempt):
    html = page(alice_client, attempt)
    assert re.search(r'<textarea[^>]*answer-matrix[^>]*id="answer-q4a"', html)
    assert re.search(r'<textarea[^>]*id="answer-q1a"', html)
    assert re.search(r'<input type="text"[^>]*id="answer-q3a"', html)
    assert re.search(r'id="answer-q2b"[^>]*>\s*<span class="input-group-text answer-unit"[^>]*>MB</span>', html)
    assert "Values separated by commas or spaces" in html


def test_given_data_is_shown_as_tables_and_the_prompt_has_the_numbers(alice_client, attempt):
    html = page(alice_client, attempt)
    assert "A CNN has 3 convolutional layers" in html
    assert "What about when training on a mini-batch of 50 images?" in html
    assert "<td>10</td><td>0</td><td>0</td><td>3</td>" in html
    assert html.count('class="given-map"') == 2
    assert "3 points" in html


def test_randomized_numbers_are_the_attempts_own(alice_client, alice, quiz):
    quiz.randomize_numbers, quiz.first_attempt_seed_numbers = True, False
    quiz.save()
    attempt = services.start_attempt(student=alice, quiz=quiz)
    html = page(alice_client, attempt)
    units = attempt.params["q8"]["units"]
    assert f"A dense layer with {units} units" in html
    assert "".join(f"<td>{value}</td>" for value in attempt.params["q3"]["sequence"]) in html


def test_saved_answers_are_shown_with_their_save_time_and_sequence(alice_client, attempt):
    services.save_response(attempt=attempt, part_key="q2a", text="903", sequence=1)
    services.save_response(attempt=attempt, part_key="q2a", text="903 400", sequence=2)
    services.save_response(attempt=attempt, part_key="q7c", text="smaller", sequence=1)
    services.save_response(attempt=attempt, part_key="q4a", text="\n5 6\n10 9", sequence=1)
    html = page(alice_client, attempt)
    assert 'value="903 400"' in html
    assert re.search(r'data-part="q2a"[^>]*data-sequence="2"\s+data-saved-at="[^"]+"', html)
    assert 'value="smaller" checked' in html
    assert re.search(r'id="answer-q4a"[^>]*>\n\n5 6\n10 9</textarea>', html)
    assert "Saved <time" in html


def test_an_unreadable_number_is_flagged_with_the_parsers_message(alice_client, attempt):
    services.save_response(attempt=attempt, part_key="q2b", text="1.234,5", sequence=1)
    html = page(alice_client, attempt)
    assert re.search(r'id="answer-q2b"', html)
    assert 'aria-invalid="true"' in html
    assert "use a decimal point" in html


def test_the_navigation_strip_shows_which_questions_are_answered(alice_client, attempt):
    services.save_response(attempt=attempt, part_key="q1a", text="weights are shared", sequence=1)
    services.save_response(attempt=attempt, part_key="q2a", text="903400", sequence=1)
    html = page(alice_client, attempt)
    assert re.search(r'class="question-link is-answered"\s+href="#question-q1"', html)
    assert re.search(r'class="question-link is-partial"\s+href="#question-q2"', html)
    assert re.search(r'class="question-link"\s+href="#question-q3"', html)


def test_the_timer_counts_down_to_the_servers_deadline(alice_client, attempt):
    html = page(alice_client, attempt)
    assert f'data-deadline="{attempt.deadline.isoformat()}"' in html
    assert "data-server-now=" in html


def test_no_answer_box_cuts_what_is_typed_or_pasted(alice_client, attempt):
    html = page(alice_client, attempt)
    assert "maxlength" not in html
    # every text box: nine free-text parts and the matrix
    assert html.count(f'data-max-length="{grader.MAX_ANSWER_LENGTH}"') == 10
    assert html.count('class="answer-counter small"') == 10


def test_the_page_loads_its_script_as_a_module(alice_client, attempt):
    assert re.search(r'<script type="module" src="/static/js/attempt\.mjs">', page(alice_client, attempt))


def test_the_page_keeps_to_the_content_security_policy(alice_client, attempt):
    response = alice_client.get(reverse("student:attempt", args=[attempt.pk]))
    html = response.content.decode()
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert not re.search(r"<script(?![^>]*\bsrc=)", html)
    assert " style=" not in html
    assert not re.search(r"\son[a-z]+=", html)


def test_a_submitted_attempt_opens_its_result(alice_client, attempt):
    services.submit_attempt(attempt=attempt)
    response = alice_client.get(reverse("student:attempt", args=[attempt.pk]))
    assert response["Location"] == reverse("student:attempt_result", args=[attempt.pk])


def test_opening_an_overdue_attempt_submits_it(alice_client, attempt):
    with time_machine.travel(attempt.deadline + timedelta(seconds=31), tick=False):
        response = alice_client.get(reverse("student:attempt", args=[attempt.pk]))
    assert response["Location"] == reverse("student:attempt_result", args=[attempt.pk])
    attempt.refresh_from_db()
    assert attempt.auto_submitted and attempt.state == AttemptState.GRADED


def test_the_attempt_pages_queries_do_not_grow_with_questions(alice_client, attempt, django_assert_num_queries):
    # 1 session, 2 user, 3 the user's groups (student check), 4 the attempt with its quiz,
    # 5 the questions, 6 their parts, 7 the responses.
    with django_assert_num_queries(7):
        alice_client.get(reverse("student:attempt", args=[attempt.pk]))


def test_another_students_attempt_is_not_found(client, bob, attempt):
    client.force_login(bob)
    assert client.get(reverse("student:attempt", args=[attempt.pk])).status_code == 404


@pytest.mark.parametrize("name", ["student:attempt", "student:attempt_submit", "student:attempt_result"])
def test_an_attempt_number_beyond_any_database_is_not_found(alice_client, db, name):
    assert alice_client.get(reverse(name, args=[10**25])).status_code == 404


def test_the_attempt_page_is_read_only(alice_client, attempt):
    assert alice_client.post(reverse("student:attempt", args=[attempt.pk])).status_code == 405
