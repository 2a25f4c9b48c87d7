"""The digitization marks in the read model (issue 10): dossiers with any / every component
digitized (counted at receipt) and processed dossiers with a digitized result (at the end of
processing); every dossier is queued so the buckets take the existing marks in (and the
digitization and electronic-result counts, now from the marks and the signed results)."""

from django.db import migrations, models

from motcua.reports.migrations import _dirty_triggers


def seed(apps, schema_editor):  # noqa: ANN001, ARG001
    with schema_editor.connection.cursor() as cur:
        cur.execute(_dirty_triggers.SEED_ALL)


class Migration(migrations.Migration):
    dependencies = [("reports", "0005_drop_unused_contribution_times")]
    operations = [
        migrations.AddField("figurebucket", "digitized_any", models.IntegerField(default=0)),
        migrations.AddField("figurebucket", "digitized_all", models.IntegerField(default=0)),
        migrations.AddField("figurebucket", "result_digitized", models.IntegerField(default=0)),
        migrations.RunPython(seed, migrations.RunPython.noop),
    ]
