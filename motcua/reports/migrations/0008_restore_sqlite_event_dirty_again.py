"""dossiers 0015 rebuilt dossiers_dossierevent on SQLite (the transfer action joined its constraint),
dropping reports_event_dirty with every other trigger: put it back (as 0007 did after 0014)."""

from django.db import migrations

from motcua.reports.migrations._dirty_triggers import EVENT_DIRTY_SQLITE


def restore(apps, schema_editor):  # noqa: ANN001, ANN201, ARG001
    if schema_editor.connection.vendor == "sqlite":
        with schema_editor.connection.cursor() as cur:
            cur.execute(EVENT_DIRTY_SQLITE)


class Migration(migrations.Migration):
    dependencies = [("reports", "0007_restore_sqlite_event_dirty"), ("dossiers", "0015_transfer_action_return_unit")]
    operations = [migrations.RunPython(restore, migrations.RunPython.noop)]
