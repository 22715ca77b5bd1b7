"""Written answers are read by meaning after the submit, never in it: by the command and by
the teacher's pages, keeping every teacher's decision."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from grader import meaning, rubric
from quiz import reviews, services
from quiz.markup import sureness
from quiz.models import AttemptState, Response

# Says the core concept (skip connections) in other words: no phrase of the rubric names it.
BY_MEANING = "The output of a block is added to its input, so the layers only learn what to change."


@pytest.fixture
def model_never_loads(monkeypatch):
    """The model's loader fails the test if anything calls it; returns the calls it saw."""
    calls = []

    def refuse():
        calls.append("load")
        raise meaning.ModelUnavailable("the model must not be loaded here")

    monkeypatch.setattr(meaning, "_load", refuse)
    monkeypatch.setattr(meaning, "_cache", type(meaning._cache)())  # no embedding can come from an earlier test
    rubric.suggest.cache_clear()
    yield calls
    rubric.suggest.cache_clear()  # suggestions made without the model must not outlive the test


def q6b(attempt) -> Response:
    return attempt.responses.get(part__question__key="q6", part__key="b")


def suggest_written_answers(*args: str) -> str:
    out = io.StringIO()
    call_command("suggest_written_answers", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue().strip()


# --- The submit ------------------------------------------------------------------------------------


def test_submitting_never_loads_the_model_and_marks_written_answers_for_reading_by_meaning(
    alice_client, attempt, model_never_loads
):
    services.save_response(attempt=attempt, part_key="q6b", text=BY_MEANING, sequence=1)
    services.save_response(attempt=attempt, part_key="q2a", text="903400", sequence=1)
    assert alice_client.post(reverse("student:attempt_submit", args=[attempt.pk])).status_code == 302
    assert model_never_loads == []
    response = q6b(attempt)
    assert response.status == "needs_review"
    assert response.meaning_pending
    assert response.suggestion_flags[:2] == ["low_confidence", "phrases_only"]
    assert attempt.responses.get(part__question__key="q2", part__key="a").meaning_pending is False


def test_an_unanswered_written_part_has_nothing_to_read_by_meaning(submitted_attempt, alice, model_never_loads):
    attempt = submitted_attempt(alice, {"q2a": "903400"})
    assert not attempt.responses.filter(meaning_pending=True).exists()


# --- The command -----------------------------------------------------------------------------------


@pytest.mark.semantic
def test_the_command_reads_pending_answers_by_meaning_once(submitted_attempt, alice, bob):
    graded = submitted_attempt(alice, {"q6b": BY_MEANING})
    untouched = submitted_attempt(bob, {"q6b": "Skip connections."})
    assert q6b(graded).score == 0
    assert suggest_written_answers() == "read 2 written answers by meaning, 1 with a new suggested score"
    response = q6b(graded)
    assert response.score == 1
    assert not response.meaning_pending
    assert "phrases_only" not in response.suggestion_flags
    assert [c["found_by"] for c in response.suggestion_concepts if c["key"] == "skip_connections"] == ["meaning"]
    assert not q6b(untouched).meaning_pending
    assert suggest_written_answers() == "read 0 written answers by meaning, 0 with a new suggested score"
    assert q6b(graded).graded_at == response.graded_at


@pytest.mark.semantic
def test_the_command_keeps_confirmed_scores_and_overrides(submitted_attempt, alice, bob, tess):
    reviewed, overridden = submitted_attempt(alice, {"q6b": BY_MEANING}), submitted_attempt(bob, {"q6b": BY_MEANING})
    reviews.confirm_review(response=q6b(reviewed), score=0.25, comment="Say which connection.", teacher=tess)
    reviews.override_score(response=q6b(overridden), score=0.5, reason="Half of it.", teacher=tess)
    suggest_written_answers()
    reviewed_response, overridden_response = q6b(reviewed), q6b(overridden)
    assert reviewed_response.score == overridden_response.score == 1
    assert (reviewed_response.review_score, reviewed_response.review_comment) == (0.25, "Say which connection.")
    assert (overridden_response.override_score, overridden_response.final_credit) == (0.5, 0.5)
    reviewed.refresh_from_db()
    assert reviewed.state == AttemptState.GRADED


@pytest.mark.semantic
def test_an_accepted_suggestion_counts_in_the_total_once_read_by_meaning(submitted_attempt, alice, quiz):
    quiz.review_free_text = False
    quiz.save(update_fields=["review_free_text"])
    attempt = submitted_attempt(alice, {"q6b": BY_MEANING})
    assert attempt.score == 0
    suggest_written_answers("--quiz", quiz.key)
    attempt.refresh_from_db()
    assert attempt.score == q6b(attempt).part.points
    assert q6b(attempt).status == "correct"


@pytest.mark.semantic
def test_the_command_reads_the_oldest_answers_up_to_its_limit(submitted_attempt, alice, bob):
    first, second = submitted_attempt(alice, {"q6b": "Skip connections."}), submitted_attempt(bob, {"q6b": "Skip."})
    assert suggest_written_answers("--limit", "1") == "read 1 written answer by meaning, 0 with a new suggested score"
    assert (q6b(first).meaning_pending, q6b(second).meaning_pending) == (False, True)


def test_an_attempt_reopened_meanwhile_is_left_to_its_next_submit(submitted_attempt, alice, tess, model_never_loads):
    attempt = submitted_attempt(alice, {"q6b": BY_MEANING})
    reviews.reopen_attempt(attempt=attempt, minutes=10, reason="Fire alarm.", teacher=tess)
    assert suggest_written_answers() == "read 0 written answers by meaning, 0 with a new suggested score"
    assert model_never_loads == []


def test_without_the_model_the_command_stops_and_says_so(submitted_attempt, alice, model_never_loads):
    attempt = submitted_attempt(alice, {"q6b": BY_MEANING})
    with pytest.raises(CommandError, match="read 0 written answers .* the sentence-embedding model could not be"):
        suggest_written_answers()
    assert q6b(attempt).meaning_pending


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--quiz", "no-such-quiz"], "no quiz 'no-such-quiz'"),
        (["--quiz", "a\x00b"], "no quiz"),
        (["--limit", "0"], "--limit must be a whole number of at least 1, not '0'"),
        (["--limit", "many"], "--limit must be a whole number of at least 1, not 'many'"),
    ],
)
def test_the_command_refuses_bad_arguments_with_a_message(quiz, args, message):
    with pytest.raises(CommandError, match=message):
        suggest_written_answers(*args)


