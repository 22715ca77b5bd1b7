"""The shipped question bank as data: every part reads as a spec, every output exists, the
seed's own answers grade as intended, and broken part specs are refused by field."""

import re

import pytest

from grader import (
    CALCULATORS,
    PartSpec,
    compute,
    grade_part,
    render_prompt,
    validate_params,
    validate_ranges,
)
from tests.grader.bank import part_data, questions, seed_computation, spec

PARTS = [(q, p["key"]) for q, data in questions().items() for p in data["parts"]]


def test_the_bank_has_ten_questions_and_twenty_one_parts():
    assert list(questions()) == [f"q{n}" for n in range(1, 11)]
    assert len(PARTS) == 21


@pytest.mark.parametrize(("question", "part"), PARTS)
def test_every_part_reads_as_a_spec(question, part):
    part_spec = spec(question, part)
    assert part_spec.key == part
    assert part_spec.kind == part_data(question, part)["kind"]


@pytest.mark.parametrize(("question", "part"), PARTS)
def test_every_output_named_is_computed(question, part):
    part_spec = spec(question, part)
    if not part_spec.is_numeric:
        assert not questions()[question].get("calculator") or part_spec.kind in ("choice", "text")
        return
    outputs = seed_computation(question).outputs
    assert part_spec.output in outputs
    for mistake in part_spec.mistakes:
        assert mistake.output in outputs


@pytest.mark.parametrize("question", [key for key, q in questions().items() if q.get("calculator")])
def test_every_calculator_question_has_valid_params_and_ranges(question):
    data = questions()[question]
    assert data["calculator"] in CALCULATORS
    validate_params(data["calculator"], data["params"])
    validate_ranges(data["calculator"], data.get("ranges") or {})


@pytest.mark.parametrize("question", list(questions()))
def test_every_prompt_renders_without_leftover_names(question):
    data = questions()[question]
    computation = seed_computation(question)
    texts = [data["prompt"], *(part["prompt"] for part in data["parts"])]
    for text in texts:
        assert not re.search(r"\{\w+\}", render_prompt(text, data.get("params") or {}, computation))


NUMERIC_PARTS = [(q, p) for q, p in PARTS if spec(q, p).is_numeric]
PRECISION_WORDS = ("exact", "decimal", "significant figures", "whole numbers")


@pytest.mark.parametrize(("question", "part"), NUMERIC_PARTS)
def test_every_numeric_prompt_says_how_precise_the_answer_must_be(question, part):
    prompt = " ".join(part_data(question, part)["prompt"].split())
    assert any(word in prompt for word in PRECISION_WORDS), prompt


def test_the_sizes_ask_for_the_precision_their_display_shows():
    for part in ("b", "c"):
        prompt = " ".join(part_data("q2", part)["prompt"].split())
        assert "in MB to one decimal place (to three significant figures below 10 MB)" in prompt


@pytest.mark.parametrize(("question", "part"), [(q, p) for q, p in PARTS if spec(q, p).kind == "choice"])
def test_every_choice_has_a_one_line_why(question, part):
    for choice in spec(question, part).choices:
        assert choice.feedback and "\n" not in choice.feedback, choice.key


@pytest.mark.parametrize(("question", "part"), [(q, p) for q, p in PARTS if spec(q, p).kind == "quantity"])
def test_every_size_in_bytes_models_mib_written_as_mb(question, part):
    mistake = next(m for m in spec(question, part).mistakes if m.key == "mib_as_mb")
    assert mistake.credit == 0.5
    assert "1,048,576" in mistake.feedback and "1,000,000" in mistake.feedback


# The seed's own answers (seed/cnn-theory-questions.md), as a student would type them.
SEED_ANSWERS = [
    ("q2", "a", "903_400"),
    ("q2", "b", "6 + 3 + 3.6 MB"),
    ("q2", "c", "564.6 MB"),
    ("q3", "a", "2, 2, 2, 2, 2, 2"),
    ("q3", "b", "2, 2, 2, 2, 2, 2, 2, -7"),
    ("q4", "a", "[5 6]\n[10 9]"),
    ("q5", "a", "[34/9, 11/9]"),
    ("q7", "c", "gets smaller"),
    ("q7", "d", "gets larger"),
    ("q8", "b", "200"),
    ("q8", "c", "7×7"),
    ("q8", "d", "Valid"),
]


@pytest.mark.parametrize(("question", "part", "text"), SEED_ANSWERS)
def test_the_seeds_answers_grade_correct(question, part, text):
    verdict = grade_part(spec(question, part), seed_computation(question), text)
    assert verdict.status == "correct", verdict.feedback


def test_every_auto_graded_part_has_a_seed_answer():
    graded = {(q, p) for q, p in PARTS if spec(q, p).kind != "text"}
    assert graded == {(q, p) for q, p, _ in SEED_ANSWERS}


def test_the_seeds_slip_in_q2b_is_the_all_layers_mistake():
    # "Total = 14.1 MB per image" is the seed's first total, before it keeps two layers only.
    verdict = grade_part(spec("q2", "b"), seed_computation("q2"), "14.1 MB")
    assert (verdict.status, verdict.score, verdict.mistake) == ("partial", 0.5, "all_layers")


