"""What a validated launch means in ConvQuiz: the account, its role, the course's group, the quiz, the grade's way back.

A person from an LMS is the account `lti-<hash of issuer and subject>`: the same person
launching again, from any course of the same platform, is the same account, and no local
account can be taken over. Learners are students; instructors, teaching assistants and
content developers are teachers; nobody becomes staff, whatever the platform says.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.urls import reverse
from lti_tool.lti_core.utils import normalize_role
from lti_tool.models import LtiContext, LtiLaunch, LtiResourceLink, LtiUser
from lti_tool.utils import sync_data_from_launch

from quiz import services
from quiz.lti import outbox
from quiz.lti.models import CourseGroup, QuizLink, ScoreTarget
from quiz.lti.platforms import origin, platform_origins
from quiz.lti.tool import (
    AGS,
    CUSTOM,
    DEEP_LINKING_SETTINGS,
    LAUNCH_PRESENTATION,
    ROLE,
    TOOL_PLATFORM,
    Launch,
    LaunchRefused,
    Refusal,
)
from quiz.models import Quiz
from quiz.roles import STUDENTS, TEACHERS

MEMBERSHIP = "http://purl.imsglobal.org/vocab/lis/v2/membership"
LEARNER_ROLES = {f"{MEMBERSHIP}#Learner"}
TEACHER_ROLES = {
    f"{MEMBERSHIP}#Instructor",
    f"{MEMBERSHIP}#ContentDeveloper",
    f"{MEMBERSHIP}#TeachingAssistant",
    f"{MEMBERSHIP}/Instructor#TeachingAssistant",
}
STUDENT, TEACHER = "student", "teacher"
SESSION_KEY = "lti"
"""The session of a launch: {"frame_ancestors": [...]} and, during deep linking, {"deep_linking": {...}}."""


def role_of(roles: list[str]) -> str | None:
    """The course role that decides: an instructor's role wins over a learner's; anything else has none."""
    normalized = {normalize_role(role) for role in roles or [] if isinstance(role, str)}
    if normalized & TEACHER_ROLES:
        return TEACHER
    if normalized & LEARNER_ROLES:
        return STUDENT
    return None


def lti_username(issuer: str, subject: str) -> str:
    return "lti-" + hashlib.sha256(f"{issuer}\n{subject}".encode()).hexdigest()[:24]


def account(*, issuer: str, subject: str, claims: dict, role: str):
    """The account of the person (issuer, subject), made on first sight; names and email from the claims."""
    users = get_user_model()
    user, created = users.objects.get_or_create(username=lti_username(issuer, subject))
    if created:
        user.set_unusable_password()
    profile = profile_from(claims)
    changed = created or any(getattr(user, name) != value for name, value in profile.items())
    for name, value in profile.items():
        setattr(user, name, value)
    if changed:
        user.save()
    user.groups.add(Group.objects.get_or_create(name=TEACHERS if role == TEACHER else STUDENTS)[0])
    return user


def profile_from(claims: dict) -> dict:
    """first_name, last_name and email from the claims that are present (given_name, family_name, else name)."""
    profile = {}
    first, last = claims.get("given_name"), claims.get("family_name")
    if not (first or last) and claims.get("name"):
        first, _, last = str(claims["name"]).partition(" ")
    if first or last:
        profile["first_name"], profile["last_name"] = str(first or "")[:150], str(last or "")[:150]
    if claims.get("email"):
        profile["email"] = str(claims["email"])[:254]
    return profile


def course_group(context: LtiContext) -> Group:
    """The class group of the course, named after it; a group of that name made by hand is never taken over."""
    existing = CourseGroup.objects.select_related("group").filter(context=context).first()
    if existing is not None:
        return existing.group
    title = (context.title or context.label or context.id_on_platform or "Course")[:120]
    name = f"{title} (LMS)"
    if Group.objects.filter(name=name).exists():
        name = f"{title} (LMS course {context.pk})"
    group = Group.objects.create(name=name)
    CourseGroup.objects.create(context=context, group=group)
    return group


def chosen_quiz(launch: Launch, resource_link: LtiResourceLink) -> Quiz:
    """The custom parameter quiz=<key> decides; else the quiz this link opened before."""
    key = (launch.body.get(CUSTOM) or {}).get("quiz")
    if key:
        quiz = Quiz.objects.filter(key=str(key)).first()
        if quiz is None:
            raise LaunchRefused(Refusal.NO_QUIZ, f"No quiz has the key {key!r}.")
        return quiz
    link = QuizLink.objects.select_related("quiz").filter(resource_link=resource_link).first()
    if link is None:
        raise LaunchRefused(Refusal.NO_QUIZ, "The link has no custom parameter quiz and was never linked to a quiz.")
    return link.quiz


def link_quiz(launch: Launch, resource_link: LtiResourceLink, quiz: Quiz, group: Group) -> QuizLink:
    """Record which quiz the link opens and where its grades go (the AGS claim, when present)."""
    ags = launch.body.get(AGS) or {}
    values = {"quiz": quiz, "lineitem_url": str(ags.get("lineitem") or ""), "scopes": list(ags.get("scope") or [])}
    link, created = QuizLink.objects.update_or_create(resource_link=resource_link, defaults=values)
    if created and quiz.groups.exists():
        # A quiz open to chosen groups only becomes open to this course too, once, when the
        # link is made; a teacher who removes the course afterwards is not overruled.
        quiz.groups.add(group)
    return link


def frame_ancestors(launch: Launch) -> list[str]:
    """Who may frame the launched pages: the platform, and the pages its signed claims name."""
    body = launch.body
    urls = [
        (body.get(LAUNCH_PRESENTATION) or {}).get("return_url"),
        (body.get(DEEP_LINKING_SETTINGS) or {}).get("deep_link_return_url"),
        (body.get(TOOL_PLATFORM) or {}).get("url"),
    ]
    urls += settings.LTI_FRAME_ORIGINS
    origins = platform_origins(launch.registration) | {origin(url) for url in urls if isinstance(url, str)}
    return sorted(filter(None, origins))


@dataclass(frozen=True)
class Accepted:
    user: object
    role: str
    destination: str
    session: dict


@transaction.atomic
def accept(launch: Launch) -> Accepted:
    """Everything a validated launch changes, in one transaction: a refusal (LaunchRefused) undoes all of it."""
    body = launch.body
    role = role_of(body.get(ROLE))
    if role is None:
        raise LaunchRefused(Refusal.ROLE, f"Roles: {', '.join(body.get(ROLE) or []) or 'none'}.")
    deep_linking = launch.is_deep_link_launch()
    if deep_linking and role != TEACHER:
        raise LaunchRefused(Refusal.NOT_DEEP_LINKING, "A learner cannot choose a quiz for the course.")
    lti_launch = LtiLaunch(launch)
    sync_data_from_launch(lti_launch)
    user = account(issuer=body["iss"], subject=body["sub"], claims=body, role=role)
    LtiUser.objects.filter(pk=lti_launch.user.pk).update(auth_user=user)
    group = course_group(lti_launch.context)
    user.groups.add(group)
    session = {"frame_ancestors": frame_ancestors(launch)}
    if deep_linking:
        session["deep_linking"] = {
            "registration": launch.registration.pk,
            "deployment_id": launch.deployment.deployment_id,
            "settings": body[DEEP_LINKING_SETTINGS],
        }
        return Accepted(user, role, reverse("lti_choose_quiz"), session)
    quiz = chosen_quiz(launch, lti_launch.resource_link)
    link = link_quiz(launch, lti_launch.resource_link, quiz, group)
    if role == TEACHER:
        return Accepted(user, role, reverse("teacher:gradebook", args=[quiz.pk]), session)
    if not services.available_quizzes(user).filter(pk=quiz.pk).exists():
        raise LaunchRefused(Refusal.QUIZ_CLOSED, f"{quiz.title} is open to chosen groups only, not to {group.name}.")
    if link.takes_scores:
        target, _ = ScoreTarget.objects.update_or_create(
            link=link, student=user, defaults={"lti_user_id": body["sub"]}
        )
        # Work done before the link existed (or before the LMS took grades) reaches the LMS now.
        outbox.queue_scores_for(target)
    return Accepted(user, role, reverse("student:quiz_start", args=[quiz.key]), session)
