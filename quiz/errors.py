"""Every refusal ConvQuiz makes: one base carrying a code, an HTTP status and a message for the user.

Views raise these (or let a lookup or service raise them); `quiz.views.errors.error_response`
turns one into the reply: the save contract's JSON (docs/save-contract.md) for the attempt
page's requests, a styled page otherwise. `NotFound` and `Forbidden` are also Django's
Http404 and PermissionDenied, so a view that does not catch them still answers with the
site's 404 and 403 pages.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext_lazy as _


class QuizError(Exception):
    """A refusal: `code` names it for scripts, `status` is its HTTP status, `message` is for the user.

    Keyword arguments are extra fields of the JSON reply (e.g. where the result is)."""

    code = "error"
    status = 400
    message = _("This request could not be used.")

    def __init__(self, message: str | None = None, **data):
        self.message = str(message or self.message)  # in the language of the request it refuses
        self.data = data
        super().__init__(self.message)


class BadInput(QuizError, ValueError):
    code = "invalid"


class TooLarge(BadInput):
    code = "too_large"
    status = 413


class DecisionError(BadInput):
    """A teacher's decision that cannot be taken (a score out of range, no reason given, an attempt
    still in progress); the message says why, for the teacher."""

    code = "decision_refused"


class RosterError(BadInput):
    """A roster file that cannot be read as a whole; the message says why."""

    code = "roster_unreadable"


class LoginRequired(QuizError):
    code = "login"
    status = 401
    message = _("Your session has expired. Log in again; your answers are kept in this browser.")


class Forbidden(QuizError, PermissionDenied):
    code = "forbidden"
    status = 403
    message = _("You don't have access to this page.")


class NotFound(QuizError, Http404):
    code = "not_found"
    status = 404
    message = _("There is nothing here, or it is not yours to see.")


class Closed(QuizError):
    """What the request would change is closed (a submitted attempt)."""

    code = "closed"
    status = 409


class Stale(QuizError):
    """The request is older than what the server holds now."""

    code = "stale"
    status = 409
