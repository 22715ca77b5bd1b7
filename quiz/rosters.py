"""Adding students from a CSV file: every row is checked before anything is written.

A file is read into a preview: the rows that would be imported and the rows that are
rejected, each with its line number and reason. Only a file without rejected rows can
be imported, and then in one transaction, so a roster is never half-imported. New
accounts get no usable password until a teacher sets one.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext, ngettext

from quiz import reviews, usernames
from quiz.errors import RosterError
from quiz.models import StandingAccommodation
from quiz.roles import STUDENTS, TEACHERS

MAX_ROWS = 2000
HEADER = ("username", "name", "email")
ACCOMMODATION_COLUMNS = ("time_multiplier", "extra_attempts")
"""Optional columns after the email: the student's accommodation on every quiz (empty: left as it is)."""
NAME_MAX_LENGTH = 150


@dataclass(frozen=True)
class RosterRow:
    line: int
    username: str
    first_name: str
    last_name: str
    email: str
    exists: bool = False
    time_multiplier: Decimal | None = None
    extra_attempts: int | None = None

    @property
    def sets_accommodation(self) -> bool:
        return self.time_multiplier is not None or self.extra_attempts is not None

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


@dataclass(frozen=True)
class RejectedRow:
    line: int
    text: str
    reason: str


@dataclass
class RosterPreview:
    rows: list[RosterRow] = field(default_factory=list)
    rejected: list[RejectedRow] = field(default_factory=list)

    @property
    def can_import(self) -> bool:
        return bool(self.rows) and not self.rejected

    @property
    def new_rows(self) -> list[RosterRow]:
        return [row for row in self.rows if not row.exists]


@dataclass(frozen=True)
class ImportSummary:
    created: int
    existing: int
    group: Group | None

    def __str__(self) -> str:
        values = {"created": self.created, "existing": self.existing}
        if self.group:
            return ngettext(
                "%(created)s new student added, %(existing)s already had accounts; all are in %(group)s.",
                "%(created)s new students added, %(existing)s already had accounts; all are in %(group)s.",
                self.created,
            ) % {**values, "group": self.group.name}
        return ngettext(
            "%(created)s new student added, %(existing)s already had accounts.",
            "%(created)s new students added, %(existing)s already had accounts.",
            self.created,
        ) % values


def decode(content: bytes) -> str:
    """The file's text; spreadsheets often save UTF-8 with a byte-order mark."""
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        message = gettext("The file is not UTF-8 text; save it from your spreadsheet as “CSV UTF-8”.")
        raise RosterError(message) from error


def _delimiter(text: str) -> str:
    first_line = text.split("\n", 1)[0]
    return max((",", ";", "\t"), key=first_line.count)


def _records(text: str) -> list[tuple[int, list[str]]]:
    """Non-blank records with their line numbers, a header line left out."""
    if "\x00" in text:
        raise RosterError(gettext("The file holds a NUL byte; it is not a CSV file."))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text), strict=True)
    records = []
    try:
        for cells in reader:
            cells = [cell.strip() for cell in cells]
            if any(cells):
                records.append((reader.line_num, cells))
            if len(records) > MAX_ROWS + 1:
                raise RosterError(
                    gettext("The file has more than %(rows)s rows; split it into smaller files.") % {"rows": MAX_ROWS}
                )
    except csv.Error as error:
        raise RosterError(
            gettext("Line %(line)s cannot be read as CSV: %(error)s.") % {"line": reader.line_num, "error": error}
        ) from error
    if records and _is_header(records[0][1]):
        records = records[1:]
    if not records:
        raise RosterError(gettext("The file has no rows; each line should be: username, name, email."))
    return records


def _is_header(cells: list[str]) -> bool:
    names = tuple(cell.lower() for cell in cells)
    return any(names == HEADER + ACCOMMODATION_COLUMNS[:extra] for extra in range(len(ACCOMMODATION_COLUMNS) + 1))


