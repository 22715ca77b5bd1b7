"""An attempt's life through quiz.services: start, save, submit, grade, the deadline."""

from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.utils import timezone

import grader
from quiz import selectors, services
from quiz.models import Accommodation, Attempt, AttemptEvent, AttemptState, Part, Response, ResponseStatus
from tests.conftest import FREE_TEXT_PARTS, SEED_ANSWERS

START = timezone.make_aware(timezone.datetime(2026, 3, 2, 9, 0))


@pytest.fixture
def attempt(alice, quiz):
    return services.start_attempt(student=alice, quiz=quiz, now=START)


def answer_all(attempt, answers=SEED_ANSWERS, now=START):
    for key, text in answers.items():
        services.save_response(attempt=attempt, part_key=key, text=text, sequence=1, now=now)


# --- Who may take what ------------------------------------------------------------------------


def test_a_quiz_without_groups_is_open_to_every_student(alice, quiz):
    assert list(services.available_quizzes(alice)) == [quiz]


def test_a_quiz_for_a_group_is_open_only_to_its_members(alice, bob, quiz):
    group = Group.objects.create(name="Evening class")
    quiz.groups.add(group)
    alice.groups.add(group)
    assert list(services.available_quizzes(alice)) == [quiz]
    assert list(services.available_quizzes(bob)) == []


def test_a_quiz_for_two_groups_is_listed_once(alice, quiz):
    groups = [Group.objects.create(name=name) for name in ("A", "B")]
    quiz.groups.add(*groups)
    alice.groups.add(*groups)
    assert list(services.available_quizzes(alice)) == [quiz]


def test_limits_include_the_students_accommodation(alice, bob, quiz):
    Accommodation.objects.create(student=alice, quiz=quiz, extra_minutes=15, extra_attempts=2, reason="Letter")
    assert selectors.quiz_cards(alice, quiz=quiz)[0].left == 5
    assert services.time_limit_minutes(alice, quiz) == 75
    assert selectors.quiz_cards(bob, quiz=quiz)[0].left == 3
    assert services.time_limit_minutes(bob, quiz) == 60


def test_a_quiz_without_time_limit_stays_without_one_for_everybody(alice, quiz):
    quiz.time_limit_minutes = None
    quiz.save()
    Accommodation.objects.create(student=alice, quiz=quiz, extra_minutes=15, reason="Letter")
    assert services.time_limit_minutes(alice, quiz) is None


# --- Starting ---------------------------------------------------------------------------------


def test_starting_creates_attempt_one_with_a_response_per_part(attempt, quiz):
    assert attempt.number == 1
    assert attempt.state == AttemptState.IN_PROGRESS
    assert attempt.deadline == START + timedelta(minutes=60)
    assert attempt.responses.count() == Part.objects.filter(question__quiz=quiz).count() == 21
    assert attempt.params["q2"] == quiz.questions.get(key="q2").params
    assert attempt.seed is None
    assert list(attempt.events.values_list("kind", flat=True)) == [AttemptEvent.Kind.STARTED]


def test_starting_again_resumes_the_attempt_in_progress(attempt, alice, quiz):
    again = services.start_attempt(student=alice, quiz=quiz, now=START + timedelta(minutes=5))
    assert again.pk == attempt.pk
    assert Attempt.objects.count() == 1


def test_the_deadline_is_never_after_the_quiz_closes(alice, quiz):
    quiz.closes_at = START + timedelta(minutes=20)
    quiz.save()
    attempt = services.start_attempt(student=alice, quiz=quiz, now=START)
    assert attempt.deadline == quiz.closes_at


def test_extra_minutes_extend_the_deadline(alice, quiz):
    Accommodation.objects.create(student=alice, quiz=quiz, extra_minutes=30, reason="Letter")
    attempt = services.start_attempt(student=alice, quiz=quiz, now=START)
    assert attempt.deadline == START + timedelta(minutes=90)


def test_a_quiz_without_time_limit_or_close_has_no_deadline(alice, quiz):
    quiz.time_limit_minutes = None
    quiz.save()
    assert services.start_attempt(student=alice, quiz=quiz, now=START).deadline is None


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"opens_at": START + timedelta(days=1)}, "opens at"),
        ({"opens_at": START - timedelta(days=2), "closes_at": START - timedelta(days=1)}, "has closed"),
    ],
)
def test_a_quiz_that_is_not_open_refuses_to_start(alice, quiz, change, message):
    for field, value in change.items():
        setattr(quiz, field, value)
    quiz.save()
    with pytest.raises(services.AttemptNotAllowed, match=message):
        services.start_attempt(student=alice, quiz=quiz, now=START)


