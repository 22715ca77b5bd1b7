"""The teacher's groups page for 500 written answers to one part: grouping by meaning and rendering.

500 submitted attempts answer q1a as a class writes them (`bench/written_answers.py`'s
`class_of_answers`), already read by meaning, with the vectors grouping compares stored
(as `suggest_written_answers` leaves them); the model is loaded first, as gunicorn's master
loads it with PRELOAD_MEANING_MODEL. Then the page is requested: the time a teacher waits.
It is requested once more with no vector stored and none in the process's cache (answers the
command has not read yet): every answer embedded in the request.

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
    from quiz import services, suggestions
    from quiz.models import Attempt, AttemptState, Part, Quiz, Response

    source = data.migrate_and_load_bank()
    quiz = Quiz.objects.filter(key="bench-groups").first()
    if quiz is None:
        quiz = data.clone_quiz(source, "bench-groups", review_free_text=True)
    part = Part.objects.get(question__quiz=quiz, question__key="q1", key="a")
    if Response.objects.filter(part=part).count() == count:
        suggestions.answer_vectors(list(Response.objects.filter(part=part)))  # those a run before left out
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
    suggestions.answer_vectors(responses)  # as the command stores them when it reads each answer
    return part


def request_page(client, part) -> tuple[float, float, int]:
    """The groups page's wall and CPU seconds, and its number of groups."""
    from django.urls import reverse

    start, cpu_start = time.perf_counter(), time.process_time()
    page = client.get(reverse("teacher:review_groups", args=[part.pk]))
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu_start
    assert page.status_code == 200, page.status_code
    return elapsed, cpu, page.content.decode().count('class="card mb-3 answer-group"')


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

    from grader import meaning, rubric
    from quiz.models import AnswerEmbedding

    part = ensure_answers(options.answers, options.seed)
    data.collect_static()
    meaning.available()
    meaning._cache.clear()
    rubric.suggest.cache_clear()
    client = Client()
    client.force_login(data.ensure_teacher())
    elapsed, cpu, groups = request_page(client, part)
    print(f"the groups page of {options.answers} answers: {elapsed:.2f} s ({cpu:.2f} s of CPU), {groups} groups")
    AnswerEmbedding.objects.filter(response__part=part).delete()
    meaning._cache.clear()
    unread, unread_cpu, _ = request_page(client, part)
    print(f"the same with every answer embedded in the request: {unread:.2f} s ({unread_cpu:.2f} s of CPU)")
    figure("groups_page_seconds", round(elapsed, 2), TARGET_SECONDS)
    figure("groups_page_cpu_seconds", round(cpu, 2), TARGET_SECONDS)
    figure("groups_page_unread_seconds", round(unread, 2), None)
    figure("groups_page_unread_cpu_seconds", round(unread_cpu, 2), None)


if __name__ == "__main__":
    main()
