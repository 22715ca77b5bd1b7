"""The admin's history of a quiz, question or part shows what loads of the bank file changed, beside admin edits."""

import io

from django.core.management import call_command
from django.urls import reverse

from quiz.models import Part, Question


def history(client, name: str, obj) -> str:
    response = client.get(reverse(f"admin:quiz_{name}_history", args=[obj.pk]))
    assert response.status_code == 200
    return response.content.decode()


def replace_an_edit_of_q2b() -> Part:
    part = Part.objects.get(question__key="q2", key="b")
    part.relative_tolerance = 0.05
    part.save()
    call_command("load_question_bank", "--replace", stdout=io.StringIO())
    return part


def test_a_questions_history_shows_the_loads_that_changed_it_and_its_parts(admin_client, quiz):
    part = replace_an_edit_of_q2b()
    page = history(admin_client, "question", part.question)
    assert "Loads of the question bank file" in page
    assert "part q2b" in page and "relative_tolerance: 0.05 → 0.02" in page
    assert "Replaced an edit with the file&#x27;s version" in page
    assert "part q8b" not in page
    assert "No edits in the admin." in page


def test_a_parts_history_shows_only_its_own_changes(admin_client, quiz):
    part = replace_an_edit_of_q2b()
    page = history(admin_client, "part", part)
    assert "relative_tolerance: 0.05 → 0.02" in page
    assert "question q2<" not in page and "part q2a" not in page


def test_a_quizs_history_shows_every_change_a_load_made_in_it(admin_client, quiz):
    replace_an_edit_of_q2b()
    page = history(admin_client, "quiz", quiz)
    assert "the quiz" in page and "question q10" in page and "relative_tolerance: 0.05 → 0.02" in page


def test_a_history_without_loads_says_so(admin_client, quiz):
    question = Question.objects.create(quiz=quiz, key="q11", title="Added in the admin", prompt="?")
    assert "No load of the bank file has changed it." in history(admin_client, "question", question)


def test_a_teacher_cannot_read_the_admins_history(teacher_client, quiz):
    response = teacher_client.get(reverse("admin:quiz_quiz_history", args=[quiz.pk]))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
