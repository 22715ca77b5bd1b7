"""Registering a platform (the command and the admin), the tool's keys at the JWKS URL, and rotating them."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse
from lti_tool.models import Key, LtiDeployment, LtiRegistration

from quiz.lti.tool import signing_key
from tests.lti.conftest import launch
from tests.lti.test_scores import QUIZ, submit

ROOT = Path(__file__).resolve().parents[2]


def register(capsys, *args) -> str:
    call_command("add_lti_platform", *args)
    return capsys.readouterr().out


def test_the_command_prints_one_json_object_of_site_relative_paths(lms, capsys):
    out = register(capsys, *lms.registration_args)
    assert out.count("\n") <= 1
    endpoints = json.loads(out)
    registration = LtiRegistration.objects.get()
    assert endpoints == {
        "login_url": "/lti/login/",
        "launch_url": "/lti/launch/",
        "jwks_url": "/lti/jwks.json",
        "deep_linking_url": "/lti/deep-linking/",
    }
    assert (registration.issuer, registration.client_id) == (lms.url, lms.client_id)
    assert (registration.auth_url, registration.token_url, registration.keyset_url) == (
        f"{lms.url}/auth", f"{lms.url}/token", f"{lms.url}/jwks",
    )
    assert LtiDeployment.objects.get().deployment_id == lms.deployment_id
    assert LtiDeployment.objects.get().is_active


def test_registering_again_changes_nothing_but_what_changed(lms, capsys):
    first = register(capsys, *lms.registration_args)
    key = signing_key()
    again = register(capsys, *lms.registration_args)
    assert again == first
    assert LtiRegistration.objects.count() == LtiDeployment.objects.count() == Key.objects.count() == 1
    assert signing_key() == key
    args = [*lms.registration_args]
    args[args.index("--deployment-id") + 1] = "deployment-2"
    register(capsys, *args)
    assert sorted(LtiDeployment.objects.values_list("deployment_id", flat=True)) == ["deployment-1", "deployment-2"]


@pytest.mark.parametrize(
    ("flag", "value", "message"),
    [
        ("--keyset-url", "not a url", "--keyset-url must be an http(s) URL"),
        ("--auth-login-url", "ftp://lms.example/auth", "--auth-login-url must be an http(s) URL"),
        ("--client-id", "  ", "--client-id must be between 1 and 255 characters"),
    ],
)
def test_a_bad_value_is_refused_naming_the_flag(lms, flag, value, message):
    args = [*lms.registration_args]
    args[args.index(flag) + 1] = value
    with pytest.raises(CommandError, match=re.escape(message)):
        call_command("add_lti_platform", *args)
    assert not LtiRegistration.objects.exists()


def test_the_command_as_the_readme_runs_it_prints_only_the_json(tmp_path):
    env = {"PATH": os.environ["PATH"], "DEBUG": "true", "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"}
    def run(*args):
        return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True)

    migrate = run("migrate", "--noinput")
    assert migrate.returncode == 0, migrate.stderr
    moodle = "https://moodle.example.edu"
    args = [
        "--issuer", moodle, "--client-id", "Xy12", "--deployment-id", "1",
        "--auth-login-url", f"{moodle}/mod/lti/auth.php", "--access-token-url", f"{moodle}/mod/lti/token.php",
        "--keyset-url", f"{moodle}/mod/lti/certs.php",
    ]
    result = run("add_lti_platform", *args)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    endpoints = json.loads(result.stdout)
    assert set(endpoints) == {"login_url", "launch_url", "jwks_url", "deep_linking_url"}
    assert all(path.startswith("/") for path in endpoints.values())


def test_the_jwks_publishes_the_tools_key_by_kid(client, lms, capsys):
    register(capsys, *lms.registration_args)
    keys = client.get(reverse("lti_jwks")).json()["keys"]
    assert [key["kid"] for key in keys] == [str(signing_key())]
    assert {(key["kty"], key["alg"], key["use"]) for key in keys} == {("RSA", "RS256", "sig")}
    assert all("d" not in key for key in keys), "a private part published"


def test_rotating_keeps_the_old_key_published_until_removed(client, lms, capsys):
    register(capsys, *lms.registration_args)
    old = str(signing_key())
    call_command("rotate_lti_key")
    new = str(signing_key())
    assert capsys.readouterr().out.strip() == f"new signing key {new}; the older keys stay published until removed"
    assert new != old
    assert {key["kid"] for key in client.get(reverse("lti_jwks")).json()["keys"]} == {old, new}

    with pytest.raises(CommandError, match="is the key ConvQuiz signs with"):
        call_command("rotate_lti_key", f"--remove={new}")
    with pytest.raises(CommandError, match="No published key has the kid 'nope'"):
        call_command("rotate_lti_key", "--remove=nope")
    # A kid may start with a minus, which argparse would take for an option without the "=".
    call_command("rotate_lti_key", f"--remove={old}")
    assert capsys.readouterr().out.strip() == f"key {old} is no longer published"
    assert [key["kid"] for key in client.get(reverse("lti_jwks")).json()["keys"]] == [new]


def test_after_a_rotation_the_new_key_signs_and_the_platform_checks_it_at_the_jwks(
    platform, ada, quiz, django_capture_on_commit_callbacks
):
    call_command("rotate_lti_key")
    platform.trust_tool_keys(Client().get(reverse("lti_jwks")).json())
    launch(Client(), platform, platform.plan(ada, custom=QUIZ))
    student = get_user_model().objects.get(username__startswith="lti-")
    submit(student, quiz, capture=django_capture_on_commit_callbacks)
    assert len(platform.scores_for(ada)) == 1


def test_the_admin_registers_a_platform_and_shows_the_urls_to_give_the_lms(admin_user, lms):
    client = Client()
    client.force_login(admin_user)
    form = {
        "name": "Moodle", "issuer": lms.url, "client_id": "abc", "audience": "", "auth_url": f"{lms.url}/auth",
        "token_url": f"{lms.url}/token", "keyset_url": f"{lms.url}/jwks", "is_active": "on",
        "uuid": "9b2f3c1e-0000-4000-8000-000000000001",
        "deployments-TOTAL_FORMS": "1", "deployments-INITIAL_FORMS": "0", "deployments-MIN_NUM_FORMS": "0",
        "deployments-MAX_NUM_FORMS": "1000", "deployments-0-deployment_id": "d-1", "deployments-0-is_active": "on",
    }
    reply = client.post(reverse("admin:lti_tool_ltiregistration_add"), form)
    assert reply.status_code == 302, reply.content.decode()[:3000]
    registration = LtiRegistration.objects.get()
    assert registration.deployments.get().deployment_id == "d-1"
    assert Key.objects.active().count() == 1
    page = client.get(reverse("admin:lti_tool_ltiregistration_change", args=[registration.pk])).content.decode()
    assert "/lti/login/" in page
    assert "/lti/launch/" in page and "/lti/jwks.json" in page and "/lti/deep-linking/" in page
