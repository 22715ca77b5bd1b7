"""Question pools: each attempt holds every question outside a pool and a reproducible draw from each pool,
avoiding what the student already had; every page, total, export and statistic reads the attempt's own questions."""

from __future__ import annotations

import importlib
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal

import pytest
import yaml
from django.apps import apps
from django.urls import reverse

from quiz import exports, services, sheets
from quiz.bank import BankError, export_bank, load_bank, load_question_bank, read_bank
from quiz.forms import QuestionAdminForm, QuizAdminForm
from quiz.lti.deep_linking import quiz_choices
from quiz.models import Attempt, Part, Question, Response
from quiz.pools import Pool, draw_questions, most_points, pool_problems, quiz_pools
from quiz.regrade import regrade_quiz
from quiz.statistics import quiz_parts, quiz_statistics
from tests.quiz.test_admin_forms import question_data

POOL = ("q3", "q4", "q5")
"""Three questions of the shipped quiz on sliding a window over numbers: 1-D convolution, max and average pooling."""
OTHERS = ("q1", "q2", "q6", "q7", "q8", "q9", "q10")


@pytest.fixture
def pooled(quiz):
    """The shipped quiz with q3, q4 and q5 in the pool "sliding-windows", of which each attempt draws one;
    five attempts allowed, more than the pool has questions."""
    quiz.questions.filter(key__in=POOL).update(pool="sliding-windows")
    quiz.attempts_allowed = 5
    quiz.save()
    return quiz


def drawn(attempt: Attempt) -> list[str]:
    return [key for key in attempt.question_keys if key in POOL]


def finish(student, quiz) -> Attempt:
    return services.submit_attempt(attempt=services.start_attempt(student=student, quiz=quiz))


# --- The draw, without the database ------------------------------------------------------------


@dataclass
class Item:
    key: str
    pool: str = ""


ITEMS = [Item("a"), Item("p1", "p"), Item("b"), Item("p2", "p"), Item("p3", "p"), Item("r1", "r"), Item("r2", "r")]


def keys(items) -> list[str]:
    return [item.key for item in items]


def test_questions_outside_pools_are_always_held_and_every_pool_draws_one_by_default():
    held = keys(draw_questions(ITEMS, {}, seed="s", had=Counter()))
    assert [key for key in held if key in ("a", "b")] == ["a", "b"]
    assert sum(key.startswith("p") for key in held) == 1
    assert sum(key.startswith("r") for key in held) == 1


def test_drawn_questions_keep_their_place_in_the_quizs_order():
    held = keys(draw_questions(ITEMS, {"p": 3, "r": 2}, seed="s", had=Counter()))
    assert held == keys(ITEMS)


@pytest.mark.parametrize("seed", ["quiz:1:1:", "quiz:7:2:123456", "x"])
def test_the_same_seed_and_history_always_draw_the_same_questions(seed):
    history = Counter({"p1": 1})
    draws = {tuple(keys(draw_questions(ITEMS, {"p": 2}, seed=seed, had=history))) for _ in range(20)}
    assert len(draws) == 1


def test_different_seeds_draw_differently():
    draws = {tuple(keys(draw_questions(ITEMS, {}, seed=f"seed {n}", had=Counter()))) for n in range(40)}
    assert len(draws) > 1


def test_a_pool_draws_as_many_as_the_quiz_says():
    held = keys(draw_questions(ITEMS, {"p": 2}, seed="s", had=Counter()))
    assert sum(key.startswith("p") for key in held) == 2


@pytest.mark.parametrize("seed", [f"seed {n}" for n in range(10)])
def test_questions_had_before_are_avoided_while_the_pool_has_others(seed):
    held = keys(draw_questions(ITEMS, {}, seed=seed, had=Counter({"p1": 1, "p3": 1, "r2": 1})))
    assert "p2" in held and "r1" in held


@pytest.mark.parametrize("seed", [f"seed {n}" for n in range(10)])
def test_once_every_question_was_had_the_least_had_come_first(seed):
    held = keys(draw_questions(ITEMS, {"p": 2}, seed=seed, had=Counter({"p1": 2, "p2": 1, "p3": 1})))
    assert [key for key in held if key.startswith("p")] == ["p2", "p3"]


def test_a_pool_never_draws_more_than_it_holds():
    """A question moved out of a pool after the quiz named its size: the draw takes what is there."""
    assert quiz_pools(ITEMS, {"r": 5}) == [Pool("p", 3, 1), Pool("r", 2, 2)]


@dataclass
class Worth:
    key: str
    pool: str
    points: Decimal


