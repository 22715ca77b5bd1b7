"""The exam-day load, for locust; bench/exam_day.py writes the plan it follows and runs it.

    locust -f bench/locustfile.py --headless --host http://127.0.0.1:8000 ExamStudent

The plan (a JSON file named by EXAM_PLAN) gives the students, their password, the quiz,
realistic answers for every part, the clock and where to write the results. Three kinds
of user read it:

- ExamStudent follows the exam's clock rather than a loop: logs in at its moment in the
  login window, presses Start in the start window, saves one part every 5–15 seconds,
  submits in the last seconds and opens its result, then stops;
- SaturatedSave logs in, starts an attempt, then saves with no wait for the measured
  window;
- SaturatedHealth asks /healthz with no wait for the measured window;
- HostilePhaseStudent takes the exam like ExamStudent, on a shorter clock, except the first
  `hostile` of them: they paste a 20,000-character answer (the parser's worst shapes) into
  one part after another, every 1–3 seconds, then submit.

Every request is recorded (step, time, outcome); when the run ends the results file
receives them with the last answer the server acknowledged for every part.
"""

from __future__ import annotations

import functools
import html
import itertools
import json
import os
import random
import re
import time
from collections import Counter, defaultdict
from pathlib import Path
from urllib.parse import urlencode

import gevent
from locust import FastHttpUser, constant, events, task
from locust.exception import StopUser

PLAN = json.loads(Path(os.environ["EXAM_PLAN"]).read_text(encoding="utf-8"))
FORM = {"Content-Type": "application/x-www-form-urlencoded"}
SAVE_INTERVAL = (5, 15)
"""Seconds between two saves of one student: not scaled, so a short run keeps the real rhythm."""
PAGE_TURNS = 1 / 3
"""With the quiz in pages: how often a student opens another page before a save."""
OTHER_PAGE_PARTS = re.compile(r'data-other-page-parts="([^"]*)"')
"""The attempt page's list of the parts on its other pages (HTML-escaped JSON)."""


# --- What every run records ----------------------------------------------------------------------


class Results:
    """Each request's step, duration and outcome; each part's last acknowledged answer."""

    def __init__(self):
        self.times: dict[str, list[float]] = defaultdict(list)
        self.completed_at: dict[str, list[float]] = defaultdict(list)
        self.failures: Counter = Counter()
        self.errors: Counter = Counter()
        self.acknowledged: dict[int, dict[str, tuple[int, str]]] = defaultdict(dict)
        self.attempts: dict[str, int] = {}
        self.finished = 0

    def request(self, name: str, response_time: float, start_time: float, exception) -> None:
        self.times[name].append(response_time)
        if exception is None:
            self.completed_at[name].append(start_time + response_time / 1000)
        else:
            self.failures[name] += 1
            self.errors[f"{name}: {str(exception)[:160]}"] += 1

    def write(self, path: str) -> None:
        document = {
            "times": self.times,
            "completed_at": self.completed_at,
            "failures": self.failures,
            "errors": self.errors,
            "acknowledged": {str(attempt): parts for attempt, parts in self.acknowledged.items()},
            "attempts": self.attempts,
            "finished": self.finished,
        }
        Path(path).write_text(json.dumps(document), encoding="utf-8")


RESULTS = Results()
NEXT_STUDENT = itertools.count()


@events.request.add_listener
def record(name, response_time, start_time, exception, **kwargs) -> None:
    RESULTS.request(name, response_time, start_time, exception)


@events.quitting.add_listener
def write_results(environment, **kwargs) -> None:
    RESULTS.write(PLAN["results"])


def user_done(user: FastHttpUser) -> None:
    """Count a user out; the run ends as soon as every user has done its part."""
    RESULTS.finished += 1
    if RESULTS.finished == PLAN["users"]:
        gevent.spawn_later(0.5, user.environment.runner.quit)
    raise StopUser()


def once(script):
    """Run a user's script once: an unexpected error counts as a failure and stops the user,
    rather than locust running the script again from the top."""

    @functools.wraps(script)
    def run(user) -> None:
        try:
            script(user)
        except StopUser:
            raise
        except Exception as error:
            RESULTS.request("script", 0.0, time.time(), error)
        user_done(user)

    return run


def wait_until(moment: float) -> None:
    gevent.sleep(max(0.0, moment - time.time()))


def clock(name: str) -> float:
    """A moment of the plan's clock, in seconds since the epoch."""
    return PLAN["begin"] + PLAN["clock"][name]


# --- The student's side of the save contract -----------------------------------------------------


