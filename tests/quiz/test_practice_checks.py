"""Checking answers in a practice quiz: the settings, the check service and endpoint, and what wrong checks cost."""

from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse
from django.utils import translation

from quiz import grading, services
from quiz.bank import DEFAULT_BANK, BankError, export_bank, load_question_bank
from quiz.models import AttemptEvent, Part, Quiz, Response, ResponseStatus

NO_BIAS = "902700"
"""q2a's known mistake "no_bias": targeted feedback "Each filter also has a bias term."."""
RIGHT = "903400"


@pytest.fixture
def practice(quiz):
    """The shipped quiz as a practice quiz: no time limit, checks at 10 % each, the solution after 2 wrong ones."""
    quiz.time_limit_minutes = None
    quiz.allow_checks, quiz.check_penalty, quiz.solution_after_checks = True, Decimal("0.1"), 2
    quiz.save()
    return quiz


@pytest.fixture
def practice_attempt(alice, practice):
    return services.start_attempt(student=alice, quiz=practice)


def stored(attempt, key="q2a") -> Response:
    return attempt.responses.get(part__question__key=key[:-1], part__key=key[-1])


def check(attempt, text, *, part="q2a", sequence=None):
    """A check as the page sends it: the sequence of the answer it was typed over, plus one."""
    if sequence is None:
        sequence = stored(attempt, part).sequence + 1
    return services.check_response(attempt=attempt, part_key=part, text=text, sequence=sequence)


# --- The rule: credit × (1 − penalty × wrong checks), never below nothing --------------------------


@pytest.mark.parametrize(
    ("penalty", "wrong", "deduction"),
    [
        ("0.1", 0, "0"),
        ("0.1", 2, "0.2"),
        ("0.1", 10, "1"),
        ("0.25", 5, "1"),  # capped: never more than the whole part
        ("0.333", 3, "0.999"),
        ("0", 7, "0"),
    ],
)
def test_wrong_checks_cost_the_penalty_each_up_to_the_whole_part(penalty, wrong, deduction):
    assert grading.practice_deduction(Decimal(penalty), wrong) == Decimal(deduction)


@pytest.mark.parametrize(
    ("credit", "deduction", "left"),
    [(1.0, "0.2", 0.8), (1.0, "0.3", 0.7), (0.5, "0.1", 0.45), (1.0, "1", 0.0), (0.0, "0.2", 0.0)],
)
def test_the_credit_left_is_exact_in_decimal(credit, deduction, left):
    # 1 − 0.1 × 3 in floats is 0.7000000000000001; the credit left is exactly 0.7.
    assert grading.credit_after_deduction(credit, Decimal(deduction)) == left


# --- The settings: practice only ----------------------------------------------------------------


@pytest.mark.parametrize(
    "exam", [{"time_limit_minutes": 30}, {"access_code": "owl-42"}], ids=["time limit", "access code"]
)
def test_an_exam_cannot_allow_checks(quiz, exam):
    quiz.time_limit_minutes, quiz.access_code = None, ""
    quiz.allow_checks = True
    for name, value in exam.items():
        setattr(quiz, name, value)
    with pytest.raises(ValidationError) as refusal:
        quiz.full_clean()
    assert "time limit or an access code" in refusal.value.message_dict["allow_checks"][0]
    with pytest.raises(IntegrityError), transaction.atomic():
        quiz.save()


def test_a_quiz_without_time_limit_or_access_code_may_allow_checks(practice):
    practice.full_clean()
    assert practice.is_practice and practice.allow_checks


def test_checks_are_off_by_default(db):
    assert Quiz(key="new", title="New").allow_checks is False


# --- The service ---------------------------------------------------------------------------------


def test_a_wrong_check_counts_saves_the_answer_and_is_logged(practice_attempt):
    result = check(practice_attempt, NO_BIAS)
    assert not result.right and result.counted
    assert result.verdict.mistake == "no_bias"
    assert result.verdict.feedback == "Each filter also has a bias term."
    response = stored(practice_attempt)
    assert (response.text, response.sequence, response.checks, response.wrong_checks) == (NO_BIAS, 1, 1, 1)
    event = practice_attempt.events.get(kind=AttemptEvent.Kind.CHECKED)
    assert (event.part_key, event.sequence) == ("q2a", 1)
    assert "Not right" in event.detail


def test_a_right_check_counts_a_try_but_costs_nothing(practice_attempt):
    result = check(practice_attempt, RIGHT)
    assert result.right
    response = stored(practice_attempt)
    assert (response.checks, response.wrong_checks) == (1, 0)
    assert practice_attempt.events.filter(kind=AttemptEvent.Kind.CHECKED).count() == 1


