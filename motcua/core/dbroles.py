"""Two PostgreSQL roles: the schema OWNER runs migrations (``MOTCUA_MIGRATE_DATABASE_URL``), the
application runs as a role that owns nothing (``MOTCUA_DATABASE_URL``).

The application role gets ordinary DML on the tables and the sequences it needs, but on the event
log and the verifier's checkpoints only SELECT and INSERT: no UPDATE, DELETE or TRUNCATE, and since
it owns no table it cannot ALTER one, disable a trigger or drop it. ``grant_sql`` is the whole policy;
``motcua db_app_role`` applies it (and ``motcua migrate`` re-applies it after migrating, so tables
created by a migration are granted at once).
"""

from __future__ import annotations

from typing import Any

APPEND_ONLY = ("dossiers_dossierevent", "dossiers_eventcheckpoint")
READ_ONLY = ("django_migrations",)


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def grant_sql(role: str, schema: str = "public") -> list[str]:
    r, s = _ident(role), _ident(schema)
    return [
        f"REVOKE ALL ON ALL TABLES IN SCHEMA {s} FROM {r}",
        f"REVOKE CREATE ON SCHEMA {s} FROM {r}",
        f"GRANT USAGE ON SCHEMA {s} TO {r}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {s} TO {r}",
        f"GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA {s} TO {r}",
        *(f"REVOKE UPDATE, DELETE, TRUNCATE ON {_ident(t)} FROM {r}" for t in APPEND_ONLY),
        *(f"REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON {_ident(t)} FROM {r}" for t in READ_ONLY),
    ]


def create_sql(role: str, password: str) -> list[str]:
    """The role itself: may sign in, nothing more (no superuser, no role or database creation)."""
    lit = "'" + password.replace("'", "''") + "'"
    return [
        "DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = " + "'" + role.replace("'", "''") + "'"
        f") THEN CREATE ROLE {_ident(role)} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS; END IF; END $$",
        f"ALTER ROLE {_ident(role)} WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS PASSWORD {lit}",
    ]


def apply(cursor: Any, role: str, password: str | None = None) -> list[str]:
    """Run the statements on an owner's (or superuser's) cursor; returns them."""
    stmts = (create_sql(role, password) if password else []) + grant_sql(role)
    for stmt in stmts:
        cursor.execute(stmt)
    return stmts
