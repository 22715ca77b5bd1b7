"""Editing a written part's rubric in the admin leads to the part's regrade preview; confirming it applies it."""

from __future__ import annotations

import math

import pytest
from django.urls import reverse

from quiz import reviews
from quiz.forms import PartAdminForm
from quiz.models import Part, Response, ScoreChange
from tests.quiz.test_admin_forms import _cells, _management, part_data, question_data

ALEXNET = "AlexNet used ReLU and dropout."


def _q6a() -> Part:
    return Part.objects.select_related("question").get(question__key="q6", key="a")


def _rubric_with_relu_worth_two(part: Part) -> list[dict]:
    return [dict(item, points=2) if item["key"] == "relu" else item for item in part.rubric]


def _relu_worth_two(part: Part) -> dict:
    """The rubric's rows as the part's form posts them, with the item "relu" worth 2 points."""
    return _cells("rubric", PartAdminForm.base_fields["rubric"], _rubric_with_relu_worth_two(part))


@pytest.fixture
def scored_by_items(alice, tess, submitted_attempt):
    attempt = submitted_attempt(alice, {"q6a": ALEXNET})
    response = Response.objects.get(attempt=attempt, part=_q6a())
    reviews.confirm_review(response=response, score=0.5, comment="", teacher=tess, items=("relu", "dropout"))
    return response


def test_editing_a_rubric_in_the_part_admin_leads_to_the_preview(admin_client, scored_by_items):
    part = _q6a()

    response = admin_client.post(
        reverse("admin:quiz_part_change", args=[part.pk]), part_data(part, **_relu_worth_two(part))
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("teacher:regrade_part", args=[part.pk])
    page = admin_client.get(response["Location"]).content.decode()
    assert "The rubric of Question 6a changed" in page
    assert "Nothing has been saved yet" in page
    assert '<span class="regrade-review">0.5 → 0.6 of 1 point</span>' in page
    scored_by_items.refresh_from_db()
    assert scored_by_items.review_score == 0.5


def test_editing_a_rubric_on_the_question_page_leads_to_the_preview(admin_client, scored_by_items):
    part = _q6a()
    data = _management(part.question)
    index = next(i for i in range(len(part.question.parts.all())) if data[f"parts-{i}-id"] == part.pk)
    data |= {f"parts-{index}-{name}": text for name, text in _relu_worth_two(part).items()}
    url = reverse("admin:quiz_question_change", args=[part.question_id])

    response = admin_client.post(url, {**data, **question_data(part.question)})

    assert response.status_code == 302
    assert response["Location"] == reverse("teacher:regrade_part", args=[part.pk])


def test_an_edit_without_graded_answers_stays_in_the_admin(admin_client, quiz):
    part = _q6a()
    response = admin_client.post(
        reverse("admin:quiz_part_change", args=[part.pk]), part_data(part, **_relu_worth_two(part))
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:quiz_part_changelist")


def test_an_edit_of_anything_but_the_rubric_stays_in_the_admin(admin_client, scored_by_items):
    part = _q6a()
    response = admin_client.post(
        reverse("admin:quiz_part_change", args=[part.pk]), part_data(part, prompt="Name what AlexNet changed.")
    )
    assert response["Location"] == reverse("admin:quiz_part_changelist")


def test_confirming_the_preview_rescores_and_logs(client, tess, scored_by_items):
    part = _q6a()
    part.rubric = _rubric_with_relu_worth_two(part)
    part.save()
    client.force_login(tess)

    page = client.post(reverse("teacher:regrade_part", args=[part.pk])).content.decode()

    assert "Done: regraded Question 6a in 1 attempts; 1 answers changed." in page
    scored_by_items.refresh_from_db()
    assert math.isclose(scored_by_items.review_score, 0.6)
    assert ScoreChange.objects.filter(response=scored_by_items, kind="review", changed_by=tess).count() == 2


def test_the_part_regrade_refuses_students_other_methods_and_unknown_parts(client, alice, tess, quiz):
    url = reverse("teacher:regrade_part", args=[_q6a().pk])
    client.force_login(alice)
    assert client.get(url).status_code == 403
    client.force_login(tess)
    assert client.put(url).status_code == 405
    assert client.get(reverse("teacher:regrade_part", args=[999999])).status_code == 404


def test_the_part_admin_links_to_the_parts_regrade_preview(admin_client, quiz):
    part = _q6a()
    page = admin_client.get(reverse("admin:quiz_part_change", args=[part.pk])).content.decode()
    assert f'<a href="{reverse("teacher:regrade_part", args=[part.pk])}">Regrade this part</a>' in page