def test_the_same_answer_checked_again_is_no_new_try(practice_attempt):
    check(practice_attempt, NO_BIAS)
    again = check(practice_attempt, NO_BIAS, sequence=1)
    assert not again.right and not again.counted
    assert again.verdict.feedback == "Each filter also has a bias term."
    response = stored(practice_attempt)
    assert (response.sequence, response.checks, response.wrong_checks) == (1, 1, 1)
    assert practice_attempt.events.filter(kind=AttemptEvent.Kind.SAVED).count() == 1
    assert practice_attempt.events.filter(kind=AttemptEvent.Kind.CHECKED).last().detail == (
        "Not counted: this answer was checked before"
    )
    check(practice_attempt, "900000")
    check(practice_attempt, NO_BIAS)  # typed again after another answer: a new try
    assert (stored(practice_attempt).checks, stored(practice_attempt).wrong_checks) == (3, 3)


def test_an_unreadable_answer_is_not_a_try(practice_attempt):
    result = check(practice_attempt, "twelve and a bit")
    assert not result.counted
    response = stored(practice_attempt)
    assert (response.checks, response.wrong_checks) == (0, 0)
    assert practice_attempt.events.get(kind=AttemptEvent.Kind.CHECKED).detail.startswith("Not counted")


def test_a_check_after_submit_is_refused_and_changes_nothing(practice_attempt):
    check(practice_attempt, NO_BIAS)
    services.submit_attempt(attempt=practice_attempt)
    with pytest.raises(services.AttemptClosed):
        check(practice_attempt, RIGHT)
    response = stored(practice_attempt)
    assert (response.text, response.checks, response.wrong_checks) == (NO_BIAS, 1, 1)


def test_a_quiz_without_checks_refuses_them(alice, quiz):
    attempt = services.start_attempt(student=alice, quiz=quiz)
    with pytest.raises(services.ChecksNotAllowed):
        check(attempt, RIGHT)
    assert not stored(attempt).text
    assert not attempt.events.filter(kind=AttemptEvent.Kind.CHECKED).exists()


def test_a_written_answer_cannot_be_checked(practice_attempt):
    with pytest.raises(services.CheckRefused):
        check(practice_attempt, "Skip connections", part="q6b")
    assert not stored(practice_attempt, "q6b").text


# --- Grading with the penalty ----------------------------------------------------------------------


def test_two_wrong_checks_then_right_earn_eighty_percent_of_the_part(practice_attempt):
    check(practice_attempt, NO_BIAS)
    check(practice_attempt, "900000")
    check(practice_attempt, RIGHT)
    services.submit_attempt(attempt=practice_attempt)
    response = stored(practice_attempt)
    assert response.status == ResponseStatus.CORRECT
    assert response.score == 0.8
    assert response.points == Decimal("0.8") * response.part.points


def test_the_penalty_never_takes_more_than_the_part(practice_attempt, practice):
    practice.check_penalty = Decimal("0.4")
    practice.save()
    for text in (NO_BIAS, "900000", "800000"):
        check(practice_attempt, text)
    check(practice_attempt, RIGHT)
    services.submit_attempt(attempt=practice_attempt)
    assert stored(practice_attempt).score == 0.0


def test_a_regrade_keeps_the_penalty(practice_attempt):
    check(practice_attempt, NO_BIAS)
    check(practice_attempt, RIGHT)
    services.submit_attempt(attempt=practice_attempt)
    services.grade_attempt(practice_attempt)
    assert stored(practice_attempt).score == 0.9


def test_parts_never_checked_are_graded_as_always(practice_attempt):
    services.save_response(attempt=practice_attempt, part_key="q2a", text=RIGHT, sequence=1)
    services.submit_attempt(attempt=practice_attempt)
    assert stored(practice_attempt).score == 1.0


# --- The endpoint -------------------------------------------------------------------------------


@pytest.fixture
def post_check(alice_client):
    def post(attempt, part="q2a", text=NO_BIAS, sequence=1, client=alice_client):
        data = {"part": part, "text": text, "sequence": sequence}
        return client.post(reverse("student:attempt_check", args=[attempt.pk]), data)

    return post


