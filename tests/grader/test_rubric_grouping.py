"""Grouping a part's answers by meaning."""

import pytest

from grader import AnswerGroup, grade_part, group_answers
from tests.grader.bank import spec

pytestmark = pytest.mark.semantic

ANSWERS = [
    "ResNet introduced skip connections.",  # 0
    "Skip connections: the input of a block is added to its output.",  # 1
    "ResNet removed skip connections.",  # 2, reads like 0 to the model: labels keep it apart
    "Batch normalization.",  # 3
    "ResNet introduced skip connections.",  # 4, the same as 0
    "The main innovation is residual connections that skip layers.",  # 5
    "I like pizza.",  # 6
]


def test_answers_that_say_the_same_thing_form_one_group_largest_first():
    groups = group_answers(ANSWERS)
    assert sorted(index for group in groups for index in group.members) == list(range(len(ANSWERS)))
    assert [len(group) for group in groups] == sorted((len(group) for group in groups), reverse=True)
    together = next(group for group in groups if 0 in group.members)
    assert {0, 4} <= set(together.members)
    assert not {3, 6} & set(together.members)
    assert next(group for group in groups if 6 in group.members).members == (6,)


def test_a_group_leads_with_its_representative():
    for group in group_answers(ANSWERS):
        assert group.members[0] == group.representative


def test_labels_keep_answers_the_rubric_read_differently_apart():
    part = spec("q6", "b")
    labels = [frozenset(grade_part(part, None, text).concepts_found) for text in ANSWERS]
    groups = group_answers(ANSWERS, labels)
    for group in groups:
        assert len({labels[index] for index in group.members}) == 1
    negated = next(group for group in groups if 2 in group.members)
    assert 0 not in negated.members


def test_no_answers_no_groups_and_labels_must_match_the_answers():
    assert group_answers([]) == []
    assert group_answers(["only one"]) == [AnswerGroup(0, (0,))]
    with pytest.raises(ValueError, match="one per answer"):
        group_answers(["a", "b"], ["x"])
