"""``motcua db_app_role``: grant the application's PostgreSQL role what it needs and nothing more
(motcua/core/dbroles.py). Runs as the schema owner: MOTCUA_MIGRATE_DATABASE_URL when set, else the
configured database connection. ``--sql`` prints the statements for a DBA instead."""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote, urlparse

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from motcua.conf import CONFIG
from motcua.core import dbroles


class Command(BaseCommand):
    help = "Create/grant the application's database role: DML only, SELECT/INSERT on the event log."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--role", help="the application role (default: the user of MOTCUA_DATABASE_URL)")
        parser.add_argument("--password", help="create the role (or reset its password) with this password")
        parser.add_argument("--sql", action="store_true", help="print the SQL instead of running it")

    def handle(self, *args: Any, **opts: Any) -> None:
        role = opts["role"] or unquote(urlparse(CONFIG.database_url).username or "")
        if not role:
            raise CommandError("no application role: pass --role or put the user in MOTCUA_DATABASE_URL")
        if opts["sql"]:
            stmts = (dbroles.create_sql(role, opts["password"]) if opts["password"] else []) + dbroles.grant_sql(role)
            self.stdout.write(";\n".join(stmts) + ";")
            return
        if CONFIG.migrate_database_url:
            import psycopg

            with psycopg.connect(CONFIG.migrate_database_url, autocommit=False) as conn, conn.cursor() as cur:
                dbroles.apply(cur, role, opts["password"])
        else:
            if connection.vendor != "postgresql":
                raise CommandError("database roles exist on PostgreSQL only")
            with connection.cursor() as cur:
                dbroles.apply(cur, role, opts["password"])
        self.stdout.write(f"role {role}: DML on the tables, SELECT/INSERT only on the event log")
