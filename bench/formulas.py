"""Formula questions: checking a 50-question bank before use, and grading its parts.

Ten kinds of question a CNN course asks (shapes with stride, padding and dilation; parameter
counts, depthwise separable ones too; a receptive field; MACs; a convolution, a pooling and
a 1-D convolution by hand; global pooling; the memory of a batch's activations), each with
its modelled mistakes, five times over with different ranges: 50 questions. The first figure
times `validate_formula_question` on all 50 (defaults plus 100 variants each); the second,
grading one part of a formula question with fresh numbers, computation included.

    python bench/formulas.py [--repeats 3] [--variants 2000]

Prints the figures, then one JSON object per figure, one per line.
"""

import argparse
import json
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from grader import Computation, PartSpec, expected_answer, grade_part  # noqa: E402
from grader.formulas import (  # noqa: E402
    compute_formulas,
    draw_formula_params,
    evaluate,
    validate_formula_question,
)

VALIDATE_TARGET_S = 10.0
GRADE_TARGET_MS = 1.0


def part(kind: str, output: str, mistakes: dict[str, str], **fields) -> dict:
    return {
        "key": "a",
        "kind": kind,
        "output": output,
        "mistakes": [
            {"key": key, "output": out, "credit": 0, "feedback": "Modelled."} for key, out in mistakes.items()
        ],
        **fields,
    }


TEMPLATES = [
    {
        "params": {"h": 32, "w": 48, "k": 3, "stride": 2, "p": 1, "dilation": 2},
        "ranges": {
            "h": [8, 64],
            "w": [8, 64],
            "k": {"choices": [3, 5]},
            "stride": [1, 3],
            "p": [0, 2],
            "dilation": [1, 3],
        },
        "formulas": {
            "out_h": "conv_output_size(h, k, stride, p, dilation)",
            "out_w": "conv_output_size(w, k, stride, p, dilation)",
            "out_hw": "[out_h, out_w]",
            "undilated": "[conv_output_size(h, k, stride, p), conv_output_size(w, k, stride, p)]",
        },
        "constraints": ["out_h >= 1", "out_w >= 1", "dilation > 1"],
        "part": part("dims", "out_hw", {"no_dilation": "undilated"}),
    },
    {
        "params": {"c_in": 3, "c_out": 16, "k": 3},
        "ranges": {"c_in": {"choices": [1, 3, 16, 32]}, "c_out": [8, 256], "k": [1, 7]},
        "formulas": {"params": "conv2d_params(c_in, c_out, k)", "no_bias": "conv2d_params(c_in, c_out, k, False)"},
        "part": part("integer", "params", {"no_bias": "no_bias"}),
    },
    {
        "params": {"c_in": 32, "c_out": 64, "k": 3},
        "ranges": {"c_in": [8, 128], "c_out": [8, 256], "k": {"choices": [3, 5, 7]}},
        "formulas": {
            "depthwise": "k * k * c_in + c_in",
            "pointwise": "conv2d_params(c_in, c_out, 1)",
            "separable": "depthwise + pointwise",
            "standard": "conv2d_params(c_in, c_out, k)",
        },
        "part": part("integer", "separable", {"standard": "standard", "no_depthwise": "pointwise"}),
    },
    {
        "params": {"k1": 3, "k2": 3, "k3": 3, "s1": 1, "s2": 2},
        "ranges": {"k1": [2, 7], "k2": [2, 7], "k3": [2, 7], "s1": [1, 3], "s2": [1, 3]},
        "formulas": {
            "field": "1 + (k1 - 1) + (k2 - 1) * s1 + (k3 - 1) * s1 * s2",
            "no_strides": "1 + (k1 - 1) + (k2 - 1) + (k3 - 1)",
            "kernel_sum": "k1 + k2 + k3",
        },
        "part": part("integer", "field", {"no_strides": "no_strides", "kernel_sum": "kernel_sum"}),
    },
    {
        "params": {"h": 56, "w": 56, "c_in": 64, "c_out": 128, "k": 3, "stride": 1},
        "ranges": {"h": [7, 112], "w": [7, 112], "c_in": [16, 256], "c_out": [16, 256], "k": {"choices": [1, 3, 5]}},
        "formulas": {
            "out_h": 'conv_output_size(h, k, stride, "same")',
            "out_w": 'conv_output_size(w, k, stride, "same")',
            "macs": "out_h * out_w * k * k * c_in * c_out",
            "no_c_in": "out_h * out_w * k * k * c_out",
        },
        "part": part("number", "macs", {"no_c_in": "no_c_in"}, relative_tolerance=0.01),
    },
    {
        "params": {"image": [[1, 2, 0, 3], [4, 1, 0, 2], [0, 3, 1, 1], [2, 2, 4, 0]], "kernel": [[1, 0], [0, -1]]},
        "ranges": {
            "image": {"matrix": {"rows": [4, 6], "cols": [4, 6], "values": [-3, 5]}},
            "kernel": {"matrix": {"rows": [2, 3], "cols": [2, 3], "values": [-1, 2]}},
        },
        "formulas": {"output": "conv2d(image, kernel)", "flipped": "conv2d(image, flip(kernel))"},
        "part": part("matrix", "output", {"flipped_kernel": "flipped"}, partial_credit=True),
    },
    {
        "params": {"image": [[1, 2, 3, -1], [4, 5, 6, -2], [7, 8, 9, -3], [10, 0, 0, 3]], "size": 2},
        "ranges": {"image": {"matrix": {"rows": [4, 8], "cols": [4, 8], "values": [-9, 20]}}, "size": [2, 3]},
        "formulas": {"max": "max_pool2d(image, size)", "average": "avg_pool2d(image, size)"},
        "constraints": ["size <= len(image) and size <= len(image[0])"],
        "part": part("matrix", "max", {"average_pooling": "average"}, partial_credit=True),
    },
    {
        "params": {"sequence": [1, 2, 3, 4, 5, 6, 7, 8], "kernel": [-1, 0, 1], "stride": 2},
        "ranges": {
            "sequence": {"vector": {"length": [5, 12], "values": [-9, 9]}},
            "kernel": {"vector": {"length": [2, 4], "values": [-2, 2]}},
            "stride": [1, 2],
        },
        "formulas": {
            "same": 'conv1d(sequence, kernel, stride, "same")',
            "flipped": 'conv1d(sequence, flip(kernel), stride, "same")',
            "symmetric": "conv1d(sequence, kernel, stride, (len(kernel) - 1) // 2)",
        },
        "constraints": ["len(kernel) <= len(sequence)"],
        "part": part("vector", "same", {"flipped_kernel": "flipped", "symmetric_padding": "symmetric"}),
    },
    {
        "params": {"first": [[1, 2, 3], [4, 5, 6], [10, 0, 3]], "second": [[1, 0, 2], [0, 1, 3], [2, 0, 2]]},
        "ranges": {
            "first": {"matrix": {"rows": [3, 3], "cols": [3, 3], "values": [0, 10]}},
            "second": {"matrix": {"rows": [3, 3], "cols": [3, 3], "values": [0, 10]}},
        },
        "formulas": {"average": "global_avg_pool([first, second])", "max": "global_max_pool([first, second])"},
        "part": part("vector", "average", {"global_max": "max"}, absolute_tolerance=0.01),
    },
    {
        "params": {"batch": 32, "h": 112, "w": 112, "c": 64, "value_bytes": 4},
        "ranges": {
            "batch": [8, 256],
            "h": [28, 224],
            "w": [28, 224],
            "c": [16, 512],
            "value_bytes": {"choices": [2, 4]},
        },
        "formulas": {"bytes": "batch * h * w * c * value_bytes", "one_image": "h * w * c * value_bytes"},
        "part": part("quantity", "bytes", {"one_image": "one_image"}, unit="MB", relative_tolerance=0.02),
    },
]


