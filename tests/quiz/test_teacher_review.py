"""The review queue: every answer to one part in a row, Save moves on, the last one finalizes totals."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from quiz.models import AttemptState, Part, Response, ScoreChange


@pytest.fixture
def q6b(quiz):
    return Part.objects.get(question__key="q6", key="b")


@pytest.fixture
def two_pending(alice, bob, submitted_attempt):
    """Alice's and Bob's answers to q6b, Alice's submitted first."""
    earlier = timezone.now() - timedelta(minutes=5)
    first = submitted_attempt(alice, {"q6b": "Skip connections <b>help</b> very deep nets."}, now=earlier)
    second = submitted_attempt(bob, {"q6b": "Batch normalization."})
    return [
        Response.objects.get(attempt=attempt, part__question__key="q6", part__key="b") for attempt in (first, second)
    ]


def save_url(response: Response) -> str:
    return reverse("teacher:save_review", args=[response.pk])


def test_the_queue_lists_free_text_parts_with_their_pending_answers(teacher_client, quiz, q6b, two_pending):
    page = teacher_client.get(reverse("teacher:review_queue", args=[quiz.pk])).content.decode()
    assert f'href="{reverse("teacher:review_next", args=[q6b.pk])}">Review 2 pending</a>' in page
    assert page.count("Nothing pending") == 8


def test_next_opens_the_oldest_pending_answer(teacher_client, q6b, two_pending):
    response = teacher_client.get(reverse("teacher:review_next", args=[q6b.pk]))
    assert response["Location"] == reverse("teacher:review", args=[two_pending[0].pk])


def test_the_review_page_highlights_found_concepts_and_prefills_the_suggestion(teacher_client, two_pending):
    page = teacher_client.get(reverse("teacher:review", args=[two_pending[0].pk])).content.decode()
    assert (
        '<mark class="concept-found" data-concepts="skip_connections">Skip connections</mark> &lt;b&gt;help&lt;/b&gt;'
        in page
    )
    assert '<mark class="concept-found" data-concepts="very_deep">very deep</mark>' in page
    assert "<b>help</b>" not in page
    assert "Missed:</span> batch normalization" in page
    assert 'value="1.0"' in page
    assert "2 pending" in page
    skip = reverse("teacher:review_next", args=[two_pending[0].part_id]) + f"?after={two_pending[0].pk}"
    assert f'href="{skip}">Skip' in page


def test_the_review_form_offers_each_rubric_item_with_its_key_and_points(teacher_client, two_pending):
    page = teacher_client.get(reverse("teacher:review", args=[two_pending[0].pk])).content.decode()
    labels = re.findall(r'name="review-\d+-items" value="(\w+)"\s+data-rubric-item="true"', page)
    assert labels == ["skip_connections", "very_deep", "batch_norm", "bottleneck"]
    assert "1. skip (residual) connections, so that the layers learn a residual (1 point)" in page
    assert "2. lets very deep networks (152 layers) train (0.5 points, bonus)" in page
    assert 'data-item-points="{&quot;&quot;: 0.0, &quot;skip_connections&quot;: 1.0,' in page


def test_the_score_follows_the_items_ticked_by_the_rubrics_rule(teacher_client, tess, two_pending):
    bob_answer = two_pending[1]
    prefix = f"review-{bob_answer.pk}"
    posted = teacher_client.post(
        save_url(bob_answer),
        {f"{prefix}-items": ["batch_norm"], f"{prefix}-points": "1", f"{prefix}-comment": "Name the main idea."},
    )
    assert posted.status_code == 302
    bob_answer.refresh_from_db()
    # A bonus item earns nothing without a core one, whatever points were typed.
    assert (bob_answer.review_score, bob_answer.review_items) == (0.0, ["batch_norm"])
    teacher_client.post(save_url(bob_answer), {f"{prefix}-items": ["skip_connections", "batch_norm"],
                                               f"{prefix}-points": "0"})
    bob_answer.refresh_from_db()
    assert (bob_answer.review_score, bob_answer.review_items) == (1.0, ["skip_connections", "batch_norm"])


def test_an_item_not_in_the_rubric_is_refused_with_a_message(teacher_client, two_pending):
    answer = two_pending[0]
    refused = teacher_client.post(save_url(answer), {f"review-{answer.pk}-items": ["made_up"],
                                                     f"review-{answer.pk}-points": "1"})
    assert refused.status_code == 400
    assert "Select a valid choice. made_up is not one of the available choices." in refused.content.decode()
    answer.refresh_from_db()
    assert answer.review_score is None


