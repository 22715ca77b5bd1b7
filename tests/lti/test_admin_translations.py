"""The admin's pages around the quiz app's own in German: the index with every app's models in the sidebar, the
LMS pages (django-lti's registrations and our keys, links and scores) and the accounts, with their add, change
and password pages.

Each page is rendered for a browser asking for English and one asking for German and compared piece by piece,
as tests/quiz/test_admin_translations.py compares the authoring pages, but with the sidebar read too: it lists
every app's models. What may stay the same: what people entered (the LMS's names, addresses and ids, the keys'
ids, accounts) and words German writes as English does.
"""

from __future__ import annotations

import gettext
import json
import re
from pathlib import Path

import django
import lti_tool
import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import identify_hasher
from django.urls import reverse
from django.utils import translation
from lti_tool.models import Key, LtiContext, LtiDeployment, LtiRegistration, LtiResourceLink, LtiUser

from quiz.lti import tool
from quiz.lti.models import OutgoingScore, QuizLink
from tests.catalogs import CATALOGS, read_po
from tests.lti.test_scores import QUIZ, submit
from tests.quiz.test_admin_translations import AdminSiteText, _authors_text, _both
from tests.quiz.test_admin_translations import _read as read
from tests.quiz.test_admin_translations import _untranslated as untranslated
from tests.quiz.test_teacher_translations import TEACHERS_NEUTRAL
from tests.quiz.test_translations import WORDS, _client

LTI_NEUTRAL = TEACHERS_NEUTRAL | {"LTI", "JWK", "JWKs", "URL", "URLs", "UUID", "GUID", "kid", "Status", "Axes"}
"""Words German writes as English does, on the LMS's pages too: the standard's names and abbreviations, and
django-axes's name (its app, the login lockout's records)."""


def _read(html: str) -> AdminSiteText:
    return read(html, AdminSiteText)


def _entered() -> list[str]:
    """What may stay English besides the quiz's authoring: what the LMS and its administrator entered, the keys'
    ids, the tool's own URLs, the accounts' names; longest first."""
    texts = list(_authors_text())
    for registration in LtiRegistration.objects.all():
        fields = ("name", "issuer", "client_id", "audience", "auth_url", "token_url", "keyset_url")
        texts += [str(registration), *(getattr(registration, field) for field in fields)]
    texts += [str(deployment) for deployment in LtiDeployment.objects.all()]
    texts += [deployment.deployment_id for deployment in LtiDeployment.objects.all()]
    texts += [text for context in LtiContext.objects.all() for text in (context.title, context.label, str(context))]
    texts += [str(link) for link in LtiResourceLink.objects.all()]
    texts += [text for person in LtiUser.objects.all() for text in (person.name, person.email, person.sub)]
    texts += [text for key in Key.objects.all() for text in (str(key), *key.public_key.splitlines())]
    for link in QuizLink.objects.all():
        texts += [str(link), link.lineitem_url, json.dumps(link.scopes)]
    # The grade's progress is sent in the standard's words (Completed, PendingManual), and shown as sent.
    for score in OutgoingScore.objects.all():
        texts += [str(score.target), score.activity_progress, score.grading_progress]
    texts += list(tool.endpoints().__dict__.values())
    for user in get_user_model().objects.all():
        texts += [user.get_username(), user.get_full_name(), user.email, user.first_name, user.last_name]
        if user.has_usable_password():  # the hash's summary: its salt and hash, masked
            texts += [str(value) for value in identify_hasher(user.password).safe_summary(user.password).values()]
    return sorted({" ".join(text.split()) for text in texts if text and WORDS.search(text)}, key=len, reverse=True)


def _untranslated(english: str, german: str, entered: list[str]) -> list[str]:
    """The pieces of text, the menu's included, that come out the same in English and German."""
    return untranslated(english, german, entered, reader=AdminSiteText, neutral=LTI_NEUTRAL)


@pytest.fixture
def scored(client, platform, ada, quiz, django_capture_on_commit_callbacks):
    """Ada launched from the LMS's link and submitted an attempt: a link, a score target and a score sent."""
    from tests.lti.conftest import launch

    assert launch(client, platform, platform.plan(ada, custom=QUIZ)).status_code == 302
    student = get_user_model().objects.get(username__startswith="lti-")
    submit(student, quiz, capture=django_capture_on_commit_callbacks)
    return student


def _pages(student, admin_user) -> dict[str, str]:
    registration = LtiRegistration.objects.get()
    return {
        "index": reverse("admin:index"),
        "quiz app": reverse("admin:app_list", args=["quiz"]),
        "LMS app": reverse("admin:app_list", args=["lti"]),
        "django-lti app": reverse("admin:app_list", args=["lti_tool"]),
        "accounts app": reverse("admin:app_list", args=["auth"]),
        "login lockout app": reverse("admin:app_list", args=["axes"]),
        "registrations": reverse("admin:lti_tool_ltiregistration_changelist"),
        "registration": reverse("admin:lti_tool_ltiregistration_change", args=[registration.pk]),
        "registration add": reverse("admin:lti_tool_ltiregistration_add"),
        "keys": reverse("admin:lti_tool_key_changelist"),
        "key": reverse("admin:lti_tool_key_change", args=[Key.objects.first().pk]),
        "links": reverse("admin:lti_quizlink_changelist"),
        "link": reverse("admin:lti_quizlink_change", args=[QuizLink.objects.get().pk]),
        "scores": reverse("admin:lti_outgoingscore_changelist"),
        "score": reverse("admin:lti_outgoingscore_change", args=[OutgoingScore.objects.first().pk]),
        "accounts": reverse("admin:auth_user_changelist"),
        "account add": reverse("admin:auth_user_add"),
        "account": reverse("admin:auth_user_change", args=[student.pk]),
        "account password": reverse("admin:auth_user_password_change", args=[student.pk]),
        "account with a password": reverse("admin:auth_user_change", args=[admin_user.pk]),
        "account with a password, password": reverse("admin:auth_user_password_change", args=[admin_user.pk]),
    }