def test_the_check_replies_with_the_verdict_feedback_and_tries(post_check, practice_attempt):
    reply = post_check(practice_attempt)
    assert reply.status_code == 200
    body = reply.json()
    assert (body["ok"], body["part"], body["right"], body["checks"], body["wrong_checks"]) == (
        True, "q2a", False, 1, 1
    )  # fmt: skip
    assert body["sequence"] == 1
    assert "Each filter also has a bias term." in body["html"]
    assert "1 check so far, 1 wrong." in body["html"]
    assert "−10 %: 1 wrong check" in body["html"]
    assert "after 1 more wrong check" in body["html"]
    assert "worked-solution" not in body["html"]


def test_the_worked_solution_is_offered_after_the_wrong_checks_the_quiz_sets(post_check, practice_attempt):
    post_check(practice_attempt)
    body = post_check(practice_attempt, text="900000", sequence=2).json()
    assert body["wrong_checks"] == 2
    assert "worked-solution" in body["html"]
    assert "903,400 parameters" in body["html"]


def test_the_attempt_page_shows_the_checks_so_far_and_the_offered_solution(alice_client, post_check, practice_attempt):
    post_check(practice_attempt)
    post_check(practice_attempt, text="900000", sequence=2)
    page = alice_client.get(reverse("student:attempt", args=[practice_attempt.pk])).content.decode()
    assert page.count('class="btn btn-sm btn-outline-secondary check-button"') == 12  # every part but the written ones
    assert "2 checks so far, 2 wrong." in page
    assert "903,400 parameters" in page


def test_an_exam_refuses_the_check_with_a_reason(post_check, alice, quiz, alice_client):
    attempt = services.start_attempt(student=alice, quiz=quiz)
    reply = post_check(attempt)
    assert reply.status_code == 403
    assert reply.json()["error"] == "checks_not_allowed"
    assert "does not let you check answers" in reply.json()["message"]
    page = alice_client.get(reverse("student:attempt", args=[attempt.pk])).content.decode()
    assert "check-button" not in page


def test_a_check_after_submit_is_refused_with_the_result_page(post_check, practice_attempt):
    services.submit_attempt(attempt=practice_attempt)
    reply = post_check(practice_attempt)
    assert reply.status_code == 409
    body = reply.json()
    assert body["error"] == "closed"
    assert body["result_url"] == reverse("student:attempt_result", args=[practice_attempt.pk])


def test_another_student_cannot_check_an_attempt(post_check, practice_attempt, bob, client):
    client.force_login(bob)
    assert post_check(practice_attempt, client=client).status_code == 404
    assert stored(practice_attempt).checks == 0


def test_a_check_must_be_posted(alice_client, practice_attempt):
    assert alice_client.get(reverse("student:attempt_check", args=[practice_attempt.pk])).status_code == 405


# --- Where the deduction is explained ------------------------------------------------------------


def test_the_result_and_the_teachers_attempt_page_explain_the_deduction(
    post_check, practice_attempt, alice_client, tess
):
    post_check(practice_attempt)
    post_check(practice_attempt, text="900000", sequence=2)
    post_check(practice_attempt, text=RIGHT, sequence=3)
    services.submit_attempt(attempt=practice_attempt)
    result = alice_client.get(reverse("student:attempt_result", args=[practice_attempt.pk])).content.decode()
    assert "−20 %: 2 wrong checks" in result
    teacher_client = Client()
    teacher_client.force_login(tess)
    page = teacher_client.get(reverse("teacher:attempt", args=[practice_attempt.pk])).content.decode()
    assert "Checked 3 times before submitting; the score is lowered by" in page
    assert "−20 %: 2 wrong checks" in page


def test_the_start_page_says_checks_are_allowed_and_what_a_wrong_one_costs(alice_client, practice):
    page = alice_client.get(reverse("student:quiz_start", args=[practice.key])).content.decode()
    assert "each answer has a Check button" in page
    assert "Each wrong check costs 10 % of that part's points." in page
    assert "After 2 wrong checks of a part, its worked solution is offered." in page


def test_the_start_page_of_an_exam_says_nothing_of_checks(alice_client, quiz):
    page = alice_client.get(reverse("student:quiz_start", args=[quiz.key])).content.decode()
    assert "Check button" not in page


# --- Bank files ---------------------------------------------------------------------------------

PRACTICE_SETTINGS = {"allow_checks": True, "check_penalty": 0.25, "solution_after_checks": 3}


def practice_bank(tmp_path, **settings) -> Path:
    data = yaml.safe_load(DEFAULT_BANK.read_text())
    data["quiz"].pop("time_limit_minutes", None)
    data["quiz"].update(PRACTICE_SETTINGS, **settings)
    path = tmp_path / "practice.yaml"
    path.write_text(yaml.safe_dump(data))
    return path