def test_the_student_reads_the_items_awarded_and_the_comment(teacher_client, alice, two_pending):
    answer = two_pending[0]
    prefix = f"review-{answer.pk}"
    teacher_client.post(save_url(answer), {f"{prefix}-items": ["skip_connections"], f"{prefix}-points": "1",
                                           f"{prefix}-comment": "Say why depth needs them."})
    teacher_client.force_login(alice)
    page = teacher_client.get(reverse("student:attempt_result", args=[answer.attempt_id])).content.decode()
    awarded = re.search(r'<ul class="awarded-items mb-0">(.*?)</ul>', page, re.S).group(1)
    assert awarded.count("<li>") == 1
    assert "<li>skip (residual) connections, so that the layers learn a residual (1 point): " in awarded
    assert "Say why depth needs them." in page


def test_save_confirms_the_score_and_moves_to_the_next_answer(teacher_client, tess, q6b, two_pending):
    first, second = two_pending
    prefix = f"review-{first.pk}"
    response = teacher_client.post(save_url(first), {f"{prefix}-points": "0.75", f"{prefix}-comment": "Say why."})
    assert response["Location"] == reverse("teacher:review_next", args=[q6b.pk])
    assert teacher_client.get(response["Location"])["Location"] == reverse("teacher:review", args=[second.pk])
    first.refresh_from_db()
    assert (first.review_score, first.review_comment, first.reviewed_by) == (0.75, "Say why.", tess)


def test_confirming_the_last_pending_answer_finalizes_the_total_and_empties_the_queue(
    teacher_client, quiz, q6b, two_pending
):
    for response, points in zip(two_pending, ("1", "0.25"), strict=True):
        teacher_client.post(save_url(response), {f"review-{response.pk}-points": points})
    after = teacher_client.get(reverse("teacher:review_next", args=[q6b.pk]), follow=True)
    assert after.redirect_chain[-1][0] == reverse("teacher:review_queue", args=[quiz.pk])
    assert "Every answer to Question 6b is reviewed." in after.content.decode()
    alice_attempt = two_pending[0].attempt
    alice_attempt.refresh_from_db()
    assert (alice_attempt.state, alice_attempt.score) == (AttemptState.GRADED, Decimal("1.000"))


def test_points_are_converted_to_a_credit_of_the_parts_points(teacher_client, two_pending):
    response = two_pending[0]
    Part.objects.filter(pk=response.part_id).update(points=4)
    teacher_client.post(save_url(response), {f"review-{response.pk}-points": "3"})
    response.refresh_from_db()
    assert response.review_score == pytest.approx(0.75)


@pytest.mark.parametrize("points", ["1.5", "-0.5", "abc", "0,5", "", "NaN", "1e5", "0.333"])
def test_an_invalid_score_is_refused_on_the_same_page(teacher_client, two_pending, points):
    response = two_pending[0]
    page = teacher_client.post(save_url(response), {f"review-{response.pk}-points": points})
    assert page.status_code == 400
    assert "is-invalid" in page.content.decode()
    assert not ScoreChange.objects.exists()


def test_a_confirmed_score_is_revised_from_the_attempt_page_and_its_history_shown(teacher_client, two_pending):
    response = two_pending[0]
    prefix = f"review-{response.pk}"
    teacher_client.post(save_url(response), {f"{prefix}-points": "0.5"})
    revised = teacher_client.post(
        save_url(response), {f"{prefix}-points": "1", f"{prefix}-comment": "Complete on rereading", "next": "attempt"}
    )
    assert revised["Location"] == reverse("teacher:attempt", args=[response.attempt_id]) + f"#part-{response.part_id}"
    page = teacher_client.get(revised["Location"]).content.decode()
    assert "Change confirmed score…" in page
    assert "Score history (2)" in page
    assert "Free-text review by Tess: 0.5 → 1 point · Complete on rereading" in page
    assert "Free-text review by Tess: 1 → 0.5 points" in page


def test_an_invalid_revision_from_the_attempt_page_shows_the_attempt_again(teacher_client, two_pending):
    response = two_pending[0]
    page = teacher_client.post(save_url(response), {f"review-{response.pk}-points": "9", "next": "attempt"})
    assert page.status_code == 400
    content = page.content.decode()
    assert "Ensure this value is less than or equal to 1" in content
    assert "Event log" in content


