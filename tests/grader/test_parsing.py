"""Every format the bank lists, the comma rule, the limits, and garbage that must only ever
give AnswerError."""

import math
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from grader import AnswerError, ChoiceSpec, PartSpec, parsing
from grader.kinds import read_answer
from grader.parsing import (
    parse_choice,
    parse_dims,
    parse_matrix,
    parse_number,
    parse_quantity,
    parse_vector,
)

PARSERS = [
    parse_number,
    lambda text: parse_quantity(text, "MB"),
    parse_vector,
    parse_matrix,
    parse_dims,
    lambda text: parse_choice(text, (ChoiceSpec("valid", "valid"), ChoiceSpec("same", "same"))),
]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("903400", 903400),
        ("903,400", 903400),
        ("903 400", 903400),
        ("903_400", 903400),
        ("1,234,567", 1234567),
        ("1 234 567.25", 1234567.25),
        ("  903400 ", 903400),
        ("903\u00a0400", 903400),
        ("12.6", 12.6),
        (".5", 0.5),
        ("5.", 5),
        ("9.034e5", 903400),
        ("9.034E+5", 903400),
        ("1e-3", 0.001),
        ("34/9", 34 / 9),
        ("6+3+3.6", 12.6),
        ("2800 + 180200 + 720400", 903400),
        ("(3*3*3 + 1)*100", 2800),
        ("50 × 12.6", 630),
        ("−7", -7),
        ("-(3 + 4)", -7),
        ("--5", 5),
        ("1/2/2", 0.25),
        ("= 42", 42),
        ("≈ 12.6", 12.6),
        ("０.５", 0.5),
    ],
)
def test_numbers_in_every_listed_format(text, value):
    assert math.isclose(parse_number(text), value, rel_tol=1e-12)


# Commas --------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("text", "value"),
    [
        # A comma followed by exactly three digits groups thousands ...
        ("903,400", 903400),
        ("1,234,567", 1234567),
        ("3,780", 3780),
        ("12,600.5", 12600.5),
        # ... any other comma in a single value is a decimal mark.
        ("12,6", 12.6),
        ("565,6", 565.6),
        ("0,5", 0.5),
        ("1,23", 1.23),
        ("1,2345", 1.2345),
        ("903,40", 903.4),
        ("1 234,5", 1234.5),
    ],
)
def test_a_comma_in_one_value_groups_thousands_before_three_digits_else_marks_decimals(text, value):
    assert math.isclose(parse_number(text), value, rel_tol=1e-12)


@pytest.mark.parametrize(("text", "megabytes"), [("12,61 MB", 12.61), ("12,6 MB", 12.6), ("0,0126 GB", 12.6)])
def test_a_decimal_comma_in_a_size(text, megabytes):
    assert math.isclose(parse_quantity(text, "MB"), megabytes, rel_tol=1e-12)


@pytest.mark.parametrize(
    ("text", "values"),
    [
        ("3,78 1,22", [3.78, 1.22]),
        ("3,78; 1,22", [3.78, 1.22]),
        ("3,78;1,22", [3.78, 1.22]),
        ("3,78\n1,22", [3.78, 1.22]),
        ("[3,78 1,22]", [3.78, 1.22]),
        ("3,780 1,220", [3.78, 1.22]),
        # Values separated by commas keep their commas as separators.
        ("2,2,2", [2, 2, 2]),
        ("3,78", [3, 78]),
        ("1,2,-3", [1, 2, -3]),
    ],
)
def test_decimal_commas_in_lists_separated_by_spaces_or_semicolons(text, values):
    assert parse_vector(text) == pytest.approx(values)


def test_decimal_commas_in_a_matrix_separated_by_spaces():
    rows = parse_matrix("3,5 1,5; 6,25 2,25")
    assert rows[0] == pytest.approx([3.5, 1.5])
    assert rows[1] == pytest.approx([6.25, 2.25])


@pytest.mark.parametrize(
    ("parser", "text"),
    [
        (parse_vector, "3,78, 1,22"),
        (parse_vector, "1,2, 3"),
        (parse_matrix, "3,5, 1; 2, 2"),
        (parse_number, "1.234,5"),
        (parse_number, "1,234,5"),
        (parse_number, "1234,567"),
        (parse_number, "1,5.3"),
    ],
)
def test_an_ambiguous_comma_asks_for_a_decimal_point_and_is_never_read_silently(parser, text):
    with pytest.raises(AnswerError, match="use a decimal point"):
        parser(text)


