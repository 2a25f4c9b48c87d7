"""Measuring and executing a resolved reorganization (:class:`motcua.units.reorgplan.Spec`).

``measure`` counts what would move (read-only); ``execute`` does it inside the caller's
transaction. Both are called by :mod:`motcua.units.reorganize` only.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.db.models import F, Q
from django.utils.translation import gettext as _

from .models import Reorganization, StaffRole, Unit, UnitSuccession, UnitVersion
from .reorgplan import Spec

OPEN_STATUSES = (1, 2, 4, 5, 6, 9)


def _ids(codes: Any) -> dict[str, int]:
    return dict(Unit.objects.filter(code__in=list(codes)).values_list("code", "pk"))


def _open_q(ids: list[int]) -> Q:
    return Q(receiving_unit_id__in=ids) | Q(handling_unit_id__in=ids)


def measure(spec: Spec, on: date) -> Any:
    from motcua.calendars.models import CalendarOverride
    from motcua.certcopy.models import RegisterCounter
    from motcua.dossiers.models import Dossier, DossierCounter
    from motcua.fees.models import ReceiptCounter

    from .reorganize import Plan

    codes = _ids(list(spec.ends) + list(spec.ends.values()) + [c for c, _p in spec.reparent])
    ended = [codes[c] for c in spec.ends if c in codes]
    dossiers = Dossier.objects.filter(_open_q(ended)) if ended else Dossier.objects.none()
    moved_prefixes = [u.path for u in Unit.objects.filter(code__in=[c for c, _p in spec.reparent])]
    path_q = Q(pk__in=[])
    for p in moved_prefixes:
        path_q |= Q(receiving_path__startswith=p) | Q(handling_path__startswith=p)
    steps, assignments = _steps_moving(spec, codes)
    overrides = 0
    for src, dst in spec.ends.items():
        if src in codes and Unit.objects.filter(pk=codes[src], kind="province").exists():
            taken = CalendarOverride.objects.filter(province_id=codes.get(dst)).values_list("date", flat=True)
            overrides += CalendarOverride.objects.filter(province_id=codes[src], date__gte=on).exclude(
                date__in=list(taken)).count()
    descendants = sum(Unit.objects.filter(path__startswith=p).count() - 1 for p in moved_prefixes)
    counts = {
        "open_dossiers": dossiers.filter(status__in=OPEN_STATUSES).count(),
        "finished_dossiers_kept": dossiers.exclude(status__in=OPEN_STATUSES).count(),
        "staff_roles": 0 if spec.keep_staff else StaffRole.objects.filter(unit_id__in=ended).count(),
        "process_steps": steps,
        "counters": (ReceiptCounter.objects.filter(unit_id__in=ended).count()
                     + RegisterCounter.objects.filter(unit_id__in=ended).count()),
        "catalog_assignments": assignments,
        "calendar_overrides": overrides,
        "code_sequences": DossierCounter.objects.filter(unit_id__in=ended).count(),
        "units": len(spec.creates) + len(spec.ends) + len(spec.reparent) + len(spec.renames) + descendants,
        "dossier_paths": Dossier.objects.filter(path_q).count() if moved_prefixes else 0,
    }
    return Plan(counts=counts, lines=_lines(spec, counts, on), spec=spec)


def _steps_moving(spec: Spec, codes: dict[str, int]) -> tuple[int, int]:
    """(process steps, procedures) the successors take over: those they have no process for."""
    from motcua.catalog.models import ProcessStep

    steps = procs = 0
    gained: dict[str, set[int]] = {}
    for src, dst in spec.ends.items():
        if spec.keep_staff or src not in codes:
            continue  # dissolve: the province does not run a district's processes
        have = gained.setdefault(dst, set(ProcessStep.objects.filter(unit_id=codes.get(dst)).values_list(
            "procedure_id", flat=True)) if dst in codes else set())
        mine = list(ProcessStep.objects.filter(unit_id=codes[src]).values_list("procedure_id", flat=True))
        new = {p for p in mine if p not in have}
        steps += sum(1 for p in mine if p in new)
        procs += len(new)
        have |= new
    return steps, procs


def _lines(spec: Spec, counts: dict[str, int], on: date) -> list[str]:
    d = f"{on:%d/%m/%Y}"
    lines = [_("Thành lập %(name)s (mã %(code)s) từ ngày %(d)s.") % {**c, "d": d} for c in spec.creates]
    lines += [_("%(src)s chấm dứt hoạt động từ ngày %(d)s; kế thừa: %(dst)s.") % {"src": s, "dst": t, "d": d}
              for s, t in spec.ends.items()]
    lines += [_("%(unit)s chuyển về trực thuộc %(parent)s.") % {"unit": u, "parent": p} for u, p in spec.reparent]
    lines += [_("%(unit)s đổi tên thành «%(name)s».") % {"unit": u, "name": n} for u, n in spec.renames]
    labels = {
        "open_dossiers": _("hồ sơ đang giải quyết chuyển sang đơn vị kế thừa"),
        "finished_dossiers_kept": _("hồ sơ đã kết thúc giữ tại đơn vị đã giải quyết"),
        "staff_roles": _("vai trò cán bộ chuyển sang đơn vị kế thừa"),
        "process_steps": _("bước quy trình nội bộ chuyển sang đơn vị kế thừa"),
        "catalog_assignments": _("thủ tục đơn vị kế thừa nhận quy trình"),
        "calendar_overrides": _("ngày nghỉ, làm bù chuyển sang tỉnh kế thừa"),
        "counters": _("bộ đếm biên lai, sổ chứng thực khóa sổ tại đơn vị cũ"),
        "code_sequences": _("dãy số mã hồ sơ giữ tại đơn vị cũ (đơn vị kế thừa dùng mã của mình)"),
        "dossier_paths": _("hồ sơ cập nhật vị trí trong cây đơn vị"),
    }
    lines += [f"{counts[k]:,}".replace(",", ".") + f" {label}" for k, label in labels.items()]
    return lines


# ---- execution -------------------------------------------------------------------------------

def execute(r: Reorganization, spec: Spec, actor: Any, at: datetime) -> dict[str, Any]:
    on = r.effective_on
    for c in spec.creates:
        parent = Unit.objects.get(code=c["parent_code"]) if c["parent_code"] else None
        Unit(code=c["code"], name=c["name"], kind=c["kind"], parent=parent, established_on=on).save()
    units = {u.code: u for u in Unit.objects.filter(
        code__in=list(spec.ends) + list(spec.ends.values()) + [x for pair in spec.reparent for x in pair]
        + [c for c, _n in spec.renames])}
    touched = {units[c["code"]].pk for c in spec.creates}
    for code, parent_code in spec.reparent:
        u = units[code]
        u.parent = units[parent_code]
        u.save(update_fields=["parent"])
        touched |= set(Unit.objects.filter(path__startswith=u.path).values_list("pk", flat=True))
    for code, name in spec.renames:
        units[code].name = name
        units[code].save(update_fields=["name"])
        touched.add(units[code].pk)
    moved = {"open_dossiers": 0, "staff_roles": 0, "process_steps": 0, "calendar_overrides": 0}
    for src, dst in spec.ends.items():
        old, new = units[src], Unit.objects.get(pk=units[dst].pk)
        moved["open_dossiers"] += transfer_open_dossiers(old, new, r, actor, at)
        if not spec.keep_staff:
            moved["staff_roles"] += move_staff_roles(old, new)
            moved["process_steps"] += move_process_steps(old, new)
        if old.kind == "province":
            moved["calendar_overrides"] += move_calendar_overrides(old, new, on)
        Unit.objects.filter(pk=old.pk).update(dissolved_on=on, successor=new)
        touched.add(old.pk)
    for pred, succ, primary in spec.successions:
        UnitSuccession.objects.update_or_create(
            predecessor=units[pred] if pred in units else Unit.objects.get(code=pred),
            successor=Unit.objects.get(code=succ),
            defaults={"reorganization": r, "effective_on": on, "primary": primary})
    write_versions(touched, r, on)
    _forget_caches()
    return {"counts": moved, "created": [c["code"] for c in spec.creates], "ended": sorted(spec.ends),
            "successor": dict(spec.ends)}


def _forget_caches() -> None:
    from motcua.core import refcache

    refcache.clear()
    transaction.on_commit(refcache.clear)


def transfer_open_dossiers(old: Unit, new: Unit, r: Reorganization, actor: Any, at: datetime) -> int:
    """Move the open dossiers received or handled at ``old`` to ``new``: their unit fields and paths
    in bulk, then one TRANSFER event each through the dossier services' event writer."""
    from motcua.domain.lifecycle import Action
    from motcua.dossiers import services
    from motcua.dossiers.models import Dossier

    rows = list(Dossier.objects.filter(_open_q([old.pk]), status__in=OPEN_STATUSES)
                .values_list("id", "receiving_unit_id", "handling_unit_id"))
    if not rows:
        return 0
    base = Dossier.objects.filter(status__in=OPEN_STATUSES)
    base.filter(_open_q([old.pk])).update(row_version=F("row_version") + 1, updated_at=at)
    base.filter(receiving_unit_id=old.pk).update(receiving_unit_id=new.pk, receiving_path=new.path)
    base.filter(handling_unit_id=old.pk).update(handling_unit_id=new.pk, handling_path=new.path)
    base.filter(return_unit_id=old.pk).update(return_unit_id=new.pk)
    who = services.Actor.of(actor) if getattr(actor, "pk", None) else services.Actor.system_actor(
        f"reorganization {r.decision_number}")
    role = services.R.ADMIN
    note = _("Chuyển theo %(decision)s (%(issuer)s), hiệu lực %(d)s") % {
        "decision": r.decision_number, "issuer": r.issuer, "d": f"{r.effective_on:%d/%m/%Y}"}
    which = {(True, True): "both", (True, False): "receiving", (False, True): "handling"}
    ids = [i for i, _r, _h in rows]
    by_id = {i: (rec == old.pk, han == old.pk) for i, rec, han in rows}
    for start in range(0, len(ids), 1000):
        for d in Dossier.objects.filter(pk__in=ids[start:start + 1000]).order_by("pk"):
            data = {"from_unit": old.pk, "to_unit": new.pk, "from_code": old.code, "to_code": new.code,
                    "which": which[by_id[d.pk]], "reorganization": r.pk}
            services._event(d, who, role, Action.TRANSFER, d.status, d.status, at, note, data)
    return len(rows)


