"""Row triggers that queue a dossier in the read model's dirty queue when a row of another table
that its figures depend on (ratings, stored files) is inserted, updated or deleted, in the
writing transaction. Shared by the migrations that add them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

# the event log's own trigger (migration 0002); recreated by 0007 after a SQLite table rebuild dropped it
EVENT_DIRTY_SQLITE = """
CREATE TRIGGER IF NOT EXISTS reports_event_dirty AFTER INSERT ON dossiers_dossierevent
BEGIN INSERT INTO reports_dirtydossier (dossier_id) VALUES (NEW.dossier_id); END;
"""
SEED_ALL = "INSERT INTO reports_dirtydossier (dossier_id) SELECT id FROM dossiers_dossier"
_QUEUE = "INSERT INTO reports_dirtydossier (dossier_id) VALUES ({}.dossier_id);"


def pg_create(table: str, name: str) -> str:
    return f"""
CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN {_QUEUE.format("OLD")} END IF;
    IF TG_OP <> 'DELETE' THEN {_QUEUE.format("NEW")} END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER {name} AFTER INSERT OR UPDATE OR DELETE ON {table} FOR EACH ROW EXECUTE FUNCTION {name}();
"""


def pg_drop(table: str, name: str) -> str:
    return f"DROP TRIGGER IF EXISTS {name} ON {table}; DROP FUNCTION IF EXISTS {name}();"


def sqlite_create(table: str, name: str) -> list[str]:
    rows = {"ins": ("INSERT", ["NEW"]), "upd": ("UPDATE", ["OLD", "NEW"]), "del": ("DELETE", ["OLD"])}
    return [f"CREATE TRIGGER IF NOT EXISTS {name}_{suffix} AFTER {event} ON {table} "
            f"BEGIN {' '.join(_QUEUE.format(r) for r in refs)} END" for suffix, (event, refs) in rows.items()]


def sqlite_drop(name: str) -> list[str]:
    return [f"DROP TRIGGER IF EXISTS {name}_{suffix}" for suffix in ("ins", "upd", "del")]


def operations(table: str, name: str, seed: str) -> tuple[Callable[..., None], Callable[..., None]]:
    """(forward, backward) functions for ``migrations.RunPython``: create the triggers on ``table``
    and run ``seed`` (queue the dossiers whose contribution changes); drop them."""

    def create(apps: Any, schema_editor: Any) -> None:  # noqa: ARG001
        pg = schema_editor.connection.vendor == "postgresql"
        with schema_editor.connection.cursor() as cur:
            for sql in [pg_create(table, name)] if pg else sqlite_create(table, name):
                cur.execute(sql)
            cur.execute(seed)

    def drop(apps: Any, schema_editor: Any) -> None:  # noqa: ARG001
        pg = schema_editor.connection.vendor == "postgresql"
        with schema_editor.connection.cursor() as cur:
            for sql in [pg_drop(table, name)] if pg else sqlite_drop(name):
                cur.execute(sql)

    return create, drop
