from django.core.management.base import BaseCommand, CommandError

from quiz.models import Quiz
from quiz.suggestions import pending_suggestions, upgrade_suggestions


def _positive(value: str) -> int:
    number = int(value) if value.isdecimal() else 0
    if number < 1:
        raise CommandError(f"--limit must be a whole number of at least 1, not {value!r}")
    return number


class Command(BaseCommand):
    help = (
        "Read submitted written answers by meaning, replacing the phrase-only suggestions made at submit; "
        "teachers' scores and overrides are kept. Safe to run every minute."
    )

    def add_arguments(self, parser):
        parser.add_argument("--quiz", help="Only this quiz's answers (its key, e.g. cnn-fundamentals).")
        parser.add_argument("--limit", type=_positive, help="Read at most this many answers, oldest first.")

    def handle(self, *args, **options):
        quiz = None
        if options["quiz"] is not None:
            # No key holds a NUL, and PostgreSQL refuses to compare text with one.
            quiz = None if "\x00" in options["quiz"] else Quiz.objects.filter(key=options["quiz"]).first()
            if quiz is None:
                raise CommandError(f"no quiz {options['quiz']!r}")
        report = upgrade_suggestions(pending_suggestions(quiz=quiz), limit=options["limit"])
        summary = f"read {report.upgraded} written answer{'s' if report.upgraded != 1 else ''} by meaning"
        summary += f", {report.changed} with a new suggested score"
        if report.model_unavailable:
            raise CommandError(f"{summary}; stopped: the sentence-embedding model could not be loaded")
        self.stdout.write(summary)
