"""The event log becomes tamper-evident: every event gets ``prev_hash`` and ``hash`` (the chain of
motcua/dossiers/eventchain.py), existing events are chained in (dossier, seq) order, verifier
checkpoints get their own append-only table, and PostgreSQL refuses TRUNCATE of a non-empty log.

The append-only triggers refuse the backfill's UPDATE: they are dropped for it and restored, in this
migration's transaction. On SQLite, adding the columns rebuilds the table, which drops every trigger
on it (the append-only ones and reports_event_dirty): they are saved first and recreated after.
"""

from django.db import migrations, models

from motcua.dossiers.migrations import _event_triggers

_SAVED: list[tuple[str, str]] = []


def save_sqlite_triggers(apps, schema_editor):  # noqa: ANN001, ANN201, ARG001
    if schema_editor.connection.vendor != "sqlite":
        return
    with schema_editor.connection.cursor() as cur:
        cur.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' "
                    "AND tbl_name = 'dossiers_dossierevent'")
        _SAVED[:] = cur.fetchall()


def restore_sqlite_triggers(apps, schema_editor):  # noqa: ANN001, ANN201, ARG001
    """Backwards: removing the columns rebuilt the table; put back the triggers it had."""
    if schema_editor.connection.vendor != "sqlite":
        return
    with schema_editor.connection.cursor() as cur:
        for name, sql in _SAVED:
            cur.execute(f'DROP TRIGGER IF EXISTS "{name}"')
            cur.execute(sql)


def chain_and_seal(apps, schema_editor):  # noqa: ANN001, ANN201, ARG001
    conn = schema_editor.connection
    pg = conn.vendor == "postgresql"
    with conn.cursor() as cur:
        if pg:
            cur.execute("DROP TRIGGER IF EXISTS dossierevent_no_update ON dossiers_dossierevent")
        else:
            cur.execute("DROP TRIGGER IF EXISTS dossierevent_no_update")
    backfill(conn)
    with conn.cursor() as cur:
        if pg:
            cur.execute(_event_triggers.PG_FUNCTION)
            for stmt in _event_triggers.PG_TRIGGERS:
                cur.execute(stmt)
        else:
            for name, sql in _SAVED:
                cur.execute(f'DROP TRIGGER IF EXISTS "{name}"')
                cur.execute(sql)
            for stmt in _event_triggers.SQLITE + _event_triggers.SQLITE_CHECKPOINT:
                cur.execute(stmt)


def backfill(conn) -> None:  # noqa: ANN001
    from motcua.dossiers import eventchain as ec
    from motcua.dossiers.verify import recompute, stream_rows

    key = ec.chain_key()
    updates: list[tuple[int, str, str]] = []
    dossier, prev = None, ""
    rows = stream_rows() if conn.vendor == "postgresql" else list(stream_rows())
    for r in rows:
        if r[1] != dossier:
            dossier, prev = r[1], ""
        h = recompute(key, r, prev)
        updates.append((r[0], prev, h))
        prev = h
        if len(updates) >= 5000:
            _update(conn, updates)
            updates = []
    if updates:
        _update(conn, updates)


def _update(conn, updates) -> None:  # noqa: ANN001
    with conn.cursor() as cur:
        if conn.vendor == "postgresql":
            values = ", ".join(["(%s, %s, %s)"] * len(updates))
            cur.execute(f"UPDATE dossiers_dossierevent e SET prev_hash = v.p, hash = v.h FROM (VALUES {values}) "
                        "AS v(id, p, h) WHERE e.id = v.id::bigint", [x for u in updates for x in u])
        else:
            cur.executemany("UPDATE dossiers_dossierevent SET prev_hash = %s, hash = %s WHERE id = %s",
                            [(p, h, i) for i, p, h in updates])


def unseal(apps, schema_editor):  # noqa: ANN001, ANN201, ARG001
    with schema_editor.connection.cursor() as cur:
        if schema_editor.connection.vendor == "postgresql":
            cur.execute("DROP TRIGGER IF EXISTS dossierevent_no_truncate ON dossiers_dossierevent")
            for stmt in _event_triggers.PG_CHECKPOINT_DROP:
                cur.execute(stmt)


class Migration(migrations.Migration):
    dependencies = [("dossiers", "0011_applicant_id_index")]

    operations = [
        migrations.RunPython(save_sqlite_triggers, restore_sqlite_triggers),
        migrations.AddField(
            model_name="dossierevent",
            name="prev_hash",
            field=models.CharField(blank=True, default="", editable=False, max_length=64),
        ),
        migrations.AddField(
            model_name="dossierevent",
            name="hash",
            field=models.CharField(blank=True, default="", editable=False, max_length=64),
        ),
        migrations.CreateModel(
            name="EventCheckpoint",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("created_at", models.DateTimeField()),
                ("upto_id", models.BigIntegerField()),
                ("events", models.BigIntegerField()),
                ("dossiers", models.BigIntegerField()),
                ("heads_digest", models.CharField(max_length=64)),
                ("prev_hash", models.CharField(blank=True, max_length=64)),
                ("hash", models.CharField(max_length=64)),
            ],
            options={"verbose_name": "điểm kiểm tra nhật ký", "verbose_name_plural": "điểm kiểm tra nhật ký"},
        ),
        migrations.RunPython(chain_and_seal, unseal),
        migrations.RunPython(migrations.RunPython.noop, save_sqlite_triggers),  # backwards: before the rebuild
    ]
