from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LtiConfig(AppConfig):
    name = "quiz.lti"
    label = "lti"
    verbose_name = _("LMS links (LTI 1.3)")
