"""Bench data: a PostgreSQL database of its own, the shipped quiz, and many students' attempts, made fast.

Rows are written with `bulk_create`: students share one password hash computed once,
and attempts are graded in memory by the grader before they are stored, so ten
thousand submitted attempts take seconds rather than the hours real exams take. The
measured operations themselves always go through the application's own services,
selectors and views.
"""

from __future__ import annotations

import os
import random
import sys
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEFAULT_SERVER = "postgres://postgres@127.0.0.1:5432"
BENCH_PASSWORD = "exam-day-password"
REDIS_URL = "redis://127.0.0.1:6379/5"
LOCAL_HTTP = {
    "DEBUG": "false",
    "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
    "SECURE_SSL_REDIRECT": "false",
    "SESSION_COOKIE_SECURE": "false",
    "CSRF_COOKIE_SECURE": "false",
    "SECURE_HSTS_SECONDS": "0",
}
"""Production settings apart from HTTPS, which a benchmark on 127.0.0.1 cannot speak."""


# --- The database --------------------------------------------------------------------------------


def database_url(default_name: str) -> str:
    """DATABASE_URL if it names a PostgreSQL database, else `default_name` on the local server."""
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        return url
    return f"{DEFAULT_SERVER}/{default_name}"


def database_name(url: str) -> str:
    return urlsplit(url).path.lstrip("/")


def ensure_database(url: str, *, fresh: bool = False) -> bool:
    """Create the database if it is missing (dropped first when `fresh`); True if it was created.

    Only databases whose name starts with "convquiz_" are ever dropped, never a test suite's."""
    import psycopg
    from psycopg import sql

    name = database_name(url)
    if not name.startswith("convquiz_"):
        raise SystemExit(f"refusing to use database {name!r}: bench databases are named convquiz_*")
    server = urlunsplit(urlsplit(url)._replace(path="/postgres"))
    with psycopg.connect(server, autocommit=True) as connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists and fresh:
            connection.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name)))
            exists = None
        if not exists:
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return not exists


def configure_django(url: str, **extra: str) -> None:
    """Set up Django with production settings (HTTPS aside) on the bench database."""
    os.environ.update(LOCAL_HTTP, DATABASE_URL=url, **extra)
    os.environ.setdefault("SECRET_KEY", "bench-only-not-secret")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()


def migrate_and_load_bank():
    """Bring the schema up to date and load the shipped question bank; returns its quiz."""
    from django.core.management import call_command

    from quiz.bank import load_question_bank

    call_command("migrate", verbosity=0, interactive=False)
    return load_question_bank().quiz


def analyze() -> None:
    """Refresh the planner's statistics, as autovacuum does within a minute of a bulk load.

    Without it, the tables just filled look almost empty to the planner, and streaming
    queries get nested-loop plans that take minutes instead of a second."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def redis_answers(host: str = "127.0.0.1", port: int = 6379) -> bool:
    import socket

    try:
        with socket.create_connection((host, port), timeout=1) as connection:
            connection.sendall(b"PING\r\n")
            return connection.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def collect_static() -> None:
    """Collect static files with their hashed names, as a deployment does (pages need the manifest).

    Skipped while the manifest is newer than every file in static/: compressing them all
    takes a minute."""
    from django.conf import settings
    from django.core.management import call_command

    manifest = Path(settings.STATIC_ROOT) / "staticfiles.json"
    sources = (path.stat().st_mtime for path in (ROOT / "static").rglob("*") if path.is_file())
    if manifest.exists() and max(sources, default=0) < manifest.stat().st_mtime:
        return
    call_command("collectstatic", verbosity=0, interactive=False)


# --- Students ------------------------------------------------------------------------------------


def student_name(number: int) -> str:
    return f"bench{number:05d}"


def ensure_students(count: int) -> list:
    """Students bench00001 … up to `count`, all with the password BENCH_PASSWORD, in username order."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import Group

    from quiz.roles import STUDENTS

    user_model = get_user_model()
    wanted = [student_name(n) for n in range(1, count + 1)]
    existing = set(user_model.objects.filter(username__in=wanted).values_list("username", flat=True))
    missing = [name for name in wanted if name not in existing]
    if missing:
        password = make_password(BENCH_PASSWORD)  # once: hashing is slow on purpose
        created = user_model.objects.bulk_create(
            [
                user_model(username=name, password=password, first_name="Student", last_name=name[-5:],
                           email=f"{name}@example.org")
                for name in missing
            ],
            batch_size=2000,
        )
        group = Group.objects.get(name=STUDENTS)
        membership = user_model.groups.through
        membership.objects.bulk_create(
            [membership(user_id=user.pk, group_id=group.pk) for user in created], batch_size=2000
        )
    return list(user_model.objects.filter(username__in=wanted).order_by("username"))


# --- Realistic answers ---------------------------------------------------------------------------


def answer_for(spec, computation, rng: random.Random) -> str:
    """One answer as students type them: right in various formats, known mistakes, wrong,
    malformed, blank or free text (the grading benchmark's mix)."""
    from bench.grading import answer

    return answer(spec, computation, rng)


@dataclass(frozen=True)
class QuestionData:
    """What making an attempt needs of one question, read once."""

    key: str
    calculator: str
    params: dict
    ranges: dict
    parts: list  # of quiz.models.Part, in order
    specs: list  # of grader.PartSpec, in the same order


