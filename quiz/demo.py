"""Demo accounts for trying ConvQuiz on the embedded database; never in production."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection

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


def create_demo_accounts() -> list[tuple[str, str]]:
    """Create (or reset) the three demo accounts; returns their usernames and passwords."""
    ensure_demo_allowed()
    User = get_user_model()
    for username, password, group_name, staff in DEMO_ACCOUNTS:
        user, _ = User.objects.get_or_create(username=username)
        user.is_staff = user.is_superuser = staff
        user.set_password(password)
        user.save()
        if group_name:
            user.groups.add(Group.objects.get_or_create(name=group_name)[0])
    return [(username, password) for username, password, _, _ in DEMO_ACCOUNTS]