GERMAN = {
    "index": ["LTI-Registrierungen", "Ausgehende Noten", "Quiz-Verknüpfungen", "LMS-Verknüpfungen (LTI 1.3)"],
    "registration": [
        "Statische Schlüssel",
        "Die URLs von ConvQuiz für dieses LMS",
        "Anmeldung (Beginn des OIDC-Logins)",
        "LTI-Bereitstellungen",
        "Plattforminstanz",
    ],
    "keys": ["Schlüssel-ID (kid)", "Signiert jetzt", "Rotieren: einen neuen Signaturschlüssel erzeugen"],
    "scores": ["Gesendet", "Wartet auf den Versand", "Erreichte Punktzahl"],
    "accounts": ['<img src="/static/admin/img/search.svg" alt="Suchen">'],
    "account add": ["Passwortbasierte Anmeldung", "Nachdem Sie den Benutzer angelegt haben"],
    "account": ["Setzen Sie ein Passwort, um die passwortbasierte Anmeldung für diesen Benutzer zu aktivieren."],
    "account password": ["Damit wird die passwortbasierte Anmeldung für diesen Benutzer <strong>aktiviert</strong>."],
    "account with a password": ["Passwort zurücksetzen", "daher lässt sich das Passwort des Benutzers nicht anzeigen"],
    "account with a password, password": ["Passwortbasierte Anmeldung deaktivieren"],
}
"""What some pages say in German, from each of the catalogs: ours, django-lti's and the strings Django's lacks."""


def test_the_admins_other_pages_are_german_for_a_browser_that_asks_for_german(admin_user, scored):
    entered = _entered()
    untranslated = {}
    for name, url in _pages(scored, admin_user).items():
        english, german = _both(admin_user, "get", url)
        assert _read(german).lang == "de" and _read(english).lang == "en", name
        # The index pages list the apps' models themselves; every other page does in the sidebar.
        assert 'id="nav-sidebar"' in german or name == "index" or name.endswith(" app"), name
        untranslated[name] = _untranslated(english, german, entered)
        assert [text for text in GERMAN.get(name, []) if text not in german] == [], name
    assert not {name: pieces for name, pieces in untranslated.items() if pieces}


def test_the_keys_actions_say_what_they_did_in_german(admin_user, scored):
    url = reverse("admin:lti_tool_key_changelist")
    german = _client("de", admin_user)
    signing = tool.signing_key()
    reply = german.post(url, {"action": "rotate", "_selected_action": [signing.pk]}, follow=True).content.decode()
    assert "Neuer Signaturschlüssel" in reply and "bleiben veröffentlicht, bis Sie sie entfernen." in reply
    newest = tool.signing_key()
    reply = german.post(url, {"action": "remove", "_selected_action": [signing.pk, newest.pk]}, follow=True)
    page = reply.content.decode()
    assert f"Der Schlüssel {signing} wird nicht mehr veröffentlicht." in page
    assert f"Mit {newest} signiert ConvQuiz; rotieren Sie zuerst, dann entfernen Sie ihn." in page


def test_the_catalog_of_other_packages_translates_every_string_django_lti_marks():
    source = Path(lti_tool.__file__).parent
    marked = {
        text
        for path in source.rglob("*.py")
        if "migrations" not in path.parts
        for text in re.findall(r'\b_\(\s*"((?:[^"\\]|\\.)*)"', path.read_text(encoding="utf-8"))
    }
    translated = {entry.msgid for entry in read_po(CATALOGS["libraries"])}
    assert len(marked) > 50
    assert sorted(marked - translated) == []


def test_the_catalog_of_other_packages_agrees_with_djangos_german_where_django_has_one():
    """Ours wins over Django's own catalogs (LOCALE_PATHS), so a word both translate must read the same."""
    django_catalogs = Path(django.__file__).parent.glob("**/locale/de/LC_MESSAGES/django.mo")
    djangos = {}
    for path in django_catalogs:
        with path.open("rb") as file:
            djangos.update(gettext.GNUTranslations(file)._catalog)
    differing = {entry.msgid: (entry.translations[0], djangos[entry.msgid])
                 for entry in read_po(CATALOGS["libraries"])
                 if entry.plural is None and djangos.get(entry.msgid) not in (None, entry.translations[0])}  # fmt: skip
    assert differing == {}


def test_django_reads_our_catalogs_before_the_apps_own():
    with translation.override("de"):
        # django-lti's and one Django's German lacks, from locale/libraries; one in both of ours; Django's own.
        assert translation.gettext("LTI registrations") == "LTI-Registrierungen"
        assert translation.gettext("Password-based authentication") == "Passwortbasierte Anmeldung"
        assert translation.gettext("Static keys") == "Statische Schlüssel"
        assert translation.gettext("Change password") == "Passwort ändern"
