"""The three roles: students, teachers and admins (staff with model permissions)."""

from django.contrib.auth.decorators import user_passes_test
from django.core.exceptions import PermissionDenied

STUDENTS = "Students"
TEACHERS = "Teachers"


def _in_group(user, name: str) -> bool:
    # Group names are cached on the user object for the request, one query at most.
    if not hasattr(user, "_group_names"):
        user._group_names = set(user.groups.values_list("name", flat=True))
    return name in user._group_names


def is_student(user) -> bool:
    return user.is_authenticated and _in_group(user, STUDENTS)


def is_teacher(user) -> bool:
    """Teachers, and admins, who can do everything a teacher can."""
    return user.is_authenticated and (user.is_superuser or user.is_staff or _in_group(user, TEACHERS))


def _require(check):
    def decorator(view):
        def passes(user):
            if not user.is_authenticated:
                return False
            if not check(user):
                raise PermissionDenied
            return True

        return user_passes_test(passes)(view)

    return decorator


student_required = _require(is_student)
"""Anonymous visitors go to the login page; other roles get a 403."""

teacher_required = _require(is_teacher)
"""Anonymous visitors go to the login page; students get a 403."""
