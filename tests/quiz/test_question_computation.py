"""One way to compute a question's numbers: a calculator or formulas, through `Question.computation`
and `Question.draw_variant`, used alike by attempts, grading, the pages and the preview."""

import pytest

import grader
from quiz import preview, services, sheets
from quiz.models import Part, Question, Quiz

FORMULAS = [
    ["out_h", "conv_output_size(h, k, stride, p)"],
    ["no_padding", "conv_output_size(h, k, stride)"],
    ["doubled", "out_h * 2"],
]


@pytest.fixture
def formula_question(db):
    quiz = Quiz.objects.create(key="formulas", title="Formulas", randomize_numbers=True)
    question = Question.objects.create(
        quiz=quiz,
        key="f1",
        order=1,
        title="Output height",
        prompt="An image {h} pixels high, a {k}×{k} kernel, stride {stride}, padding {p}: {out_h} rows.",
        params={"h": 32, "k": 3, "stride": 2, "p": 1},
        ranges={"h": [8, 64], "k": {"choices": [3, 5]}},
        formulas=FORMULAS,
        constraints=["out_h >= 2"],
    )
    Part.objects.create(
        question=question,
        key="a",
        order=1,
        prompt="How many rows come out?",
        kind="integer",
        output="out_h",
        mistakes=[{"key": "no_padding", "output": "no_padding", "credit": 0, "feedback": "Count the padding."}],
    )
    return question


def test_formulas_compute_the_outputs_in_order(formula_question):
    computation = formula_question.computation({"h": 32, "k": 3, "stride": 2, "p": 1})
    assert list(computation.outputs) == ["out_h", "no_padding", "doubled"]
    assert computation.outputs == {"out_h": 16, "no_padding": 15, "doubled": 32}
    assert computation.working["out_h"][-1] == "= 16"


def test_a_calculator_question_computes_as_its_calculator(quiz):
    question = quiz.questions.get(key="q2")
    assert question.computation(question.params).outputs == grader.compute("conv_stack", question.params).outputs


def test_a_question_nothing_computes_has_no_computation(quiz):
    question = quiz.questions.get(key="q1")
    assert not question.is_computed
    assert question.computation(question.params) is None
    assert question.draw_variant(7) == question.params


def test_formulas_refuse_numbers_they_cannot_use(formula_question):
    with pytest.raises(ValueError, match="out_h"):
        formula_question.computation({"h": 32, "k": 3, "stride": 0, "p": 1})


def test_a_variant_is_drawn_from_the_ranges_and_the_same_for_the_same_seed(formula_question):
    variants = [formula_question.draw_variant(seed) for seed in range(30)]
    assert variants[3] == Question.objects.get(pk=formula_question.pk).draw_variant(3)
    assert all(8 <= params["h"] <= 64 and params["k"] in (3, 5) for params in variants)
    assert len({params["h"] for params in variants}) > 5
    for params in variants:
        outputs = formula_question.computation(params).outputs
        assert outputs["out_h"] >= 2, "the constraint holds"
        assert outputs["no_padding"] != outputs["out_h"], "the mistake can be told apart"


def test_without_a_seed_the_question_keeps_its_own_numbers(formula_question):
    assert formula_question.draw_variant(None) == formula_question.params


def test_an_attempt_draws_grades_and_shows_a_formula_question(formula_question, alice):
    attempt = services.start_attempt(student=alice, quiz=formula_question.quiz)
    params = attempt.params["f1"]
    assert params == formula_question.draw_variant(attempt.seed)
    outputs = formula_question.computation(params).outputs
    sheet = sheets.attempt_sheet(attempt, solutions=True)
    assert sheet.questions[0].prompt.endswith(f"{outputs['out_h']} rows.")
    services.save_response(attempt=attempt, part_key="f1a", text=str(outputs["no_padding"]), sequence=1)
    attempt = services.submit_attempt(attempt=attempt)
    response = attempt.responses.get()
    assert (response.score, response.mistake) == (0, "no_padding")
    solution = sheets.attempt_sheet(attempt, solutions=True).questions[0].parts[0].solution
    assert solution[0] == "out_h = conv_output_size(h, k, stride, p)"
    assert solution[-1] == f"= {outputs['out_h']}"


def test_the_preview_computes_a_formula_question(formula_question):
    variant = preview.make_variant(formula_question, seed=5)
    assert variant.params == formula_question.draw_variant(5)
    described = preview.describe(variant)
    assert described["parts"]["a"]["answer"] == formula_question.computation(variant.params).outputs["out_h"]
    assert described["parts"]["a"]["solution"]
