from django.core.management.base import BaseCommand

from quiz.services import close_overdue_attempts


class Command(BaseCommand):
    help = "Submit every attempt whose deadline (and grace period) has passed, with the answers saved before it."

    def handle(self, *args, **options):
        closed = close_overdue_attempts()
        self.stdout.write(f"closed {closed} overdue attempt{'s' if closed != 1 else ''}")