# Powers, words and other ways of writing one value -------------------------------------------


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("9.034·10⁵", 903400),
        ("9.034×10⁵", 903400),
        ("9.034 × 10^5", 903400),
        ("9.034x10^5", 903400),
        ("9.034 x 10^5", 903400),
        ("9.034*10**5", 903400),
        ("9.034e5", 903400),
        ("2.5×10⁻³", 0.0025),
        ("0.00001×10^5", 1),
        ("1e-5 × 10^3", 0.01),
        ("10⁶", 1_000_000),
        ("2^10", 1024),
        ("2**10", 1024),
        ("-2^2", -4),
        (r"3 \cdot 10^{5}", 300000),
        ("903.4K", 903400),
        ("903.4k", 903400),
        ("903.4 thousand", 903400),
        ("0.9 M", 900000),
        ("0.9M", 900000),
        ("1.2 million", 1200000),
        ("3 7/9", 34 / 9),
        ("-3 7/9", -34 / 9),
        ("34÷9", 34 / 9),
        (r"\frac{34}{9}", 34 / 9),
        (r"$\frac{34}{9}$", 34 / 9),
        (r"\dfrac{34}{9}", 34 / 9),
        ("tensor(3.78)", 3.78),
    ],
)
def test_powers_suffixes_fractions_and_mixed_numbers(text, value):
    assert math.isclose(parse_number(text), value, rel_tol=1e-12)


def test_a_power_of_ten_typed_as_one_number_is_that_number_exactly():
    assert parse_number("9.034·10⁵") == 903400
    assert parse_number("1.26136×10⁷") == 12613600


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2**1000000", "use an exponent between -64 and 64"),
        ("10^65", "use an exponent between -64 and 64"),
        ("10⁻⁹⁹", "use an exponent between -64 and 64"),
        ("2^0.5", "use a whole-number exponent"),
        ("10^40", "too large"),
        ("0^-1", "divides by zero"),
    ],
)
def test_absurd_exponents_are_refused_with_a_message(text, message):
    with pytest.raises(AnswerError, match=message):
        parse_number(text)


@pytest.mark.parametrize(
    "text",
    [
        "903400 parameters",
        "903,400 params.",
        "Total = 903,400",
        "total: 903400",
        "The answer is 903400",
        "about 903400",
        "approx. 903400",
        "approximately 903400",
        "≈ 903400",
        "~903400",
        "~ 903400",
        "903400.",
        "903400!",
        '"903400"',
        "2800 + 180200 + 720400 = 903400",
        "(3·3·3+1)·100 + (3·3·100+1)·200 + (3·3·200+1)·400 = 903400",
        "903400 (biases included)",
        "903400 (= 2800 + 180200 + 720400)",
        "903400 or 903,400",
    ],
)
def test_words_and_punctuation_around_one_value_are_ignored(text):
    assert parse_number(text) == 903400


@pytest.mark.parametrize(
    ("text", "megabytes"),
    [
        ("about 12.6 MB", 12.6),
        ("approx. 12.6 MB", 12.6),
        ("≈ 12.6 MB", 12.6),
        ("~12.6MB", 12.6),
        ("12.6 MB.", 12.6),
        ("12.6 MB of RAM", 12.6),
        ("RAM = 12.6 MB", 12.6),
        ("12613600 B = 12.6136 MB", 12.6136),
        ("12.6 MB (weights included)", 12.6),
        ("1.26136×10⁷ B", 12.6136),
        ("1.26136 × 10^7 bytes", 12.6136),
    ],
)
def test_words_and_punctuation_around_a_size_are_ignored(text, megabytes):
    assert math.isclose(parse_quantity(text, "MB"), megabytes, rel_tol=1e-12)


