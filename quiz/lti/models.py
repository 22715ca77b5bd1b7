"""What ConvQuiz keeps about LMS courses, beyond the registrations django-lti stores.

A course (an LTI context) has a class group; a link in it (a resource link) opens one quiz
and may name a line item for its grades; each student launched through such a link has a
score target, and every grade that must reach the LMS is a row of the outbox
(OutgoingScore), written in the transaction that changed the grade.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import models
from django.db.models import Q
from django.utils import timezone
from lti_tool.models import LtiContext, LtiResourceLink

from quiz.models import Attempt, Quiz

SCORE_SCOPE = "https://purl.imsglobal.org/spec/lti-ags/scope/score"


class CourseGroup(models.Model):
    """The class group of one LMS course: launches and the roster pull put its members here."""

    context = models.OneToOneField(LtiContext, on_delete=models.CASCADE, related_name="course_group")
    group = models.OneToOneField(Group, on_delete=models.CASCADE, related_name="lms_course")

    def __str__(self) -> str:
        return self.group.name


class QuizLink(models.Model):
    """A link in an LMS course that opens a quiz, with the line item its grades go to, if any."""

    resource_link = models.OneToOneField(LtiResourceLink, on_delete=models.CASCADE, related_name="quiz_link")
    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="lms_links")
    lineitem_url = models.URLField(max_length=1000, blank=True, help_text="Empty: the LMS takes no grades here.")
    scopes = models.JSONField(default=list, blank=True, help_text="What the LMS lets ConvQuiz do with its grades.")
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.resource_link.context} → {self.quiz}"

    @property
    def takes_scores(self) -> bool:
        return bool(self.lineitem_url) and SCORE_SCOPE in self.scopes


class ScoreTarget(models.Model):
    """Where one student's grade for a linked quiz goes: the link's line item, under the LMS's id for them."""

    link = models.ForeignKey(QuizLink, on_delete=models.CASCADE, related_name="targets")
    student = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="lms_score_targets")
    lti_user_id = models.CharField(max_length=255, help_text="The platform's `sub` for the student.")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["link", "student"], name="one_score_target_per_link")]

    def __str__(self) -> str:
        return f"{self.student} in {self.link}"


class OutgoingScore(models.Model):
    """One state of a student's grade, to be sent to the LMS once (the outbox).

    Written as pending in the transaction that changed the grade; sent after it commits;
    on failure retried with a growing delay. Only the newest row of a target is ever
    sent: an older one still waiting is superseded, because the LMS wants the grade as it
    is now. A row is claimed (sending) before its request goes out, so two senders never
    send the same row.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting to be sent"
        SENDING = "sending", "Being sent"
        SENT = "sent", "Sent"
        SUPERSEDED = "superseded", "Replaced by a newer grade before it was sent"

    target = models.ForeignKey(ScoreTarget, on_delete=models.CASCADE, related_name="scores")
    attempt = models.ForeignKey(
        Attempt, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        help_text="The attempt whose score counted.",
    )
    score_given = models.DecimalField(max_digits=8, decimal_places=3)
    score_maximum = models.DecimalField(max_digits=8, decimal_places=3)
    activity_progress = models.CharField(max_length=20)
    grading_progress = models.CharField(max_length=20)
    timestamp = models.DateTimeField(help_text="The moment of this grade, as the LMS receives it.")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    tries = models.PositiveIntegerField(default=0)
    next_try_at = models.DateTimeField(default=timezone.now)
    claimed_until = models.DateTimeField(null=True, blank=True)
    last_tried_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        indexes = [models.Index(fields=["status", "next_try_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(score_given__gte=0, score_maximum__gte=0), name="outgoing_score_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.score_given} / {self.score_maximum} for {self.target} ({self.status})"

    @property
    def state(self) -> tuple:
        """What the LMS is told; two rows with the same state say the same thing."""
        return (self.score_given, self.score_maximum, self.activity_progress, self.grading_progress)
