"""The second shipped quiz, CNN shapes and costs (quiz/data/cnn-shapes-and-costs.yaml): formulas only, a
variant per attempt, every expected value checked against PyTorch on many variants and by hand on one."""

import io
import math
from pathlib import Path

import pytest
import yaml
from django.core.management import call_command

import grader
from quiz import preview
from quiz.bank import COSTS_BANK, DEFAULT_BANK, load_question_bank
from quiz.models import Question

SEEDS = range(40)
HAND_CHECKED = {
    # The question's own numbers, worked out by hand (the comments show the working).
    ("s1", "out_hw"): [31, 23],  # span 2·(3 − 1) + 1 = 5: floor((64 + 2 − 5) / 2) + 1, floor((48 + 2 − 5) / 2) + 1
    ("s1", "no_dilation"): [32, 24],
    ("s1", "no_padding"): [30, 22],
    ("s1", "no_stride"): [62, 46],
    ("s2", "separable"): 2432,  # 3·3·32 + 32 = 320, then 32·64 + 64 = 2112
    ("s2", "standard"): 18496,  # 3·3·32·64 + 64
    ("s2", "no_biases"): 2336,
    ("s3", "grouped"): 18560,  # 3·3·(64 / 4)·128 + 128
    ("s3", "ungrouped"): 73856,
    ("s3", "divided_twice"): 4736,  # 3·3·16·32 + 128
    ("s4", "rf3"): 15,  # 3 + (3 − 1)·2 + (3 − 1)·2·2
    ("s4", "no_strides"): 7,
    ("s5", "macs"): 4718592,  # 32·32 outputs · 32 filters · 3·3·16
    ("s5", "flops"): 9437184,
    ("s5", "no_c_in"): 294912,
    ("s6", "output"): [[0, 2, 3], [6, 0, 2], [6, 2, 0]],
    ("s6", "flipped"): [[4, 0, 7], [2, 4, 2], [-2, 2, 4]],  # the kernel turned: [[-1, 2], [0, 1]]
    ("s7", "max"): [[5, 6], [2, 7]],
    ("s7", "average"): [[2.75, 1.5], [0.0, 2.75]],
    ("s7", "min"): [[-1, -2], [-3, 1]],
    ("s8", "activations"): 29360128,  # 32 images · (64·64·32 + 32·32·32 + 32·32·64) values · 4 bytes
    ("s8", "one_image"): 917504,
}


@pytest.fixture
def costs_quiz(db):
    return load_question_bank(COSTS_BANK).quiz


def variants(quiz, key: str):
    """The question's own numbers, then the numbers of 40 attempts, each with its outputs."""
    question = Question.objects.prefetch_related("parts").get(quiz=quiz, key=key)
    for params in [question.params, *(question.draw_variant(seed) for seed in SEEDS)]:
        yield params, question.computation(params).outputs


def test_the_quiz_is_written_with_formulas_only_and_randomized(costs_quiz):
    assert costs_quiz.key == "cnn-costs" and costs_quiz.randomize_numbers
    questions = list(costs_quiz.questions.prefetch_related("parts"))
    assert [question.key for question in questions] == [f"s{n}" for n in range(1, 9)]
    for question in questions:
        assert question.formulas and not question.calculator and question.ranges, question.key
        for part in question.parts.all():
            assert part.mistakes, f"{question.key}{part.key} models no mistake"
            assert all(0 <= mistake["credit"] < 1 and mistake["feedback"] for mistake in part.mistakes)


def test_the_hand_checked_variant(costs_quiz):
    for (key, output), expected in HAND_CHECKED.items():
        question = costs_quiz.questions.get(key=key)
        assert question.computation(question.params).outputs[output] == expected, (key, output)


def test_an_attempts_numbers_are_drawn_as_from_the_bank_file_itself(costs_quiz):
    # The ranges are drawn from in their written order: the same seed gives the same numbers on every database.
    written = next(data for data in yaml.safe_load(COSTS_BANK.read_text())["questions"] if data["key"] == "s1")
    question = Question.objects.prefetch_related("parts").get(quiz=costs_quiz, key="s1")
    parts = [part.spec() for part in question.parts.all()]
    for seed in SEEDS:
        expected = grader.draw_formula_params(grader.FormulaQuestion.from_dict(written), seed, parts)
        assert list(question.draw_variant(seed).items()) == list(expected.items()), seed


def test_every_part_has_a_worked_solution_from_its_formulas(costs_quiz):
    for question in costs_quiz.questions.prefetch_related("parts"):
        described = preview.describe(preview.make_variant(question, seed=3))
        for part in question.parts.all():
            solution = described["parts"][part.key]["solution"]
            assert any(line.startswith(f"{part.output} = ") for line in solution), (question.key, part.key, solution)


# --- Against PyTorch ------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def torch():
    return pytest.importorskip("torch", reason="PyTorch checks the expected values independently; not installed")


