"""Formula questions in a bank file: loaded, checked on 100 variants before anything is written, reloaded
as an import that keeps edits, and taken by a student from the start page to the worked solution."""

import html as html_module
import io
import re
from pathlib import Path

import pytest
import yaml
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

import grader
from quiz.bank import BankError, load_question_bank
from quiz.models import Attempt, BankChange, Part, Question, Quiz
from tests.conftest import FORMULA_BANK


def bank_data() -> dict:
    return yaml.safe_load(FORMULA_BANK.read_text())


def write(tmp_path: Path, data: dict) -> Path:
    path = tmp_path / "formulas.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))
    return path


def question(data: dict, key: str) -> dict:
    return next(item for item in data["questions"] if item["key"] == key)


def test_formulas_are_stored_in_their_order_with_the_constraints(formula_quiz):
    h1 = formula_quiz.questions.get(key="h1")
    assert h1.calculator == ""
    assert [name for name, _ in h1.formulas] == ["out_h", "out_w", "out_hw", "undilated", "params", "params_no_bias"]
    assert h1.formulas[2] == ["out_hw", "[out_h, out_w]"]
    assert h1.constraints == ["out_h >= 1", "out_w >= 1"]
    assert h1.computation(h1.params).outputs["out_hw"] == [15, 23]
    assert Part.objects.get(question=h1, key="a").mistakes[0]["output"] == "undilated"


def test_a_question_gives_a_calculator_or_formulas_not_both(db, tmp_path):
    data = bank_data()
    question(data, "h1")["calculator"] = "conv_stack"
    with pytest.raises(BankError, match="^question h1: give either a calculator or formulas, not both$"):
        load_question_bank(write(tmp_path, data))


def test_constraints_without_formulas_are_refused(db, tmp_path):
    data = bank_data()
    del question(data, "h2")["formulas"]
    question(data, "h2")["constraints"] = ["size >= 1"]
    with pytest.raises(BankError, match="^question h2: constraints need formulas$"):
        load_question_bank(write(tmp_path, data))


def test_a_part_naming_an_output_no_formula_computes_is_refused(db, tmp_path):
    data = bank_data()
    question(data, "h1")["parts"][1]["output"] = "parameters"
    with pytest.raises(BankError, match=r"question h1, part b: no formula computes 'parameters' \(outputs: out_h, "):
        load_question_bank(write(tmp_path, data))


def test_a_formula_failing_on_a_variant_refuses_the_file_naming_the_output_and_the_numbers(db, tmp_path):
    data = bank_data()
    question(data, "h1")["formulas"]["ratio"] = "c_out // (h - 20)"  # h is drawn from 8 to 64
    with pytest.raises(BankError) as refusal:
        load_question_bank(write(tmp_path, data))
    assert re.fullmatch(
        r"question h1, output ratio: division by zero in 16 // 0 \(with h=20, c_out=16\)", str(refusal.value)
    )


def test_a_constraint_that_never_holds_is_named(db, tmp_path):
    data = bank_data()
    question(data, "h1")["constraints"].append("h > 100")
    with pytest.raises(BankError, match=r"^question h1, constraint `h > 100`: is False for the question's own numbers"):
        load_question_bank(write(tmp_path, data))


def test_a_mistake_never_told_apart_is_refused(db, tmp_path):
    data = bank_data()
    question(data, "h1")["formulas"]["copy"] = "params"
    question(data, "h1")["parts"][1]["mistakes"].append(
        {"key": "copy", "output": "copy", "credit": 0, "feedback": "Copied."}
    )
    with pytest.raises(BankError, match="question h1, part b, mistake copy: gives the correct answer in every variant"):
        load_question_bank(write(tmp_path, data))


def test_a_refused_question_leaves_the_loaded_quiz_as_it_was(formula_quiz, tmp_path):
    data = bank_data()
    question(data, "h1")["title"] = "Changed"
    question(data, "h2")["formulas"]["max"] = "max_pool2d(image, size + 5)"  # the window no longer fits
    with pytest.raises(CommandError, match="question h2, output max: "):
        call_command("load_question_bank", str(write(tmp_path, data)), stdout=io.StringIO())
    assert Question.objects.get(key="h1").title == "One dilated convolution"
    assert not BankChange.objects.exclude(action=BankChange.Action.CREATED).exists()


def test_a_bad_file_among_several_stops_the_load_before_any_is_written(empty_bank, tmp_path):
    data = bank_data()
    question(data, "h2")["formulas"]["max"] = "max_pool2d(image, size + 5)"
    with pytest.raises(CommandError, match=r"formulas\.yaml: question h2, output max: "):
        call_command("load_question_bank", str(FORMULA_BANK), str(write(tmp_path, data)))
    assert not Quiz.objects.exists()


