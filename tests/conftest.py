"""Named users and the shipped quiz, shared by every test that needs the database.

Django is imported inside the fixtures, never at the top: the grader's tests run without it
(`pytest -p no:django tests/grader`) and still load this file.
"""

from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def no_language_left_active(request):
    """Each test starts in the site's default language.

    LocaleMiddleware activates a request's language in the thread that served it and never
    deactivates it, so a page fetched in German with the test client would leave the tests that
    follow in that worker reading German."""
    yield
    if request.config.pluginmanager.hasplugin("django"):
        from django.utils import translation

        translation.deactivate()


@pytest.fixture
def committed_roles(transactional_db):
    """The roles' groups, for tests that commit for real: the flush after each such test takes the
    migration's groups with it."""
    from django.contrib.auth.models import Group

    from quiz.roles import STUDENTS, TEACHERS

    for name in (STUDENTS, TEACHERS):
        Group.objects.get_or_create(name=name)


SEED_ANSWERS = {
    "q1a": "The input shape of an image can be anything as long as it is greater than the kernel size in a Conv "
    "layer, in a DNN the input shape has to be fixed. Once a Conv layer learned a certain pattern in an image, it "
    "can be used anywhere, whereas a Dense layer has to find the pattern over and over again.",
    "q2a": "903_400",
    "q2b": "12.6 MB",
    "q2c": "564.6 MB",
    "q3a": "2, 2, 2, 2, 2, 2",
    "q3b": "2, 2, 2, 2, 2, 2, 2, -7",
    "q4a": "[5 6]\n[10 9]",
    "q5a": "[34/9, 11/9]",
    "q6a": "Dropout, Data Augmentation, Local Response Normalization",
    "q6b": "Skip connections",
    "q7a": "Conv layers, Pooling layers, Dense layers, Flatten",
    "q7b": "Conv layers, Pool layers, Conv layers, Pool layers, (...), Flatten, Fully connected layers",
    "q7c": "smaller",
    "q7d": "larger",
    "q8a": "A network that doesn't use Dense layers in the output but used Conv layers",
    "q8b": "200",
    "q8c": "7x7",
    "q8d": "valid",
    "q9a": "Shifting, rotating, cropping, changing contrast/brightness of images (data). More training data, model "
    "becomes more tolerant to variations in data.",
    "q10a": "Dividing an image into meaningful parts or regions.",
    "q10b": "Semantic Segmentation: Classifying each pixel into a specific class without distinguishing between "
    "instances of the same class. Instance Segmentation: Classifying each pixel and distinguishing between "
    "individual instances of the same class.",
}
"""The answers of the course notes the quiz was made from (seed/cnn-theory-questions.md), by part key."""
SHIPPED_QUIZ_KEY = "cnn-fundamentals"
"""The key of the quiz in quiz/data/cnn-fundamentals.yaml."""
FREE_TEXT_PARTS = {"q1a", "q6a", "q6b", "q7a", "q7b", "q8a", "q9a", "q10a", "q10b"}


def make_user(django_user_model, username: str, group: str | None = None, *, staff: bool = False):
    from django.contrib.auth.models import Group

    user = django_user_model.objects.create_user(
        username=username, password=f"{username}-password", first_name=username.title(), email=f"{username}@example.org"
    )
    if staff:
        user.is_staff = user.is_superuser = True
        user.save()
    if group:
        user.groups.add(Group.objects.get_or_create(name=group)[0])
    return user


@pytest.fixture
def alice(db, django_user_model):
    """A student."""
    from quiz.roles import STUDENTS

    return make_user(django_user_model, "alice", STUDENTS)


@pytest.fixture
def bob(db, django_user_model):
    """Another student."""
    from quiz.roles import STUDENTS

    return make_user(django_user_model, "bob", STUDENTS)


@pytest.fixture
def tess(db, django_user_model):
    """A teacher."""
    from quiz.roles import TEACHERS

    return make_user(django_user_model, "tess", TEACHERS)


@pytest.fixture
def admin_user(db, django_user_model):
    """An admin: staff with every permission."""
    return make_user(django_user_model, "root", staff=True)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The test database, with the shipped question bank loaded once per session.

    Each test's transaction rollback undoes what it changes in the bank. A transactional
    test (live_server, PostgreSQL races) flushes the database when it ends; the `quiz`
    fixture loads the bank again where it finds it missing.
    """
    from quiz.bank import load_question_bank

    with django_db_blocker.unblock():
        load_question_bank()


@pytest.fixture
def quiz(db):
    """The shipped CNN quiz, as loaded from its bank file (once per test session; reloaded where a test
    flushed the database)."""
    from quiz.bank import load_question_bank
    from quiz.models import Quiz

    return Quiz.objects.filter(key=SHIPPED_QUIZ_KEY).first() or load_question_bank().quiz


@pytest.fixture
def empty_bank(db):
    """A database without the shipped quiz, for tests of loading a bank into an empty one."""
    from quiz.models import Quiz

    Quiz.objects.all().delete()


FORMULA_BANK = Path(__file__).resolve().parent / "data" / "formula_bank.yaml"
"""A small quiz of formula questions, randomized (its first question is docs/authoring.md's example)."""


@pytest.fixture
def formula_quiz(db):
    """The formula questions of tests/data/formula_bank.yaml, loaded as a bank file."""
    from quiz.bank import load_question_bank

    return load_question_bank(FORMULA_BANK).quiz


KINDS_BANK = Path(__file__).resolve().parent / "data" / "answer_kinds_bank.yaml"
"""One formula question per newer answer kind or rule: counts, select all that apply, significant figures."""


@pytest.fixture
def kinds_quiz(db):
    """The questions of tests/data/answer_kinds_bank.yaml, loaded as a bank file."""
    from quiz.bank import load_question_bank

    return load_question_bank(KINDS_BANK).quiz


@pytest.fixture(scope="session")
def live_server(live_server):
    """pytest-django's live server, serving the application as config/wsgi.py does: behind the
    request body limit, which gunicorn and runserver put in front of Django."""
    from quiz.middleware import limit_request_body

    server = live_server.thread.httpd
    server.set_app(limit_request_body(server.get_app()))
    return live_server
