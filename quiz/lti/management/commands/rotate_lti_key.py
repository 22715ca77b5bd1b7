from django.core.management.base import BaseCommand, CommandError

from quiz.lti.tool import remove_key, rotate_key


class Command(BaseCommand):
    help = (
        "Makes a new signing key for ConvQuiz; the older keys stay published at the JWKS URL until removed with "
        "--remove=KID."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--remove", metavar="KID",
            help="stop publishing this key instead (never the signing key); --remove=KID for a kid starting with -",
        )

    def handle(self, *args, **options):
        if options["remove"]:
            try:
                key = remove_key(options["remove"])
            except ValueError as error:
                raise CommandError(str(error)) from error
            self.stdout.write(f"key {key} is no longer published")
            return
        self.stdout.write(f"new signing key {rotate_key()}; the older keys stay published until removed")
