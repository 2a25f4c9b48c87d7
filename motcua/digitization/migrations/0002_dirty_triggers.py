"""The read model follows the digitization marks: a component marked digitized (or unmarked, or
inserted already marked, as the demo does) and a result marked digitized queue their dossier in
the read model's dirty queue, in the writing transaction, like a stored file does (reports 0004).
Every dossier is queued once: the digitization and electronic-result counts now come from the
marks and the signed results, not from the stored files."""

from __future__ import annotations

from typing import Any

from django.db import migrations

from motcua.reports.migrations import _dirty_triggers

_QUEUE = "INSERT INTO reports_dirtydossier (dossier_id) VALUES ({}.dossier_id);"
COMPONENT = "dossiers_dossiercomponent"
COMPONENT_TRIGGER = "digitization_component_dirty"

PG_COMPONENT = f"""
CREATE OR REPLACE FUNCTION {COMPONENT_TRIGGER}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        IF NEW.digitized_at IS NOT NULL THEN {_QUEUE.format("NEW")} END IF;
    ELSIF TG_OP = 'DELETE' THEN
        IF OLD.digitized_at IS NOT NULL THEN {_QUEUE.format("OLD")} END IF;
    ELSIF NEW.digitized_at IS DISTINCT FROM OLD.digitized_at OR NEW.dossier_id <> OLD.dossier_id THEN
        {_QUEUE.format("OLD")} {_QUEUE.format("NEW")}
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER {COMPONENT_TRIGGER} AFTER INSERT OR UPDATE OR DELETE ON {COMPONENT}
    FOR EACH ROW EXECUTE FUNCTION {COMPONENT_TRIGGER}();
"""

SQLITE_COMPONENT = [
    f"CREATE TRIGGER IF NOT EXISTS {COMPONENT_TRIGGER}_ins AFTER INSERT ON {COMPONENT} "
    f"WHEN NEW.digitized_at IS NOT NULL BEGIN {_QUEUE.format('NEW')} END",
    f"CREATE TRIGGER IF NOT EXISTS {COMPONENT_TRIGGER}_upd AFTER UPDATE ON {COMPONENT} "
    "WHEN NEW.digitized_at IS NOT OLD.digitized_at OR NEW.dossier_id <> OLD.dossier_id "
    f"BEGIN {_QUEUE.format('OLD')} {_QUEUE.format('NEW')} END",
    f"CREATE TRIGGER IF NOT EXISTS {COMPONENT_TRIGGER}_del AFTER DELETE ON {COMPONENT} "
    f"WHEN OLD.digitized_at IS NOT NULL BEGIN {_QUEUE.format('OLD')} END",
]

result_create, result_drop = _dirty_triggers.operations(
    "digitization_digitizedresult", "digitization_result_dirty", _dirty_triggers.SEED_ALL)


def component_create(apps: Any, schema_editor: Any) -> None:  # noqa: ARG001
    pg = schema_editor.connection.vendor == "postgresql"
    with schema_editor.connection.cursor() as cur:
        for sql in [PG_COMPONENT] if pg else SQLITE_COMPONENT:
            cur.execute(sql)


def component_drop(apps: Any, schema_editor: Any) -> None:  # noqa: ARG001
    pg = schema_editor.connection.vendor == "postgresql"
    with schema_editor.connection.cursor() as cur:
        for sql in ([_dirty_triggers.pg_drop(COMPONENT, COMPONENT_TRIGGER)] if pg
                    else _dirty_triggers.sqlite_drop(COMPONENT_TRIGGER)):
            cur.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("digitization", "0001_digitized_result"), ("reports", "0005_drop_unused_contribution_times"),
                    ("dossiers", "0014_fee_postal_actions_digitization")]
    operations = [
        migrations.RunPython(component_create, component_drop),
        migrations.RunPython(result_create, result_drop),
    ]
