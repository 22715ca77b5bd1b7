from django import forms
from django.utils.translation import gettext_lazy as _
from lti_tool.models import LtiContext

from quiz.models import Quiz


class PullMembersForm(forms.Form):
    """Which of the quiz's LMS courses to take the members from."""

    course = forms.ModelChoiceField(
        queryset=LtiContext.objects.none(), empty_label=None, label=_("Course"),
        error_messages={"required": _("Choose a course."), "invalid_choice": _("Choose one of this quiz's courses.")},
    )

    def __init__(self, *args, quiz: Quiz, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["course"].queryset = LtiContext.objects.filter(
            resource_links__quiz_link__quiz=quiz
        ).distinct().order_by("title", "pk")
