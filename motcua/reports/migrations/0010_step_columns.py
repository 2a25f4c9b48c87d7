"""The internal process steps in the read model (issue 14: the dashboard's late steps at scale): steps
left on the day and late among them; every dossier is queued so the buckets take their history in
(until the queue is drained the late steps are read from the event log, as before)."""

from django.db import migrations, models

from motcua.reports.migrations import _dirty_triggers


def seed(apps, schema_editor):  # noqa: ANN001, ARG001
    with schema_editor.connection.cursor() as cur:
        cur.execute(_dirty_triggers.SEED_ALL)


class Migration(migrations.Migration):
    dependencies = [("reports", "0009_transfer_events_index")]
    operations = [
        migrations.AddField("figurebucket", "steps_left", models.IntegerField(default=0)),
        migrations.AddField("figurebucket", "steps_left_late", models.IntegerField(default=0)),
        migrations.RunPython(seed, migrations.RunPython.noop),
    ]
