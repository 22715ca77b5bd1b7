"""The admin's question preview: seed numbers or a random variant, answers, worked solutions, trial grading;
and the question form refusing numbers the calculator rejects."""

from __future__ import annotations

import html
import json
import re

import pytest
from django.urls import reverse

from quiz.models import Question
from quiz.preview import describe, find_part, make_variant, try_answers


def _question(key: str) -> Question:
    return Question.objects.select_related("quiz").get(key=key)


def _url(question: Question) -> str:
    return reverse("admin:quiz_question_preview", args=[question.pk])


def _page(response) -> str:
    return html.unescape(response.content.decode())


# --- Outsiders and methods -------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_the_admin_login(client, quiz):
    response = client.get(_url(_question("q2")))
    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))


@pytest.mark.parametrize("user", ["alice", "tess"])
def test_students_and_teachers_who_are_not_staff_are_sent_to_the_admin_login(client, quiz, user, request):
    client.force_login(request.getfixturevalue(user))
    response = client.get(_url(_question("q2")))
    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))


def test_staff_without_permission_to_view_questions_are_refused(client, quiz, django_user_model):
    clerk = django_user_model.objects.create_user(username="clerk", password="clerk-password", is_staff=True)
    client.force_login(clerk)
    assert client.get(_url(_question("q2"))).status_code == 403


def test_the_preview_refuses_other_methods(admin_client, quiz):
    assert admin_client.put(_url(_question("q2"))).status_code == 405


@pytest.mark.parametrize("object_id", ["999999", "not-a-number"])
def test_an_unknown_question_is_not_found(admin_client, quiz, object_id):
    assert admin_client.get(f"/admin/quiz/question/{object_id}/preview/").status_code == 404


# --- The preview -----------------------------------------------------------------------------


def test_the_change_page_links_to_the_preview(admin_client, quiz):
    question = _question("q2")
    page = admin_client.get(reverse("admin:quiz_question_change", args=[question.pk])).content.decode()
    assert f'href="{_url(question)}"' in page


@pytest.mark.parametrize("model", ["question", "quiz"])
def test_the_add_pages_still_render_without_the_links(admin_client, quiz, model):
    page = admin_client.get(reverse(f"admin:quiz_{model}_add"))
    assert page.status_code == 200
    assert "Preview" not in page.content.decode() and "Regrade" not in page.content.decode()


def test_the_quiz_change_page_links_to_statistics_and_regrading(admin_client, quiz):
    page = admin_client.get(reverse("admin:quiz_quiz_change", args=[quiz.pk])).content.decode()
    assert f'href="{reverse("teacher:regrade", args=[quiz.pk])}"' in page
    assert f'href="{reverse("teacher:statistics", args=[quiz.pk])}"' in page


def test_the_preview_shows_the_seed_numbers_with_answers_and_worked_solutions(admin_client, quiz):
    response = admin_client.get(_url(_question("q2")))
    assert response.status_code == 200
    page = _page(response)
    assert "The question's seed numbers" in page
    assert "200×300 pixels" in page
    for display in ("903,400", "12.6 MB", "565.6 MB"):
        assert display in page
    assert "Layer 1: (3×3×3 + 1)×100 = 2,800." in page
    assert 'name="answer-q2b"' in page
    assert "style=" not in page


def test_a_random_variant_gets_a_new_seed_per_click(admin_client, quiz):
    question = _question("q2")
    first = admin_client.get(_url(question), {"random": "1"})
    second = admin_client.get(_url(question), {"random": "1"})
    assert first.status_code == second.status_code == 302
    seeds = [int(re.fullmatch(rf"{_url(question)}\?seed=(\d+)", r.url).group(1)) for r in (first, second)]
    assert seeds[0] != seeds[1]


def test_a_random_variant_shows_its_seed_and_its_own_answers(admin_client, quiz):
    question = _question("q2")
    expected = describe(make_variant(question, seed=12345))

    page = _page(admin_client.get(_url(question), {"seed": "12345"}))

    assert 'id="preview-seed">12345<' in page
    assert "show_question q2 --quiz cnn-fundamentals --seed 12345" in page
    for part in expected["parts"].values():
        assert part["display"] in page
        assert part["solution"][0] in page
    assert expected["prompt"] in page


def test_a_formula_question_shows_a_random_variant_with_its_answers_and_solutions(admin_client, formula_quiz):
    question = Question.objects.select_related("quiz").get(quiz=formula_quiz, key="h1")
    expected = describe(make_variant(question, seed=12345))

    page = _page(admin_client.get(_url(question), {"seed": "12345"}))

    assert 'id="preview-seed">12345<' in page and 'id="random-variant"' in page
    for part in expected["parts"].values():
        assert part["display"] in page
        assert part["solution"][-1] in page
    assert expected["prompt"] in page


@pytest.mark.parametrize("seed", ["abc", "-1", "99999999999"])
def test_an_invalid_seed_falls_back_to_the_seed_numbers(admin_client, quiz, seed):
    response = admin_client.get(_url(_question("q2")), {"seed": seed})
    assert response.status_code == 200
    page = _page(response)
    assert "The seed must be a whole number" in page
    assert "903,400" in page


