"""`/` sends each role to its home; login and logout work as a person uses them."""

import pytest
from django.urls import reverse


def test_anonymous_visitor_is_sent_to_login(client, db):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_login_page_renders(client, db):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert b"Log in to ConvQuiz" in response.content


@pytest.mark.parametrize(
    ("user_fixture", "target"),
    [("alice", "student:dashboard"), ("tess", "teacher:home"), ("admin_user", "teacher:home")],
)
def test_each_role_lands_on_its_home(client, db, request, user_fixture, target):
    client.force_login(request.getfixturevalue(user_fixture))
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == reverse(target)


def test_a_user_without_a_role_is_told_so(client, django_user_model):
    client.force_login(django_user_model.objects.create_user("nobody", password="x"))
    response = client.get("/")
    assert response.status_code == 403
    assert b"no role yet" in response.content


def test_logout_is_a_post(client, alice):
    client.force_login(alice)
    assert client.get(reverse("logout")).status_code == 405
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_unknown_page_gets_the_styled_404(client, alice):
    client.force_login(alice)
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    assert b"Page not found" in response.content


def test_csrf_failure_gets_the_styled_page(alice):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    response = client.post(reverse("logout"))
    assert response.status_code == 403
    assert b"This form has expired" in response.content
