import json

from django.core.management.base import BaseCommand, CommandError

from quiz.management.commands._variant_args import add_variant_arguments, variant_from_options
from quiz.preview import PreviewError, find_part, try_answers


class Command(BaseCommand):
    help = "Grade one or more answers to one part; prints one JSON object per answer."

    def add_arguments(self, parser):
        add_variant_arguments(parser)
        parser.add_argument("part", help="The part's key, e.g. b.")
        parser.add_argument("answers", nargs="+", help="Answers exactly as a student would type them.")

    def handle(self, *args, **options):
        variant = variant_from_options(options)
        try:
            part = find_part(variant, options["part"])
        except PreviewError as error:
            raise CommandError(str(error)) from error
        for result in try_answers(variant, part, options["answers"]):
            fields = {key: result[key] for key in ("answer", "score", "status", "mistake", "feedback", "expected")}
            self.stdout.write(json.dumps(fields, ensure_ascii=False))
