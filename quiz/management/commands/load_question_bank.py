from django.core.management.base import BaseCommand, CommandError

from quiz.bank import DEFAULT_BANK, BankError, load_question_banks


class Command(BaseCommand):
    help = (
        "Import quizzes from their question-bank files (YAML): create what is missing and update what nobody "
        "edited since the last load. Edits made since (in the admin) are kept, and how they differ from the file "
        "is printed, unless --replace is given. Every file is checked before any is written."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "paths", nargs="*", default=[str(DEFAULT_BANK)], help="The bank files (default: the CNN quiz)."
        )
        parser.add_argument(
            "--replace",
            action="store_true",
            help="Take the file's version of every edited field, and delete questions and parts no longer in the "
            "file that no student answered.",
        )
        parser.add_argument("--dry-run", action="store_true", help="Show what would change and save nothing.")

    def handle(self, *args, paths: list[str], replace: bool, dry_run: bool, **options):
        try:
            reports = load_question_banks(paths, replace=replace, dry_run=dry_run)
        except BankError as error:
            raise CommandError(str(error)) from error
        for report in reports:
            for change in report.changes:
                if change.is_notice:
                    # A notice, not a failure: the server still starts with the database's version.
                    self.stderr.write(str(change), style_func=self.style.WARNING)
                elif not report.created:
                    self.stdout.write(str(change))
            self.stdout.write(str(report))
