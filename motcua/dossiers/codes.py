"""Gapless dossier codes per receiving agency and day, safe under concurrent intake.

The counter row is incremented inside the intake transaction: the row lock (PostgreSQL) or the
database write lock (SQLite) serializes intakes of one agency and day, and a rolled-back intake
rolls its number back too, so codes have neither duplicates nor gaps.
"""

from __future__ import annotations

from datetime import date

from django.db import connection

from motcua.conf import CONFIG
from motcua.domain.codes import format_dossier_code

from .models import DossierCounter


def next_sequence(unit_id: int, day: date) -> int:
    """Increment and return the counter in one statement (an upsert that locks the row)."""
    table = DossierCounter._meta.db_table
    with connection.cursor() as cur:
        cur.execute(
            f"INSERT INTO {table} (unit_id, day, last) VALUES (%s, %s, 1) "
            f"ON CONFLICT (unit_id, day) DO UPDATE SET last = {table}.last + 1 RETURNING last",
            [unit_id, day])
        return int(cur.fetchone()[0])


def next_code(unit_id: int, unit_code: str, day: date) -> str:
    return format_dossier_code(unit_code, day, next_sequence(unit_id, day), CONFIG.dossier_code_format)
