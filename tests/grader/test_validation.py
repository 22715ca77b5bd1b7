"""validate_question: the one check of a question, naming the question, the part and the field."""

import copy

import pytest

from grader import QuestionError, use_language, validate_question
from grader.spec import PartSpec
from tests.grader.bank import questions


def question(key: str, change=None) -> dict:
    data = copy.deepcopy(questions()[key])
    if change:
        change(data)
    return data


@pytest.mark.parametrize("key", sorted(questions()))
def test_every_question_of_the_shipped_bank_is_valid(key):
    validate_question(question(key))


@pytest.mark.parametrize(
    ("change", "message", "field", "part"),
    [
        (
            lambda q: q.update(calculator="abacus"),
            "question q2: unknown calculator 'abacus'; choose one of conv1d, conv_stack",
            "calculator",
            "",
        ),
        (lambda q: q["params"].update(stride=0), "question q2: stride: must be a whole number", "params", ""),
        (lambda q: q.update(ranges={"stride": [0, "x"]}), "question q2: stride", "ranges", ""),
        (lambda q: q.update(given=["nothing"]), "question q2: given: 'nothing' is not a parameter", "given", ""),
        (lambda q: q.update(given="filters"), "question q2: given: must be a list of parameter names", "given", ""),
        (lambda q: q.update(given=[["filters"]]), "question q2: given: ['filters'] is not a parameter", "given", ""),
        (lambda q: q.update(parts={"a": 1}), "question q2: parts: must be a list", "parts", ""),
        (lambda q: q["parts"].append("b"), "question q2: parts[3]: must be a mapping", "parts", ""),
        (
            lambda q: q["parts"][1].update(relative_tolerance=-1),
            "question q2 part b: relative_tolerance: must be a number of at least 0",
            "parts",
            "b",
        ),
        (lambda q: q["parts"][1].update(key="a"), "question q2 part a: key: used twice in the question", "parts", "a"),
        (lambda q: q["parts"][1].update(kind="sideways"), "question q2 part b: kind: must be one of", "parts", "b"),
        (lambda q: q["parts"][1].pop("key"), "question q2 part 1: key: required", "parts", "1"),
        (
            lambda q: q["parts"][0].update(output="no_such_output"),
            "question q2 part a: output: 'no_such_output' is not computed by conv_stack (it computes ",
            "parts",
            "a",
        ),
        (
            lambda q: q["parts"][0]["mistakes"][0].update(output="nothing"),
            "question q2 part a: mistakes[0].output: 'nothing' is not computed by conv_stack",
            "parts",
            "a",
        ),
        (
            lambda q: q.update(calculator=""),
            "question q2 part a: output: 'parameters' needs a calculator or formulas on the question",
            "parts",
            "a",
        ),
    ],
    ids=[
        "calculator", "params", "ranges", "given", "given-not-a-list", "given-unhashable", "parts-not-a-list",
        "part-not-a-mapping", "tolerance", "duplicate-part", "kind", "no-part-key", "output", "mistake-output",
        "no-calculator",
    ],  # fmt: skip
)
def test_a_broken_question_is_refused_naming_the_question_part_and_field(change, message, field, part):
    with pytest.raises(QuestionError) as raised:
        validate_question(question("q2", change))
    assert str(raised.value).startswith(message)
    assert (raised.value.field, raised.value.part) == (field, part)
    assert str(raised.value).endswith(raised.value.problem)


def test_a_question_that_is_no_mapping_is_refused():
    with pytest.raises(QuestionError, match="the question: must be a mapping"):
        validate_question(["q2"])


