"""Settings read the environment (and a development checkout's .env) and fail loudly; production defaults pass
check --deploy."""

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
    # Not this checkout's development .env, if `make install` wrote one.
    "ENV_FILE": "",
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


SHOW_SETTINGS = """
import django
django.setup()
from django.conf import settings
print(settings.DEBUG, settings.TIME_ZONE, settings.SECRET_KEY)
"""


def show_settings(env: dict) -> subprocess.CompletedProcess:
    env = {**env, "DJANGO_SETTINGS_MODULE": "config.settings"}
    return subprocess.run(
        [sys.executable, "-c", SHOW_SETTINGS], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


@pytest.fixture
def env_file(tmp_path) -> Path:
    path = tmp_path / ".env"
    path.write_text("# a development checkout's\nDEBUG=true\nSECRET_KEY=from-the-env-file\nTIME_ZONE=Europe/Paris\n")
    return path


def test_an_env_file_is_read_and_the_real_environment_wins_over_it(env_file):
    result = show_settings({"PATH": os.environ["PATH"], "ENV_FILE": str(env_file), "TIME_ZONE": "Asia/Tokyo"})
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "Asia/Tokyo", "from-the-env-file"]


def test_production_never_signs_with_a_key_from_an_env_file(env_file):
    result = run_manage("check", env={"PATH": os.environ["PATH"], "ENV_FILE": str(env_file), "DEBUG": "false"})
    assert result.returncode != 0
    assert "Set the SECRET_KEY environment variable (with DEBUG off, a key in .env is not used)" in result.stderr


def test_a_missing_env_file_named_explicitly_stops_start_up(tmp_path):
    result = run_manage("check", env={**PRODUCTION_ENV, "ENV_FILE": str(tmp_path / "nowhere.env")})
    assert result.returncode != 0
    assert "ENV_FILE" in result.stderr


def test_the_tests_never_read_a_developers_env_file(settings):
    assert settings.ENV_FILE == ""
