"""The question-bank loader: the shipped file, reloading as an import that keeps edits, and broken files."""

import io
from pathlib import Path

import pytest
import yaml
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from quiz.bank import DEFAULT_BANK, BankError, load_question_bank
from quiz.models import BankChange, Part, Question, Quiz
from quiz.regrade import regrade_quiz


def write_bank(tmp_path: Path, mutate) -> Path:
    data = yaml.safe_load(DEFAULT_BANK.read_text())
    mutate(data)
    path = tmp_path / "bank.yaml"
    path.write_text(yaml.safe_dump(data))
    return path


def question(data: dict, key: str) -> dict:
    return next(q for q in data["questions"] if q["key"] == key)


def test_shipped_bank_holds_ten_questions_with_every_part(empty_bank):
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
    assert (quiz.time_limit_minutes, quiz.attempts_allowed) == (60, 3)
    assert (quiz.randomize_numbers, quiz.first_attempt_seed_numbers) == (True, True)
    assert (quiz.shuffle_questions, quiz.shuffle_choices, quiz.access_code, quiz.allowed_networks) == (
        False, False, "", []
    )  # fmt: skip
    assert quiz.closes_at is None
    assert quiz.reveals("show_score") and quiz.reveals("show_feedback")
    # Correct answers and worked solutions wait for the student's last attempt.
    assert not quiz.reveals("show_answers") and not quiz.reveals("show_solutions")
    assert quiz.reveals("show_answers", attempts_used_up=True) and quiz.reveals("show_solutions", attempts_used_up=True)


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
        (
            lambda d: question(d, "q1")["parts"][0].update(hints=["Think of the weights."]),
            "question q1 part a: hints: text parts are never checked before submitting, so no student would see",
        ),
    ],
    ids=["tolerance", "output", "calculator", "choice", "title", "given", "duplicate", "hints"],
)
def test_a_broken_file_is_refused_naming_the_question_and_field(empty_bank, tmp_path, mutate, message):
    path = write_bank(tmp_path, mutate)
    with pytest.raises(BankError, match=message):
        load_question_bank(path)
    assert not Quiz.objects.exists()


def test_a_file_that_is_not_yaml_is_refused(db, tmp_path):
    path = tmp_path / "bank.yaml"
    path.write_text("quiz: [unclosed")
    with pytest.raises(BankError, match="not valid YAML"):
        load_question_bank(path)


def test_command_prints_a_summary_and_refuses_a_broken_file(empty_bank, tmp_path, capsys):
    call_command("load_question_bank")
    assert "created quiz cnn-fundamentals: 10 questions, 21 parts" in capsys.readouterr().out
    with pytest.raises(CommandError, match="cannot read"):
        call_command("load_question_bank", str(tmp_path / "missing.yaml"))


# --- Reloading after edits: the database is the source of truth -----------------------------------------


