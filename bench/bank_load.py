"""Loading a bank file of 50 formula questions with `load_question_bank`: the first load into an
empty database (every question checked on its defaults and 100 variants, then written), and a
reload of the same file (checked again, nothing written).

The questions are bench/formulas.py's fifty, written as a bank file. The database is a fresh
SQLite file in a temporary directory.

    python bench/bank_load.py [--repeats 3]

Prints the figures, then one JSON object per figure, one per line.
"""

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import data, formulas  # noqa: E402

LOAD_TARGET_S = 10.0


def bank_file(path: Path) -> Path:
    """bench/formulas.py's fifty questions as a bank file."""
    questions = [
        {
            "key": question["key"],
            "title": f"Formula question {question['key']}",
            "prompt": "With these numbers: " + ", ".join(f"{{{name}}}" for name in question["params"]),
            "params": question["params"],
            "ranges": question["ranges"],
            "formulas": question["formulas"],
            **({"constraints": question["constraints"]} if "constraints" in question else {}),
            "parts": [{**question["part"], "prompt": "Your answer?"}],
        }
        for question, _ in formulas.bank()
    ]
    bank = {"quiz": {"key": "bench-formulas", "title": "Fifty formula questions"}, "questions": questions}
    path.write_text(yaml.safe_dump(bank, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


def timed_load(path: Path) -> tuple[float, float, str]:
    """Seconds of wall-clock time and of this process's CPU time (what a busy machine does not inflate)."""
    from quiz.bank import load_question_bank

    start, start_cpu = time.perf_counter(), time.process_time()
    report = load_question_bank(path)
    return time.perf_counter() - start, time.process_time() - start_cpu, str(report)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    options = parser.parse_args()

    with tempfile.TemporaryDirectory() as directory:
        data.configure_django(f"sqlite:///{directory}/bench.sqlite3")
        from django.core.management import call_command

        from quiz.models import Quiz

        call_command("migrate", verbosity=0, interactive=False)
        path = bank_file(Path(directory) / "formulas.yaml")
        first, reload = [], []
        for _ in range(options.repeats):
            Quiz.objects.filter(key="bench-formulas").delete()
            *seconds, summary = timed_load(path)
            first.append(seconds)
            *seconds, again = timed_load(path)
            reload.append(seconds)
    for label, runs in ((summary, first), (f"reloaded ({again})", reload)):
        print(f"{label}: " + ", ".join(f"{wall:.2f} s (CPU {cpu:.2f} s)" for wall, cpu in runs))
    for metric, runs in (("load_50_formula_questions_s", first), ("reload_50_formula_questions_s", reload)):
        worst = round(max(wall for wall, _ in runs), 2)
        print(json.dumps({"bench": "bank_load", "metric": metric, "value": worst, "target": LOAD_TARGET_S}))


if __name__ == "__main__":
    main()
