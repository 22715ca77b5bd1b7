"""No input gives a 500: every form field and query parameter of every page, fuzzed.

The pages come from the URL resolver, as in the permission matrix (tests/quiz/test_permissions.py),
plus the Django admin's add and change page of every registered model: a new page is
fuzzed as soon as it exists. Each page is opened by every role that may open it; the forms
it shows (wherever they post) and the query parameters of its links are collected, and each
field is then sent, one at a time, with values past every column's limit, a NUL, a lone
surrogate, deep nesting and absurd numbers, the other fields keeping the page's own values.
Every request runs in a savepoint rolled back afterwards.

On PostgreSQL this also catches what SQLite lets through (a NUL in a query, a string past
its column's length).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

import pytest
from axes.models import AccessAttempt, AccessFailureLog
from django.contrib import admin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone
from lti_tool.models import LtiContext, LtiResourceLink

from quiz.lti.models import OutgoingScore, QuizLink, ScoreTarget
from quiz.lti.platforms import register_platform
from quiz.models import Accommodation, StandingAccommodation
from tests.quiz import test_permissions as permissions
from tests.quiz.test_permissions import MATRIX, ROLES, url_kwargs, url_names, url_pattern

world = permissions.world
"""The permission matrix's users and objects, made once for this module."""

SURROGATE = b"\xed\xa0\x80"
"""A lone surrogate (U+D800) as a client would have to encode it: bytes that are not UTF-8."""
NASTY: dict[str, str | bytes] = {
    "NUL": "a\x00b",
    "lone surrogate": b"a" + SURROGATE + b"b",
    "JSON lone surrogate": '{"a": "\\ud800"}',
    "JSON NUL": '["\\u0000"]',
    "256 characters": "x" * 256,
    "2,001 characters": "x" * 2_001,
    "20,001 characters": "é" * 20_001,
    "nested 5,000 deep": "[" * 5_000 + "]" * 5_000,
    "nested 100,000 deep": "[" * 100_000,
    "huge number": "9" * 5_000,
    "NaN": "NaN",
    "overflowing float": "-1e999",
}
"""What a hostile (or broken) client sends in any one field: past every column's length (150,
255, 1,000, 2,000 and 20,000 characters), NUL, a lone surrogate (as bytes, and escaped in
JSON), nesting, numbers no column holds."""
QUERY_LIMIT = 4_000
"""gunicorn refuses a request line over 4,094 bytes: longer query strings (a GET form's too) never reach the app."""
COMMON_PARAMETERS = ["next", "page", "student", "after", "sort", "q", "group", "seed", "random", "part", "state"]
"""Query parameters tried on every page, whether or not one of its links uses them."""
INLINE_REPEAT = re.compile(r"\w+-[1-9]\d*-")
ADMIN_PAGE = re.compile(r"admin:(?P<app>[a-z]+)_(?P<model>[a-z]+)_(?P<kind>add|change|password_change)")


@dataclass
class Form:
    method: str
    action: str
    multipart: bool
    fields: list[tuple[str, str]] = field(default_factory=list)
    files: list[str] = field(default_factory=list)


