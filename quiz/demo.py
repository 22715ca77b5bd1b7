"""Demo accounts for trying ConvQuiz on the embedded database; never in production."""

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection, transaction

from quiz.roles import STUDENTS, TEACHERS

DEMO_ACCOUNTS = (
    # username, password, group, staff
    ("admin", "admin-demo", None, True),
    ("teacher", "teacher-demo", TEACHERS, False),
    ("student", "student-demo", STUDENTS, False),
)


class DemoRefused(RuntimeError):
    pass


def database_vendor() -> str:
    return connection.vendor


def ensure_demo_allowed() -> None:
    if not settings.DEBUG or database_vendor() != "sqlite":
        raise DemoRefused("demo accounts are created only with DEBUG on and the embedded SQLite database")


@dataclass(frozen=True)
class DemoAccounts:
    created: list[tuple[str, str]]
    """Usernames and passwords of the accounts just created."""
    existing: list[str]
    """Usernames of accounts already there, left exactly as they were."""

    def __str__(self) -> str:
        listed = [f"{username} / {password}" for username, password in self.created]
        if self.existing:
            listed.append(f"{', '.join(self.existing)} already there, passwords left as they are")
        return f"demo accounts: {'; '.join(listed)}"


@transaction.atomic
def create_demo_accounts() -> DemoAccounts:
    """Create the demo accounts that are missing. An existing account is never touched: changing its
    password would undo a change someone made, and would log out everyone using it."""
    ensure_demo_allowed()
    User = get_user_model()
    existing = set(
        User.objects.filter(username__in=[account[0] for account in DEMO_ACCOUNTS]).values_list("username", flat=True)
    )
    created = []
    for username, password, group_name, staff in DEMO_ACCOUNTS:
        if username in existing:
            continue
        user = User.objects.create_user(username=username, password=password, is_staff=staff, is_superuser=staff)
        if group_name:
            user.groups.add(Group.objects.get_or_create(name=group_name)[0])
        created.append((username, password))
    return DemoAccounts(created=created, existing=[username for username, *_ in DEMO_ACCOUNTS if username in existing])
