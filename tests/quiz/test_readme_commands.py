"""The README's commands work as written in a checkout where `make install` ran: from its root, with the
virtualenv's python and nothing else in the environment, the .env that make writes supplying the settings."""

import json
import os
import re
import shlex
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BARE_ENVIRONMENT = {"PATH": os.environ["PATH"], "LANG": "C.UTF-8"}
"""What a person's shell holds that matters here: no SECRET_KEY, DEBUG, DATABASE_URL or settings module."""
LOCAL_STATE = shutil.ignore_patterns(
    ".git", ".venv", ".env", ".env.new", "db.sqlite3", "staticfiles", "__pycache__", ".pytest_cache", ".ruff_cache",
    ".hypothesis", "artifacts", "results",
)  # fmt: skip
COMMAND = re.compile(r"(?:`|^[ \t]*)(python manage\.py [^`\n]+)", re.MULTILINE)
OPTIONAL = re.compile(r"\s*\[[^\]]*\]")


def readme_commands() -> list[str]:
    """Each `python manage.py …` of the README, in its order, without its optional parts ([--dry-run])."""
    commands = []
    for found in COMMAND.findall((ROOT / "README.md").read_text(encoding="utf-8")):
        command = OPTIONAL.sub("", found.replace("\\|", "|")).strip()
        if "…" not in command and command not in commands:
            commands.append(command)
    return commands


@pytest.fixture
def checkout(tmp_path) -> Path:
    """A copy of this checkout without its local state, after `make .env` (the step of `make install`)."""
    path = tmp_path / "convquiz"
    shutil.copytree(ROOT, path, ignore=LOCAL_STATE)
    subprocess.run(
        ["make", "--no-print-directory", ".env"], cwd=path, env=BARE_ENVIRONMENT, check=True, capture_output=True,
        timeout=60,
    )  # fmt: skip
    return path


def run(checkout: Path, command: str) -> subprocess.CompletedProcess:
    """`command` as a person types it in the checkout's root, `python` being the virtualenv's."""
    args = shlex.split(command)
    assert args[0] == "python"
    return subprocess.run(
        [sys.executable, *args[1:]], cwd=checkout, env=BARE_ENVIRONMENT, capture_output=True, text=True, timeout=300
    )


def run_ok(checkout: Path, command: str) -> subprocess.CompletedProcess:
    result = run(checkout, command)
    assert result.returncode == 0, f"{command}\n{result.stderr}"
    return result


def test_make_writes_a_private_development_env_file_once(checkout):
    env_file = checkout / ".env"
    lines = env_file.read_text().splitlines()
    assert {"DEBUG=true", "SECURE_SSL_REDIRECT=false", "SESSION_COOKIE_SECURE=false", "CSRF_COOKIE_SECURE=false",
            "SECURE_HSTS_SECONDS=0"} <= set(lines)  # fmt: skip
    (key,) = [line.removeprefix("SECRET_KEY=") for line in lines if line.startswith("SECRET_KEY=")]
    assert len(key) >= 50 and "insecure" not in key
    assert stat.S_IMODE(env_file.stat().st_mode) == 0o600
    subprocess.run(["make", "--no-print-directory", ".env"], cwd=checkout, env=BARE_ENVIRONMENT, check=True)
    assert env_file.read_text().splitlines() == lines
    ignored = subprocess.run(["git", "check-ignore", "--no-index", "-q", ".env"], cwd=ROOT)
    assert ignored.returncode == 0, ".env is not git-ignored"


def test_every_manage_py_command_in_the_readme_works_as_written(checkout):
    # The tables first (`make run` migrates before anything), then every command in the README's order.
    commands = sorted(readme_commands(), key=lambda command: command != "python manage.py migrate")
    assert commands[0] == "python manage.py migrate" and len(commands) >= 10
    outputs = {command: run_ok(checkout, command).stdout for command in commands}
    assert "created quiz cnn-fundamentals: 10 questions, 21 parts" in outputs["python manage.py load_question_bank"]
    graded = outputs['python manage.py grade_answer q2 b "12.6 MB" "14.1 MB"'].splitlines()
    assert [json.loads(line)["status"] for line in graded] == ["correct", "partial"]
    assert json.loads(outputs['python manage.py grade_answer q2 b --seed 3 -- "-12.6 MB"'])["answer"] == "-12.6 MB"
    assert "demo accounts: admin / admin-demo" in outputs["python manage.py create_demo_accounts"]
    assert "username" in outputs["python manage.py export_scores cnn-fundamentals"].splitlines()[0]
    students = outputs["python manage.py export_scores cnn-fundamentals --students"].splitlines()
    assert students == [
        "username,name,grading_method,grade,max_score,counted_attempts,finished_attempts,attempts,awaiting_review"
    ]
    exported = outputs["python manage.py export_question_bank cnn-fundamentals"]
    assert exported.startswith("quiz:\n  key: cnn-fundamentals\n")


EDIT_Q8 = """
from quiz.models import Question
question = Question.objects.get(key="q8")
question.params = {**question.params, "units": 256}
question.save()
"""


def test_a_restart_keeps_an_admins_edit_and_still_starts(checkout):
    run_ok(checkout, "python manage.py migrate")
    run_ok(checkout, "python manage.py load_question_bank")
    run_ok(checkout, f"python manage.py shell -c {shlex.quote(EDIT_Q8)}")

    reload = run_ok(checkout, "python manage.py load_question_bank")

    assert "params.units: database 256, file 200" in reload.stderr
    assert "2 kept as edited" not in reload.stdout and "1 kept as edited" in reload.stdout
    units = run_ok(checkout, "python manage.py show_question q8 --json").stdout
    assert json.loads(units)["params"]["units"] == 256
    dry_run = run_ok(checkout, "python manage.py load_question_bank --dry-run --replace")
    assert "params.units: 256 → 200" in dry_run.stdout
    assert json.loads(run_ok(checkout, "python manage.py show_question q8 --json").stdout)["params"]["units"] == 256


def test_a_restart_keeps_the_demo_passwords(checkout):
    run_ok(checkout, "python manage.py migrate")
    run_ok(checkout, "python manage.py create_demo_accounts")
    change = "from django.contrib.auth.models import User; u = User.objects.get(username='student'); "
    change += "u.set_password('my-own-password'); u.save()"
    run_ok(checkout, f"python manage.py shell -c {shlex.quote(change)}")

    again = run_ok(checkout, "python manage.py create_demo_accounts")

    assert "admin, teacher, student already there, passwords left as they are" in again.stdout
    check = "from django.contrib.auth.models import User; print(User.objects.get(username='student')"
    check += ".check_password('my-own-password'))"
    assert run_ok(checkout, f"python manage.py shell -c {shlex.quote(check)}").stdout.split()[-1] == "True"


def test_an_option_after_the_answers_dashes_is_refused_before_anything_is_graded(checkout):
    result = run(checkout, 'python manage.py grade_answer q3 b -- "[2, 2, 2, 2, 2, 2, 2, -7]" --seed 3')
    assert result.returncode == 2
    assert result.stdout == ""
    assert "'--seed' looks like the option --seed, not an answer" in result.stderr