def test_the_check_settings_load_from_the_bank_file(empty_bank, tmp_path):
    quiz = load_question_bank(practice_bank(tmp_path)).quiz
    quiz.refresh_from_db()
    assert (quiz.allow_checks, quiz.check_penalty, quiz.solution_after_checks) == (True, Decimal("0.25"), 3)


@pytest.mark.parametrize("exam", [{"time_limit_minutes": 60}, {"access_code": "owl-42"}])
def test_a_bank_file_cannot_allow_checks_in_an_exam(empty_bank, tmp_path, exam):
    with pytest.raises(BankError, match="quiz: allow_checks: Checking answers is for practice"):
        load_question_bank(practice_bank(tmp_path, **exam))
    assert not Quiz.objects.exists()


def test_a_practice_quiz_exports_and_loads_back_the_same(empty_bank, tmp_path):
    quiz = load_question_bank(practice_bank(tmp_path, check_penalty=0.125)).quiz
    exported = tmp_path / "exported.yaml"
    exported.write_text(yaml.safe_dump(export_bank(quiz)))
    assert "check_penalty: 0.125" in exported.read_text()
    assert load_question_bank(exported).changes == []
    Quiz.objects.all().delete()
    again = load_question_bank(exported).quiz
    again.refresh_from_db()
    assert (again.allow_checks, again.check_penalty, again.solution_after_checks) == (True, Decimal("0.125"), 3)


# --- Hints ----------------------------------------------------------------------------------------

HINTS = ["Every filter has a bias.", "A 3×3 kernel over 3 channels has 27 weights.", "Add the three layers."]


@pytest.fixture
def hinted(practice):
    """q2a with three hints, one shown free per wrong check; hints asked for cost 5 %."""
    part = practice.questions.get(key="q2").parts.get(key="a")
    part.hints, part.hint_after_checks = HINTS, 1
    part.save()
    return part


@pytest.mark.parametrize(
    ("after", "wrong", "asked", "shown"),
    [(1, 0, 0, 0), (1, 1, 0, 1), (1, 1, 1, 2), (1, 5, 0, 3), (2, 3, 0, 1), (2, 4, 1, 3), (0, 5, 0, 0), (0, 0, 2, 2)],
)
def test_a_hint_is_shown_free_every_so_many_wrong_checks_and_when_asked_for(after, wrong, asked, shown):
    part = Part(hints=HINTS, hint_after_checks=after)
    assert part.hints_shown(wrong, asked) == HINTS[:shown]


@pytest.mark.parametrize(
    ("wrong", "hints", "deduction"), [(0, 1, "0.05"), (2, 1, "0.25"), (0, 3, "0.15"), (9, 3, "1")]
)
def test_hints_asked_for_cost_the_hint_penalty_beside_wrong_checks(wrong, hints, deduction):
    assert grading.practice_deduction(Decimal("0.1"), wrong, Decimal("0.05"), hints) == Decimal(deduction)


def test_asking_for_a_hint_shows_the_next_one_costs_and_is_logged(practice_attempt, hinted):
    response = services.request_hint(attempt=practice_attempt, part_key="q2a")
    assert response.hints_asked == 1
    event = practice_attempt.events.get(kind=AttemptEvent.Kind.HINT_ASKED)
    assert (event.part_key, event.detail) == ("q2a", "Hint 1 of 3")
    check(practice_attempt, RIGHT)
    services.submit_attempt(attempt=practice_attempt)
    assert stored(practice_attempt).score == 0.95


def test_there_is_no_hint_after_the_last(practice_attempt, hinted):
    check(practice_attempt, NO_BIAS)  # shows the first hint free
    for _ in range(2):
        services.request_hint(attempt=practice_attempt, part_key="q2a")
    with pytest.raises(services.CheckRefused, match="no more hints"):
        services.request_hint(attempt=practice_attempt, part_key="q2a")
    assert stored(practice_attempt).hints_asked == 2


def test_hints_stored_on_a_written_part_before_they_were_refused_are_never_shown(practice_attempt, practice):
    written = practice.questions.get(key="q6").parts.get(key="b")
    Part.objects.filter(pk=written.pk).update(hints=["Name a layer that skips."])  # as a load before the rule
    with pytest.raises(services.CheckRefused, match="^Your teacher reads written answers; they have no hints.$"):
        services.request_hint(attempt=practice_attempt, part_key="q6b")
    with translation.override("de"):
        with pytest.raises(services.CheckRefused) as in_german:
            services.request_hint(attempt=practice_attempt, part_key="q6b")
        assert str(in_german.value.message) == "Schriftliche Antworten liest Ihre Lehrkraft; sie haben keine Hinweise."
    assert stored(practice_attempt, "q6b").hints_asked == 0
    assert not practice_attempt.events.filter(kind=AttemptEvent.Kind.HINT_ASKED).exists()


