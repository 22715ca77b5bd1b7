"""Usernames: one spelling per person, however it is typed.

A username is stored in Unicode's NFKC form (Django's own normalization), and two usernames
are the same when they are equal after NFKC and case folding: `ａｌｉｃｅ` (full-width),
`Alice` and `alice` name one account. Every place an account is created (the roster
import, the admin) refuses a username that folds onto another account's, with a message
naming it, and the login form finds the account the same way, so a look-alike can never
become a second account or sign in as someone else.
"""

from __future__ import annotations

import unicodedata

from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.utils.translation import gettext

MAX_LENGTH = 150
"""Django's username column; longer text names no account."""


def normalize(username: str) -> str:
    """The spelling a username is stored in: NFKC, without surrounding spaces."""
    return unicodedata.normalize("NFKC", username).strip()


def key(username: str) -> str:
    """What usernames are compared by: NFKC, case-folded (Unicode's caseless matching)."""
    return unicodedata.normalize("NFKC", normalize(username).casefold())


def find(username: str, users: QuerySet | None = None):
    """The one account (of `users`, by default every account) this username names, or None.

    Its own spelling first; then the spellings differing only in case, which the database
    finds by a case-insensitive match (on SQLite, for ASCII letters only) and the folded
    comparison confirms. Two accounts folding alike (made before usernames were compared
    this way) name nobody: the person must type the exact spelling.
    """
    users = get_user_model()._default_manager.all() if users is None else users
    name = normalize(username)
    if not name or len(name) > MAX_LENGTH or "\x00" in name:
        return None
    exact = users.filter(username=name).first()
    if exact is not None:
        return exact
    wanted = key(name)
    matches = [user for user in users.filter(username__iexact=name) if key(user.username) == wanted]
    return matches[0] if len(matches) == 1 else None


def holders(usernames: list[str], *, exclude_pk: int | None = None) -> dict[str, str]:
    """For each username folding onto an existing account's, that account's username, by key.

    Reads every username once: creating accounts is rare, and only a full comparison finds
    every fold (`ß` and `ss`, non-ASCII case on SQLite)."""
    wanted = {key(name) for name in usernames}
    accounts = get_user_model()._default_manager.exclude(pk=exclude_pk).values_list("username", flat=True)
    found = {}
    for existing in accounts.iterator():
        folded = key(existing)
        if folded in wanted:
            found.setdefault(folded, existing)
    return found


def collision_message(username: str, existing: str) -> str:
    if username == existing:
        return gettext("An account named “%(existing)s” already exists.") % {"existing": existing}
    return gettext(
        "“%(username)s” is too close to the existing account “%(existing)s”: usernames that differ only in "
        "case or in the width of their letters are the same username. Choose another one."
    ) % {"username": username, "existing": existing}
