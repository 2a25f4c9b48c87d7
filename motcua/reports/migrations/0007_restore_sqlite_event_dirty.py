"""dossiers 0014 rebuilt dossiers_dossierevent on SQLite (its action constraint changed), which drops
every trigger on the table, reports_event_dirty among them: put it back. PostgreSQL alters the
table in place and keeps its triggers, so nothing is done there. Backwards is a no-op: the trigger
belongs to 0002."""

from django.db import migrations

from motcua.reports.migrations._dirty_triggers import EVENT_DIRTY_SQLITE


def restore(apps, schema_editor):  # noqa: ANN001, ANN201, ARG001
    if schema_editor.connection.vendor == "sqlite":
        with schema_editor.connection.cursor() as cur:
            cur.execute(EVENT_DIRTY_SQLITE)


class Migration(migrations.Migration):
    dependencies = [("reports", "0006_digitization_marks"), ("dossiers", "0014_fee_postal_actions_digitization")]
    operations = [migrations.RunPython(restore, migrations.RunPython.noop)]
