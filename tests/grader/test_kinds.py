"""One KindInfo per answer kind: the registry covers every kind and refuses any other."""

import pytest

from grader import KIND_INFO, AnswerKind, PartSpec, kind_info
from grader.kinds import read


def test_every_answer_kind_has_one_entry_under_its_own_kind():
    assert set(KIND_INFO) == set(AnswerKind)
    assert all(info.kind == kind for kind, info in KIND_INFO.items())


def test_an_unknown_kind_is_refused_by_name():
    with pytest.raises(ValueError, match="no answer kind 'sideways'"):
        kind_info("sideways")


@pytest.mark.parametrize(
    ("spec", "text", "value", "shown"),
    [
        (PartSpec("a", "integer", output="x"), "903,400", 903400, "903,400"),
        (PartSpec("a", "quantity", output="x", unit="MB"), "12600 kB", 12.6, "12.6 MB"),
        (PartSpec("a", "matrix", output="x"), "5 6; 10 9", [[5, 6], [10, 9]], "[[5, 6], [10, 9]]"),
        (PartSpec("a", "dims", output="x"), "7x7", [7, 7], "7×7"),
    ],
)
def test_each_kind_reads_its_answers_and_shows_them_again(spec, text, value, shown):
    read_value = read(spec, text)
    assert read_value == (pytest.approx(value) if isinstance(value, float) else value)
    assert kind_info(spec.kind).show(spec, read_value) == shown


def test_the_quantity_hint_names_the_parts_unit():
    assert kind_info("quantity").hint_for("MiB").startswith("A number in MiB")
    assert kind_info("choice").hint_for("") == ""
