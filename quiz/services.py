"""An attempt's life: start, save, submit, grade, close when overdue; who may take what.

What a student sees of an attempt is read through `quiz.selectors`.

Every page and command goes through these functions, so the rules hold everywhere:
the attempt limit, the deadline with its grace period, one submission and one grade.
Every change to an attempt first locks its row (`select_for_update`), so a save cannot
slip in between a submit and its grading, and two submits cannot both close it.
"""

from __future__ import annotations

import hmac
import ipaddress
import logging
import random
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django.db.models.functions import Concat
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

import grader
from quiz import errors, grading, pools
from quiz.lti import outbox as lms_outbox
from quiz.models import (
    Accommodation,
    Attempt,
    AttemptEvent,
    AttemptState,
    Part,
    Question,
    Quiz,
    Response,
    ResponseStatus,
    StandingAccommodation,
)
from quiz.preview import random_seed

logger = logging.getLogger(__name__)

MAX_SEQUENCE = 2**31 - 1  # the largest value a PositiveIntegerField holds on every database
GRADED_FIELDS = [
    "score", "status", "mistake", "feedback", "expected", "concepts_found", "concepts_missed", "graded_at",
    "suggestion_concepts", "suggestion_confidence", "suggestion_flags", "meaning_pending",
]


class AttemptNotAllowed(errors.Forbidden):
    """The student may not start an attempt now; the message says why."""


class AttemptClosed(errors.Closed):
    """The attempt was submitted (by the student or when time ran out); nothing more is saved."""


class StaleSave(errors.Stale):
    """A save typed before the answer stored now, which came from another window or device.

    `stored` is that newer answer, so the page can show it instead."""

    def __init__(self, message: str, stored: Response):
        super().__init__(message)
        self.stored = stored


class PageLeft(errors.Closed):
    """With sequential navigation: the part is on a page the student has moved on from."""

    code = "page_left"


class InvalidSave(errors.BadInput):
    """A save the server cannot take as it is (unknown part, too long, a NUL byte)."""


class AccessCodeRefused(errors.Forbidden):
    """The quiz asks for an access code to start an attempt, and the one given is missing or wrong."""

    code = "access_code"


class ChecksNotAllowed(errors.Forbidden):
    """The quiz does not let students check answers before submitting (an exam, or checks are off)."""

    code = "checks_not_allowed"


class VariantsNotAllowed(errors.Forbidden):
    """The quiz does not let students draw new numbers for a question (not practice, or numbers not drawn)."""

    code = "variants_not_allowed"


class CheckRefused(errors.BadInput):
    """This part's answers cannot be checked (a written answer); the message says why."""

    code = "check_refused"


class NetworkRefused(errors.Forbidden):
    """The quiz is taken only from its allowed networks, and this request comes from elsewhere."""

    code = "network"


def part_key(part: Part) -> str:
    """The part's key within its quiz, "q2b": the save contract and the attempt's log use it."""
    return part_key_of(part.question, part)


def part_key_of(question: Question, part: Part) -> str:
    """part_key for a part whose question is at hand (a prefetched part does not hold it)."""
    return f"{question.key}{part.key}"


# --- Who may take what ------------------------------------------------------------------------


def available_quizzes(user) -> QuerySet[Quiz]:
    """Quizzes this student may see: those without groups are open to every student.

    Written with EXISTS rather than joins and DISTINCT: the joined form made PostgreSQL
    scan every student's group membership on each start and dashboard."""
    quiz_groups = Quiz.groups.through.objects.filter(quiz=OuterRef("pk"))
    return Quiz.objects.filter(~Exists(quiz_groups) | Exists(quiz_groups.filter(group__user=user)))


def _accommodation(student, quiz: Quiz) -> Accommodation | None:
    """The accommodation that applies to the student on this quiz: the quiz's own, else the standing one."""
    own = Accommodation.objects.filter(student=student, quiz=quiz).first()
    return own or applied_accommodation(quiz, own, StandingAccommodation.objects.filter(student=student).first())


def applied_accommodation(
    quiz: Quiz, own: Accommodation | None, standing: StandingAccommodation | None
) -> Accommodation | None:
    """A per-quiz accommodation wins as a whole; without one, the student's standing accommodation applies."""
    if own is not None:
        return own
    return standing.for_quiz(quiz) if standing is not None else None


def time_limit_minutes(student, quiz: Quiz) -> int | None:
    return minutes_with_accommodation(quiz, _accommodation(student, quiz))


def attempts_with_accommodation(quiz: Quiz, accommodation: Accommodation | None) -> int:
    return quiz.attempts_allowed + (accommodation.extra_attempts if accommodation else 0)


