"""Every teacher page in German: nothing left in English but what the quiz's author wrote and people's names.

The pages are rendered as tests/quiz/test_translations.py renders the student's: twice from the same data, for a
browser asking for English and one asking for German, and compared piece by piece. The messages a decision
leaves on the next page are read the same way. The CSV downloads keep English headers (other tools read them).
"""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from quiz import services
from quiz.models import Accommodation, Part, Response
from tests.quiz.test_translations import NEUTRAL, WORDS, _authored, _client, _Text

TEACHERS_NEUTRAL = NEUTRAL | {"LMS", "Name", "Matrix"}
"""Words German writes as English does, on a teacher's pages too."""
ANSWERS = {"answer-text", "typed-answer"}
"""Where a teacher's page shows a student's answer (split up by the rubric's highlights)."""
LITERAL = {"code"}
"""What a teacher types as it is: a command, a parameter, an access code."""
VOID = {"br", "input", "img", "meta", "link", "hr", "source"}


class _TeachersText(_Text):
    """The text of a teacher's page, a student's answers left out as a student's page leaves them out, and what
    is typed as it is."""

    def handle_starttag(self, tag, attrs):
        super().handle_starttag(tag, attrs)
        if tag in LITERAL or tag not in VOID and ANSWERS & set((dict(attrs).get("class") or "").split()):
            self._stack[-1] = True


def _read(html: str) -> _TeachersText:
    reader = _TeachersText()
    reader.feed(html)
    return reader

ROSTER = b"username,name,email\nada,Ada Lovelace,ada@example.org\ngrace,Grace Hopper,grace@example.org\n"
BAD_ROSTER = b"username,name,email\nada,Ada Lovelace,ada@example.org\nbad name,Bad,bad\ntess,Tess,\nada,Ada,\n"


@pytest.fixture
def graded(quiz, alice, bob, submitted_attempt):
    """Alice's attempt with a written answer waiting for review, a known mistake and an unanswered part; Bob's
    with another written answer and an unreadable one; and Bob's second attempt still open."""
    quiz.attempts_allowed = 3
    quiz.save(update_fields=["attempts_allowed"])
    first = submitted_attempt(alice, {"q2a": "903400", "q2c": "529.6 MB", "q6b": "Skip connections help deep nets."})
    second = submitted_attempt(bob, {"q2a": "zwölf", "q6b": "Batch normalization.", "q4a": "[[5, 6], [10, 9]]"})
    services.start_attempt(student=bob, quiz=quiz)
    return first, second


def _pages(quiz, alice, first) -> dict[str, str]:
    part = Part.objects.get(question__key="q6", key="b")
    pending = Response.objects.get(attempt=first, part=part)
    return {
        "home": reverse("teacher:home"),
        "gradebook": reverse("teacher:gradebook", args=[quiz.pk]),
        "gradebook filtered badly": reverse("teacher:gradebook", args=[quiz.pk]) + "?min_percent=x&state=nope",
        "gradebook empty": reverse("teacher:gradebook", args=[quiz.pk]) + "?student=nobody",
        "grades by student": reverse("teacher:gradebook_students", args=[quiz.pk]),
        "review queue": reverse("teacher:review_queue", args=[quiz.pk]),
        "review": reverse("teacher:review", args=[pending.pk]),
        "review next": reverse("teacher:review_next", args=[part.pk]),
        "review in groups": reverse("teacher:review_groups", args=[part.pk]),
        "attempt": reverse("teacher:attempt", args=[first.pk]),
        "access": reverse("teacher:quiz_access", args=[quiz.pk]) + "?student=alice",
        "roster": reverse("teacher:roster"),
        "standing accommodation": reverse("teacher:standing_accommodation", args=[alice.pk]),
        "student password": reverse("teacher:student_password", args=[alice.pk]),
        "statistics": reverse("teacher:statistics", args=[quiz.pk]),
        "regrade": reverse("teacher:regrade", args=[quiz.pk]),
        "regrade part": reverse("teacher:regrade_part", args=[part.pk]),
        "LMS links": reverse("lti_quiz_links", args=[quiz.pk]),
        "password change": reverse("password_change"),
        "password changed": reverse("password_change_done"),
    }


