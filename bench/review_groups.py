"""The teacher's groups page for 500 written answers to one part: grouping by meaning and rendering.

500 submitted attempts answer q1a as a class writes them (`bench/written_answers.py`'s
`class_of_answers`), already read by meaning (as `suggest_written_answers` leaves them);
the model is loaded first, as gunicorn's master loads it with PRELOAD_MEANING_MODEL. Then
the page is requested with every answer embedded afresh: the time a teacher waits.

    python bench/review_groups.py [--answers 500] [--seed 1] [--fresh]

Uses its own PostgreSQL database (DATABASE_URL, else convquiz_bench_groups on 127.0.0.1).
Ends with one JSON object per figure, one per line.
"""

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import data  # noqa: E402

TARGET_SECONDS = 10.0


def figure(metric: str, value: float, target: float | None) -> None:
    print(json.dumps({"bench": "review_groups", "metric": metric, "value": value, "target": target}))


def ensure_answers(count: int, seed: int):
    """The quiz `bench-groups` with `count` submitted attempts answering q1a; returns the part."""
    from django.utils import timezone

    import grader
    from bench.written_answers import class_of_answers
    from quiz import services
    from quiz.models import Attempt, AttemptState, Part, Quiz, Response

    source = data.migrate_and_load_bank()
    quiz = Quiz.objects.filter(key="bench-groups").first()
    if quiz is None:
        quiz = data.clone_quiz(source, "bench-groups", review_free_text=True)
    part = Part.objects.get(question__quiz=quiz, question__key="q1", key="a")
    if Response.objects.filter(part=part).count() == count:
        return part
    Attempt.objects.filter(quiz=quiz).delete()
    now, spec = timezone.now(), part.spec()
    attempts = Attempt.objects.bulk_create(
        Attempt(student=student, quiz=quiz, number=1, seed=n, started_at=now, submitted_at=now, params={},
                question_keys=["q1"], state=AttemptState.NEEDS_REVIEW)
        for n, student in enumerate(data.ensure_students(count))
    )
    responses = []
    for attempt, text in zip(attempts, class_of_answers(count, seed), strict=True):
        response = Response(attempt=attempt, part=part, text=text, sequence=1, saved_at=now)
        services.apply_verdict(response, grader.grade_part(spec, None, text), review=True, now=now)
        responses.append(response)
    Response.objects.bulk_create(responses, batch_size=1000)
    return part


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--answers", type=int, default=500)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--fresh", action="store_true", help="start from an empty database")
    options = parser.parse_args()
    url = data.database_url("convquiz_bench_groups")
    data.ensure_database(url, fresh=options.fresh)
    data.configure_django(url)
    from django.test import Client
    from django.urls import reverse

    from grader import meaning, rubric

    part = ensure_answers(options.answers, options.seed)
    data.collect_static()
    meaning.available()
    meaning._cache.clear()
    rubric.suggest.cache_clear()
    client = Client()
    client.force_login(data.ensure_teacher())
    start, cpu_start = time.perf_counter(), time.process_time()
    page = client.get(reverse("teacher_review_groups", args=[part.pk]))
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu_start
    assert page.status_code == 200, page.status_code
    groups = page.content.decode().count('class="card mb-3 answer-group"')
    print(f"the groups page of {options.answers} answers: {elapsed:.2f} s ({cpu:.2f} s of CPU), {groups} groups")
    figure("groups_page_seconds", round(elapsed, 2), TARGET_SECONDS)
    figure("groups_page_cpu_seconds", round(cpu, 2), TARGET_SECONDS)


if __name__ == "__main__":
    main()
