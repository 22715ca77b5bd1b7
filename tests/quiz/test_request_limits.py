"""Request bodies over the limit are refused (413) before anything reads them.

The WSGI wrapper (quiz/middleware.py) is tested on its own with streams that count what is
read from them, then through Django, then over a real socket to the live server, which
serves the application wrapped as config/wsgi.py wraps it.
"""

from __future__ import annotations

import http.client
import io
import socket
from urllib.parse import urlencode, urlsplit

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

import grader
from quiz import services
from quiz.middleware import BODY_TOO_LARGE, FORM_OVERHEAD, body_limit, limit_request_body

LIMIT = settings.MAX_REQUEST_BODY_BYTES


class CountingStream(io.RawIOBase):
    """A request body of `size` bytes that remembers how many were read from it."""

    def __init__(self, size: int):
        self.size, self.consumed = size, 0

    def read(self, size: int = -1) -> bytes:
        size = self.size - self.consumed if size is None or size < 0 else min(size, self.size - self.consumed)
        self.consumed += size
        return b"x" * size


def call(environ: dict) -> dict:
    """Run the wrapper around an application that reads the whole body; what that application saw."""
    seen = {}

    def application(environ, start_response):
        length = int(environ.get("CONTENT_LENGTH") or 0)
        seen.update(body=environ["wsgi.input"].read(length), length=length, marked=environ.get(BODY_TOO_LARGE))
        start_response("200 OK", [])
        return [b""]

    limit_request_body(application)({"PATH_INFO": "/", **environ}, lambda status, headers: None)
    return seen


def test_a_declared_length_over_the_limit_is_refused_without_reading_a_byte():
    stream = CountingStream(200_000_000)
    seen = call({"CONTENT_LENGTH": "200000000", "wsgi.input": stream})
    assert stream.consumed == 0
    assert seen == {"body": b"", "length": 0, "marked": LIMIT}


def test_a_declared_length_within_the_limit_reaches_the_application_untouched():
    seen = call({"CONTENT_LENGTH": str(LIMIT), "wsgi.input": CountingStream(LIMIT)})
    assert seen == {"body": b"x" * LIMIT, "length": LIMIT, "marked": None}


def test_a_streamed_body_is_counted_and_refused_once_past_the_limit():
    stream = CountingStream(50_000_000)
    seen = call({"wsgi.input": stream, "wsgi.input_terminated": True})
    assert stream.consumed == LIMIT + 1
    assert seen == {"body": b"", "length": 0, "marked": LIMIT}


def test_a_streamed_body_within_the_limit_is_handed_on_with_its_length():
    seen = call({"wsgi.input": CountingStream(1000), "wsgi.input_terminated": True})
    assert seen == {"body": b"x" * 1000, "length": 1000, "marked": None}


def test_only_the_roster_import_takes_more_than_the_small_limit():
    assert body_limit(reverse("teacher:roster_preview")) == settings.ROSTER_MAX_BYTES + FORM_OVERHEAD
    assert body_limit(reverse("teacher:roster_import")) == settings.ROSTER_MAX_BYTES + FORM_OVERHEAD
    for path in ("/", reverse("login"), "/admin/quiz/question/1/change/", reverse("student:attempt_save", args=[1]),
                 "/no/such/page/"):
        assert body_limit(path) == LIMIT
    assert LIMIT <= 256 * 1024


# --- Through Django: the refusal is a page, or JSON for a script ----------------------------------------


def test_a_refused_request_gets_a_413_page_with_every_security_header(client):
    response = client.post(reverse("login"), {"username": "alice"}, HTTP_ACCEPT="text/html", **{BODY_TOO_LARGE: LIMIT})
    assert response.status_code == 413
    html = response.content.decode()
    assert "This request is too large" in html
    assert "larger than the 256.0\xa0KB this page accepts; nothing was read or saved" in html
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"