def minutes_with_accommodation(quiz: Quiz, accommodation: Accommodation | None) -> int | None:
    if quiz.time_limit_minutes is None:
        return None
    return quiz.time_limit_minutes + (accommodation.extra_minutes if accommodation else 0)


def attempts_used_up(student, quiz: Quiz) -> bool:
    """Whether the student has finished every attempt the quiz allows them: what a review setting
    "after the last attempt" waits for."""
    finished = Attempt.objects.finished().filter(student=student, quiz=quiz).count()
    return finished >= attempts_with_accommodation(quiz, _accommodation(student, quiz))


def _in_progress(student, quiz: Quiz) -> Attempt | None:
    return Attempt.objects.filter(student=student, quiz=quiz, state=AttemptState.IN_PROGRESS).first()


def _refusal(student, quiz: Quiz, accommodation: Accommodation | None, now: datetime) -> str | None:
    """Why a new attempt cannot start now, or None."""
    if quiz.opens_at is not None and quiz.opens_at > now:
        return _("This quiz opens at %(time)s.") % {"time": f"{timezone.localtime(quiz.opens_at):%Y-%m-%d %H:%M}"}
    if quiz.is_closed(now):
        return _("This quiz has closed.")
    limit = attempts_with_accommodation(quiz, accommodation)
    if Attempt.objects.filter(student=student, quiz=quiz).count() >= limit:
        used_all = ngettext(
            "You have used all %(limit)d attempt at this quiz.",
            "You have used all %(limit)d attempts at this quiz.",
            limit,
        )
        return used_all % {"limit": limit}
    if not Part.objects.filter(question__quiz=quiz).exists():
        return _("This quiz has no questions yet.")
    return None


# --- Access rules -----------------------------------------------------------------------------

access_log = logging.getLogger("quiz.access")


def require_network(
    quiz: Quiz, ip: str | None, *, attempt: Attempt | None = None, student=None, now: datetime | None = None
) -> None:
    """Refuse (NetworkRefused) a request from outside the quiz's allowed networks, and log it: on the
    attempt it was for, or, before an attempt exists, in the server's log (`quiz.access`)."""
    if quiz.admits(ip):
        return
    # The server's log stays English; what the student reads and the attempt's log follow the request's language.
    where = _("from %(ip)s") % {"ip": ip} if ip else _("from an unknown address")
    if attempt is not None:
        detail = _("Refused %(where)s: outside the quiz's allowed networks") % {"where": where}
        _log(attempt, AttemptEvent.Kind.ACCESS_REFUSED, now or timezone.now(), ip_address=_valid_ip(ip), detail=detail)
    else:
        source = ip or "an unknown address"
        access_log.warning("Start of %s by %s refused from %s: outside its allowed networks", quiz.key, student, source)
    raise NetworkRefused(
        _(
            "%(quiz)s can only be taken from the network your teacher allowed (for example the exam room's), "
            "and this computer connects %(where)s. Connect from that network, or ask your teacher or invigilator."
        )
        % {"quiz": quiz.title, "where": where}
    )


ACCESS_CODE_TRIES = 10
"""Wrong access codes a student may type at one quiz before being made to wait ACCESS_CODE_WAIT."""
ACCESS_CODE_WAIT = timedelta(minutes=15)