class PageReader(HTMLParser):
    """The forms of a page (with their fields' current values) and the query parameters of its links."""

    def __init__(self, url: str):
        super().__init__(convert_charrefs=True)
        self.url, self.forms, self.links = url, [], []
        self._form: Form | None = None
        self._textarea: str | None = None
        self._select: str | None = None
        self._selected: str | None = None

    def handle_starttag(self, tag: str, attrs) -> None:
        attributes = {name: value or "" for name, value in attrs}
        name = attributes.get("name")
        if tag == "form":
            action = urljoin(self.url, attributes.get("action") or self.url)
            multipart = attributes.get("enctype") == "multipart/form-data"
            self._form = Form(attributes.get("method", "get").upper(), action, multipart)
            self.forms.append(self._form)
        elif tag == "a" and "?" in attributes.get("href", ""):
            self.links.append(urljoin(self.url, attributes["href"]))
        elif self._form is None or not name:
            return
        elif tag == "input":
            kind = attributes.get("type", "text")
            if kind == "file":
                self._form.files.append(name)
            elif kind not in ("checkbox", "radio", "submit", "button") or "checked" in attributes:
                self._form.fields.append((name, attributes.get("value") or self._filled(attributes)))
        elif tag == "textarea":
            self._textarea = name
            self._form.fields.append((name, self._filled(attributes)))
        elif tag == "select":
            self._select, self._selected = name, None
        elif tag == "option" and self._select and (self._selected is None or "selected" in attributes):
            self._selected = attributes.get("value", "")

    @staticmethod
    def _filled(attributes: dict) -> str:
        """A required field left empty on the page gets a plain value, so the form gets past it."""
        return "1" if "required" in attributes else ""

    def handle_data(self, data: str) -> None:
        if self._textarea and self._form is not None and data.strip():
            name, _ = self._form.fields[-1]
            self._form.fields[-1] = (name, data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "select" and self._select and self._form is not None:
            self._form.fields.append((self._select, self._selected or ""))
            self._select = None


# --- Which pages, as whom --------------------------------------------------------------------------------


def admin_pages() -> list[str]:
    """The admin's add and change page of every registered model (and a user's password page)."""
    names = [name for name, _, _ in url_names() if name and ADMIN_PAGE.fullmatch(name)]
    return sorted(names)


def admin_model(name: str):
    match = ADMIN_PAGE.fullmatch(name)
    for model in admin.site._registry:
        if (model._meta.app_label, model._meta.model_name) == (match["app"], match["model"]):
            return model
    raise LookupError(name)


def page_url(name: str, world) -> str:
    """The page's URL with real arguments: Alice's objects, or the first object of an admin page's model."""
    if name in MATRIX:
        return reverse(name, kwargs=url_kwargs(name, url_pattern(name), world))
    if name.endswith("_add"):
        return reverse(name)
    return reverse(name, args=[admin_model(name)._default_manager.order_by("pk").first().pk])


def readers(name: str) -> list[str]:
    """The roles that open this page and get it (a GET answered 200)."""
    if name not in MATRIX:
        return ["admin"]
    row = MATRIX[name]
    return [role for role in ROLES if row.method == "GET" and getattr(row, role) == 200]


def client_for(world, role: str) -> Client:
    client = Client(raise_request_exception=True)
    if role != "anonymous":
        client.force_login(world.users[role])
    return client


def send(client: Client, method: str, url: str, pairs: list[tuple[str, str | bytes]], multipart: bool,
         files: dict | None = None):
    """One request in a savepoint rolled back afterwards; the exception it raised, if any."""
    with transaction.atomic():
        try:
            if method == "GET":
                query = urlencode(pairs)
                response = client.get(f"{urlsplit(url).path}?{query}" if query else urlsplit(url).path)
            elif multipart:
                data: dict = {}
                for name, value in pairs:
                    data.setdefault(name, []).append(value.decode("latin-1") if isinstance(value, bytes) else value)
                response = client.post(url, {**data, **(files or {})})
            else:
                response = client.post(url, urlencode(pairs), content_type="application/x-www-form-urlencoded")
        except Exception as error:  # reported with the request that raised it
            transaction.set_rollback(True)
            return f"{type(error).__name__}: {str(error)[:200]}"
        transaction.set_rollback(True)
    return response.status_code if response.status_code >= 500 else None


@dataclass
class Catalog:
    forms: dict[str, list[tuple[str, Form]]]
    """The forms found on every page, by the URL name they post (or get) to, with the role that saw them."""
    parameters: dict[str, set[str]]
    """Query parameter names seen in links, by the URL name they point to."""


@pytest.fixture(scope="module")
def catalog(world, django_db_blocker) -> Catalog:
    forms: dict[str, list[tuple[str, Form]]] = {}
    parameters: dict[str, set[str]] = {}
    with django_db_blocker.unblock():
        _one_of_each(world)
        for name in dict.fromkeys([*MATRIX, *admin_pages()]):
            url = page_url(name, world)
            for role in readers(name):
                client = client_for(world, role)
                with transaction.atomic():
                    response = client.get(url)
                    transaction.set_rollback(True)
                if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
                    continue
                reader = PageReader(url)
                reader.feed(response.content.decode())
                for form in reader.forms:
                    target = _url_name(form.action)
                    if target:
                        _keep(forms, role, target, form)
                for link in reader.links:
                    target = _url_name(link)
                    if target:
                        parameters.setdefault(target, set()).update(key for key, _ in parse_qsl(urlsplit(link).query))
    return Catalog(forms, parameters)


def _one_of_each(world) -> None:
    """An object for each admin change page the world has none for (kept until the world is rolled back)."""
    Accommodation.objects.create(
        student=world.bob, quiz=world.quiz, extra_minutes=10, reason="Letter", created_by=world.tess
    )
    StandingAccommodation.objects.create(student=world.bob, time_multiplier=2, reason="Letter", updated_by=world.tess)
    failure = {"username": "bob", "ip_address": "192.0.2.9", "user_agent": "fuzz", "http_accept": "*/*",
               "path_info": "/accounts/login/", "attempt_time": timezone.now()}
    AccessAttempt.objects.create(**failure, get_data="", post_data="", failures_since_start=1)
    AccessFailureLog.objects.create(**failure, locked_out=False)
    _an_lms_with_a_grade_sent(world)


def _an_lms_with_a_grade_sent(world) -> None:
    """A registered LMS (with the tool's key), a course linking the quiz, and Alice's grade for it."""
    lms = "https://lms.example.edu"
    registration = register_platform(
        issuer=lms, client_id="fuzz", deployment_id="1", auth_login_url=f"{lms}/auth",
        access_token_url=f"{lms}/token", keyset_url=f"{lms}/keys",
    )
    context = LtiContext.objects.create(deployment=registration.deployments.get(), id_on_platform="course-1")
    link = LtiResourceLink.objects.create(context=context, id_on_platform="link-1", title="CNN quiz")
    quiz_link = QuizLink.objects.create(resource_link=link, quiz=world.quiz, lineitem_url=f"{lms}/lineitems/1")
    target = ScoreTarget.objects.create(link=quiz_link, student=world.alice, lti_user_id="u-alice")
    OutgoingScore.objects.create(
        target=target, attempt=world.submitted, score_given=1, score_maximum=21, activity_progress="Completed",
        grading_progress="FullyGraded", timestamp=timezone.now(),
    )


def _keep(forms: dict[str, list[tuple[str, Form]]], role: str, target: str, form: Form) -> None:
    """Keep one form of a kind, the one with the most fields: a review form stands for every
    response's, an admin change page (with its inlines) for the add page of the same model."""
    family = re.sub(r"_(add|change)$", "", target)
    names = {re.sub(r"\d+", "#", name) for name, _ in form.fields} | set(form.files)
    for kept_target, kept in list(forms.items()):
        for index, (kept_role, kept_form) in enumerate(kept):
            if kept_role != role or re.sub(r"_(add|change)$", "", kept_target) != family:
                continue
            kept_names = {re.sub(r"\d+", "#", name) for name, _ in kept_form.fields} | set(kept_form.files)
            if names <= kept_names:
                return
            if kept_names < names:
                del kept[index]
                break
    forms.setdefault(target, []).append((role, form))


def _url_name(url: str) -> str | None:
    try:
        return resolve(urlsplit(url).path).view_name
    except Resolver404:
        return None


# --- The fuzzing ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("label", list(NASTY))
@pytest.mark.parametrize("name", list(dict.fromkeys([*MATRIX, *admin_pages()])))
def test_no_field_or_parameter_of_any_page_gives_a_server_error(db, world, catalog, name, label):
    url, value = page_url(name, world), NASTY[label]
    failures = []
    # Views read their query parameters one by one: all of them at once carry the value.
    parameters = sorted(catalog.parameters.get(name, set()) | set(COMMON_PARAMETERS))
    pairs = [(parameter, value) for parameter in parameters]
    for role in readers(name)[:1]:
        if len(urlencode(pairs)) <= QUERY_LIMIT and (error := send(client_for(world, role), "GET", url, pairs, False)):
            failures.append(f"{role} GET {url} {parameters}=<{label}>: {error}")
    # A form is checked one field at a time, so no other field's error hides it.
    for role, form in catalog.forms.get(name, []):
        client = client_for(world, role)
        for fuzzed in _fields(form):
            pairs = [(field_name, old) for field_name, old in form.fields if field_name != fuzzed]
            files = {}
            if fuzzed in form.files:
                content = value if isinstance(value, bytes) else value.encode()
                files[fuzzed] = SimpleUploadedFile("fuzz.csv", content, content_type="text/csv")
            else:
                pairs.append((fuzzed, value))
            if form.method == "GET" and len(urlencode(pairs)) > QUERY_LIMIT:
                continue
            if error := send(client, form.method, form.action, pairs, form.multipart, files):
                failures.append(f"{role} {form.method} {form.action} {fuzzed}=<{label}>: {error}")
    assert failures == [], "\n".join(failures)


def _fields(form: Form) -> list[str]:
    """The form's field names, one of each family: an admin inline's first form stands for the
    others, and the attempt page's first answer (and sequence) field for those of every part."""
    names = list(dict.fromkeys(name for name, _ in form.fields)) + form.files
    families = {}
    for name in names:
        if not INLINE_REPEAT.match(name):
            families.setdefault(re.sub(r"-q\d+[a-z]$", "-", name), name)
    return list(families.values())


def test_the_fuzzing_reaches_the_forms_that_matter(db, world, catalog):
    """The crawl finds the forms people use: a sanity check on the page reader, so the test above can fail."""
    found = {name: sorted({field_name for _, form in forms for field_name, _ in form.fields} | {
        file for _, form in forms for file in form.files
    }) for name, forms in catalog.forms.items()}
    assert {"username", "password"} <= set(found["login"])
    assert "student" in found["teacher:gradebook"]
    assert "file" in found["teacher:roster_preview"]
    assert {"username", "extra_minutes", "reason"} <= set(found["teacher:grant_accommodation"])
    question = {"params-0-value", "params-0-range", "formulas-0-expression", "given", "parts-0-mistakes-0-credit"}
    assert question <= set(found["admin:quiz_question_change"])
    assert "sort" in catalog.parameters["teacher:gradebook"]
    assert len(admin_pages()) >= 10 and {"admin:quiz_part_change", "admin:auth_user_add"} <= set(admin_pages())
