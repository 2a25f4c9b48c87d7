"""The demo province's reorganizations of 1 July 2025, applied through the service with dossiers on
both sides of the date.

* The July 2025 reform inside Lâm Đồng: the communes Lát and Đạ Sar of the district of Lạc Dương
  merge into the new commune of Lạc Dương, and the district is dissolved (two-level government).
* The province merger: Lâm Đồng absorbs a neighbour, Đắk Nông (Resolution 202/2025/QH15); its
  communes now sit under Lâm Đồng.

Before the date the history of those units is generated as it was (the old communes, the neighbour
province with its own calendar); the reorganizations are applied at 00:00 on 01/07/2025 (the open
dossiers of the old communes move to Lạc Dương with a TRANSFER event; finished ones stay); after the
date the history continues at the new units. Idempotent: once applied, a rerun adds nothing.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from django.contrib.auth import get_user_model

from motcua.core.demo import DEMO_PASSWORD, PROVINCE

from .choices import Role, UnitKind
from .models import Reorganization, StaffRole, Unit

EFFECTIVE = date(2025, 7, 1)
DISTRICT = ("000.20.34.H39", "Huyện Lạc Dương")
OLD_COMMUNES = [("lat", "000.34.10.H39", "Xã Lát"), ("dasar", "000.34.11.H39", "Xã Đạ Sar")]
NEW_COMMUNE = {"code": "000.34.12.H39", "name": "Xã Lạc Dương", "kind": UnitKind.COMMUNE, "parent_code": PROVINCE[0]}
NEIGHBOUR = ("67", "Tỉnh Đắk Nông")
NEIGHBOUR_COMMUNES = [("gianghia", "000.41.10.H67", "Phường Gia Nghĩa"), ("dakmil", "000.42.10.H67", "Xã Đắk Mil")]
REFORM = ("1671/NQ-UBTVQH15", date(2025, 6, 16), "Ủy ban Thường vụ Quốc hội")
MERGER = ("202/2025/QH15", date(2025, 6, 12), "Quốc hội")


def prepare(out: Any, dossiers: bool = True, before: int = 300, after: int = 300) -> None:
    """Create the units, their history before the date, apply the reorganizations, then the history
    after it. Nothing happens if the province merger is already applied."""
    if Reorganization.objects.filter(decision_number=MERGER[0], status="applied").exists():
        return
    from django.db import transaction

    with transaction.atomic():
        units = _units()
        if dossiers:
            _history(units["province"], [units[s] for s, _c, _n in OLD_COMMUNES], _days_before(), before)
            _history(units["neighbour"], [units[s] for s, _c, _n in NEIGHBOUR_COMMUNES], _days_before(), before)
        at = _midnight(EFFECTIVE)
        for r in _reorganizations():
            from . import reorganize

            reorganize.apply(r, at=at)
        if dossiers:
            province = Unit.objects.get(code=PROVINCE[0])
            later = [Unit.objects.get(code=NEW_COMMUNE["code"])] + [Unit.objects.get(code=c)
                                                                    for _s, c, _n in NEIGHBOUR_COMMUNES]
            _history(province, later, (EFFECTIVE, date.today() - timedelta(days=1)), after)
    out.write("Đã thực hiện sắp xếp đơn vị 01/7/2025 (hợp nhất xã, giải thể huyện, hợp nhất tỉnh).")


def _midnight(day: date) -> datetime:
    from motcua.core import clock

    return clock.aware(datetime.combine(day, time(0, 0)))


def _days_before() -> tuple[date, date]:
    start = date.today() - timedelta(days=731)
    return min(start, EFFECTIVE - timedelta(days=120)), EFFECTIVE - timedelta(days=1)


def _units() -> dict[str, Unit]:
    from motcua.calendars.services import settings_for

    province = Unit.objects.get(code=PROVINCE[0])
    neighbour = _unit(*NEIGHBOUR, UnitKind.PROVINCE, None, admin_code=NEIGHBOUR[0])
    settings_for(neighbour.pk)
    district = _unit(*DISTRICT, UnitKind.DISTRICT, province)
    units = {"province": province, "neighbour": neighbour, "district": district}
    for parent, rows in ((district, OLD_COMMUNES), (neighbour, NEIGHBOUR_COMMUNES)):
        for slug, code, name in rows:
            commune = _unit(code, name, UnitKind.COMMUNE, parent)
            centre = _unit(code.replace(".10.", ".90.").replace(".11.", ".91."),
                           f"Trung tâm Phục vụ hành chính công {name}", UnitKind.SERVICE_CENTRE, commune)
            _staff(f"motcua.{slug}", centre, Role.COUNTER_OFFICER)
            _staff(f"chuyenvien.{slug}", commune, Role.SPECIALIST)
            _staff(f"lanhdao.{slug}", commune, Role.LEADER)
            units[slug] = commune
    _processes([units[s] for s, _c, _n in OLD_COMMUNES + NEIGHBOUR_COMMUNES])
    return units


def _unit(code: str, name: str, kind: str, parent: Unit | None, **extra: Any) -> Unit:
    u = Unit.objects.filter(code=code).first()
    if u is None:
        u = Unit(code=code, name=name, kind=kind, parent=parent, **extra)
        u.save()
    return u


def _staff(username: str, unit: Unit, role: str) -> None:
    user, created = get_user_model().objects.get_or_create(username=username)
    if created:
        user.last_name, user.first_name = "Nguyễn Văn", username.split(".")[-1].title()
        user.set_password(DEMO_PASSWORD)
        user.save()
    StaffRole.objects.get_or_create(user=user, unit=unit, role=role)


def _processes(communes: list[Unit]) -> None:
    from motcua.catalog.models import Procedure
    from motcua.catalog.services import attach_default_process, load_sample_catalog

    for p in load_sample_catalog()["procedures"]:
        if "commune" in p["levels"]:
            attach_default_process(Procedure.objects.get(code=p["code"]), p["process"], [c.pk for c in communes])


def _history(province: Unit, handling: list[Unit], period: tuple[date, date], n: int) -> int:
    """``n`` generated dossiers handled by the ``handling`` units (of ``province``'s tree) in ``period``."""
    from motcua.dossiers.bulk import import_history
    from motcua.dossiers.generator import Generator

    start, end = period
    if n <= 0 or end < start:
        return 0
    gen = Generator(province, start, end, seed=2025 + handling[0].pk)
    paths = tuple(u.path for u in handling)
    keep = [i for i, t in enumerate(gen.targets) if t.handling.path.startswith(paths)]
    gen.targets = [gen.targets[i] for i in keep]
    gen.weights = [gen.weights[i] for i in keep]
    if not gen.targets:
        return 0
    return import_history(gen.records(n), province.pk)


def _reorganizations() -> list[Reorganization]:
    number, decided, issuer = REFORM
    head = {"decision_date": decided, "issuer": issuer, "effective_on": EFFECTIVE}
    merger = {"decision_number": MERGER[0], "decision_date": MERGER[1], "issuer": MERGER[2],
              "effective_on": EFFECTIVE}
    return [
        Reorganization(kind="merge", decision_number=number, spec={
            "sources": [c for _s, c, _n in OLD_COMMUNES], "target": NEW_COMMUNE}, **head),
        Reorganization(kind="dissolve", decision_number=number, spec={"unit": DISTRICT[0]}, **head),
        Reorganization(kind="merge_provinces", spec={"sources": [NEIGHBOUR[0]], "target_code": PROVINCE[0]},
                       **merger),
    ]