def test_the_attempt_limit_is_enforced_and_extended_by_an_accommodation(alice, quiz):
    quiz.attempts_allowed = 1
    quiz.save()
    first = services.start_attempt(student=alice, quiz=quiz, now=START)
    services.submit_attempt(attempt=first, now=START)
    with pytest.raises(services.AttemptNotAllowed, match="used all 1 attempt"):
        services.start_attempt(student=alice, quiz=quiz, now=START)
    Accommodation.objects.create(student=alice, quiz=quiz, extra_attempts=1, reason="Illness")
    assert services.start_attempt(student=alice, quiz=quiz, now=START).number == 2


def test_an_overdue_attempt_is_submitted_before_the_next_one_starts(attempt, alice, quiz):
    later = START + timedelta(hours=2)
    second = services.start_attempt(student=alice, quiz=quiz, now=later)
    attempt.refresh_from_db()
    assert attempt.auto_submitted and not attempt.is_open
    assert second.number == 2


def test_a_start_that_meets_an_attempt_it_did_not_see_resumes_it(attempt, alice, quiz, monkeypatch):
    # An attempt put back in progress outside a start (a teacher reopening it) right after the
    # lookup: creating another breaks the constraint one_attempt_in_progress, so the start resumes it.
    lookups = iter([None])
    real = services._in_progress
    monkeypatch.setattr(services, "_in_progress", lambda student, quiz: next(lookups, real(student, quiz)))
    resumed = services.start_attempt(student=alice, quiz=quiz, now=START)
    assert resumed.pk == attempt.pk
    assert Attempt.objects.count() == 1


def test_randomized_numbers_are_drawn_per_attempt_from_a_stored_seed(alice, quiz):
    quiz.randomize_numbers, quiz.first_attempt_seed_numbers = True, False
    quiz.attempts_allowed = 5
    quiz.save()
    first = services.start_attempt(student=alice, quiz=quiz, now=START)
    services.submit_attempt(attempt=first, now=START)
    second = services.start_attempt(student=alice, quiz=quiz, now=START)
    q2 = quiz.questions.get(key="q2")
    assert first.seed is not None and second.seed is not None
    parts = [part.spec() for part in q2.parts.all()]
    assert first.params["q2"] == grader.draw_params(q2.calculator, q2.params, q2.ranges, first.seed, parts)
    assert first.params != second.params
    assert first.params["q1"] == {}


def test_a_quiz_may_keep_the_seed_numbers_for_a_first_attempt_and_draw_new_ones_after(alice, bob, quiz):
    quiz.randomize_numbers, quiz.first_attempt_seed_numbers = True, True
    quiz.save()
    first = services.start_attempt(student=alice, quiz=quiz, now=START)
    assert first.seed is None
    assert first.params == {question.key: question.params for question in quiz.questions.all()}
    services.submit_attempt(attempt=first, now=START)
    second = services.start_attempt(student=alice, quiz=quiz, now=START)
    assert second.seed is not None and second.params["q2"] != first.params["q2"]
    # Each student's first attempt is the seed's, whatever others did.
    assert services.start_attempt(student=bob, quiz=quiz, now=START).params == first.params


def test_the_shipped_quiz_gives_a_second_attempt_numbers_every_question_can_be_graded_with(alice, quiz):
    services.submit_attempt(attempt=services.start_attempt(student=alice, quiz=quiz, now=START), now=START)
    second = services.start_attempt(student=alice, quiz=quiz, now=START)
    computed = [question for question in quiz.questions.all() if question.is_computed]
    assert computed and any(second.params[q.key] != q.params for q in computed)
    for question in computed:
        assert question.computation(second.params[question.key]) is not None


@pytest.mark.parametrize(("randomize", "first_seed", "drawn"), [
    (False, False, [False, False]), (False, True, [False, False]), (True, False, [True, True]),
    (True, True, [False, True]),
])  # fmt: skip
def test_which_attempts_draw_numbers_of_their_own(quiz, randomize, first_seed, drawn):
    quiz.randomize_numbers, quiz.first_attempt_seed_numbers = randomize, first_seed
    assert [services.draws_numbers(quiz, number) for number in (1, 2)] == drawn


# --- Saving -----------------------------------------------------------------------------------