def test_an_attempt_holds_at_most_the_points_of_the_questions_outside_pools_and_the_best_of_each_pool():
    questions = [Worth("a", "", Decimal(2)), Worth("p1", "p", Decimal(1)), Worth("p2", "p", Decimal(3)),
                 Worth("p3", "p", Decimal("2.5"))]  # fmt: skip
    assert most_points(questions, {}) == Decimal(5)
    assert most_points(questions, {"p": 2}) == Decimal("7.5")


def test_the_lms_line_item_counts_the_points_an_attempt_holds(pooled):
    choice = next(choice for choice in quiz_choices() if choice.quiz == pooled)
    # 21 points, less q3 (2) and q4 (1) or q5 (1): of the pool, the question worth most.
    assert choice.points == Decimal(19)


def test_the_start_page_sentence_names_the_pool_in_words():
    assert Pool("sliding-windows", 3, 1).description == "Each attempt draws 1 of 3 questions on sliding windows."
    assert Pool("max_pooling", 4, 2).description == "Each attempt draws 2 of 4 questions on max pooling."


@pytest.mark.parametrize(
    ("pools", "problem"),
    [
        ({"p": 4}, "the pool 'p' draws 4 but holds only 3 questions"),
        ({"q": 1}, "no question is in the pool 'q' (the pools are p)"),
        ({"p": 0}, "the pool 'p' must draw a whole number of questions, at least 1"),
        ({"p": True}, "the pool 'p' must draw a whole number of questions, at least 1"),
        ({"p": "2"}, "the pool 'p' must draw a whole number of questions, at least 1"),
        ([1], "pools must map a pool key to how many of its questions each attempt draws"),
    ],
)
def test_pool_sizes_that_do_not_fit_are_named(pools, problem):
    assert pool_problems(pools, {"p": 3})[0].startswith(problem)


def test_pool_sizes_that_fit_have_no_problems():
    assert pool_problems({"p": 3}, {"p": 3, "r": 2}) == []


# --- Attempts ------------------------------------------------------------------------------------


def test_an_attempt_holds_every_other_question_and_one_of_the_pool(pooled, alice):
    attempt = services.start_attempt(student=alice, quiz=pooled)
    assert len(drawn(attempt)) == 1
    assert [key for key in attempt.question_keys if key not in POOL] == list(OTHERS)
    assert set(attempt.params) == set(attempt.question_keys)
    answered = set(attempt.responses.values_list("part__question__key", flat=True))
    assert answered == set(attempt.question_keys)


def test_the_log_names_the_questions_drawn(pooled, alice):
    attempt = services.start_attempt(student=alice, quiz=pooled)
    assert attempt.events.get().detail.endswith(f"; drawn from the pools: {drawn(attempt)[0]}")


def test_a_quiz_without_pools_gives_every_attempt_every_question(quiz, alice):
    attempt = services.start_attempt(student=alice, quiz=quiz)
    assert attempt.question_keys == list(quiz.questions.values_list("key", flat=True))
    assert "drawn" not in attempt.events.get().detail


def test_later_attempts_draw_questions_not_had_until_the_pool_is_used_up(pooled, alice):
    first_three = [drawn(finish(alice, pooled))[0] for _ in range(3)]
    assert sorted(first_three) == sorted(POOL)
    fourth, fifth = drawn(finish(alice, pooled)), drawn(finish(alice, pooled))
    # Every question had once: the fourth draws any; the fifth one of the two had once only.
    assert fifth != fourth and fifth[0] in POOL


def test_the_draw_is_reproducible_from_the_attempt(pooled, alice):
    """The same student's same attempt (number and seed) draws the same questions again."""
    first = services.start_attempt(student=alice, quiz=pooled)
    keys_drawn = first.question_keys
    Attempt.objects.filter(pk=first.pk).delete()
    assert services.start_attempt(student=alice, quiz=pooled).question_keys == keys_drawn


def test_students_draw_independently(pooled, students):
    draws = {drawn(services.start_attempt(student=student, quiz=pooled))[0] for student in students(12)}
    assert len(draws) > 1


def test_a_quiz_that_draws_numbers_draws_its_pools_from_the_attempts_seed(pooled, alice):
    pooled.randomize_numbers = True
    pooled.first_attempt_seed_numbers = False
    pooled.save()
    attempt = services.start_attempt(student=alice, quiz=pooled)
    assert attempt.seed is not None
    expected = draw_questions(
        list(pooled.questions.all()), pooled.pools, seed=f"{pooled.key}:{alice.pk}:1:{attempt.seed}", had=Counter()
    )
    assert attempt.question_keys == [question.key for question in expected]


def test_the_pages_show_only_the_questions_the_attempt_holds(pooled, alice):
    attempt = services.start_attempt(student=alice, quiz=pooled)
    shown = [question_sheet.question.key for question_sheet in sheets.attempt_sheet(attempt)]
    assert shown == attempt.question_keys
    assert shown == [question_sheet.question.key for question_sheet in sheets.attempt_sheet(attempt)]


