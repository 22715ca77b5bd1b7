"""ConvQuiz inside the test LMS's iframe, in Chromium: a learner takes the quiz and the grade arrives; an
instructor confirms a written answer and the new grade arrives; deep linking; every refused launch.

The LMS and ConvQuiz run on the same host name (different ports), so they are the same site and the
login's state cookie travels with the LMS's form post over plain HTTP; across sites a browser sends it
only as SameSite=None; Secure, which ConvQuiz sets over HTTPS (tests/lti/test_launch.py).
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from quiz.lti.models import OutgoingScore
from tests.browser.conftest import tool
from tests.browser.test_student_takes_quiz import answer
from tests.lti.platform import INSTRUCTOR, LEARNER, SPOILS, Person
from tests.quiz.conftest import GOOD_ANSWERS

pytestmark = pytest.mark.browser

ADA = Person(sub="u-ada", given_name="Ada", family_name="Lovelace", email="ada@uni.example", roles=[LEARNER])
IVAN = Person(sub="u-ivan", given_name="Ivan", family_name="Petrov", email="ivan@uni.example", roles=[INSTRUCTOR])


def test_a_learner_takes_the_quiz_in_the_lms_and_an_instructor_review_updates_the_grade(
    page, lms, screenshot, quiz, page_errors
):
    # Chromium ignores the autofocus attribute inside another origin's frame (the review page's points
    # field), and says so; the page's own script still puts the focus there.
    page_errors.expect("Blocked autofocusing on a <input> element in a cross-origin subframe")
    page.goto(lms.course_page(lms.plan(ADA, custom={"quiz": quiz.key})))
    frame = tool(page)
    expect(frame.get_by_role("heading", name="CNN fundamentals")).to_be_visible()
    frame.get_by_role("button", name="Start attempt 1").click()
    for key, text in GOOD_ANSWERS.items():
        answer(frame, key, text)
    for key in GOOD_ANSWERS:
        expect(frame.locator(f"#status-{key}")).to_contain_text(re.compile(r"Saved \d\d:\d\d:\d\d"))
    frame.get_by_role("button", name="Finish attempt…").click()
    frame.get_by_role("button", name="Submit attempt").click()
    expect(frame.get_by_text("Total so far", exact=True)).to_be_visible()
    screenshot(page, "learner-result")

    [submitted] = lms.wait_for_scores(ADA, 1)
    assert (submitted["scoreGiven"], submitted["scoreMaximum"]) == (3.0, 21.0)
    assert (submitted["activityProgress"], submitted["gradingProgress"]) == ("Completed", "PendingManual")

    page.goto(lms.course_page(lms.plan(IVAN, custom={"quiz": quiz.key})))
    frame = tool(page)
    expect(frame.get_by_role("link", name="Gradebook", exact=True)).to_be_visible()
    frame.get_by_role("link", name=re.compile("Review queue")).click()
    frame.get_by_role("link", name="Review 1 pending").click()
    # The rubric's first item has the focus; 1 ticks it and the points follow.
    expect(frame.locator("input[data-rubric-item]").first).to_be_focused()
    page.keyboard.press("1")
    expect(frame.get_by_label("Points (out of 1)")).to_have_value("1")
    comment = frame.get_by_label("Comment for the student")
    comment.fill("Both ideas, clearly put.")
    comment.press("Control+Enter")
    expect(frame.get_by_text("Every answer to Question 6b is reviewed.")).to_be_visible()

    reviewed = lms.wait_for_scores(ADA, 2)[-1]
    assert (reviewed["scoreGiven"], reviewed["gradingProgress"]) == (3.0, "FullyGraded")
    assert reviewed["timestamp"] > submitted["timestamp"]

    frame.get_by_role("link", name="Gradebook", exact=True).click()
    frame.locator("tr", has_text="Ada Lovelace").locator(".made-of").get_by_role("link", name="Attempt 1").click()
    expect(frame.locator(".lms-score-status")).to_contain_text(re.compile(r"3 / 21\s+—\s+sent \d\d:\d\d"))
    screenshot(page, "instructor-attempt")
    assert list(OutgoingScore.objects.values_list("status", flat=True)) == ["sent", "sent"]


def test_an_instructor_adds_a_quiz_by_deep_linking_and_a_learner_opens_it(page, lms, screenshot, quiz):
    page.goto(lms.course_page(lms.plan(IVAN, message="LtiDeepLinkingRequest")))
    frame = tool(page)
    expect(frame.get_by_role("heading", name="Choose a quiz for your course")).to_be_visible()
    screenshot(page, "choose")
    frame.get_by_role("button", name="Add to the course: CNN fundamentals").click()
    expect(frame.get_by_role("heading", name="Added to the course")).to_be_visible()
    expect(frame.get_by_role("listitem")).to_have_text(["CNN fundamentals"])
    [reply] = lms.deep_link_replies
    [item] = reply["https://purl.imsglobal.org/spec/lti-dl/claim/content_items"]
    assert item["lineItem"]["scoreMaximum"] == 21.0

    page.goto(lms.course_page(lms.plan(ADA, custom=item["custom"], resource_link="link-chosen")))
    expect(tool(page).get_by_role("button", name="Start attempt 1")).to_be_visible()


ADVICE = {
    "signature": "signature does not match the platform's public keys",
    "unknown_issuer": "no registration for this issuer and client ID",
    "unknown_client": "no registration for this issuer and client ID",
    "expired": "had expired when it reached ConvQuiz",
    "deployment": "add the deployment ID to the platform's registration",
    "no_state": "came without the state ConvQuiz gave at login",
    "other_state": "does not match a login started in this browser",
    "version": "Incorrect version, expected 1.3.0",
    "message_type": "Unrecognized message type",
    "replay": "already used (its nonce was seen before)",
}


@pytest.mark.parametrize("spoil", [*SPOILS, "replay"])
def test_a_refused_launch_shows_what_to_tell_the_administrator_and_signs_nobody_in(
    page, lms, live_server, page_errors, spoil
):
    page_errors.expect(r"the server responded with a status of 40[03]")  # the refusal page's own status
    if spoil == "replay":
        hint = lms.plan(ADA, custom={"quiz": "cnn-fundamentals"})
        page.goto(lms.course_page(hint))
        expect(tool(page).get_by_role("button", name="Start attempt 1")).to_be_visible()
        page.goto(f"{lms.url}/replay?login_hint={hint}")
        refusal = page
    else:
        page.goto(lms.course_page(lms.plan(ADA, custom={"quiz": "cnn-fundamentals"}, spoil=spoil)))
        refusal = tool(page)
    expect(refusal.get_by_role("heading", name="ConvQuiz could not open this launch from your LMS")).to_be_visible()
    expect(refusal.get_by_text(ADVICE[spoil])).to_be_visible()
    expect(refusal.get_by_text("Nobody is signed in to ConvQuiz from this launch.")).to_be_visible()
    page.goto(f"{live_server.url}/quizzes/")
    expect(page.get_by_role("heading", name="Log in to ConvQuiz")).to_be_visible()
