"""Every student page in German: nothing left in English but what the quiz's author wrote.

Each page is rendered twice from the same data, for a browser asking for English and one asking
for German. A piece of text (or a label read out to screen readers) that comes out the same in
both is untranslated, unless it is the author's (quiz and question titles, labels, choices) or
has no words. The catalogs themselves are checked too: every entry translated, and the compiled
files (which Django loads) in step with the .po files they are made from.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.template.loader import render_to_string
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import translation

from quiz.errors import QuizError
from quiz.models import Attempt, Part, Question
from tests.catalogs import CATALOGS, read_mo, read_po
from tests.conftest import SEED_ANSWERS

SKIPPED_TAGS = {"script", "style", "math", "textarea", "option", "time"}
"""Not text a translation writes: code, typeset formulas, typed answers, language names, times."""
SKIPPED_CLASSES = {
    "question-prompt",
    "part-prompt",
    "given",
    "student-answer",
    "expected-answer",
    "feedback",
    "concepts",
    "answer-unit",
    "event-detail",
}
"""The author's prompts and data, the student's answers, and what was stored in the language of the request
that wrote it: graded feedback and the attempt log's details (checked below to be German when written so)."""
NEUTRAL = {"ConvQuiz", "Quiz", "Bonus"}
"""Words German writes as English does."""
LABELS = ("aria-label", "title", "placeholder", "alt")
WORDS = re.compile(r"[A-Za-zÄÖÜäöüß]{3,}")


class _Text(HTMLParser):
    """The text of a page a person reads or hears, one piece per text node or label."""

    def __init__(self):
        super().__init__()
        self.pieces: list[str] = []
        self.lang = None
        self._stack: list[bool] = []  # per open element: inside a skipped subtree?

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "html":
            self.lang = attributes.get("lang")
        skipped = bool(self._stack and self._stack[-1]) or tag in SKIPPED_TAGS
        skipped = skipped or bool(SKIPPED_CLASSES & set((attributes.get("class") or "").split()))
        if not skipped:
            self.pieces += [" ".join(attributes[name].split()) for name in LABELS if attributes.get(name)]
        if tag not in {"br", "input", "img", "meta", "link", "hr", "source"}:
            self._stack.append(skipped)

    def handle_endtag(self, tag):
        if self._stack and tag not in {"br", "input", "img", "meta", "link", "hr", "source"}:
            self._stack.pop()

    def handle_data(self, data):
        text = " ".join(data.split())
        if text and not (self._stack and self._stack[-1]):
            self.pieces.append(text)


def _read(html: str) -> _Text:
    reader = _Text()
    reader.feed(html)
    return reader


def _authored() -> set[str]:
    """Everything the quiz's author wrote, and people's names: what may rightly stay English."""
    texts = [text for user in get_user_model().objects.all() for text in (user.get_full_name(), user.get_username())]
    for question in Question.objects.select_related("quiz"):
        texts += [question.quiz.title, *question.quiz.instructions.splitlines(), question.title]
    for part in Part.objects.all():
        texts += [part.unit, *(choice["label"] for choice in part.choices)]
    return {" ".join(text.split()) for text in texts}


def _untranslated(english: str, german: str, authored: set[str]) -> list[str]:
    same = set(_read(english).pieces) & set(_read(german).pieces)
    return sorted(
        piece
        for piece in same
        # "Question title · ConvQuiz": each part may be the author's or neutral.
        if any(
            WORDS.search(part) and part not in NEUTRAL and part not in authored for part in re.split(r"\s*·\s*", piece)
        )
    )


def _client(language: str, user=None) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def attempts(alice, quiz):
    """Alice's first attempt submitted from a German browser (a known mistake, an unreadable answer and an
    unanswered part among its answers), and her second in progress with an answer it cannot read."""
    quiz.attempts_allowed = 3
    # Worked solutions show at once; correct answers stay held back until the last attempt, so both read German.
    quiz.show_solutions = "immediately"
    quiz.save(update_fields=["attempts_allowed", "show_solutions"])
    german = _client("de", alice)
    answers = SEED_ANSWERS | {"q2c": "529.6 MB", "q2a": "zwölf"}
    answers.pop("q3a")
    german.post(reverse("student:quiz_start", args=[quiz.key]))
    first = Attempt.objects.get(student=alice, number=1)
    for key, text in answers.items():
        german.post(reverse("student:attempt_save", args=[first.pk]), {"part": key, "text": text, "sequence": 1})
    german.post(reverse("student:attempt_submit", args=[first.pk]))
    german.post(reverse("student:quiz_start", args=[quiz.key]))
    second = Attempt.objects.get(student=alice, number=2)
    german.post(reverse("student:attempt_save", args=[second.pk]), {"part": "q2a", "text": "zwölf", "sequence": 1})
    first.refresh_from_db()
    return first, second


