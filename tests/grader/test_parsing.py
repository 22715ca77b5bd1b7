"""Every format the bank lists, the comma rule, the limits, and garbage that must only ever
give AnswerError."""

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from grader import AnswerError, ChoiceSpec, parsing
from grader.parsing import parse_choice, parse_dims, parse_matrix, parse_number, parse_quantity, parse_vector

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


@pytest.mark.parametrize("text", ["12,6", "0,5", "1,23", "1,2345", "903,40", "12,6 MB"])
def test_a_comma_that_does_not_group_thousands_asks_for_a_decimal_point(text):
    with pytest.raises(AnswerError, match="use a decimal point"):
        parse_quantity(text, "MB")


def test_a_space_that_does_not_group_thousands_is_refused():
    with pytest.raises(AnswerError, match="two numbers"):
        parse_number("12 6")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "No number"),
        ("abc", "`abc` is not a number"),
        ("nan", "not a number"),
        ("NaN", "not a number"),
        ("inf", "not a number"),
        ("-Infinity", "not a number"),
        ("1e999", "too large"),
        ("-1e999", "too large"),
        ("1e16", "too large"),
        ("9" * 30, "too large"),
        ("9" * 19_999, "too many digits"),
        ("2**1000000", "Powers are not allowed"),
        ("2^10", "Powers are not allowed"),
        ("1/0", "divides by zero"),
        ("1/(2-2)", "divides by zero"),
        ("1e30*1e30", "too large"),
        ("__import__('os')", "cannot be read"),
        ("(1)(2)", "only numbers"),
        ("1 +", "not a calculation"),
        ("()", "only numbers"),
        ("1" + "+1" * 200, "too long"),
        ("(" * 300 + "1" + ")" * 300, "too long"),
        ("3 % 2", "cannot be read"),
    ],
)
def test_unreadable_numbers_say_why(text, message):
    with pytest.raises(AnswerError, match=message):
        parse_number(text)


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


@pytest.mark.parametrize("text", ["12.6 kg", "12.6 TB", "12.6 Mbit", "12.6 m", "12.6 MBs", "12.6 e"])
def test_other_units_are_refused_by_name(text):
    with pytest.raises(AnswerError) as error:
        parse_quantity(text, "MB")
    assert str(error.value).startswith(f"`{text}` is not a size in bytes")


def test_a_unit_alone_is_refused():
    with pytest.raises(AnswerError, match="no number"):
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
    ],
)
def test_vectors_in_every_listed_format(text):
    assert parse_vector(text) == [2, 2, 2]


def test_vector_elements_may_be_fractions_negative_or_decimals():
    values = parse_vector("[34/9, 11/9, −7, -0.5, 1e1]")
    assert [math.isclose(a, b) for a, b in zip(values, [34 / 9, 11 / 9, -7, -0.5, 10], strict=True)] == [True] * 5
    assert parse_vector("[ 1 -2  3]") == [1, -2, 3]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[[1, 2], [3, 4]]", "single list"),
        ("1, , 2", "Two commas"),
        ("1 - 2", "lone `-`"),
        ("[1, 2", "not closed"),
        ("1, 2]", "no opening"),
        ("[]", "Empty brackets"),
        ("[1, 2] 3", "outside the brackets"),
        ("1, two, 3", "`two` is not a number"),
        ("1, 1e999", "too large"),
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
    with pytest.raises(AnswerError, match="row 2 has 1 value, row 1 has 2"):
        parse_matrix("5 6\n10")
    with pytest.raises(AnswerError, match="row 3 has 3 values, row 1 has 2"):
        parse_matrix("[[1, 2], [3, 4], [5, 6, 7]]")


def test_more_than_two_levels_of_brackets_are_refused():
    with pytest.raises(AnswerError, match="Too many brackets"):
        parse_matrix("[[[1]]]")


@pytest.mark.parametrize("text", ["7x7", "7×7", "7 x 7", "7X7", "7, 7", "(7, 7)", "[7 7]", "7*7", "7 by 7"])
def test_dims_in_every_listed_format(text):
    assert parse_dims(text) == [7, 7]


@pytest.mark.parametrize(
    ("text", "message"),
    [("7.5x7", "whole numbers"), ("seven", "not a size"), ("1x2x3x4x5", "too many"), ("()", "No sizes")],
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
    with pytest.raises(AnswerError, match="“gets smaller”, “stays the same”"):
        parse_choice("bigger", CHOICES)


# Limits -------------------------------------------------------------------------------------


@pytest.mark.parametrize("parser", PARSERS)
def test_answers_over_20000_characters_are_refused(parser):
    with pytest.raises(AnswerError, match="longer than 20,000 characters"):
        parser("1" * 20_001)
    with pytest.raises(AnswerError, match="longer than 20,000 characters"):
        parser("x" * 100_000)


@pytest.mark.parametrize("parser", PARSERS)
def test_a_nul_byte_is_refused(parser):
    with pytest.raises(AnswerError, match="NUL"):
        parser("12\x006")


def test_more_than_10000_elements_are_refused(monkeypatch):
    monkeypatch.setattr(parsing, "MAX_LENGTH", 100_000)
    with pytest.raises(AnswerError, match="more than 10,000 values"):
        parse_vector("1 " * 10_001)
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


ANSWER_ALPHABET = st.sampled_from(list("0123456789.,;_ -+*/()[]eExX×−\n\t") + ["MB", "kB", "GiB", "B", "by", "array("])


@given(st.text(max_size=200) | st.lists(ANSWER_ALPHABET, max_size=60).map("".join))
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
