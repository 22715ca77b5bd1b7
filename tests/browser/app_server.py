"""The app under gunicorn, and a PostgreSQL cluster, each in processes of their own that a test stops and starts.

pytest-django's live server lives inside the test process and cannot be stopped and
started again; these can, on ports of their own, so a browser test can take the server
or its database away and bring it back, as an outage does.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from glob import glob
from pathlib import Path
from urllib.error import URLError
from urllib.request import urlopen

ROOT = Path(__file__).resolve().parents[2]
STUDENT_SCRIPT = """
from django.contrib.auth.models import Group, User
from quiz.bank import load_question_bank
from quiz.roles import STUDENTS
load_question_bank()
alice = User.objects.create_user("alice", password="alice-password", first_name="Alice")
alice.groups.add(Group.objects.get_or_create(name=STUDENTS)[0])
"""


def _wait_for_port(port: int, *, open_: bool, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            probe.settimeout(0.5)
            if (probe.connect_ex(("127.0.0.1", port)) == 0) == open_:
                return
        time.sleep(0.1)
    raise TimeoutError(f"port {port} still {'closed' if open_ else 'open'} after {seconds} s")


class AppServer:
    """ConvQuiz under gunicorn on `port`, with the shipped quiz and the student alice in `database_url`."""

    def __init__(self, port: int, database_url: str):
        self.port = port
        self.url = f"http://127.0.0.1:{port}"
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.test_settings",
            "DATABASE_URL": database_url,
            # Sessions in the database: a login outlives a restart of the server, as in production.
            "CACHE_URL": "",
            "CONN_MAX_AGE": "0",
        }
        self.process: subprocess.Popen | None = None
        self.log = tempfile.NamedTemporaryFile(prefix="convquiz-server-", suffix=".log", delete=False)

    def prepare(self) -> None:
        for command in (["migrate", "--noinput", "-v0"], ["shell", "-c", STUDENT_SCRIPT]):
            subprocess.run(
                [sys.executable, "manage.py", *command], cwd=ROOT, env=self.env, check=True, capture_output=True
            )

    def start(self) -> None:
        gunicorn = Path(sys.executable).with_name("gunicorn")
        self.process = subprocess.Popen(
            [str(gunicorn), "config.wsgi", "--bind", f"127.0.0.1:{self.port}", "--workers", "1", "--threads", "4"],
            cwd=ROOT, env=self.env, stdout=self.log, stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                with urlopen(f"{self.url}/healthz", timeout=1):
                    return
            except (URLError, OSError):
                if self.process.poll() is not None:
                    break
                time.sleep(0.2)
        raise RuntimeError(f"the server did not start; its log: {Path(self.log.name).read_text()[-2000:]}")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=30)
        _wait_for_port(self.port, open_=False)

    def remove(self) -> None:
        self.stop()
        self.log.close()
        Path(self.log.name).unlink(missing_ok=True)


def _postgres_binary(name: str) -> str:
    found = sorted(glob(f"/usr/lib/postgresql/*/bin/{name}")) or [shutil.which(name)]
    if not found[-1]:
        raise RuntimeError(f"no {name}: install PostgreSQL's server package")
    return found[-1]


class OwnPostgres:
    """A throwaway PostgreSQL cluster in a temporary directory, on `port`, that a test stops and starts."""

    def __init__(self, port: int):
        self.port = port
        self.directory = Path(tempfile.mkdtemp(prefix="convquiz-pg-"))
        self.data = self.directory / "data"
        # PostgreSQL refuses to run as root: run it as the postgres user there.
        self.as_owner = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if self.as_owner:
            shutil.chown(self.directory, "postgres")

    def url(self, database: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def _run(self, *command: str) -> None:
        subprocess.run([*self.as_owner, *command], check=True, capture_output=True, cwd=self.directory)

    def create(self, database: str) -> None:
        self._run(_postgres_binary("initdb"), "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8")
        self.start()
        self._run(_postgres_binary("createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", database)

    def start(self) -> None:
        options = f"-p {self.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={self.directory}"
        self._run(_postgres_binary("pg_ctl"), "-D", str(self.data), "-o", options, "-l", str(self.directory / "log"),
                  "-w", "start")
        _wait_for_port(self.port, open_=True)

    def stop(self) -> None:
        self._run(_postgres_binary("pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop")

    def remove(self) -> None:
        subprocess.run([*self.as_owner, _postgres_binary("pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop"],
                       capture_output=True, cwd=self.directory)
        shutil.rmtree(self.directory, ignore_errors=True)