def test_a_load_failing_while_writing_writes_nothing(empty_bank, monkeypatch):
    real_save = Part.save

    def fail_on_the_last_part(part, *args, **kwargs):
        if part.question.key == "h2":
            raise RuntimeError("disk full")
        real_save(part, *args, **kwargs)

    monkeypatch.setattr(Part, "save", fail_on_the_last_part)
    with pytest.raises(RuntimeError):
        load_question_bank(FORMULA_BANK)
    assert not Quiz.objects.exists() and not Question.objects.exists() and not BankChange.objects.exists()


def test_reloading_an_unchanged_formula_bank_changes_nothing(formula_quiz):
    assert str(load_question_bank(FORMULA_BANK)).endswith("nothing changed")


def test_a_changed_formula_in_the_file_updates_a_question_nobody_edited(formula_quiz, tmp_path):
    data = bank_data()
    question(data, "h1")["formulas"]["params_no_bias"] = "conv2d_params(c_in, c_out, k, bias=False)"
    question(data, "h1")["constraints"].append("out_w >= 2")
    report = load_question_bank(write(tmp_path, data))
    assert "1 updated" in str(report)
    h1 = Question.objects.get(key="h1")
    assert h1.formulas[-1] == ["params_no_bias", "conv2d_params(c_in, c_out, k, bias=False)"]
    assert h1.constraints[-1] == "out_w >= 2"
    detail = BankChange.objects.get(question_key="h1", action=BankChange.Action.UPDATED).detail
    assert (
        'formulas.params_no_bias: "conv2d_params(c_in, c_out, k, False)" → "conv2d_params(c_in, c_out, k, bias=False)"'
        in detail
    )
    assert 'constraints: ["out_h >= 1", "out_w >= 1"] → ["out_h >= 1", "out_w >= 1", "out_w >= 2"]' in detail


def test_formulas_edited_in_the_admin_are_kept_and_reported_until_replace(formula_quiz, tmp_path):
    h1 = Question.objects.get(key="h1")
    h1.formulas = [*h1.formulas[:-1], ["params_no_bias", "k * k * c_in * c_out"]]
    h1.save()
    data = bank_data()
    question(data, "h1")["formulas"]["params"] = "conv2d_params(c_in, c_out, k, True)"
    dry = load_question_bank(write(tmp_path, data), dry_run=True)
    assert any(change.outcome == "kept" and "formulas" in change.detail for change in dry.changes)
    assert Question.objects.get(key="h1").formulas == h1.formulas
    load_question_bank(write(tmp_path, data))
    assert Question.objects.get(key="h1").formulas[-1] == ["params_no_bias", "k * k * c_in * c_out"]
    load_question_bank(write(tmp_path, data), replace=True)
    h1.refresh_from_db()
    assert dict(h1.formulas) == question(data, "h1")["formulas"]


# --- A student takes a formula question --------------------------------------------------------------------


def test_a_student_takes_a_formula_question_from_start_to_worked_solution(alice_client, alice, formula_quiz):
    response = alice_client.post(reverse("student:quiz_start", args=[formula_quiz.key]))
    attempt = Attempt.objects.get(student=alice)
    assert response.url == reverse("student:attempt", args=[attempt.pk])
    params = attempt.params["h1"]
    h1 = Question.objects.get(key="h1")
    outputs = h1.computation(params).outputs
    assert params == h1.draw_variant(attempt.seed)

    page = html_module.unescape(alice_client.get(response.url).content.decode())
    assert f"A layer takes {params['c_in']} channels of {params['h']}×{params['w']} pixels" in page
    assert f"How many parameters does the layer have ({outputs['out_h']} rows come out)?" in page

    save_url = reverse("student:attempt_save", args=[attempt.pk])
    out_h, out_w = outputs["out_hw"]
    for part, text in [("h1a", f"{out_h} x {out_w}"), ("h1b", str(outputs["params_no_bias"]))]:
        assert alice_client.post(save_url, {"part": part, "text": text, "sequence": 1}).json()["ok"]
    alice_client.post(reverse("student:attempt_submit", args=[attempt.pk]))

    attempt.refresh_from_db()
    scores = {
        r.part.key: (r.score, r.mistake) for r in attempt.responses.select_related("part") if r.part.question == h1
    }
    assert scores == {"a": (1.0, ""), "b": (0.0, "no_bias")}
    page = alice_client.get(reverse("student:attempt_result", args=[attempt.pk]))
    result = html_module.unescape(page.content.decode())
    assert "Each filter also has a bias." in result
    assert "params = conv2d_params(c_in, c_out, k)" in result
    assert f"= conv2d_params({params['c_in']}, 16, {params['k']})" in result
    assert f"= {outputs['params']}" in result


def test_the_grader_and_the_page_agree_on_every_drawn_variant(formula_quiz):
    h2 = Question.objects.get(key="h2")
    for seed in range(20):
        params = h2.draw_variant(seed)
        outputs = h2.computation(params).outputs
        spec = h2.parts.get().spec()
        assert grader.grade_part(spec, h2.computation(params), str(outputs["max"])).score == 1
        assert outputs["min"] != outputs["max"]
