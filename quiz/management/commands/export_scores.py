from django.core.management.base import BaseCommand, CommandError

from quiz import exports, services
from quiz.models import Quiz
from quiz.statistics import quiz_statistics


class Command(BaseCommand):
    help = (
        "Write a quiz's gradebook (or every response, each student's grade that counts, or its item statistics) "
        "as CSV to standard output."
    )

    def add_arguments(self, parser):
        parser.add_argument("quiz", help="The quiz's key, e.g. cnn-fundamentals.")
        which = parser.add_mutually_exclusive_group()
        which.add_argument("--responses", action="store_true", help="One row per response instead of per attempt.")
        which.add_argument(
            "--students", action="store_true",
            help="One row per student: the grade that counts by the quiz's grading method.",
        )
        which.add_argument("--statistics", action="store_true", help="One row of item statistics per part.")
        parser.add_argument(
            "--bom", action="store_true",
            help="Start with a byte-order mark, as the downloads do, so Excel on Windows reads the file as UTF-8.",
        )

    def handle(self, *args, **options):
        # No key holds a NUL, and PostgreSQL refuses to compare text with one.
        quiz = None if "\x00" in options["quiz"] else Quiz.objects.filter(key=options["quiz"]).first()
        if quiz is None:
            raise CommandError(f"no quiz {options['quiz']!r}")
        services.close_overdue_attempts(quiz=quiz)
        if options["responses"]:
            rows = exports.response_rows(quiz)
        elif options["students"]:
            rows = exports.student_grade_rows(quiz)
        elif options["statistics"]:
            rows = exports.statistics_rows(quiz_statistics(quiz))
        else:
            rows = exports.gradebook_rows(quiz)
        # Lines already end in \r\n (the CSV dialect); write them as they are.
        for line in exports.csv_lines(rows, bom=options["bom"]):
            self.stdout.write(line, ending="")
        self.stdout.flush()
