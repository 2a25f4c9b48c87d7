"""The population database in ``make demo``: the generated history's counter dossiers looked up, so that
the audit log and the two Decision 766 indicators show real figures from the first start.

A share of the counter dossiers (walk-in, a citizen with an ID number) was filled from the database,
growing as the counters took it up over the history (a fifth of them at its start, two thirds at its
end): the look-up is written a few minutes before the dossier's intake, by a counter officer of its
receiving unit, with the reason "intake", and linked to the dossier. Some look-ups went wrong first,
as they do: a name typed without its diacritics right but a wrong birth year (a mismatch, then the
right look-up a minute later), or an ID number mistyped (a miss, and the dossier was filled by hand).

Idempotent: nothing is added once the history's look-ups (request ids ``DEMO-...``) exist. Nothing is
sent to the simulator: these are past look-ups.
"""

from __future__ import annotations

import random
from datetime import timedelta
from typing import IO, Any

from motcua.catalog.choices import ApplicantType, Channel
from motcua.units.choices import Role

from .models import Channel as LookupChannel
from .models import Lookup, LookupUse, Outcome, Reason

PREFIX = "DEMO-"
BATCH = 1000
START_SHARE, END_SHARE = 0.2, 0.67
MISS, MISMATCH = 0.04, 0.05


def prepare(out: IO[str], seed: int = 13) -> None:
    if Lookup.objects.filter(request_id__startswith=PREFIX).exists():
        return
    dossiers = _counter_dossiers()
    if not dossiers:
        return
    officers = _officers()
    rng = random.Random(seed)
    first, last = dossiers[0][1], dossiers[-1][1]
    span = max((last - first).total_seconds(), 1.0)
    rows: list[Lookup] = []
    uses: list[tuple[str, int]] = []
    for pk, at, id_number, path, unit_id, procedure_id in dossiers:
        share = START_SHARE + (END_SHARE - START_SHARE) * (at - first).total_seconds() / span
        if rng.random() >= share:
            continue
        who = _officer_for(officers, path)
        looked = at - timedelta(minutes=rng.uniform(2, 8))
        made = _history_of(rng, pk, looked, id_number, who, unit_id, path, procedure_id)
        rows += made
        if made[-1].outcome == Outcome.HIT:
            uses.append((made[-1].request_id, pk))
    _write(rows, uses)
    out.write(f"CSDL quốc gia về dân cư: {len(rows)} lần tra cứu trong lịch sử, {len(uses)} hồ sơ tại quầy điền từ "
              "CSDL dân cư.\n")


def _counter_dossiers() -> list[tuple[Any, ...]]:
    from motcua.dossiers.models import Dossier

    return list(Dossier.objects.filter(channel=Channel.DIRECT, applicant_type=ApplicantType.CITIZEN)
                .exclude(applicant_id_number="").order_by("submitted_at", "pk")
                .values_list("pk", "submitted_at", "applicant_id_number", "receiving_path", "receiving_unit_id",
                             "procedure_id"))


def _officers() -> list[tuple[str, Any, str]]:
    """(unit path, user, name) of every counter officer, the deepest units first."""
    from motcua.units.models import StaffRole

    rows = StaffRole.objects.filter(role=Role.COUNTER_OFFICER).select_related("user", "unit")
    found = [(r.unit.path, r.user, (f"{r.user.last_name} {r.user.first_name}".strip() or r.user.get_username()))
             for r in rows]
    return sorted(found, key=lambda o: -len(o[0]))


def _officer_for(officers: list[tuple[str, Any, str]], path: str) -> tuple[Any, str]:
    for unit_path, user, name in officers:
        if path.startswith(unit_path):
            return user, name
    return None, "Cán bộ một cửa"


def _history_of(rng: random.Random, pk: int, at: Any, id_number: str, who: tuple[Any, str], unit_id: int,
                path: str, procedure_id: int) -> list[Lookup]:
    """The look-ups of one dossier: a hit, or a mismatch then a hit, or a miss (filled by hand)."""
    user, name = who

    def row(n: int, when: Any, outcome: str, looked_up: str = id_number) -> Lookup:
        return Lookup(at=when, user=user, actor_name=name, channel=LookupChannel.COUNTER, role=Role.COUNTER_OFFICER,
                      unit_id=unit_id, unit_path=path, id_number=looked_up, reason=Reason.INTAKE,
                      procedure_id=procedure_id, outcome=outcome, request_id=f"{PREFIX}{pk}-{n}",
                      duration_ms=int(rng.lognormvariate(5.3, 0.4)))

    draw = rng.random()
    if draw < MISS:
        typo = id_number[:-2] + id_number[-1] + id_number[-2]
        return [row(1, at, Outcome.MISS, typo if typo != id_number else id_number[:-1] + "0")]
    if draw < MISS + MISMATCH:
        return [row(1, at - timedelta(minutes=1), Outcome.MISMATCH), row(2, at, Outcome.HIT)]
    return [row(1, at, Outcome.HIT)]


def _write(rows: list[Lookup], uses: list[tuple[str, int]]) -> None:
    from motcua.dossiers.models import Dossier

    for i in range(0, len(rows), BATCH):
        Lookup.objects.bulk_create(rows[i:i + BATCH])
    ids = dict(Lookup.objects.filter(request_id__startswith=PREFIX).values_list("request_id", "pk"))
    when = dict(Dossier.objects.filter(pk__in=[d for _, d in uses]).values_list("pk", "submitted_at"))
    links = [LookupUse(lookup_id=ids[rid], dossier_id=d, linked_at=when[d]) for rid, d in uses]
    for i in range(0, len(links), BATCH):
        LookupUse.objects.bulk_create(links[i:i + BATCH])
