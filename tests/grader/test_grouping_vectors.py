"""Grouping answers from vectors the caller kept: no model, and the vectors stored as bytes come back the same."""

import numpy as np
import pytest

from grader import group_answers, meaning, vector_bytes, vector_from_bytes


def unit(*values: float) -> np.ndarray:
    vector = np.zeros(meaning.DIMENSIONS, dtype=np.float32)
    vector[: len(values)] = values
    return vector / np.linalg.norm(vector)


@pytest.fixture
def no_model(monkeypatch):
    monkeypatch.setattr(meaning, "embed", lambda texts: pytest.fail("the answers were embedded again"))


def test_answers_are_grouped_by_the_vectors_given_without_the_model(no_model):
    vectors = np.vstack([unit(1, 0), unit(0, 1), unit(0.99, 0.05), unit(1, 0.02)])
    groups = group_answers(["a", "b", "c", "d"], vectors=vectors)
    assert [sorted(group.members) for group in groups] == [[0, 2, 3], [1]]


def test_one_vector_is_needed_per_answer(no_model):
    with pytest.raises(ValueError, match="vectors: one per answer"):
        group_answers(["a", "b"], vectors=np.vstack([unit(1)]))


def test_a_vector_survives_being_stored_as_bytes():
    vector = unit(0.3, -0.2, 0.9)
    data = vector_bytes(vector)
    assert len(data) == meaning.DIMENSIONS * 4
    assert np.array_equal(vector_from_bytes(memoryview(data)), vector)


@pytest.mark.parametrize("data", [None, b"", b"\x00" * 12])
def test_no_vector_or_another_models_reads_as_none(data):
    assert vector_from_bytes(data) is None
