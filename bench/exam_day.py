"""Exam day under load: students log in, start, save and submit against gunicorn on PostgreSQL.

    python bench/exam_day.py [--students 500] [--scale 1] [--workers 4] [--questions-per-page 3 --shuffle]
    python bench/exam_day.py --questions-per-page 3 --sequential  # forward only, Next when a page is done
    python bench/exam_day.py --students 50 --scale 0.2        # a smoke run of about a minute

The app is served as production serves it (gunicorn, PostgreSQL, collected static
files, DEBUG off, Redis for cache and sessions when it answers) with HTTPS switched off,
on a database of its own (`convquiz_exam_day`, rebuilt every run). Locust
(bench/locustfile.py) plays the exam on 127.0.0.1 and stops by itself:

1. logins spread over the 2 minutes before the start (password hashing is slow on purpose);
2. every student presses Start within 10 seconds;
3. each saves a part every 5–15 seconds for 3 minutes, through the save contract (with the
   quiz in pages, `--questions-per-page`, opening another page before about one save in three; with
   `--sequential`, answering the parts of the page it is on, then pressing Next, which records the page
   reached and logs it, until the last page);
4. all submit within the last 30 seconds, then open their result page.

The database is then checked: every attempt submitted and graded, and every answer the
server acknowledged stored exactly. A second phase, with students of its own, repeats a
shorter exam (logins over a minute, 90 seconds of work, then submitting) in which 20
students paste a 20,000-character answer of the parser's worst shapes into one part after
another every 1–3 seconds while 180 others save normally: the others' saves must keep
their p95 under 300 ms, and the same checks hold. A third phase measures throughput at
saturation: 50 users with no wait on the save endpoint, then on /healthz, 30 seconds each.
`--scale` shortens every phase (not the pause between saves) for smoke runs.

Prints a table per step, then one JSON object per figure, one per line.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import runpy
import secrets
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import data  # noqa: E402
from bench.parsing import hostile_answers  # noqa: E402

RESULTS_DIR = ROOT / "bench" / "results"
BIN = Path(sys.executable).parent
STEPS = [
    "login page", "login", "dashboard", "start page", "start", "attempt page", "another page", "next page",
    "save", "submit page", "submit", "result",
]
TARGETS_MS = {"save": 300, "start": 1000, "submit": 1000}
PROBES = ["  spaced out  ", "naïve — “quoted” ✓ 7×7", "two\nlines\n", "<b>1</b> & 2", "\t3, 4\t"]
"""Answers that must come back byte for byte: spaces, Unicode, line breaks, markup, tabs."""


# --- The plan --------------------------------------------------------------------------------------


def answer_pools(quiz, rng: random.Random, size: int = 40) -> tuple[dict[str, list[str]], list[str]]:
    """Realistic answers for every part (by its save-contract key), and the free-text parts' keys."""
    import grader

    pools, free_text = {}, []
    for question in data.question_data(quiz):
        computation = grader.compute(question.calculator, question.params) if question.calculator else None
        for part, spec in zip(question.parts, question.specs, strict=True):
            key = f"{question.key}{part.key}"
            pools[key] = [data.answer_for(spec, computation, rng) for _ in range(size)] + PROBES
            if part.is_free_text:
                free_text.append(key)
    return pools, free_text


def exam_clock(scale: float) -> dict[str, float]:
    """The exam's moments, in seconds from the beginning of the run."""
    login_window = 120 * scale
    start = login_window
    end = start + 180 * scale
    return {
        "logins": 0.0, "login_window": login_window, "start": start, "start_window": max(10 * scale, 2.0),
        "end": end, "submit_window": 30 * scale,
    }


def saturation_clock(users: int, duration: float) -> dict[str, float]:
    """Time for every user to log in and start (hashing takes a quarter of a second a login), then the window."""
    go = 10 + users * 0.25
    return {"go": go, "stop": go + duration}


def write_plan(name: str, **plan) -> Path:
    path = RESULTS_DIR / f"{name}-plan.json"
    plan["results"] = str(RESULTS_DIR / f"{name}-results.json")
    path.write_text(json.dumps(plan), encoding="utf-8")
    return path


