"""The embedded SQLite database under a burst: gunicorn's worker processes saving at once.

`make run` and small installations keep everything in one SQLite file. Several processes
(or threads) writing to it at the same moment used to meet "database is locked" and a 500.
These tests run a real gunicorn with four workers on a file database of their own, reached
through a unix socket, and send a burst of saves from several students at once.
"""

from __future__ import annotations

import ast
import http.client
import json
import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

import pytest

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = Path(sys.executable).with_name("gunicorn")
CSRF_SECRET = "burstburstburstburstburstburst01"
"""A CSRF cookie value the clients send back in the header, as the attempt page does."""
STUDENTS, TABS, SAVES = 8, 3, 12
PARTS = ["q2a", "q2b", "q2c", "q3a", "q3b", "q8b", "q8c", "q7c"]

SETUP = """
import django
django.setup()
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
from django.contrib.auth.models import Group
from django.contrib.sessions.backends.db import SessionStore
from django.core.management import call_command
from quiz import services
from quiz.bank import load_question_bank
from quiz.roles import STUDENTS

call_command("migrate", verbosity=0)
quiz = load_question_bank().quiz
students = Group.objects.get(name=STUDENTS)
for n in range({count}):
    user = get_user_model().objects.create_user(username=f"burst{{n:02d}}", password="unused-password")
    user.groups.add(students)
    attempt = services.start_attempt(student=user, quiz=quiz)
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    print(attempt.pk, session.session_key)
"""

READ_BACK = """
import json
import django
django.setup()
from quiz.models import Response
print(json.dumps([[r.attempt_id, r.part.question.key + r.part.key, r.text, r.sequence]
                  for r in Response.objects.select_related("part__question").exclude(text="")]))
"""


class UnixHTTPConnection(http.client.HTTPConnection):
    """An HTTP connection over gunicorn's unix socket: no TCP port is taken."""

    def __init__(self, path: str):
        super().__init__("localhost", timeout=60)
        self.socket_path = path

    def connect(self) -> None:
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(self.timeout)
        self.sock.connect(self.socket_path)


@pytest.fixture
def sqlite_server(tmp_path):
    """gunicorn with four worker processes on a fresh SQLite file; yields (socket path, env, sessions)."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.test_settings",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "CACHE_URL": "",
    }
    setup = subprocess.run(
        [sys.executable, "-c", SETUP.format(count=STUDENTS)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=240,
    )
    assert setup.returncode == 0, setup.stderr
    sessions = [line.split() for line in setup.stdout.splitlines()]
    path = str(tmp_path / "gunicorn.sock")
    server = subprocess.Popen(
        [str(GUNICORN), "config.wsgi", "--workers", "4", "--bind", f"unix:{path}", "--timeout", "120"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while not _answers(path):
            assert server.poll() is None, server.stderr.read()
            assert time.monotonic() < deadline, "gunicorn did not start"
            time.sleep(0.2)
        yield path, env, sessions
    finally:
        server.terminate()
        server.wait(timeout=30)


def _answers(path: str) -> bool:
    try:
        connection = UnixHTTPConnection(path)
        connection.request("GET", "/healthz")
        return connection.getresponse().status == 200
    except OSError:
        return False


def _save(path: str, session: str, attempt: str, part: str, text: str, sequence: int) -> tuple[int, dict]:
    connection = UnixHTTPConnection(path)
    body = urlencode({"part": part, "text": text, "sequence": sequence})
    try:
        connection.request("POST", f"/attempts/{attempt}/save/", body=body, headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"sessionid={session}; csrftoken={CSRF_SECRET}",
            "X-CSRFToken": CSRF_SECRET,
            "HX-Request": "true",
        })
        reply = connection.getresponse()
        content = reply.read()
    except OSError as error:
        return 0, {"error": repr(error)}
    finally:
        connection.close()
    try:
        return reply.status, json.loads(content)
    except ValueError:
        return reply.status, {"body": content[:300].decode(errors="replace")}


OPTIONS = "from django.conf import settings; print(settings.DATABASES['default'].get('OPTIONS', {}))"


@pytest.mark.parametrize(
    ("url", "sqlite"), [("sqlite:///db.sqlite3", True), ("postgres://convquiz@127.0.0.1:5432/convquiz", False)]
)
def test_only_sqlite_is_configured_for_concurrent_writers(url, sqlite):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.test_settings", "DATABASE_URL": url}
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {OPTIONS}"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stderr
    options = ast.literal_eval(result.stdout.strip())
    if sqlite:
        assert options["transaction_mode"] == "IMMEDIATE"
        assert options["timeout"] >= 10
        assert "journal_mode=WAL" in options["init_command"]
    else:
        assert "transaction_mode" not in options and "init_command" not in options


@pytest.mark.timeout(600)
def test_a_burst_of_saves_from_several_students_on_sqlite_all_succeed(sqlite_server):
    """Every student types in three tabs at once, each tab in parts of its own: every save is
    acknowledged, and each part keeps the last one."""
    path, env, sessions = sqlite_server
    barrier = threading.Barrier(STUDENTS * TABS)
    outcomes: list[tuple[int, str, int, int, dict]] = []  # attempt, part, the tab's save count, status, reply

    def tab(attempt: str, session: str, index: int) -> None:
        parts = PARTS[index::TABS]
        known = dict.fromkeys(parts, 0)  # each part's sequence as the server last acknowledged it
        barrier.wait(timeout=60)
        for count in range(1, SAVES + 1):
            part = parts[count % len(parts)]
            status, reply = _save(path, session, attempt, part, f"{part} {count}", known[part] + 1)
            known[part] = reply.get("sequence", known[part])
            outcomes.append((int(attempt), part, count, status, reply))

    threads = [
        threading.Thread(target=tab, args=(attempt, session, index))
        for attempt, session in sessions
        for index in range(TABS)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)

    assert len(outcomes) == STUDENTS * TABS * SAVES
    failures = [(status, reply) for *_, status, reply in outcomes if status != 200]
    assert failures == [], f"{len(failures)} of {len(outcomes)} saves failed, e.g. {failures[:3]}"
    last, saves = {}, {}
    for attempt, part, count, _, _ in outcomes:
        last[(attempt, part)] = max(last.get((attempt, part), 0), count)
        saves[(attempt, part)] = saves.get((attempt, part), 0) + 1
    read_back = subprocess.run(
        [sys.executable, "-c", READ_BACK], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    stored = {(attempt, part): (text, sequence) for attempt, part, text, sequence in json.loads(read_back.stdout)}
    # The server numbers a part's saves one by one: the stored sequence is how many were taken.
    assert stored == {key: (f"{key[1]} {count}", saves[key]) for key, count in last.items()}