class Answers:
    """The saves a student makes, part after part, mostly in order, as students work.

    Free text is saved while it is typed (growing prefixes); a number is sometimes typed
    wrong first and corrected; now and then the student goes back to an earlier part.
    """

    def __init__(self, rng: random.Random, parts: list[str] | None = None):
        self.rng = rng
        self.parts = list(PLAN["answers"]) if parts is None else parts
        self.position = 0
        self.acknowledged: Counter = Counter()
        """Each part's sequence in the last reply: the next save is typed over that answer."""
        self.queue: list[tuple[str, str]] = []

    def next_save(self) -> tuple[str, str, int]:
        """The part, its text and its sequence number for the next save."""
        if not self.queue:
            self.queue = self._drafts(self._next_part())
        part, text = self.queue.pop(0)
        return part, text, self.acknowledged[part] + 1

    def _next_part(self) -> str:
        if self.position and self.rng.random() < 0.1:
            return self.parts[self.rng.randrange(min(self.position, len(self.parts)))]
        part = self.parts[self.position % len(self.parts)]
        self.position += 1
        return part

    def _drafts(self, part: str) -> list[tuple[str, str]]:
        final = self.rng.choice(PLAN["answers"][part])
        if part in PLAN["free_text_parts"] and len(final) > 20:
            cut = self.rng.randint(10, len(final) - 1)
            return [(part, final[:cut]), (part, final)]
        if self.rng.random() < 0.2:
            return [(part, self.rng.choice(PLAN["answers"][part])), (part, final)]
        return [(part, final)]


class PagedAnswers(Answers):
    """With sequential navigation: the parts of the page the student is on, in order; once each has an
    answer, the page is done and the student presses Next (the last page is revised until the end)."""

    def __init__(self, rng: random.Random, on_page: list[str]):
        self.page = 1
        super().__init__(rng, on_page)

    def page_done(self) -> bool:
        return self.position >= len(self.parts) and not self.queue and self.page < PLAN["pages"]

    def next_page(self, on_page: list[str]) -> None:
        self.page += 1
        self.parts, self.position = on_page, 0


class HostileAnswers(Answers):
    """Every part in turn, each time a 20,000-character answer of the worst shapes for the parser."""

    def _next_part(self) -> str:
        part = self.parts[self.position % len(self.parts)]
        self.position += 1
        return part

    def _drafts(self, part: str) -> list[tuple[str, str]]:
        return [(part, self.rng.choice(PLAN["hostile_answers"]))]