# --- The server -----------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def server_environment(url: str, use_redis: bool) -> dict[str, str]:
    environment = {**os.environ, **data.LOCAL_HTTP, "DATABASE_URL": url, "SECRET_KEY": secrets.token_urlsafe(50)}
    environment["DJANGO_SETTINGS_MODULE"] = "config.settings"
    if use_redis:
        environment["CACHE_URL"] = data.REDIS_URL
    else:
        environment.pop("CACHE_URL", None)
    return environment


def start_gunicorn(options, url: str, use_redis: bool) -> subprocess.Popen:
    # Production's own settings file (threads, keep-alive), as docs/deployment.md starts it.
    command = [
        str(BIN / "gunicorn"), "-c", "config/gunicorn.conf.py", "--bind", f"127.0.0.1:{options.port}",
        "--workers", str(options.workers), "--timeout", "120",
    ]
    with (RESULTS_DIR / "server.log").open("w", encoding="utf-8") as log:
        server = subprocess.Popen(
            command, cwd=ROOT, env=server_environment(url, use_redis), stdout=log, stderr=subprocess.STDOUT
        )
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{options.port}/healthz", timeout=2) as reply:
                if reply.status == 200:
                    return server
        except OSError:
            time.sleep(0.5)
    stop(server)
    raise SystemExit("gunicorn did not answer /healthz within a minute; see bench/results/server.log")


def gunicorn_threads() -> int:
    """The threads per worker that config/gunicorn.conf.py gives every worker."""
    return runpy.run_path(str(ROOT / "config" / "gunicorn.conf.py"))["threads"]


def stop(server: subprocess.Popen) -> None:
    server.terminate()
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


# --- Where the CPU went ---------------------------------------------------------------------------

TICKS = os.sysconf("SC_CLK_TCK")


def process_cpu(pid: int) -> float:
    """User plus system CPU seconds of one process; 0 once it has gone."""
    try:
        after_name = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(after_name[11]) + int(after_name[12])) / TICKS  # utime and stime