def test_a_save_stores_the_text_exactly_as_typed(attempt):
    text = "  2, 2,\n 2 \t"
    response = services.save_response(attempt=attempt, part_key="q3a", text=text, sequence=1, ip="10.0.0.7", now=START)
    response.refresh_from_db()
    assert response.text == text
    assert response.sequence == 1
    assert response.saved_at == START
    event = attempt.events.get(kind=AttemptEvent.Kind.SAVED)
    assert (event.part_key, event.sequence, event.ip_address, event.at) == ("q3a", 1, "10.0.0.7", START)


def q2a(attempt) -> Response:
    return Response.objects.get(attempt=attempt, part__question__key="q2", part__key="a")


def test_each_accepted_save_adds_one_to_the_sequence(attempt):
    for sequence, text in enumerate(["9", "90", "903400"], start=1):
        saved = services.save_response(attempt=attempt, part_key="q2a", text=text, sequence=sequence, now=START)
        assert saved.sequence == sequence
    assert (q2a(attempt).text, q2a(attempt).sequence) == ("903400", 3)


def test_a_save_typed_before_an_answer_saved_elsewhere_is_refused_with_that_answer(attempt):
    typed_here = START + timedelta(seconds=10)
    services.save_response(
        attempt=attempt, part_key="q2a", text="903400", sequence=1, edited_at=START + timedelta(seconds=20), now=START
    )
    with pytest.raises(services.StaleSave) as refused:
        services.save_response(
            attempt=attempt, part_key="q2a", text="9034", sequence=1, edited_at=typed_here, now=START
        )
    assert (refused.value.stored.text, refused.value.stored.sequence) == ("903400", 1)
    with pytest.raises(services.StaleSave):
        services.save_response(attempt=attempt, part_key="q2a", text="9034", sequence=1, now=START)
    assert q2a(attempt).text == "903400"


def test_a_save_typed_after_an_answer_saved_elsewhere_wins(attempt):
    # Two windows opened before either saved: both type over the empty answer (sequence 0).
    services.save_response(
        attempt=attempt, part_key="q8b", text="25088", sequence=1, edited_at=START + timedelta(seconds=5), now=START
    )
    later = START + timedelta(seconds=9)
    response = services.save_response(
        attempt=attempt, part_key="q8b", text="512", sequence=1, edited_at=later, now=START + timedelta(seconds=10)
    )
    assert (response.text, response.sequence, response.edited_at) == ("512", 2, later)
    event = attempt.events.filter(kind=AttemptEvent.Kind.SAVED).last()
    assert "another window" in event.detail


def test_an_edit_time_in_the_future_counts_as_now(attempt):
    future = START + timedelta(days=1)
    response = services.save_response(
        attempt=attempt, part_key="q2a", text="1", sequence=1, edited_at=future, now=START
    )
    assert response.edited_at == START


def test_a_save_typed_over_the_stored_answer_keeps_edit_times_in_order(attempt):
    services.save_response(attempt=attempt, part_key="q2a", text="1", sequence=1, now=START)
    early = START - timedelta(minutes=5)  # a page whose clock estimate was off
    response = services.save_response(attempt=attempt, part_key="q2a", text="2", sequence=2, edited_at=early, now=START)
    assert response.edited_at == START


def test_a_sequence_ahead_of_the_stored_one_is_refused(attempt):
    with pytest.raises(services.InvalidSave, match="ahead"):
        services.save_response(attempt=attempt, part_key="q2a", text="1", sequence=2, now=START)
    with pytest.raises(services.InvalidSave, match="ahead"):
        services.save_response(attempt=attempt, part_key="q2a", text="1", sequence=services.MAX_SEQUENCE, now=START)
    assert q2a(attempt).sequence == 0


def test_a_part_at_the_largest_sequence_can_still_change(attempt):
    Response.objects.filter(pk=q2a(attempt).pk).update(sequence=services.MAX_SEQUENCE, saved_at=START, edited_at=START)
    later = START + timedelta(seconds=1)
    response = services.save_response(
        attempt=attempt, part_key="q2a", text="2", sequence=services.MAX_SEQUENCE, edited_at=later, now=later
    )
    assert (response.text, response.sequence) == ("2", services.MAX_SEQUENCE)


def test_repeating_a_save_is_a_harmless_retry(attempt):
    services.save_response(attempt=attempt, part_key="q2a", text="903400", sequence=1, now=START)
    services.save_response(attempt=attempt, part_key="q2a", text="903400", sequence=1, now=START)
    assert attempt.events.filter(kind=AttemptEvent.Kind.SAVED).count() == 1
    assert q2a(attempt).sequence == 1


