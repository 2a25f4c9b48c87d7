"""A reorganization's spec read and checked against the unit tree: what it creates, ends, moves
and renames (by unit code), with a field-level error for every bad part. Writes nothing.

Used by :mod:`motcua.units.reorganize` (preview and apply); the spec of each kind is described in
/work/notes/reorg_contract.md and in that module's docstring.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.utils.translation import gettext as _

from motcua.domain.errors import ValidationFailed

from .choices import UnitKind
from .models import Reorganization, ReorganizationKind, Unit

K = ReorganizationKind
CODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9.\-_]{0,39}$")
# the kinds a parent may be, per kind of child (an agency may sit under any territorial unit)
PARENT_KINDS = {
    UnitKind.DISTRICT: {UnitKind.PROVINCE},
    UnitKind.COMMUNE: {UnitKind.PROVINCE, UnitKind.DISTRICT},
    UnitKind.AGENCY: {UnitKind.PROVINCE, UnitKind.DISTRICT, UnitKind.COMMUNE},
    UnitKind.SERVICE_CENTRE: {UnitKind.PROVINCE, UnitKind.DISTRICT, UnitKind.COMMUNE, UnitKind.AGENCY},
    UnitKind.DEPARTMENT: {UnitKind.PROVINCE, UnitKind.DISTRICT, UnitKind.COMMUNE, UnitKind.AGENCY,
                          UnitKind.SERVICE_CENTRE},
}


@dataclass
class Spec:
    """The operation resolved to unit codes: ``creates`` new units (dicts code, name, kind,
    parent_code), ``ends`` ended unit code -> primary successor code, ``successions`` (predecessor,
    successor, primary), ``reparent`` (unit code, new parent code), ``renames`` (code, name)."""

    creates: list[dict[str, str]] = field(default_factory=list)
    ends: dict[str, str] = field(default_factory=dict)
    successions: list[tuple[str, str, bool]] = field(default_factory=list)
    reparent: list[tuple[str, str]] = field(default_factory=list)
    renames: list[tuple[str, str]] = field(default_factory=list)
    keep_staff: bool = False  # dissolve: the roles at the dissolved level are not widened to its parent


class _Errors:
    def __init__(self) -> None:
        self.fields: dict[str, str] = {}

    def add(self, name: str, message: str) -> None:
        self.fields.setdefault(name, message)

    def raise_if_any(self) -> None:
        if self.fields:
            raise ValidationFailed(_("Nội dung sắp xếp đơn vị chưa hợp lệ."), fields=self.fields)


def check_header(r: Reorganization, err: _Errors) -> None:
    if r.kind not in K.values:
        err.add("kind", _("Loại sắp xếp không hợp lệ."))
    for name in ("decision_number", "issuer"):
        if not str(getattr(r, name) or "").strip():
            err.add(name, _("Trường này là bắt buộc."))
    for name in ("decision_date", "effective_on"):
        if not isinstance(getattr(r, name), date):
            err.add(name, _("Cần một ngày hợp lệ (dd/mm/yyyy)."))
    if isinstance(r.decision_date, date) and isinstance(r.effective_on, date) and r.effective_on < r.decision_date:
        err.add("effective_on", _("Ngày hiệu lực không được trước ngày ban hành."))
    if not isinstance(r.spec, dict):
        err.add("spec", _("Nội dung phải là một đối tượng JSON."))


def resolve(r: Reorganization) -> Spec:
    """The spec of ``r`` checked against today's tree; ValidationFailed naming each bad field."""
    err = _Errors()
    check_header(r, err)
    err.raise_if_any()
    reader = _Reader(r.spec, r.effective_on, err)
    spec = {K.MERGE: reader.merge, K.MERGE_PROVINCES: reader.merge_provinces, K.SPLIT: reader.split,
            K.DISSOLVE: reader.dissolve, K.RENAME: reader.rename, K.MOVE: reader.move}[K(r.kind)]()
    err.raise_if_any()
    return spec