def bank() -> list[tuple[dict, list[PartSpec]]]:
    """Fifty questions: each template five times, its [low, high] ranges widened a little."""
    questions = []
    for copy in range(5):
        for number, template in enumerate(TEMPLATES):
            ranges = {name: widened(value, copy) for name, value in template["ranges"].items()}
            data = {**template, "key": f"t{number}-{copy}", "ranges": ranges}
            questions.append((data, [PartSpec.from_dict(template["part"])]))
    return questions


def widened(value, extra: int):
    return [value[0], value[1] + extra] if isinstance(value, list) else value


def validate_all(questions) -> tuple[float, list]:
    start = time.perf_counter()
    built = [(validate_formula_question(data, parts), parts) for data, parts in questions]
    return time.perf_counter() - start, built


def grading(built, variants: int) -> list[float]:
    """Seconds to compute one fresh variant and grade its part, one sample per variant; the
    answer is prepared from an uncached evaluation, so the timed computation is new."""
    rng = random.Random(1)
    samples = []
    for index in range(variants):
        question, parts = built[index % len(built)]
        params = draw_formula_params(question, 1_000_000 + index, parts)
        spec = parts[0]
        _, display = expected_answer(spec, Computation(evaluate(question, params)))
        answer = display if rng.random() < 0.6 else str(rng.randint(1, 999))
        start = time.perf_counter()
        grade_part(spec, compute_formulas(question, params), answer)
        samples.append(time.perf_counter() - start)
    return samples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--variants", type=int, default=2_000)
    options = parser.parse_args()

    questions = bank()
    runs = []
    for _ in range(options.repeats):
        seconds, built = validate_all(questions)
        runs.append(seconds)
    print(
        f"validated {len(questions)} formula questions (defaults + 100 variants each): "
        + ", ".join(f"{s:.2f} s" for s in runs)
    )
    samples = grading(built, options.variants)
    median_ms = statistics.median(samples) * 1000
    p95_ms = statistics.quantiles(samples, n=20)[-1] * 1000
    print(f"grading a part with fresh numbers: median {median_ms:.3f} ms, 95th percentile {p95_ms:.3f} ms")
    print(
        json.dumps(
            {
                "bench": "formulas",
                "metric": "validate_50_questions_s",
                "value": round(max(runs), 2),
                "target": VALIDATE_TARGET_S,
            }
        )
    )
    print(
        json.dumps(
            {
                "bench": "formulas",
                "metric": "grade_part_fresh_ms",
                "value": round(median_ms, 3),
                "target": GRADE_TARGET_MS,
            }
        )
    )


if __name__ == "__main__":
    main()
