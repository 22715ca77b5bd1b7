import argparse
import json
import re

from django.core.management.base import BaseCommand, CommandError

from quiz.management.commands._variant_args import add_variant_arguments, variant_from_options
from quiz.preview import PreviewError, find_part, try_answers

USAGE_EXAMPLE = 'grade_answer q2 b --seed 3 -- "-12.6 MB"'


def option_named_by(answer: str, option_strings) -> str | None:
    """The option an answer would be read as if it stood before `--` (exactly, with `=value` or a value after a
    space, or abbreviated as argparse allows), or None. A negative number or a leading minus in a sentence
    names no option."""
    name = re.split(r"[=\s]", answer, maxsplit=1)[0]
    if name in option_strings:
        return name
    if name.startswith("--") and len(name) > 2:
        return next((option for option in sorted(option_strings) if option.startswith(name)), None)
    return None


class Answers(argparse.Action):
    """Everything after `--` is an answer, so an option written there would silently not apply: refuse it."""

    def __call__(self, parser, namespace, values, option_string=None):
        # argparse lists a parser's option strings only in this attribute.
        options = parser._option_string_actions
        if not values:
            raise argparse.ArgumentError(self, "no answer: `--` marks where the answers begin and is never one")
        for answer in values:
            option = option_named_by(answer, options)
            if option is not None:
                raise argparse.ArgumentError(
                    self,
                    f"{answer!r} looks like the option {option}, not an answer: options go before `--`, since "
                    f"everything after it is an answer (`--` is needed only before an answer that starts with "
                    f"a minus), e.g. {USAGE_EXAMPLE}",
                )
        setattr(namespace, self.dest, values)


class Command(BaseCommand):
    help = (
        "Grade one or more answers to one part; prints one JSON object per answer. Options come before the "
        "answers; put `--` before answers that start with a minus."
    )

    def add_arguments(self, parser):
        add_variant_arguments(parser)
        parser.add_argument("part", help="The part's key, e.g. b.")
        parser.add_argument("answers", nargs="+", action=Answers, help="Answers exactly as a student would type them.")

    def handle(self, *args, **options):
        variant = variant_from_options(options)
        try:
            part = find_part(variant, options["part"])
        except PreviewError as error:
            raise CommandError(str(error)) from error
        for result in try_answers(variant, part, options["answers"]):
            fields = {key: result[key] for key in ("answer", "score", "status", "mistake", "feedback", "expected")}
            self.stdout.write(json.dumps(fields, ensure_ascii=False))
