"""Ratings in the read model: three flow columns, and a trigger that marks a dossier dirty when
its applicant's rating is written, changed or deleted (in that statement's transaction), then
queues every rated dossier so the buckets take the existing ratings in."""

from django.db import migrations, models

PG_CREATE = """
CREATE OR REPLACE FUNCTION reports_rating_dirty() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        INSERT INTO reports_dirtydossier (dossier_id) VALUES (OLD.dossier_id);
    END IF;
    IF TG_OP <> 'DELETE' THEN
        INSERT INTO reports_dirtydossier (dossier_id) VALUES (NEW.dossier_id);
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER reports_rating_dirty AFTER INSERT OR UPDATE OR DELETE ON portal_rating
    FOR EACH ROW EXECUTE FUNCTION reports_rating_dirty();
"""
PG_DROP = """
DROP TRIGGER IF EXISTS reports_rating_dirty ON portal_rating;
DROP FUNCTION IF EXISTS reports_rating_dirty();
"""
SQLITE_CREATE = (
    """CREATE TRIGGER IF NOT EXISTS reports_rating_dirty_ins AFTER INSERT ON portal_rating
       BEGIN INSERT INTO reports_dirtydossier (dossier_id) VALUES (NEW.dossier_id); END""",
    """CREATE TRIGGER IF NOT EXISTS reports_rating_dirty_upd AFTER UPDATE ON portal_rating
       BEGIN INSERT INTO reports_dirtydossier (dossier_id) VALUES (OLD.dossier_id);
             INSERT INTO reports_dirtydossier (dossier_id) VALUES (NEW.dossier_id); END""",
    """CREATE TRIGGER IF NOT EXISTS reports_rating_dirty_del AFTER DELETE ON portal_rating
       BEGIN INSERT INTO reports_dirtydossier (dossier_id) VALUES (OLD.dossier_id); END""",
)
SQLITE_DROP = ("DROP TRIGGER IF EXISTS reports_rating_dirty_ins", "DROP TRIGGER IF EXISTS reports_rating_dirty_upd",
               "DROP TRIGGER IF EXISTS reports_rating_dirty_del")
SEED = "INSERT INTO reports_dirtydossier (dossier_id) SELECT dossier_id FROM portal_rating"


def create(apps, schema_editor):  # noqa: ANN001, ANN201, ARG001
    pg = schema_editor.connection.vendor == "postgresql"
    with schema_editor.connection.cursor() as cur:
        for sql in (PG_CREATE,) if pg else SQLITE_CREATE:
            cur.execute(sql)
        cur.execute(SEED)


def drop(apps, schema_editor):  # noqa: ANN001, ANN201, ARG001
    pg = schema_editor.connection.vendor == "postgresql"
    with schema_editor.connection.cursor() as cur:
        for sql in (PG_DROP,) if pg else SQLITE_DROP:
            cur.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("reports", "0002_event_dirty_trigger"), ("portal", "0001_initial")]
    operations = [
        migrations.AddField("figurebucket", "rated", models.IntegerField(default=0)),
        migrations.AddField("figurebucket", "rated_satisfied", models.IntegerField(default=0)),
        migrations.AddField("figurebucket", "rated_dissatisfied", models.IntegerField(default=0)),
        migrations.RunPython(create, drop),
    ]
