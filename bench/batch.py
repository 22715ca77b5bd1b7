"""Batch work and big classes on PostgreSQL: regrading, exporting, the gradebook and the review queue.

    python bench/batch.py [--fresh] [--regrade-attempts 10000] [--export-attempts 4762]

Uses the database in DATABASE_URL if it is PostgreSQL, else `convquiz_bench` on the
local server (created if missing, rebuilt with --fresh). Each data set is a randomized
copy of the shipped quiz holding submitted, graded attempts (bench/data.py), made once
and reused by later runs:

- bench-regrade: 10,000 attempts (210,000 responses). The key of one choice part is
  corrected before each run, so a real share of attempts change and are written;
- bench-export: 4,762 attempts (100,002 responses), exported as CSV by the export
  generator, consumed in full;
- bench-class-100 and bench-class-1000: the gradebook and the review queue, read
  through the views with the Django test client, so middleware and templates count
  (sessions in Redis when it answers, as in production).

After loading, the tables are analyzed, as autovacuum does within a minute of a bulk
load: measured on never-analyzed tables, streaming queries get nested-loop plans that
turn a one-second export into two minutes (docs/benchmarks.md).

Regrading and exporting each run in a fresh subprocess. Their peak memory is that
process's peak resident set (VmHWM) minus its resident set just before the operation,
after Django and the grader are loaded: the operation's own peak, C allocations (the
database driver's buffers) included.

Prints a table, then one JSON object per figure, one per line.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import data  # noqa: E402

TARGETS = {
    "regrade_10k_s": 60,
    "regrade_peak_mb": 300,
    "export_100k_s": 10,
    "export_peak_mb": 150,
    "gradebook_1000_ms": 200,
    "gradebook_1000_queries": None,
    "gradebook_students_1000_ms": 200,
    "gradebook_students_1000_queries": None,
    "review_queue_1000_ms": 200,
    "review_queue_1000_queries": None,
}
CORRECTED_PART = ("q7", "c")
"""A choice part whose key flips between two of its choices before each regrade."""
PAGE_REPEATS = 15


# --- Memory --------------------------------------------------------------------------------------


def _status_mb(field: str) -> float:
    """A memory figure of this process from /proc/self/status, in MiB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024  # kB
    raise RuntimeError(f"no {field} in /proc/self/status")


def resident_mb() -> float:
    return _status_mb("VmRSS")


def peak_resident_mb() -> float:
    """The peak resident set (VmHWM); unlike ru_maxrss it is not inherited from the parent across exec."""
    return _status_mb("VmHWM")


# --- The measured operations, each run in its own process ----------------------------------------


def warm_up(quiz) -> None:
    """Load what any first grading loads (calculators, units), so it is not counted as the operation's."""
    import grader

    for question in data.question_data(quiz):
        answers = {spec.key: "1" for spec in question.specs}
        grader.grade_question(question.calculator, question.params, question.specs, answers)


def measure_regrade(quiz) -> dict:
    from quiz.regrade import regrade_quiz

    start = time.perf_counter()
    report = regrade_quiz(quiz=quiz)
    seconds = time.perf_counter() - start
    return {
        "seconds": seconds,
        "attempts": report.attempts,
        "attempts_changed": report.attempts_changed,
        "parts_changed": report.parts_changed,
        "errors": sum(report.errors.values()),
    }


def measure_export(quiz) -> dict:
    from quiz import exports

    start = time.perf_counter()
    lines = size = 0
    for line in exports.csv_lines(exports.response_rows(quiz)):
        lines += 1
        size += len(line)
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "rows": lines - 1, "characters": size}


OPERATIONS = {"regrade": measure_regrade, "export": measure_export}


def run_operation(name: str, quiz_key: str, url: str) -> None:
    """The child process: time one operation and print its figures as one JSON line."""
    data.configure_django(url)
    from quiz.models import Quiz

    quiz = Quiz.objects.get(key=quiz_key)
    warm_up(quiz)
    before = resident_mb()
    figures = OPERATIONS[name](quiz)
    figures.update(rss_before_mb=before, peak_rss_mb=peak_resident_mb())
    figures["peak_mb"] = max(figures["peak_rss_mb"] - before, 0)
    print(json.dumps(figures))


