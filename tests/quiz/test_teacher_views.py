"""Every teacher page: who may open it, which method it answers, and no input that gives a 500."""

import pytest
from django.urls import reverse

from quiz.models import Part, Response

GET_PAGES = [
    "teacher:home",
    "teacher:gradebook",
    "teacher:review_queue",
    "teacher:quiz_access",
    "teacher:review_next",
    "teacher:review",
    "teacher:attempt",
    "teacher:roster",
    "teacher:student_password",
]
POST_ACTIONS = [
    "teacher:save_audience",
    "teacher:grant_accommodation",
    "teacher:save_review",
    "teacher:override",
    "teacher:reopen",
    "teacher:roster_preview",
    "teacher:roster_import",
    "teacher:set_password",
]


@pytest.fixture
def url_for(quiz, alice, submitted_attempt):
    """A factory: the URL of a teacher page, built around Alice's submitted attempt."""
    attempt = submitted_attempt(alice)
    q6b = Response.objects.get(attempt=attempt, part__question__key="q6", part__key="b")
    arguments = {
        "teacher:gradebook": [quiz.pk],
        "teacher:review_queue": [quiz.pk],
        "teacher:quiz_access": [quiz.pk],
        "teacher:save_audience": [quiz.pk],
        "teacher:grant_accommodation": [quiz.pk],
        "teacher:review_next": [q6b.part_id],
        "teacher:review": [q6b.pk],
        "teacher:save_review": [q6b.pk],
        "teacher:override": [q6b.pk],
        "teacher:attempt": [attempt.pk],
        "teacher:reopen": [attempt.pk],
        "teacher:student_password": [alice.pk],
        "teacher:set_password": [alice.pk],
    }
    return lambda name: reverse(name, args=arguments.get(name, []))


def _request(client, name: str, url: str):
    return client.post(url) if name in POST_ACTIONS else client.get(url)


@pytest.mark.parametrize("name", GET_PAGES + POST_ACTIONS)
def test_an_anonymous_visitor_is_sent_to_log_in(client, url_for, name):
    url = url_for(name)
    response = _request(client, name, url)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={url}"


@pytest.mark.parametrize("name", GET_PAGES + POST_ACTIONS)
def test_a_student_is_refused(client, url_for, bob, name):
    client.force_login(bob)
    assert _request(client, name, url_for(name)).status_code == 403


@pytest.mark.parametrize("user_fixture", ["tess", "admin_user"])
@pytest.mark.parametrize("name", GET_PAGES)
def test_teachers_and_admins_open_every_page(client, request, url_for, user_fixture, name):
    client.force_login(request.getfixturevalue(user_fixture))
    response = client.get(url_for(name))
    assert response.status_code == (302 if name == "teacher:review_next" else 200)


@pytest.mark.parametrize("name", POST_ACTIONS)
def test_an_empty_post_is_refused_without_an_error_page(client, tess, url_for, name):
    client.force_login(tess)
    response = client.post(url_for(name))
    assert response.status_code in (302, 400)


@pytest.mark.parametrize("name", POST_ACTIONS)
def test_a_get_on_an_action_is_not_allowed(client, tess, url_for, name):
    client.force_login(tess)
    assert client.get(url_for(name)).status_code == 405


@pytest.mark.parametrize("name", GET_PAGES)
def test_a_post_on_a_page_is_not_allowed(client, tess, url_for, name):
    client.force_login(tess)
    assert client.post(url_for(name)).status_code == 405


@pytest.mark.parametrize(
    ("name", "argument"),
    [
        ("teacher:gradebook", 999),
        ("teacher:attempt", 999),
        ("teacher:review", 999),
        ("teacher:review_next", 999),
        ("teacher:student_password", 999),
    ],
)
def test_an_unknown_object_is_a_404(client, tess, name, argument):
    client.force_login(tess)
    assert client.get(reverse(name, args=[argument])).status_code == 404


def test_a_numeric_part_with_no_unreadable_answer_sends_the_teacher_back_to_the_queue(client, tess, quiz):
    client.force_login(tess)
    numeric = Part.objects.get(question__key="q2", key="a")
    response = client.get(reverse("teacher:review_next", args=[numeric.pk]))
    assert response["Location"] == reverse("teacher:review_queue", args=[quiz.pk])


@pytest.mark.parametrize("user_fixture", ["tess", "admin_user"])
def test_a_teacher_cannot_set_a_teachers_or_an_admins_password(client, request, tess, admin_user, user_fixture):
    client.force_login(tess)
    target = request.getfixturevalue(user_fixture)
    assert client.get(reverse("teacher:student_password", args=[target.pk])).status_code == 404
    response = client.post(
        reverse("teacher:set_password", args=[target.pk]),
        {"new_password1": "Another-long-passphrase-7", "new_password2": "Another-long-passphrase-7"},
    )
    assert response.status_code == 404
    target.refresh_from_db()
    assert target.check_password(f"{target.username}-password")


@pytest.mark.parametrize(
    "query",
    [
        "?page=abc",
        "?page=-1",
        "?page=99999",
        "?min_percent=abc&max_percent=1e400",
        "?min_percent=NaN",
        "?state=nonsense&sort=nonsense",
        "?student=%00",
        "?sort=-duration&min_percent=50&max_percent=10",
    ],
)
def test_the_gradebook_survives_any_query_string(client, tess, quiz, query):
    client.force_login(tess)
    assert client.get(reverse("teacher:gradebook", args=[quiz.pk]) + query).status_code == 200


@pytest.mark.parametrize("query", ["?q=%00", "?group=abc", "?group=999", "?page=x", "?q=" + "a" * 500])
def test_the_roster_survives_any_query_string(client, tess, query):
    client.force_login(tess)
    assert client.get(reverse("teacher:roster") + query).status_code == 200


@pytest.mark.parametrize("after", ["abc", "-1", "999999", ""])
def test_skipping_survives_any_position(client, tess, url_for, after):
    client.force_login(tess)
    response = client.get(url_for("teacher:review_next") + f"?after={after}")
    assert response.status_code == 302
