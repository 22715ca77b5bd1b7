"""Grouping a part's answers by meaning, so that a teacher can grade a group at once.

Each answer is embedded whole (`answer_vectors`; a caller may keep the vectors, as bytes,
and pass them back) and the answers are clustered by average linkage on cosine distance: a
group's answers are on average at least GROUP_SIMILARITY alike. Answers given different
labels (for instance the rubric concepts each was found to cover) are never put in one
group, so that applying rubric items to a group is right for every member: "CNNs share
weights" and "CNNs have no weight sharing" read alike to the model, but not to the rubric.
"""

from collections import defaultdict
from collections.abc import Hashable, Sequence
from dataclasses import dataclass

import numpy as np
from scipy.cluster.hierarchy import fcluster, linkage

from grader import meaning

GROUP_SIMILARITY = 0.75
"""The least average cosine similarity within a group."""


@dataclass(frozen=True)
class AnswerGroup:
    """Answers that say the same thing, as indices into the answers grouped."""

    representative: int
    """The member most like the others (the medoid): the one to read first."""
    members: tuple[int, ...]
    """Every member, the representative first, then the others from most to least like it."""

    def __len__(self) -> int:
        return len(self.members)


def answer_vectors(texts: Sequence[str]) -> np.ndarray:
    """Each answer's embedding as grouping compares them, one unit row per answer; raises
    `meaning.ModelUnavailable` if the embedding model cannot be loaded."""
    return meaning.embed([" ".join(text.split()) for text in texts])


def vector_bytes(vector: np.ndarray) -> bytes:
    """An answer's vector as bytes to store (little-endian float32)."""
    return np.asarray(vector, dtype="<f4").tobytes()


def vector_from_bytes(data: bytes | memoryview | None) -> np.ndarray | None:
    """A stored vector back, or None if there is none or it is not this model's (another size)."""
    if data is None or len(data) != meaning.DIMENSIONS * 4:
        return None
    return np.frombuffer(bytes(data), dtype="<f4")


def group_answers(
    texts: Sequence[str], labels: Sequence[Hashable] | None = None, *, vectors: np.ndarray | None = None
) -> list[AnswerGroup]:
    """The answers in groups, largest first (ties: in the order of their first member).

    `labels`, one per answer, keeps answers with different labels apart. `vectors`, the
    answers' `answer_vectors` if the caller has them, spares embedding them again. Raises
    `meaning.ModelUnavailable` if the embedding model cannot be loaded.
    """
    if labels is not None and len(labels) != len(texts):
        raise ValueError("labels: one per answer")
    if vectors is not None and len(vectors) != len(texts):
        raise ValueError("vectors: one per answer")
    if not texts:
        return []
    if vectors is None:
        vectors = answer_vectors(texts)
    by_label: dict[Hashable, list[int]] = defaultdict(list)
    for index in range(len(texts)):
        by_label[labels[index] if labels is not None else None].append(index)
    groups = []
    for indices in by_label.values():
        groups.extend(_cluster(vectors, indices))
    return sorted(groups, key=lambda group: (-len(group), min(group.members)))


def _cluster(vectors: np.ndarray, indices: list[int]) -> list[AnswerGroup]:
    if len(indices) == 1:
        return [AnswerGroup(indices[0], (indices[0],))]
    # Rounding noise can give identical answers a distance a hair below zero.
    tree = linkage(vectors[indices].astype(np.float64), method="average", metric="cosine")
    tree[:, 2] = np.maximum(tree[:, 2], 0.0)
    assignment = fcluster(tree, t=1 - GROUP_SIMILARITY, criterion="distance")
    clusters: dict[int, list[int]] = defaultdict(list)
    for index, cluster in zip(indices, assignment, strict=True):
        clusters[cluster].append(index)
    return [_group(vectors, members) for members in clusters.values()]


def _group(vectors: np.ndarray, members: list[int]) -> AnswerGroup:
    similarity = vectors[members] @ vectors[members].T
    representative = int(np.argmax(similarity.sum(axis=1)))
    order = np.argsort(-similarity[representative], kind="stable")
    ordered = [members[representative]] + [members[i] for i in order if i != representative]
    return AnswerGroup(members[representative], tuple(ordered))
