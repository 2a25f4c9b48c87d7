"""Append-only triggers on the event log, shared by the migrations that (re)create them."""

SQLITE = [
    "DROP TRIGGER IF EXISTS dossierevent_no_update;",
    "DROP TRIGGER IF EXISTS dossierevent_no_delete;",
    "CREATE TRIGGER dossierevent_no_update BEFORE UPDATE ON dossiers_dossierevent "
    "BEGIN SELECT RAISE(ABORT, 'dossier events are append-only'); END;",
    "CREATE TRIGGER dossierevent_no_delete BEFORE DELETE ON dossiers_dossierevent "
    "BEGIN SELECT RAISE(ABORT, 'dossier events are append-only'); END;",
]


def restore_sqlite(apps, schema_editor):  # noqa: ANN001, ANN201
    if schema_editor.connection.vendor == "sqlite":
        for stmt in SQLITE:
            schema_editor.execute(stmt)
