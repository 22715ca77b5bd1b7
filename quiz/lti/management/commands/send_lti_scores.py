from django.core.management.base import BaseCommand

from quiz.lti.outbox import send_scores


class Command(BaseCommand):
    help = (
        "Sends the grades waiting for the LMS now, and exits. With --due, only those whose retry delay has passed "
        "(run it so every minute)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--due", action="store_true", help="respect each failed score's retry delay")

    def handle(self, *args, **options):
        self.stdout.write(str(send_scores(due_only=options["due"])))
