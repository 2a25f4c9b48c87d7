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


# PostgreSQL (migration 0012): one function refuses changes to the log and to the verifier's
# checkpoints; TRUNCATE is refused too, unless the table is already empty (nothing is removed then:
# that is what lets the test suite's flush, which truncates every table, run after the log was purged).
PG_FUNCTION = """
CREATE OR REPLACE FUNCTION motcua_event_immutable() RETURNS trigger AS $$
DECLARE
  found boolean;
BEGIN
  IF TG_OP = 'TRUNCATE' THEN
    EXECUTE format('SELECT EXISTS (SELECT 1 FROM %I.%I)', TG_TABLE_SCHEMA, TG_TABLE_NAME) INTO found;
    IF NOT found THEN
      RETURN NULL;
    END IF;
  END IF;
  RAISE EXCEPTION 'dossier events are append-only';
END;
$$ LANGUAGE plpgsql;
"""
PG_TRIGGERS = [
    "DROP TRIGGER IF EXISTS dossierevent_no_update ON dossiers_dossierevent",
    "CREATE TRIGGER dossierevent_no_update BEFORE UPDATE OR DELETE ON dossiers_dossierevent "
    "FOR EACH ROW EXECUTE FUNCTION motcua_event_immutable()",
    "DROP TRIGGER IF EXISTS dossierevent_no_truncate ON dossiers_dossierevent",
    "CREATE TRIGGER dossierevent_no_truncate BEFORE TRUNCATE ON dossiers_dossierevent "
    "FOR EACH STATEMENT EXECUTE FUNCTION motcua_event_immutable()",
    "DROP TRIGGER IF EXISTS eventcheckpoint_no_update ON dossiers_eventcheckpoint",
    "CREATE TRIGGER eventcheckpoint_no_update BEFORE UPDATE OR DELETE ON dossiers_eventcheckpoint "
    "FOR EACH ROW EXECUTE FUNCTION motcua_event_immutable()",
    "DROP TRIGGER IF EXISTS eventcheckpoint_no_truncate ON dossiers_eventcheckpoint",
    "CREATE TRIGGER eventcheckpoint_no_truncate BEFORE TRUNCATE ON dossiers_eventcheckpoint "
    "FOR EACH STATEMENT EXECUTE FUNCTION motcua_event_immutable()",
]
PG_CHECKPOINT_DROP = [
    "DROP TRIGGER IF EXISTS eventcheckpoint_no_update ON dossiers_eventcheckpoint",
    "DROP TRIGGER IF EXISTS eventcheckpoint_no_truncate ON dossiers_eventcheckpoint",
]
SQLITE_CHECKPOINT = [
    "DROP TRIGGER IF EXISTS eventcheckpoint_no_update;",
    "DROP TRIGGER IF EXISTS eventcheckpoint_no_delete;",
    "CREATE TRIGGER eventcheckpoint_no_update BEFORE UPDATE ON dossiers_eventcheckpoint "
    "BEGIN SELECT RAISE(ABORT, 'dossier events are append-only'); END;",
    "CREATE TRIGGER eventcheckpoint_no_delete BEFORE DELETE ON dossiers_eventcheckpoint "
    "BEGIN SELECT RAISE(ABORT, 'dossier events are append-only'); END;",
]
# the triggers that must exist after migrating (tests/test_eventchain.py)
PG_NAMES = {"dossierevent_no_update", "dossierevent_no_truncate", "eventcheckpoint_no_update",
            "eventcheckpoint_no_truncate"}
SQLITE_NAMES = {"dossierevent_no_update", "dossierevent_no_delete", "eventcheckpoint_no_update",
                "eventcheckpoint_no_delete"}
