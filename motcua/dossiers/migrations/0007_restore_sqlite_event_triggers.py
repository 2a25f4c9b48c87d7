"""SQLite rebuilds a table to alter it, which drops its triggers: put the append-only triggers
of the event log back. (Any later migration that alters dossiers_dossierevent must do the same;
tests/test_more_services.py::test_events_are_append_only fails otherwise.)"""

from django.db import migrations

from motcua.dossiers.migrations import _event_triggers


class Migration(migrations.Migration):
    dependencies = [("dossiers", "0006_drop_event_at_index")]
    operations = [migrations.RunPython(_event_triggers.restore_sqlite, migrations.RunPython.noop)]