def _posts(quiz, alice, first) -> dict[str, tuple[str, dict]]:
    """Forms a teacher sends that come back with errors, or whose message the next page shows."""
    part = Part.objects.get(question__key="q6", key="b")
    pending = Response.objects.get(attempt=first, part=part)
    mistaken = Response.objects.get(attempt=first, part__question__key="q2", part__key="c")
    return {
        "override refused": (reverse("teacher:override", args=[mistaken.pk]),
                             {f"override-{mistaken.pk}-points": "9", f"override-{mistaken.pk}-reason": ""}),
        "override": (reverse("teacher:override", args=[mistaken.pk]),
                     {f"override-{mistaken.pk}-points": "1", f"override-{mistaken.pk}-reason": "Units were fine."}),
        "review refused": (reverse("teacher:save_review", args=[pending.pk]), {f"review-{pending.pk}-points": "-1"}),
        "review saved": (reverse("teacher:save_review", args=[pending.pk]), {f"review-{pending.pk}-points": "1"}),
        "group scored": (reverse("teacher:review_group", args=[part.pk]),
                         {"responses": [pending.pk], "items": [part.rubric[0]["key"]], "comment": ""}),
        "group refused": (reverse("teacher:review_group", args=[part.pk]), {"responses": [], "items": ["nope"]}),
        "reopen refused": (reverse("teacher:reopen", args=[first.pk]), {"minutes": "", "reason": ""}),
        "accommodation refused": (reverse("teacher:grant_accommodation", args=[quiz.pk]), {"username": "nobody"}),
        "accommodation": (reverse("teacher:grant_accommodation", args=[quiz.pk]),
                          {"username": "alice", "extra_minutes": "10", "extra_attempts": "1", "reason": "Note."}),
        "audience": (reverse("teacher:save_audience", args=[quiz.pk]), {}),
        "standing accommodation refused": (reverse("teacher:standing_accommodation", args=[alice.pk]),
                                           {"time_multiplier": "9", "extra_attempts": "-1"}),
        "password refused": (reverse("teacher:set_password", args=[alice.pk]),
                             {"new_password1": "short", "new_password2": "other"}),
        "password set": (reverse("teacher:set_password", args=[alice.pk]),
                         {"new_password1": "a-Long-pass-2026", "new_password2": "a-Long-pass-2026"}),
        "unlock": (reverse("teacher:unlock_student", args=[alice.pk]), {}),
        "import refused": (reverse("teacher:roster_import"), {}),
    }


def _teachers_authored() -> list[str]:
    """What may stay English on a teacher's page besides what a student's may keep: the rubric's and known
    mistakes' texts, the students' answers and the feedback stored with them, reasons typed, emails, group names;
    longest first, so that a piece is read with the longest of them taken out first."""
    texts = list(_authored())
    for part in Part.objects.select_related("question"):
        texts += [*part.prompt.splitlines(), *part.question.prompt.splitlines()]
        texts += [concept.get("label", "") for concept in part.rubric]
        for mistake in part.mistakes:  # the statistics show a mistake's feedback as its explanation, unpunctuated
            texts += [mistake.get("label", ""), mistake.get("feedback", ""), mistake.get("feedback", "").rstrip(".")]
    for response in Response.objects.all():
        texts += [*response.text.splitlines(), response.feedback, response.override_reason, response.review_comment]
    texts += [accommodation.reason for accommodation in Accommodation.objects.all()]
    texts += [user.email for user in get_user_model().objects.all()] + [group.name for group in Group.objects.all()]
    return sorted({" ".join(text.split()) for text in texts if text and text.strip()}, key=len, reverse=True)


def without_authored(piece: str, authored: list[str]) -> str:
    """`piece` with each authored text taken out where it stands as words of its own: a parameter named `min` is
    taken out of `min(h, k)`, not out of "Extra minutes", which would hide an untranslated word."""
    for text in filter(None, authored):
        before = r"(?<![A-Za-zÄÖÜäöüß])" if text[0].isalpha() else ""
        after = r"(?![A-Za-zÄÖÜäöüß])" if text[-1].isalpha() else ""
        piece = re.sub(before + re.escape(text) + after, " ", piece)
    return piece


def _untranslated(english: str, german: str, authored: list[str]) -> list[str]:
    """The pieces of text a teacher reads that come out the same in English and German, after taking out what
    the author, the students and the teachers wrote (a name in “Overridden by Tess,”, an answer in a list)."""
    same = set(_read(english).pieces) & set(_read(german).pieces)
    left = []
    for piece in same:
        piece = without_authored(piece, authored)
        if any(word not in TEACHERS_NEUTRAL for word in WORDS.findall(piece)):
            left.append(piece)
    return sorted(left)


GERMAN = {
    "override refused": "Dieser Wert muss kleiner oder gleich 1.00 sein.",
    "override": "Frage 2c: Punktzahl überschrieben.",
    "review refused": "Dieser Wert muss größer oder gleich 0 sein.",
    "review saved": "Frage 6b: 1 Punkt gespeichert.",
    "group scored": "Frage 6b: 1 Punkt für 1 Antwort gespeichert.",
    "group refused": "Die Gruppe wurde nicht bewertet:",
    "reopen refused": "Dieses Feld ist zwingend erforderlich.",
    "accommodation refused": "Keine/r Studierende hat den Benutzernamen „nobody“.",
    "accommodation": "Nachteilsausgleich für Alice gespeichert.",
    "audience": "CNN fundamentals ist offen für alle Studierenden.",
    "standing accommodation refused": "Dieser Wert muss kleiner oder gleich 4 sein.",
    "password refused": "Die beiden Passwörter sind nicht identisch.",
    "password set": "Neues Passwort für Alice gesetzt.",
    "unlock": "Alice kann sich wieder anmelden.",
    "import refused": "Das Importformular war unvollständig; laden Sie die Datei erneut hoch.",
}
"""What each form sent says back to a German teacher: the decision's message, or a refusal."""