def test_a_hint_after_submit_or_in_an_exam_is_refused(practice_attempt, hinted, alice, bob, quiz):
    services.submit_attempt(attempt=practice_attempt)
    with pytest.raises(services.AttemptClosed):
        services.request_hint(attempt=practice_attempt, part_key="q2a")
    quiz.allow_checks = False
    quiz.save()
    exam_attempt = services.start_attempt(student=bob, quiz=quiz)
    with pytest.raises(services.ChecksNotAllowed):
        services.request_hint(attempt=exam_attempt, part_key="q2a")


def test_the_hint_endpoint_replies_with_the_hints_so_far(alice_client, practice_attempt, hinted):
    url = reverse("student:attempt_hint", args=[practice_attempt.pk])
    page = alice_client.get(reverse("student:attempt", args=[practice_attempt.pk])).content.decode()
    assert "Show a hint (costs 5 % of this part's points)" in page
    body = alice_client.post(url, {"part": "q2a"}).json()
    assert (body["ok"], body["part"], body["hints_asked"]) == (True, "q2a", 1)
    assert HINTS[0] in body["html"] and HINTS[1] not in body["html"]
    assert "−5 %: 1 hint asked for" in body["html"]
    for _ in range(2):
        body = alice_client.post(url, {"part": "q2a"}).json()
    assert "hint-button" not in body["html"]
    refused = alice_client.post(url, {"part": "q2a"})
    assert refused.status_code == 400 and refused.json()["error"] == "check_refused"


def test_a_part_without_hints_offers_none(alice_client, practice_attempt):
    page = alice_client.get(reverse("student:attempt", args=[practice_attempt.pk])).content.decode()
    assert "hint-button" not in page


def test_the_result_explains_wrong_checks_and_hints_together(alice_client, practice_attempt, hinted):
    services.request_hint(attempt=practice_attempt, part_key="q2a")
    check(practice_attempt, NO_BIAS)
    check(practice_attempt, RIGHT)
    services.submit_attempt(attempt=practice_attempt)
    assert stored(practice_attempt).score == 0.85
    page = alice_client.get(reverse("student:attempt_result", args=[practice_attempt.pk])).content.decode()
    assert "−15 %: wrong checks 1, hints asked for 1" in page


def test_hints_load_from_the_bank_file_and_export_back(empty_bank, tmp_path):
    def with_hints(data):
        part = data["questions"][1]["parts"][0]
        part.update(hints=HINTS, hint_after_checks=2)

    path = practice_bank(tmp_path)
    data = yaml.safe_load(path.read_text())
    with_hints(data)
    path.write_text(yaml.safe_dump(data))
    quiz = load_question_bank(path).quiz
    part = Part.objects.get(question__quiz=quiz, question__key="q2", key="a")
    assert (part.hints, part.hint_after_checks) == (HINTS, 2)
    exported = export_bank(quiz)
    assert exported["questions"][1]["parts"][0]["hints"] == HINTS
    assert exported["questions"][1]["parts"][0]["hint_after_checks"] == 2


def test_hints_that_are_not_texts_are_refused(empty_bank, tmp_path):
    path = practice_bank(tmp_path)
    data = yaml.safe_load(path.read_text())
    data["questions"][1]["parts"][0]["hints"] = "one long hint"
    path.write_text(yaml.safe_dump(data))
    with pytest.raises(BankError, match="question q2 part a: hints: Write the hints as a list of texts"):
        load_question_bank(path)


# --- Another variant ------------------------------------------------------------------------------


def right_parameters(attempt) -> str:
    """q2a's right answer with the numbers the attempt holds now."""
    question = attempt.quiz.questions.get(key="q2")
    return str(int(question.computation(attempt.params["q2"]).outputs["parameters"]))


