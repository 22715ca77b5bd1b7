from django.core.management.base import BaseCommand, CommandError

from quiz.demo import DemoRefused, create_demo_accounts


class Command(BaseCommand):
    help = (
        "Create the demo accounts admin, teacher and student if they are missing (DEBUG and SQLite only); "
        "an existing account, and its password, is left as it is."
    )

    def handle(self, *args, **options):
        try:
            accounts = create_demo_accounts()
        except DemoRefused as error:
            raise CommandError(str(error)) from error
        self.stdout.write(str(accounts))