def test_a_refused_save_gets_json_and_changes_nothing(alice, attempt):
    client = Client()
    client.force_login(alice)
    response = client.post(
        reverse("student:attempt_save", args=[attempt.pk]), {"part": "q2a", "text": "1", "sequence": 1},
        HTTP_HX_REQUEST="true", **{BODY_TOO_LARGE: LIMIT},
    )
    assert response.status_code == 413
    assert response.json() == {
        "ok": False, "error": "too_large",
        "message": "This request is larger than the 256.0\xa0KB this page accepts; nothing was read or saved.",
    }
    assert attempt.responses.get(part__question__key="q2", part__key="a").sequence == 0


# --- Over a real socket, to the live server -------------------------------------------------------------


def raw_post(live_server, path: str, headers: dict, body: bytes) -> bytes:
    """Send the headers and only `body`, whatever length they declare, then read the reply."""
    address = urlsplit(live_server.url)
    with socket.create_connection((address.hostname, address.port), timeout=30) as connection:
        head = f"POST {path} HTTP/1.1\r\nHost: {address.netloc}\r\n"
        head += "".join(f"{name}: {value}\r\n" for name, value in headers.items()) + "\r\n"
        connection.sendall(head.encode() + body)
        reply = b""
        while b"\r\n\r\n" not in reply:
            block = connection.recv(65536)
            if not block:
                break
            reply += block
        return reply


def test_the_live_server_refuses_a_200_mb_upload_before_it_is_sent(live_server):
    """Only 64 KB of the declared 200 MB are ever sent: the answer comes without waiting for the rest.

    With a CSRF cookie and no token in the headers, Django would read the whole body looking
    for the token in the form."""
    reply = raw_post(live_server, reverse("login"), {
        "Content-Type": "multipart/form-data; boundary=x", "Content-Length": "200000000", "Accept": "text/html",
        "Cookie": "csrftoken=abcdefghijklmnopqrstuvwxyz012345",
    }, b'--x\r\nContent-Disposition: form-data; name="file"; filename="big.csv"\r\n\r\n' + b"a" * 65536)
    assert reply.startswith(b"HTTP/1.1 413")


def test_the_live_server_refuses_a_save_over_the_limit_with_json(live_server, transactional_db, alice, attempt):
    client = Client()
    client.force_login(alice)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    address = urlsplit(live_server.url)
    connection = http.client.HTTPConnection(address.hostname, address.port, timeout=30)
    body = urlencode({"part": "q6b", "text": "é" * 50_000, "sequence": 1}).encode()
    assert len(body) > LIMIT
    connection.request("POST", reverse("student:attempt_save", args=[attempt.pk]), body=body, headers={
        "Content-Type": "application/x-www-form-urlencoded", "Cookie": f"sessionid={cookie}", "HX-Request": "true",
    })
    reply = connection.getresponse()
    assert reply.status == 413
    assert b'"error": "too_large"' in reply.read()


def test_the_live_server_still_takes_a_body_within_the_limit(live_server, transactional_db, alice, attempt):
    client = Client()
    client.force_login(alice)
    address = urlsplit(live_server.url)
    connection = http.client.HTTPConnection(address.hostname, address.port, timeout=30)
    text = "x" * grader.MAX_ANSWER_LENGTH
    connection.request("GET", reverse("student:attempt", args=[attempt.pk]), headers={
        "Cookie": f"sessionid={client.cookies[settings.SESSION_COOKIE_NAME].value}",
    })
    page = connection.getresponse()
    token = page.getheader("Set-Cookie").split("csrftoken=")[1].split(";")[0]
    page.read()
    connection.request("POST", reverse("student:attempt_save", args=[attempt.pk]), body=urlencode(
        {"part": "q6b", "text": text, "sequence": 1}
    ), headers={
        "Content-Type": "application/x-www-form-urlencoded", "HX-Request": "true", "X-CSRFToken": token,
        "Cookie": f"sessionid={client.cookies[settings.SESSION_COOKIE_NAME].value}; csrftoken={token}",
    })
    reply = connection.getresponse()
    assert reply.status == 200, reply.read()[:300]
    assert attempt.responses.get(part__question__key="q6", part__key="b").text == text


@pytest.fixture
def attempt(alice, quiz):
    return services.start_attempt(student=alice, quiz=quiz)