def test_a_part_of_a_question_not_drawn_cannot_be_saved(pooled, alice):
    attempt = services.start_attempt(student=alice, quiz=pooled)
    missing = next(key for key in POOL if key not in attempt.question_keys)
    with pytest.raises(services.InvalidSave, match=f"no part '{missing}a'"):
        services.save_response(attempt=attempt, part_key=f"{missing}a", text="1", sequence=1)


def test_the_max_score_counts_only_the_questions_held(pooled, alice):
    attempt = finish(alice, pooled)
    held = Part.objects.filter(question__quiz=pooled, question__key__in=attempt.question_keys)
    every = Part.objects.filter(question__quiz=pooled)
    assert attempt.max_score == sum((part.points for part in held), Decimal(0))
    assert attempt.max_score < sum((part.points for part in every), Decimal(0))


def test_regrading_keeps_each_attempt_to_its_own_questions(pooled, alice):
    attempt = finish(alice, pooled)
    before = (attempt.max_score, attempt.responses.count())
    regrade_quiz(quiz=pooled)
    attempt.refresh_from_db()
    assert (attempt.max_score, attempt.responses.count()) == before


def test_the_teachers_attempt_page_lists_only_the_questions_held(pooled, alice, teacher_client):
    attempt = finish(alice, pooled)
    page = teacher_client.get(reverse("teacher:attempt", args=[attempt.pk])).content.decode()
    for part in Part.objects.filter(question__quiz=pooled).select_related("question"):
        assert (f'id="part-{part.pk}"' in page) == (part.question.key in attempt.question_keys), part
    pooled_parts = Part.objects.filter(question__key__in=drawn(attempt), question__quiz=pooled).count()
    assert page.count("drawn from the pool sliding-windows") == pooled_parts


def test_the_gradebook_export_leaves_questions_not_held_empty(pooled, alice):
    attempt = finish(alice, pooled)
    header, row = list(exports.gradebook_rows(pooled))
    cells = dict(zip(header, row, strict=True))
    for part in quiz_parts(pooled):
        assert (cells[part.label] != "") == (part.question.key in attempt.question_keys), part.label


def test_statistics_count_each_part_over_the_attempts_that_held_it(pooled, students):
    attempts = [finish(student, pooled) for student in students(6)]
    stats = {item.part.question.key + item.part.key: item for item in quiz_statistics(pooled).parts}
    assert stats["q2a"].attempts == 6
    for key in POOL:
        held = sum(key in attempt.question_keys for attempt in attempts)
        assert stats[f"{key}a"].attempts == held
        assert sum(stats[f"{key}a"].status_counts.values()) == held
    assert sum(stats[f"{key}a"].attempts for key in POOL) == 6


def test_the_statistics_page_says_how_many_attempts_held_a_pool_question(pooled, students, teacher_client):
    attempts = [finish(student, pooled) for student in students(3)]
    page = teacher_client.get(reverse("teacher:statistics", args=[pooled.pk])).content.decode()
    for key in POOL:
        held = sum(key in attempt.question_keys for attempt in attempts)
        assert f"In the pool sliding-windows: held by {held} attempt{'' if held == 1 else 's'}" in page


def test_the_start_page_says_what_each_attempt_draws(pooled, alice_client):
    page = alice_client.get(reverse("student:quiz_start", args=[pooled.key])).content.decode()
    assert "Each attempt draws 1 of 3 questions on sliding windows." in page
    assert "Another attempt draws questions you have not had yet" in page


def test_the_start_page_of_a_quiz_without_pools_says_nothing_of_them(quiz, alice_client):
    page = alice_client.get(reverse("student:quiz_start", args=[quiz.key])).content.decode()
    assert "Each attempt draws" not in page


def test_attempts_made_before_pools_are_recorded_as_holding_every_question(quiz, alice):
    attempt = services.start_attempt(student=alice, quiz=quiz)
    Attempt.objects.filter(pk=attempt.pk).update(question_keys=[])
    migration = importlib.import_module("quiz.migrations.0010_question_pools")
    migration.record_held_questions(apps, None)
    attempt.refresh_from_db()
    assert attempt.question_keys == list(quiz.questions.values_list("key", flat=True))


# --- Bank files -----------------------------------------------------------------------------------


def pooled_bank(draws: dict | None = None) -> dict:
    data = yaml.safe_load(read_bank_text())
    for question in data["questions"]:
        if question["key"] in POOL:
            question["pool"] = "sliding-windows"
    if draws is not None:
        data["quiz"]["pools"] = draws
    return data


def read_bank_text() -> str:
    from quiz.bank import DEFAULT_BANK

    return DEFAULT_BANK.read_text(encoding="utf-8")


