from django.apps import AppConfig


class GraderConfig(AppConfig):
    """A thin shell so that the grader's management commands are found."""

    name = "grader"
    verbose_name = "Grader"
