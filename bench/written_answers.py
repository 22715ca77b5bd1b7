"""Written answers: the suggestions against a careful teacher's scores, their speed, and grouping.

Grades every labelled answer (tests/data/written_answers.yaml) and prints how far the
suggestions are from the teacher's scores: the mean absolute error and the share of
suggestions off by 0.5 or more, on the whole set, on the part used for tuning and on the
held-out rest (per part and per kind with --details). Then the time per suggestion (the
model and every rubric loaded first, each answer's sentences embedded afresh), and the time
to group 500 answers to one part.

    python bench/written_answers.py [--details] [--group-answers 500] [--seed 1]

Ends with one JSON object per figure, one per line.
"""

import argparse
import json
import random
import re
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from grader import grade_part, group_answers, meaning, rubric  # noqa: E402
from tests.grader.bank import spec  # noqa: E402
from tests.grader.labelled import FAR_OFF, agreement, labelled_answers  # noqa: E402

TARGET_MAE = 0.15
TARGET_FAR_OFF = 0.05
TARGET_MS = 50.0
TARGET_GROUPING_S = 10.0


def figure(metric: str, value: float, target: float | None) -> None:
    print(json.dumps({"bench": "written_answers", "metric": metric, "value": value, "target": target}))


def report(name: str, pairs: list[tuple[float, float]]) -> None:
    if not pairs:
        return
    result = agreement(pairs)
    print(
        f"{name:<28} {result.count:>4} answers  MAE {result.mean_absolute_error:.3f}  "
        f"off by {FAR_OFF} or more: {result.far_off_share:6.1%}"
    )


def accuracy(details: bool) -> dict:
    answers = labelled_answers()
    verdicts = {answer.id: answer.suggest() for answer in answers}
    pairs = {answer.id: (answer.score, verdicts[answer.id].score) for answer in answers}
    print("Suggestions against the teacher's scores")
    report("all", list(pairs.values()))
    report("tuning", [pairs[a.id] for a in answers if not a.held_out])
    report("held out (all)", [pairs[a.id] for a in answers if a.held_out])
    report("held out, first round", [pairs[a.id] for a in answers if a.held_out and not a.second_round])
    report("held out, second round", [pairs[a.id] for a in answers if a.second_round])
    wrong = [a for a in answers if abs(pairs[a.id][0] - pairs[a.id][1]) >= 0.25]
    flagged = [a for a in wrong if "low_confidence" in verdicts[a.id].flags]
    all_flagged = sum("low_confidence" in verdict.flags for verdict in verdicts.values())
    print(
        f"flagged low confidence: {all_flagged} of {len(answers)} suggestions; "
        f"{len(flagged)} of the {len(wrong)} off by 0.25 or more"
    )
    if details:
        for name, key in (("part", lambda a: a.part), ("kind", lambda a: a.kind)):
            groups = defaultdict(list)
            for answer in answers:
                groups[key(answer)].append(pairs[answer.id])
            print(f"by {name}:")
            for value, group in sorted(groups.items()):
                report(f"  {value}", group)
        print("off by 0.25 or more:")
        for answer in wrong:
            verdict = verdicts[answer.id]
            print(
                f"  {answer.id:<11} {answer.kind:<14} teacher {answer.score:.2f} suggested {verdict.score:.2f} "
                f"{','.join(verdict.flags) or '-'}  {answer.text[:70]!r}"
            )
    every = agreement(list(pairs.values()))
    held = agreement([pairs[a.id] for a in answers if a.held_out])
    return {"all": every, "held_out": held}


def speed() -> tuple[list[float], list[float]]:
    """Milliseconds per suggestion, wall and CPU, each answer's sentences embedded afresh."""
    answers = labelled_answers()
    for answer in answers:  # the model, every rubric's examples and the code paths, warmed
        answer.suggest()
    meaning._cache.clear()
    rubric.suggest.cache_clear()
    specs = {answer.part: spec(answer.part[:-1], answer.part[-1]) for answer in answers}
    timings, cpu_timings = [], []
    for answer in answers:
        start, cpu_start = time.perf_counter(), time.process_time()
        grade_part(specs[answer.part], None, answer.text)
        timings.append((time.perf_counter() - start) * 1000)
        cpu_timings.append((time.process_time() - cpu_start) * 1000)
    return timings, cpu_timings