class _Reader:
    """Reads one spec, recording errors under ``spec.<field>`` names."""

    def __init__(self, raw: dict[str, Any], on: date, err: _Errors) -> None:
        self.raw, self.on, self.err = raw, on, err
        self.new_codes: dict[str, dict[str, str]] = {}

    # ---- pieces ----

    def unit(self, name: str, code: Any, kinds: set[str] | None = None) -> Unit | None:
        key = f"spec.{name}"
        if not isinstance(code, str) or not code.strip():
            self.err.add(key, _("Cần mã đơn vị."))
            return None
        u = Unit.objects.filter(code=code.strip()).first()
        if u is None:
            self.err.add(key, _("Không có đơn vị mã %(code)s.") % {"code": code})
        elif u.dissolved_on is not None and u.dissolved_on <= self.on:
            self.err.add(key, _("Đơn vị %(code)s đã chấm dứt hoạt động.") % {"code": code})
        elif kinds and u.kind not in kinds:
            self.err.add(key, _("Đơn vị %(code)s không thuộc loại phù hợp.") % {"code": code})
        else:
            return u
        return None

    def units(self, name: str, codes: Any, kinds: set[str], minimum: int) -> list[Unit]:
        key = f"spec.{name}"
        if not isinstance(codes, list) or not all(isinstance(c, str) for c in codes):
            self.err.add(key, _("Cần danh sách mã đơn vị."))
            return []
        if len(set(codes)) != len(codes):
            self.err.add(key, _("Một đơn vị được nêu hai lần."))
        if len(codes) < minimum:
            self.err.add(key, _("Cần ít nhất %(n)d đơn vị.") % {"n": minimum})
        found = [self.unit(name, c, kinds) for c in codes]
        return [u for u in found if u is not None]

    def new_unit(self, name: str, raw: Any, kinds: set[str]) -> dict[str, str] | None:
        key = f"spec.{name}"
        if not isinstance(raw, dict):
            self.err.add(key, _("Cần mã, tên, loại và đơn vị cha của đơn vị mới."))
            return None
        code, uname = str(raw.get("code") or "").strip(), str(raw.get("name") or "").strip()
        kind, parent_code = str(raw.get("kind") or ""), raw.get("parent_code")
        ok = True
        if not CODE_RE.match(code):
            self.err.add(f"{key}.code", _("Mã đơn vị chỉ gồm chữ, số, dấu chấm, gạch (tối đa 40 ký tự)."))
            ok = False
        elif code in self.new_codes or Unit.objects.filter(code=code).exists():
            self.err.add(f"{key}.code", _("Mã %(code)s đã được dùng.") % {"code": code})
            ok = False
        if not uname or len(uname) > 255:
            self.err.add(f"{key}.name", _("Cần tên đơn vị (tối đa 255 ký tự)."))
            ok = False
        if kind not in kinds:
            self.err.add(f"{key}.kind", _("Loại đơn vị không phù hợp."))
            ok = False
        parent = None
        if kind != UnitKind.PROVINCE or parent_code:
            parent = self.unit(f"{name}.parent_code", parent_code, PARENT_KINDS.get(kind, set()) or None)
            ok = ok and parent is not None
        if not ok:
            return None
        new = {"code": code, "name": uname, "kind": kind, "parent_code": parent.code if parent else ""}
        self.new_codes[code] = new
        return new

    def target(self, kinds: set[str], sources: list[Unit]) -> tuple[str, str] | None:
        """(code, kind) of the merge's target: ``target_code`` (existing) or ``target`` (new)."""
        if "target_code" in self.raw and "target" in self.raw:
            self.err.add("spec.target", _("Chọn đơn vị hiện có hoặc đơn vị mới, không cả hai."))
            return None
        if "target" in self.raw:
            new = self.new_unit("target", self.raw["target"], kinds)
            return (new["code"], new["kind"]) if new else None
        t = self.unit("target_code", self.raw.get("target_code"), kinds)
        if t is None:
            return None
        if t.pk in {s.pk for s in sources}:
            self.err.add("spec.target_code", _("Đơn vị nhận không được là một đơn vị bị hợp nhất."))
            return None
        return t.code, t.kind

    # ---- kinds ----

    def merge(self) -> Spec:
        kinds = {UnitKind.DISTRICT, UnitKind.COMMUNE, UnitKind.AGENCY, UnitKind.DEPARTMENT,
                 UnitKind.SERVICE_CENTRE}
        sources = self.units("sources", self.raw.get("sources"), kinds, 1 if "target_code" in self.raw else 2)
        if len({s.kind for s in sources}) > 1:
            self.err.add("spec.sources", _("Các đơn vị hợp nhất phải cùng loại."))
        return self._merge(sources, self.target(kinds, sources))

    def merge_provinces(self) -> Spec:
        kinds = {UnitKind.PROVINCE}
        sources = self.units("sources", self.raw.get("sources"), kinds, 1 if "target_code" in self.raw else 2)
        return self._merge(sources, self.target(kinds, sources))

    def _merge(self, sources: list[Unit], target: tuple[str, str] | None) -> Spec:
        spec = Spec(creates=list(self.new_codes.values()))
        if target is None or not sources:
            return spec
        code, kind = target
        if sources and kind != sources[0].kind:
            self.err.add("spec.target", _("Đơn vị nhận phải cùng loại với các đơn vị hợp nhất."))
        for s in sources:
            spec.ends[s.code] = code
            spec.successions.append((s.code, code, True))
            spec.reparent += [(c, code) for c in _live_children(s, self.on)]
        return spec

    def split(self) -> Spec:
        kinds = {UnitKind.DISTRICT, UnitKind.COMMUNE, UnitKind.PROVINCE}
        source = self.unit("source", self.raw.get("source"), kinds)
        targets_raw = self.raw.get("targets")
        if not isinstance(targets_raw, list) or len(targets_raw) < 2:
            self.err.add("spec.targets", _("Cần ít nhất 2 đơn vị mới."))
            targets_raw = targets_raw if isinstance(targets_raw, list) else []
        targets = [self.new_unit(f"targets.{i}", t, {source.kind} if source else kinds)
                   for i, t in enumerate(targets_raw)]
        codes = [t["code"] for t in targets if t]
        primary = self.raw.get("primary_code")
        if primary not in codes:
            self.err.add("spec.primary_code", _("Đơn vị kế thừa chính phải là một trong các đơn vị mới."))
        children = self.raw.get("children") or {}
        if not isinstance(children, dict):
            self.err.add("spec.children", _("Cần bảng mã đơn vị con -> mã đơn vị mới."))
            children = {}
        spec = Spec(creates=[t for t in targets if t])
        if source is None or primary not in codes:
            return spec
        live = _live_children(source, self.on)
        for child, dest in children.items():
            if child not in live:
                self.err.add(f"spec.children.{child}", _("Không phải đơn vị trực thuộc của đơn vị bị chia."))
            elif dest not in codes:
                self.err.add(f"spec.children.{child}", _("Phải chuyển về một trong các đơn vị mới."))
        spec.ends[source.code] = primary
        spec.successions += [(source.code, c, c == primary) for c in codes]
        spec.reparent += [(c, children.get(c, primary)) for c in live]
        return spec

    def dissolve(self) -> Spec:
        unit = self.unit("unit", self.raw.get("unit"), {UnitKind.DISTRICT})
        if unit is None or unit.parent is None:
            return Spec()
        parent = unit.parent.code
        return Spec(ends={unit.code: parent}, successions=[(unit.code, parent, True)],
                    reparent=[(c, parent) for c in _live_children(unit, self.on)], keep_staff=True)

    def rename(self) -> Spec:
        unit = self.unit("unit", self.raw.get("unit"))
        name = str(self.raw.get("name") or "").strip()
        if not name or len(name) > 255:
            self.err.add("spec.name", _("Cần tên mới (tối đa 255 ký tự)."))
        elif unit is not None and name == unit.name:
            self.err.add("spec.name", _("Tên mới trùng tên hiện tại."))
        return Spec(renames=[(unit.code, name)] if unit and name else [])

    def move(self) -> Spec:
        unit = self.unit("unit", self.raw.get("unit"))
        if unit is None:
            return Spec()
        if unit.kind == UnitKind.PROVINCE:
            self.err.add("spec.unit", _("Cấp tỉnh không trực thuộc đơn vị nào."))
            return Spec()
        parent = self.unit("parent_code", self.raw.get("parent_code"), PARENT_KINDS.get(unit.kind))
        if parent is None:
            return Spec()
        if parent.path.startswith(unit.path):
            self.err.add("spec.parent_code", _("Không thể chuyển đơn vị vào chính nó hoặc đơn vị con của nó."))
        elif parent.pk == unit.parent_id:
            self.err.add("spec.parent_code", _("Đơn vị đã trực thuộc đơn vị này."))
        return Spec(reparent=[(unit.code, parent.code)])


def _live_children(unit: Unit, on: date) -> list[str]:
    from django.db.models import Q

    return list(unit.children.filter(Q(dissolved_on__isnull=True) | Q(dissolved_on__gt=on))
                .order_by("code").values_list("code", flat=True))
