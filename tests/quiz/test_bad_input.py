"""Bad input: arbitrary text in every answer field, endpoint and command gives a clear message, never a 500.

Whatever a student sends is stored exactly as sent, or, above 20,000 characters or with
a NUL character, refused with a message; the attempt can still be submitted and graded
and its pages shown. Malformed requests (missing fields, wrong types, unknown parts, a
part of another quiz) get 400 and a message.
"""

from __future__ import annotations

import io
import json
from urllib.parse import urlencode

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import grader
from quiz import services
from quiz.management.commands.grade_answer import option_named_by
from quiz.models import AttemptEvent, Part, Question, Quiz, Response

LIMIT = grader.MAX_ANSWER_LENGTH
FUZZ = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)

# --- What students (and broken clients) type -----------------------------------------------------------

nested = st.integers(1, 5_000).flatmap(
    lambda depth: st.sampled_from(["[" * depth + "]" * depth, "(" * depth + "1" + ")" * depth, "[1, " * depth])
)
giant_numbers = st.one_of(
    st.integers(1, LIMIT).map(lambda digits: "9" * digits),
    st.integers(min_value=-(10**400), max_value=10**400).map(str),
    st.sampled_from(["1e999999", "-1e-999999", "1e308 * 10", "10**10**10", "2^99999", "1/0", "0/0", "nan", "-inf",
                     "9" * 4_301 + " MB", "1" + "0" * 5_000 + " bytes", "0x" + "f" * 1_000]),
)
around_the_limit = st.tuples(
    st.integers(LIMIT - 3, LIMIT + 3), st.sampled_from(["x", "9", "é", "€", "𝔘", "\x01", "\n"])
)
answers = st.one_of(
    st.text(max_size=300),
    st.text(st.characters(codec="utf-8", categories=["Cc", "Cf", "Zs", "Zl", "Zp", "Mn", "So"]), max_size=100),
    st.binary(max_size=300).map(lambda raw: raw.decode("latin-1")),
    nested,
    giant_numbers,
    around_the_limit.map(lambda size_char: size_char[1] * size_char[0]),
)
"""Any text: control characters, binary bytes read as Latin-1, deep nesting, giant numbers, the length limit."""

PARTS = ["q2a", "q2b", "q3a", "q4a", "q5a", "q6b", "q7c", "q8c"]
"""A part of every kind: integer, quantity, vector, matrix, free text, choice, dimensions."""


def refused(text: str) -> bool:
    return len(text) > LIMIT or "\x00" in text


def stored(attempt, key: str) -> Response:
    return attempt.responses.get(part__question__key=key[:-1], part__key=key[-1])


@pytest.fixture
def fresh_attempt(alice, quiz):
    """A factory: a new attempt of Alice's each time (one example each)."""
    quiz.attempts_allowed = 10_000
    quiz.save()

    def make():
        return services.start_attempt(student=alice, quiz=quiz)

    return make


def post_save(client, attempt, data: dict, encoding: str):
    url = reverse("student:attempt_save", args=[attempt.pk])
    if encoding == "multipart":
        return client.post(url, data)
    return client.post(url, urlencode(data), content_type="application/x-www-form-urlencoded")


# --- The save endpoint -----------------------------------------------------------------------------------


@FUZZ
@given(text=answers, key=st.sampled_from(PARTS), encoding=st.sampled_from(["multipart", "urlencoded"]))
@example(text="x" * LIMIT, key="q6b", encoding="multipart")
@example(text="x" * (LIMIT + 1), key="q6b", encoding="urlencoded")
@example(text="12.6\x00 MB", key="q2b", encoding="multipart")
@example(text="\r\n \t12.6 MB\r\n", key="q2b", encoding="multipart")
def test_a_save_stores_any_text_exactly_or_refuses_it_with_a_message(alice_client, attempt, text, key, encoding):
    before = stored(attempt, key)
    sequence = before.sequence + 1
    response = post_save(alice_client, attempt, {"part": key, "text": text, "sequence": sequence}, encoding)
    reply = response.json()
    after = stored(attempt, key)
    if refused(text):
        assert response.status_code == 400
        assert reply["error"] == "invalid" and reply["message"]
        assert (after.text, after.sequence) == (before.text, before.sequence)
    else:
        assert response.status_code == 200, reply
        assert (after.text, after.sequence) == (text, sequence)
        assert reply["message"] is None or isinstance(reply["message"], str)


@FUZZ
@given(answers=st.fixed_dictionaries({key: answers for key in PARTS}))
def test_any_saved_text_can_be_submitted_graded_and_shown(alice_client, fresh_attempt, answers):
    attempt = fresh_attempt()
    for key, text in answers.items():
        response = post_save(alice_client, attempt, {"part": key, "text": text, "sequence": 1}, "multipart")
        assert response.status_code == (400 if refused(text) else 200)
    assert alice_client.get(reverse("student:attempt", args=[attempt.pk])).status_code == 200
    submitted = alice_client.post(reverse("student:attempt_submit", args=[attempt.pk]))
    assert submitted["Location"] == reverse("student:attempt_result", args=[attempt.pk])
    assert alice_client.get(reverse("student:attempt_result", args=[attempt.pk])).status_code == 200
    for key, text in answers.items():
        response = stored(attempt, key)
        assert response.text == ("" if refused(text) else text)
        assert response.graded_at is not None and 0 <= response.score <= 1


