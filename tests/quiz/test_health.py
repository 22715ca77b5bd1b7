"""`/healthz` answers load balancers without a login and without a query."""

from django.urls import reverse


def test_health_check_says_ok_to_anyone(client, db, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.content == b"ok"
    assert response["Content-Type"].startswith("text/plain")


def test_health_check_is_never_cached(client, db):
    assert "no-cache" in client.get(reverse("healthz"))["Cache-Control"]


def test_health_check_answers_head_requests(client, db):
    assert client.head(reverse("healthz")).status_code == 200


def test_health_check_refuses_posts(client, db):
    assert client.post(reverse("healthz")).status_code == 405