def test_another_variant_gives_one_question_new_numbers_and_clears_its_answers(practice_attempt):
    before = dict(practice_attempt.params)
    check(practice_attempt, NO_BIAS)
    services.save_response(attempt=practice_attempt, part_key="q2b", text="12.6 MB", sequence=1)
    services.save_response(attempt=practice_attempt, part_key="q4a", text="[[5, 6], [10, 9]]", sequence=1)

    services.draw_new_variant(attempt=practice_attempt, question_key="q2")

    practice_attempt.refresh_from_db()
    assert practice_attempt.params["q2"] != before["q2"]
    assert {key: value for key, value in practice_attempt.params.items() if key != "q2"} == {
        key: value for key, value in before.items() if key != "q2"
    }
    seed = practice_attempt.variant_seeds["q2"]
    assert practice_attempt.quiz.questions.get(key="q2").draw_variant(seed) == practice_attempt.params["q2"]
    q2a, q2b = stored(practice_attempt, "q2a"), stored(practice_attempt, "q2b")
    assert (q2a.text, q2a.sequence, q2b.text, q2b.sequence) == ("", 2, "", 2)
    assert (q2a.checks, q2a.wrong_checks) == (1, 1)  # tries, and what they cost, stay
    assert stored(practice_attempt, "q4a").text == "[[5, 6], [10, 9]]"
    event = practice_attempt.events.get(kind=AttemptEvent.Kind.NEW_VARIANT)
    assert (event.part_key, event.detail) == ("q2", f"Seed {seed}; 2 answers cleared")


def test_the_new_numbers_are_the_ones_graded(practice_attempt):
    services.draw_new_variant(attempt=practice_attempt, question_key="q2")
    practice_attempt.refresh_from_db()
    answer = right_parameters(practice_attempt)
    assert check(practice_attempt, answer).right
    services.submit_attempt(attempt=practice_attempt)
    assert stored(practice_attempt).status == ResponseStatus.CORRECT


def test_no_other_variant_without_drawn_numbers_or_after_submit(practice_attempt, practice, bob):
    services.submit_attempt(attempt=practice_attempt)
    with pytest.raises(services.AttemptClosed):
        services.draw_new_variant(attempt=practice_attempt, question_key="q2")
    practice.randomize_numbers = False
    practice.save()
    attempt = services.start_attempt(student=bob, quiz=practice)
    with pytest.raises(services.VariantsNotAllowed):
        services.draw_new_variant(attempt=attempt, question_key="q2")
    assert not attempt.events.filter(kind=AttemptEvent.Kind.NEW_VARIANT).exists()


def test_the_variant_page_asks_first_then_draws_and_returns_to_the_question(alice_client, practice_attempt):
    url = reverse("student:attempt_variant", args=[practice_attempt.pk, "q2"])
    page = alice_client.get(reverse("student:attempt", args=[practice_attempt.pk])).content.decode()
    assert url in page
    confirm = alice_client.get(url)
    assert confirm.status_code == 200
    assert "your answers to it are cleared" in confirm.content.decode()
    before = practice_attempt.params["q2"]
    done = alice_client.post(url)
    assert done.status_code == 302
    assert done["Location"] == reverse("student:attempt", args=[practice_attempt.pk]) + "#question-q2"
    practice_attempt.refresh_from_db()
    assert practice_attempt.params["q2"] != before


def test_an_exam_offers_no_other_variant(alice_client, alice, quiz):
    attempt = services.start_attempt(student=alice, quiz=quiz)
    url = reverse("student:attempt_variant", args=[attempt.pk, "q2"])
    assert url not in alice_client.get(reverse("student:attempt", args=[attempt.pk])).content.decode()
    refused = alice_client.post(url)
    assert refused.status_code == 403
    assert "does not offer new numbers" in refused.content.decode()


def test_another_student_cannot_draw_a_variant(client, bob, practice_attempt):
    client.force_login(bob)
    assert client.post(reverse("student:attempt_variant", args=[practice_attempt.pk, "q2"])).status_code == 404


def test_a_question_the_attempt_does_not_hold_has_no_variant(alice_client, practice_attempt):
    assert alice_client.get(reverse("student:attempt_variant", args=[practice_attempt.pk, "q99"])).status_code == 404


def test_a_load_cannot_allow_checks_beside_an_access_code_an_edit_keeps(empty_bank, tmp_path):
    quiz = load_question_bank(practice_bank(tmp_path, allow_checks=False)).quiz
    quiz.access_code = "owl-42"  # edited in the admin since the last load: the load keeps it
    quiz.save()
    with pytest.raises(BankError, match="quiz: allow_checks: Checking answers is for practice"):
        load_question_bank(practice_bank(tmp_path))
    quiz.refresh_from_db()
    assert (quiz.allow_checks, quiz.access_code) == (False, "owl-42")