@FUZZ
@given(
    part=st.one_of(st.text(max_size=200), st.sampled_from(PARTS)),
    text=st.one_of(st.none(), answers),
    sequence=st.one_of(
        st.none(), st.text(max_size=30), st.integers(min_value=-(10**30), max_value=10**30).map(str),
        st.floats().map(str), st.sampled_from(["1", " 2 ", "1e3", "0x10", "٣", "2147483647", "2147483648"]),
    ),
)
def test_no_save_gives_a_server_error(alice_client, attempt, part, text, sequence):
    fields = {"part": part, "text": text, "sequence": sequence}
    data = {name: value for name, value in fields.items() if value is not None}
    response = post_save(alice_client, attempt, data, "multipart")
    assert response.status_code in (200, 400, 409)
    reply = response.json()
    assert reply["ok"] or reply["message"]


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"text": "1", "sequence": 1}, "part"),
        ({"part": "q2a", "text": "1"}, "sequence"),
        ({"part": "q2a", "text": "1", "sequence": "seven"}, "sequence"),
        ({"part": "q2a", "text": "1", "sequence": "1.5"}, "sequence"),
        ({"part": "q2a", "text": "1", "sequence": ["1", "x"]}, "sequence"),
        ({"part": "q2a", "text": "1", "sequence": -1}, "sequence"),
        ({"part": "q99z", "text": "1", "sequence": 1}, "q99z"),
        ({"part": "x1a", "text": "1", "sequence": 1}, "x1a"),
        ({"part": "", "text": "1", "sequence": 1}, "part"),
    ],
)
def test_a_malformed_save_is_a_400_naming_what_is_wrong(alice_client, attempt, other_quiz, data, field):
    response = alice_client.post(reverse("student:attempt_save", args=[attempt.pk]), data)
    assert response.status_code == 400
    assert response.json()["error"] == "invalid"
    assert field in response.json()["message"]
    assert not attempt.events.filter(kind=AttemptEvent.Kind.SAVED).exists()


