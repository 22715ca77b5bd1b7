"""The students page: upload a CSV, read the preview, import it all or nothing, set a password."""

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from quiz.roles import is_student

GOOD = b"username,name,email\nada,Ada Lovelace,ada@example.org\ngrace,Grace Hopper,grace@example.org\n"
BAD = b"username,name,email\nada,Ada Lovelace,ada@example.org\nbad name,Bad,bad\ntess,Tess,\n"


def upload(client, content: bytes, group_name: str = "", name: str = "class.csv"):
    data = {"file": SimpleUploadedFile(name, content, content_type="text/csv"), "group_name": group_name}
    return client.post(reverse("teacher:roster_preview"), data)


def test_a_good_file_is_previewed_then_imported(teacher_client, django_user_model):
    preview = upload(teacher_client, GOOD, "CS101")
    page = preview.content.decode()
    assert preview.status_code == 200
    assert "2 valid rows, joining" in page and "new account" in page
    assert "Import 2 students" in page
    assert not django_user_model.objects.filter(username="ada").exists(), "nothing before the confirmation"
    imported = teacher_client.post(
        reverse("teacher:roster_import"), {"text": GOOD.decode(), "group_name": "CS101"}, follow=True
    )
    assert "Roster imported: 2 new students added, 0 already had accounts; all are in CS101." in (
        imported.content.decode()
    )
    ada = django_user_model.objects.get(username="ada")
    assert is_student(ada) and ada.groups.filter(name="CS101").exists()
    assert "no password" in imported.content.decode()


def test_a_file_with_bad_rows_reports_each_and_offers_no_import(teacher_client, django_user_model):
    page = upload(teacher_client, BAD).content.decode()
    assert "2 rows rejected: nothing will be imported" in page
    assert "<td>3</td><td><code>bad name, Bad, bad</code></td><td>The username may hold only letters" in page
    assert "“tess” is a teacher or admin account, not a student" in page
    assert reverse("teacher:roster_import") not in page
    assert not django_user_model.objects.filter(username="ada").exists()


def test_confirming_a_file_that_went_bad_since_the_preview_imports_nothing(teacher_client, django_user_model):
    response = teacher_client.post(reverse("teacher:roster_import"), {"text": BAD.decode(), "group_name": ""})
    assert response.status_code == 400
    assert "nothing was imported" in response.content.decode()
    assert not django_user_model.objects.filter(username="ada").exists()


@pytest.mark.parametrize(
    ("content", "group_name", "message"),
    [
        ("ada,Adélaïde,\n".encode("latin-1"), "", "not UTF-8"),
        (b"", "", "The submitted file is empty."),
        (b"\n\n", "", "The file has no rows"),
        (GOOD, "Teachers", "is a role, not a class"),
        (b"a" * 1_000_001, "", "larger than 1 MB"),
    ],
)
def test_an_unreadable_upload_is_refused_on_the_roster_page(teacher_client, content, group_name, message):
    response = upload(teacher_client, content, group_name)
    assert response.status_code == 400
    assert message in response.content.decode()


def test_a_tampered_confirmation_is_refused(teacher_client, django_user_model):
    response = teacher_client.post(reverse("teacher:roster_import"), {"text": GOOD.decode(), "group_name": "Teachers"})
    assert response.status_code == 302
    assert not django_user_model.objects.filter(username="ada").exists()
    assert list(Group.objects.get(name="Teachers").user_set.values_list("username", flat=True)) == ["tess"]


def test_the_roster_lists_students_only_and_filters_by_group(teacher_client, alice, bob, admin_user):
    evening = Group.objects.create(name="Evening")
    bob.groups.add(evening)
    page = teacher_client.get(reverse("teacher:roster")).content.decode()
    assert "alice" in page and "bob" in page and "root" not in page and ">tess<" not in page
    filtered = teacher_client.get(reverse("teacher:roster") + f"?group={evening.pk}").content.decode()
    assert "<td>bob</td>" in filtered and "<td>alice</td>" not in filtered


def test_a_teacher_sets_a_students_password(teacher_client, alice, client):
    url = reverse("teacher:set_password", args=[alice.pk])
    response = teacher_client.post(url, {"new_password1": "Correct-horse-77", "new_password2": "Correct-horse-77"})
    assert response["Location"] == reverse("teacher:roster") + "?q=alice"
    alice.refresh_from_db()
    assert alice.check_password("Correct-horse-77")


@pytest.mark.parametrize(
    ("first", "second", "message"),
    [
        ("Correct-horse-77", "Other-horse-77", "didn’t match"),
        ("short", "short", "too short"),
        ("12345678", "12345678", "entirely numeric"),
    ],
)
def test_a_weak_or_mismatched_password_is_refused(teacher_client, alice, first, second, message):
    response = teacher_client.post(
        reverse("teacher:set_password", args=[alice.pk]), {"new_password1": first, "new_password2": second}
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    alice.refresh_from_db()
    assert alice.check_password("alice-password")
