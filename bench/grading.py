"""Grading throughput: complete attempts at the shipped quiz, graded in-process as a submit grades them.

Every attempt draws its own numbers (its own seed) for each randomizable question and
answers all 21 parts with a realistic mix: right answers typed in the various accepted
formats, known mistakes, other wrong numbers, malformed text, blanks and free text.
The answers are prepared first; the clock runs only around grading, and nothing is
cached for an attempt's numbers beforehand, so each attempt pays for its computations.
Written answers get the phrase suggestion a submit gives them; reading them by meaning
happens after the submit and is measured by bench/written_answers.py.

    python bench/grading.py [--attempts 10000] [--seed 1]

Prints attempts per second and the median time per attempt, then one JSON object per
figure, one per line.
"""

import argparse
import gc
import json
import random
import statistics
import sys
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import grader  # noqa: E402

BANK = ROOT / "quiz" / "data" / "cnn-fundamentals.yaml"
TARGET_MS = 1.0

FREE_TEXT = [
    "The input size can vary, and a pattern learned once is detected anywhere thanks to weight sharing.",
    "Far fewer parameters because of local connectivity, so less overfitting.",
    "Dropout, data augmentation, local response normalization and ReLU, trained on two GPUs.",
    "Skip connections: the layers learn a residual, which lets very deep networks train.",
    "Conv layers with ReLU then a pooling layer, repeated; then flatten, dense layers and a softmax output.",
    "Shifting, rotating, flipping and cropping images to make more training data and reduce overfitting.",
    "Semantic segmentation gives each pixel a class; instance segmentation also separates each object.",
    "I am not sure.",
    "",
]
MALFORMED = [
    "1.234,5 MB", "abc", "[1, 2", "12.6 kg", "1/0", "902700 or 903400", "5 6\n10", "?", "7.5x7", "1e999", "3,78, 1,22",
]


def load_questions() -> list[dict]:
    data = yaml.safe_load(BANK.read_text(encoding="utf-8"))
    questions = []
    for question in data["questions"]:
        questions.append(
            {
                "calculator": question.get("calculator") or "",
                "params": question.get("params") or {},
                "ranges": question.get("ranges") or {},
                "parts": [grader.PartSpec.from_dict(part) for part in question["parts"]],
            }
        )
    return questions


def right_answer(spec: grader.PartSpec, value, display: str, rng: random.Random) -> str:
    """The correct answer as students type it, in one of the accepted formats."""
    kind = spec.kind
    if kind == "integer":
        return rng.choice([display, str(value), display.replace(",", " "), f"{value} parameters", f"Total = {display}"])
    if kind == "quantity":
        return rng.choice(
            [display, display.replace(" ", ""), f"{value * 1e6:.0f} B", f"{value:.2f}", f"about {display}",
             f"{value:.2f} MB".replace(".", ",")]
        )
    if kind == "vector":
        texts = [f"{v:.2f}".rstrip("0").rstrip(".") if isinstance(v, float) else str(v) for v in value]
        return rng.choice([", ".join(texts), "[" + " ".join(texts) + "]", display, " ".join(texts).replace(".", ",")])
    if kind == "matrix":
        rows = [" ".join(str(v) for v in row) for row in value]
        return rng.choice([display, "; ".join(rows), "\n".join(f"[{row}]" for row in rows)])
    if kind == "dims":
        return rng.choice([display, "x".join(map(str, value)), ", ".join(map(str, value))])
    return display


def answer(spec: grader.PartSpec, computation, rng: random.Random) -> str:
    if spec.kind == "text":
        return " ".join(rng.sample(FREE_TEXT, rng.randint(1, 3))).strip()
    if spec.kind == "choice":
        choice = rng.choice(spec.choices)
        return rng.choice([choice.key, choice.label.upper(), spec.correct_choice, "not sure"])
    value, display = grader.expected_answer(spec, computation)
    roll = rng.random()
    if roll < 0.55:
        return right_answer(spec, value, display, rng)
    if roll < 0.70 and spec.mistakes:
        output = computation.outputs[rng.choice(spec.mistakes).output]
        return f"{output} B" if spec.kind == "quantity" else str(output)
    if roll < 0.80:
        return str(rng.randint(1, 999))
    if roll < 0.92:
        return rng.choice(MALFORMED)
    return ""


def prepare(questions: list[dict], attempts: int, seed: int) -> list[list[tuple]]:
    """Each attempt's numbers and answers, question by question."""
    rng = random.Random(seed)
    prepared = []
    for number in range(attempts):
        attempt = []
        for question in questions:
            params = question["params"]
            computation = None
            if question["calculator"]:
                params = grader.draw_params(
                    question["calculator"], params, question["ranges"], seed * 1_000_003 + number, question["parts"]
                )
                # Straight from the calculator, so that the grading below finds nothing cached.
                computation = grader.CALCULATORS[question["calculator"]](params)
            answers = {spec.key: answer(spec, computation, rng) for spec in question["parts"]}
            attempt.append((question["calculator"], params, question["parts"], answers))
        prepared.append(attempt)
    return prepared


def run(prepared: list[list[tuple]]) -> tuple[list[float], list[float], dict[str, int]]:
    """Grade every attempt; its wall-clock and CPU seconds, and how many verdicts of each status."""
    timings, cpu_timings = [], []
    statuses: dict[str, int] = {}
    clock, cpu_clock = time.perf_counter, time.process_time
    for attempt in prepared:
        start, cpu_start = clock(), cpu_clock()
        verdicts = [grader.grade_question(*question, by_meaning=False) for question in attempt]
        timings.append(clock() - start)
        cpu_timings.append(cpu_clock() - cpu_start)
        for by_part in verdicts:
            for verdict in by_part.values():
                statuses[verdict.status] = statuses.get(verdict.status, 0) + 1
    return timings, cpu_timings, statuses


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--attempts", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    options = parser.parse_args()

    questions = load_questions()
    parts = sum(len(question["parts"]) for question in questions)
    prepared = prepare(questions, options.attempts, options.seed)
    # The prepared attempts are scaffolding a server would not hold: keep the collector off them.
    gc.freeze()
    timings, cpu_timings, statuses = run(prepared)

    total = sum(timings)
    median_ms = statistics.median(timings) * 1000
    per_second = len(timings) / total
    p95_ms = statistics.quantiles(timings, n=20)[-1] * 1000
    print(f"{len(timings):,} attempts of {parts} parts, randomized numbers, graded in {total:.2f} s")
    print(f"{per_second:,.0f} attempts per second; median {median_ms:.3f} ms, 95th percentile {p95_ms:.3f} ms")
    # CPU time is what grading costs; wall time also counts waiting for the CPU on a busy machine.
    print(
        f"CPU time per attempt: median {statistics.median(cpu_timings) * 1000:.3f} ms, "
        f"mean {statistics.fmean(cpu_timings) * 1000:.3f} ms"
    )
    print("verdicts: " + ", ".join(f"{status} {count:,}" for status, count in sorted(statuses.items())))
    print(
        json.dumps(
            {"bench": "grading", "metric": "median_ms_per_attempt", "value": round(median_ms, 3), "target": TARGET_MS}
        )
    )
    print(
        json.dumps({"bench": "grading", "metric": "attempts_per_second", "value": round(per_second, 1), "target": None})
    )


if __name__ == "__main__":
    main()