def test_the_given_data_is_shown_as_tables(admin_client, quiz):
    page = _page(admin_client.get(_url(_question("q4"))))
    assert "<td>10</td>" in page and "<td>-3</td>" in page


def test_a_free_text_question_shows_its_rubric_and_no_random_button(admin_client, quiz):
    page = _page(admin_client.get(_url(_question("q1"))))
    assert "no numbers to randomize" in page
    assert "New random variant" not in page
    assert "weight sharing / translation invariance" in page


def test_numbers_the_calculator_refuses_are_reported_not_a_server_error(admin_client, quiz):
    question = _question("q2")
    Question.objects.filter(pk=question.pk).update(params={**question.params, "stride": 0})
    response = admin_client.get(_url(question))
    assert response.status_code == 200
    assert "These numbers cannot be used." in _page(response)


# --- Trying answers --------------------------------------------------------------------------


def test_a_tried_answer_is_graded_like_grade_answer_grades_it(admin_client, quiz):
    question = _question("q2")
    variant = make_variant(question)
    [expected] = try_answers(variant, find_part(variant, "b"), ["14.1 MB"])

    response = admin_client.post(_url(question), {"part": "b", "answer-q2b": "14.1 MB"})

    assert response.status_code == 200
    page = _page(response)
    assert expected["mistake"] == "all_layers"
    assert "Known mistake: <code>all_layers</code>" in page
    assert expected["feedback"] in page
    assert re.search(r"<strong[^>]*>0\.50? of 1</strong>", page)
    assert 'value="14.1 MB"' in page


def test_a_tried_answer_uses_the_random_variants_numbers(admin_client, quiz):
    question = _question("q2")
    answer = describe(make_variant(question, seed=12345))["parts"]["a"]["display"]

    page = _page(admin_client.post(_url(question), {"seed": "12345", "part": "a", "answer-q2a": answer}))

    assert 'id="preview-seed">12345<' in page
    assert "status-correct" in page
    assert "1 of 1" in page


def test_ticked_boxes_of_a_select_all_part_are_graded_together(admin_client, kinds_quiz):
    question = Question.objects.select_related("quiz").get(quiz=kinds_quiz, key="k2")
    page = _page(admin_client.post(_url(question), {"part": "a", "answer-k2a": ["conv", "pool"]}))
    assert "status-incorrect" in page
    assert "1 of the 2 right choices picked, and 1 wrong one" in page
    assert 'value="conv" checked' in page


def test_an_unreadable_answer_shows_the_parsers_message(admin_client, quiz):
    page = _page(admin_client.post(_url(_question("q2")), {"part": "a", "answer-q2a": "1.234,5"}))
    assert "status-invalid" in page
    assert "decimal point" in page


def test_a_tried_free_text_answer_shows_the_rubric_suggestion(admin_client, quiz):
    text = "Weight sharing: a pattern learned once is found anywhere in the image."
    page = _page(admin_client.post(_url(_question("q1")), {"part": "a", "answer-q1a": text}))
    assert "the rubric's suggestion" in page
    assert 'class="concept-covered">weight sharing / translation invariance' in page


@pytest.mark.parametrize(
    "data",
    [{}, {"part": "z", "answer-q2z": "1"}, {"part": "a", "answer-q2a": "1\x00"}, {"part": "a", "seed": "x"}],
)
def test_a_malformed_post_shows_the_preview_without_a_verdict(admin_client, quiz, data):
    response = admin_client.post(_url(_question("q2")), data)
    assert response.status_code == 200
    assert "trial-result" not in response.content.decode()


# --- Saving a question -----------------------------------------------------------------------


def _change_form_data(question: Question, **changes) -> dict:
    data = {
        "quiz": question.quiz_id, "key": question.key, "order": question.order, "title": question.title,
        "prompt": question.prompt, "calculator": question.calculator,
        "given": "",
        "parts-TOTAL_FORMS": "0", "parts-INITIAL_FORMS": "0", "parts-MIN_NUM_FORMS": "0", "parts-MAX_NUM_FORMS": "1000",
    }
    return {**data, **changes}


@pytest.mark.parametrize(
    ("cell", "value", "message"),
    [
        ("value", "0", "stride"),
        ("range", '[0, "x"]', "stride"),
    ],
)
def test_saving_numbers_the_calculator_rejects_shows_its_message_and_saves_nothing(
    admin_client, quiz, cell, value, message
):
    question = _question("q2")
    before = (question.params, question.ranges)
    rows = {}
    for index, name in enumerate(question.params):
        rows[f"params-{index}-name"] = name
        rows[f"params-{index}-value"] = json.dumps(question.params[name])
        if name == "stride":
            rows[f"params-{index}-{cell}"] = value
    data = _change_form_data(question, **rows)

    response = admin_client.post(reverse("admin:quiz_question_change", args=[question.pk]), data)

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert message in str(errors["params"][0])
    assert str(errors["params"][0]) in _page(response)
    question.refresh_from_db()
    assert (question.params, question.ranges) == before
