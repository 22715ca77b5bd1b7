"""The test LMS, registered with ConvQuiz, and the people who launch from it."""

from __future__ import annotations

import html
from urllib.parse import parse_qs, urlsplit

import pytest
from lti_tool.models import Key

from tests.lti.platform import ADMINISTRATOR, INSTRUCTOR, LEARNER, Person, Platform, lms  # noqa: F401
from tests.quiz.conftest import submitted_attempt, teacher_client  # noqa: F401


@pytest.fixture(autouse=True)
def send_in_the_request(settings):
    """Scores go out in the request after the commit, so a test sees them arrive without waiting on a thread."""
    settings.LTI_SEND_IN_BACKGROUND = False


@pytest.fixture
def platform(lms, quiz) -> Platform:  # noqa: F811
    """The test LMS, registered by the command, trusting the keys ConvQuiz publishes."""
    lms.register()
    lms.trust_tool_keys(Key.objects.as_jwks())
    return lms


@pytest.fixture
def ada() -> Person:
    return Person(sub="u-ada", given_name="Ada", family_name="Lovelace", email="ada@uni.example", roles=[LEARNER])


@pytest.fixture
def ivan() -> Person:
    return Person(sub="u-ivan", given_name="Ivan", family_name="Petrov", email="ivan@uni.example", roles=[INSTRUCTOR])


@pytest.fixture
def root() -> Person:
    return Person(sub="u-root", given_name="Rita", family_name="Root", email="it@uni.example", roles=[ADMINISTRATOR])


def start_login(client, platform: Platform, hint: str, **extra) -> dict:
    """The LMS opens the login URL; ConvQuiz redirects to the platform's authorization endpoint, whose
    query is returned."""
    reply = client.get(platform.endpoints["login_url"], platform.login_query(hint), **extra)
    assert reply.status_code == 302, reply.content.decode()
    location = urlsplit(reply["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == f"{platform.url}/auth"
    return {name: values[0] for name, values in parse_qs(location.query).items()}


def launch(client, platform: Platform, hint: str, **extra):
    """The whole launch through the Django test client: login, authorization, the form post."""
    form = platform.authorize(start_login(client, platform, hint, **extra))
    return client.post(urlsplit(platform.planned[hint].target).path, form, **extra)


def text(reply) -> str:
    """The page as a reader reads it: entities decoded."""
    return html.unescape(reply.content.decode())