def test_output_shapes_match_pytorch(costs_quiz, torch):
    for params, outputs in variants(costs_quiz, "s1"):
        layer = torch.nn.Conv2d(1, 1, params["k"], params["stride"], params["p"], params["dilation"])
        shape = layer(torch.zeros(1, 1, params["h"], params["w"])).shape
        assert outputs["out_hw"] == list(shape[2:]), params
        assert outputs["no_dilation"] != outputs["out_hw"] or params["dilation"] == 1


def test_depthwise_separable_parameters_match_pytorch(costs_quiz, torch):
    for params, outputs in variants(costs_quiz, "s2"):
        c_in, c_out, k = params["c_in"], params["c_out"], params["k"]
        depthwise = torch.nn.Conv2d(c_in, c_in, k, groups=c_in)
        pointwise = torch.nn.Conv2d(c_in, c_out, 1)
        separable = sum(p.numel() for layer in (depthwise, pointwise) for p in layer.parameters())
        standard = sum(p.numel() for p in torch.nn.Conv2d(c_in, c_out, k).parameters())
        assert outputs["separable"] == separable, params
        assert outputs["standard"] == standard, params
        assert math.isclose(outputs["saving"], standard / separable)


def test_grouped_parameters_match_pytorch(costs_quiz, torch):
    for params, outputs in variants(costs_quiz, "s3"):
        layer = torch.nn.Conv2d(params["c_in"], params["c_out"], params["k"], groups=params["groups"])
        assert outputs["grouped"] == sum(p.numel() for p in layer.parameters()), params


def test_the_receptive_field_matches_pytorchs_gradients(costs_quiz, torch):
    for params, outputs in variants(costs_quiz, "s4"):
        layers = [
            torch.nn.Conv1d(1, 1, params["k1"], params["s1"], bias=False),
            torch.nn.Conv1d(1, 1, params["k2"], params["s2"], bias=False),
            torch.nn.Conv1d(1, 1, params["k3"], 1, bias=False),
        ]
        for layer in layers:
            torch.nn.init.constant_(layer.weight, 1.0)
        signal = torch.zeros(1, 1, 200, requires_grad=True)
        out = signal
        for layer in layers:
            out = layer(out)
        out[0, 0, out.shape[-1] // 2].backward()
        assert outputs["rf3"] == int((signal.grad != 0).sum()), params


def test_multiply_accumulates_match_pytorchs_output_size(costs_quiz, torch):
    for params, outputs in variants(costs_quiz, "s5"):
        layer = torch.nn.Conv2d(params["c_in"], params["c_out"], params["k"], params["stride"], params["p"])
        out = layer(torch.zeros(1, params["c_in"], params["h"], params["w"]))
        assert outputs["macs"] == out.numel() * params["c_in"] * params["k"] ** 2, params


def test_the_convolution_by_hand_matches_pytorch(costs_quiz, torch):
    for params, outputs in variants(costs_quiz, "s6"):
        image = torch.tensor(params["image"], dtype=torch.float64)[None, None]
        kernel = torch.tensor(params["kernel"], dtype=torch.float64)[None, None]
        assert outputs["output"] == torch.nn.functional.conv2d(image, kernel)[0, 0].tolist(), params
        flipped = torch.nn.functional.conv2d(image, kernel.flip(-1, -2))[0, 0].tolist()
        assert outputs["flipped"] == flipped


def test_the_pooling_by_hand_matches_pytorch(costs_quiz, torch):
    for params, outputs in variants(costs_quiz, "s7"):
        image = torch.tensor(params["image"], dtype=torch.float64)[None, None]
        size = params["size"]
        assert outputs["max"] == torch.nn.functional.max_pool2d(image, size)[0, 0].tolist(), params
        average = torch.nn.functional.avg_pool2d(image, size)[0, 0].tolist()
        assert [value for row in outputs["average"] for value in row] == pytest.approx(sum(average, [])), params


def test_activation_memory_matches_pytorchs_layer_outputs(costs_quiz, torch):
    for params, outputs in variants(costs_quiz, "s8"):
        network = torch.nn.Sequential(
            torch.nn.Conv2d(3, params["c1"], 3, padding="same"),
            torch.nn.MaxPool2d(2),
            torch.nn.Conv2d(params["c1"], params["c2"], 3, padding="same"),
        )
        values, x = 0, torch.zeros(1, 3, params["h"], params["w"])
        with torch.no_grad():
            for layer in network:
                x = layer(x)
                values += x.numel()
        assert outputs["activations"] == params["batch"] * values * params["bytes"], params


def test_one_command_loads_both_shipped_quizzes_as_make_run_does(empty_bank):
    out = io.StringIO()
    call_command("load_question_bank", str(DEFAULT_BANK), str(COSTS_BANK), stdout=out)
    assert out.getvalue() == (
        "created quiz cnn-fundamentals: 10 questions, 21 parts\ncreated quiz cnn-costs: 8 questions, 10 parts\n"
    )
    assert "load_question_bank quiz/data/cnn-fundamentals.yaml quiz/data/cnn-shapes-and-costs.yaml" in (
        Path(__file__).resolve().parents[2] / "Makefile"
    ).read_text()