def _require_access_code(quiz: Quiz, code: str, *, student, ip: str | None) -> None:
    """Refuse a new attempt without the quiz's code; after ACCESS_CODE_TRIES wrong ones, refuse even the right
    one for ACCESS_CODE_WAIT, so a code cannot be guessed (the count is in the cache, shared by the workers)."""
    if not quiz.access_code:
        return
    failures = f"quiz:access-code-failures:{quiz.pk}:{student.pk}"
    where = ip or "an unknown address"
    if cache.get(failures, 0) >= ACCESS_CODE_TRIES:
        access_log.warning("Start of %s by %s from %s refused: too many wrong access codes", quiz.key, student, where)
        minutes = int(ACCESS_CODE_WAIT.total_seconds() // 60)
        raise AccessCodeRefused(
            _("A wrong access code was typed %(tries)d times: wait %(minutes)d minutes, or ask your teacher.")
            % {"tries": ACCESS_CODE_TRIES, "minutes": minutes}
        )
    typed = code.strip()
    if hmac.compare_digest(typed.encode(), quiz.access_code.strip().encode()):
        cache.delete(failures)
        return
    access_log.warning("Start of %s by %s from %s refused: %s access code", quiz.key, student, where,
                       "a wrong" if typed else "no")  # fmt: skip
    if not typed:
        raise AccessCodeRefused(_("Type the access code your teacher gave you to start this quiz."))
    timeout = int(ACCESS_CODE_WAIT.total_seconds())
    if not cache.add(failures, 1, timeout=timeout):
        try:
            cache.incr(failures)
        except ValueError:  # expired between the two calls
            cache.set(failures, 1, timeout=timeout)
    raise AccessCodeRefused(_("That access code is not right. Check it with your teacher and type it again."))


# --- An attempt's life ------------------------------------------------------------------------


def start_attempt(
    *, student, quiz: Quiz, ip: str | None = None, access_code: str = "", now: datetime | None = None
) -> Attempt:
    """Resume the student's attempt in progress, or start the next one if the quiz allows it.

    Only from an allowed network (NetworkRefused); a new attempt only with the quiz's access code
    (AccessCodeRefused), which resuming the attempt already started does not ask for again."""
    now = now or timezone.now()
    if not quiz.admits(ip):
        require_network(quiz, ip, student=student, attempt=_in_progress(student, quiz), now=now)
    with transaction.atomic():
        _lock_student(student)
        current = _in_progress(student, quiz)
        if current is not None and not finalize_if_overdue(current, now):
            return current
        accommodation = _accommodation(student, quiz)
        refusal = _refusal(student, quiz, accommodation, now)
        if refusal:
            raise AttemptNotAllowed(refusal)
        _require_access_code(quiz, access_code, student=student, ip=ip)
        try:
            return _create_attempt(student, quiz, accommodation, _valid_ip(ip), now)
        except IntegrityError:
            # Only an attempt made in progress outside a start (a teacher reopening one) gets
            # here: the constraint one_attempt_in_progress refused our row, so resume that one.
            current = _in_progress(student, quiz)
            if current is None:
                raise AttemptNotAllowed(_("Another attempt was started at the same moment; reload the page.")) from None
            return current


def _lock_student(student) -> None:
    """Take the student's row lock until the transaction ends.

    Counting the attempts already made (finished and open) and creating the next one must
    happen with no other start or submit of this student in between, or two starts could
    each see room for one more. Every start takes this lock first, so a student's starts run
    one after another; other students' starts never wait for it. (SQLite has no row locks,
    but its IMMEDIATE transactions let one writer in at a time, which serializes the same way.)
    """
    get_user_model().objects.select_for_update().filter(pk=student.pk).values_list("pk").get()


@transaction.atomic
def _create_attempt(
    student, quiz: Quiz, accommodation: Accommodation | None, ip: str | None, now: datetime
) -> Attempt:
    # The parts' specs (to draw numbers their mistakes can be told apart in), not their prompts.
    spec_fields = ("key", "correct_choice", *Part.SPEC_FIELDS)
    part_ids = Prefetch("parts", queryset=Part.objects.order_by().only("id", "question_id", *spec_fields))
    every_question = list(quiz.questions.prefetch_related(part_ids))
    # Read under the student's lock (start_attempt), so two starts never draw from the same history.
    earlier = list(Attempt.objects.filter(student=student, quiz=quiz).values_list("number", "question_keys"))
    number = max((each for each, _ in earlier), default=0) + 1
    seed = random_seed() if draws_numbers(quiz, number) else None
    had = Counter(key for _, keys in earlier for key in keys)
    questions = pools.draw_questions(every_question, quiz.pools, seed=_draw_seed(quiz, student, number, seed), had=had)
    attempt = Attempt.objects.create(
        student=student,
        quiz=quiz,
        number=number,
        seed=seed,
        question_keys=[question.key for question in questions],
        params={question.key: _params_for(question, seed) for question in questions},
        **_shuffled_orders(quiz, questions),
        started_at=now,
        deadline=_deadline(quiz, accommodation, now),
    )
    Response.objects.bulk_create(
        Response(attempt=attempt, part=part) for question in questions for part in question.parts.all()
    )
    # The log's details are written in the language of the request that made them, like graded feedback.
    if attempt.deadline:
        due = f"{timezone.localtime(attempt.deadline):%Y-%m-%d %H:%M:%S}"
        detail = _("Attempt %(number)d, due %(due)s") % {"number": attempt.number, "due": due}
    else:
        detail = _("Attempt %(number)d, no deadline") % {"number": attempt.number}
    drawn = ", ".join(question.key for question in questions if question.pool)
    if drawn:
        detail += _("; drawn from the pools: %(keys)s") % {"keys": drawn}
    _log(attempt, AttemptEvent.Kind.STARTED, now, ip_address=ip, detail=detail)
    return attempt


def _draw_seed(quiz: Quiz, student, number: int, seed: int | None) -> str:
    """What decides an attempt's draw from the quiz's pools: the attempt's own seed where the quiz
    draws numbers, else the student and the attempt's number, so the same attempt always draws alike."""
    return f"{quiz.key}:{student.pk}:{number}:{seed if seed is not None else ''}"


def draws_numbers(quiz: Quiz, number: int) -> bool:
    """Whether attempt `number` draws numbers of its own, or takes the questions' own."""
    return quiz.randomize_numbers and not (quiz.first_attempt_seed_numbers and number == 1)


def _shuffled_orders(quiz: Quiz, questions: list[Question]) -> dict:
    """The question order and choice orders a new attempt shows, recorded so a reload shows the same;
    empty where the quiz does not shuffle. Drawn from the system's randomness: nothing about one
    student's attempt tells another's order."""
    chance = random.SystemRandom()
    orders: dict = {}
    if quiz.shuffle_questions:
        orders["question_order"] = chance.sample([question.key for question in questions], len(questions))
    if quiz.shuffle_choices:
        orders["choice_orders"] = {
            part_key_of(question, part): chance.sample([choice["key"] for choice in part.choices], len(part.choices))
            for question in questions
            for part in question.parts.all()
            if part.choices
        }
    return orders


def _params_for(question: Question, seed: int | None) -> dict:
    """The numbers this attempt gives the question: its own draw from the ranges, or the seed values.

    The same seed for every question keeps an attempt reproducible with
    `show_question <key> --seed <attempt.seed>`."""
    return question.draw_variant(seed)


def _deadline(quiz: Quiz, accommodation: Accommodation | None, now: datetime) -> datetime | None:
    limit = minutes_with_accommodation(quiz, accommodation)
    candidates = [now + timedelta(minutes=limit)] if limit is not None else []
    if quiz.closes_at is not None:
        candidates.append(quiz.closes_at)
    return min(candidates, default=None)


def save_response(
    *,
    attempt: Attempt,
    part_key: str,
    text: str,
    sequence: int,
    edited_at: datetime | None = None,
    ip: str | None = None,
    now: datetime | None = None,
) -> Response:
    """Store one answer exactly as typed if it is the student's newest edit of the part.

    `sequence` is one more than the sequence of the stored answer the text was typed over
    (the page's `data-sequence`, or the last save's reply), so each accepted save adds one.
    A save typed over an older answer (another window or device saved since) wins only if
    it was typed after the stored answer: `edited_at` says when, on the server's clock;
    without it, the save never replaces what it did not see. Saving the stored text again
    changes nothing (a retry). An overdue attempt is submitted first, and the save refused.
    """
    now = now or timezone.now()
    _refuse_unstorable(text, sequence)
    _require_open_from_here(attempt, ip, now)
    return _store(attempt, part_key, text, sequence, edited_at, _valid_ip(ip), now)


def _refuse_unstorable(text: str, sequence: int) -> None:
    """InvalidSave for an answer no save may store: too long, with a NUL byte, or a sequence out of range."""
    if len(text) > grader.MAX_ANSWER_LENGTH:
        raise InvalidSave(
            _("This answer is %(length)s characters long; at most %(limit)s can be saved. Shorten it.")
            % {
                "length": number_format(len(text), force_grouping=True),
                "limit": number_format(grader.MAX_ANSWER_LENGTH, force_grouping=True),
            }
        )
    if "\x00" in text:
        raise InvalidSave(
            _(
                "This answer holds a NUL character (an invisible control character, usually pasted); "
                "delete the pasted text and type it again."
            )
        )
    if not 1 <= sequence <= MAX_SEQUENCE:
        raise InvalidSave(_("The sequence number must lie between 1 and %(max)d.") % {"max": MAX_SEQUENCE})


def _response_to(attempt: Attempt, key: str) -> Response:
    """The attempt's response to the part `key` ("q2a"), for a writer holding the attempt's lock (InvalidSave
    if the attempt has no such part)."""
    # Every writer of a response holds the attempt's lock, so the response row needs no lock of its own.
    response = (
        Response.objects.select_related("part__question")
        .annotate(key=Concat("part__question__key", "part__key"))
        .filter(attempt=attempt, key=key)
        .order_by("pk")  # not the default ordering, which joins the attempt to sort
        .first()
    )
    if response is None:
        raise InvalidSave(_("This attempt has no part %(key)r.") % {"key": key})
    return response


def _require_open_from_here(attempt: Attempt, ip: str | None, now: datetime) -> None:
    """What a student's change to an attempt checks before taking its lock: an allowed network
    (NetworkRefused), and time left (an overdue attempt is submitted, and the change refused)."""
    require_network(attempt.quiz, ip, attempt=attempt, now=now)
    if finalize_if_overdue(attempt, now):
        raise AttemptClosed(_("Time is up: the attempt was submitted with the answers saved before the deadline."))


def _lock_open(attempt: Attempt, now: datetime) -> None:
    """Take the attempt's row lock, the one a submit takes, and refuse (AttemptClosed) a closed or overdue
    attempt: a change either lands before the responses are graded, or finds the attempt closed."""
    quiz = attempt.quiz
    attempt.refresh_from_db(from_queryset=Attempt.objects.select_for_update())
    attempt.quiz = quiz  # its settings, read with the attempt: the refresh forgets it, and the lock is the row's
    if not attempt.is_open or attempt.is_overdue(now):
        raise AttemptClosed(_("This attempt has been submitted; answers can no longer be changed."))


@transaction.atomic
def _store(
    attempt: Attempt, key: str, text: str, sequence: int, edited_at: datetime | None, ip: str | None, now: datetime
) -> Response:
    # The attempt's row lock orders this save against a submit, which takes the same lock:
    # either the save lands before the responses are graded, or it finds the attempt closed.
    _lock_open(attempt, now)
    response = _response_to(attempt, key)
    _require_page_open(attempt, response.part)
    stored = response.sequence
    if sequence > stored + 1:
        # Sequences only ever grow by one: a jump would freeze the part at the largest number.
        raise InvalidSave(
            _("Save %(sequence)d of %(part)s is ahead of the saved one (%(stored)d); reload the page.")
            % {"sequence": sequence, "part": response.part.label, "stored": stored}
        )
    edited = min(edited_at or now, now)
    # Answers stored before edit times were kept have only their save time.
    typed = response.edited_at or response.saved_at
    over_another = sequence <= stored
    if over_another:
        if text == response.text:
            return response
        if edited_at is None or (typed is not None and edited <= typed):
            raise StaleSave(
                _(
                    "%(part)s was changed in another window or device after this answer was typed; "
                    "that newer answer is kept."
                )
                % {"part": response.part.label},
                response,
            )
    # A save over the stored answer was typed after it, whatever the page's clock says.
    response.edited_at = max(edited, typed) if typed else edited
    response.text, response.sequence, response.saved_at = text, min(stored + 1, MAX_SEQUENCE), now
    response.save(update_fields=["text", "sequence", "saved_at", "edited_at"])
    if over_another:
        detail = _("%(length)d characters; typed after save %(stored)d, which came from another window or device") % {
            "length": len(text),
            "stored": stored,
        }
    else:
        detail = _("%(length)d characters") % {"length": len(text)}
    _log(attempt, AttemptEvent.Kind.SAVED, now, ip_address=ip, part_key=key, sequence=response.sequence, detail=detail)
    return response


def _require_page_open(attempt: Attempt, part: Part) -> None:
    """Refuse (PageLeft) a save to a part on a page the attempt has moved on from, with sequential navigation.

    Called under the attempt's row lock, so the furthest page read is the one a page turn last wrote."""
    if not attempt.quiz.locks_pages_left:
        return
    pages = attempt.question_pages(attempt.questions().values_list("key", flat=True))
    if pages.get(part.question.key, attempt.furthest_page) < attempt.furthest_page:
        raise PageLeft(
            _("%(part)s is on a page you have moved on from; answers there can no longer be changed.")
            % {"part": part.label}
        )


@transaction.atomic
def turn_page(*, attempt: Attempt, page: int, ip: str | None = None) -> int:
    """Move the attempt to page `page`; the page it is on now.

    With sequential navigation the furthest page reached is recorded under the attempt's row lock
    (the one saves take), so it only ever grows, whichever tab asks first, and a request to go back
    stays on the furthest page; each page newly reached is written to the attempt's log once, in the
    same transaction. Without it, any page may be opened and nothing is recorded or logged: such a
    page view closes nothing, and logging each would fill the log with every click of every student."""
    if not attempt.quiz.locks_pages_left:
        return page
    count = attempt.page_count()
    page = min(max(page, 1), count)
    quiz = attempt.quiz
    attempt.refresh_from_db(from_queryset=Attempt.objects.select_for_update())
    attempt.quiz = quiz
    if attempt.is_open and page > attempt.furthest_page:
        attempt.furthest_page = page
        attempt.save(update_fields=["furthest_page"])
        detail = _("Page %(number)s of %(count)s") % {"number": page, "count": count}
        _log(attempt, AttemptEvent.Kind.PAGE_REACHED, timezone.now(), ip_address=_valid_ip(ip), detail=detail)
    return attempt.furthest_page


@dataclass(frozen=True)
class CheckResult:
    """What checking an answer found: the response as stored (with its checks counted) and the verdict."""

    response: Response
    verdict: grader.Verdict
    counted: bool
    """A try: the answer was read and not checked before. An empty answer, one the grader cannot read,
    and the same answer checked again cost nothing."""

    @property
    def right(self) -> bool:
        return self.verdict.status == ResponseStatus.CORRECT


def check_response(
    *,
    attempt: Attempt,
    part_key: str,
    text: str,
    sequence: int,
    edited_at: datetime | None = None,
    ip: str | None = None,
    now: datetime | None = None,
) -> CheckResult:
    """In a quiz that allows checks: save the answer as save_response does, grade it, and count the try.

    Saving, grading and counting happen under the attempt's row lock, the lock a submit takes, so a
    check racing a submit either lands before it (its wrong try then counts in the grade) or finds
    the attempt closed (AttemptClosed). Every check is written to the attempt's log."""
    now = now or timezone.now()
    if not attempt.quiz.allow_checks:
        raise ChecksNotAllowed(_("This quiz does not let you check answers before submitting."))
    _refuse_unstorable(text, sequence)
    _require_open_from_here(attempt, ip, now)
    return _check(attempt, part_key, text, sequence, edited_at, _valid_ip(ip), now)


@transaction.atomic
def _check(
    attempt: Attempt, key: str, text: str, sequence: int, edited_at: datetime | None, ip: str | None, now: datetime
) -> CheckResult:
    # _store takes the attempt's lock inside this transaction: it is held until the check is counted.
    response = _store(attempt, key, text, sequence, edited_at, ip, now)
    part = response.part
    if not part.is_checkable:
        raise CheckRefused(_("Your teacher reads written answers; they cannot be checked before submitting."))
    question = part.question
    params = attempt.params.get(question.key, question.params)
    verdict = grading.grade_answers(question, params, [part.spec()], {part.key: response.text}, by_meaning=False)[
        part.key
    ]
    readable = verdict.status not in (ResponseStatus.UNANSWERED, ResponseStatus.INVALID)
    # The same saved answer checked again (a reload, a second click) is the same try.
    counted = readable and response.checked_sequence != response.sequence
    if counted:
        response.checks += 1
        response.wrong_checks += verdict.status != ResponseStatus.CORRECT
        response.checked_sequence = response.sequence
        response.save(update_fields=["checks", "wrong_checks", "checked_sequence"])
    if not readable:
        detail = _("Not counted: the answer could not be read")
    elif not counted:
        detail = _("Not counted: this answer was checked before")
    elif verdict.status == ResponseStatus.CORRECT:
        detail = _("Right (check %(checks)d)") % {"checks": response.checks}
    else:
        detail = _("Not right (check %(checks)d; wrong checks: %(wrong)d)") % {
            "checks": response.checks,
            "wrong": response.wrong_checks,
        }
    sequence = response.sequence
    _log(attempt, AttemptEvent.Kind.CHECKED, now, ip_address=ip, part_key=key, sequence=sequence, detail=detail)
    return CheckResult(response, verdict, counted)


def request_hint(*, attempt: Attempt, part_key: str, ip: str | None = None, now: datetime | None = None) -> Response:
    """In a quiz that allows checks: show the part's next hint, at the quiz's hint penalty, and log it.

    Under the attempt's row lock, as a save: after a submit the request is refused (AttemptClosed)."""
    now = now or timezone.now()
    if not attempt.quiz.allow_checks:
        raise ChecksNotAllowed(_("This quiz does not offer hints."))
    _require_open_from_here(attempt, ip, now)
    return _give_hint(attempt, part_key, _valid_ip(ip), now)


@transaction.atomic
def _give_hint(attempt: Attempt, key: str, ip: str | None, now: datetime) -> Response:
    _lock_open(attempt, now)
    response = _response_to(attempt, key)
    part = response.part
    if not part.is_checkable:  # hints stored before written parts refused them are never shown
        raise CheckRefused(_("Your teacher reads written answers; they have no hints."))
    shown = len(part.hints_shown(response.wrong_checks, response.hints_asked))
    if shown >= len(part.hints):
        raise CheckRefused(_("%(part)s has no more hints.") % {"part": part.label})
    response.hints_asked += 1
    response.save(update_fields=["hints_asked"])
    detail = _("Hint %(number)d of %(count)d") % {"number": shown + 1, "count": len(part.hints)}
    _log(attempt, AttemptEvent.Kind.HINT_ASKED, now, ip_address=ip, part_key=key, detail=detail)
    return response


def require_variants(quiz: Quiz) -> None:
    """Refuse (VariantsNotAllowed) new numbers for a question in a quiz that does not offer them."""
    if not quiz.offers_variants:
        raise VariantsNotAllowed(_("This quiz does not offer new numbers for a question."))


VARIANT_TRIES = 20
"""Draws tried for numbers that differ from the question's current ones before settling for the last."""


def draw_new_variant(
    *, attempt: Attempt, question_key: str, ip: str | None = None, now: datetime | None = None
) -> Question:
    """In a practice quiz that draws numbers: new numbers for one question of the attempt, with a seed of its
    own kept on the attempt, and that question's answers cleared (logged).

    The parts' checks and hints asked for stay, and so does what they cost: new numbers do not undo tries."""
    now = now or timezone.now()
    require_variants(attempt.quiz)
    _require_open_from_here(attempt, ip, now)
    return _draw_variant(attempt, question_key, _valid_ip(ip), now)


@transaction.atomic
def _draw_variant(attempt: Attempt, key: str, ip: str | None, now: datetime) -> Question:
    _lock_open(attempt, now)
    question = attempt.questions().filter(key=key).prefetch_related("parts").first()
    if question is None:
        raise InvalidSave(_("This attempt has no question %(key)r.") % {"key": key})
    current = attempt.params.get(key, question.params)
    for _try in range(VARIANT_TRIES):
        seed = random_seed()
        params = question.draw_variant(seed)
        if params != current:
            break
    attempt.params = {**attempt.params, key: params}
    attempt.variant_seeds = {**attempt.variant_seeds, key: seed}
    attempt.save(update_fields=["params", "variant_seeds"])
    cleared = 0
    for response in attempt.responses.filter(part__question=question).exclude(text=""):
        # A server-side edit: the next sequence, so every window learns the part is empty now.
        response.text, response.sequence = "", min(response.sequence + 1, MAX_SEQUENCE)
        response.saved_at = response.edited_at = now
        response.save(update_fields=["text", "sequence", "saved_at", "edited_at"])
        cleared += 1
    detail = ngettext(
        "Seed %(seed)d; %(cleared)d answer cleared", "Seed %(seed)d; %(cleared)d answers cleared", cleared
    ) % {"seed": seed, "cleared": cleared}
    _log(attempt, AttemptEvent.Kind.NEW_VARIANT, now, ip_address=ip, part_key=key, detail=detail)
    return question


@dataclass
class BulkSave:
    """What a whole-page save did: the parts saved, and those refused with the reason."""

    saved: list[str] = field(default_factory=list)
    refused: dict[str, str] = field(default_factory=dict)


def save_answers(
    *, attempt: Attempt, answers: dict[str, tuple[str, int]], ip: str | None = None, now: datetime | None = None
) -> BulkSave:
    """Save every changed answer of a page posted without JavaScript.

    `answers` maps a part key to the text and the sequence the page was rendered with.
    The form does not say when each answer was typed, so a part changed since the page was
    rendered (in another window) keeps its newer answer and is reported. A part the
    attempt does not have refuses the whole save (InvalidSave) before anything is stored.
    """
    now = now or timezone.now()
    require_network(attempt.quiz, ip, attempt=attempt, now=now)
    stored = {
        part_key(response.part): response for response in attempt.responses.select_related("part__question")
    }
    unknown = sorted(set(answers) - set(stored))
    if unknown:
        raise InvalidSave(_("This attempt has no part %(key)r.") % {"key": unknown[0]})
    result = BulkSave()
    for key, (text, known_sequence) in answers.items():
        response = stored.get(key)
        if response is None or response.text == text:
            continue
        try:
            save_response(
                attempt=attempt, part_key=key, text=text, sequence=min(known_sequence + 1, MAX_SEQUENCE), ip=ip, now=now
            )
        except (StaleSave, InvalidSave, PageLeft) as error:
            result.refused[response.part.label] = str(error)
        else:
            result.saved.append(response.part.label)
    return result


@transaction.atomic
def submit_attempt(*, attempt: Attempt, auto: bool = False, now: datetime | None = None) -> Attempt:
    """Close the attempt and grade it, once: a second call returns the closed attempt unchanged.

    The attempt passed in is read again under the lock, so the caller's object is current."""
    now = now or timezone.now()
    # The row lock makes submitting happen once: a second submit (double click, another
    # tab, the deadline) waits here, then finds the attempt closed.
    attempt.refresh_from_db(from_queryset=Attempt.objects.select_for_update())
    if not attempt.is_open:
        return attempt
    # Grading below sets the state (graded, or needs review) in this same transaction.
    attempt.submitted_at, attempt.auto_submitted = now, auto
    attempt.save(update_fields=["submitted_at", "auto_submitted"])
    if auto:
        _log(attempt, AttemptEvent.Kind.AUTO_SUBMITTED, now, detail=_("Submitted by the server when time ran out"))
    else:
        _log(attempt, AttemptEvent.Kind.SUBMITTED, now)
    return grade_attempt(attempt)


@transaction.atomic
def grade_attempt(attempt: Attempt) -> Attempt:
    """Grade every response with the attempt's own numbers and store the verdicts.

    Regrading gives the same verdicts for the same answers; teachers' confirmed scores
    and overrides live in other fields and are never touched here.
    """
    now = timezone.now()
    responses = list(attempt.responses.select_related("part__question"))
    by_question: dict[int, list[Response]] = defaultdict(list)
    for response in responses:
        by_question[response.part.question_id].append(response)
    for group in by_question.values():
        question = group[0].part.question
        # A question added after the attempt started has no stored numbers: it gets its seed values.
        params = attempt.params.get(question.key, question.params)
        verdicts = grading.grade_answers(
            question,
            params,
            [response.part.spec() for response in group],
            {response.part.key: response.text for response in group},
            # The model never runs in the student's request: written answers are read by
            # meaning afterwards (`quiz.suggestions`).
            by_meaning=False,
        )
        for response in group:
            apply_verdict(response, verdicts[response.part.key], quiz=attempt.quiz, now=now)
    # One UPDATE per response: for an attempt's twenty-odd rows, building bulk_update's CASE
    # expression (a WHEN per row and field) costs three times the CPU, at every submit.
    for response in responses:
        response.save(update_fields=GRADED_FIELDS)
    return recompute_total(attempt)


def apply_verdict(response: Response, verdict, *, quiz: Quiz, now: datetime) -> None:
    """Store a grader verdict on a response (not saved); grading and regrading both use it.

    The score is the verdict's credit less what the student's wrong checks cost
    (grading.part_deduction); the status stays the verdict's: a right answer is right."""
    review = quiz.review_free_text
    response.score = grading.credit_after_deduction(verdict.score, grading.part_deduction(quiz, response))
    response.status = verdict.status
    response.mistake = verdict.mistake or ""
    response.feedback = verdict.feedback or ""
    response.expected = verdict.expected or ""
    response.concepts_found = list(verdict.concepts_found)
    response.concepts_missed = list(verdict.concepts_missed)
    response.suggestion_concepts = [result.as_dict() for result in verdict.concepts]
    response.suggestion_confidence = verdict.confidence
    response.suggestion_flags = list(verdict.flags)
    response.meaning_pending = grader.FLAG_PHRASES_ONLY in verdict.flags
    response.graded_at = now
    if verdict.status == ResponseStatus.NEEDS_REVIEW and not review:
        # The quiz accepts the rubric's suggestion as it is: the status follows the score like any part's.
        response.status = ResponseStatus.for_credit(verdict.score)
        response.feedback = _("Scored by the concepts your answer covers.")


def recompute_total(attempt: Attempt) -> Attempt:
    """Sum the scores that count into a closed attempt's total, and set whether it awaits review."""
    total = grading.attempt_total(
        attempt.responses.select_related("part"), review_free_text=attempt.quiz.review_free_text
    )
    attempt.score, attempt.max_score = total.score, total.maximum
    attempt.state = AttemptState.NEEDS_REVIEW if total.awaiting_review else AttemptState.GRADED
    attempt.save(update_fields=["score", "max_score", "state"])
    lms_outbox.queue_scores([attempt])
    return attempt


def finalize_if_overdue(attempt: Attempt, now: datetime | None = None) -> bool:
    """Submit an attempt whose time (and grace period) has run out; True if it was overdue.

    Called before anything reads or changes an attempt, so an attempt whose student
    never came back is closed with what was saved before the deadline.
    """
    if not attempt.is_overdue(now):
        return False
    submit_attempt(attempt=attempt, auto=True, now=now)
    return True


def close_overdue_attempts(*, quiz: Quiz | None = None, student=None, now: datetime | None = None) -> int:
    """Submit every overdue attempt (of one quiz or one student, if given); returns how many."""
    now = now or timezone.now()
    overdue = Attempt.objects.filter(
        state=AttemptState.IN_PROGRESS, deadline__lt=now - timedelta(seconds=settings.ATTEMPT_GRACE_SECONDS)
    )
    if quiz is not None:
        overdue = overdue.filter(quiz=quiz)
    if student is not None:
        overdue = overdue.filter(student=student)
    return sum(finalize_if_overdue(attempt, now) for attempt in overdue)


def _log(attempt: Attempt, kind: str, now: datetime, **fields) -> None:
    AttemptEvent.objects.create(attempt=attempt, kind=kind, at=now, **fields)


def _valid_ip(ip: str | None) -> str | None:
    """The address if it is one; the log must never fail a save over a malformed header."""
    try:
        return str(ipaddress.ip_address(ip)) if ip else None
    except ValueError:
        return None