def _student_pages(quiz, first, second) -> dict[str, str]:
    return {
        "dashboard": reverse("student:dashboard"),
        "start": reverse("student:quiz_start", args=[quiz.key]),
        "attempt": reverse("student:attempt", args=[second.pk]),
        "submit": reverse("student:attempt_submit", args=[second.pk]),
        "result": reverse("student:attempt_result", args=[first.pk]),
        "history": reverse("student:attempt_history"),
        "password change": reverse("password_change"),
        "password changed": reverse("password_change_done"),
        "not found": reverse("student:attempt", args=[second.pk + 1000]),
    }


def test_every_student_page_is_german_for_a_browser_that_asks_for_german(alice, tess, quiz, attempts):
    first, second = attempts
    authored = _authored()
    rendered = {
        name: (_client("en", alice).get(url).content.decode(), _client("de", alice).get(url).content.decode())
        for name, url in _student_pages(quiz, first, second).items()
    }
    rendered["login"] = tuple(_client(language).get(reverse("login")).content.decode() for language in ("en", "de"))
    rendered["not allowed"] = tuple(
        _client(language, tess).get(reverse("student:dashboard")).content.decode() for language in ("en", "de")
    )
    for name, (english, german) in rendered.items():
        assert _read(german).lang == "de" and _read(english).lang == "en", name
        assert not _untranslated(english, german, authored), f"{name}: {_untranslated(english, german, authored)}"


def test_feedback_parser_messages_and_worked_solutions_are_german(alice, quiz, attempts):
    first, second = attempts
    german = _client("de", alice)
    result = german.get(reverse("student:attempt_result", args=[first.pk])).content.decode()
    assert '<div class="feedback feedback-correct small mb-2">Richtig.</div>' in result
    assert "Musterlösung mit Ihren Zahlen" in result and "Gesamt: 2\u202f800 + 180\u202f200" in result
    assert ">Versuch 1, fällig " in result  # the log, written when the German browser started the attempt
    assert "Correct." not in result and "Total:" not in result
    page = german.get(reverse("student:attempt", args=[second.pk])).content.decode()
    assert "ist keine Zahl: Schreiben Sie sie mit Ziffern, etwa 12,5." in page  # the parser's message
    assert "Eine ganze Zahl:" in page  # the grader's hint
    submit = german.get(reverse("student:attempt_submit", args=[second.pk])).content.decode()
    assert "ist keine Zahl" in submit and "is not a number" not in submit


def test_a_german_page_writes_points_with_a_decimal_comma(alice, quiz, attempts):
    first, _second = attempts
    english = _client("en", alice).get(reverse("student:attempt_result", args=[first.pk])).content.decode()
    german = _client("de", alice).get(reverse("student:attempt_result", args=[first.pk])).content.decode()
    # 2c is the known mistake, worth half its 1 point.
    assert re.search(r"0\.5 / 1 point\b", english)
    assert re.search(r"0,5 / 1 Punkt\b", german)


@pytest.mark.parametrize(
    ("template", "context"),
    [
        ("errors/400.html", {"message": QuizError.message}),
        ("errors/413.html", {"message": QuizError.message, "roster_limit": 2_000_000}),
        ("errors/csrf.html", {}),
        ("errors/500.html", {}),
        ("registration/locked_out.html", {"minutes": 15, "address": False}),
        ("registration/locked_out.html", {"minutes": 15, "address": True}),
        ("quiz/no_role.html", {}),
    ],
)
def test_error_pages_are_german(db, template, context):
    def render(language: str) -> str:
        request = RequestFactory().get("/")
        request.user = AnonymousUser()
        with translation.override(language):
            return render_to_string(template, context, request=request)

    english, german = render("en"), render("de")
    assert _read(german).lang == "de"
    assert not _untranslated(english, german, set())


@pytest.mark.parametrize("catalog", sorted(CATALOGS))
def test_every_catalog_entry_is_translated(catalog):
    entries = read_po(CATALOGS[catalog])
    assert entries
    assert not [entry.msgid for entry in entries if entry.fuzzy or not all(entry.translations)]


@pytest.mark.parametrize("catalog", sorted(CATALOGS))
def test_the_compiled_catalogs_are_up_to_date(catalog):
    """The .mo files are committed (CI has no gettext tools): they must say what the .po files say."""
    compiled = read_mo(CATALOGS[catalog])
    for entry in read_po(CATALOGS[catalog]):
        if entry.plural is None:
            assert compiled.gettext(entry.msgid) == entry.translations[0], entry.msgid
        else:
            assert compiled.ngettext(entry.msgid, entry.plural, 1) == entry.translations[0], entry.msgid
            assert compiled.ngettext(entry.msgid, entry.plural, 2) == entry.translations[1], entry.msgid


def test_the_scripts_catalog_is_served_by_the_app_in_the_pages_language(client):
    german = _client("de").get(reverse("javascript_catalog"))
    assert german.status_code == 200 and german["Content-Type"].startswith("text/javascript")
    assert "Alle Antworten gespeichert" in german.content.decode()
    assert "Alle Antworten gespeichert" not in client.get(reverse("javascript_catalog")).content.decode()