@pytest.mark.parametrize(
    ("change", "english", "german", "field"),
    [
        (
            lambda q: q.update(calculator="abacus"),
            "question q2: unknown calculator 'abacus'; choose one of conv1d, conv_stack",
            "Frage q2: unbekannter Rechner 'abacus'; wählen Sie einen von conv1d, conv_stack",
            "calculator",
        ),
        (
            lambda q: q["params"].update(stride=0),
            "question q2: stride: must be a whole number from 1 to 1000",
            "Frage q2: stride: muss eine ganze Zahl von 1 bis 1000 sein",
            "params",
        ),
        (
            lambda q: q["params"].update(padding="full"),
            "question q2: padding: must be one of same, valid",
            "Frage q2: padding: muss eines von same, valid sein",
            "params",
        ),
        (
            lambda q: q.update(ranges={"stride": [0, 5]}),
            "question q2: stride: must lie within 1 to 1000",
            "Frage q2: stride: muss innerhalb von 1 bis 1000 liegen",
            "ranges",
        ),
        (
            lambda q: q.update(ranges={"padding": {"choices": ["full"]}}),
            "question q2: padding: 'full' is not allowed (one of same, valid)",
            "Frage q2: padding: 'full' ist nicht erlaubt (einer der Werte same, valid)",
            "ranges",
        ),
        (
            lambda q: q.update(given=["nothing"]),
            "question q2: given: 'nothing' is not a parameter",
            "Frage q2: given: 'nothing' ist kein Parameter",
            "given",
        ),
        (
            lambda q: q["parts"][0].update(output="nothing"),
            "question q2 part a: output: 'nothing' is not computed by conv_stack (it computes ",
            "Frage q2, Teil a: output: 'nothing' wird von conv_stack nicht berechnet (er berechnet ",
            "parts",
        ),
        (
            lambda q: q["parts"][1].update(unit="parsecs"),
            "question q2 part b: unit: must be a byte unit (B, kB, MB, GB, KiB, MiB or GiB), not 'parsecs'",
            "Frage q2, Teil b: unit: muss eine Byte-Einheit sein (B, kB, MB, GB, KiB, MiB oder GiB), nicht 'parsecs'",
            "parts",
        ),
        (
            lambda q: q["parts"][0]["mistakes"][0].update(credit=2),
            "question q2 part a: mistakes[0].credit: must be a number between 0 and 1",
            "Frage q2, Teil a: mistakes[0].credit: muss eine Zahl zwischen 0 und 1 sein",
            "parts",
        ),
        (
            lambda q: q["parts"][1].pop("key"),
            "question q2 part 1: key: required",
            "Frage q2, Teil 1: key: erforderlich",
            "parts",
        ),
    ],
    ids=["calculator", "whole-number", "one-of", "range", "range-choice", "given", "output", "unit", "credit", "key"],
)
def test_a_broken_question_is_refused_in_the_language_of_the_caller(change, english, german, field):
    with pytest.raises(QuestionError) as in_english:
        validate_question(question("q2", change))
    with use_language("de"), pytest.raises(QuestionError) as in_german:
        validate_question(question("q2", change))
    assert str(in_english.value).startswith(english)
    assert str(in_german.value).startswith(german)
    assert in_german.value.field == in_english.value.field == field
    assert str(in_german.value).endswith(in_german.value.problem)


def test_a_part_refused_without_its_question_says_why_in_german():
    part = {"key": "a", "kind": "choice", "choices": [{"key": "x", "label": "X"}], "correct": "x"}
    with pytest.raises(ValueError, match="^choices: a choice part needs at least two choices$"):
        PartSpec.from_dict(part)
    with use_language("de"), pytest.raises(ValueError) as refused:
        PartSpec.from_dict(part)
    assert str(refused.value) == "choices: ein Teil der Art choice braucht mindestens zwei Auswahlmöglichkeiten"


def test_hints_on_a_part_that_is_never_checked_are_refused_in_the_language_of_the_caller():
    refused = question("q1", lambda q: q["parts"][0].update(hints=["Think of the weights."]))
    with pytest.raises(QuestionError) as in_english:
        validate_question(refused)
    with use_language("de"), pytest.raises(QuestionError) as in_german:
        validate_question(refused)
    assert str(in_english.value) == (
        "question q1 part a: hints: text parts are never checked before submitting, so no student would see the hints"
    )
    assert str(in_german.value) == (
        "Frage q1, Teil a: hints: Teile der Art text werden vor der Abgabe nie geprüft, "
        "also bekämen Studierende die Hinweise nie zu sehen"
    )
    assert in_english.value.part == "a"


@pytest.mark.parametrize("hints", [[], None])
def test_a_part_that_is_never_checked_may_leave_its_hints_empty(hints):
    validate_question(question("q1", lambda q: q["parts"][0].update(hints=hints)))


def test_hints_on_a_part_that_is_checked_are_accepted():
    validate_question(question("q2", lambda q: q["parts"][0].update(hints=["Each filter also has a bias."])))