def move_staff_roles(old: Unit, new: Unit) -> int:
    n = 0
    for role in StaffRole.objects.filter(unit=old):
        if StaffRole.objects.filter(user_id=role.user_id, unit=new, role=role.role).exists():
            role.delete()  # already held at the successor
        else:
            role.unit = new
            role.save(update_fields=["unit"])
        n += 1
    return n


def move_process_steps(old: Unit, new: Unit) -> int:
    from motcua.catalog.models import ProcessStep

    have = ProcessStep.objects.filter(unit=new).values_list("procedure_id", flat=True)
    return ProcessStep.objects.filter(unit=old).exclude(procedure_id__in=list(have)).update(unit=new)


def move_calendar_overrides(old: Unit, new: Unit, on: date) -> int:
    from motcua.calendars.models import CalendarOverride
    from motcua.calendars.services import bump_revision

    taken = list(CalendarOverride.objects.filter(province=new).values_list("date", flat=True))
    n = CalendarOverride.objects.filter(province=old, date__gte=on).exclude(date__in=taken).update(province=new)
    if n:
        bump_revision(new.pk)
    return n


def write_versions(unit_ids: set[int], r: Reorganization | None, on: date | None) -> None:
    """Close each unit's open version at ``on`` and open one with its current name, parent, path
    (a version that starts that same day is corrected in place); an ended unit's is only closed."""
    for u in Unit.objects.filter(pk__in=unit_ids):
        v = u.versions.filter(valid_until__isnull=True).order_by("-valid_from").first()
        ended = u.dissolved_on is not None
        if v is None:
            if not ended or (u.established_on or on) != u.dissolved_on:
                UnitVersion.objects.create(unit=u, name=u.name, parent_id=u.parent_id, path=u.path,
                                           valid_from=u.established_on or on, valid_until=u.dissolved_on,
                                           reorganization=r)
            continue
        if (v.name, v.parent_id, v.path) == (u.name, u.parent_id, u.path) and not ended:
            continue
        if ended:
            v.valid_until = u.dissolved_on
            v.save(update_fields=["valid_until"])
        elif v.valid_from is not None and on is not None and v.valid_from >= on:
            v.name, v.parent_id, v.path = u.name, u.parent_id, u.path
            v.save(update_fields=["name", "parent", "path"])
        else:
            v.valid_until = on
            v.save(update_fields=["valid_until"])
            UnitVersion.objects.create(unit=u, name=u.name, parent_id=u.parent_id, path=u.path,
                                       valid_from=on, reorganization=r)