def test_a_bank_file_sets_pools_and_the_export_gives_them_back(empty_bank):
    quiz = load_bank(pooled_bank({"sliding-windows": 2}), source="pooled.yaml").quiz
    assert quiz.pools == {"sliding-windows": 2}
    assert set(quiz.questions.filter(pool="sliding-windows").values_list("key", flat=True)) == set(POOL)
    exported = export_bank(quiz)
    assert exported["quiz"]["pools"] == {"sliding-windows": 2}
    assert [question.get("pool") for question in exported["questions"]] == [
        "sliding-windows" if question["key"] in POOL else None for question in exported["questions"]
    ]
    assert str(load_bank(exported, source="exported.yaml")).endswith("nothing changed")


def test_the_export_of_a_quiz_without_pools_leaves_them_out(quiz):
    exported = export_bank(quiz)
    assert "pools" not in exported["quiz"]
    assert all("pool" not in question for question in exported["questions"])


def test_a_pool_edited_in_the_admin_survives_a_load(quiz):
    Question.objects.filter(quiz=quiz, key="q4").update(pool="pooling")
    report = load_question_bank()
    assert quiz.questions.get(key="q4").pool == "pooling"
    assert any(change.outcome == "kept" and change.question_key == "q4" for change in report.changes)


@pytest.mark.parametrize(
    ("draws", "message"),
    [
        ({"sliding-windows": 4}, "quiz: pools: the pool 'sliding-windows' draws 4 but holds only 3 questions"),
        ({"pooling": 1}, "quiz: pools: no question is in the pool 'pooling'"),
        ({"sliding-windows": 0}, "quiz: pools: the pool 'sliding-windows' must draw a whole number"),
    ],
)
def test_a_bank_file_whose_pools_do_not_fit_is_refused_with_a_message(tmp_path, draws, message):
    path = tmp_path / "bank.yaml"
    path.write_text(yaml.safe_dump(pooled_bank(draws)))
    with pytest.raises(BankError, match=message):
        read_bank(path)


def test_a_pool_key_must_be_a_slug(tmp_path):
    data = pooled_bank()
    data["questions"][2]["pool"] = "two words"
    path = tmp_path / "bank.yaml"
    path.write_text(yaml.safe_dump(data))
    with pytest.raises(BankError, match="question q3: pool: must be a key of letters, digits, hyphens or underscores"):
        read_bank(path)


# --- The admin --------------------------------------------------------------------------------------


def quiz_form(quiz, pools: str) -> QuizAdminForm:
    return QuizAdminForm({"pools": pools}, instance=quiz)


def test_the_quiz_form_takes_pools_that_fit(pooled):
    form = quiz_form(pooled, '{"sliding-windows": 3}')
    assert form.is_valid(), form.errors
    assert form.cleaned_data["pools"] == {"sliding-windows": 3}


@pytest.mark.parametrize(
    ("pools", "message"),
    [
        ('{"sliding-windows": 4}', "The pool 'sliding-windows' draws 4 but holds only 3 questions."),
        ('{"pooling": 1}', "No question is in the pool 'pooling' (the pools are sliding-windows)."),
    ],
)
def test_the_quiz_form_refuses_pools_that_do_not_fit(pooled, pools, message):
    form = quiz_form(pooled, pools)
    assert not form.is_valid()
    assert form.errors["pools"] == [message]


def test_the_question_form_refuses_to_leave_a_pool_smaller_than_it_draws(pooled):
    pooled.pools = {"sliding-windows": 3}
    pooled.save()
    question = pooled.questions.get(key="q4")
    form = QuestionAdminForm(question_data(question, pool=""), instance=question)
    assert not form.is_valid()
    assert form.errors["pool"] == [
        f"The quiz “{pooled}” would not fit: the pool 'sliding-windows' draws 3 but holds only 2 questions; "
        "change its pools first."
    ]


def test_the_question_form_moves_a_question_into_a_pool(pooled):
    question = pooled.questions.get(key="q2")
    form = QuestionAdminForm(question_data(question, pool="sliding-windows"), instance=question)
    assert form.is_valid(), form.errors
    form.save()
    assert pooled.question_pools() == [Pool("sliding-windows", 4, 1)]


def test_the_admin_shows_the_pools(pooled, admin_client):
    page = admin_client.get(reverse("admin:quiz_quiz_change", args=[pooled.pk])).content.decode()
    assert "Question pools" in page and "sliding-windows" in page
    listing = admin_client.get(reverse("admin:quiz_question_changelist")).content.decode()
    assert "sliding-windows" in listing


def test_an_attempts_responses_are_those_of_its_questions(pooled, alice):
    attempt = services.start_attempt(student=alice, quiz=pooled)
    parts = Part.objects.filter(question__quiz=pooled, question__key__in=attempt.question_keys).count()
    assert Response.objects.filter(attempt=attempt).count() == parts