@pytest.mark.parametrize(
    ("parser", "text"),
    [
        (parse_number, "902700 or 903400"),
        (parse_number, "902,700 or maybe 903,400"),
        (parse_number, "903400, 902700"),
        (lambda text: parse_quantity(text, "MB"), "12.6 MB or 14.1 MB"),
    ],
)
def test_two_different_values_are_refused(parser, text):
    with pytest.raises(AnswerError, match="gives two different values: keep only the one you mean"):
        parser(text)


@pytest.mark.parametrize(
    ("text", "megabytes"),
    [
        ("9 MB + 3.6 MB", 12.6),
        ("526 MB + 36 MB + 3.6 MB", 565.6),
        ("12 MB + 613600 B", 12.6136),
        ("6000 + 3000 + 3600 kB", 12.6),
        ("50 × 12.6 MB", 630),
    ],
)
def test_units_inside_sums(text, megabytes):
    assert math.isclose(parse_quantity(text, "MB"), megabytes, rel_tol=1e-12)


@pytest.mark.parametrize(
    ("text", "note"),
    [
        ("12.6 MBytes", "The unit is written MB."),
        ("12.6 megabytes", "The unit is written MB."),
        ("12.6 M", "The unit is written MB."),
        ("12.6 Mbyte", "The unit is written MB."),
        ("12600 kilobytes", "The unit is written kB."),
        ("0.0126 G", "The unit is written GB."),
        ("12.6 MB", None),
        ("12.6 mb", None),
        ("12600000 bytes", None),
    ],
)
def test_a_unit_written_in_an_unusual_way_is_read_with_a_note(text, note):
    spec = PartSpec(key="b", kind="quantity", output="x", unit="MB", relative_tolerance=0.02)
    reading = read_answer(spec, text)
    assert math.isclose(reading.value, 12.6)
    assert reading.notes == ((note,) if note else ())


@pytest.mark.parametrize(
    ("kind", "text", "resolution"),
    [
        ("integer", "903400", (1,)),
        ("integer", "903,400", (1,)),
        ("integer", "9.034e5", (100,)),
        ("integer", "9.034·10⁵", (100,)),
        ("integer", "903.4K", (100,)),
        ("integer", "2800 + 180200 + 720400", (0,)),
        ("quantity", "562", (1,)),
        ("quantity", "562.0", (0.1,)),
        ("quantity", "562.0 MB", (0.1,)),
        ("quantity", "562000000 B", (1e-6,)),
        ("quantity", "0.562 GB", (1,)),
        ("quantity", "-562.0", (0.1,)),
        ("vector", "3.78, 1.2, 4", (0.01, 0.1, 1)),
        ("vector", "3,78 1,2", (0.01, 0.1)),
        ("vector", "34/9, 11/9", (0, 0)),
        ("matrix", "[[3.   1.5 ]\n [6.25 2.25]]", (1, 0.1, 0.01, 0.01)),
    ],
)
def test_each_number_keeps_the_precision_it_was_typed_with(kind, text, resolution):
    spec = PartSpec(key="a", kind=kind, output="x", unit="MB" if kind == "quantity" else "")
    assert read_answer(spec, text).resolution == pytest.approx(resolution)


@pytest.mark.parametrize(
    ("text", "megabytes"),
    [
        ("12.6 MB", 12.6),
        ("12.6MB", 12.6),
        ("12.6 mb", 12.6),
        ("12.6 Mb", 12.6),
        ("12613600 bytes", 12.6136),
        ("12613600 B", 12.6136),
        ("12,613,600 b", 12.6136),
        ("12600 kB", 12.6),
        ("12600 KB", 12.6),
        ("12.03 MiB", 12.03 * 2**20 / 1e6),
        ("12318 KiB", 12318 * 1024 / 1e6),
        ("0.0126 GB", 12.6),
        ("0.01175 GiB", 0.01175 * 2**30 / 1e6),
        ("12.6", 12.6),
        ("6 + 3 + 3.6 MB", 12.6),
        ("12.6 megabytes", 12.6),
    ],
)
def test_sizes_are_read_in_any_byte_unit_and_case(text, megabytes):
    assert math.isclose(parse_quantity(text, "MB"), megabytes, rel_tol=1e-12)


def test_a_bare_number_is_read_in_the_parts_unit():
    assert parse_quantity("12613600", "B") == 12613600
    assert math.isclose(parse_quantity("1", "GiB"), 1)
    assert math.isclose(parse_quantity("1 GiB", "MiB"), 1024)


