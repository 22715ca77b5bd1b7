"""Launches from the test LMS through the Django test client: who is signed in, where they land, what is refused."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse

from quiz.lti.launches import lti_username
from quiz.lti.models import CourseGroup, QuizLink
from quiz.roles import STUDENTS, TEACHERS
from tests.lti.conftest import launch, start_login, text
from tests.lti.platform import INSTRUCTOR, LEARNER, SPOILS
from tests.quiz.test_security_headers import directives

QUIZ = {"quiz": "cnn-fundamentals"}


def signed_in(client: Client):
    user_id = client.session.get("_auth_user_id")
    return get_user_model().objects.get(pk=user_id) if user_id else None


def test_a_learner_lands_signed_in_on_the_quizs_page_with_a_profile_and_the_courses_group(client, platform, ada):
    reply = launch(client, platform, platform.plan(ada, custom=QUIZ))
    assert reply.status_code == 302
    assert reply["Location"] == reverse("student:quiz_start", args=["cnn-fundamentals"])
    user = signed_in(client)
    assert user.username == lti_username(platform.url, "u-ada")
    assert (user.first_name, user.last_name, user.email) == ("Ada", "Lovelace", "ada@uni.example")
    assert not (user.is_staff or user.is_superuser)
    course = CourseGroup.objects.get().group
    assert set(user.groups.values_list("name", flat=True)) == {STUDENTS, course.name}
    assert course.name == "Deep Learning 101 (LMS)"
    page = client.get(reply["Location"])
    assert page.status_code == 200
    assert "Start" in page.content.decode()


def test_an_instructor_lands_on_the_quizs_gradebook_as_a_teacher(client, platform, ivan, quiz):
    reply = launch(client, platform, platform.plan(ivan, custom=QUIZ))
    assert reply["Location"] == reverse("teacher:gradebook", args=[quiz.pk])
    user = signed_in(client)
    assert user.groups.filter(name=TEACHERS).exists() and not user.is_staff
    assert client.get(reply["Location"]).status_code == 200


@pytest.mark.parametrize(
    "roles",
    [
        ["http://purl.imsglobal.org/vocab/lis/v2/membership/Instructor#TeachingAssistant"],
        ["http://purl.imsglobal.org/vocab/lis/v2/membership#ContentDeveloper"],
        ["Instructor", "Learner"],
    ],
)
def test_teaching_assistants_content_developers_and_instructors_are_teachers(client, platform, ada, roles):
    ada.roles = roles
    launch(client, platform, platform.plan(ada, custom=QUIZ))
    assert signed_in(client).groups.filter(name=TEACHERS).exists()


def test_a_platform_administrator_is_refused_and_never_a_superuser(client, platform, root):
    reply = launch(client, platform, platform.plan(root, custom=QUIZ))
    assert reply.status_code == 403
    assert "admits learners and instructors" in text(reply)
    assert signed_in(client) is None
    assert not get_user_model().objects.filter(username__startswith="lti-").exists()

    root.roles = [*root.roles, INSTRUCTOR, "http://purl.imsglobal.org/vocab/lis/v2/system/person#Administrator"]
    launch(client, platform, platform.plan(root, custom=QUIZ))
    user = signed_in(client)
    assert user.groups.filter(name=TEACHERS).exists()
    assert not (user.is_staff or user.is_superuser)


def test_the_same_person_is_one_account_whose_profile_follows_the_lms(client, platform, ada):
    launch(client, platform, platform.plan(ada, custom=QUIZ))
    ada.family_name, ada.email = "King", "ada.king@uni.example"
    launch(Client(), platform, platform.plan(ada, custom=QUIZ))
    user = get_user_model().objects.get(username__startswith="lti-")
    assert (user.last_name, user.email) == ("King", "ada.king@uni.example")
    assert not user.has_usable_password()


def test_a_link_remembers_its_quiz_once_chosen(client, platform, ada, quiz):
    launch(client, platform, platform.plan(ada, custom=QUIZ))
    reply = launch(Client(), platform, platform.plan(ada))
    assert reply["Location"] == reverse("student:quiz_start", args=[quiz.key])
    assert QuizLink.objects.get().quiz == quiz


def test_a_link_naming_no_quiz_or_an_unknown_one_is_refused(client, platform, ada):
    for custom in ({}, {"quiz": "no-such-quiz"}):
        reply = launch(client, platform, platform.plan(ada, custom=custom))
        assert reply.status_code == 404
        assert "does not say which ConvQuiz quiz to open" in text(reply)
        assert signed_in(client) is None


def test_a_quiz_open_to_chosen_groups_opens_to_the_course_when_linked(client, platform, ada, quiz):
    quiz.groups.add(Group.objects.create(name="Evening class"))
    reply = launch(client, platform, platform.plan(ada, custom=QUIZ))
    assert reply["Location"] == reverse("student:quiz_start", args=[quiz.key])
    assert set(quiz.groups.values_list("name", flat=True)) == {"Evening class", "Deep Learning 101 (LMS)"}

    # A teacher closes it to the course again: the next launch does not overrule them.
    quiz.groups.remove(CourseGroup.objects.get().group)
    reply = launch(Client(), platform, platform.plan(ada))
    assert reply.status_code == 403
    assert "has not opened this quiz to your course" in text(reply)


# --- Refused launches: a 4xx page saying what to tell the LMS's administrator; nobody signed in --------------

REFUSALS = {
    "signature": (403, "signature does not match the platform's public keys"),
    "unknown_issuer": (403, "no registration for this issuer and client ID"),
    "unknown_client": (403, "no registration for this issuer and client ID"),
    "expired": (403, "had expired when it reached ConvQuiz"),
    "deployment": (403, "add the deployment ID to the platform's registration"),
    "no_state": (400, "came without the state ConvQuiz gave at login"),
    "other_state": (403, "state does not match a login started in this browser"),
    "version": (400, "Incorrect version, expected 1.3.0"),
    "message_type": (400, "Unrecognized message type"),
}


@pytest.mark.parametrize("spoil", SPOILS)
def test_a_spoiled_launch_is_refused_saying_what_to_tell_the_administrator(client, platform, ada, spoil):
    status, advice = REFUSALS[spoil]
    reply = launch(client, platform, platform.plan(ada, custom=QUIZ, spoil=spoil))
    assert reply.status_code == status
    assert "tell your lms administrator" in text(reply).lower()
    assert advice in text(reply)
    assert signed_in(client) is None
    assert not get_user_model().objects.filter(username__startswith="lti-").exists()


def test_a_replayed_launch_is_refused_and_signs_out_whoever_was_in(client, platform, ada):
    hint = platform.plan(ada, custom=QUIZ)
    assert launch(client, platform, hint).status_code == 302
    assert signed_in(client) is not None
    replay = client.post(reverse("lti_launch"), platform.last_form)
    assert replay.status_code == 403
    assert "already used (its nonce was seen before)" in text(replay)
    assert signed_in(client) is None


def test_a_token_that_is_no_jwt_or_whose_body_is_no_object_is_refused_as_malformed(client, platform, ada):
    import base64

    form = platform.authorize(start_login(client, platform, platform.plan(ada, custom=QUIZ)))
    for token in ("not-a-jwt", ".".join(base64.urlsafe_b64encode(part).decode() for part in (b"{}", b"[1]", b"x"))):
        reply = client.post(reverse("lti_launch"), {**form, "id_token": token})
        assert reply.status_code == 400
        assert "sent no usable id_token" in text(reply)


def test_a_login_from_an_unknown_platform_is_refused(client, platform, ada):
    query = {**platform.login_query(platform.plan(ada)), "iss": "https://elsewhere.example.edu"}
    reply = client.get(platform.endpoints["login_url"], query)
    assert reply.status_code == 403
    assert "no registration for this issuer" in text(reply)
    assert "https://elsewhere.example.edu" in text(reply)


def test_a_login_aiming_anywhere_but_the_launch_urls_is_refused(client, platform, ada):
    query = {**platform.login_query(platform.plan(ada)), "target_link_uri": "https://evil.example/steal"}
    reply = client.get(platform.endpoints["login_url"], query)
    assert reply.status_code == 400
    assert "target_link_uri must be ConvQuiz's launch" in text(reply)


def test_the_login_accepts_a_post_as_well(client, platform, ada):
    hint = platform.plan(ada, custom=QUIZ)
    reply = client.post(platform.endpoints["login_url"], platform.login_query(hint))
    assert reply.status_code == 302 and reply["Location"].startswith(f"{platform.url}/auth?")


def test_a_login_without_client_id_finds_the_issuers_one_registration(client, platform, ada):
    query = platform.login_query(platform.plan(ada, custom=QUIZ))
    del query["client_id"]
    reply = client.get(platform.endpoints["login_url"], query)
    assert reply.status_code == 302 and f"client_id={platform.client_id}" in reply["Location"]


def test_a_launch_without_the_login_is_refused(client, platform, ada):
    hint = platform.plan(ada, custom=QUIZ)
    form = platform.authorize(start_login(Client(), platform, hint))
    reply = client.post(reverse("lti_launch"), form)
    assert reply.status_code == 403
    assert signed_in(client) is None


# --- In the LMS's frame -------------------------------------------------------------------------------------------


def test_a_launched_session_may_be_framed_by_the_platform_only(client, platform, ada, alice):
    reply = launch(client, platform, platform.plan(ada, custom=QUIZ))
    page = client.get(reply["Location"])
    assert directives(page["Content-Security-Policy"])["frame-ancestors"] == platform.url
    assert "X-Frame-Options" not in page

    local = Client()
    local.force_login(alice)
    page = local.get(reverse("student:dashboard"))
    assert directives(page["Content-Security-Policy"])["frame-ancestors"] == "'none'"
    assert page["X-Frame-Options"] == "DENY"


def test_a_refusal_page_may_be_framed_by_the_registered_platforms_and_the_configured_origins(
    client, platform, ada, settings
):
    settings.LTI_FRAME_ORIGINS = ["https://school.instructure.com"]
    reply = launch(client, platform, platform.plan(ada, custom=QUIZ, spoil="expired"))
    assert reply.status_code == 403
    ancestors = directives(reply["Content-Security-Policy"])["frame-ancestors"]
    assert ancestors == f"{platform.url} https://school.instructure.com"
    assert "X-Frame-Options" not in reply


def test_over_https_a_launched_sessions_cookies_are_same_site_none_and_others_stay_lax(client, platform, ada, settings):
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = True
    platform.tool_url = "https://testserver"
    reply = launch(client, platform, platform.plan(ada, custom=QUIZ), secure=True)
    assert reply.status_code == 302
    session = reply.cookies["sessionid"]
    assert (session["samesite"], session["secure"], session["httponly"]) == ("None", True, True)
    page = client.get(reply["Location"], secure=True)
    assert page.status_code == 200
    csrf = page.cookies["csrftoken"]
    assert (csrf["samesite"], csrf["secure"]) == ("None", True)

    local = Client()
    local.post(reverse("login"), {"username": "nobody", "password": "x"}, secure=True)
    assert local.get(reverse("login"), secure=True).cookies["csrftoken"]["samesite"] == "Lax"


def test_over_plain_http_a_launched_sessions_cookie_stays_lax(client, platform, ada):
    reply = launch(client, platform, platform.plan(ada, custom=QUIZ))
    assert reply.cookies["sessionid"]["samesite"] == "Lax"


def test_roles_are_read_from_the_lms_only_as_course_roles(platform):
    from quiz.lti.launches import role_of

    assert role_of([LEARNER]) == "student"
    assert role_of(["http://purl.imsglobal.org/vocab/lis/v2/institution/person#Instructor"]) is None
    assert role_of([]) is None
