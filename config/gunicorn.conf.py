"""gunicorn's settings for ConvQuiz: `gunicorn -c config/gunicorn.conf.py` (docs/deployment.md).

Command-line options (`--workers`, `--bind`) still win over these. With PRELOAD_MEANING_MODEL
on, the master loads the sentence-embedding model (about 6 s and 500 MB) before it forks its
workers: they all share that one copy, and no teacher's page waits for a worker to load its
own. Submits never need the model either way (written answers are read by meaning outside
the student's request, `quiz/suggestions.py`).
"""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

from django.conf import settings  # noqa: E402  (the settings module must be named first)

wsgi_app = "config.wsgi:application"

# Each worker serves four requests at once on threads (gunicorn's gthread worker), so a worker
# waiting for PostgreSQL does not leave its core idle; four such workers measured best on two
# cores (docs/benchmarks.md, "Exam day").
threads = 4

# An idle connection stays open 75 s, longer than a load balancer keeps its own idle
# connections to the server (60 s is the usual default). A request sent on a connection the
# server is closing at that moment gets no reply at all; with gunicorn's default of 2 s, a
# client that pauses about 2 s between requests (a student saving, a balancer reusing its
# connection) meets that race often. Behind the documented nginx, which opens a connection per
# request to the unix socket, the setting changes nothing.
keepalive = 75


def when_ready(server) -> None:
    """In the master, before the first worker is forked."""
    if not settings.PRELOAD_MEANING_MODEL:
        return
    from grader import meaning

    if meaning.available():
        server.log.info("The sentence-embedding model is loaded; every worker shares it.")
    else:
        server.log.warning("The sentence-embedding model could not be loaded: answers are read by phrases only.")