def question_data(quiz) -> list[QuestionData]:
    return [
        QuestionData(
            key=question.key,
            calculator=question.calculator,
            params=question.params,
            ranges=question.ranges,
            parts=list(question.parts.all()),
            specs=[part.spec() for part in question.parts.all()],
        )
        for question in quiz.questions.prefetch_related("parts").order_by("order", "key")
    ]


# --- Quizzes and submitted attempts --------------------------------------------------------------


def clone_quiz(source, key: str, **settings):
    """A copy of `source` under a new key, with its questions and parts; `settings` override the quiz's."""
    from quiz.models import Part, Quiz

    quiz = Quiz.objects.get(pk=source.pk)
    quiz.pk, quiz.key, quiz.title = None, key, f"{source.title} ({key})"
    for name, value in settings.items():
        setattr(quiz, name, value)
    quiz.save()
    for question in source.questions.prefetch_related("parts"):
        parts = list(question.parts.all())
        question.pk, question.quiz = None, quiz
        question.save()
        for part in parts:
            part.pk, part.question = None, question
        Part.objects.bulk_create(parts)
    return quiz


def ensure_quiz_with_attempts(source, key: str, attempts: int, students: list, *, seed: int = 1):
    """The quiz `key` (a randomized copy of `source`) with `attempts` submitted, graded attempts.

    Returns it as it is when it already has that many, so runs can reuse their data."""
    from quiz.models import Attempt, Quiz

    quiz = Quiz.objects.filter(key=key).first()
    if quiz is not None and Attempt.objects.filter(quiz=quiz).count() == attempts:
        return quiz
    if quiz is not None:
        raise SystemExit(f"quiz {key} holds another number of attempts; run again with --fresh")
    if attempts > len(students):
        raise SystemExit(f"{attempts} attempts need as many students, got {len(students)}")
    quiz = clone_quiz(source, key, randomize_numbers=True, review_free_text=True)
    rng = random.Random(seed)
    questions = question_data(quiz)
    for start in range(0, attempts, 1000):
        _create_attempts(quiz, questions, students[start : min(start + 1000, attempts)], rng)
    return quiz


def _create_attempts(quiz, questions: list[QuestionData], students: list, rng: random.Random) -> None:
    """One submitted, graded attempt per student, its responses written in one go."""
    from django.db import transaction
    from django.utils import timezone

    from quiz.models import Attempt, Response

    now = timezone.now()
    attempts, responses = [], []
    for student in students:
        attempt_seed = rng.randrange(2**31)
        started = now - timedelta(minutes=rng.uniform(30, 600))
        attempt = Attempt(
            student=student, quiz=quiz, number=1, seed=attempt_seed, started_at=started,
            deadline=started + timedelta(minutes=quiz.time_limit_minutes or 60),
            submitted_at=started + timedelta(minutes=rng.uniform(15, 58)), params={},
            question_keys=[question.key for question in questions],
        )
        attempt_responses = _graded_responses(attempt, questions, rng, now)
        _set_total(attempt, attempt_responses)
        attempts.append(attempt)
        responses.append(attempt_responses)
    with transaction.atomic():
        Attempt.objects.bulk_create(attempts)
        for attempt, attempt_responses in zip(attempts, responses, strict=True):
            for response in attempt_responses:
                response.attempt = attempt
        Response.objects.bulk_create([r for group in responses for r in group], batch_size=5000)


def _graded_responses(attempt, questions: list[QuestionData], rng: random.Random, now) -> list:
    """The attempt's responses with realistic answers, graded as submitting grades them.

    The attempt's numbers are drawn from its seed the way starting an attempt draws them;
    a third of the free-text answers carry a teacher's confirmed score."""
    import grader
    from quiz.models import Response
    from quiz.services import apply_verdict

    responses = []
    for question in questions:
        params = question.params
        computation = None
        if question.calculator:
            params = grader.draw_params(
                question.calculator, question.params, question.ranges, attempt.seed, question.specs
            )
            computation = grader.compute(question.calculator, params)
        attempt.params[question.key] = params
        answers = {spec.key: answer_for(spec, computation, rng) for spec in question.specs}
        verdicts = grader.grade_question(question.calculator, params, question.specs, answers)
        for part in question.parts:
            response = Response(part=part, text=answers[part.key], sequence=rng.randint(1, 12),
                                saved_at=attempt.submitted_at)
            apply_verdict(response, verdicts[part.key], review=True, now=now)
            if part.is_free_text and rng.random() < 1 / 3:
                response.review_score = rng.choice([0, 0.5, 1])
            responses.append(response)
    return responses


def _set_total(attempt, responses: list) -> None:
    """The total, maximum and state, as `services.recompute_total` computes them."""
    from quiz.grading import attempt_total
    from quiz.models import AttemptState

    total = attempt_total(responses, review_free_text=True)
    attempt.score, attempt.max_score = total.score, total.maximum
    attempt.state = AttemptState.NEEDS_REVIEW if total.awaiting_review else AttemptState.GRADED


def ensure_teacher():
    """A teacher to look at the pages as."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from quiz.roles import TEACHERS

    teacher, created = get_user_model().objects.get_or_create(username="bench-teacher")
    if created:
        teacher.groups.add(Group.objects.get(name=TEACHERS))
    return teacher
