from django.apps import AppConfig


class LtiConfig(AppConfig):
    name = "quiz.lti"
    label = "lti"
    verbose_name = "LMS links (LTI 1.3)"
