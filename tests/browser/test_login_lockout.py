"""A student mistypes her password until she is locked out; her teacher unlocks her from the Students page."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def try_password(page, password: str) -> None:
    page.get_by_label("Username").fill("alice")
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()


def test_the_login_warns_before_the_lock_and_a_teacher_unlocks_the_student(
    page, page_errors, live_server, login, screenshot, alice, tess, settings
):
    assert settings.AXES_FAILURE_LIMIT == 5
    page_errors.expect(r"status of 429 \(Too Many Requests\)")  # the lock-out page's own status
    page.goto(f"{live_server.url}/accounts/login/")
    for _ in range(2):
        try_password(page, "wrong")
        expect(page.get_by_text("Please enter a correct username and password")).to_be_visible()
        expect(page.get_by_text("will lock this account")).to_have_count(0)
    try_password(page, "wrong")
    expect(page.get_by_role("alert").filter(has_text="Two more wrong passwords")).to_have_text(
        "Two more wrong passwords will lock this account on this computer for 15 minutes."
    )
    try_password(page, "still wrong")
    expect(page.get_by_role("alert").filter(has_text="One more wrong password")).to_have_text(
        "One more wrong password will lock this account on this computer for 15 minutes."
    )
    screenshot(page, "one-try-left")
    try_password(page, "wrong again")
    expect(page.get_by_role("heading", name="Too many failed logins")).to_be_visible()
    expect(page.get_by_text("This account is locked for 15 minutes")).to_be_visible()
    screenshot(page, "locked-out")

    # The right password is refused too, until the teacher steps in.
    page.get_by_role("link", name="Back to the login page").click()
    try_password(page, "alice-password")
    expect(page.get_by_role("heading", name="Too many failed logins")).to_be_visible()

    # Her teacher, on this same computer, unlocks her from the Students page.
    login(page, live_server, "tess", "tess-password")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Students").click()
    row = page.get_by_role("row").filter(has_text="alice")
    expect(row.get_by_text("locked out")).to_be_visible()
    row.get_by_role("button", name="Unlock alice").click()
    expect(page.get_by_text("Alice can log in again.")).to_be_visible()
    expect(page.get_by_role("row").filter(has_text="alice").get_by_text("locked out")).to_have_count(0)
    screenshot(page, "unlocked")
    page.get_by_role("button", name="Log out").click()

    try_password(page, "alice-password")
    expect(page.get_by_role("heading", name="My quizzes")).to_be_visible()