def load(*options: str) -> tuple[str, str]:
    """`python manage.py load_question_bank …`; returns what it printed (standard output, standard error).
    It returns at all only with exit status 0: a failure raises CommandError."""
    out, err = io.StringIO(), io.StringIO()
    call_command("load_question_bank", *options, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def q8() -> Question:
    return Question.objects.get(key="q8")


def q2b() -> Part:
    return Part.objects.get(question__key="q2", key="b")


@pytest.fixture
def admin_edits(quiz):
    """What an admin changed in /admin/: q8's units 200 → 256, q2b's relative tolerance 0.02 → 0.05."""
    question = q8()
    question.params = {**question.params, "units": 256}
    question.save()
    part = q2b()
    part.relative_tolerance = 0.05
    part.save()


@pytest.fixture
def graded_with_the_edits(admin_edits, alice, submitted_attempt):
    """The next attempt uses the edits: 256 units for 8b, and 13.0 MB (3 % off) within 2b's new tolerance."""
    attempt = submitted_attempt(alice, {"q8b": "256", "q2b": "13.0 MB"})
    answered = attempt.responses.filter(part__key="b", part__question__key__in=["q2", "q8"])
    assert list(answered.values_list("status", flat=True)) == ["correct", "correct"]
    return attempt


def test_reloading_an_unchanged_bank_reads_three_tables_and_writes_nothing(quiz, django_assert_num_queries):
    # The savepoint, the quiz (locked), its questions, their parts, the release; no write, no history row.
    with django_assert_num_queries(5):
        report = load_question_bank()
    assert report.changes == [] and str(report).endswith("nothing changed")


def test_reloading_keeps_an_admins_edits_and_prints_how_they_differ(graded_with_the_edits):
    out, err = load()
    assert q8().params["units"] == 256
    assert q2b().relative_tolerance == pytest.approx(0.05)
    assert "kept question q8 (edited since the last load; --replace takes the file's):" in err
    assert "params.units: database 256, file 200" in err
    assert "kept part q2b" in err and "relative_tolerance: database 0.05, file 0.02" in err
    assert "loaded quiz cnn-fundamentals: 10 questions, 21 parts; 2 kept as edited" in out
    # Loading again (the next `make run`) still keeps them, and still says so.
    assert "params.units: database 256, file 200" in load()[1]
    assert q8().params["units"] == 256


def test_after_reloading_the_regrade_preview_takes_nothing_off(graded_with_the_edits, quiz, teacher_client):
    load()
    assert regrade_quiz(quiz=quiz, dry_run=True).changes == []
    page = teacher_client.get(reverse("teacher:regrade", args=[quiz.pk]))
    assert page.context["report"].parts_changed == 0


def test_a_dry_run_shows_what_replace_would_change_and_saves_nothing(admin_edits):
    changes_before = BankChange.objects.count()
    out, err = load("--replace", "--dry-run")
    assert "replaced question q8 (edited since the last load):\n  params.units: 256 → 200" in out
    assert "replaced part q2b (edited since the last load):\n  relative_tolerance: 0.05 → 0.02" in out
    assert out.strip().endswith("nothing saved")
    assert err == ""
    assert q8().params["units"] == 256 and q2b().relative_tolerance == pytest.approx(0.05)
    assert BankChange.objects.count() == changes_before


def test_a_dry_run_without_replace_shows_the_edits_it_would_keep(admin_edits):
    out, err = load("--dry-run")
    assert "params.units: database 256, file 200" in err
    assert "dry run: loaded quiz cnn-fundamentals" in out


def test_replace_takes_the_files_values_and_records_them(graded_with_the_edits, quiz):
    out, _ = load("--replace")
    assert q8().params["units"] == 200 and q2b().relative_tolerance == pytest.approx(0.02)
    assert "2 edits replaced by the file" in out
    change = BankChange.objects.get(question_key="q8", action=BankChange.Action.REPLACED)
    assert (change.detail, change.source) == ("params.units: 256 → 200", "cnn-fundamentals.yaml")
    # The file's tolerance takes 2b's point off the attempt graded with the edit, as a teacher then sees.
    (regraded,) = regrade_quiz(quiz=quiz, dry_run=True).changes
    assert [part.label for part in regraded.parts] == ["Question 2b"]
    # The next load finds nothing edited and says nothing.
    out, err = load()
    assert err == "" and out.strip().endswith("nothing changed")


def test_an_unedited_field_takes_the_files_change_beside_a_kept_edit(admin_edits, tmp_path):
    def reword(data):
        part = next(p for p in question(data, "q2")["parts"] if p["key"] == "b")
        part["prompt"] = "How much memory does one prediction need?"

    out, err = load(str(write_bank(tmp_path, reword)))
    assert q2b().prompt == "How much memory does one prediction need?"
    assert q2b().relative_tolerance == pytest.approx(0.05)
    assert "updated part q2b:\n  prompt: " in out
    assert "relative_tolerance: database 0.05, file 0.02" in err
    assert BankChange.objects.filter(part_key="b", action=BankChange.Action.UPDATED).exists()


def test_the_admins_line_ends_and_trimmed_text_are_not_edits(quiz):
    question = q8()
    question.prompt = question.prompt.replace(" ", " ", 1) + "\r\n"
    question.title = f"  {question.title}"
    question.save()
    part = q2b()
    part.points = "1.00"
    part.save()
    out, err = load()
    assert err == ""
    assert out.strip().endswith("nothing changed")


def test_a_file_change_that_does_not_fit_a_kept_edit_leaves_the_question_whole(quiz, tmp_path):
    part = q2b()
    part.unit = "GB"
    part.save()

    def make_it_an_integer(data):
        part = next(p for p in question(data, "q2")["parts"] if p["key"] == "b")
        part.update(kind="integer", prompt="How many bytes?")
        del part["unit"], part["relative_tolerance"]

    out, err = load(str(write_bank(tmp_path, make_it_an_integer)))
    part.refresh_from_db()
    assert (part.kind, part.unit, part.relative_tolerance) == ("quantity", "GB", pytest.approx(0.02))
    assert "unit: only quantity and count parts take a unit" in err
    assert "kind: database \"quantity\", file \"integer\"" in err
    assert "updated part q2b" not in out
    assert part.spec().unit == "GB"


def test_what_is_missing_is_created_and_recorded(quiz, tmp_path):
    def add_a_part(data):
        choices = [{"key": "max", "label": "Max pooling"}, {"key": "average", "label": "Average pooling"}]
        new_part = {"key": "b", "prompt": "Which pooling was it?", "kind": "choice", "choices": choices}
        question(data, "q4")["parts"].append({**new_part, "correct": "max"})

    out, _ = load(str(write_bank(tmp_path, add_a_part)))
    assert "created part q4b" in out
    assert Part.objects.get(question__key="q4", key="b").prompt == "Which pooling was it?"
    assert BankChange.objects.filter(question_key="q4", part_key="b", action=BankChange.Action.CREATED).exists()


def remove_q10_and_q7d(data):
    data["questions"] = [q for q in data["questions"] if q["key"] != "q10"]
    question(data, "q7")["parts"] = [p for p in question(data, "q7")["parts"] if p["key"] != "d"]


def test_questions_and_parts_removed_from_the_file_stay_until_replace_deletes_them(quiz, tmp_path):
    path = str(write_bank(tmp_path, remove_q10_and_q7d))
    out, err = load(path)
    assert "left question q10 (not in the file; --replace deletes it)" in err
    assert "left part q7d" in err
    assert Question.objects.filter(key="q10").exists() and Part.objects.filter(question__key="q7", key="d").exists()
    out, err = load(path, "--replace")
    assert "deleted question q10 (not in the file)" in out and "deleted part q7d" in out
    assert not Question.objects.filter(key="q10").exists()
    assert not Part.objects.filter(question__key="q7", key="d").exists()
    assert BankChange.objects.filter(question_key="q10", action=BankChange.Action.DELETED).exists()


def test_replace_never_deletes_what_students_answered(quiz, tmp_path, alice, submitted_attempt):
    submitted_attempt(alice, {"q10b": "Semantic segmentation labels pixels.", "q7d": "larger"})
    out, err = load(str(write_bank(tmp_path, remove_q10_and_q7d)), "--replace")
    assert "left question q10 (not in the file; attempts hold responses to it, so it stays" in err
    assert "left part q7d" in err
    assert Question.objects.filter(key="q10").exists() and Part.objects.filter(question__key="q7", key="d").exists()


def test_a_database_loaded_before_loads_were_recorded_keeps_what_differs(quiz):
    for model in (Quiz, Question, Part):
        model.objects.update(bank_hashes={})
    question = q8()
    question.params = {**question.params, "units": 256}
    question.save()
    out, err = load()
    assert "kept question q8 (differs from the file, and no load recorded it; --replace takes the file's)" in err
    assert q8().params["units"] == 256
    # What matched the file is now recorded, so the next change to the file applies to it.
    recorded = {"order", "prompt", "points", *Part.SPEC_FIELDS, "correct_choice", *Part.PRACTICE_FIELDS}
    assert set(q2b().bank_hashes) == recorded
    assert "params" not in q8().bank_hashes


def test_quiz_settings_edited_by_a_teacher_are_kept_and_reported(quiz, tmp_path):
    quiz.attempts_allowed = 1
    quiz.save()

    def retitle(data):
        data["quiz"]["title"] = "CNN fundamentals, revised"

    out, err = load(str(write_bank(tmp_path, retitle)))
    quiz.refresh_from_db()
    assert (quiz.title, quiz.attempts_allowed) == ("CNN fundamentals, revised", 1)
    assert "kept quiz cnn-fundamentals" in err and "attempts_allowed: database 1, file 3" in err
    assert 'updated quiz cnn-fundamentals:\n  title: "CNN fundamentals" → "CNN fundamentals, revised"' in out


def test_a_quiz_setting_the_file_cannot_hold_is_refused_naming_it(empty_bank, tmp_path):
    path = write_bank(tmp_path, lambda data: data["quiz"].update(show_answers="sometimes"))
    with pytest.raises(BankError, match="quiz: show_answers: Value 'sometimes' is not a valid choice"):
        load_question_bank(path)
    assert not Quiz.objects.exists()


@pytest.mark.parametrize(
    ("networks", "message"),
    [
        ("192.0.2.0/24", "allowed_networks: Write a list of address ranges"),
        (["192.0.2.0/24", "the lab"], "allowed_networks: 'the lab' is not an address range"),
        (["300.1.2.3/8"], "allowed_networks: '300.1.2.3/8' is not an address range"),
    ],
)
def test_allowed_networks_the_file_cannot_hold_are_refused_naming_them(empty_bank, tmp_path, networks, message):
    path = write_bank(tmp_path, lambda data: data["quiz"].update(allowed_networks=networks))
    with pytest.raises(BankError, match=f"quiz: {message}"):
        load_question_bank(path)
    assert not Quiz.objects.exists()


def test_exam_settings_load_from_the_bank_file(empty_bank, tmp_path):
    exam = {
        "shuffle_questions": True, "shuffle_choices": True, "access_code": "owl-42",
        "allowed_networks": ["192.0.2.0/24", "2001:db8::1"], "show_answers": "after_last_attempt",
        "questions_per_page": 3, "sequential": True,
    }  # fmt: skip
    quiz = load_question_bank(write_bank(tmp_path, lambda data: data["quiz"].update(exam))).quiz
    quiz.refresh_from_db()
    assert {name: getattr(quiz, name) for name in exam} == exam


def test_sequential_navigation_without_pages_is_refused_in_a_bank_file(empty_bank, tmp_path):
    path = write_bank(tmp_path, lambda data: data["quiz"].update(sequential=True))
    with pytest.raises(BankError, match="quiz: sequential: .*set questions_per_page too"):
        load_question_bank(path)
    assert not Quiz.objects.exists()


def test_sequential_navigation_in_a_bank_file_may_rely_on_pages_an_admin_edit_keeps(quiz, tmp_path):
    quiz.questions_per_page = 3
    quiz.save()
    load_question_bank(write_bank(tmp_path, lambda data: data["quiz"].update(sequential=True)), replace=True)
    quiz.refresh_from_db()
    assert (quiz.sequential, quiz.questions_per_page) == (True, 3)
    quiz.questions_per_page = 0
    quiz.save()
    with pytest.raises(BankError, match=r"kept from an edit: 0\)"):
        load_question_bank(write_bank(tmp_path, lambda data: data["quiz"].update(sequential=True)), replace=True)


def test_suggested_scores_are_hidden_from_students_unless_the_bank_file_shows_them(db, tmp_path):
    assert load_question_bank().quiz.show_suggested_scores is False
    Quiz.objects.all().delete()
    path = write_bank(tmp_path, lambda data: data["quiz"].update(show_suggested_scores=True))
    load_question_bank(path)
    assert Quiz.objects.get().show_suggested_scores is True
