"""Item 16: the event log is tamper-evident. Every event is chained to the previous one of its
dossier by an HMAC; ``motcua verify_events`` reports the first broken link (edited, missing,
reordered, inserted) and, through its checkpoints, removed histories and removed last events.
Tampering is done the way a database superuser would: directly in SQL, triggers lifted."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from motcua.conf import ConfigError, load
from motcua.dossiers import services as svc
from motcua.dossiers.generator import generate
from motcua.dossiers.migrations import _event_triggers
from motcua.dossiers.models import Dossier, DossierEvent, EventCheckpoint
from motcua.dossiers.verify import EDITED, INSERTED, MISSING, REORDERED, verify
from tests.factories import through_process


def _history(world, clock, day="2026-03-10"):
    clock.set(f"{day} 09:00")
    d = svc.intake(world.actor("counter_a"), world.intake_request())
    svc.start(world.actor("counter_a"), d.pk)
    clock.set(f"{day} 14:00")
    svc.request_supplement(world.actor("specialist_a"), d.pk, "Thiếu giấy chứng sinh")
    clock.set(f"{day} 16:00")
    svc.supplement(world.actor("counter_a"), d.pk)
    return Dossier.objects.get(pk=d.pk)


@contextmanager
def superuser_sql():
    """A cursor with the append-only triggers lifted, as a superuser could (restored after)."""
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("SET session_replication_role = replica")  # no trigger fires: superuser only
            try:
                yield cur
            finally:
                cur.execute("SET session_replication_role = origin")
            return
        cur.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'dossiers_dossierevent'")
        saved = cur.fetchall()
        for name, _ in saved:
            cur.execute(f'DROP TRIGGER "{name}"')
        try:
            yield cur
        finally:
            for _, sql in saved:
                cur.execute(sql)


def _events(d):
    return list(DossierEvent.objects.filter(dossier=d).order_by("seq"))


def test_a_clean_log_verifies_and_the_command_says_so(world, clock):
    d = _history(world, clock)
    _history(world, clock, "2026-03-11")
    evs = _events(d)
    assert evs[0].prev_hash == "" and all(b.prev_hash == a.hash for a, b in zip(evs, evs[1:], strict=False))
    out = StringIO()
    call_command("verify_events", "--quiet", stdout=out)
    assert "OK: 8 events of 2 dossiers" in out.getvalue()
    assert EventCheckpoint.objects.count() == 1


@pytest.mark.parametrize("column, value", [("note", "'đã sửa'"), ("action", "'refuse'"), ("to_status", "9"),
                                            ("data", "'{\"code\": \"X\"}'")])
def test_an_edited_event_is_the_first_broken_link(world, clock, column, value):
    _history(world, clock)
    d = _history(world, clock, "2026-03-11")
    victim = _events(d)[1]
    with superuser_sql() as cur:
        cur.execute(f"UPDATE dossiers_dossierevent SET {column} = {value} WHERE id = %s", [victim.pk])
    res = verify()
    assert (res.first_break.event_id, res.first_break.kind) == (victim.pk, EDITED)
    assert res.first_break.dossier_code == d.code
    with pytest.raises(CommandError, match=f"{d.code} event {victim.pk}: edited"):
        call_command("verify_events", "--quiet", stdout=StringIO())


def test_an_edited_time_is_caught(world, clock):
    d = _history(world, clock)
    victim = _events(d)[2]
    with superuser_sql() as cur:
        cur.execute("UPDATE dossiers_dossierevent SET at = %s WHERE id = %s",
                    [victim.at.replace(microsecond=0, second=1), victim.pk])
    assert (verify().first_break.event_id, verify().first_break.kind) == (victim.pk, EDITED)


def test_a_deleted_event_is_missing(world, clock):
    d = _history(world, clock)
    evs = _events(d)
    with superuser_sql() as cur:
        cur.execute("DELETE FROM dossiers_dossierevent WHERE id = %s", [evs[1].pk])
    b = verify().first_break
    assert (b.event_id, b.kind) == (evs[2].pk, MISSING)


def test_a_deleted_first_event_is_missing(world, clock):
    d = _history(world, clock)
    evs = _events(d)
    with superuser_sql() as cur:
        cur.execute("DELETE FROM dossiers_dossierevent WHERE id = %s", [evs[0].pk])
    b = verify().first_break
    assert (b.event_id, b.kind) == (evs[1].pk, MISSING)


def test_reordered_events(world, clock):
    d = _history(world, clock)
    evs = _events(d)
    with superuser_sql() as cur:  # swap the sequence numbers of the 2nd and 3rd events
        cur.execute("UPDATE dossiers_dossierevent SET seq = 100 WHERE id = %s", [evs[1].pk])
        cur.execute("UPDATE dossiers_dossierevent SET seq = 2 WHERE id = %s", [evs[2].pk])
        cur.execute("UPDATE dossiers_dossierevent SET seq = 3 WHERE id = %s", [evs[1].pk])
    b = verify().first_break
    assert (b.event_id, b.kind) == (evs[2].pk, REORDERED)


def test_a_forged_event_slipped_in_is_inserted(world, clock):
    d = _history(world, clock)
    evs = _events(d)
    with superuser_sql() as cur:  # make room after the 2nd event, then copy a plausible row in
        for e in reversed(evs[2:]):
            cur.execute("UPDATE dossiers_dossierevent SET seq = seq + 1 WHERE id = %s", [e.pk])
        cur.execute(
            "INSERT INTO dossiers_dossierevent (dossier_id, seq, at, action, from_status, to_status, actor_name, "
            "role, note, data, attachments, prev_hash, hash) SELECT dossier_id, 3, at, 'extend', to_status, "
            "to_status, actor_name, role, 'gia hạn', data, attachments, hash, %s FROM dossiers_dossierevent "
            "WHERE id = %s", ["0" * 64, evs[1].pk])
    forged = DossierEvent.objects.get(dossier=d, seq=3)
    b = verify().first_break
    assert (b.event_id, b.kind) == (forged.pk, INSERTED)


def test_a_forged_event_at_the_end_copying_a_hash_is_inserted(world, clock):
    d = _history(world, clock)
    last = _events(d)[-1]
    with superuser_sql() as cur:
        cur.execute(
            "INSERT INTO dossiers_dossierevent (dossier_id, seq, at, action, from_status, to_status, actor_name, "
            "role, note, data, attachments, prev_hash, hash) SELECT dossier_id, seq + 1, at, 'finish', to_status, "
            "9, actor_name, role, note, data, attachments, hash, hash FROM dossiers_dossierevent WHERE id = %s",
            [last.pk])
    b = verify().first_break
    assert b.kind == INSERTED and b.event_id == DossierEvent.objects.get(dossier=d, seq=last.seq + 1).pk


def test_checkpoint_catches_removed_last_events_and_removed_histories(world, clock):
    a = _history(world, clock)
    b = _history(world, clock, "2026-03-11")
    assert verify().written is not None
    with superuser_sql() as cur:  # the last event of one dossier: no link is broken
        cur.execute("DELETE FROM dossiers_dossierevent WHERE id = %s", [_events(a)[-1].pk])
    brk = verify().first_break
    assert brk.kind == MISSING and "counted 8 events of 2 dossiers" in brk.detail and "now has 7 of 2" in brk.detail
    with superuser_sql() as cur:  # a whole history
        cur.execute("DELETE FROM dossiers_dossierevent WHERE dossier_id = %s", [b.pk])
    assert "now has 3 of 1" in verify().first_break.detail


def test_checkpoints_are_chained_and_new_events_are_not_a_break(world, clock):
    d = _history(world, clock)
    clock.set("2026-03-10 17:00")
    through_process(world, d.pk)  # every required step, the result attached and approved
    first = verify().written
    svc.finish(world.actor("leader_a"), d.pk)
    second = verify().written
    assert second.prev_hash == first.hash and second.events == first.events + 1
    assert verify().ok
    with superuser_sql() as cur:
        cur.execute("DROP TRIGGER IF EXISTS eventcheckpoint_no_update" +
                    (" ON dossiers_eventcheckpoint" if connection.vendor == "postgresql" else ""))
        cur.execute("UPDATE dossiers_eventcheckpoint SET events = events + 1 WHERE id = %s", [first.pk])
    brk = verify().first_break
    assert brk.kind == EDITED and f"checkpoint #{first.pk}" in brk.detail


def test_bulk_imported_and_generated_histories_verify(world, clock):
    n = generate(300, world.province, date(2025, 7, 1), date(2026, 6, 30), seed=3)
    res = verify()
    assert res.ok and res.dossiers == n and res.events == DossierEvent.objects.count()
    victim = DossierEvent.objects.order_by("id")[500]
    with superuser_sql() as cur:
        cur.execute("UPDATE dossiers_dossierevent SET note = note || '.' WHERE id = %s", [victim.pk])
    assert (verify().first_break.event_id, verify().first_break.kind) == (victim.pk, EDITED)


@pytest.mark.django_db
def test_the_log_triggers_exist_after_migrating():
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal AND tgrelid IN "
                        "('dossiers_dossierevent'::regclass, 'dossiers_eventcheckpoint'::regclass)")
            names, expected = {r[0] for r in cur.fetchall()}, _event_triggers.PG_NAMES | {"reports_event_dirty"}
        else:
            cur.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
            names, expected = {r[0] for r in cur.fetchall()}, _event_triggers.SQLITE_NAMES | {"reports_event_dirty"}
    assert expected <= names


@pytest.mark.django_db(transaction=True)
def test_truncate_is_refused_on_postgresql(world, clock):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has no TRUNCATE")
    _history(world, clock)
    with pytest.raises(Exception, match="append-only"), transaction.atomic(), connection.cursor() as cur:  # noqa: B017, PT011
        cur.execute("TRUNCATE dossiers_dossierevent CASCADE")
    assert DossierEvent.objects.count() == 4
    from tests.api.conftest import purge_event_log

    purge_event_log()


def test_production_requires_a_chain_key():
    secret = "Zq7-vL2pX9_mW4kR8tY1nB6cF3hJ0dS5gA-eU7iO2"
    base = {"MOTCUA_ENV": "production", "MOTCUA_SECRET_KEY": secret}
    with pytest.raises(ConfigError, match="MOTCUA_EVENT_CHAIN_KEY"):
        load(base)
    with pytest.raises(ConfigError, match="MOTCUA_EVENT_CHAIN_KEY"):
        load({**base, "MOTCUA_EVENT_CHAIN_KEY": secret})
    assert load({**base, "MOTCUA_EVENT_CHAIN_KEY": "k" * 40}).event_chain_key == "k" * 40


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(st.sampled_from(["supplement_cycle", "extend_note"]), min_size=0, max_size=4),
       tamper=st.sampled_from(["none", "note", "at", "delete", "swap"]), pick=st.integers(0, 50))
def test_random_histories_verify_and_any_tampering_is_found(world, clock, steps, tamper, pick):
    with transaction.atomic():
        clock.set("2026-03-10 08:00")
        d = svc.intake(world.actor("counter_a"), world.intake_request())
        svc.start(world.actor("counter_a"), d.pk)
        hour = 9
        for s in steps:
            clock.set(f"2026-03-{10 + hour // 24:02d} {hour % 24:02d}:00")
            if s == "supplement_cycle":
                svc.request_supplement(world.actor("specialist_a"), d.pk, f"thiếu {hour}")
                clock.set(f"2026-03-{10 + hour // 24:02d} {hour % 24:02d}:30")
                svc.supplement(world.actor("counter_a"), d.pk)
            else:
                svc.request_supplement(world.actor("specialist_a"), d.pk, "x|1:y\x1f")
                svc.supplement(world.actor("counter_a"), d.pk)
            hour += 2
        evs = _events(d)
        assert verify(checkpoint=False).ok
        i = pick % len(evs)
        if tamper == "none":
            transaction.set_rollback(True)
            return
        if tamper == "swap" and len(evs) < 3:
            tamper = "note"
        with superuser_sql() as cur:
            if tamper == "note":
                cur.execute("UPDATE dossiers_dossierevent SET note = note || 'x' WHERE id = %s", [evs[i].pk])
                expect = (evs[i].pk, EDITED)
            elif tamper == "at":
                cur.execute("UPDATE dossiers_dossierevent SET at = %s WHERE id = %s",
                            [evs[i].at.replace(year=2025), evs[i].pk])
                expect = (evs[i].pk, EDITED)
            elif tamper == "delete":
                i = min(i, len(evs) - 2)
                cur.execute("DELETE FROM dossiers_dossierevent WHERE id = %s", [evs[i].pk])
                expect = (evs[i + 1].pk, MISSING)
            else:
                i = max(1, min(i, len(evs) - 2))
                a, b = evs[i], evs[i + 1]
                cur.execute("UPDATE dossiers_dossierevent SET seq = 1000 WHERE id = %s", [a.pk])
                cur.execute("UPDATE dossiers_dossierevent SET seq = %s WHERE id = %s", [a.seq, b.pk])
                cur.execute("UPDATE dossiers_dossierevent SET seq = %s WHERE id = %s", [b.seq, a.pk])
                expect = (b.pk, REORDERED)
        brk = verify(checkpoint=False).first_break
        assert (brk.event_id, brk.kind) == expect
        transaction.set_rollback(True)


def test_progress_and_the_loop_stops_at_a_break(world, clock):
    d = _history(world, clock)
    seen: list[int] = []
    assert verify(progress=seen.append, every=2).ok and seen == [2, 4]
    with superuser_sql() as cur:
        cur.execute("UPDATE dossiers_dossierevent SET note = 'x' WHERE id = %s", [_events(d)[0].pk])
    with pytest.raises(CommandError, match="edited"):  # --loop: verifies until the first break, then exits 1
        call_command("verify_events", "--loop", "0.01", "--quiet", stdout=StringIO())


@pytest.mark.django_db(transaction=True)
def test_the_migration_chains_existing_events_and_keeps_the_triggers(world, clock):
    from django.db.migrations.executor import MigrationExecutor

    from tests.api.conftest import purge_event_log

    def migrate(targets):  # noqa: ANN001, ANN202
        ex = MigrationExecutor(connection)
        ex.migrate(targets or ex.loader.graph.leaf_nodes())

    d = _history(world, clock)
    written = [(e.prev_hash, e.hash) for e in _events(d)]
    try:
        migrate([("dossiers", "0011_applicant_id_index")])  # back to events without a chain
        with connection.cursor() as cur:
            cur.execute("SELECT count(*) FROM dossiers_dossierevent")
            assert cur.fetchone()[0] == 4
    finally:
        migrate(None)
    assert [(e.prev_hash, e.hash) for e in _events(d)] == written  # the backfill computes what _event wrote
    assert verify().ok
    test_the_log_triggers_exist_after_migrating()
    purge_event_log()
