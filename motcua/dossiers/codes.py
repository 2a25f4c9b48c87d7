"""Gapless dossier codes per receiving agency and day, safe under concurrent intake.

The counter row is incremented inside the intake transaction: the row lock (PostgreSQL) or the
database write lock (SQLite) serializes intakes of one agency and day, and a rolled-back intake
rolls its number back too, so codes have neither duplicates nor gaps.
"""

from __future__ import annotations

from datetime import date

from django.db.models import F

from motcua.conf import CONFIG
from motcua.domain.codes import format_dossier_code

from .models import DossierCounter


def next_sequence(unit_id: int, day: date) -> int:
    DossierCounter.objects.bulk_create([DossierCounter(unit_id=unit_id, day=day, last=0)],
                                       ignore_conflicts=True)
    DossierCounter.objects.filter(unit_id=unit_id, day=day).update(last=F("last") + 1)
    return DossierCounter.objects.filter(unit_id=unit_id, day=day).values_list("last", flat=True).get()


def next_code(unit_id: int, unit_code: str, day: date) -> str:
    return format_dossier_code(unit_code, day, next_sequence(unit_id, day), CONFIG.dossier_code_format)