def test_a_json_body_is_a_400_not_a_500(alice_client, attempt):
    body = json.dumps({"part": "q2a", "text": "1", "sequence": 1})
    url = reverse("student:attempt_save", args=[attempt.pk])
    response = alice_client.post(url, body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["message"]


@pytest.mark.parametrize("from_the_page", [True, False])
def test_a_request_too_large_to_read_is_a_400_with_a_message(alice, attempt, settings, from_the_page):
    """Django refuses to read it (in the CSRF check, before the view); the attempt page's saves still get JSON."""
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    client.get(reverse("student:attempt", args=[attempt.pk]))
    page = {"Accept": "application/json"} if from_the_page else {}
    headers = {"X-CSRFToken": client.cookies["csrftoken"].value} | page
    data = urlencode({"part": "q1a", "text": "x" * 20_000, "sequence": 1})
    url = reverse("student:attempt_save", args=[attempt.pk])
    response = client.post(url, data, content_type="application/x-www-form-urlencoded", headers=headers)
    assert response.status_code == 400
    if from_the_page:
        assert response.json()["error"] == "invalid"
        assert "too large" in response.json()["message"]
    else:
        assert "too large" in response.content.decode()
    assert stored(attempt, "q1a").text == ""


@pytest.fixture
def other_quiz(db):
    """Another quiz with its own question x1 and part x1a."""
    quiz = Quiz.objects.create(key="other", title="Other quiz")
    question = Question.objects.create(quiz=quiz, key="x1", title="Other", prompt="Anything?")
    return Part.objects.create(question=question, key="a", prompt="Say it.", kind="text")


# --- The whole-page save and the submit ---------------------------------------------------------------------


@FUZZ
@given(
    texts=st.dictionaries(st.sampled_from(PARTS), answers, max_size=4),
    sequences=st.dictionaries(st.sampled_from(PARTS), st.one_of(st.text(max_size=12), st.integers().map(str))),
    finish=st.booleans(),
)
def test_the_whole_page_save_stores_what_it_can_and_never_fails(alice_client, attempt, texts, sequences, finish):
    data = {f"answer-{key}": text for key, text in texts.items()}
    data |= {f"sequence-{key}": sequences.get(key, str(stored(attempt, key).sequence)) for key in texts}
    if finish:
        data["finish"] = ""
    before = {key: stored(attempt, key).text for key in PARTS}
    response = alice_client.post(reverse("student:attempt_save_all", args=[attempt.pk]), data)
    assert response.status_code in (302, 400)
    if response.status_code == 400:
        assert response.context["message"]
        assert {key: stored(attempt, key).text for key in PARTS} == before
        return
    for key, text in texts.items():
        # With the sequence the page was rendered with, an answer is saved as sent (line breaks as LF) or refused.
        if key not in sequences:
            assert stored(attempt, key).text == (before[key] if refused(text) else text.replace("\r\n", "\n"))


@pytest.mark.parametrize(
    "data",
    [
        {"answer-q99z": "1", "sequence-q99z": "0"},
        {"answer-x1a": "1", "sequence-x1a": "0"},
        {"answer-q2a": "1"},
        {"answer-q2a": "1", "sequence-q2a": "one"},
    ],
)
def test_a_malformed_whole_page_save_is_a_400_and_saves_nothing(alice_client, attempt, other_quiz, data):
    data = {**data, "answer-q2b": "12.6 MB", "sequence-q2b": "0"}
    response = alice_client.post(reverse("student:attempt_save_all", args=[attempt.pk]), data)
    assert response.status_code == 400
    assert response.context["message"]
    assert stored(attempt, "q2b").text == ""


@FUZZ
@given(fields=st.dictionaries(st.text(max_size=20), st.one_of(answers, st.sampled_from(["time_up"])), max_size=4))
def test_no_submit_gives_a_server_error(alice_client, fresh_attempt, fields):
    attempt = fresh_attempt()
    response = alice_client.post(reverse("student:attempt_submit", args=[attempt.pk]), fields)
    assert response["Location"] == reverse("student:attempt_result", args=[attempt.pk])
    attempt.refresh_from_db()
    assert not attempt.is_open and not attempt.auto_submitted


# --- The management commands ------------------------------------------------------------------------------


def run(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


OPTIONS_OF_GRADE_ANSWER = {
    "-h", "--help", "--version", "-v", "--verbosity", "--settings", "--pythonpath", "--traceback", "--no-color",
    "--force-color", "--skip-checks", "--quiz", "--seed", "--params",
}  # fmt: skip


@FUZZ
@given(text=answers, key=st.sampled_from(PARTS))
@example(text="-12.6 MB", key="q2b")
@example(text="--seed=3", key="q3b")
def test_grade_answer_grades_any_text_as_given(quiz, text, key):
    if "\x00" in text:
        text = text.replace("\x00", "")
    if text == "--" or option_named_by(text, OPTIONS_OF_GRADE_ANSWER):
        with pytest.raises(CommandError, match="answer"):
            run("grade_answer", key[:-1], key[-1], "--", text)
        return
    line = run("grade_answer", key[:-1], key[-1], "--", text)
    graded = json.loads(line)
    assert graded["answer"] == text
    assert 0 <= graded["score"] <= 1


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=10),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3),
    max_leaves=10,
)
params = st.one_of(
    st.text(max_size=100),
    st.dictionaries(st.sampled_from(["n", "kernel", "stride", "padding", "layers", "x"]), json_values).map(json.dumps),
    st.integers(1, 50_000).map(lambda depth: '{"stride": ' + "[" * depth + "]" * depth + "}"),
    st.sampled_from(['{"stride": 1e999}', '{"stride": NaN}', '{"stride": -1}', '{"stride": 0}', "[]", "null",
                     '{"stride": ' + "9" * 5_000 + "}"]),
)


@FUZZ
@given(question=st.sampled_from(["q2", "q3", "q4", "q5", "q8"]), params=params, as_json=st.booleans())
def test_show_question_explains_any_bad_numbers(quiz, question, params, as_json):
    options = ["--json"] if as_json else []
    try:
        run("show_question", question, "--params", params, *options)
    except CommandError as error:
        assert str(error)


@FUZZ
@given(quiz_key=st.text(max_size=40), question=st.text(max_size=40), part=st.text(max_size=10))
@example(quiz_key="cnn-fundamentals\x00", question="q2\x00", part="b\x00")
@example(quiz_key="cnn-fundamentals", question="q2", part="\x00")
def test_commands_refuse_any_unknown_name_with_a_message(quiz, quiz_key, question, part):
    commands = [
        ["show_question", question, "--quiz", quiz_key],
        ["grade_answer", question, part, "1", "--quiz", quiz_key],
        ["export_scores", quiz_key],
        ["regrade", quiz_key, "--dry-run"],
    ]
    for args in commands:
        try:
            run(*args)
        except CommandError as error:
            assert str(error)


@FUZZ
@given(content=st.one_of(st.text(max_size=500), st.binary(max_size=500), nested.map(str.encode),
                         st.integers(1, 5_000).map(lambda depth: ("- " * depth + "x").encode())))
def test_load_question_bank_refuses_any_bad_file_with_a_message(db, tmp_path_factory, content):
    path = tmp_path_factory.mktemp("bank") / "bank.yaml"
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8", "surrogatepass"))
    with pytest.raises(CommandError) as refusal:
        run("load_question_bank", str(path))
    assert str(path) in str(refusal.value)

