from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from quiz.bank import dump_bank, export_bank
from quiz.models import Quiz


class Command(BaseCommand):
    help = (
        "Write a quiz back to the question-bank format (YAML), as the database holds it now, edits included: "
        "to FILE, or to standard output. Loading the file gives the same quiz."
    )

    def add_arguments(self, parser):
        parser.add_argument("key", help="The quiz's key, e.g. cnn-fundamentals.")
        parser.add_argument("path", nargs="?", help="The file to write (default: standard output).")

    def handle(self, *args, key: str, path: str | None, **options):
        # No key holds a NUL, and PostgreSQL refuses to compare text with one.
        quiz = None if "\x00" in key else Quiz.objects.filter(key=key).first()
        if quiz is None:
            known = ", ".join(Quiz.objects.order_by("key").values_list("key", flat=True)) or "none loaded"
            raise CommandError(f"no quiz {key!r} (quizzes: {known})")
        data = export_bank(quiz)
        text = dump_bank(data)
        if path is None:
            self.stdout.write(text, ending="")
            return
        try:
            Path(path).write_text(text, encoding="utf-8")
        except OSError as error:
            raise CommandError(f"cannot write {path}: {error.strerror}") from error
        parts = sum(len(question["parts"]) for question in data["questions"])
        self.stdout.write(f"exported quiz {quiz.key}: {len(data['questions'])} questions, {parts} parts to {path}")