class Student(FastHttpUser):
    """A logged-in student's requests; subclasses decide when they happen."""

    abstract = True
    wait_time = constant(0)
    network_timeout = 120.0
    connection_timeout = 120.0

    def csrf_token(self) -> str:
        return next((cookie.value for cookie in self.client.cookiejar if cookie.name == "csrftoken"), "")

    def page(self, path: str, name: str) -> bool:
        with self.client.get(path, name=name, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(_outcome(response))
                return False
        return True

    def post(self, path: str, name: str, fields: dict, expect: str) -> str | None:
        """POST a form; the redirect target if it starts with `expect`, else None (a failure)."""
        body = urlencode({**fields, "csrfmiddlewaretoken": self.csrf_token()})
        with self.client.post(
            path, name=name, data=body, headers=FORM, allow_redirects=False, catch_response=True
        ) as response:
            location = response.headers.get("Location", "") if response.status_code == 302 else ""
            if not location.startswith(expect):
                response.failure(f"{_outcome(response)}, location {location!r}")
                return None
        return location

    def log_in(self, name: str = "login") -> bool:
        if not self.page("/accounts/login/", f"{name} page"):
            return False
        fields = {"username": self.username, "password": PLAN["password"]}
        return self.post("/accounts/login/", name, fields, expect="/") is not None

    def start_attempt(self, name: str = "start") -> int | None:
        location = self.post(f"/quizzes/{PLAN['quiz']}/", name, {}, expect="/attempts/")
        if location is None:
            return None
        attempt_id = int(location.strip("/").split("/")[-1])
        RESULTS.attempts[self.username] = attempt_id
        return attempt_id

    def save(self, attempt_id: int, answers: Answers, name: str = "save") -> None:
        part, text, sequence = answers.next_save()
        # As the page does: the stored answer this text was typed over, and when it was typed (now).
        fields = {"part": part, "text": text, "sequence": sequence, "edited_at": int(time.time() * 1000)}
        headers = {**FORM, "X-CSRFToken": self.csrf_token()}
        with self.client.post(
            f"/attempts/{attempt_id}/save/", name=name, data=urlencode(fields), headers=headers, catch_response=True
        ) as response:
            reply = _json(response)
            # A save whose reply was lost may have landed: then this one is stored a sequence later.
            if response.status_code != 200 or not reply.get("ok") or reply.get("sequence", 0) < sequence:
                response.failure(f"{_outcome(response)}: {reply.get('error') or (response.text or '')[:80]!r}")
                return
        answers.acknowledged[part] = reply["sequence"]
        RESULTS.acknowledged[attempt_id][part] = (reply["sequence"], text)


def _outcome(response) -> str:
    """The status, or for no response at all (status 0) the connection error."""
    if response.status_code:
        return f"status {response.status_code}"
    return f"no response: {getattr(response, 'error', None)!r}"


def _json(response) -> dict:
    try:
        reply = response.json()
    except (ValueError, TypeError):  # not JSON, or no body at all (the connection failed)
        return {}
    return reply if isinstance(reply, dict) else {}


# --- The exam -------------------------------------------------------------------------------------


class ExamStudent(Student):
    """One student's exam, on the exam's clock."""

    def on_start(self) -> None:
        self.number = next(NEXT_STUDENT)
        self.username = PLAN["students"][self.number]
        self.rng = random.Random(f"{PLAN['seed']}-{self.number}")

    @task
    @once
    def take_the_exam(self) -> None:
        rng, window = self.rng, PLAN["clock"]
        wait_until(clock("logins") + rng.uniform(0, window["login_window"]))
        if not self.log_in():
            return
        self.page("/quizzes/", "dashboard")
        self.page(f"/quizzes/{PLAN['quiz']}/", "start page")
        wait_until(clock("start") + rng.uniform(0, window["start_window"]))
        attempt_id = self.start_attempt()
        if attempt_id is None:
            return
        self.on_page = self.page_parts(f"/attempts/{attempt_id}/", "attempt page")
        if self.on_page is None:
            return
        self.work(attempt_id, until=clock("end") - rng.uniform(0, window["submit_window"]))
        self.page(f"/attempts/{attempt_id}/submit/", "submit page")
        if self.post(f"/attempts/{attempt_id}/submit/", "submit", {}, expect=f"/attempts/{attempt_id}/result/"):
            self.page(f"/attempts/{attempt_id}/result/", "result")

    def work(self, attempt_id: int, *, until: float) -> None:
        """Save a part every 5–15 seconds until the moment this student submits."""
        answers = PagedAnswers(self.rng, self.on_page) if PLAN["sequential"] else Answers(self.rng)
        while True:
            moment = time.time() + self.rng.uniform(*SAVE_INTERVAL)
            if moment >= until:
                wait_until(until)
                return
            wait_until(moment)
            self.turn_page(attempt_id, answers)
            self.save(attempt_id, answers)

    def page_parts(self, path: str, name: str) -> list[str] | None:
        """Open an attempt page; the parts on it, as its script knows them (every part but those the page lists
        on other pages); None if it did not open."""
        with self.client.get(path, name=name, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(_outcome(response))
                return None
            found = OTHER_PAGE_PARTS.search(response.text or "")
        others = json.loads(html.unescape(found.group(1))) if found else {}
        return [part for part in PLAN["answers"] if part not in others]

    def turn_page(self, attempt_id: int, answers: Answers) -> None:
        """With the quiz in pages, a student opens another page before about one save in three; with sequential
        navigation, the student presses Next once every part of the page has an answer."""
        if isinstance(answers, PagedAnswers):
            if answers.page_done():
                fields, back = {"page": answers.page, "to_page": answers.page + 1}, f"/attempts/{attempt_id}/"
                if self.post(f"{back}save-all/", "next page", fields, expect=back):
                    on_page = self.page_parts(f"{back}?page={answers.page + 1}", "another page")
                    if on_page is not None:
                        answers.next_page(on_page)
        elif PLAN["pages"] > 1 and self.rng.random() < PAGE_TURNS:
            self.page(f"/attempts/{attempt_id}/?page={self.rng.randint(1, PLAN['pages'])}", "another page")


# --- Hostile answers beside a normal exam ------------------------------------------------------------


class HostilePhaseStudent(ExamStudent):
    """A student of the hostile phase: the first `hostile` paste huge answers, the others work as usual."""

    HOSTILE_INTERVAL = (1, 3)

    def work(self, attempt_id: int, *, until: float) -> None:
        if self.number >= PLAN["hostile"]:
            super().work(attempt_id, until=until)
            return
        # With sequential navigation a hostile student stays on the first page, pasting into its parts.
        answers = HostileAnswers(self.rng, self.on_page if PLAN["sequential"] else None)
        while True:
            moment = time.time() + self.rng.uniform(*self.HOSTILE_INTERVAL)
            if moment >= until:
                wait_until(until)
                return
            wait_until(moment)
            self.save(attempt_id, answers, name="hostile save")


# --- Saturation ---------------------------------------------------------------------------------


class SaturatedSave(Student):
    """Save with no wait during the measured window, on an attempt of its own."""

    def on_start(self) -> None:
        self.number = next(NEXT_STUDENT)
        self.username = PLAN["students"][self.number]

    @task
    @once
    def hammer(self) -> None:
        if not self.log_in("saturation login"):
            return
        attempt_id = self.start_attempt("saturation start")
        if attempt_id is None:
            return
        answers = Answers(random.Random(self.number))
        wait_until(clock("go"))
        while time.time() < clock("stop"):
            self.save(attempt_id, answers, name="saturated save")


class SaturatedHealth(FastHttpUser):
    """Ask the health check with no wait during the measured window."""

    wait_time = constant(0)

    @task
    @once
    def hammer(self) -> None:
        wait_until(clock("go"))
        while time.time() < clock("stop"):
            self.client.get("/healthz", name="saturated healthz")
