"""The formula contract: what an expression may contain, how it evaluates, and the limits
that refuse a formula before it can run away."""

import builtins

import pytest

from grader.formulas import MAX_EXPRESSION_DEPTH, FormulaError, FormulaQuestion, evaluate


def value(formula: str, **params):
    question = FormulaQuestion("t", params or {"h": 3}, {"x": formula})
    return evaluate(question, question.params)["x"]


def refusal(formula: str, **params) -> str:
    with pytest.raises(FormulaError) as error:
        value(formula, **params)
    return str(error.value)


@pytest.mark.parametrize(
    ("formula", "expected"),
    [
        ("42", 42),
        ("2.5", 2.5),
        ('"same"', "same"),
        ("True", True),
        ("h", 3),
        ("h + 2 * h - 1", 8),
        ("7 / 2", 3.5),
        ("7 // 2", 3),
        ("-7 // 2", -4),
        ("7 % 3", 1),
        ("2 ** 10", 1024),
        ("2 ** -1", 0.5),
        ("-h", -3),
        ("1 < h <= 3", True),
        ("h == 3 and not h != 3", True),
        ("h > 5 or h < 0", False),
        ('"big" if h > 2 else "small"', "big"),
        ("[h, 2 * h]", [3, 6]),
        ("[[1, 2], [3, h]][1][1]", 3),
        ("[1, 2, 3][-1]", 3),
        ("[1, 2] + [10, 20]", [11, 22]),
        ("[[1, 2], [3, 4]] * 2", [[2, 4], [6, 8]]),
        ("10 - [1, 2]", [9, 8]),
        ("-[1, -2]", [-1, 2]),
        ("[1, 2] == [1, 2.0]", True),
        ("True == 1", False),
        ("[1, 2] != [1, 2, 3]", True),
        ('"same" == "same"', True),
        ("max(h, 7) + min([4, 2])", 9),
        ('conv_output_size(n=32, k=h, padding="same", stride=2)', 16),
    ],
)
def test_the_contract_evaluates_as_python_would_with_lists_element_by_element(formula, expected):
    result = value(formula)
    assert result == expected and type(result) is type(expected)


def test_an_output_may_use_the_outputs_defined_before_it():
    question = FormulaQuestion(
        "t", {"h": 32, "w": 48}, {"out_h": "h // 2", "out_w": "w // 2", "shape": "[out_h, out_w]"}
    )
    assert evaluate(question, question.params) == {"out_h": 16, "out_w": 24, "shape": [16, 24]}


def test_an_output_named_like_a_function_is_read_as_a_value_and_the_function_still_called():
    question = FormulaQuestion("t", {"h": 3}, {"max": "h + 1", "y": "max(max, 10)"})
    assert evaluate(question, question.params) == {"max": 4, "y": 10}


@pytest.mark.parametrize(
    ("formula", "message"),
    [
        ("h.real", "attribute access (x.y) is not allowed"),
        ("__import__('os')", "unknown function __import__()"),
        ("lambda: 1", "lambda is not allowed"),
        ("[v for v in [1]]", "comprehensions are not allowed"),
        ("(1, 2)", "tuples are not allowed: write a list [a, b]"),
        ("{1: 2}", "mappings {…} are not allowed"),
        ("[1, 2][0:1]", "slices are not allowed"),
        ("max(*[1, 2])", "* and ** unpacking are not allowed"),
        ("(y := 2)", ":= is not allowed"),
        ('f"{h}"', "f-strings are not allowed"),
        ("h in [1, 2]", "in is not allowed"),
        ("h is 3", "is is not allowed"),
        ("h & 1", "the operator & is not allowed"),
        ("~h", "the operator ~ is not allowed"),
        ("None", "None is not allowed"),
        ("1j", "1j is not allowed"),
        ("hh + 1", "unknown name hh (did you mean h?)"),
        ("flor(h)", "unknown function flor() (did you mean floor?)"),
        ("floor", "floor is a function: call it"),
        ("h(1)", "unknown function h()"),
        ("[floor][0](1)", "only the library's functions may be called, by name"),
        ("conv2d([[1]])", "conv2d(): missing a required argument: 'k'; it is conv2d(x, k, stride=1, padding='valid')"),
        ("floor(h, size=2)", "floor(): got an unexpected keyword argument 'size'"),
        ("h +", "not a valid expression: invalid syntax"),
        ("h + (", "not a valid expression at character 5"),
        ("import os", "not a valid expression"),
        ("", "the formula is empty"),
    ],
)
def test_everything_outside_the_contract_is_refused_with_a_message(formula, message):
    assert message in refusal(formula)


def test_a_formula_may_not_use_itself_or_an_output_defined_after_it():
    with pytest.raises(
        FormulaError, match="output x: y is not defined yet: a formula may use only the outputs defined"
    ):
        FormulaQuestion("t", {"h": 1}, {"x": "y + 1", "y": "2"})
    with pytest.raises(FormulaError, match="output x: x is not defined yet"):
        FormulaQuestion("t", {"h": 1}, {"x": "x + 1"})


