from django.core.management.base import BaseCommand, CommandError

from quiz.bank import DEFAULT_BANK, BankError, load_question_bank


class Command(BaseCommand):
    help = "Create or update a quiz and its questions from a question-bank file (YAML)."

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", default=str(DEFAULT_BANK), help="The bank file (default: the CNN quiz).")

    def handle(self, *args, path: str, **options):
        try:
            summary = load_question_bank(path)
        except BankError as error:
            raise CommandError(f"{path}: {error}") from error
        self.stdout.write(str(summary))
