from django.core.management.base import BaseCommand, CommandError

from quiz.demo import DemoRefused, create_demo_accounts


class Command(BaseCommand):
    help = "Create the demo accounts admin, teacher and student (DEBUG and SQLite only)."

    def handle(self, *args, **options):
        try:
            accounts = create_demo_accounts()
        except DemoRefused as error:
            raise CommandError(str(error)) from error
        listed = ", ".join(f"{username} / {password}" for username, password in accounts)
        self.stdout.write(f"demo accounts: {listed}")
