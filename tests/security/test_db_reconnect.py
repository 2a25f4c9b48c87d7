"""Item 11: a dropped database connection (PostgreSQL restart, failover) must not show a 500 on each
server worker's next request. The live server keeps its connection between requests (CONN_MAX_AGE);
we kill it from another connection, and the next request must reconnect (CONN_HEALTH_CHECKS)."""

from __future__ import annotations

import httpx
import pytest
from django.db import connection

from motcua.conf import database_settings

pytestmark = pytest.mark.django_db(transaction=True)


def test_postgres_settings_keep_connections_with_a_health_check() -> None:
    db = database_settings("postgres://u@db:5432/motcua")
    assert db["CONN_HEALTH_CHECKS"] is True and 0 < int(db["CONN_MAX_AGE"]) <= 600  # type: ignore[call-overload]


def test_next_request_after_the_servers_connection_was_killed_answers_200(live_server, world) -> None:  # noqa: ANN001
    if connection.vendor != "postgresql":
        pytest.skip("pg_terminate_backend needs PostgreSQL (run with MOTCUA_DATABASE_URL=postgres://...)")
    with httpx.Client(base_url=live_server.url, timeout=30) as http:
        assert http.get("/portal/procedures/").status_code == 200  # the server thread opens its connection
        with connection.cursor() as c:
            c.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                      "WHERE datname = current_database() AND pid <> pg_backend_pid()")
            killed = c.fetchall()
        assert killed, "the live server kept no persistent connection to kill"
        for _ in range(3):
            assert http.get("/portal/procedures/").status_code == 200