def in_subprocess(name: str, quiz_key: str, url: str) -> dict:
    command = [sys.executable, __file__, "--operation", name, "--quiz", quiz_key, "--database-url", url]
    completed = subprocess.run(command, check=True, capture_output=True, text=True)
    return json.loads(completed.stdout.strip().splitlines()[-1])


# --- Pages, in this process ----------------------------------------------------------------------


def measure_page(client, url: str) -> tuple[float, int]:
    """The median time of the page after one warm-up request, and its query count."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    if response.status_code != 200:
        raise SystemExit(f"GET {url}: {response.status_code}")
    count = len(queries)  # read now: the next request clears the connection's query log
    timings = []
    for _ in range(PAGE_REPEATS):
        start = time.perf_counter()
        client.get(url)
        timings.append((time.perf_counter() - start) * 1000)
    return statistics.median(timings), count


def measure_pages(quiz, client) -> dict:
    from django.urls import reverse

    gradebook_ms, gradebook_queries = measure_page(client, reverse("teacher:gradebook", args=[quiz.pk]))
    sorted_ms, sorted_queries = measure_page(
        client, reverse("teacher:gradebook", args=[quiz.pk]) + "?sort=-score&page=999999"
    )
    students_ms, students_queries = measure_page(client, reverse("teacher:gradebook_students", args=[quiz.pk]))
    review_ms, review_queries = measure_page(client, reverse("teacher:review_queue", args=[quiz.pk]))
    return {
        "gradebook_ms": gradebook_ms, "gradebook_queries": gradebook_queries,
        "gradebook_students_ms": students_ms, "gradebook_students_queries": students_queries,
        "gradebook_sorted_ms": sorted_ms, "gradebook_sorted_queries": sorted_queries,
        "review_queue_ms": review_ms, "review_queue_queries": review_queries,
    }


def teacher_client():
    from django.test import Client

    client = Client()
    client.force_login(data.ensure_teacher())
    return client


# --- Setting up and reporting --------------------------------------------------------------------


def correct_a_key(quiz) -> str:
    """Flip the corrected part's key between its first two choices, as a teacher fixing a key does."""
    from quiz.models import Part

    question_key, part_key = CORRECTED_PART
    part = Part.objects.get(question__quiz=quiz, question__key=question_key, key=part_key)
    first, second = (choice["key"] for choice in part.choices[:2])
    part.correct_choice = second if part.correct_choice == first else first
    part.save(update_fields=["correct_choice"])
    return f"{question_key}{part_key} → {part.correct_choice}"


def prepare(options) -> dict:
    """Create what is missing; returns the quizzes by role."""
    started = time.perf_counter()
    source = data.migrate_and_load_bank()
    data.collect_static()
    largest = max(options.regrade_attempts, options.export_attempts, options.class_attempts)
    students = data.ensure_students(largest)
    quizzes = {
        "regrade": data.ensure_quiz_with_attempts(source, "bench-regrade", options.regrade_attempts, students),
        "export": data.ensure_quiz_with_attempts(source, "bench-export", options.export_attempts, students, seed=2),
        "class_100": data.ensure_quiz_with_attempts(source, "bench-class-100", 100, students, seed=3),
        "class": data.ensure_quiz_with_attempts(
            source, f"bench-class-{options.class_attempts}", options.class_attempts, students, seed=4
        ),
    }
    data.analyze()
    print(f"data ready in {time.perf_counter() - started:.1f} s")
    return quizzes


