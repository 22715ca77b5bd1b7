"""Reading hostile answers: the slowest 20,000-character inputs for every answer kind.

Each answer is graded in-process through `grader.grade_part`, as submitting does, for a
part of every kind of the shipped quiz. The answers are long runs of digits, separators,
`x`, spaces, brackets, operators, letters, LaTeX and their mixtures: the shapes that made
the old regular expressions backtrack (2,002 characters to a size part took 8.7 s). The
test suite grades the same answers under a hang guard (tests/grader/test_hostile_answers.py).

    python bench/parsing.py [--repeat 5]

Prints the slowest answer per kind, then one JSON object per figure, one per line.
"""

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import grader  # noqa: E402

TARGET_MS = 50.0
LENGTH = 20_000

# Repeated to LENGTH characters: each a shape some pattern or scan could stumble on.
UNITS = [
    "9", "1,", "1 ", " ", "\n", "x", "7x", "7 x ", "7×", "(", ")", "[", "]", "()", "[]", "[1,", "(7 ", "[7 ", "1e",
    "1.", ".", ",", ";", "1;", "a", "a1", "=", "=1", "≈", "^", "**", "1^", "1/", "-", "+1", "1,000 ", "1 000,",
    "0,5 ", "3,78, ", "\\frac{1}{2}", "{", "}", "\\\\", "&", "$", "tensor(", "e", "..", "⁵", "1⁵", "× 10^", " by",
    "-by-", "K", " M", "MB ", "1 MB + ", "and ", "( 1 ", "_", "1_",
]


def hostile_answers() -> dict[str, str]:
    """Name → a 20,000-character answer."""
    answers = {f"repeat {unit!r}": (unit * (LENGTH // len(unit) + 1))[:LENGTH] for unit in UNITS}
    answers.update(
        {
            "bracket, spaces, bracket, letter": "(" + " " * (LENGTH - 3) + ")x",
            "bracket, spaces, x, spaces": "[" + " " * (LENGTH // 2 - 1) + "x" + " " * (LENGTH // 2 - 1),
            "letters then a digit": "a" * (LENGTH - 1) + "1",
            "digit, spaces, letters, digit": "1" + " " * (LENGTH // 2 - 1) + "a" * (LENGTH // 2 - 1) + "1",
            "digits then spaces": "1" * 10 + " " * (LENGTH - 10),
            "digits then a letter": "9" * (LENGTH - 1) + "x",
            "nested brackets": "[" * (LENGTH // 2) + "]" * (LENGTH // 2),
            "7 × 7 then words": "7 × 7 (" + "the whole feature map " * (LENGTH // 22),
            "a working then a value": "1 + " * (LENGTH // 4 - 5) + "= 903400",
        }
    )
    return {name: (text * (LENGTH // len(text) + 1))[:LENGTH] for name, text in answers.items()}


def hostile_parts() -> dict[str, tuple[grader.PartSpec, grader.Computation | None]]:
    """A part of every answer kind, with its computation: the shipped quiz's, and a number part."""
    computation = grader.compute("dense_to_conv", {"units": 200, "map_height": 7, "map_width": 7, "map_channels": 512})
    stack = grader.compute(
        "conv_stack",
        {
            "input_height": 200, "input_width": 300, "input_channels": 3, "kernel_size": 3, "stride": 2,
            "padding": "same", "filters": [100, 200, 400], "bytes_per_value": 4, "batch_size": 50,
        },
    )
    pooled = grader.compute("pool2d", {"image": [[1, 2, 3, -1], [4, 5, 6, -2], [7, 8, 9, -3], [10, 0, 0, 3]],
                                       "pool_size": 2, "stride": 2})
    averaged = grader.compute("global_pool", {"feature_maps": [[[1, 2], [3, 4]], [[1, 0], [2, 2]]]})
    spec = grader.PartSpec
    choices = (grader.ChoiceSpec("valid", "valid"), grader.ChoiceSpec("same", "same"))
    shape = grader.Computation(outputs={"out": [32, 64, 112, 112]})
    return {
        "integer": (spec(key="a", kind="integer", output="parameters"), stack),
        "number": (spec(key="a", kind="number", output="filters", relative_tolerance=0.01), computation),
        "quantity": (
            spec(key="b", kind="quantity", output="prediction_bytes", unit="MB", relative_tolerance=0.02),
            stack,
        ),
        "vector": (
            spec(key="a", kind="vector", output="average", absolute_tolerance=0.01, partial_credit=True),
            averaged,
        ),
        "matrix": (spec(key="a", kind="matrix", output="max", partial_credit=True), pooled),
        "dims": (spec(key="c", kind="dims", output="kernel_size"), computation),
        "choice": (spec(key="d", kind="choice", choices=choices, correct_choice="valid"), None),
        "count": (spec(key="a", kind="count", output="parameters", unit="parameters", relative_tolerance=0.01), stack),
        "shape": (spec(key="a", kind="shape", output="out", partial_credit=True), shape),
        "select_all": (spec(key="d", kind="select_all", choices=choices, correct_choice="valid,same"), None),
        "significant figures": (
            spec(key="a", kind="number", output="filters", relative_tolerance=0.01, significant_figures=3),
            computation,
        ),
    }


def measure(repeat: int) -> dict[str, tuple[float, float, str]]:
    """Per kind: the slowest answer's time (its median over `repeat` runs), the median over
    all answers, in ms, and the slowest answer's name."""
    answers = hostile_answers()
    results = {}
    for kind, (spec, computation) in hostile_parts().items():
        times = {}
        for name, text in answers.items():
            runs = []
            for _ in range(repeat):
                start = time.perf_counter()
                grader.grade_part(spec, computation, text)
                runs.append(time.perf_counter() - start)
            times[name] = statistics.median(runs) * 1000
        slowest = max(times, key=times.get)
        results[kind] = (times[slowest], statistics.median(times.values()), slowest)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    options = parser.parse_args()
    results = measure(options.repeat)
    print(f"{len(hostile_answers())} answers of {LENGTH:,} characters per kind, median of {options.repeat} runs each")
    for kind, (slowest, median, name) in results.items():
        print(f"{kind:9} slowest {slowest:6.1f} ms ({name}), median {median:5.2f} ms")
    worst = max(slowest for slowest, _, _ in results.values())
    print(json.dumps({"bench": "parsing", "metric": "max_ms_per_hostile_answer", "value": round(worst, 1),
                      "target": TARGET_MS}))
    median = statistics.median(median for _, median, _ in results.values())
    print(json.dumps({"bench": "parsing", "metric": "median_ms_per_hostile_answer", "value": round(median, 2),
                      "target": None}))


if __name__ == "__main__":
    main()