def child_pids(pid: int) -> list[int]:
    try:
        return [int(child) for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def machine_busy() -> float:
    """CPU seconds every process on the machine has used since boot (all but idle and I/O wait)."""
    ticks = [int(value) for value in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    return (sum(ticks) - ticks[3] - ticks[4]) / TICKS


def database_backends(name: str) -> list[int]:
    """PostgreSQL's backends serving the database `name`, found by their process titles."""
    backends = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                title = (entry / "cmdline").read_bytes()
            except OSError:
                continue
            if title.startswith(b"postgres: ") and f" {name} ".encode() in title:
                backends.append(int(entry.name))
    return backends


GROUPS = ("server", "postgres", "locust")


class CpuMeter:
    """CPU seconds a phase cost gunicorn, PostgreSQL's backends on the bench database, locust,
    and every other process on the machine (other people's work included).

    Processes are polled twice a second, so a database connection that closes during the
    phase still counts, up to its last half second; the samples also tell how many cores
    each used during a burst."""

    def __init__(self, server_pid: int, database: str):
        self.server_pid, self.database = server_pid, database
        self.baseline: dict[tuple[str, int], float] = {}
        self.latest: dict[tuple[str, int], float] = {}
        self.series: list[tuple[float, dict[str, float]]] = []
        self._done = threading.Event()
        self._poller = threading.Thread(target=self._poll, daemon=True)

    def _processes(self) -> list[tuple[str, int]]:
        server = [self.server_pid, *child_pids(self.server_pid)]
        generator = [pid for pid in child_pids(os.getpid()) if pid != self.server_pid]
        return (
            [("server", pid) for pid in server]
            + [("locust", pid) for pid in generator]
            + [("postgres", pid) for pid in database_backends(self.database)]
        )

    def _read(self, *, first: bool = False) -> None:
        for key in self._processes():
            seconds = process_cpu(key[1])
            self.baseline.setdefault(key, seconds if first else 0.0)
            self.latest[key] = max(seconds, self.latest.get(key, 0.0))
        totals = {group: 0.0 for group in GROUPS}
        for key, seconds in self.latest.items():
            totals[key[0]] += seconds - self.baseline[key]
        totals["machine"] = machine_busy()
        self.series.append((time.time(), totals))

    def _poll(self) -> None:
        while not self._done.wait(0.5):
            self._read()

    def __enter__(self) -> CpuMeter:
        self._read(first=True)
        self._poller.start()
        return self

    def __exit__(self, *exc) -> None:
        self._done.set()
        self._poller.join()
        self._read()

    def used(self, start: float = 0.0, stop: float = math.inf) -> dict[str, float]:
        """CPU seconds of each group between two moments (the whole phase by default), and the wall time."""
        inside = [sample for sample in self.series if start <= sample[0] <= stop] or self.series[-1:]
        (first_time, first), (last_time, last) = inside[0], inside[-1]
        used = {name: last[name] - first[name] for name in last}
        used["others"] = max(used.pop("machine") - sum(used[group] for group in GROUPS), 0.0)
        used["wall"] = last_time - first_time
        return used

    def summary(self) -> str:
        used = self.used()
        available = used["wall"] * (os.cpu_count() or 1)
        return (
            f"{used['wall']:.0f} s, {available:.0f} CPU-s available: gunicorn {used['server']:.0f}, "
            f"PostgreSQL {used['postgres']:.0f}, locust {used['locust']:.0f}, other processes {used['others']:.0f}"
        )

    def cores(self, start: float, stop: float) -> str:
        """How many cores each group kept busy between two moments."""
        used = self.used(start, stop)
        wall = used.pop("wall") or 1.0
        names = {"server": "gunicorn", "postgres": "PostgreSQL", "locust": "locust", "others": "others"}
        return ", ".join(f"{names[group]} {used[group] / wall:.2f}" for group in names)


# --- Running locust -------------------------------------------------------------------------------


def run_locust(user_class: str, users: int, plan: Path, port: int, run_time: float) -> dict:
    """Run one scenario headless, bounded by `run_time`; returns what the locustfile recorded."""
    command = [
        str(BIN / "locust"), "-f", str(ROOT / "bench" / "locustfile.py"), "--headless", "--only-summary",
        "--host", f"http://127.0.0.1:{port}", "--users", str(users), "--spawn-rate", str(users),
        "--run-time", f"{math.ceil(run_time)}s", "--stop-timeout", "10", "--loglevel", "WARNING", user_class,
    ]
    log = RESULTS_DIR / f"locust-{user_class}.log"
    with log.open("w", encoding="utf-8") as output:
        subprocess.run(command, cwd=ROOT, env={**os.environ, "EXAM_PLAN": str(plan)}, stdout=output,
                       stderr=subprocess.STDOUT, check=False)
    results = Path(json.loads(plan.read_text(encoding="utf-8"))["results"])
    if not results.exists():
        raise SystemExit(f"locust wrote no results; see {log}")
    return json.loads(results.read_text(encoding="utf-8"))


def run_exam(options, quiz, students: list[str], port: int) -> dict:
    pools, free_text = answer_pools(quiz, random.Random(options.seed))
    clock = exam_clock(options.scale)
    plan = write_plan(
        "exam", users=len(students), students=students, pages=page_count(quiz), sequential=quiz.sequential,
        password=data.BENCH_PASSWORD, quiz=quiz.key, answers=pools, free_text_parts=free_text, clock=clock,
        begin=time.time() + 5, seed=options.seed,
    )
    return run_locust("ExamStudent", len(students), plan, port, run_time=5 + clock["end"] + 120)


def delivered(quiz, options):
    """The shipped quiz, delivered in pages, shuffled and sequential as the options ask."""
    quiz.questions_per_page = options.questions_per_page
    quiz.shuffle_questions = quiz.shuffle_choices = options.shuffle
    quiz.sequential = options.sequential
    quiz.save(update_fields=["questions_per_page", "shuffle_questions", "shuffle_choices", "sequential"])
    return quiz


def page_count(quiz) -> int:
    """How many pages an attempt at the quiz has (its questions, pools not counted)."""
    questions = quiz.questions.count()
    return math.ceil(questions / quiz.questions_per_page) if quiz.questions_per_page else 1


def delivery_label(quiz) -> str:
    pages = f"{quiz.questions_per_page} questions a page" if quiz.questions_per_page else "one page"
    return pages + (", shuffled" if quiz.shuffle_questions else "") + (", sequential" if quiz.sequential else "")


def hostile_clock(scale: float) -> dict[str, float]:
    """The hostile phase's moments: a minute of logins, 90 seconds of work, then the submissions."""
    login_window = max(60 * scale, 10.0)
    return {
        "logins": 0.0, "login_window": login_window, "start": login_window, "start_window": 5.0,
        "end": login_window + max(90 * scale, 20.0), "submit_window": 10.0,
    }


def run_hostile(options, quiz, hostile: list[str], others: list[str], port: int) -> dict:
    """The phase's results; the hostile students come first in the plan's list."""
    pools, free_text = answer_pools(quiz, random.Random(options.seed + 2))
    clock = hostile_clock(options.scale)
    students = hostile + others
    plan = write_plan(
        "hostile", users=len(students), students=students, hostile=len(hostile), pages=page_count(quiz),
        sequential=quiz.sequential, password=data.BENCH_PASSWORD, quiz=quiz.key, answers=pools,
        free_text_parts=free_text, hostile_answers=list(hostile_answers().values()), clock=clock,
        begin=time.time() + 5, seed=options.seed,
    )
    return run_locust("HostilePhaseStudent", len(students), plan, port, run_time=5 + clock["end"] + 120)


def burst_windows() -> dict[str, tuple[float, float]]:
    """The moments of the exam's three rushes, from its plan: logins, the start, the submissions."""
    plan = json.loads((RESULTS_DIR / "exam-plan.json").read_text(encoding="utf-8"))
    begin, clock = plan["begin"], plan["clock"]
    return {
        "logins": (begin, begin + clock["login_window"]),
        "start": (begin + clock["start"], begin + clock["start"] + clock["start_window"] + 5),
        "submit": (begin + clock["end"] - clock["submit_window"], begin + clock["end"] + 10),
    }


def run_saturation(options, quiz, students: list[str], port: int) -> tuple[dict, dict, float]:
    """Save throughput, health check throughput, and the measured window's length in seconds."""
    duration = max(30 * options.scale, 5)
    if quiz.sequential:  # the save endpoint's throughput alone: any part, as where every page stays open
        quiz.sequential = False
        quiz.save(update_fields=["sequential"])
    pools, free_text = answer_pools(quiz, random.Random(options.seed + 1))
    common = {"password": data.BENCH_PASSWORD, "quiz": quiz.key, "answers": pools, "free_text_parts": free_text}
    users = len(students)
    clock = saturation_clock(users, duration)
    plan = write_plan("saturated-save", users=users, students=students, clock=clock, begin=time.time() + 5, **common)
    saves = run_locust("SaturatedSave", users, plan, port, run_time=5 + clock["stop"] + 30)
    clock = saturation_clock(0, duration)
    plan = write_plan("saturated-health", users=users, students=[], clock=clock, begin=time.time() + 5, **common)
    health = run_locust("SaturatedHealth", users, plan, port, run_time=5 + clock["stop"] + 30)
    return saves, health, duration


# --- Checking the database ------------------------------------------------------------------------


def verify(quiz, students: list[str], results: dict) -> dict[str, int]:
    """Every student's attempt submitted and graded; every acknowledged answer stored as acknowledged."""
    from quiz.models import Attempt, AttemptState, Response

    attempts = Attempt.objects.filter(quiz=quiz, student__username__in=students)
    finished = attempts.filter(state__in=[AttemptState.GRADED, AttemptState.NEEDS_REVIEW], submitted_at__isnull=False)
    stored = {
        (attempt_id, f"{question}{part}"): (sequence, text)
        for attempt_id, question, part, sequence, text in Response.objects.filter(attempt__in=attempts).values_list(
            "attempt_id", "part__question__key", "part__key", "sequence", "text"
        )
    }
    checked = lost = newer = 0
    for attempt_id, parts in results["acknowledged"].items():
        for part, (sequence, text) in parts.items():
            checked += 1
            found_sequence, found_text = stored.get((int(attempt_id), part), (0, None))
            if found_sequence > sequence:
                newer += 1  # a later save landed after its acknowledgement was lost: not a lost answer
            elif found_sequence < sequence or found_text != text:
                lost += 1
    return {
        "students": len(students),
        "attempts": attempts.count(),
        "not_submitted_and_graded": len(students) - finished.count(),
        "auto_submitted": attempts.filter(auto_submitted=True).count(),
        "ungraded_responses": Response.objects.filter(attempt__in=attempts, graded_at__isnull=True).count(),
        "answers_checked": checked,
        "lost_answers": lost,
        "newer_than_acknowledged": newer,
    }


# --- Reporting ------------------------------------------------------------------------------------


def percentile(values: list[float], fraction: float) -> float:
    """The nearest-rank percentile; 0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[max(math.ceil(fraction * len(ordered)) - 1, 0)]


def step_table(results: dict, names: list[str]) -> list[str]:
    lines = [f"{'step':<18} {'requests':>8} {'failures':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'max ms':>8}"]
    for name in names:
        times = results["times"].get(name, [])
        lines.append(
            f"{name:<18} {len(times):>8} {results['failures'].get(name, 0):>8} {percentile(times, 0.5):>8.0f} "
            f"{percentile(times, 0.95):>8.0f} {percentile(times, 0.99):>8.0f} {max(times, default=0):>8.0f}"
        )
    return lines


def throughput(results: dict, name: str, clock: dict, begin: float) -> float:
    """Successful requests completed per second inside the measured window."""
    start, stop_at = begin + clock["go"], begin + clock["stop"]
    done = [moment for moment in results["completed_at"].get(name, []) if start <= moment <= stop_at]
    return len(done) / (stop_at - start)


HOSTILE_STEPS = ["login", "start", "attempt page", "another page", "save", "hostile save", "submit", "result"]


def hostile_figures(hostile: dict, checks: dict, pasting: int) -> list[tuple[str, float, float | None]]:
    """The hostile phase's lines of the report and its figures."""
    print(
        f"\nhostile phase: {checks['students']} students, {pasting} of them pasting 20,000-character "
        "answers into every part"
    )
    print("\n".join(step_table(hostile, HOSTILE_STEPS)))
    for error, count in sorted(hostile["errors"].items(), key=lambda item: -item[1])[:10]:
        print(f"  {count:>5} × {error}")
    print(
        f"database: {checks['attempts']} attempts, {checks['not_submitted_and_graded']} not submitted and graded, "
        f"{checks['answers_checked']} acknowledged answers checked, {checks['lost_answers']} lost or mismatched"
    )
    return [
        ("hostile_phase_failures", sum(hostile["failures"].values()), 0),
        ("hostile_phase_lost_answers", checks["lost_answers"], 0),
        ("hostile_phase_attempts_not_graded", checks["not_submitted_and_graded"], 0),
        ("hostile_phase_others_save_p95_ms", percentile(hostile["times"].get("save", []), 0.95), TARGETS_MS["save"]),
        ("hostile_phase_hostile_save_p95_ms", percentile(hostile["times"].get("hostile save", []), 0.95), None),
        ("hostile_phase_submit_p95_ms", percentile(hostile["times"].get("submit", []), 0.95), TARGETS_MS["submit"]),
    ]


def print_report(
    options, conditions: dict, exam: dict, checks: dict, saturation: dict | None, hostile: list | None = None
) -> dict:
    """The table and the JSON lines; returns the figures."""
    print(
        f"\nexam day: {conditions['students']} students, {conditions['delivery']}, {conditions['server']}, "
        f"load {conditions['load']}"
    )
    print(f"CPU during the exam: {conditions['exam_cpu']}")
    for name, cores in conditions["cores"].items():
        print(f"  cores busy during the {name}: {cores}")
    if "hostile_cpu" in conditions:
        print(f"CPU during the hostile phase: {conditions['hostile_cpu']}")
    if "saturation_cpu" in conditions:
        print(f"CPU during saturation: {conditions['saturation_cpu']}")
    print("\n".join(step_table(exam, STEPS)))
    for error, count in sorted(exam["errors"].items(), key=lambda item: -item[1])[:10]:
        print(f"  {count:>5} × {error}")
    print(
        f"database: {checks['attempts']} attempts for {checks['students']} students, "
        f"{checks['not_submitted_and_graded']} not submitted and graded ({checks['auto_submitted']} auto-submitted), "
        f"{checks['ungraded_responses']} ungraded responses; {checks['answers_checked']} acknowledged answers "
        f"checked, {checks['lost_answers']} lost or mismatched, {checks['newer_than_acknowledged']} newer"
    )
    failures = sum(exam["failures"].values())
    p95 = {name: percentile(exam["times"].get(name, []), 0.95) for name in STEPS}
    figures = [
        ("failures", failures, 0),
        ("lost_answers", checks["lost_answers"], 0),
        ("attempts_not_graded", checks["not_submitted_and_graded"], 0),
        ("login_p95_ms", p95["login"], None),
        ("start_p95_ms", p95["start"], TARGETS_MS["start"]),
        ("attempt_page_p95_ms", p95["attempt page"], None),
        ("save_p95_ms", p95["save"], TARGETS_MS["save"]),
        ("submit_p95_ms", p95["submit"], TARGETS_MS["submit"]),
        ("result_p95_ms", p95["result"], None),
    ]
    if hostile:
        figures += hostile
    if saturation:
        print(
            f"saturation, {options.saturation_users} users with no wait for {saturation['seconds']:.0f} s: "
            f"save {saturation['save_rps']:.1f}/s ({saturation['save_failures']} failures, p95 "
            f"{saturation['save_p95_ms']:.0f} ms), /healthz {saturation['health_rps']:.1f}/s: "
            f"ratio {saturation['ratio']:.2f}"
        )
        figures += [
            ("save_vs_trivial_ratio", saturation["ratio"], 0.5),
            ("saturated_save_per_s", saturation["save_rps"], None),
            ("saturated_healthz_per_s", saturation["health_rps"], None),
            ("saturation_failures", saturation["save_failures"] + saturation["health_failures"], 0),
        ]
    print()
    for metric, value, target in figures:
        print(json.dumps({"bench": "exam_day", "metric": metric, "value": round(value, 3), "target": target}))
    return {metric: value for metric, value, _ in figures}


def saturation_figures(saves: dict, health: dict, seconds: float) -> dict:
    save_plan = json.loads((RESULTS_DIR / "saturated-save-plan.json").read_text(encoding="utf-8"))
    health_plan = json.loads((RESULTS_DIR / "saturated-health-plan.json").read_text(encoding="utf-8"))
    save_rps = throughput(saves, "saturated save", save_plan["clock"], save_plan["begin"])
    health_rps = throughput(health, "saturated healthz", health_plan["clock"], health_plan["begin"])
    return {
        "seconds": seconds,
        "save_rps": save_rps,
        "health_rps": health_rps,
        "ratio": save_rps / health_rps if health_rps else 0.0,
        "save_failures": sum(saves["failures"].values()),
        "health_failures": sum(health["failures"].values()),
        "save_p95_ms": percentile(saves["times"].get("saturated save", []), 0.95),
    }


# --- The run --------------------------------------------------------------------------------------


def parse_options() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=500)
    parser.add_argument("--scale", type=float, default=1.0, help="Shorten every phase, e.g. 0.2 for a smoke run.")
    parser.add_argument("--saturation-users", type=int, default=50)
    parser.add_argument("--no-saturation", action="store_true", help="Skip the saturation phase.")
    parser.add_argument("--hostile-students", type=int, default=20, help="Students pasting hostile answers.")
    parser.add_argument("--hostile-others", type=int, default=180, help="Students saving normally beside them.")
    parser.add_argument("--no-hostile", action="store_true", help="Skip the hostile phase.")
    # Four workers of four threads measured best on two cores: fewer leave a core idle while a
    # worker waits for PostgreSQL, more only add contention (docs/benchmarks.md).
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument(
        "--questions-per-page", type=int, default=0, help="Pages of N questions (default: all on one page)."
    )
    parser.add_argument("--shuffle", action="store_true", help="Shuffle question and choice order per attempt.")
    parser.add_argument(
        "--sequential", action="store_true",
        help="Pages in order, forward only (needs --questions-per-page): students press Next when a page is done.",
    )  # fmt: skip
    parser.add_argument("--port", type=int, default=0, help="Default: a free port.")
    parser.add_argument("--seed", type=int, default=1)
    options = parser.parse_args()
    if options.sequential and not options.questions_per_page:
        parser.error("--sequential needs --questions-per-page: with every question on one page there is no Next")
    options.port = options.port or free_port()
    return options


def main() -> None:
    options = parse_options()
    RESULTS_DIR.mkdir(exist_ok=True)
    url = data.database_url("convquiz_exam_day")
    data.ensure_database(url, fresh=True)
    data.configure_django(url)
    quiz = delivered(data.migrate_and_load_bank(), options)
    data.collect_static()
    hostile_total = 0 if options.no_hostile else options.hostile_students + options.hostile_others
    total = options.students + options.saturation_users + hostile_total
    names = [user.username for user in data.ensure_students(total)]
    data.analyze()
    exam_students = names[: options.students]
    saturation_students = names[options.students : options.students + options.saturation_users]
    hostile_students = names[options.students + options.saturation_users :]
    use_redis = data.redis_answers()
    conditions = {
        "students": options.students,
        "delivery": delivery_label(quiz),
        "server": f"gunicorn {options.workers} workers × {gunicorn_threads()} threads (gthread), "
        f"sessions in {'Redis' if use_redis else 'the database'}",
        "started": datetime.now().isoformat(timespec="seconds"),
    }
    load_before = os.getloadavg()[0]
    server = start_gunicorn(options, url, use_redis)
    try:
        with CpuMeter(server.pid, data.database_name(url)) as exam_cpu:
            exam = run_exam(options, quiz, exam_students, options.port)
        conditions["exam_cpu"] = exam_cpu.summary()
        conditions["cores"] = {name: exam_cpu.cores(*window) for name, window in burst_windows().items()}
        hostile = None
        if not options.no_hostile:
            with CpuMeter(server.pid, data.database_name(url)) as hostile_cpu:
                hostile = run_hostile(
                    options, quiz, hostile_students[: options.hostile_students],
                    hostile_students[options.hostile_students :], options.port,
                )
            conditions["hostile_cpu"] = hostile_cpu.summary()
        saturation = None
        if not options.no_saturation:
            with CpuMeter(server.pid, data.database_name(url)) as saturation_cpu:
                saturation = saturation_figures(*run_saturation(options, quiz, saturation_students, options.port))
            conditions["saturation_cpu"] = saturation_cpu.summary()
    finally:
        stop(server)
    conditions["load"] = f"{load_before:.1f} before, {os.getloadavg()[0]:.1f} after (1-minute average)"
    checks = verify(quiz, exam_students, exam)
    hostile_lines = None
    if hostile:
        hostile_lines = hostile_figures(hostile, verify(quiz, hostile_students, hostile), options.hostile_students)
    figures = print_report(options, conditions, exam, checks, saturation, hostile_lines)
    summary = {"conditions": conditions, "checks": checks, "figures": figures, "options": vars(options)}
    (RESULTS_DIR / "exam_day-summary.json").write_text(json.dumps(summary, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