@pytest.mark.parametrize(
    ("text", "unit"),
    [
        ("12.6 kg", "kg"),
        ("12.6 TB", "TB"),
        ("12.6 Mbit", "Mbit"),
        ("12.6 m", "m"),
        ("12.6 MBs", "MBs"),
        ("12.6 e", "e"),
    ],
)
def test_other_units_are_refused_by_name(text, unit):
    with pytest.raises(AnswerError) as error:
        parse_quantity(text, "MB")
    assert str(error.value).startswith(f"`{text}` is not a size in bytes")
    assert str(error.value).endswith(f"not `{unit}`.")


def test_a_unit_alone_is_refused():
    with pytest.raises(AnswerError, match="no number before the unit"):
        parse_quantity("MB", "MB")


@pytest.mark.parametrize(
    "text",
    [
        "2, 2, 2",
        "2,2,2",
        "[2 2 2]",
        "[2, 2, 2]",
        "(2,2,2)",
        "2 2 2",
        "2\n2\n2",
        "2, 2, 2,",
        " [ 2  2  2 ] ",
        "array([2, 2, 2])",
        "np.array([2, 2, 2])",
        "2;2;2",
        "2; 2; 2",
        "{2, 2, 2}",
        "[2, 2, 2].",
        "y = [2, 2, 2]",
        "Output: 2 2 2",
        "2, 2 and 2",
        "2 and 2 and 2",
        "[2, 2, 2] (valid padding)",
        "[2, 2, 2] with valid padding",
        "2 2 2 values",
        "tensor([2, 2, 2])",
        "tensor([2., 2., 2.])",
        "tensor([2, 2, 2], dtype=torch.int32)",
        "torch.tensor([2, 2, 2])",
        "array([2, 2, 2], dtype=int64)",
        r"\begin{pmatrix} 2 \\ 2 \\ 2 \end{pmatrix}",
        r"\{2, 2, 2\}",
    ],
)
def test_vectors_in_every_listed_format(text):
    assert parse_vector(text) == [2, 2, 2]


@pytest.mark.parametrize(
    "text",
    [
        "3.78, 1.22",
        "3.78 and 1.22",
        "34/9 ≈ 3.78, 11/9 ≈ 1.22",
        "34/9 = 3.78; 11/9 = 1.22",
        "tensor([3.7800, 1.2200])",
        "[3.78 1.22]",
    ],
)
def test_a_vector_with_workings_or_words_between_values(text):
    assert parse_vector(text) == pytest.approx([3.78, 1.22])


@pytest.mark.parametrize("text", ["3 7/9, 1 2/9", r"\frac{34}{9}, \frac{11}{9}", "34÷9, 11÷9", "[34/9, 11/9]"])
def test_a_vector_of_fractions_and_mixed_numbers(text):
    assert parse_vector(text) == pytest.approx([34 / 9, 11 / 9])


def test_vector_elements_may_be_fractions_negative_or_decimals():
    values = parse_vector("[34/9, 11/9, −7, -0.5, 1e1]")
    assert [math.isclose(a, b) for a, b in zip(values, [34 / 9, 11 / 9, -7, -0.5, 10], strict=True)] == [True] * 5
    assert parse_vector("[ 1 -2  3]") == [1, -2, 3]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[[1, 2], [3, 4]]", "one list of values"),
        ("1, , 2", "between every two commas"),
        ("1 - 2", "lone `-`"),
        ("[1, 2", "Close every bracket"),
        ("1, 2]", "no opening bracket"),
        ("[]", "values in every pair of brackets"),
        ("[1, 2] 3", "outside them"),
        ("1, two, 3", "`two` is not a number"),
        ("1, 1e999", "too large"),
        ("[2, 2, …]", "instead of `…`"),
    ],
)
def test_unreadable_vectors_say_why(text, message):
    with pytest.raises(AnswerError, match=message):
        parse_vector(text)


