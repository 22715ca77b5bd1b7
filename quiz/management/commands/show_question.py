import json

from django.core.management.base import BaseCommand

from quiz.management.commands._variant_args import add_variant_arguments, variant_from_options
from quiz.preview import describe


class Command(BaseCommand):
    help = "Show a question with its numbers, each part's answer and worked solution."

    def add_arguments(self, parser):
        add_variant_arguments(parser)
        parser.add_argument("--json", action="store_true", help="Print one JSON object.")

    def handle(self, *args, **options):
        data = describe(variant_from_options(options))
        if options["json"]:
            self.stdout.write(json.dumps(data, ensure_ascii=False))
            return
        self.stdout.write(
            f"{data['quiz']} {data['question']}" + (f" (seed {data['seed']})" if data["seed"] is not None else "")
        )
        self.stdout.write(data["prompt"])
        for name, value in data["params"].items():
            self.stdout.write(f"  {name} = {json.dumps(value)}")
        for key, part in data["parts"].items():
            self.stdout.write(f"\n({key}) {part['prompt']}")
            self.stdout.write(f"    answer: {part['display'] or '(free text, graded by a teacher)'}")
            for line in part["solution"]:
                self.stdout.write(f"      {line}")
