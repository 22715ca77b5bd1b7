"""Every teacher page shows an attempt whose time ran out as submitted, though its student never came back."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse

from quiz import services
from tests.quiz.conftest import GOOD_ANSWERS


@pytest.fixture
def overdue_attempt(alice, quiz):
    """Alice's attempt with three answers saved, left open past its deadline."""
    attempt = services.start_attempt(student=alice, quiz=quiz)
    for key, text in GOOD_ANSWERS.items():
        services.save_response(attempt=attempt, part_key=key, text=text, sequence=1)
    return attempt


PAGES = {
    # name: (the URL's argument, what the page shows once the attempt counts as submitted)
    "teacher:home": (None, '<dt class="col-7">Submitted</dt><dd class="col-5">1</dd>'),
    "teacher:gradebook": ("quiz_id", "Needs review</span>"),
    "teacher:attempt": ("attempt_id", "Needs review</span>"),
    "teacher:review_queue": ("quiz_id", "Review 1 pending"),
    "teacher:statistics": ("quiz_id", "Over 1 finished attempt "),
    "teacher:export_gradebook": ("quiz_id", ",needs_review,"),
    "teacher:export_responses": ("quiz_id", ",needs_review,"),
    "teacher:export_statistics": ("quiz_id", "\r\nQuestion 2a,1,"),  # the part's row counts one attempt
}


@pytest.mark.parametrize("name", PAGES)
def test_a_teacher_page_shows_an_overdue_attempt_as_submitted(teacher_client, overdue_attempt, name):
    argument, shown = PAGES[name]
    args = {None: [], "quiz_id": [overdue_attempt.quiz_id], "attempt_id": [overdue_attempt.pk]}[argument]
    with time_machine.travel(overdue_attempt.deadline + timedelta(seconds=31), tick=False):
        response = teacher_client.get(reverse(name, args=args))
        content = b"".join(response.streaming_content if response.streaming else [response.content]).decode()
    assert response.status_code == 200
    assert shown in content
    assert ">In progress</span>" not in content and ",in_progress," not in content
    overdue_attempt.refresh_from_db()
    assert overdue_attempt.auto_submitted and not overdue_attempt.is_open
