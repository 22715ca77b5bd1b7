"""The sentence-embedding model: shipped in a package, loaded offline, never fetched."""

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from grader import meaning

pytestmark = pytest.mark.semantic

ROOT = Path(__file__).resolve().parents[2]

# Run in a fresh interpreter, so that the model is loaded there for the first time: any
# connection (or name lookup) fails loudly and is recorded, and the hub's cache is an empty
# folder of the test's own that must stay empty.
LOAD_WITHOUT_NETWORK = """
import json, os, socket, sys

attempts = []

def refuse(*args, **kwargs):
    attempts.append(repr(args[:2]))
    raise OSError("networking is disabled in this test")

socket.socket.connect = refuse
socket.socket.connect_ex = refuse
socket.create_connection = refuse
socket.getaddrinfo = refuse

from grader import meaning

vectors = meaning.embed(["CNNs share weights across positions.", "Pooling makes feature maps smaller."])
print(json.dumps({"attempts": attempts, "shape": list(vectors.shape), "norms": [float(sum(v * v)) for v in vectors]}))
"""


def test_the_model_loads_and_embeds_with_networking_disabled_and_fetches_nothing(tmp_path):
    hub = tmp_path / "hub"
    hub.mkdir()
    environment = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(tmp_path),
        "HF_HOME": str(hub),
        "PYTHONPATH": str(ROOT),
    }
    completed = subprocess.run(
        [sys.executable, "-c", LOAD_WITHOUT_NETWORK],
        cwd=ROOT, env=environment, capture_output=True, text=True, timeout=600, check=False,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    report = json.loads(completed.stdout.strip().splitlines()[-1])
    assert report["attempts"] == []
    assert report["shape"] == [2, meaning.DIMENSIONS]
    assert report["norms"] == pytest.approx([1.0, 1.0], abs=1e-4)
    assert list(hub.rglob("*")) == [], "nothing is downloaded into the hub's cache"


def test_embeddings_are_unit_vectors_that_put_paraphrases_closer_than_other_topics():
    same, paraphrase, other = meaning.embed(
        ["A CNN needs far fewer parameters.", "Convolutional networks have much fewer weights.", "I like pizza."]
    )
    assert np.linalg.norm(same) == pytest.approx(1.0, abs=1e-4)
    assert same @ paraphrase > same @ other + 0.3


def test_the_same_text_is_embedded_once(monkeypatch):
    model = meaning._load()
    original = model.encode
    calls = []

    def counting(texts, **options):
        calls.append(list(texts))
        return original(texts, **options)

    monkeypatch.setattr(model, "encode", counting)
    first = meaning.embed(["a sentence first seen in this test", "another one first seen here"])
    again = meaning.embed(["a sentence first seen in this test", "a sentence first seen in this test"])
    assert calls == [["a sentence first seen in this test", "another one first seen here"]]
    assert again[0] == pytest.approx(first[0]) and again[1] == pytest.approx(first[0])


def test_an_answer_longer_than_the_model_reads_is_cut_before_embedding():
    long_text = "Skip connections add the input to the output. " * 1000
    assert meaning.embed([long_text]).shape == (1, meaning.DIMENSIONS)