def _check(cells: list[str]) -> tuple[str, str, str]:
    """The row's username, name and email, or ValueError naming what is wrong."""
    if not len(HEADER) <= len(cells) <= len(HEADER) + len(ACCOMMODATION_COLUMNS):
        raise ValueError(
            gettext(
                "expected 3 columns (username, name, email) and optionally time_multiplier and extra_attempts, "
                "found %(count)s"
            ) % {"count": len(cells)}
        )
    username, name, email = cells[:3]
    username = usernames.normalize(username)
    if not username:
        raise ValueError(gettext("the username is empty"))
    try:
        UnicodeUsernameValidator()(username)
    except ValidationError as error:
        raise ValueError(gettext("the username may hold only letters, digits and @ . + - _")) from error
    if len(username) > usernames.MAX_LENGTH:
        raise ValueError(gettext("the username is longer than %(most)s characters") % {"most": usernames.MAX_LENGTH})
    if len(name) > NAME_MAX_LENGTH:
        raise ValueError(gettext("the name is longer than %(most)s characters") % {"most": NAME_MAX_LENGTH})
    if email:
        try:
            validate_email(email)
        except ValidationError as error:
            raise ValueError(gettext("“%(email)s” is not an email address") % {"email": email}) from error
    return username, name, email


def _accommodation(cells: list[str]) -> tuple[Decimal | None, int | None]:
    """The optional time multiplier and extra attempts of a row (None where empty), or ValueError."""
    multiplier_text, attempts_text = (cells[3:] + ["", ""])[:2]
    multiplier = attempts = None
    if multiplier_text:
        try:
            multiplier = Decimal(multiplier_text.replace(",", "."))
        except InvalidOperation:
            multiplier = None
        highest = StandingAccommodation.MAX_MULTIPLIER
        if multiplier is None or not multiplier.is_finite() or not 1 <= multiplier <= highest:
            raise ValueError(
                gettext("the time multiplier “%(text)s” is not a number from 1 to %(highest)s (e.g. 1.5)")
                % {"text": multiplier_text, "highest": highest}
            )
        if multiplier != multiplier.quantize(Decimal("0.01")):
            raise ValueError(
                gettext("the time multiplier “%(text)s” has more than two decimals") % {"text": multiplier_text}
            )
    if attempts_text:
        most = StandingAccommodation.MAX_EXTRA_ATTEMPTS
        if not (attempts_text.isdecimal() and attempts_text.isascii() and int(attempts_text) <= most):
            raise ValueError(
                gettext("extra attempts “%(text)s” is not a whole number from 0 to %(most)s")
                % {"text": attempts_text, "most": most}
            )
        attempts = int(attempts_text)
    return multiplier, attempts


def parse_roster(text: str) -> RosterPreview:
    """Check every row against the file and the accounts already there; write nothing.

    Usernames are stored in NFKC form and compared case-folded (quiz/usernames.py): a row
    names an existing student only by that student's exact spelling, and one that folds onto
    another account, or onto another row, is rejected with a message."""
    records = _records(text)
    User = get_user_model()
    named = [usernames.normalize(cells[0]) for _, cells in records if cells]
    existing = {user.username: user for user in User.objects.filter(username__in=named).prefetch_related("groups")}
    folded = usernames.holders(named)
    preview, seen = RosterPreview(), {}
    for line, cells in records:
        try:
            username, name, email = _check(cells)
            multiplier, extra_attempts = _accommodation(cells)
            key = usernames.key(username)
            if seen.get(key) == username:
                raise ValueError(gettext("“%(username)s” appears twice in the file") % {"username": username})
            if key in seen:
                raise ValueError(
                    gettext(
                        "“%(username)s” is the same username as “%(other)s” above "
                        "(usernames ignore case and letter width)"
                    )
                    % {"username": username, "other": seen[key]}
                )
            seen[key] = username
            user = existing.get(username)
            if user is None and key in folded:
                raise ValueError(
                    gettext(
                        "“%(username)s” is the existing account “%(existing)s” written differently (usernames ignore "
                        "case and letter width): write “%(existing)s” to add that student, or choose another username"
                    ) % {"username": username, "existing": folded[key]}
                )
            if user is not None and not _is_plain_student(user):
                raise ValueError(
                    gettext("“%(username)s” is a teacher or admin account, not a student") % {"username": username}
                )
        except ValueError as error:
            preview.rejected.append(RejectedRow(line, ", ".join(cells), str(error)))
            continue
        first_name, last_name = split_name(name)
        preview.rows.append(
            RosterRow(
                line, username, first_name, last_name, email, exists=user is not None,
                time_multiplier=multiplier, extra_attempts=extra_attempts,
            )  # fmt: skip
        )
    return preview


