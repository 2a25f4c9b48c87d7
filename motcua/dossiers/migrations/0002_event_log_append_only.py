"""The event log is append-only at the database level too (PostgreSQL trigger; SQLite triggers)."""

from django.db import migrations

from motcua.dossiers.migrations import _event_triggers

PG_UP = """
CREATE OR REPLACE FUNCTION motcua_event_immutable() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'dossier events are append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER dossierevent_no_update BEFORE UPDATE OR DELETE ON dossiers_dossierevent
  FOR EACH ROW EXECUTE FUNCTION motcua_event_immutable();
"""
PG_DOWN = """
DROP TRIGGER IF EXISTS dossierevent_no_update ON dossiers_dossierevent;
DROP FUNCTION IF EXISTS motcua_event_immutable();
"""
SQLITE_UP = _event_triggers.SQLITE
SQLITE_DOWN = _event_triggers.SQLITE[:2]  # the DROP statements


def up(apps, schema_editor):
    run(schema_editor, PG_UP if schema_editor.connection.vendor == "postgresql" else SQLITE_UP)


def down(apps, schema_editor):
    run(schema_editor, PG_DOWN if schema_editor.connection.vendor == "postgresql" else SQLITE_DOWN)


def run(schema_editor, sql):
    for stmt in [sql] if isinstance(sql, str) else sql:
        schema_editor.execute(stmt)


class Migration(migrations.Migration):
    dependencies = [("dossiers", "0001_initial")]
    operations = [migrations.RunPython(up, down)]
