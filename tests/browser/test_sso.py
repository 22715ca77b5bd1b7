"""Signing in with the institution's identity provider, in Chromium, as a person does."""

import pytest
from playwright.sync_api import expect

from tests.sso.identity_provider import idp  # noqa: F401

pytestmark = pytest.mark.browser


def test_a_teacher_signs_in_with_the_identity_provider_and_lands_on_their_quizzes(page, live_server, idp, quiz):  # noqa: F811
    idp.person = {"sub": "emp-1906", "name": "Grace Hopper", "email": "grace@uni.example", "groups": ["staff"]}
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_role("link", name="Sign in with Example University").click()
    expect(page.get_by_role("heading", name="Example University sign-in")).to_be_visible()
    page.get_by_role("link", name="Continue as Grace Hopper").click()
    expect(page.get_by_role("heading", name="My quizzes")).to_be_visible()
    expect(page.get_by_role("link", name="Grace Hopper")).to_be_visible()
