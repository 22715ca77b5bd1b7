"""Data migrations, run forward and back on rows written as the migration before them left them."""

import json

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE_PAIRS = [("quiz", "0019_attempt_event_page_reached")]
PAIRS = [("quiz", "0020_question_params_and_ranges_in_order")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def stored_json(question_id: int) -> tuple:
    with connection.cursor() as cursor:
        cursor.execute("SELECT params, ranges FROM quiz_question WHERE id = %s", [question_id])
        return tuple(value if isinstance(value, (dict, list)) else json.loads(value) for value in cursor.fetchone())


@pytest.mark.django_db(transaction=True)
def test_params_and_ranges_become_pairs_in_the_order_the_database_held_them_and_back():
    apps = migrate(BEFORE_PAIRS)
    try:
        quiz = apps.get_model("quiz", "Quiz").objects.create(key="before-pairs", title="Before pairs")
        question = apps.get_model("quiz", "Question").objects.create(
            quiz=quiz, key="s1", title="Shapes", prompt="{h}", params={"h": 64, "w": 48, "stride": 2}, ranges={}
        )
        # On PostgreSQL the typed order is already lost: the migration keeps the order the database gives.
        held = apps.get_model("quiz", "Question").objects.get(pk=question.pk).params

        apps = migrate(PAIRS)

        assert stored_json(question.pk) == ([[name, value] for name, value in held.items()], [])
        assert list(apps.get_model("quiz", "Question").objects.get(pk=question.pk).params.items()) == list(held.items())

        migrate(BEFORE_PAIRS)

        assert stored_json(question.pk) == ({"h": 64, "w": 48, "stride": 2}, {})
    finally:
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