@pytest.mark.parametrize(
    ("key", "text", "sequence", "message"),
    [
        ("q11a", "1", 1, "no part"),
        ("q2", "1", 1, "no part"),
        ("q2a", "x" * 20_001, 1, "at most 20,000"),
        ("q2a", "90\x003400", 1, "NUL"),
        ("q2a", "1", 0, "sequence"),
        ("q2a", "1", 2**31, "sequence"),
    ],
)
def test_a_malformed_save_is_refused(attempt, key, text, sequence, message):
    with pytest.raises(services.InvalidSave, match=message):
        services.save_response(attempt=attempt, part_key=key, text=text, sequence=sequence, now=START)


def test_an_answer_of_the_maximum_length_is_kept(attempt):
    text = "x" * 20_000
    assert services.save_response(attempt=attempt, part_key="q9a", text=text, sequence=1, now=START).text == text


def test_a_malformed_ip_address_is_not_logged(attempt):
    services.save_response(attempt=attempt, part_key="q2a", text="1", sequence=1, ip="not-an-ip", now=START)
    assert attempt.events.get(kind=AttemptEvent.Kind.SAVED).ip_address is None


def test_a_submitted_attempt_takes_no_more_saves(attempt):
    services.submit_attempt(attempt=attempt, now=START)
    with pytest.raises(services.AttemptClosed):
        services.save_response(attempt=attempt, part_key="q2a", text="1", sequence=1, now=START)


def test_a_save_in_the_grace_period_is_kept(attempt, settings):
    settings.ATTEMPT_GRACE_SECONDS = 30
    late = attempt.deadline + timedelta(seconds=29)
    services.save_response(attempt=attempt, part_key="q2a", text="903400", sequence=1, now=late)
    attempt.refresh_from_db()
    assert attempt.is_open


def test_a_save_after_the_grace_period_submits_the_attempt_and_is_refused(attempt, settings):
    settings.ATTEMPT_GRACE_SECONDS = 30
    services.save_response(attempt=attempt, part_key="q2a", text="903400", sequence=1, now=START)
    late = attempt.deadline + timedelta(seconds=31)
    with pytest.raises(services.AttemptClosed, match="Time is up"):
        services.save_response(attempt=attempt, part_key="q2a", text="0", sequence=2, now=late)
    attempt.refresh_from_db()
    assert attempt.auto_submitted and attempt.state == AttemptState.GRADED
    assert attempt.responses.get(part__question__key="q2", part__key="a").text == "903400"


def test_a_whole_page_save_keeps_answers_changed_elsewhere(attempt):
    services.save_response(attempt=attempt, part_key="q2b", text="12 MB", sequence=1, now=START)
    services.save_response(attempt=attempt, part_key="q2b", text="14 MB", sequence=2, now=START)
    result = services.save_answers(
        attempt=attempt, answers={"q2a": ("903400", 0), "q2b": ("12.6 MB", 1), "q2c": ("", 0)}, now=START
    )
    assert result.saved == ["Question 2a"]
    assert list(result.refused) == ["Question 2b"]
    assert attempt.responses.get(part__question__key="q2", part__key="b").text == "14 MB"
    assert attempt.events.filter(kind=AttemptEvent.Kind.SAVED).count() == 3


# --- Submitting and grading -------------------------------------------------------------------


def test_submitting_grades_the_seed_answers(attempt):
    answer_all(attempt)
    graded = services.submit_attempt(attempt=attempt, now=START + timedelta(minutes=30))
    assert graded.state == AttemptState.NEEDS_REVIEW
    assert graded.submitted_at == START + timedelta(minutes=30)
    assert not graded.auto_submitted
    assert graded.max_score == Decimal("21.000")
    by_key = {services.part_key(r.part): r for r in graded.responses.select_related("part__question")}
    for key, response in by_key.items():
        expected = ResponseStatus.NEEDS_REVIEW if key in FREE_TEXT_PARTS else ResponseStatus.CORRECT
        assert response.status == expected, key
        assert response.graded_at is not None
    assert by_key["q2a"].expected == "903,400"


def test_submitting_twice_gives_one_submission_and_one_grade(attempt):
    answer_all(attempt)
    first = services.submit_attempt(attempt=attempt, now=START)
    graded_at = {r.pk: r.graded_at for r in first.responses.all()}
    second = services.submit_attempt(attempt=attempt, now=START + timedelta(minutes=1))
    assert second.submitted_at == START
    assert {r.pk: r.graded_at for r in second.responses.all()} == graded_at
    assert attempt.events.filter(kind=AttemptEvent.Kind.SUBMITTED).count() == 1