def test_a_numeric_part_has_no_review_page(teacher_client, two_pending):
    numeric = Response.objects.get(attempt=two_pending[0].attempt, part__question__key="q2", part__key="a")
    response = teacher_client.get(reverse("teacher:review", args=[numeric.pk]))
    assert response["Location"] == reverse("teacher:attempt", args=[numeric.attempt_id])
    refused = teacher_client.post(save_url(numeric), {f"review-{numeric.pk}-points": "1"})
    assert refused.status_code == 400
    assert "override this part" in refused.content.decode()


@pytest.mark.parametrize("count", [5, 50])
def test_the_queue_runs_the_same_queries_for_5_and_50_attempts(
    teacher_client, quiz, many_attempts, django_assert_num_queries, count
):
    many_attempts(count)
    Response.objects.update(meaning_pending=False)  # every answer already read by meaning
    # 1 session, 2 user, 3 user's groups, 4 quiz, 5 overdue attempts to close, 6 answers still to
    # read by meaning, 7 free-text parts with their pending and confirmed counts, 8 their questions' parts (for labels).
    with django_assert_num_queries(8):
        assert teacher_client.get(reverse("teacher:review_queue", args=[quiz.pk])).status_code == 200


@pytest.mark.parametrize("count", [5, 50])
def test_a_review_page_runs_the_same_queries_for_5_and_50_attempts(
    teacher_client, q6b, many_attempts, django_assert_num_queries, count
):
    many_attempts(count)
    Response.objects.update(meaning_pending=False)  # every answer already read by meaning
    first = Response.objects.filter(part=q6b).first()
    # 1 session, 2 user, 3 user's groups, 4 the response with its part, attempt and student,
    # 5 its question's parts (for the label), 6 how many answers to the part are pending.
    with django_assert_num_queries(6):
        assert teacher_client.get(reverse("teacher:review", args=[first.pk])).status_code == 200


# --- Confirming the suggestion in one click ---------------------------------------------------------


def confirm(client, response: Response, suggested) -> object:
    return client.post(save_url(response), {"suggested": str(suggested), "next": "attempt"})


def test_confirm_score_confirms_the_exact_suggestion_and_returns_to_the_part(teacher_client, tess, two_pending):
    first = two_pending[0]
    Response.objects.filter(pk=first.pk).update(score=1 / 3)  # a suggestion no two-decimal field could hold
    reply = confirm(teacher_client, first, repr(1 / 3))
    assert reply["Location"] == reverse("teacher:attempt", args=[first.attempt_id]) + f"#part-{first.part_id}"
    first.refresh_from_db()
    assert (first.review_score, first.review_comment, first.reviewed_by) == (1 / 3, "", tess)
    first.attempt.refresh_from_db()
    assert (first.attempt.state, first.attempt.score) == (AttemptState.GRADED, Decimal("0.333"))
    page = teacher_client.get(reply["Location"]).content.decode()
    assert "Question 6b: 0.33 points confirmed." in page
    assert '<span class="badge text-bg-success">Confirmed</span>' in page
    assert "Confirmed: 0.33 points by Tess" in page
    assert ">Confirm score</button>" not in page and "Change confirmed score…" in page


def test_the_attempt_page_offers_confirm_score_and_a_separate_way_to_change_it(teacher_client, two_pending):
    first = two_pending[0]
    page = teacher_client.get(reverse("teacher:attempt", args=[first.attempt_id])).content.decode()
    row = page[page.index(f'id="part-{first.part_id}"'):]
    row = row[: row.index('class="list-group-item part-row"')]
    assert f'<input type="hidden" name="suggested" value="{first.score!r}">' in row
    assert f'aria-describedby="suggestion-{first.pk}">Confirm score</button>' in row
    assert f'id="suggestion-{first.pk}">Suggested by the rubric: 1 point.</p>' in row
    # Changing the score is its own step: a closed form behind “Change score…”.
    assert re.search(r'<details class="decision">\s*<summary class="[^"]*">Change score…</summary>', row)
    assert "1 / 1 <span class=\"fw-normal text-body-secondary\">suggested</span>" in row


