from django.core.management.base import BaseCommand, CommandError

from quiz.models import Quiz
from quiz.regrade import regrade_quiz


class Command(BaseCommand):
    help = "Regrade every submitted attempt at a quiz with its own numbers; prints each change, then a summary."

    def add_arguments(self, parser):
        parser.add_argument("quiz", help="The quiz's key, e.g. cnn-fundamentals.")
        parser.add_argument("--dry-run", action="store_true", help="Show what would change and save nothing.")

    def handle(self, *args, **options):
        # No key holds a NUL, and PostgreSQL refuses to compare text with one.
        quiz = None if "\x00" in options["quiz"] else Quiz.objects.filter(key=options["quiz"]).first()
        if quiz is None:
            raise CommandError(f"no quiz {options['quiz']!r}")
        report = regrade_quiz(quiz=quiz, dry_run=options["dry_run"])
        for change in report.changes:
            self.stdout.write(str(change))
        for message, count in report.errors.items():
            self.stderr.write(f"not regraded: {message} ({count} attempts)")
        self.stdout.write(report.summary())
