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
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from lti_tool.models import LtiContext, LtiResourceLink

from quiz.models import Attempt, Quiz

SCORE_SCOPE = "https://purl.imsglobal.org/spec/lti-ags/scope/score"


class CourseGroup(models.Model):
    """The class group of one LMS course: launches and the roster pull put its members here."""

    context = models.OneToOneField(
        LtiContext, on_delete=models.CASCADE, related_name="course_group", verbose_name=_("context")
    )
    group = models.OneToOneField(Group, on_delete=models.CASCADE, related_name="lms_course", verbose_name=_("group"))

    class Meta:
        verbose_name = _("course group")
        verbose_name_plural = _("course groups")

    def __str__(self) -> str:
        return self.group.name


class QuizLink(models.Model):
    """A link in an LMS course that opens a quiz, with the line item its grades go to, if any."""

    resource_link = models.OneToOneField(
        LtiResourceLink, on_delete=models.CASCADE, related_name="quiz_link", verbose_name=_("resource link")
    )
    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="lms_links", verbose_name=_("quiz"))
    lineitem_url = models.URLField(
        _("lineitem url"), max_length=1000, blank=True, help_text=_("Empty: the LMS takes no grades here.")
    )
    scopes = models.JSONField(
        _("scopes"), default=list, blank=True, help_text=_("What the LMS lets ConvQuiz do with its grades.")
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("quiz link")
        verbose_name_plural = _("quiz links")

    def __str__(self) -> str:
        return f"{self.resource_link.context} → {self.quiz}"

    @property
    def takes_scores(self) -> bool:
        return bool(self.lineitem_url) and SCORE_SCOPE in self.scopes


class ScoreTarget(models.Model):
    """Where one student's grade for a linked quiz goes: the link's line item, under the LMS's id for them."""

    link = models.ForeignKey(QuizLink, on_delete=models.CASCADE, related_name="targets", verbose_name=_("link"))
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="lms_score_targets",
        verbose_name=_("student"),
    )
    lti_user_id = models.CharField(
        _("lti user id"), max_length=255, help_text=_("The platform's `sub` for the student.")
    )

    class Meta:
        verbose_name = _("score target")
        verbose_name_plural = _("score targets")
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
        PENDING = "pending", _("Waiting to be sent")
        SENDING = "sending", _("Being sent")
        SENT = "sent", _("Sent")
        SUPERSEDED = "superseded", _("Replaced by a newer grade before it was sent")

    target = models.ForeignKey(ScoreTarget, on_delete=models.CASCADE, related_name="scores", verbose_name=_("target"))
    attempt = models.ForeignKey(
        Attempt,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("attempt"),
        help_text=_("The attempt whose score counted."),
    )
    score_given = models.DecimalField(_("score given"), max_digits=8, decimal_places=3)
    score_maximum = models.DecimalField(_("score maximum"), max_digits=8, decimal_places=3)
    # The LTI's own words (Completed, PendingManual…), sent as they are: not translated.
    activity_progress = models.CharField(_("activity progress"), max_length=20)
    grading_progress = models.CharField(_("grading progress"), max_length=20)
    timestamp = models.DateTimeField(_("timestamp"), help_text=_("The moment of this grade, as the LMS receives it."))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PENDING)
    tries = models.PositiveIntegerField(_("tries"), default=0)
    next_try_at = models.DateTimeField(_("next try at"), default=timezone.now)
    claimed_until = models.DateTimeField(_("claimed until"), null=True, blank=True)
    last_tried_at = models.DateTimeField(_("last tried at"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("outgoing score")
        verbose_name_plural = _("outgoing scores")
        ordering = ["-id"]
        indexes = [models.Index(fields=["status", "next_try_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(score_given__gte=0, score_maximum__gte=0), name="outgoing_score_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return gettext("%(given)s / %(maximum)s for %(target)s (%(status)s)") % {
            "given": self.score_given,
            "maximum": self.score_maximum,
            "target": self.target,
            "status": self.get_status_display(),
        }

    @property
    def state(self) -> tuple:
        """What the LMS is told; two rows with the same state say the same thing."""
        return (self.score_given, self.score_maximum, self.activity_progress, self.grading_progress)
