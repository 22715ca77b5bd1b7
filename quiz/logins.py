"""Login throttling on django-axes: two limits, and browsers a student has signed in from before.

- A username is locked from one address after AXES_FAILURE_LIMIT wrong passwords, for
  AXES_COOLOFF_TIME: a classmate behind the same address cannot guess on.
- An address is locked for every username after LOGIN_ADDRESS_FAILURE_LIMIT wrong
  passwords across usernames (password spraying), high enough for a lecture hall's honest
  typos behind one router; reaching it is logged.
- A browser that signed in as a student before carries a signed device cookie. With it,
  that student gets past both locks (a classmate's guesses, or someone spraying from the
  hall, cannot lock them out) with a failure count of that browser's own, which locks it
  after AXES_FAILURE_LIMIT wrong passwords too.

Usernames are counted by their folded key (quiz/usernames.py), so `Alice` and `ａｌｉｃｅ`
share alice's count. Axes keeps the failures in its AccessAttempt table; a browser's own
count lives in the cache, shared by every worker when CACHE_URL is set.
"""

from __future__ import annotations

import logging
import secrets
from datetime import timedelta

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_cool_off, get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.admin.models import CHANGE, LogEntry
from django.core import signing
from django.core.cache import cache
from django.db.models import Count, Sum
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from quiz import usernames

logger = logging.getLogger(__name__)

DEVICE_COOKIE = "convquiz_device"
DEVICE_SALT = "quiz.logins.device"


def throttle_username(request: HttpRequest, credentials: dict | None) -> str:
    """The username axes counts failures under (AXES_USERNAME_CALLABLE): its folded key, cut
    to the column's length, so no spelling gets a count of its own and none overflows it."""
    raw = (credentials or {}).get("username")
    if raw is None:
        raw = request.POST.get("username", "")
    return usernames.key(str(raw)).replace("\x00", "")[: usernames.MAX_LENGTH]


def cool_off() -> timedelta:
    return get_cool_off() or timedelta(0)


def cool_off_minutes() -> int:
    return round(cool_off().total_seconds() / 60)


# --- The browser a student signed in from ---------------------------------------------------------