def test_every_string_the_scripts_mark_has_a_german_translation():
    from pathlib import Path

    marked = set()
    for path in (Path(__file__).resolve().parents[2] / "static" / "js").glob("*js"):
        marked |= set(re.findall(r'gettext\("((?:[^"\\]|\\.)*)"\)', path.read_text(encoding="utf-8")))
    translated = {entry.msgid for entry in read_po(CATALOGS["djangojs"])}
    assert len(marked) > 40
    assert not sorted(marked - translated)


def test_the_language_switcher_posts_to_set_language_and_keeps_the_choice(alice_client):
    page = alice_client.get(reverse("student:dashboard")).content.decode()
    assert f'action="{reverse("set_language")}"' in page
    assert '<label for="language-select"' in page
    reply = alice_client.post(reverse("set_language"), {"language": "de"}, HTTP_REFERER="/quizzes/")
    assert reply.status_code == 302 and reply["Location"] == "/quizzes/"
    assert "Meine Quizze" in alice_client.get(reverse("student:dashboard")).content.decode()


INSIDE, OUTSIDE = "192.0.2.17", "198.51.100.4"


def test_the_exam_rules_pools_access_code_and_network_refusal_are_german(alice, quiz):
    quiz.access_code = "owl-42"
    quiz.allowed_networks = ["192.0.2.0/24"]
    quiz.shuffle_questions = quiz.shuffle_choices = True
    quiz.save()
    quiz.questions.filter(key__in=["q2", "q3"]).update(pool="shapes")
    authored = _authored()
    url = reverse("student:quiz_start", args=[quiz.key])
    pages: dict[str, list[str]] = {}
    for language in ("en", "de"):
        client = _client(language, alice)
        for name, reply in {
            "start": client.get(url, REMOTE_ADDR=INSIDE),
            "start from outside": client.get(url, REMOTE_ADDR=OUTSIDE),
            "no code": client.post(url, {"access_code": ""}, REMOTE_ADDR=INSIDE),
            "wrong code": client.post(url, {"access_code": "owl-41"}, REMOTE_ADDR=INSIDE),
            "outside": client.post(url, {"access_code": "owl-42"}, REMOTE_ADDR=OUTSIDE),
        }.items():
            pages.setdefault(name, []).append(reply.content.decode())
    for name, (english, german) in pages.items():
        assert _read(german).lang == "de", name
        assert not _untranslated(english, german, authored), f"{name}: {_untranslated(english, german, authored)}"
    assert "Jeder Versuch zieht 1 von 2 Fragen zum Thema shapes." in pages["start"][1]
    assert "Dieser Computer ist nicht in einem zugelassenen Netzwerk." in pages["start from outside"][1]
    assert "Dieser Zugangscode ist nicht richtig." in pages["wrong code"][1]
    assert "Nicht aus einem zugelassenen Netzwerk" in pages["outside"][1]
    assert f"dieser Computer verbindet sich von {OUTSIDE}" in pages["outside"][1]


def test_the_pages_of_a_sequential_attempt_and_their_refusals_are_german(alice, quiz):
    quiz.questions_per_page, quiz.sequential = 3, True
    quiz.save()
    authored = _authored()
    start = reverse("student:quiz_start", args=[quiz.key])
    pages: dict[str, list[str]] = {}
    refusals = []
    for language in ("en", "de"):
        client = _client(language, alice)
        pages.setdefault("start", []).append(client.get(start).content.decode())
        attempt_url = client.post(start)["Location"]
        attempt = Attempt.objects.get(student=alice)
        attempt.furthest_page = 1  # each language's run starts on the first page
        attempt.save()
        pages.setdefault("first page", []).append(client.get(attempt_url).content.decode())
        client.post(reverse("student:attempt_save_all", args=[attempt.pk]), {"to_page": 2})
        back = client.get(f"{attempt_url}?page=1", follow=True)
        pages.setdefault("back to a page left", []).append(back.content.decode())
        save = {"part": "q2a", "text": "903400", "sequence": 1}
        refusals.append(client.post(reverse("student:attempt_save", args=[attempt.pk]), save).json()["message"])
    for name, (english, german) in pages.items():
        assert _read(german).lang == "de", name
        assert not _untranslated(english, german, authored), f"{name}: {_untranslated(english, german, authored)}"
    assert "3 Fragen pro Seite." in pages["start"][1]
    assert "Seite 1 von 4" in pages["first page"][1] and "Nächste Seite" in pages["first page"][1]
    assert "Frage 4 (Seite 2, von hier aus nicht zu öffnen): 0 von 1 beantwortet" in pages["first page"][1]
    assert "Frühere Seiten dieses Quiz sind geschlossen" in pages["back to a page left"][1]
    assert "Frage 1 (Seite 1, von hier aus nicht zu öffnen)" in pages["back to a page left"][1]
    assert refusals[1] == (
        "Frage 2a steht auf einer Seite, die Sie verlassen haben; Antworten dort können nicht mehr geändert werden."
    )
