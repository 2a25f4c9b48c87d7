"""The ``motcua`` command: Django's management commands plus the project's own
(demo, generate, recompute_due, issue_token, import_catalog, export_catalog)."""

from __future__ import annotations

import os
import sys
from urllib.parse import unquote, urlparse


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.settings")
    from django.core.management import call_command, execute_from_command_line

    args = sys.argv[1:] if argv is None else argv
    owner, app = os.environ.get("MOTCUA_MIGRATE_DATABASE_URL"), os.environ.get("MOTCUA_DATABASE_URL", "")
    migrating = bool(owner) and args[:1] == ["migrate"]
    if migrating:  # migrations run as the schema owner; the application's role owns nothing
        os.environ["MOTCUA_DATABASE_URL"] = owner or ""
    execute_from_command_line(["motcua", *args])
    role = unquote(urlparse(app).username or "")
    if migrating and role and role != unquote(urlparse(owner).username or ""):
        call_command("db_app_role", role=role)  # grant the tables this migration created


if __name__ == "__main__":
    main()