def row(label: str, value: float, unit: str, target: float | None, detail: str = "") -> str:
    verdict = "" if target is None else ("ok" if value <= target else "MISSED")
    target_text = "—" if target is None else f"< {target:g} {unit}"
    return f"{label:<34} {value:>10.1f} {unit:<8} {target_text:<12} {verdict:<7} {detail}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fresh", action="store_true", help="Drop and rebuild the bench database first.")
    parser.add_argument("--regrade-attempts", type=int, default=10_000)
    parser.add_argument("--export-attempts", type=int, default=4_762, help="21 responses each: 100,002.")
    parser.add_argument("--class-attempts", type=int, default=1_000)
    parser.add_argument("--operation", choices=sorted(OPERATIONS), help=argparse.SUPPRESS)
    parser.add_argument("--quiz", help=argparse.SUPPRESS)
    parser.add_argument("--database-url", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.operation:
        run_operation(options.operation, options.quiz, options.database_url)
        return

    url = data.database_url("convquiz_bench")
    data.ensure_database(url, fresh=options.fresh)
    data.configure_django(url, **({"CACHE_URL": data.REDIS_URL} if data.redis_answers() else {}))
    quizzes = prepare(options)

    correction = correct_a_key(quizzes["regrade"])
    regrade = in_subprocess("regrade", quizzes["regrade"].key, url)
    export = in_subprocess("export", quizzes["export"].key, url)
    client = teacher_client()
    small = measure_pages(quizzes["class_100"], client)
    pages = measure_pages(quizzes["class"], client)

    figures = {
        "regrade_10k_s": regrade["seconds"],
        "regrade_peak_mb": regrade["peak_mb"],
        "export_100k_s": export["seconds"],
        "export_peak_mb": export["peak_mb"],
        "gradebook_1000_ms": pages["gradebook_ms"],
        "gradebook_1000_queries": pages["gradebook_queries"],
        "gradebook_students_1000_ms": pages["gradebook_students_ms"],
        "gradebook_students_1000_queries": pages["gradebook_students_queries"],
        "review_queue_1000_ms": pages["review_queue_ms"],
        "review_queue_1000_queries": pages["review_queue_queries"],
    }
    n = options.class_attempts
    print()
    print(f"{'figure':<34} {'value':>10} {'unit':<8} {'target':<12} {'':<7} detail")
    print(row(f"regrade {regrade['attempts']:,} attempts", regrade["seconds"], "s", TARGETS["regrade_10k_s"],
              f"key corrected: {correction}; {regrade['attempts_changed']:,} attempts, "
              f"{regrade['parts_changed']:,} parts changed"))
    print(row("regrade peak memory", regrade["peak_mb"], "MB", TARGETS["regrade_peak_mb"],
              f"process peak {regrade['peak_rss_mb']:.0f} MB"))
    print(row(f"export {export['rows']:,} responses", export["seconds"], "s", TARGETS["export_100k_s"],
              f"{export['characters'] / 2**20:.1f} MiB of CSV"))
    print(row("export peak memory", export["peak_mb"], "MB", TARGETS["export_peak_mb"],
              f"process peak {export['peak_rss_mb']:.0f} MB"))
    for page in ("gradebook", "gradebook_sorted", "gradebook_students", "review_queue"):
        name = page.replace("_", " ")
        print(row(f"{name}, {n:,} attempts", pages[f"{page}_ms"], "ms", 200,
                  f"{pages[f'{page}_queries']} queries ({small[f'{page}_queries']} with 100 attempts, "
                  f"{small[f'{page}_ms']:.1f} ms)"))
    print()
    for metric, value in figures.items():
        target = TARGETS[metric]
        if metric.endswith("_queries"):
            target = small[metric.replace("_1000", "").replace("_queries", "") + "_queries"]
        print(json.dumps({"bench": "batch", "metric": metric, "value": round(value, 3), "target": target}))
    print(json.dumps({"bench": "batch", "metric": "gradebook_100_queries", "value": small["gradebook_queries"],
                      "target": None}))
    print(json.dumps({"bench": "batch", "metric": "review_queue_100_queries",
                      "value": small["review_queue_queries"], "target": None}))


if __name__ == "__main__":
    main()
