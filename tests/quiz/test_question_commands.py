"""show_question and grade_answer: a teacher trying a question from the shell."""

import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError


def run(capsys, *args) -> str:
    call_command(*args)
    return capsys.readouterr().out


def json_lines(output: str) -> list[dict]:
    return [json.loads(line) for line in output.splitlines()]


def test_show_question_json_is_one_object_with_each_answer(quiz, capsys):
    data = json.loads(run(capsys, "show_question", "q2", "--json"))
    assert (data["quiz"], data["question"]) == ("cnn-fundamentals", "q2")
    assert data["params"]["filters"] == [100, 200, 400]
    assert data["parts"]["a"]["answer"] == 903_400
    assert data["parts"]["a"]["display"] == "903,400"
    assert data["parts"]["b"]["answer"] == pytest.approx(12.6136)
    assert data["parts"]["c"]["answer"] == pytest.approx(565.6136)


@pytest.mark.parametrize(
    ("question", "part", "answer"),
    [
        ("q3", "b", [2, 2, 2, 2, 2, 2, 2, -7]),
        ("q4", "a", [[5, 6], [10, 9]]),
        ("q7", "c", "smaller"),
        ("q8", "c", [7, 7]),
        ("q1", "a", None),
    ],
)
def test_show_question_gives_the_canonical_answer_of_every_kind(quiz, capsys, question, part, answer):
    data = json.loads(run(capsys, "show_question", question, "--json"))
    assert data["parts"][part]["answer"] == answer


def test_show_question_text_shows_the_worked_solution(quiz, capsys):
    output = run(capsys, "show_question", "q2")
    assert "2,800 + 180,200 + 720,400 = 903,400" in output
    assert "12,613,600" in output


def test_a_seed_gives_the_same_variant_every_time(quiz, capsys):
    first = json.loads(run(capsys, "show_question", "q4", "--seed", "11", "--json"))
    second = json.loads(run(capsys, "show_question", "q4", "--seed", "11", "--json"))
    assert first == second
    assert first["seed"] == 11


def test_partial_params_keep_the_questions_own(quiz, capsys):
    data = json.loads(run(capsys, "show_question", "q8", "--params", '{"units": 10}', "--json"))
    assert data["params"] == {"units": 10, "map_height": 7, "map_width": 7, "map_channels": 512}
    assert data["parts"]["b"]["answer"] == 10


def test_grade_answer_prints_one_json_object_per_answer(quiz, capsys):
    results = json_lines(run(capsys, "grade_answer", "q2", "b", "12.6 MB", "14.1 MB", "1.234,5 MB"))
    assert [r["answer"] for r in results] == ["12.6 MB", "14.1 MB", "1.234,5 MB"]
    assert [r["status"] for r in results] == ["correct", "partial", "invalid"]
    assert results[1]["mistake"] == "all_layers" and results[1]["score"] == pytest.approx(0.5)
    assert "decimal point" in results[2]["feedback"]
    assert all(r["expected"] == "12.6 MB" for r in results)
    assert set(results[0]) == {"answer", "score", "status", "mistake", "feedback", "expected"}


def test_grade_answer_suggests_a_score_for_free_text(quiz, capsys):
    (result,) = json_lines(run(capsys, "grade_answer", "q10", "b", "semantic gives every pixel a class"))
    assert result["status"] == "needs_review"
    assert 0 <= result["score"] <= 1


def test_grade_answer_uses_the_given_numbers(quiz, capsys):
    (result,) = json_lines(run(capsys, "grade_answer", "q8", "b", "64", "--params", '{"units": 64}'))
    assert result["status"] == "correct"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["q2", "a", "1", "--params", "{bad"], "not valid JSON"),
        (["q2", "a", "1", "--params", "[1, 2]"], "must be a JSON object"),
        (["q2", "a", "1", "--params", '{"colour": 1}'], "unknown parameter"),
        (["q2", "a", "1", "--params", '{"stride": 0}'], "invalid parameters"),
        (["q99", "a", "1"], "no question 'q99'"),
        (["q2", "z", "1"], "no part 'z'"),
        (["q2", "a", "1", "--quiz", "nope"], "in quiz 'nope'"),
    ],
)
def test_bad_arguments_are_refused_with_a_message(quiz, args, message):
    with pytest.raises(CommandError, match=message):
        call_command("grade_answer", *args)


@pytest.mark.parametrize("answer", ["", "\x00", "9" * 25_000, "[[[[[[", "2**1000000", "1e999", "NaN", "\u202e"])
def test_an_odd_answer_never_crashes_grade_answer(quiz, capsys, answer):
    (result,) = json_lines(run(capsys, "grade_answer", "q3", "a", answer))
    assert result["status"] in {"invalid", "unanswered", "incorrect"}
    assert result["feedback"]


Q3B_ANSWER = "[2, 2, 2, 2, 2, 2, 2, -7]"
"""The right answer to 3b with the question's own numbers, not with seed 3's."""


def test_an_option_written_after_the_answers_dashes_is_refused_naming_it(quiz, capsys):
    with pytest.raises(CommandError) as refusal:
        call_command("grade_answer", "q3", "b", "--", Q3B_ANSWER, "--seed", "3")
    message = str(refusal.value)
    assert "'--seed' looks like the option --seed, not an answer: options go before `--`" in message
    assert "`--` is needed only before an answer that starts with a minus" in message
    assert capsys.readouterr().out == ""


@pytest.mark.parametrize(
    ("answer", "option"),
    [("--seed=3", "--seed"), ("--se", "--seed"), ("--params", "--params"), ("--quiz x", "--quiz"), ("-h", "-h")],
)
def test_every_form_of_an_option_among_the_answers_is_refused(quiz, answer, option):
    with pytest.raises(CommandError, match=f"'{answer}' looks like the option {option},"):
        call_command("grade_answer", "q3", "b", "--", answer)


def test_options_before_the_dashes_apply_to_the_answers_after_them(quiz, capsys):
    seeded = json.loads(run(capsys, "show_question", "q3", "--seed", "3", "--json"))["parts"]["b"]["display"]
    (own,) = json_lines(run(capsys, "grade_answer", "q3", "b", Q3B_ANSWER))
    (with_seed,) = json_lines(run(capsys, "grade_answer", "q3", "b", "--seed", "3", "--", Q3B_ANSWER))
    (options_last,) = json_lines(run(capsys, "grade_answer", "q3", "b", Q3B_ANSWER, "--seed", "3"))
    assert own["status"] == "correct"
    assert with_seed["expected"] == options_last["expected"] == seeded != own["expected"]


@pytest.mark.parametrize("answer", ["-12.6 MB", "-12", "- 12.6 MB", "-"])
def test_answers_starting_with_a_minus_are_graded_after_the_dashes(quiz, capsys, answer):
    results = json_lines(run(capsys, "grade_answer", "q2", "b", "--", answer))
    assert [result["answer"] for result in results] == [answer]
    assert results[0]["expected"] == "12.6 MB"


def test_dashes_alone_are_not_an_answer(quiz, capsys):
    with pytest.raises(CommandError, match="no answer: `--` marks where the answers begin"):
        call_command("grade_answer", "q2", "b", "--", "--")
    assert capsys.readouterr().out == ""