def class_of_answers(count: int, seed: int) -> list[str]:
    """`count` answers to q1a as a class writes them: sentences of the labelled answers
    recombined, some cut short, with typing slips and changed case."""
    rng = random.Random(seed)
    sentences = [
        sentence.strip()
        for answer in labelled_answers()
        if answer.part == "q1a"
        for sentence in re.split(r"(?<=[.!?])\s+", answer.text)
        if sentence.strip()
    ]
    answers = []
    for _ in range(count):
        chosen = rng.sample(sentences, rng.randint(1, 3))
        text = " ".join(chosen)
        if rng.random() < 0.3:
            words = text.split()
            text = " ".join(words[: max(2, int(len(words) * rng.uniform(0.4, 0.9)))])
        if rng.random() < 0.3:
            position = rng.randrange(len(text))
            text = text[:position] + text[position + 1 :]
        if rng.random() < 0.2:
            text = text.lower()
        answers.append(text)
    return answers


def grouping(count: int, seed: int) -> tuple[float, float, int, int]:
    texts = class_of_answers(count, seed)
    part = spec("q1", "a")
    labels = [frozenset(grade_part(part, None, text).concepts_found) for text in texts]
    meaning._cache.clear()  # the answers embedded afresh, as a teacher's first look at them
    start, cpu_start = time.perf_counter(), time.process_time()
    groups = group_answers(texts, labels)
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu_start
    return elapsed, cpu, len(groups), len(groups[0]) if groups else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--details", action="store_true", help="per part, per kind, and every answer off by 0.25")
    parser.add_argument("--group-answers", type=int, default=500)
    parser.add_argument("--seed", type=int, default=1)
    options = parser.parse_args()

    start = time.perf_counter()
    meaning.embed(["load the model"])
    print(f"model loaded in {time.perf_counter() - start:.1f} s")
    results = accuracy(options.details)
    timings, cpu_timings = speed()
    median, p95 = statistics.median(timings), statistics.quantiles(timings, n=20)[-1]
    print(
        f"time per suggestion: median {median:.1f} ms, mean {statistics.fmean(timings):.1f} ms, "
        f"95th percentile {p95:.1f} ms, longest {max(timings):.1f} ms"
    )
    # CPU time is what a suggestion costs; wall time also counts waiting for a busy machine's CPU.
    print(
        f"CPU time per suggestion: median {statistics.median(cpu_timings):.1f} ms, "
        f"95th percentile {statistics.quantiles(cpu_timings, n=20)[-1]:.1f} ms"
    )
    elapsed, cpu, group_count, largest = grouping(options.group_answers, options.seed)
    print(
        f"grouped {options.group_answers} answers in {elapsed:.2f} s ({cpu:.2f} s of CPU): "
        f"{group_count} groups, the largest of {largest}"
    )

    figure("mean_absolute_error", round(results["all"].mean_absolute_error, 3), TARGET_MAE)
    figure("far_off_share", round(results["all"].far_off_share, 3), TARGET_FAR_OFF)
    figure("held_out_mean_absolute_error", round(results["held_out"].mean_absolute_error, 3), TARGET_MAE)
    figure("held_out_far_off_share", round(results["held_out"].far_off_share, 3), TARGET_FAR_OFF)
    figure("median_ms_per_suggestion", round(median, 1), TARGET_MS)
    figure("median_cpu_ms_per_suggestion", round(statistics.median(cpu_timings), 1), TARGET_MS)
    figure("grouping_seconds", round(elapsed, 2), TARGET_GROUPING_S)
    figure("grouping_cpu_seconds", round(cpu, 2), TARGET_GROUPING_S)


if __name__ == "__main__":
    main()