def test_a_suggestion_changed_since_the_page_was_shown_is_not_confirmed(teacher_client, two_pending):
    first = two_pending[0]
    shown = first.score
    Response.objects.filter(pk=first.pk).update(score=0.5)  # a regrade in between
    reply = confirm(teacher_client, first, shown)
    assert reply.status_code == 400
    assert "the suggested score changed since the page was shown (now: 0.5 points)" in reply.content.decode()
    first.refresh_from_db()
    assert first.review_score is None
    assert not ScoreChange.objects.exists()


@pytest.mark.parametrize("suggested", ["", "abc", "nan", "inf", "1.5", "-0.1"])
def test_a_mangled_suggestion_is_refused_with_a_message(teacher_client, two_pending, suggested):
    first = two_pending[0]
    reply = confirm(teacher_client, first, suggested)
    assert reply.status_code == 400
    assert "did not arrive intact" in reply.content.decode()
    assert not ScoreChange.objects.exists()


def test_confirm_score_is_refused_for_a_numeric_part(teacher_client, two_pending):
    numeric = Response.objects.get(attempt=two_pending[0].attempt, part__question__key="q2", part__key="a")
    reply = confirm(teacher_client, numeric, numeric.score)
    assert reply.status_code == 400
    assert "override this part" in reply.content.decode()
    numeric.refresh_from_db()
    assert numeric.review_score is None


# --- Moving through the queue -------------------------------------------------------------------------


def test_the_queue_names_each_parts_question(teacher_client, quiz, two_pending):
    page = teacher_client.get(reverse("teacher:review_queue", args=[quiz.pk])).content.decode()
    assert 'Question 6b <span class="fw-normal text-body-secondary">· AlexNet and ResNet</span>' in page
    review = teacher_client.get(reverse("teacher:review", args=[two_pending[0].pk])).content.decode()
    assert "Question 6b <span class=\"fw-normal text-body-secondary\">· AlexNet and ResNet</span></h1>" in review


@pytest.fixture
def three_parts_pending(alice, bob, submitted_attempt):
    """Alice answered 1, 6b and 10a, Bob 6b: four written answers over three parts."""
    submitted_attempt(alice, {"q1a": "Weight sharing.", "q6b": "Skip connections.", "q10a": "Classify every pixel."})
    submitted_attempt(bob, {"q6b": "Residual blocks."})
    return {key: Part.objects.get(question__key=key[:-1], key=key[-1]) for key in ("q1a", "q6b", "q10a")}


def test_save_and_next_continues_to_the_next_part_with_answers_waiting(teacher_client, quiz, three_parts_pending):
    q6b = three_parts_pending["q6b"]
    first = teacher_client.get(reverse("teacher:review_next", args=[q6b.pk]), follow=True)
    responses = Response.objects.filter(part=q6b).order_by("attempt__submitted_at")
    for response in responses:
        reply = teacher_client.post(save_url(response), {f"review-{response.pk}-points": "1"}, follow=True)
    assert first.context["response"].part == q6b
    assert reply.context["response"].part == three_parts_pending["q10a"]
    assert "Every answer to Question 6b is reviewed. Next: Question 10a, Segmentation." in reply.content.decode()


def test_save_and_next_goes_round_the_quiz_until_nothing_waits(teacher_client, quiz, three_parts_pending):
    seen = []
    page = teacher_client.get(reverse("teacher:review_next", args=[three_parts_pending["q6b"].pk]), follow=True)
    while page.context.get("form") is not None and "part" in page.context:
        response = page.context["response"]
        seen.append(response.part.label)
        page = teacher_client.post(save_url(response), {f"review-{response.pk}-points": "1"}, follow=True)
    assert seen == ["Question 6b", "Question 6b", "Question 10a", "Question 1"]
    assert page.redirect_chain[-1][0] == reverse("teacher:review_queue", args=[quiz.pk])
    assert "Every answer to Question 1 is reviewed. No other answer waits for review." in page.content.decode()


def test_skipping_the_last_answer_of_a_part_moves_on_and_says_it_is_left(teacher_client, three_parts_pending):
    q10a = three_parts_pending["q10a"]
    [only] = Response.objects.filter(part=q10a, status="needs_review")
    page = teacher_client.get(reverse("teacher:review_next", args=[q10a.pk]) + f"?after={only.pk}", follow=True)
    assert page.context["response"].part == three_parts_pending["q1a"]
    assert "Only skipped answers to Question 10a are left. Next: Question 1, CNN vs fully connected network." in (
        page.content.decode()
    )
