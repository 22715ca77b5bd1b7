"""Settings read the environment and fail loudly; production defaults pass check --deploy."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_ENV = {
    "SECRET_KEY": "a-long-random-production-secret-key-with-enough-entropy-1234567890",
    "ALLOWED_HOSTS": "quiz.example.org",
    "PATH": os.environ["PATH"],
}


def run_manage(*args: str, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_production_defaults_pass_check_deploy():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("DEBUG", "maybe"),
        ("CONN_MAX_AGE", "soon"),
        ("ATTEMPT_GRACE_SECONDS", "thirty"),
        ("DATABASE_URL", "nosuchdb://x"),
    ],
)
def test_a_bad_value_stops_start_up_naming_the_variable(variable, value):
    result = run_manage("check", env={**PRODUCTION_ENV, variable: value})
    assert result.returncode != 0
    assert variable in result.stderr


def test_secret_key_is_required_without_debug():
    env = {key: value for key, value in PRODUCTION_ENV.items() if key != "SECRET_KEY"}
    result = run_manage("check", env=env)
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr
