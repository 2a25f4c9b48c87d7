"""Item 16: the application can run under a PostgreSQL role that cannot rewrite history: as that
role, UPDATE, DELETE and TRUNCATE of the event log and disabling its triggers all fail, while an
intake through the service layer works and the verifier can still write its checkpoint."""

from __future__ import annotations

from collections.abc import Iterator
from io import StringIO

import psycopg
import pytest
from django.core.management import call_command
from django.db import connection, connections

from motcua.dossiers import services as svc
from motcua.dossiers.models import Dossier, DossierEvent
from motcua.dossiers.verify import verify

pytestmark = pytest.mark.django_db(transaction=True)

ROLE, PASSWORD = "motcua_app_test", "app-role-test-password"


@pytest.fixture
def app_role(world) -> Iterator[dict[str, str]]:  # noqa: ANN001
    if connection.vendor != "postgresql":
        pytest.skip("database roles: PostgreSQL only")
    out = StringIO()
    call_command("db_app_role", role=ROLE, password=PASSWORD, stdout=out)
    assert f"role {ROLE}" in out.getvalue()
    s = connections["default"].settings_dict
    yield {"dbname": s["NAME"], "user": ROLE, "password": PASSWORD, "host": s["HOST"] or "127.0.0.1",
           "port": s["PORT"] or "5432"}
    with connection.cursor() as cur:  # the role keeps no privileges on the next test database
        cur.execute(f"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {ROLE}")
        cur.execute(f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM {ROLE}")


@pytest.fixture
def as_app_role(app_role) -> Iterator[None]:  # noqa: ANN001
    """Point Django's default connection at the application role for the test's body."""
    original = connections.settings["default"]
    mine = connections["default"]
    connections.settings["default"] = {**original, "USER": ROLE, "PASSWORD": PASSWORD}
    connections["default"] = connections.create_connection("default")
    try:
        yield
    finally:
        connections["default"].close()
        connections["default"] = mine
        connections.settings["default"] = original


@pytest.mark.parametrize("sql", [
    "UPDATE dossiers_dossierevent SET note = 'sửa' ",
    "DELETE FROM dossiers_dossierevent",
    "TRUNCATE dossiers_dossierevent CASCADE",
    "ALTER TABLE dossiers_dossierevent DISABLE TRIGGER USER",
    "DROP TRIGGER dossierevent_no_update ON dossiers_dossierevent",
    "SET session_replication_role = replica",
    "UPDATE dossiers_eventcheckpoint SET events = 0",
    "CREATE TABLE evil (id int)",
])
def test_the_app_role_cannot_rewrite_the_log(world, clock, app_role, sql):
    clock.set("2026-03-10 09:00")
    svc.intake(world.actor("counter_a"), world.intake_request())
    with psycopg.connect(**app_role) as conn:
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute(sql)
        conn.rollback()
        assert conn.execute("SELECT count(*) FROM dossiers_dossierevent").fetchone()[0] == 1


def test_the_app_role_runs_the_application(world, clock, as_app_role):
    with connection.cursor() as cur:
        cur.execute("SELECT current_user, usesuper FROM pg_user WHERE usename = current_user")
        assert cur.fetchone() == (ROLE, False)
    clock.set("2026-03-10 09:00")
    d = svc.intake(world.actor("counter_a"), world.intake_request())
    svc.start(world.actor("counter_a"), d.pk)
    assert Dossier.objects.get(pk=d.pk).status == 4 and DossierEvent.objects.filter(dossier=d).count() == 2
    res = verify()
    assert res.ok and res.written is not None


def test_the_grants_can_be_printed_for_a_dba():
    out = StringIO()
    call_command("db_app_role", role="ung_dung", sql=True, stdout=out)
    text = out.getvalue()
    assert 'REVOKE UPDATE, DELETE, TRUNCATE ON "dossiers_dossierevent" FROM "ung_dung"' in text
    assert "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES" in text and "CREATE ROLE" not in text
