from django.db import migrations

import quiz.models

MAPPINGS = ("params", "ranges")


def _rewrite(apps, convert) -> None:
    Question = apps.get_model("quiz", "Question")
    questions = list(Question.objects.only("id", *MAPPINGS))
    for question in questions:
        for name in MAPPINGS:
            setattr(question, name, convert(getattr(question, name)))
    Question.objects.bulk_update(questions, MAPPINGS, batch_size=500)


def mappings_to_pairs(apps, schema_editor):
    """Each question's params and ranges as [key, value] pairs, in the order the database gives them (on
    PostgreSQL the typed order is already lost; what is there is kept)."""
    _rewrite(apps, lambda value: [[key, item] for key, item in value.items()] if isinstance(value, dict) else value)


def pairs_to_mappings(apps, schema_editor):
    _rewrite(apps, lambda value: dict(value) if isinstance(value, list) else value)


class Migration(migrations.Migration):

    dependencies = [
        ('quiz', '0019_attempt_event_page_reached'),
    ]

    # The rows are rewritten while the fields are still plain JSON, which reads and writes them as they are.
    operations = [
        migrations.RunPython(mappings_to_pairs, pairs_to_mappings),
        migrations.AlterField(
            model_name='question',
            name='params',
            field=quiz.models.OrderedMappingField(blank=True, default=dict, help_text='The parameters with their seed values.', verbose_name='params'),
        ),
        migrations.AlterField(
            model_name='question',
            name='ranges',
            field=quiz.models.OrderedMappingField(blank=True, default=dict, help_text='The ranges random parameters are drawn from.', verbose_name='ranges'),
        ),
    ]