def remember_device(request: HttpRequest, response: HttpResponse, user) -> None:
    """Give the browser that just signed in a device cookie for this student (its count starts again)."""
    key = usernames.key(user.get_username())
    device = _device(request, key) or secrets.token_urlsafe(16)
    cache.delete(_device_failures_key(key, device))
    response.set_cookie(
        DEVICE_COOKIE,
        signing.dumps({"user": key, "device": device}, salt=DEVICE_SALT),
        max_age=int(settings.LOGIN_DEVICE_COOKIE_AGE.total_seconds()),
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


def _device(request: HttpRequest, key: str) -> str | None:
    """The browser's device id, if its cookie is genuine, recent and issued to this username."""
    value = request.COOKIES.get(DEVICE_COOKIE)
    if not value:
        return None
    try:
        payload = signing.loads(value, salt=DEVICE_SALT, max_age=settings.LOGIN_DEVICE_COOKIE_AGE)
    except signing.BadSignature:
        return None
    if not isinstance(payload, dict) or payload.get("user") != key:
        return None
    return str(payload.get("device"))


def _device_failures_key(key: str, device: str) -> str:
    """Where a known browser's failures are counted; a teacher's unlock starts a new count for
    every browser of the student by changing the student's generation."""
    generation = cache.get(_generation_key(key), 0)
    return f"quiz.logins.device-failures:{key}:{device}:{generation}"


def _generation_key(key: str) -> str:
    return f"quiz.logins.unlocks:{key}"


# --- The two limits -----------------------------------------------------------------------------------


class LoginThrottle(AxesDatabaseHandler):
    """Axes' database handler, counting a username per address, an address across usernames,
    and a known browser on its own (AXES_HANDLER)."""

    def get_failures(self, request, credentials: dict | None = None) -> int:
        """The failures that count against this login, measured against AXES_FAILURE_LIMIT."""
        username = get_client_username(request, credentials)
        device = _device(request, username)
        if device is not None:
            return cache.get(_device_failures_key(username, device), 0)
        recent = _recent(request).filter(ip_address=request.axes_ip_address)
        if _total(recent) >= settings.LOGIN_ADDRESS_FAILURE_LIMIT:
            return get_failure_limit(request, credentials)
        return _total(recent.filter(username=username))

    def user_login_failed(self, sender, credentials: dict, request=None, **kwargs) -> None:
        if request is not None:
            username = get_client_username(request, credentials)
            device = _device(request, username)
            if device is not None:
                _count_device_failure(username, device)
        super().user_login_failed(sender, credentials, request, **kwargs)
        if request is not None:
            _log_address_lock(request)


def _count_device_failure(key: str, device: str) -> None:
    """One more wrong password from a known browser; the count lasts AXES_COOLOFF_TIME from its first."""
    failures, timeout = _device_failures_key(key, device), int(cool_off().total_seconds())
    if not cache.add(failures, 1, timeout=timeout):
        try:
            cache.incr(failures)
        except ValueError:  # expired between the two calls
            cache.set(failures, 1, timeout=timeout)


def _recent(request: HttpRequest):
    return AccessAttempt.objects.filter(attempt_time__gte=get_cool_off_threshold(request))


def _total(attempts) -> int:
    return attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0


def _log_address_lock(request: HttpRequest) -> None:
    """Log the moment an address reaches its limit: once, with how many usernames it tried."""
    recent = _recent(request).filter(ip_address=request.axes_ip_address)
    summary = recent.aggregate(total=Sum("failures_since_start"), usernames=Count("username", distinct=True))
    if summary["total"] == settings.LOGIN_ADDRESS_FAILURE_LIMIT:
        logger.warning(
            "Login failures from %s reached %d across %d usernames: the address is locked for %d minutes",
            request.axes_ip_address, summary["total"], summary["usernames"], cool_off_minutes(),
        )


def address_locked(request: HttpRequest) -> bool:
    """Whether this request's address, rather than one username, is what is locked."""
    recent = _recent(request).filter(ip_address=request.axes_ip_address)
    return _total(recent) >= settings.LOGIN_ADDRESS_FAILURE_LIMIT


def tries_left(request: HttpRequest) -> int | None:
    """After a failed login: how many more wrong passwords lock this username here; None if unknown."""
    failures = getattr(request, "axes_failures_since_start", None)
    if failures is None:
        return None
    return max(settings.AXES_FAILURE_LIMIT - failures, 0)


# --- What teachers see and do ---------------------------------------------------------------------------


def locked_usernames(accounts: list[str]) -> set[str]:
    """Of these usernames, those locked now from some address (one query)."""
    keys = {usernames.key(name): name for name in accounts}
    recent = AccessAttempt.objects.filter(
        username__in=keys, attempt_time__gte=timezone.now() - cool_off()
    ).values("username", "ip_address").annotate(total=Sum("failures_since_start"))
    return {keys[row["username"]] for row in recent if row["total"] >= settings.AXES_FAILURE_LIMIT}


def unlock(*, student, teacher) -> int:
    """Clear the student's failed logins from every address and browser; logged in the student's admin history."""
    key = usernames.key(student.get_username())
    count, _ = AccessAttempt.objects.filter(username=key).delete()
    cache.set(_generation_key(key), secrets.token_hex(8), timeout=int(cool_off().total_seconds()))
    LogEntry.objects.log_actions(
        user_id=teacher.pk, queryset=[student], action_flag=CHANGE,
        change_message=f"Unlocked login ({count} locked address{'es' if count != 1 else ''} cleared)",
        single_object=True,
    )
    logger.info("Login of %s unlocked by %s", student.get_username(), teacher.get_username())
    return count