def _assert_german(name: str, english: str, german: str, authored: list[str]) -> None:
    assert _read(german).lang == "de" and _read(english).lang == "en", name
    assert not _untranslated(english, german, authored), f"{name}: {_untranslated(english, german, authored)}"


def test_every_teacher_page_is_german_for_a_browser_that_asks_for_german(tess, alice, quiz, graded):
    first, _second = graded
    authored = _teachers_authored()
    untranslated = {}
    for name, url in _pages(quiz, alice, first).items():
        english, german = (_client(language, tess).get(url, follow=True) for language in ("en", "de"))
        assert english.status_code == german.status_code == 200, name
        assert _read(german.content.decode()).lang == "de", name
        untranslated[name] = _untranslated(english.content.decode(), german.content.decode(), authored)
    assert not {name: pieces for name, pieces in untranslated.items() if pieces}


def test_the_attempt_page_of_a_sequential_quiz_says_the_page_reached_and_logs_page_turns_in_german(tess, alice, quiz):
    quiz.questions_per_page, quiz.sequential = 3, True
    quiz.save()
    attempt = services.start_attempt(student=alice, quiz=quiz)
    services.turn_page(attempt=attempt, page=2)
    url = reverse("teacher:attempt", args=[attempt.pk])
    english, german = (_client(language, tess).get(url).content.decode() for language in ("en", "de"))
    _assert_german("sequential attempt", english, german, _teachers_authored())
    assert '<dt class="col-sm-3">Seite erreicht</dt><dd class="col-sm-9" id="page-reached">2 von 4</dd>' in german
    assert "<td>Seite erreicht</td>" in german


@pytest.mark.parametrize("name", [
    "override refused", "override", "review refused", "review saved", "group scored", "group refused", "reopen refused",
    "accommodation refused",
    "accommodation", "audience", "standing accommodation refused", "password refused", "password set", "unlock",
    "import refused",
])
def test_what_a_teacher_reads_after_sending_a_form_is_german(django_db_blocker, tess, alice, quiz, graded, name):
    from django.db import transaction

    first, _second = graded
    url, data = _posts(quiz, alice, first)[name]
    typed = [value for value in data.values() if isinstance(value, str) and value]
    authored = sorted([*_teachers_authored(), *typed], key=len, reverse=True)
    replies = []
    for language in ("en", "de"):
        # Each language sends the form to the same data: the first send is rolled back.
        try:
            with transaction.atomic():
                replies.append(_client(language, tess).post(url, data, follow=True).content.decode())
                raise _RollBack
        except _RollBack:
            pass
    _assert_german(name, *replies, authored)
    assert GERMAN[name] in replies[1]


class _RollBack(Exception):
    pass


@pytest.mark.parametrize("content", [ROSTER, BAD_ROSTER, b"\x00", b"username,name,email\n"])
def test_the_roster_import_preview_and_its_refusals_are_german(tess, content):
    replies = [
        _client(language, tess).post(
            reverse("teacher:roster_preview"),
            {"file": SimpleUploadedFile("class.csv", content, content_type="text/csv"), "group_name": "CS101"},
        ).content.decode()
        for language in ("en", "de")
    ]
    lines = content.decode(errors="replace").splitlines()
    rows = [" ".join(text.split()) for line in lines for text in (line, line.replace(",", ", "), *line.split(","))]
    _assert_german("roster preview", *replies, sorted([*_teachers_authored(), *rows, "CS101"], key=len, reverse=True))


def test_a_roster_import_says_what_it_did_in_german(tess):
    replies = []
    for language in ("en", "de"):
        from django.db import transaction

        try:
            with transaction.atomic():
                replies.append(_client(language, tess).post(
                    reverse("teacher:roster_import"), {"text": ROSTER.decode(), "group_name": "CS101"}, follow=True
                ).content.decode())
                raise _RollBack
        except _RollBack:
            pass
    assert "Teilnehmerliste importiert: 2 neue Studierende hinzugefügt" in replies[1]
    rows = [text for line in ROSTER.decode().splitlines() for text in line.split(",")]
    _assert_german("roster imported", *replies, sorted([*_teachers_authored(), *rows], key=len, reverse=True))


def test_the_admins_quiz_form_shows_the_models_help_texts_and_choices_in_german(admin_user, quiz):
    url = reverse("admin:quiz_quiz_change", args=[quiz.pk])
    english, german = (_client(language, admin_user).get(url).content.decode() for language in ("en", "de"))
    assert "Empty: open now." in english and "Immediately after submitting" in english
    assert "Leer: ab sofort offen." in german and "Sofort nach der Abgabe" in german
    assert "Empty: open now." not in german and "Highest attempt" not in german
