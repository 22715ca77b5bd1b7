"""The client's address, directly and behind trusted proxies."""

import pytest
from django.test import RequestFactory

from quiz.network import client_ip


def request_from(remote: str, forwarded: str | None = None):
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
    return RequestFactory().get("/", REMOTE_ADDR=remote, **extra)


def test_without_proxies_the_connection_address_counts_and_forwarded_is_ignored(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(request_from("10.0.0.5", "203.0.113.9")) == "10.0.0.5"


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (1, "203.0.113.9", "203.0.113.9"),
        # A client can write anything to the left of what our proxy appended.
        (1, "198.51.100.1, 203.0.113.9", "203.0.113.9"),
        (2, "198.51.100.1, 203.0.113.9, 10.0.0.2", "203.0.113.9"),
        # Fewer entries than proxies: the header was not written by our proxies.
        (2, "203.0.113.9", "10.0.0.5"),
        (1, "", "10.0.0.5"),
    ],
)
def test_behind_trusted_proxies_the_outermost_proxys_view_counts(settings, proxies, forwarded, expected):
    settings.TRUSTED_PROXY_COUNT = proxies
    assert client_ip(request_from("10.0.0.5", forwarded)) == expected


def test_login_throttling_locks_each_client_behind_a_proxy_separately(client, alice, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.AXES_FAILURE_LIMIT = 2
    for _ in range(2):
        client.post("/accounts/login/", {"username": "alice", "password": "wrong"}, HTTP_X_FORWARDED_FOR="203.0.113.9")
    locked = client.post(
        "/accounts/login/", {"username": "alice", "password": "alice-password"}, HTTP_X_FORWARDED_FOR="203.0.113.9"
    )
    other_client = client.post(
        "/accounts/login/", {"username": "alice", "password": "alice-password"}, HTTP_X_FORWARDED_FOR="198.51.100.7"
    )
    assert locked.status_code == 429
    assert other_client.status_code == 302
