"""The LMS courses linked to a quiz, and their members pulled into ConvQuiz (Names and Role Provisioning).

Pulling adds the course's active learners to the course's group, each with the account a
launch would give them, so a teacher sees the whole class before anyone has launched.
Instructors are left out: they become teachers by launching, never by a list.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import requests
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.db.models import Count, Q
from django.utils.translation import gettext, ngettext
from lti_tool.models import LtiContext
from pylti1p3.exception import LtiException
from pylti1p3.names_roles import NamesRolesProvisioningService

from quiz.lti.launches import STUDENT, account, course_group, lti_username, role_of
from quiz.lti.models import OutgoingScore, QuizLink
from quiz.lti.tool import service_connector
from quiz.models import Quiz


class RosterUnavailable(Exception):
    """The LMS offers no member list for the course, or did not answer; the message says which."""


@dataclass
class LinkedCourse:
    context: LtiContext
    group: Group | None
    links: list[QuizLink] = field(default_factory=list)

    @property
    def can_pull(self) -> bool:
        return bool(self.context.memberships_url)


def linked_courses(quiz: Quiz) -> list[LinkedCourse]:
    """Each course with a link to the quiz: its links with their scores by status, in a fixed number of queries."""
    Status = OutgoingScore.Status
    links = (
        QuizLink.objects.filter(quiz=quiz)
        .select_related(
            "resource_link__context__course_group__group", "resource_link__context__deployment__registration"
        )
        .annotate(
            students=Count("targets", distinct=True),
            sent=Count("targets__scores", filter=Q(targets__scores__status=Status.SENT)),
            waiting=Count("targets__scores", filter=Q(targets__scores__status__in=(Status.PENDING, Status.SENDING))),
        )
        .order_by("resource_link__context__title", "pk")
    )
    courses: dict[int, LinkedCourse] = {}
    for link in links:
        context = link.resource_link.context
        group = getattr(context, "course_group", None)
        course = courses.setdefault(context.pk, LinkedCourse(context, group.group if group else None))
        course.links.append(link)
    return list(courses.values())


@dataclass(frozen=True)
class PullSummary:
    group: Group
    new_accounts: int
    added: int
    already: int
    left_out: int

    def __str__(self) -> str:
        learners = self.added + self.already
        text = ngettext(
            "%(learners)s learner of the course is in %(group)s: %(added)s added (%(new)s new accounts), "
            "%(already)s already there",
            "%(learners)s learners of the course are in %(group)s: %(added)s added (%(new)s new accounts), "
            "%(already)s already there",
            learners,
        ) % {
            "learners": learners, "group": self.group.name, "added": self.added, "new": self.new_accounts,
            "already": self.already,
        }
        if self.left_out:
            text += "; " + ngettext(
                "%(count)s other member (instructors, inactive) left out",
                "%(count)s other members (instructors, inactive) left out",
                self.left_out,
            ) % {"count": self.left_out}
        return text + "."


def pull_members(context: LtiContext) -> PullSummary:
    """Fetch the course's members from the LMS and put its active learners in the course's group."""
    if not context.memberships_url:
        raise RosterUnavailable(
            gettext(
                "The LMS offers no member list for this course (its launches carry no Names and Role Provisioning "
                "Service); ask your LMS administrator to enable it for ConvQuiz."
            )
        )
    registration = context.deployment.registration
    service = NamesRolesProvisioningService(
        service_connector(registration), {"context_memberships_url": context.memberships_url}
    )
    try:
        members = service.get_members()
    except (LtiException, requests.RequestException, ValueError, KeyError) as error:
        message = gettext("The LMS did not give the course's members: %(error)s") % {"error": error}
        raise RosterUnavailable(message) from error
    return _add_learners(context, registration.issuer, members)


def _active_learner(member: dict) -> bool:
    return bool(member.get("user_id")) and member.get("status", "Active") == "Active" and (
        role_of(member.get("roles")) == STUDENT
    )


@transaction.atomic
def _add_learners(context: LtiContext, issuer: str, members: list[dict]) -> PullSummary:
    learners = [member for member in members if _active_learner(member)]
    group = course_group(context)
    usernames = [lti_username(issuer, str(member["user_id"])) for member in learners]
    users = get_user_model().objects.filter(username__in=usernames)
    known = set(users.values_list("username", flat=True))
    in_group = set(users.filter(groups=group).values_list("username", flat=True))
    counts = Counter()
    for member, username in zip(learners, usernames, strict=True):
        user = account(issuer=issuer, subject=str(member["user_id"]), claims=member, role=STUDENT)
        group.user_set.add(user)
        counts["already" if username in in_group else "added"] += 1
    return PullSummary(
        group=group, new_accounts=len(set(usernames) - known), added=counts["added"], already=counts["already"],
        left_out=len(members) - len(learners),
    )
