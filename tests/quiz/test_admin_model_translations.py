"""Every admin page of the quiz app's own models in German: the change lists (their columns and filters), a change
page of one row (the read-only ones too) and the add page, with nothing left in English but what people wrote.

The admins are found in the admin site's registry, so that an admin added later is checked too; each page is
rendered for a browser asking for English and one asking for German and compared as
tests/quiz/test_admin_translations.py compares the authoring pages.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse

from quiz.models import Accommodation, AttemptEvent, StandingAccommodation
from tests.quiz.test_admin_translations import _authors_text, _both, _read, _untranslated

QUIZ_ADMINS = sorted(
    (model._meta.label, model) for model in admin.site._registry if model._meta.app_config.name == "quiz"
)
"""Every model of the quiz app the admin shows (the LMS links and the accounts are other apps')."""


@pytest.fixture
def rows(quiz, formula_quiz, alice, bob, tess, submitted_attempt):
    """A row of every model the admin shows: two quizzes (a filter by quiz shows only with a choice to make), an
    attempt with its log, and accommodations."""
    submitted_attempt(alice)
    Accommodation.objects.create(
        student=alice, quiz=quiz, extra_minutes=10, extra_attempts=1, reason="Sprained wrist.", created_by=tess
    )
    StandingAccommodation.objects.create(
        student=bob, time_multiplier=Decimal("1.5"), extra_attempts=1, reason="Reads slowly.", updated_by=tess
    )


def _pages(model, admin_user) -> dict[str, str]:
    """The model's change list, the change (or view) page of its first row, and its add page if it has one."""
    model_admin = admin.site._registry[model]
    name = f"admin:{model._meta.app_label}_{model._meta.model_name}"
    first = model.objects.order_by("pk").first()
    assert first is not None, f"{model._meta.label}: give the `rows` fixture a row of it"
    pages = {"list": reverse(f"{name}_changelist"), "change": reverse(f"{name}_change", args=[first.pk])}
    request = RequestFactory().get("/")
    request.user = admin_user
    if model_admin.has_add_permission(request):
        pages["add"] = reverse(f"{name}_add")
    return pages


@pytest.mark.parametrize(("label", "model"), QUIZ_ADMINS, ids=[label for label, _model in QUIZ_ADMINS])
def test_the_admin_pages_of_a_quiz_model_are_german_for_a_browser_that_asks_for_german(admin_user, rows, label, model):
    # The attempt's log keeps its details in the language of the request that wrote them (English here).
    details = [event.detail for event in AttemptEvent.objects.exclude(detail="")]
    reasons = [standing.reason for standing in StandingAccommodation.objects.all()]
    authored = sorted([*_authors_text(), *details, *reasons], key=len, reverse=True)
    untranslated = {}
    for page, url in _pages(model, admin_user).items():
        english, german = _both(admin_user, "get", url)
        assert _read(german).lang == "de", (label, page)
        left = _untranslated(english, german, authored)
        if left:
            untranslated[page] = left
    assert not untranslated, f"{label}: {untranslated}"


def test_every_column_heading_and_filter_of_the_attempts_reads_german(admin_user, rows):
    page = _both(admin_user, "get", reverse("admin:quiz_attempt_changelist"))[1]
    for heading in ("Studierende/r", "Quiz", "Nummer", "Status", "Punktzahl", "Begonnen am", "Abgegeben am"):
        assert f">{heading}</a>" in page, heading
    assert "Nach Status" in page and "Nach Quiz" in page
