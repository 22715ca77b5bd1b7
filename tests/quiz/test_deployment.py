"""Nothing a second worker would need stays in one worker's memory when CACHE_URL is set."""

import http.client
import os
import runpy
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.quiz.test_sqlite import UnixHTTPConnection

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = "redis://127.0.0.1:6379/15"


def redis_is_running() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.5):
            return True
    except OSError:
        return False


SCRIPT = """
import django
django.setup()
from django.conf import settings
from django.contrib.sessions.backends.cache import SessionStore
from django.core.cache import cache
print(settings.SESSION_ENGINE, settings.CACHES["default"]["BACKEND"])
cache.set("convquiz-check", "shared", 30)
session = SessionStore()
session["student"] = "alice"
session.save()
print(session.session_key)
"""

READ_BACK = """
import sys
import django
django.setup()
from django.contrib.sessions.backends.cache import SessionStore
from django.core.cache import cache
print(cache.get("convquiz-check"), SessionStore(session_key=sys.argv[1]).get("student"))
"""


def run_worker(script: str, *args: str) -> str:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.test_settings", "CACHE_URL": REDIS_URL}
    result = subprocess.run(
        [sys.executable, "-c", script, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.mark.skipif(not redis_is_running(), reason="no Redis on 127.0.0.1:6379")
def test_cache_and_sessions_are_shared_through_redis():
    first = run_worker(SCRIPT).splitlines()
    assert first[0] == "django.contrib.sessions.backends.cache django_redis.cache.RedisCache"
    # A second process (another worker) reads what the first one wrote.
    assert run_worker(READ_BACK, first[1]).split() == ["shared", "alice"]


def test_database_connections_are_reused(settings):
    assert settings.DATABASES["default"]["CONN_MAX_AGE"] > 0


class GunicornServer:
    """What gunicorn's hooks see of the master: its log."""

    def __init__(self):
        self.lines = []
        self.log = self

    def info(self, message):
        self.lines.append(("info", message))

    def warning(self, message):
        self.lines.append(("warning", message))


UNLOADED = "The sentence-embedding model could not be loaded: answers are read by phrases only."


@pytest.mark.parametrize(
    ("wanted", "loads", "logged"),
    [
        (True, True, [("info", "The sentence-embedding model is loaded; every worker shares it.")]),
        (True, False, [("warning", UNLOADED)]),
        (False, True, []),
    ],
)
def test_gunicorns_master_loads_the_model_only_when_preloading_is_wanted(settings, monkeypatch, wanted, loads, logged):
    from grader import meaning

    loaded = []

    def load():
        loaded.append(True)
        if not loads:
            raise meaning.ModelUnavailable("no model here")

    monkeypatch.setattr(meaning, "_load", load)
    settings.PRELOAD_MEANING_MODEL = wanted
    config = runpy.run_path(str(ROOT / "config" / "gunicorn.conf.py"))
    server = GunicornServer()
    config["when_ready"](server)
    assert config["wsgi_app"] == "config.wsgi:application"
    assert loaded == ([True] if wanted else [])
    assert server.lines == logged


def test_gunicorn_keeps_an_idle_connection_open_through_a_students_pause(tmp_path):
    """A connection reused after a pause of a few seconds still gets its reply.

    With gunicorn's default keep-alive of 2 s, a request sent on a connection the server is
    just closing got no reply at all (as a load balancer reusing its connections, or a student
    saving every few seconds, would meet). The production settings file keeps it open longer."""
    path = str(tmp_path / "gunicorn.sock")
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.test_settings", "CACHE_URL": ""}
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    gunicorn = Path(sys.executable).with_name("gunicorn")
    server = subprocess.Popen(
        [str(gunicorn), "-c", "config/gunicorn.conf.py", "--workers", "1", "--bind", f"unix:{path}"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )
    try:
        connection = _connect_when_up(path, server)
        first = connection.getresponse()
        first.read()
        assert first.status == 200 and first.getheader("Connection", "").lower() != "close"
        kept = connection.sock
        time.sleep(3)
        connection.request("GET", "/healthz")
        second = connection.getresponse()
        assert second.status == 200 and second.read()
        assert connection.sock is kept, "gunicorn closed the idle connection"
    finally:
        server.terminate()
        server.wait(timeout=30)


def _connect_when_up(path: str, server: subprocess.Popen) -> http.client.HTTPConnection:
    """A connection over the unix socket with GET /healthz sent on it, once gunicorn listens."""
    deadline = time.monotonic() + 60
    while True:
        connection = UnixHTTPConnection(path)
        try:
            connection.request("GET", "/healthz")
            return connection
        except OSError:
            assert server.poll() is None, server.stderr.read()
            assert time.monotonic() < deadline, "gunicorn did not start"
            time.sleep(0.2)