# PartSpec.from_dict -------------------------------------------------------------------------


def test_the_spec_shape_stored_by_the_quiz_app_reads():
    # Every field present, empty where it does not apply, as a stored part gives them back.
    stored = {
        "key": "c",
        "kind": "choice",
        "output": "",
        "unit": "",
        "relative_tolerance": 0.0,
        "absolute_tolerance": 0.0,
        "partial_credit": False,
        "shape_feedback": "",
        "mistakes": [],
        "choices": [{"key": "smaller", "label": "gets smaller"}, {"key": "same", "label": "stays the same"}],
        "correct": "smaller",
        "rubric": [],
    }
    assert PartSpec.from_dict(stored).correct_choice == "smaller"


def test_specs_are_hashable_and_equal_by_value():
    assert spec("q2", "b") == spec("q2", "b")
    assert hash(spec("q2", "b")) == hash(spec("q2", "b"))
    assert spec("q2", "b") != spec("q2", "c")


BROKEN = [
    ({"kind": "integer", "output": "x"}, "key: required"),
    ({"key": "a", "kind": "essay"}, "kind: must be one of"),
    ({"key": "a", "kind": "integer"}, "output: required"),
    ({"key": "a", "kind": "quantity", "output": "x"}, "unit: required"),
    ({"key": "a", "kind": "quantity", "output": "x", "unit": "kg"}, "unit: must be a byte unit"),
    ({"key": "a", "kind": "integer", "output": "x", "unit": "MB"}, "unit: only quantity"),
    ({"key": "a", "kind": "number", "output": "x", "relative_tolerance": -0.1}, "relative_tolerance: must be"),
    ({"key": "a", "kind": "number", "output": "x", "absolute_tolerance": "0.1"}, "absolute_tolerance: must be"),
    ({"key": "a", "kind": "integer", "output": "x", "relative_tolerance": 0.1}, "graded exactly"),
    ({"key": "a", "kind": "integer", "output": "x", "partial_credit": "yes"}, "partial_credit: must be true"),
    (
        {
            "key": "a",
            "kind": "integer",
            "output": "x",
            "mistakes": [
                {"key": "m", "output": "y", "feedback": "f"},
                {"key": "n", "output": "z", "credit": 1.5, "feedback": "f"},
            ],
        },
        "mistakes[1].credit: must be a number between 0 and 1",
    ),
    (
        {
            "key": "a",
            "kind": "integer",
            "output": "x",
            "mistakes": [{"key": "m", "output": "y", "credit": True, "feedback": "f"}],
        },
        "mistakes[0].credit",
    ),
    ({"key": "a", "kind": "integer", "output": "x", "mistakes": [{"key": "m", "feedback": "f"}]}, "mistakes[0].output"),
    ({"key": "a", "kind": "integer", "output": "x", "mistakes": [{"key": "m", "output": "y"}]}, "mistakes[0].feedback"),
    ({"key": "a", "kind": "integer", "output": "x", "mistakes": "no_bias"}, "mistakes: must be a list"),
    ({"key": "a", "kind": "choice"}, "choices: a choice part needs"),
    (
        {
            "key": "a",
            "kind": "choice",
            "choices": [{"key": "x", "label": "X"}, {"key": "y", "label": "Y"}],
            "correct": "z",
        },
        "correct: must be one of",
    ),
    ({"key": "a", "kind": "text"}, "rubric: a text part needs"),
    ({"key": "a", "kind": "text", "rubric": [{"key": "c", "label": "C", "phrases": []}]}, "rubric[0].phrases"),
    ({"key": "a", "kind": "text", "rubric": [{"key": "c", "label": "C", "phrases": "one"}]}, "rubric[0].phrases"),
    (
        {"key": "a", "kind": "text", "output": "x", "rubric": [{"key": "c", "label": "C", "phrases": ["p"]}]},
        "output: text parts",
    ),
    ({"key": "a", "kind": "integer", "output": "x", "tolerance": 0.1}, "tolerance: not a field"),
    ("a", "part: must be a mapping"),
]


@pytest.mark.parametrize(("data", "message"), BROKEN)
def test_broken_specs_are_refused_naming_the_field(data, message):
    with pytest.raises(ValueError) as error:
        PartSpec.from_dict(data)
    assert message in str(error.value)


def test_prompt_and_points_are_not_the_graders_business():
    data = {**part_data("q2", "a"), "prompt": "Anything", "points": 3}
    assert PartSpec.from_dict(data) == spec("q2", "a")


def test_compute_gives_the_outputs_the_bank_names():
    named = {
        name
        for question in questions().values()
        for part in question["parts"]
        for name in [part.get("output"), *(m["output"] for m in part.get("mistakes", []))]
        if name
    }
    computed = set()
    for question in questions().values():
        if question.get("calculator"):
            computed |= set(compute(question["calculator"], question["params"]).outputs)
    assert named <= computed