@pytest.mark.parametrize(
    "text",
    [
        "[[5,6],[10,9]]",
        "[[5, 6], [10, 9]]",
        "5 6; 10 9",
        "5,6;10,9",
        "5 6\n10 9",
        "5, 6\n10, 9\n",
        "[5 6]\n[10 9]",
        "[5, 6]\n[10, 9]",
        "[5 6], [10 9]",
        "[[ 5  6]\n [10  9]]",
        "[5 6; 10 9]",
        "array([[ 5,  6],\n       [10,  9]])",
        "(5, 6), (10, 9)",
        "((5, 6), (10, 9))",
        "[(5, 6), (10, 9)]",
        "tensor([[ 5,  6],\n        [10,  9]])",
        "tensor([[ 5.,  6.],\n        [10.,  9.]])",
        "tensor([[5, 6], [10, 9]], dtype=torch.int32)",
        r"\begin{bmatrix} 5 & 6 \\ 10 & 9 \end{bmatrix}",
        r"$\begin{bmatrix}5&6\\10&9\end{bmatrix}$",
        r"\left[\begin{matrix}5 & 6\\10 & 9\end{matrix}\right]",
        "{{5, 6}, {10, 9}}",
        "Y = [[5, 6], [10, 9]]",
        "[[5, 6], [10, 9]].",
    ],
)
def test_matrices_in_every_listed_format(text):
    assert parse_matrix(text) == [[5, 6], [10, 9]]


def test_numpys_float_printing_is_read():
    assert parse_matrix("[[3.   1.5 ]\n [6.25 2.25]]") == [[3.0, 1.5], [6.25, 2.25]]


def test_a_numpy_row_wrapped_over_lines_stays_one_row():
    text = "[[ 1  2  3\n   4]\n [ 5  6  7\n   8]]"
    assert parse_matrix(text) == [[1, 2, 3, 4], [5, 6, 7, 8]]


def test_a_ragged_matrix_names_the_rows():
    with pytest.raises(AnswerError, match="same number of values: row 2 has 1 value, row 1 has 2"):
        parse_matrix("5 6\n10")
    with pytest.raises(AnswerError, match="row 3 has 3 values, row 1 has 2"):
        parse_matrix("[[1, 2], [3, 4], [5, 6, 7]]")


def test_more_than_two_levels_of_brackets_are_refused():
    with pytest.raises(AnswerError, match="at most two levels of brackets"):
        parse_matrix("[[[1]]]")


@pytest.mark.parametrize(
    "text",
    [
        "7x7",
        "7×7",
        "7 x 7",
        "7X7",
        "7, 7",
        "(7, 7)",
        "[7 7]",
        "7*7",
        "7 by 7",
        "7-by-7",
        "7 - by - 7",
        "kernel_size=(7, 7)",
        "kernel size: 7x7",
        "7 × 7 (the whole feature map)",
        "7x7 kernel",
        "a 7×7 kernel",
        "7×7.",
        "{7, 7}",
    ],
)
def test_dims_in_every_listed_format(text):
    assert parse_dims(text) == [7, 7]


def test_dims_with_a_depth_are_read_as_three_sizes():
    assert parse_dims("7×7×512") == [7, 7, 512]
    assert parse_dims("7 x 7 x 512 (all the input channels)") == [7, 7, 512]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("7.5x7", "whole-number sizes"),
        ("seven", "not a size"),
        ("1x2x3x4x5", "too many"),
        ("()", "Give the sizes"),
        ("7 x", "not a size"),
        ("7 kernel 7", "not a size"),
        ("7" * 201, "Write only the sizes"),
    ],
)
def test_unreadable_dims_say_why(text, message):
    with pytest.raises(AnswerError, match=message):
        parse_dims(text)


CHOICES = (ChoiceSpec("smaller", "gets smaller"), ChoiceSpec("same", "stays the same"))


@pytest.mark.parametrize(
    "text", ["smaller", "SMALLER", "  smaller ", "gets smaller", "Gets  Smaller.", '"gets smaller"']
)
def test_a_choice_is_its_key_or_label_in_any_case(text):
    assert parse_choice(text, CHOICES) == "smaller"


def test_an_unknown_choice_lists_the_choices():
    with pytest.raises(AnswerError, match="pick one of “gets smaller”, “stays the same”"):
        parse_choice("bigger", CHOICES)


# Messages: one sentence that says what to change ----------------------------------------------

