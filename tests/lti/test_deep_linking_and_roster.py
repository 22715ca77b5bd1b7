"""Deep linking (an instructor picks a quiz for the course) and the roster pulled from the LMS (names and roles)."""

from __future__ import annotations

import re

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse
from lti_tool.models import LtiContext

from quiz.lti.launches import lti_username
from quiz.lti.models import CourseGroup
from quiz.roles import STUDENTS
from tests.lti.conftest import launch, text
from tests.lti.platform import INSTRUCTOR, LEARNER
from tests.quiz.test_security_headers import directives

DEEP = "LtiDeepLinkingRequest"


def test_an_instructor_picks_a_quiz_which_returns_as_a_link_with_a_line_item(client, platform, ivan, quiz):
    reply = launch(client, platform, platform.plan(ivan, message=DEEP))
    assert reply["Location"] == reverse("lti_choose_quiz")
    page = client.get(reply["Location"])
    assert "CNN fundamentals" in text(page) and "21 points" in text(page)

    returned = client.post(reverse("lti_choose_quiz"), {"quiz": quiz.pk})
    assert returned.status_code == 200
    html = returned.content.decode()
    assert f'action="{platform.url}/deep-link-return"' in html
    assert f"'self' {platform.url}" in directives(returned["Content-Security-Policy"])["form-action"]
    token = re.search(r'name="JWT" value="([^"]+)"', html).group(1)
    claims = platform.check_deep_link_reply(token)
    [item] = claims["https://purl.imsglobal.org/spec/lti-dl/claim/content_items"]
    assert item["type"] == "ltiResourceLink"
    assert item["url"] == "http://testserver/lti/launch/"
    assert item["custom"] == {"quiz": quiz.key}
    assert item["lineItem"] == {"scoreMaximum": 21.0, "label": quiz.title, "resourceId": quiz.key, "tag": "convquiz"}
    assert claims["https://purl.imsglobal.org/spec/lti-dl/claim/data"] == "opaque-42"
    assert claims["https://purl.imsglobal.org/spec/lti/claim/deployment_id"] == platform.deployment_id

    # The reply goes once; the link it made opens the quiz for a learner.
    assert client.post(reverse("lti_choose_quiz"), {"quiz": quiz.pk}).status_code == 403
    student = Client()
    ada = ivan.__class__(sub="u-ada", given_name="Ada", family_name="L", email="", roles=[LEARNER])
    opened = launch(student, platform, platform.plan(ada, custom=item["custom"], resource_link="link-new"))
    assert opened["Location"] == reverse("student:quiz_start", args=[quiz.key])


def test_choosing_nothing_or_something_else_keeps_the_list(client, platform, ivan):
    launch(client, platform, platform.plan(ivan, message=DEEP))
    for data in ({}, {"quiz": "999999"}):
        again = client.post(reverse("lti_choose_quiz"), data)
        assert again.status_code == 400
        assert "Choose one of the quizzes below." in text(again)


def test_a_learner_cannot_choose_a_quiz_for_the_course(client, platform, ada):
    reply = launch(client, platform, platform.plan(ada, message=DEEP))
    assert reply.status_code == 403
    assert "needs an instructor's deep-linking launch" in text(reply)
    assert client.session.get("_auth_user_id") is None


# --- The roster from the LMS ---------------------------------------------------------------------------------

MEMBERS = [
    {"user_id": "u-ada", "status": "Active", "name": "Ada Lovelace", "email": "ada@uni.example", "roles": [LEARNER]},
    {"user_id": "u-bo", "status": "Active", "given_name": "Bo", "family_name": "Chen", "roles": ["Learner"]},
    {"user_id": "u-cy", "status": "Inactive", "given_name": "Cy", "family_name": "Dee", "roles": [LEARNER]},
    {"user_id": "u-ivan", "status": "Active", "given_name": "Ivan", "family_name": "Petrov", "roles": [INSTRUCTOR]},
]


def test_a_teacher_pulls_the_courses_learners_into_its_group(client, platform, ivan, ada, quiz):
    launch(Client(), platform, platform.plan(ada, custom={"quiz": quiz.key}))
    launch(client, platform, platform.plan(ivan, custom={"quiz": quiz.key}))
    platform.members = MEMBERS
    page = client.get(reverse("lti_quiz_links", args=[quiz.pk]))
    assert "Deep Learning 101" in text(page) and "Pull the course's members into ConvQuiz" in text(page)

    context = LtiContext.objects.get()
    reply = client.post(reverse("lti_pull_members", args=[quiz.pk]), {"course": context.pk}, follow=True)
    assert reply.redirect_chain[-1][0] == reverse("lti_quiz_links", args=[quiz.pk])
    assert (
        "2 learners of the course are in Deep Learning 101 (LMS): 1 added (1 new accounts), 1 already there; "
        "2 other members (instructors, inactive) left out." in text(reply)
    )
    group = CourseGroup.objects.get().group
    members = {user.username: user for user in group.user_set.all()}
    bo = members[lti_username(platform.url, "u-bo")]
    assert (bo.first_name, bo.last_name) == ("Bo", "Chen")
    assert bo.groups.filter(name=STUDENTS).exists()
    assert lti_username(platform.url, "u-cy") not in members
    assert not get_user_model().objects.filter(username=lti_username(platform.url, "u-cy")).exists()
    assert get_user_model().objects.get(username=lti_username(platform.url, "u-ivan")).groups.filter(
        name__in=[STUDENTS]
    ).count() == 0


def test_pulling_needs_a_course_of_this_quiz(teacher_client, platform, quiz):
    other = Group.objects.create(name="Not a course")
    reply = teacher_client.post(reverse("lti_pull_members", args=[quiz.pk]), {"course": other.pk})
    assert reply.status_code == 400
    assert "Choose one of this quiz's courses." in text(reply)


def test_when_the_lms_refuses_the_member_list_the_teacher_reads_why(client, platform, ivan, quiz):
    launch(client, platform, platform.plan(ivan, custom={"quiz": quiz.key}))
    platform.trust_tool_keys({"keys": []})
    reply = client.post(reverse("lti_pull_members", args=[quiz.pk]), {"course": LtiContext.objects.get().pk})
    assert reply.status_code == 502
    assert "The LMS did not give the course's members" in text(reply) and "invalid_client" in text(reply)
