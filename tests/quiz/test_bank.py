"""The question-bank loader: the shipped file, reloading, and broken files."""

from pathlib import Path

import pytest
import yaml
from django.core.management import call_command
from django.core.management.base import CommandError

from quiz.bank import DEFAULT_BANK, BankError, load_question_bank
from quiz.models import Part, Question, Quiz


def write_bank(tmp_path: Path, mutate) -> Path:
    data = yaml.safe_load(DEFAULT_BANK.read_text())
    mutate(data)
    path = tmp_path / "bank.yaml"
    path.write_text(yaml.safe_dump(data))
    return path


def question(data: dict, key: str) -> dict:
    return next(q for q in data["questions"] if q["key"] == key)


def test_shipped_bank_holds_ten_questions_with_every_part(db):
    summary = load_question_bank()
    quiz = Quiz.objects.get(key="cnn-fundamentals")
    assert summary.created
    assert quiz.title == "CNN fundamentals"
    assert list(quiz.questions.values_list("key", flat=True)) == [f"q{n}" for n in range(1, 11)]
    part_keys = {q.key: [p.key for p in q.parts.all()] for q in quiz.questions.all()}
    assert part_keys == {
        "q1": ["a"],
        "q2": ["a", "b", "c"],
        "q3": ["a", "b"],
        "q4": ["a"],
        "q5": ["a"],
        "q6": ["a", "b"],
        "q7": ["a", "b", "c", "d"],
        "q8": ["a", "b", "c", "d"],
        "q9": ["a"],
        "q10": ["a", "b"],
    }
    assert Part.objects.filter(question__quiz=quiz).count() == 21


def test_shipped_quiz_settings_match_the_bank(quiz):
    assert (quiz.time_limit_minutes, quiz.attempts_allowed, quiz.randomize_numbers) == (60, 3, False)
    assert quiz.closes_at is None
    assert all(quiz.reveals(field) for field in ("show_score", "show_feedback", "show_answers", "show_solutions"))


def test_parts_keep_their_grading_details(quiz):
    q2b = Part.objects.get(question__quiz=quiz, question__key="q2", key="b")
    assert (q2b.kind, q2b.unit, q2b.output) == ("quantity", "MB", "prediction_bytes")
    assert q2b.relative_tolerance == pytest.approx(0.02)
    assert [m["key"] for m in q2b.mistakes] == ["all_layers", "all_layers_with_input", "no_params", "mib_as_mb"]
    q7c = Part.objects.get(question__quiz=quiz, question__key="q7", key="c")
    assert q7c.correct_choice == "smaller"
    q3 = Question.objects.get(quiz=quiz, key="q3")
    assert q3.params["kernel"] == [-1, 0, 1] and q3.given == ["sequence", "kernel"]


def test_loading_twice_updates_in_place(db, tmp_path):
    load_question_bank()
    first_ids = set(Part.objects.values_list("id", flat=True))

    def retitle(data):
        question(data, "q4")["title"] = "Max pooling, revised"

    summary = load_question_bank(write_bank(tmp_path, retitle))
    assert not summary.created
    assert set(Part.objects.values_list("id", flat=True)) == first_ids
    assert Question.objects.get(key="q4").title == "Max pooling, revised"
    assert Quiz.objects.count() == 1


def test_a_line_deleted_from_the_file_is_cleared_on_reload(db, tmp_path):
    load_question_bank()

    def forget_the_mistakes(data):
        part = next(p for p in question(data, "q2")["parts"] if p["key"] == "b")
        del part["mistakes"], part["relative_tolerance"]

    load_question_bank(write_bank(tmp_path, forget_the_mistakes))
    q2b = Part.objects.get(question__key="q2", key="b")
    assert (q2b.mistakes, q2b.relative_tolerance, q2b.unit) == ([], 0, "MB")
    assert q2b.spec().mistakes == ()


def test_reloading_keeps_a_teachers_quiz_settings(quiz):
    quiz.attempts_allowed = 1
    quiz.save()
    load_question_bank()
    quiz.refresh_from_db()
    assert quiz.attempts_allowed == 1


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda d: question(d, "q2")["parts"][1].update(relative_tolerance=-1), "question q2 part b"),
        (lambda d: question(d, "q2")["parts"][0].update(output="no_such_output"), "no_such_output"),
        (lambda d: question(d, "q3").update(calculator="abacus"), "question q3: unknown calculator"),
        (lambda d: question(d, "q7")["parts"][2].update(correct="sideways"), "question q7 part c"),
        (lambda d: question(d, "q4").pop("title"), "question q4: 'title' is missing"),
        (lambda d: question(d, "q3").update(given=["nothing"]), "given: 'nothing'"),
        (lambda d: d["questions"].append(dict(question(d, "q9"))), "question q9: the key is used twice"),
    ],
    ids=["tolerance", "output", "calculator", "choice", "title", "given", "duplicate"],
)
def test_a_broken_file_is_refused_naming_the_question_and_field(db, tmp_path, mutate, message):
    path = write_bank(tmp_path, mutate)
    with pytest.raises(BankError, match=message):
        load_question_bank(path)
    assert not Quiz.objects.exists()


def test_a_file_that_is_not_yaml_is_refused(db, tmp_path):
    path = tmp_path / "bank.yaml"
    path.write_text("quiz: [unclosed")
    with pytest.raises(BankError, match="not valid YAML"):
        load_question_bank(path)


def test_command_prints_a_summary_and_refuses_a_broken_file(db, tmp_path, capsys):
    call_command("load_question_bank")
    assert "created quiz cnn-fundamentals: 10 questions, 21 parts" in capsys.readouterr().out
    with pytest.raises(CommandError, match="cannot read"):
        call_command("load_question_bank", str(tmp_path / "missing.yaml"))
