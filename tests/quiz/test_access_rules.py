"""Access rules: an access code to start an attempt, and allowed networks for starting, showing, saving and
submitting one; each refusal is a clear page (or the save contract's JSON) and is logged."""

import logging
from datetime import timedelta

import pytest
import time_machine
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from quiz import services
from quiz.models import Attempt, AttemptEvent

INSIDE, OUTSIDE = "192.0.2.17", "198.51.100.4"


@pytest.fixture(autouse=True)
def fresh_cache():
    """Wrong codes are counted in the cache, by quiz and student ids, which other tests reuse."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def coded(quiz):
    quiz.access_code = "owl-42"
    quiz.save()
    return quiz


@pytest.fixture
def fenced(quiz):
    quiz.allowed_networks = ["192.0.2.0/24", "2001:db8::/32"]
    quiz.save()
    return quiz


def refusals(attempt: Attempt) -> list[AttemptEvent]:
    return list(attempt.events.filter(kind=AttemptEvent.Kind.ACCESS_REFUSED))


# --- The rules on the model and in the services -------------------------------------------------


@pytest.mark.parametrize(
    ("ip", "admitted"),
    [(INSIDE, True), ("2001:db8::5", True), (OUTSIDE, False), ("2001:db9::5", False), (None, False), ("junk", False)],
)
def test_a_quiz_with_allowed_networks_admits_only_addresses_inside_them(fenced, ip, admitted):
    assert fenced.admits(ip) is admitted


def test_a_quiz_without_allowed_networks_admits_any_address(quiz):
    assert quiz.admits(OUTSIDE) and quiz.admits(None)


def test_a_start_without_the_code_or_with_a_wrong_one_is_refused_and_logged(alice, coded, caplog):
    with caplog.at_level(logging.WARNING, logger="quiz.access"):
        with pytest.raises(services.AccessCodeRefused, match="Type the access code"):
            services.start_attempt(student=alice, quiz=coded, ip=INSIDE)
        with pytest.raises(services.AccessCodeRefused, match="not right"):
            services.start_attempt(student=alice, quiz=coded, ip=INSIDE, access_code="owl-41")
    assert not Attempt.objects.exists()
    assert [record.getMessage() for record in caplog.records] == [
        f"Start of cnn-fundamentals by alice from {INSIDE} refused: no access code",
        f"Start of cnn-fundamentals by alice from {INSIDE} refused: a wrong access code",
    ]


def test_after_ten_wrong_codes_even_the_right_one_waits_a_quarter_hour(alice, bob, coded):
    for n in range(services.ACCESS_CODE_TRIES):
        with pytest.raises(services.AccessCodeRefused, match="not right"):
            services.start_attempt(student=alice, quiz=coded, access_code=f"guess-{n}")
    with pytest.raises(services.AccessCodeRefused, match="typed 10 times: wait 15 minutes"):
        services.start_attempt(student=alice, quiz=coded, access_code="owl-42")
    assert services.start_attempt(student=bob, quiz=coded, access_code="owl-42").student == bob
    with time_machine.travel(timezone.now() + services.ACCESS_CODE_WAIT + timedelta(seconds=1), tick=False):
        assert services.start_attempt(student=alice, quiz=coded, access_code="owl-42").student == alice


def test_the_right_code_starts_and_resuming_does_not_ask_again(alice, coded):
    attempt = services.start_attempt(student=alice, quiz=coded, access_code=" owl-42 ")
    assert services.start_attempt(student=alice, quiz=coded).pk == attempt.pk


def test_a_start_from_outside_the_networks_is_refused_and_logged_without_an_attempt(alice, fenced, caplog):
    with caplog.at_level(logging.WARNING, logger="quiz.access"):
        with pytest.raises(services.NetworkRefused, match=f"connects from {OUTSIDE}"):
            services.start_attempt(student=alice, quiz=fenced, ip=OUTSIDE)
    assert not Attempt.objects.exists()
    assert caplog.records[0].getMessage() == (
        f"Start of cnn-fundamentals by alice refused from {OUTSIDE}: outside its allowed networks"
    )


def test_resuming_from_outside_is_refused_and_logged_on_the_attempt(alice, fenced):
    attempt = services.start_attempt(student=alice, quiz=fenced, ip=INSIDE)
    with pytest.raises(services.NetworkRefused):
        services.start_attempt(student=alice, quiz=fenced, ip=OUTSIDE)
    [event] = refusals(attempt)
    assert (event.ip_address, event.detail) == (OUTSIDE, f"Refused from {OUTSIDE}: outside the quiz's allowed networks")


def test_a_save_from_outside_is_refused_stores_nothing_and_is_logged(alice, fenced):
    attempt = services.start_attempt(student=alice, quiz=fenced, ip=INSIDE)
    with pytest.raises(services.NetworkRefused):
        services.save_response(attempt=attempt, part_key="q2a", text="903400", sequence=1, ip=OUTSIDE)
    with pytest.raises(services.NetworkRefused):
        services.save_answers(attempt=attempt, answers={"q2a": ("903400", 0)}, ip=OUTSIDE)
    assert attempt.responses.get(part__question__key="q2", part__key="a").text == ""
    assert len(refusals(attempt)) == 2
    services.save_response(attempt=attempt, part_key="q2a", text="903400", sequence=1, ip=INSIDE)
    assert attempt.responses.get(part__question__key="q2", part__key="a").text == "903400"


# --- What the student sees ----------------------------------------------------------------------


def test_the_start_page_describes_the_rules_and_asks_for_the_code(alice_client, coded):
    coded.allowed_networks = ["192.0.2.0/24"]
    coded.save()
    url = reverse("student:quiz_start", args=[coded.key])
    html = alice_client.get(url, REMOTE_ADDR=OUTSIDE).content.decode()
    assert "You need an access code from your teacher or invigilator" in html
    assert '<label class="form-label fw-semibold" for="access-code">Access code</label>' in html
    assert "This computer is not on an allowed network." in html
    assert "This computer is on an allowed network." in alice_client.get(url, REMOTE_ADDR=INSIDE).content.decode()


def test_a_wrong_code_gets_the_start_page_again_saying_so(alice_client, coded):
    url = reverse("student:quiz_start", args=[coded.key])
    response = alice_client.post(url, {"access_code": "owl"})
    assert response.status_code == 403
    html = response.content.decode()
    assert "That access code is not right." in html and 'class="form-control is-invalid"' in html
    assert not Attempt.objects.exists()
    response = alice_client.post(url, {"access_code": "owl-42"})
    assert response["Location"] == reverse("student:attempt", args=[Attempt.objects.get().pk])


def test_pages_from_outside_the_networks_are_refused_with_a_page_that_says_why(alice, alice_client, fenced):
    start = reverse("student:quiz_start", args=[fenced.key])
    response = alice_client.post(start, REMOTE_ADDR=OUTSIDE)
    assert response.status_code == 403
    assert "Not from an allowed network" in response.content.decode()
    attempt = services.start_attempt(student=alice, quiz=fenced, ip=INSIDE)
    for method, name in [("get", "attempt"), ("post", "attempt_save_all"), ("get", "attempt_submit"),
                         ("post", "attempt_submit")]:  # fmt: skip
        response = getattr(alice_client, method)(reverse(f"student:{name}", args=[attempt.pk]), REMOTE_ADDR=OUTSIDE)
        assert response.status_code == 403, name
        assert f"this computer connects from {OUTSIDE}" in response.content.decode(), name
    attempt.refresh_from_db()
    assert attempt.is_open
    assert len(refusals(attempt)) == 4


def test_the_save_contract_refuses_a_save_from_outside_with_its_json(alice, alice_client, fenced):
    attempt = services.start_attempt(student=alice, quiz=fenced, ip=INSIDE)
    url = reverse("student:attempt_save", args=[attempt.pk])
    response = alice_client.post(url, {"part": "q2a", "sequence": 1, "text": "903400"}, REMOTE_ADDR=OUTSIDE)
    assert response.status_code == 403
    assert response.json()["error"] == "network"
    answers = alice_client.get(reverse("student:attempt_answers", args=[attempt.pk]), REMOTE_ADDR=OUTSIDE)
    assert (answers.status_code, answers.json()["error"]) == (403, "network")
    inside = alice_client.post(url, {"part": "q2a", "sequence": 1, "text": "903400"}, REMOTE_ADDR=INSIDE)
    assert inside.json()["ok"] is True


def test_behind_a_trusted_proxy_the_forwarded_address_decides(alice, alice_client, fenced, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    attempt = services.start_attempt(student=alice, quiz=fenced, ip=INSIDE)
    url = reverse("student:attempt", args=[attempt.pk])
    # The proxy's own address is inside the range; the student's, which it forwards, is not.
    assert alice_client.get(url, REMOTE_ADDR=INSIDE, HTTP_X_FORWARDED_FOR=OUTSIDE).status_code == 403
    assert alice_client.get(url, REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=INSIDE).status_code == 200


def test_the_result_stays_readable_from_anywhere(alice, alice_client, fenced):
    attempt = services.start_attempt(student=alice, quiz=fenced, ip=INSIDE)
    services.submit_attempt(attempt=attempt)
    response = alice_client.get(reverse("student:attempt_result", args=[attempt.pk]), REMOTE_ADDR=OUTSIDE)
    assert response.status_code == 200
