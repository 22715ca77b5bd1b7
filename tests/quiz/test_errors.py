"""quiz.errors and the one helper that renders them: the save contract's JSON, or a styled page."""

import json

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.test import RequestFactory

from quiz import errors
from quiz.views.errors import error_response


@pytest.mark.parametrize(
    ("error", "code", "status"),
    [
        (errors.BadInput("sequence: Enter a whole number."), "invalid", 400),
        (errors.TooLarge("Too large."), "too_large", 413),
        (errors.DecisionError("An override needs a reason."), "decision_refused", 400),
        (errors.RosterError("The file has no rows."), "roster_unreadable", 400),
        (errors.LoginRequired(), "login", 401),
        (errors.Forbidden("Only students save answers."), "forbidden", 403),
        (errors.NotFound("There is no such attempt of yours."), "not_found", 404),
        (errors.Closed("Submitted.", result_url="/attempts/1/result/"), "closed", 409),
        (errors.Stale("Newer elsewhere.", sequence=3), "stale", 409),
    ],
)
def test_a_refusal_becomes_the_save_contracts_json(error, code, status):
    response = error_response(RequestFactory().post("/"), error, json=True)
    assert response.status_code == status
    assert json.loads(response.content) == {"ok": False, "error": code, "message": error.message, **error.data}


def test_a_refusal_without_a_message_says_the_default_one():
    assert errors.LoginRequired().message.startswith("Your session has expired.")


def test_not_found_and_forbidden_are_djangos_404_and_403_where_no_view_catches_them():
    assert isinstance(errors.NotFound(), Http404)
    assert isinstance(errors.Forbidden(), PermissionDenied)


@pytest.mark.django_db
def test_a_refusal_on_a_page_shows_the_styled_page_with_its_message_and_a_way_back():
    request = RequestFactory().post("/")
    response = error_response(request, errors.BadInput("sequence-q2a must be a whole number."), back="/attempts/1/")
    assert response.status_code == 400
    assert b"sequence-q2a must be a whole number." in response.content
    assert b'href="/attempts/1/"' in response.content