@pytest.mark.parametrize(
    ("formula", "message"),
    [
        ("h / 0", "question t, output x: division by zero in 3 / 0 (with h=3)"),
        ("h % (h - 3)", "question t, output x: division by zero in 3 % 0 (with h=3)"),
        (
            'h + "a"',
            "question t, output x: + works on numbers (and lists of numbers), not a number and text (with h=3)",
        ),
        (
            "[1, 2] * [1, 2, 3]",
            "* works element by element on lists of the same shape, not a list of 2 values and a list of 3",
        ),
        ("[1, [2]]", "a list must hold numbers, or lists of the same length"),
        ("[1, True]", "a list must hold numbers, not True/False"),
        ("[1, 2][h]", "index 3 is out of range for a list of 2 values (0 to 1) (with h=3)"),
        ("[1, 2][0.5]", "an index must be a whole number, not a number"),
        ("h[0]", "only lists can be indexed, not a number (with h=3)"),
        ("1 if h else 2", "if needs True or False (a comparison, say), not a number (with h=3)"),
        ("h and True", "and needs True or False (a comparison, say), not a number"),
        ('h < "4"', "< compares numbers, not a number and text"),
        ("(-8) ** 0.5", "(-8) ** 0.5 is not a real number"),
        ("sqrt(h - 7)", "sqrt: the square root of a negative number (-4) is not real (with h=3)"),
    ],
)
def test_a_failure_names_the_question_the_output_the_problem_and_the_parameters(formula, message):
    assert message in refusal(formula)


def test_the_message_names_only_the_parameters_the_output_depends_on():
    question = FormulaQuestion("h1", {"h": 4, "k": 4, "c": 9}, {"size": "h - k", "ratio": "c / size"})
    with pytest.raises(FormulaError) as error:
        evaluate(question, question.params)
    assert str(error.value) == "question h1, output ratio: division by zero in 9 / 0 (with h=4, k=4, c=9)"
    question = FormulaQuestion("h1", {"h": 4, "k": 4, "c": 9}, {"ratio": "h / (k - 4)", "other": "c"})
    with pytest.raises(FormulaError) as error:
        evaluate(question, question.params)
    assert str(error.value).endswith("(with h=4, k=4)")


# Limits -------------------------------------------------------------------------------------


@pytest.mark.timeout(10)
def test_a_tower_of_powers_is_refused_before_it_is_computed():
    assert "9 ** 387420489 is too large (the limit is 1e+18)" in refusal("9 ** 9 ** 9 ** 9")
    assert "too large" in refusal("2 ** 10 ** 10")
    assert "too large" in refusal("(-3) ** 99")
    assert value("1 ** 10 ** 15") == 1


@pytest.mark.parametrize(
    "formula",
    ["10 ** 18 * 10", "floor(1e300)", "2 ** 61 + 2 ** 61 * 2", "prod([10 ** 9, 10 ** 9, 10])", "1e308 * 10"],
)
def test_numbers_past_the_limits_are_refused(formula):
    message = refusal(formula)
    assert "too large" in message or "not a finite number" in message


def test_lists_past_the_size_limit_are_refused():
    assert "a list may hold at most 10,000 values" in refusal("conv1d([1], [1], 1, 5000)")
    assert "a list may hold at most 10,000 values" in refusal("conv2d([[1]], [[1]], 1, 60)")
    assert "lists may be nested at most 3 deep" in refusal("[[[[1]]]]")


def test_expressions_nested_too_deeply_are_refused_before_evaluation():
    assert f"nested more than {MAX_EXPRESSION_DEPTH} levels deep" in refusal("-" * 60 + "1")
    assert f"nested more than {MAX_EXPRESSION_DEPTH} levels deep" in refusal("1" + " + 1" * 60)
    assert "not a valid expression" in refusal("[" * 300 + "]" * 300)


def test_overlong_formulas_are_refused():
    assert "at most 1000 characters" in refusal("1" + " + 1" * 300)


@pytest.mark.timeout(30)
def test_a_question_that_takes_too_much_work_is_stopped_by_the_step_budget():
    # Each output adds ten 10,000-value lists: about 190,000 steps, so the sixth passes 1,000,000.
    formulas = {f"sum_{i}": " + ".join(["v"] * 10) for i in range(10)}
    question = FormulaQuestion("t", {"v": [1] * 10_000}, formulas)
    with pytest.raises(FormulaError) as error:
        evaluate(question, question.params)
    assert str(error.value).startswith(
        "question t, output sum_5: too much work: the formulas take more than 1,000,000 steps"
    )


def test_evaluation_never_calls_eval_or_exec(monkeypatch):
    def forbidden(*args, **kwargs):
        raise AssertionError("eval or exec was called")

    monkeypatch.setattr(builtins, "eval", forbidden)
    monkeypatch.setattr(builtins, "exec", forbidden)
    assert value("floor(h / 2) + conv_output_size(32, h, 2)") == 16
