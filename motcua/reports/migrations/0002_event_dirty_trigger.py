"""Mark the dossier of every new event dirty, in the event's transaction, whatever wrote it
(services, bulk import, raw SQL), and queue every dossier that exists already.

A trigger only: dossiers_dossierevent itself is not altered (on SQLite that would rebuild the
table and drop its triggers). Any later migration that rebuilds dossiers_dossierevent on SQLite
must recreate this trigger too (tests/reports/test_readmodel.py checks that it exists)."""

from django.db import migrations

from motcua.reports.migrations._dirty_triggers import EVENT_DIRTY_SQLITE

PG_CREATE = """
CREATE OR REPLACE FUNCTION reports_mark_dirty() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO reports_dirtydossier (dossier_id) SELECT DISTINCT dossier_id FROM new_events;
    RETURN NULL;
END $$;
CREATE TRIGGER reports_event_dirty AFTER INSERT ON dossiers_dossierevent
    REFERENCING NEW TABLE AS new_events FOR EACH STATEMENT EXECUTE FUNCTION reports_mark_dirty();
"""
PG_DROP = """
DROP TRIGGER IF EXISTS reports_event_dirty ON dossiers_dossierevent;
DROP FUNCTION IF EXISTS reports_mark_dirty();
"""
SQLITE_CREATE = EVENT_DIRTY_SQLITE
SEED = "INSERT INTO reports_dirtydossier (dossier_id) SELECT id FROM dossiers_dossier"


def create(apps, schema_editor):  # noqa: ANN001, ANN201, ARG001
    sql = PG_CREATE if schema_editor.connection.vendor == "postgresql" else SQLITE_CREATE
    with schema_editor.connection.cursor() as cur:
        cur.execute(sql)
        cur.execute(SEED)


def drop(apps, schema_editor):  # noqa: ANN001, ANN201, ARG001
    with schema_editor.connection.cursor() as cur:
        if schema_editor.connection.vendor == "postgresql":
            cur.execute(PG_DROP)
        else:
            cur.execute("DROP TRIGGER IF EXISTS reports_event_dirty")


class Migration(migrations.Migration):
    dependencies = [("reports", "0001_readmodel"), ("dossiers", "0011_applicant_id_index")]
    operations = [migrations.RunPython(create, drop)]