def split_name(name: str) -> tuple[str, str]:
    """First and last name from “Ada Lovelace” or, as registrars export it, “Lovelace, Ada”."""
    if "," in name:
        last, _, first = name.partition(",")
    else:
        first, _, last = name.partition(" ")
    return first.strip(), last.strip()


def _is_plain_student(user) -> bool:
    groups = {group.name for group in user.groups.all()}
    return not (user.is_staff or user.is_superuser or TEACHERS in groups)


def check_group_name(name: str) -> str:
    """A class group's name. The role groups and any group granting permissions are refused,
    so an import never gives a student more than a student may do."""
    name = name.strip()
    if name.lower() in (STUDENTS.lower(), TEACHERS.lower()):
        raise ValueError(gettext("“%(name)s” is a role, not a class; choose another group name.") % {"name": name})
    if name and Group.objects.filter(name=name, permissions__isnull=False).exists():
        raise ValueError(
            gettext("“%(name)s” grants permissions, so it is not a class; choose another group name.") % {"name": name}
        )
    return name


@transaction.atomic
def import_roster(*, text: str, group_name: str = "", teacher=None) -> ImportSummary:
    """Create the new students, put every listed student in Students (and the named group,
    created if new), and set the accommodations the rows give; all or nothing."""
    preview = parse_roster(text)
    if not preview.can_import:
        raise RosterError(gettext("The file has rejected rows; nothing was imported."))
    group_name = check_group_name(group_name)
    group = Group.objects.get_or_create(name=group_name)[0] if group_name else None
    User = get_user_model()
    new_users = [
        User(username=row.username, first_name=row.first_name, last_name=row.last_name, email=row.email)
        for row in preview.new_rows
    ]
    for user in new_users:
        user.set_unusable_password()
    User.objects.bulk_create(new_users)
    students = list(User.objects.filter(username__in=[row.username for row in preview.rows]))
    for target in filter(None, (Group.objects.get_or_create(name=STUDENTS)[0], group)):
        target.user_set.add(*students)
    _set_accommodations([row for row in preview.rows if row.sets_accommodation], students, teacher)
    return ImportSummary(created=len(new_users), existing=len(preview.rows) - len(new_users), group=group)


def _set_accommodations(rows: list[RosterRow], students: list, teacher) -> None:
    """Each row's accommodation on every quiz; a column left empty keeps the student's current value."""
    by_username = {student.username: student for student in students}
    current = {
        standing.student_id: standing
        for standing in StandingAccommodation.objects.filter(student__in=[by_username[row.username] for row in rows])
    }
    for row in rows:
        student = by_username[row.username]
        existing = current.get(student.pk) or StandingAccommodation()
        reviews.set_standing_accommodation(
            student=student,
            time_multiplier=existing.time_multiplier if row.time_multiplier is None else row.time_multiplier,
            extra_attempts=existing.extra_attempts if row.extra_attempts is None else row.extra_attempts,
            reason=existing.reason or "Roster import",
            teacher=teacher,
        )
