"""Ratings in the read model: three flow columns, and a trigger that marks a dossier dirty when
its applicant's rating is written, changed or deleted (in that statement's transaction), then
queues every rated dossier so the buckets take the existing ratings in."""

from django.db import migrations, models

from motcua.reports.migrations import _dirty_triggers

create, drop = _dirty_triggers.operations(
    "portal_rating", "reports_rating_dirty",
    "INSERT INTO reports_dirtydossier (dossier_id) SELECT dossier_id FROM portal_rating")


class Migration(migrations.Migration):
    dependencies = [("reports", "0002_event_dirty_trigger"), ("portal", "0001_initial")]
    operations = [
        migrations.AddField("figurebucket", "rated", models.IntegerField(default=0)),
        migrations.AddField("figurebucket", "rated_satisfied", models.IntegerField(default=0)),
        migrations.AddField("figurebucket", "rated_dissatisfied", models.IntegerField(default=0)),
        migrations.RunPython(create, drop),
    ]
