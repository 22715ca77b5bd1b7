"""Roster files: every row checked first, a clear report of rejected rows, and all or nothing."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import Group, Permission

from quiz import rosters
from quiz.models import StandingAccommodation
from quiz.roles import STUDENTS, TEACHERS, is_student

GOOD = "username,name,email\nada,Ada Lovelace,ada@example.org\ngrace,Grace Brewster Hopper,\n"


def test_a_good_file_is_previewed_without_writing_anything(db, django_user_model):
    preview = rosters.parse_roster(GOOD)
    assert preview.can_import and not preview.rejected
    assert [(row.line, row.username, row.first_name, row.last_name, row.email) for row in preview.rows] == [
        (2, "ada", "Ada", "Lovelace", "ada@example.org"),
        (3, "grace", "Grace", "Brewster Hopper", ""),
    ]
    assert not django_user_model.objects.exists()


def test_import_creates_students_without_a_usable_password_in_the_class_group(db, django_user_model):
    summary = rosters.import_roster(text=GOOD, group_name="CS101 2026")
    assert (summary.created, summary.existing, summary.group.name) == (2, 0, "CS101 2026")
    assert str(summary) == "2 new students added, 0 already had accounts; all are in CS101 2026."
    ada = django_user_model.objects.get(username="ada")
    assert (ada.get_full_name(), ada.email) == ("Ada Lovelace", "ada@example.org")
    assert is_student(ada) and not ada.has_usable_password()
    assert set(ada.groups.values_list("name", flat=True)) == {STUDENTS, "CS101 2026"}


def test_an_existing_student_joins_the_group_and_keeps_their_account(alice):
    alice.set_password("kept")
    alice.save()
    preview = rosters.parse_roster("alice,Someone Else,other@example.org\n")
    assert preview.rows[0].exists
    summary = rosters.import_roster(text="alice,Someone Else,other@example.org\n", group_name="Evening class")
    assert (summary.created, summary.existing) == (0, 1)
    alice.refresh_from_db()
    assert alice.first_name == "Alice" and alice.check_password("kept")
    assert alice.groups.filter(name="Evening class").exists()


COLUMNS = "expected 3 columns (username, name, email) and optionally time_multiplier and extra_attempts"


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("ada,Ada", f"{COLUMNS}, found 2"),
        ("ada,Ada,ada@example.org,1.5,1,extra", f"{COLUMNS}, found 6"),
        ("ada,Ada,ada@example.org,extra", "the time multiplier “extra” is not a number from 1 to 4 (e.g. 1.5)"),
        ("ada,Ada,,0.5", "the time multiplier “0.5” is not a number from 1 to 4 (e.g. 1.5)"),
        ("ada,Ada,,NaN", "the time multiplier “NaN” is not a number from 1 to 4 (e.g. 1.5)"),
        ("ada,Ada,,1.555", "the time multiplier “1.555” has more than two decimals"),
        ("ada,Ada,,,-1", "extra attempts “-1” is not a whole number from 0 to 50"),
        ("ada,Ada,,,51", "extra attempts “51” is not a whole number from 0 to 50"),
        ("ada,Ada,,,２", "extra attempts “２” is not a whole number from 0 to 50"),
        (",Nobody,x@example.org", "the username is empty"),
        ("ada lovelace,Ada,ada@example.org", "the username may hold only letters, digits and @ . + - _"),
        ("ada,Ada,not-an-email", "“not-an-email” is not an email address"),
        ("a" * 151 + ",Ada,", "the username is longer than 150 characters"),
        ("ada," + "A" * 151 + ",", "the name is longer than 150 characters"),
    ],
)
def test_a_bad_row_is_rejected_with_its_line_and_reason(db, line, reason):
    preview = rosters.parse_roster(f"username,name,email\nbob1,Bob One,\n{line}\n")
    assert [(row.line, row.reason) for row in preview.rejected] == [(3, reason)]
    assert not preview.can_import


def test_a_username_twice_in_the_file_is_rejected_the_second_time(db):
    preview = rosters.parse_roster("ada,Ada,\nAda,Ada again,\n")
    assert [(row.line, row.reason) for row in preview.rejected] == [
        (2, "“Ada” is the same username as “ada” above (usernames ignore case and letter width)")
    ]
    preview = rosters.parse_roster("ada,Ada,\nada,Ada again,\n")
    assert [(row.line, row.reason) for row in preview.rejected] == [(2, "“ada” appears twice in the file")]


@pytest.mark.parametrize("user_fixture", ["tess", "admin_user"])
def test_a_teacher_or_admin_account_is_never_made_a_student(db, request, user_fixture):
    user = request.getfixturevalue(user_fixture)
    preview = rosters.parse_roster(f"{user.username},Name,\n")
    assert "is a teacher or admin account" in preview.rejected[0].reason


def test_a_file_with_a_rejected_row_imports_nothing(db, django_user_model):
    with pytest.raises(rosters.RosterError, match="nothing was imported"):
        rosters.import_roster(text=GOOD + "bad row\n", group_name="Class A")
    assert not django_user_model.objects.exists()
    assert not Group.objects.filter(name="Class A").exists()


@pytest.mark.parametrize("name", [TEACHERS, "teachers", STUDENTS, " Students "])
def test_a_role_is_not_a_class_group(db, name, django_user_model):
    with pytest.raises(ValueError, match="is a role"):
        rosters.import_roster(text=GOOD, group_name=name)
    assert not django_user_model.objects.exists()


def test_a_group_that_grants_permissions_is_not_a_class_group(db, django_user_model):
    editors = Group.objects.create(name="Editors")
    editors.permissions.add(Permission.objects.get(codename="change_quiz"))
    with pytest.raises(ValueError, match="grants permissions"):
        rosters.import_roster(text=GOOD, group_name="Editors")
    assert not editors.user_set.exists()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "no rows"),
        ("username,name,email\n\n  \n", "no rows"),
        ("ada,Ada,\x00\n", "NUL byte"),
        ("\n".join(f"user{n},User," for n in range(rosters.MAX_ROWS + 2)), "more than 2000 rows"),
        ('ada,"Ada\n', "cannot be read as CSV"),
    ],
)
def test_a_file_that_cannot_be_read_is_refused_as_a_whole(db, text, message):
    with pytest.raises(rosters.RosterError, match=message):
        rosters.parse_roster(text)


def test_semicolons_tabs_and_a_byte_order_mark_are_read(db):
    text = rosters.decode("\ufeffusername;name;email\r\nada;Ada Lovelace;ada@example.org\r\n".encode())
    assert rosters.parse_roster(text).rows[0].email == "ada@example.org"
    assert rosters.parse_roster("ada\tAda\t\n").rows[0].username == "ada"


def test_a_file_that_is_not_utf8_is_refused():
    with pytest.raises(rosters.RosterError, match="not UTF-8"):
        rosters.decode("ada,Adélaïde,\n".encode("latin-1"))


def test_a_quoted_name_with_a_comma_is_read_last_name_first(db):
    row = rosters.parse_roster('ada,"Lovelace, Ada King",\n').rows[0]
    assert (row.first_name, row.last_name) == ("Ada King", "Lovelace")


# --- Look-alike usernames: one spelling per person ------------------------------------------------------


@pytest.mark.parametrize("written", ["Alice", "ALICE", "Ａｌｉｃｅ"])
def test_a_look_alike_of_an_existing_username_is_rejected_naming_the_account(alice, django_user_model, written):
    preview = rosters.parse_roster(f"{written},Alice Again,\n")
    assert not preview.can_import
    [rejected] = preview.rejected
    assert rejected.reason.startswith(f"“{written.replace('Ａｌｉｃｅ', 'Alice')}” is the existing account “alice”")
    assert "write “alice” to add that student" in rejected.reason
    with pytest.raises(rosters.RosterError):
        rosters.import_roster(text=f"{written},Alice Again,\n")
    assert django_user_model.objects.count() == 1


def test_a_full_width_copy_of_an_existing_username_is_that_account_never_a_new_one(alice, django_user_model):
    preview = rosters.parse_roster("ａｌｉｃｅ,Alice,\n")
    assert [(row.username, row.exists) for row in preview.rows] == [("alice", True)]
    rosters.import_roster(text="ａｌｉｃｅ,Alice,\n", group_name="Evening class")
    assert list(django_user_model.objects.values_list("username", flat=True)) == ["alice"]


def test_a_new_username_is_stored_in_its_normal_form(db, django_user_model):
    rosters.import_roster(text="ｃａｒｏｌ,Carol,\n")
    assert list(django_user_model.objects.values_list("username", flat=True)) == ["carol"]


def test_two_rows_folding_alike_are_rejected(db):
    preview = rosters.parse_roster("carol,Carol,\nＣＡＲＯＬ,Carol Two,\n")
    assert [(row.line, row.reason) for row in preview.rejected] == [
        (2, "“CAROL” is the same username as “carol” above (usernames ignore case and letter width)")
    ]


def test_optional_columns_set_each_students_accommodation_on_every_quiz(db, alice, tess):
    StandingAccommodation.objects.create(student=alice, time_multiplier=Decimal("1.25"), reason="Letter of 2025")
    text = (
        "username,name,email,time_multiplier,extra_attempts\n"
        "alice,Alice,,,2\n"  # an empty multiplier keeps hers
        "ada,Ada Lovelace,,\"1,5\",\n"  # a decimal comma
        "bob1,Bob One,\n"  # no columns: no accommodation
    )
    preview = rosters.parse_roster(text)
    assert [(row.username, row.time_multiplier, row.extra_attempts) for row in preview.rows] == [
        ("alice", None, 2), ("ada", Decimal("1.5"), None), ("bob1", None, None),
    ]
    rosters.import_roster(text=text, teacher=tess)
    standing = {each.student.username: each for each in StandingAccommodation.objects.select_related("student")}
    assert set(standing) == {"alice", "ada"}
    assert (standing["alice"].time_multiplier, standing["alice"].extra_attempts) == (Decimal("1.25"), 2)
    assert standing["alice"].reason == "Letter of 2025"
    assert (standing["ada"].time_multiplier, standing["ada"].extra_attempts) == (Decimal("1.5"), 0)
    assert standing["ada"].reason == "Roster import" and standing["ada"].updated_by == tess


def test_a_header_with_the_optional_columns_is_recognized(db):
    preview = rosters.parse_roster("Username,Name,Email,Time_Multiplier\nada,Ada,,2\n")
    assert [row.line for row in preview.rows] == [2] and not preview.rejected
