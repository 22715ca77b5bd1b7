"""Grading in groups: a part's pending answers grouped by meaning, and rubric items applied to a whole group."""

import numpy as np
import pytest
from django.urls import reverse

import grader
from grader import meaning, rubric
from quiz.models import AnswerEmbedding, Part, Response
from quiz.suggestions import answer_vectors, upgrade_suggestions


@pytest.fixture
def q6b(quiz):
    return Part.objects.get(question__key="q6", key="b")


@pytest.fixture
def answers(students, submitted_attempt):
    """Four answers to q6b: three that say the same thing, and one other."""
    texts = ["Skip connections.", "skip connections", "Skip connections!", "Batch normalization."]
    return [
        Response.objects.get(attempt=submitted_attempt(student, {"q6b": text}), part__question__key="q6", part__key="b")
        for student, text in zip(students(4), texts, strict=True)
    ]


def groups_url(part) -> str:
    return reverse("teacher:review_groups", args=[part.pk])


def score_url(part) -> str:
    return reverse("teacher:review_group", args=[part.pk])


@pytest.mark.semantic
def test_the_groups_page_shows_the_largest_group_first_with_its_members(teacher_client, q6b, answers):
    page = teacher_client.get(groups_url(q6b)).content.decode()
    assert page.index("Group 1: 3 answers") < page.index("Group 2: 1 answer<")
    assert page.count('name="responses"') == 4
    for answer in answers:
        assert reverse("teacher:review", args=[answer.pk]) in page


def test_a_group_is_scored_by_its_items_with_one_comment(teacher_client, tess, q6b, answers):
    group = answers[:3]
    posted = teacher_client.post(score_url(q6b), {
        "responses": [answer.pk for answer in group], "items": ["skip_connections", "very_deep"],
        "comment": "Say why depth needs them.",
    })
    assert posted["Location"] == groups_url(q6b)
    for answer in group:
        answer.refresh_from_db()
        assert (answer.review_score, answer.review_items) == (1.0, ["skip_connections", "very_deep"])
        assert (answer.review_comment, answer.reviewed_by) == ("Say why depth needs them.", tess)
    answers[3].refresh_from_db()
    assert answers[3].review_score is None
    page = teacher_client.get(posted["Location"], follow=True).content.decode()
    assert "Question 6b: 1 point saved for 3 answers." in page


def test_answers_to_another_part_are_refused_with_a_message(teacher_client, q6b, answers, quiz):
    other = Part.objects.get(question__key="q2", key="a")
    numeric = Response.objects.get(attempt=answers[0].attempt, part=other)
    posted = teacher_client.post(score_url(q6b), {"responses": [numeric.pk], "items": ["skip_connections"]},
                                 follow=True)
    assert "The group was not scored: Select a valid choice." in posted.content.decode()
    numeric.refresh_from_db()
    assert numeric.review_score is None


def test_without_the_model_the_groups_page_says_so_and_leads_back_to_the_queue(
    teacher_client, q6b, answers, monkeypatch
):
    def refuse():
        raise meaning.ModelUnavailable("no model here")

    monkeypatch.setattr(meaning, "_load", refuse)
    monkeypatch.setattr(meaning, "_cache", type(meaning._cache)())
    rubric.suggest.cache_clear()
    response = teacher_client.get(groups_url(q6b), follow=True)
    rubric.suggest.cache_clear()
    assert response.redirect_chain[-1][0] == reverse("teacher:review_queue", args=[q6b.question.quiz_id])
    assert "Grouping answers needs the model that reads them by meaning" in response.content.decode()


@pytest.mark.semantic
def test_answers_read_by_meaning_keep_their_vectors_and_the_groups_page_reads_them_without_the_model(
    teacher_client, q6b, answers, monkeypatch
):
    upgrade_suggestions(Response.objects.filter(pk__in=[answer.pk for answer in answers]))
    assert AnswerEmbedding.objects.filter(response__in=answers).count() == 4
    monkeypatch.setattr(meaning, "embed", lambda texts: pytest.fail("an answer was embedded again"))

    page = teacher_client.get(groups_url(q6b)).content.decode()

    assert page.index("Group 1: 3 answers") < page.index("Group 2: 1 answer<")


@pytest.mark.semantic
def test_a_vector_kept_for_another_text_is_computed_again(q6b, answers):
    first = answers[0]
    answer_vectors([first])
    AnswerEmbedding.objects.filter(response=first).update(digest=AnswerEmbedding.digest_of("an older answer"))

    [vector] = answer_vectors([first])

    assert AnswerEmbedding.objects.get(response=first).digest == AnswerEmbedding.digest_of(first.text)
    assert np.allclose(vector, grader.answer_vectors([first.text])[0])