QUANTITY = PartSpec(key="b", kind="quantity", output="x", unit="MB", relative_tolerance=0.02)
COUNT = PartSpec(key="a", kind="integer", output="x")
VECTOR = PartSpec(key="a", kind="vector", output="x", absolute_tolerance=0.01)
MATRIX = PartSpec(key="a", kind="matrix", output="x")
DIMS = PartSpec(key="c", kind="dims", output="x")
CHOICE = PartSpec(
    key="d", kind="choice", choices=(ChoiceSpec("valid", "valid"), ChoiceSpec("same", "same")), correct_choice="valid"
)
FIXES = (
    "give", "type", "use", "write", "put", "remove", "keep", "close", "check", "shorten", "retype", "pick", "finish",
)

UNREADABLE = [
    (QUANTITY, "3,78 1,22"),
    (QUANTITY, "12 6"),
    (QUANTITY, "1.234,5 MB"),
    (QUANTITY, "12.6 kg"),
    (QUANTITY, "MB"),
    (QUANTITY, "12.6 MB or 14.1 MB"),
    (QUANTITY, "1 +"),
    (QUANTITY, "(12.6"),
    (QUANTITY, "12.6 % MB"),
    (QUANTITY, "≈"),
    (COUNT, ""),
    (COUNT, "lots"),
    (COUNT, "902700 or 903400"),
    (COUNT, "1/0"),
    (COUNT, "2**1000000"),
    (COUNT, "2^0.5"),
    (COUNT, "1e999"),
    (COUNT, "9" * 100),
    (COUNT, "1.2.3"),
    (COUNT, "1 + " * 101 + "1"),
    (COUNT, "(" * 30 + "1" + ")" * 30),
    (COUNT, "1" * 20_001),
    (COUNT, "12\x006"),
    (VECTOR, "3,78, 1,22"),
    (VECTOR, "[[1, 2], [3, 4]]"),
    (VECTOR, "1, , 2"),
    (VECTOR, "1 - 2"),
    (VECTOR, "[1, 2"),
    (VECTOR, "1, 2]"),
    (VECTOR, "[]"),
    (VECTOR, "[1, 2] 3"),
    (VECTOR, "1, two, 3"),
    (VECTOR, "[2, 2, …]"),
    (VECTOR, "34/9 = "),
    (MATRIX, "5 6\n10"),
    (MATRIX, "[[[1]]]"),
    (MATRIX, "5 6; 7 x"),
    (DIMS, "7.5x7"),
    (DIMS, "seven"),
    (DIMS, "1x2x3x4x5"),
    (DIMS, "()"),
    (DIMS, "7 x"),
    (DIMS, "7" * 201),
    (CHOICE, "full"),
]


@pytest.mark.parametrize(("spec", "text"), UNREADABLE, ids=range(len(UNREADABLE)))
def test_a_message_is_one_sentence_that_says_what_to_change(spec, text):
    with pytest.raises(AnswerError) as error:
        read_answer(spec, text)
    message = str(error.value)
    prose = re.sub(r"`[^`]*`", "`…`", message)
    assert prose.endswith("."), message
    assert not re.search(r"[.!?] ", prose), f"more than one sentence: {message}"
    assert any(re.search(rf"\b{fix}\b", prose, re.IGNORECASE) for fix in FIXES), f"no fix named: {message}"


@pytest.mark.parametrize("text", ["3,78 1,22", "3,78; 1,22"])
def test_the_lists_whose_messages_contradicted_themselves_now_read(text):
    assert read_answer(VECTOR, text).value == pytest.approx([3.78, 1.22])


# Limits -------------------------------------------------------------------------------------


@pytest.mark.parametrize("parser", PARSERS)
def test_answers_over_20000_characters_are_refused(parser):
    with pytest.raises(AnswerError, match="Shorten your answer to at most 20,000 characters"):
        parser("1" * 20_001)
    with pytest.raises(AnswerError, match="Shorten your answer to at most 20,000 characters"):
        parser("x" * 100_000)


@pytest.mark.parametrize("parser", PARSERS)
def test_a_nul_byte_is_refused(parser):
    with pytest.raises(AnswerError, match="NUL"):
        parser("12\x006")