# --- The teacher's pages ---------------------------------------------------------------------------


@pytest.mark.semantic
@pytest.mark.parametrize("page", ["teacher:review", "teacher:attempt", "teacher:review_queue"])
def test_a_teachers_page_reads_pending_answers_by_meaning_first(teacher_client, submitted_attempt, alice, page):
    attempt = submitted_attempt(alice, {"q6b": BY_MEANING})
    response = q6b(attempt)
    arg = {"teacher:review": response.pk, "teacher:attempt": attempt.pk, "teacher:review_queue": attempt.quiz_id}[page]
    assert teacher_client.get(reverse(page, args=[arg])).status_code == 200
    response.refresh_from_db()
    assert (response.meaning_pending, response.score) == (False, 1)


def test_the_review_page_says_when_the_model_could_not_be_loaded(
    teacher_client, submitted_attempt, alice, model_never_loads
):
    response = q6b(submitted_attempt(alice, {"q6b": BY_MEANING}))
    page = teacher_client.get(reverse("teacher:review", args=[response.pk])).content.decode()
    assert "Read by its phrases only: the model that reads answers by meaning could not be loaded" in page
    assert q6b(response.attempt).meaning_pending


# --- The suggestion's explanation --------------------------------------------------------------------


def test_the_submit_stores_each_concepts_decision_with_where_it_was_found(submitted_attempt, alice, model_never_loads):
    response = q6b(submitted_attempt(alice, {"q6b": "ResNet has skip connections."}))
    skip = next(result for result in response.suggestion_concepts if result["key"] == "skip_connections")
    assert (skip["found"], skip["found_by"], skip["spans"]) == (True, "phrase", [[11, 27]])
    assert response.text[11:27] == "skip connections"
    assert response.suggestion_confidence == 0.5
    assert response.suggestion_flags == ["low_confidence", "phrases_only"]


@pytest.mark.semantic
def test_the_review_page_shows_where_how_and_how_surely_each_concept_was_found(
    teacher_client, submitted_attempt, alice
):
    response = q6b(submitted_attempt(alice, {"q6b": f"ResNet was a big step. {BY_MEANING}"}))
    page = teacher_client.get(reverse("teacher:review", args=[response.pk])).content.decode()
    assert '<mark class="concept-found" data-concepts="skip_connections">The output of a block is added' in page
    assert "found by meaning, " in page
    assert "Read by its phrases only" not in page
    response.refresh_from_db()
    assert f'<span class="suggestion-sureness">{sureness(response.suggestion_confidence)}</span>' in page


@pytest.mark.semantic
def test_the_review_page_says_in_plain_words_what_to_look_at(teacher_client, submitted_attempt, alice):
    response = q6b(submitted_attempt(alice, {"q6b": "ResNet removed skip connections."}))
    page = teacher_client.get(reverse("teacher:review", args=[response.pk])).content.decode()
    assert "Says a concept negated or reversed (“no weight sharing”): it earns nothing for it." in page
    assert "stated negated or reversed, so not counted" in page