def test_grading_again_gives_the_same_verdicts_and_keeps_teachers_scores(attempt, tess):
    answer_all(attempt)
    services.submit_attempt(attempt=attempt, now=START)
    q1 = attempt.responses.get(part__question__key="q1")
    q2a = attempt.responses.get(part__question__key="q2", part__key="a")
    Response.objects.filter(pk=q1.pk).update(review_score=1.0, reviewed_by=tess)
    Response.objects.filter(pk=q2a.pk).update(override_score=0.5, override_reason="Copied")
    before = list(attempt.responses.values_list("score", "status", "feedback", "review_score", "override_score"))
    services.grade_attempt(attempt)
    after = list(attempt.responses.values_list("score", "status", "feedback", "review_score", "override_score"))
    assert after == before


def test_the_total_counts_overrides_and_confirmed_reviews(attempt):
    answer_all(attempt, {"q2a": "903400", "q1a": "weight sharing"})
    services.submit_attempt(attempt=attempt, now=START)
    attempt.responses.filter(part__question__key="q2", part__key="a").update(override_score=0.5)
    attempt.responses.filter(part__question__key="q1").update(review_score=1.0)
    total = services.recompute_total(attempt)
    assert total.score == Decimal("1.500")
    assert total.state == AttemptState.GRADED


def test_the_attempt_needs_review_while_a_free_text_answer_awaits_a_teacher(attempt):
    answer_all(attempt, {"q1a": "weight sharing"})
    graded = services.submit_attempt(attempt=attempt, now=START)
    assert graded.state == AttemptState.NEEDS_REVIEW
    assert graded.score == Decimal("0.167"), "one of three core concepts, named without a sentence: half of it"


def test_a_quiz_that_accepts_suggestions_grades_free_text_at_once(attempt, quiz):
    quiz.review_free_text = False
    quiz.save()
    answer_all(attempt, {"q1a": "weight sharing", "q10a": "It gives each pixel of the image a class."})
    graded = services.submit_attempt(attempt=attempt, now=START)
    assert graded.state == AttemptState.GRADED
    statuses = dict(
        graded.responses.filter(part__question__key__in=["q1", "q10"], part__key="a").values_list(
            "part__question__key", "status"
        )
    )
    assert statuses == {"q1": ResponseStatus.PARTIAL, "q10": ResponseStatus.CORRECT}


def test_unanswered_free_text_needs_no_review(attempt):
    graded = services.submit_attempt(attempt=attempt, now=START)
    assert graded.state == AttemptState.GRADED
    assert graded.score == Decimal("0.000")


def test_randomized_attempts_are_graded_with_their_own_numbers(alice, quiz):
    quiz.randomize_numbers = True
    quiz.save()
    attempt = services.start_attempt(student=alice, quiz=quiz, now=START)
    computation = grader.compute("dense_to_conv", attempt.params["q8"])
    filters = str(computation.outputs["filters"])
    services.save_response(attempt=attempt, part_key="q8b", text=filters, sequence=1, now=START)
    graded = services.submit_attempt(attempt=attempt, now=START)
    assert graded.responses.get(part__question__key="q8", part__key="b").status == ResponseStatus.CORRECT


# --- The deadline -----------------------------------------------------------------------------


def test_an_attempt_within_its_time_is_not_finalized(attempt):
    assert not services.finalize_if_overdue(attempt, attempt.deadline + timedelta(seconds=29))
    assert attempt.is_open


def test_an_overdue_attempt_is_submitted_with_what_was_saved(attempt):
    answer_all(attempt, {"q2a": "903400"})
    assert services.finalize_if_overdue(attempt, attempt.deadline + timedelta(minutes=5))
    assert attempt.auto_submitted
    assert attempt.state == AttemptState.GRADED
    assert attempt.score == Decimal("1.000")
    assert attempt.events.filter(kind=AttemptEvent.Kind.AUTO_SUBMITTED).count() == 1


def test_closing_overdue_attempts_closes_only_those(attempt, bob, quiz):
    fresh = services.start_attempt(student=bob, quiz=quiz, now=START + timedelta(minutes=50))
    assert services.close_overdue_attempts(now=START + timedelta(minutes=70)) == 1
    attempt.refresh_from_db()
    fresh.refresh_from_db()
    assert not attempt.is_open and fresh.is_open


def test_the_command_closes_overdue_attempts(attempt, capsys):
    with time_machine.travel(attempt.deadline + timedelta(minutes=1), tick=False):
        call_command("close_overdue_attempts")
    assert capsys.readouterr().out.strip() == "closed 1 overdue attempt"
    attempt.refresh_from_db()
    assert attempt.auto_submitted