def test_more_than_10000_elements_are_refused(monkeypatch):
    monkeypatch.setattr(parsing, "MAX_ANSWER_LENGTH", 100_000)
    with pytest.raises(AnswerError, match="Give at most 10,000 values"):
        parse_vector("1 " * 10_001)
    with pytest.raises(AnswerError, match="Give at most 10,000 values"):
        parse_matrix("1 1; " * 5_001)
    assert len(parse_vector("1 " * 10_000)) == 10_000


GARBAGE = [
    "",
    " ",
    "\n\t",
    "\x00",
    "\x01\x02\x1b[31m",
    "nan",
    "inf",
    "1e999",
    "2**1000000",
    "9" * 100_000,
    "9" * 19_999,
    "[" * 10_000 + "]" * 10_000,
    "(" * 10_000 + ")" * 10_000,
    "[[[[" * 2_500,
    "1," * 9_999 + "1",
    "-" * 20_000,
    "1e" * 10_000,
    "é" * 20_000,
    "ﷺ" * 2_000,
    "a" * 100_000,
    "0x1F",
    "1_000_",
    "1__000",
    "1.2.3",
    "..",
    "e5",
    "1e",
    "1 000 000 000 000 000 000",
    "lambda: 1",
    "print(1)",
    "1 if 1 else 2",
    "[1, [2, [3]]]",
    ";;;",
    ",,,",
    "[,]",
    "array(",
    "array()",
    "7 x",
    "x 7",
    "by",
    "−",
    "½",
    "\ud800",
]


@pytest.mark.parametrize("text", GARBAGE, ids=range(len(GARBAGE)))
@pytest.mark.parametrize("parser", PARSERS, ids=["number", "quantity", "vector", "matrix", "dims", "choice"])
def test_garbage_only_ever_raises_answer_error(parser, text):
    try:
        parser(text)
    except AnswerError as error:
        assert str(error)


ANSWER_ALPHABET = st.sampled_from(
    list("0123456789.,;_ -+*/()[]{}eExX×−\n\t^=≈~:&$…")
    + ["MB", "kB", "GiB", "B", "M", "K", "by", "and", "or", "about", "array(", "tensor(", "dtype=", "×10^", "⁵", "⁻³"]
    + ["\\frac{", "\\\\", "\\begin{bmatrix}", "\\end{bmatrix}", "\\cdot", "\\text{", "3 7/9", "3,78", "1,000"]
)


@given(st.text(max_size=200) | st.lists(ANSWER_ALPHABET, max_size=60).map("".join))
@settings(max_examples=500)
def test_any_text_only_ever_raises_answer_error(text):
    for parser in PARSERS:
        try:
            parser(text)
        except AnswerError:
            pass


@given(st.integers(-(10**14), 10**14))
def test_grouped_integers_read_back(number):
    for text in (f"{number:,}", f"{number:_}", f"{number:,}".replace(",", " "), str(number)):
        assert parse_number(text) == number


@given(st.floats(min_value=-1e14, max_value=1e14, allow_nan=False))
def test_printed_floats_read_back(number):
    assert parse_number(repr(number)) == number


@given(st.lists(st.integers(-1000, 1000), min_size=1, max_size=20))
def test_vectors_read_back_in_every_layout(values):
    layouts = [
        ", ".join(map(str, values)),
        " ".join(map(str, values)),
        "[" + " ".join(map(str, values)) + "]",
        "(" + ",".join(map(str, values)) + ")",
        str(values),
    ]
    for text in layouts:
        assert parse_vector(text) == values


@given(
    st.integers(1, 5).flatmap(
        lambda w: st.lists(st.lists(st.integers(-99, 99), min_size=w, max_size=w), min_size=1, max_size=5)
    )
)
def test_matrices_read_back_in_every_layout(rows):
    import numpy as np

    layouts = [
        str(rows),
        "; ".join(" ".join(map(str, row)) for row in rows),
        "\n".join(", ".join(map(str, row)) for row in rows),
        "\n".join("[" + " ".join(map(str, row)) + "]" for row in rows),
        str(np.array(rows)),
        repr(np.array(rows)),
    ]
    for text in layouts:
        assert parse_matrix(text) == rows, text
