"""Figures across reorganizations: by the boundaries in force then, or by today's units.

A reorganization (:mod:`motcua.units.reorganize`) ends units (merged, split, dissolved), moves
others under new parents and moves the open dossiers to the successors with a TRANSFER event.
Every figure can then be asked on two *boundaries*:

``then``  the units as they were at the end of the period (their :class:`~motcua.units.models.UnitVersion`
          valid on its last day); a dossier counts for the unit that held it then: its current
          unit, or, when it was transferred after the period, the ``from_unit`` of the first such
          TRANSFER event. A period before a reform gives the same numbers before and after it.
``now``   today's units: a unit counts every dossier whose holder is, or is a predecessor of, a unit
          of its subtree today (primary successor chains: a split's history goes to its primary
          successor). Rankings of today's units stay continuous across the reform.

Both reduce to a *set of holder units* (:class:`Scope`), computed from unit-level mappings
(:class:`UnitMap`: unit -> today's unit, unit -> path on a date; a few hundred rows) rather than
per-dossier joins. The read model's buckets are kept per path prefix; a unit set is read from them
as signed sums of the paths its units have had (:func:`signed_paths`), the dossiers transferred
after the period being corrected from the event log (they are few: the open ones of a reform).
When nothing was ever reorganized the scope is the unit's path prefix, as before.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from motcua.core import clock
from motcua.domain.errors import ValidationFailed
from motcua.dossiers.models import DossierEvent
from motcua.units.models import Unit, UnitSuccession, UnitVersion

THEN, NOW = "then", "now"
CHOICES = (THEN, NOW)
LABELS = {THEN: _("Theo địa giới tại thời điểm báo cáo"), NOW: _("Theo đơn vị hiện nay")}
TRANSFER = "transfer"
_MICRO = timedelta(microseconds=1)
_MAX_CHAIN = 64  # successor chains longer than this are cut (a cycle in bad data)


def last_id(path: str) -> int:
    """"/1/7/42/" -> 42 (a materialized path ends with its unit's id)."""
    return int(path.rstrip("/").rsplit("/", 1)[-1])


@dataclass(frozen=True)
class Version:
    valid_from: date | None
    valid_until: date | None
    path: str
    name: str

    def covers(self, d: date) -> bool:
        return (self.valid_from is None or self.valid_from <= d) and (self.valid_until is None or d < self.valid_until)


@dataclass
class UnitMap:
    """The unit tree over time, unit by unit: today's path, dissolution, today's unit, the
    versions; computed once per query from the (small) unit tables."""

    paths: dict[int, str]
    names: dict[int, str]
    codes: dict[int, str]
    dissolved: dict[int, date | None]
    successor: dict[int, int]  # primary successor of an ended unit
    versions: dict[int, list[Version]]
    reorganized: bool  # any succession, ended-with-successor unit or closed version
    _today: dict[int, int] = field(default_factory=dict)

    def alive(self, unit_id: int, today: date | None = None) -> bool:
        d = self.dissolved.get(unit_id)
        return d is None or d > (today or clock.local_date(clock.now()))

    def today_of(self, unit_id: int) -> int:
        """Today's unit of ``unit_id``: itself while it exists, else its primary successor's."""
        got = self._today.get(unit_id)
        if got is None:
            u, seen = unit_id, 0
            while u in self.successor and not self.alive(u) and seen < _MAX_CHAIN:
                u, seen = self.successor[u], seen + 1
            got = self._today[unit_id] = u
        return got

    def path_on(self, unit_id: int, d: date) -> str | None:
        """The unit's path on ``d`` (None: it did not exist then). A unit without versions (made
        before versions were kept) has its path of today over its dated life."""
        versions = self.versions.get(unit_id)
        if not versions:
            if unit_id not in self.paths or not self.alive(unit_id, d):
                return None
            return self.paths[unit_id]
        return next((v.path for v in versions if v.covers(d)), None)

    def name_on(self, unit_id: int, d: date) -> str:
        versions = self.versions.get(unit_id) or []
        return next((v.name for v in versions if v.covers(d)), self.names.get(unit_id, ""))

    def known_paths(self) -> dict[int, set[str]]:
        """Every path each unit has had (today's and its versions'): where its dossiers' read-model
        rows may be kept."""
        out: dict[int, set[str]] = defaultdict(set)
        for u, p in self.paths.items():
            out[u].add(p)
        for u, vs in self.versions.items():
            out[u].update(v.path for v in vs)
        return out

    def units_now(self, unit: Unit) -> frozenset[int]:
        """Holder units whose today's unit lies in ``unit``'s subtree today."""
        return frozenset(u for u in self.paths if self.paths.get(self.today_of(u), "").startswith(unit.path))

    def units_then(self, unit: Unit, d: date) -> frozenset[int]:
        """Holder units in ``unit``'s subtree as it was on ``d`` (empty: it did not exist then)."""
        top = self.path_on(unit.pk, d)
        if top is None:
            return frozenset()
        return frozenset(u for u in self.paths if (self.path_on(u, d) or "\0").startswith(top))


_FINGERPRINT = ("SELECT (SELECT COUNT(*) FROM units_unit WHERE successor_id IS NOT NULL), "
                "(SELECT COUNT(*) FROM units_unitsuccession), (SELECT MAX(id) FROM units_unitsuccession), "
                "(SELECT COUNT(*) FROM units_unitversion WHERE valid_until IS NOT NULL), "
                "(SELECT MAX(id) FROM units_unitversion), (SELECT MAX(id) FROM units_unit), "
                "(SELECT COUNT(*) FROM (SELECT 1 FROM dossiers_dossierevent WHERE action = 'transfer' LIMIT 1) t)")
FINGERPRINT_TTL = 10.0  # seconds; the reorganization service clears it at once in its own process


def fingerprint() -> tuple[Any, ...]:
    """One query telling whether anything was ever reorganized (the first four numbers are 0 when
    not), which state of the unit tables a cached map was read from, and whether any dossier was
    ever transferred (the last). Kept ten seconds per process: a page computing many figures reads it
    once (:func:`motcua.core.refcache.clear`, called by the reorganization service, drops it)."""
    from motcua.core import refcache

    return refcache.cached("reports.fingerprint", "", _read_fingerprint, FINGERPRINT_TTL)


def _read_fingerprint() -> tuple[Any, ...]:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(_FINGERPRINT)
        return tuple(cur.fetchone())


def reorganized(fp: tuple[Any, ...]) -> bool:
    return any(fp[:2]) or bool(fp[3])


def current_map(fp: tuple[Any, ...] | None = None) -> UnitMap:
    """The unit map, cached per process for the state ``fp`` of the unit tables (a reorganization
    changes it; :mod:`motcua.core.refcache`'s short TTL covers a unit moved by hand without versions)."""
    from motcua.core import refcache

    fp = fp or fingerprint()
    return refcache.cached("reports.unitmap", repr(fp), load_map)


def load_map() -> UnitMap:
    """The unit map of the database (3 queries on the unit tables)."""
    paths, names, codes, dissolved, successor = {}, {}, {}, {}, {}
    for pk, path, name, code, ended, succ in Unit.objects.values_list("pk", "path", "name", "code", "dissolved_on",
                                                                       "successor_id"):
        paths[pk], names[pk], codes[pk], dissolved[pk] = path, name, code, ended
        if succ is not None:
            successor[pk] = succ
    successions = list(UnitSuccession.objects.values_list("predecessor_id", "successor_id", "primary"))
    for pred, succ, primary in successions:
        if primary or pred not in successor:
            successor[pred] = succ
    versions: dict[int, list[Version]] = defaultdict(list)
    closed = False
    for unit_id, vf, vu, path, name in (UnitVersion.objects.order_by("unit_id", "valid_from")
                                        .values_list("unit_id", "valid_from", "valid_until", "path", "name")):
        versions[unit_id].append(Version(vf, vu, path, name))
        closed = closed or vu is not None
    reorganized = bool(successions or successor or closed)
    return UnitMap(paths, names, codes, dissolved, successor, dict(versions), reorganized)


def any_transfer() -> bool:
    """Was any dossier ever moved to another unit (the partial index reports 0009 makes this cheap)?"""
    return DossierEvent.objects.filter(action=TRANSFER).exists()


def transfers_after(at: Any, which: str = "handling") -> dict[int, tuple[int, Any, dict[str, Any]]]:
    """dossier id -> (from unit, when, data) of its first TRANSFER event at or after ``at`` that
    moved its ``which`` unit ("handling" or "receiving"): who held it at ``at``."""
    out: dict[int, tuple[int, Any, dict[str, Any]]] = {}
    rows = (DossierEvent.objects.filter(action=TRANSFER, at__gte=at).order_by("at", "seq")
            .values_list("dossier_id", "at", "data"))
    for dossier_id, when, data in rows:
        data = data or {}
        if dossier_id in out or data.get("which", "handling") not in (which, "both"):
            continue
        if data.get("from_unit") is not None:
            out[dossier_id] = (int(data["from_unit"]), when, data)
    return out


def resolve(unit: Unit, boundaries: str, umap: UnitMap | None = None) -> str:
    """The boundaries to use: the one asked, or by default today's units ("now") for a unit that
    exists today and the units of the time ("then") for one that has ended."""
    if boundaries and boundaries not in CHOICES:
        raise ValidationFailed("Invalid filter.", fields={"boundaries": "then or now"})
    ended = unit.dissolved_on is not None and unit.dissolved_on <= clock.local_date(clock.now())
    if boundaries == NOW and ended:
        raise ValidationFailed("Invalid filter.", fields={
            "boundaries": f"the unit ended on {unit.dissolved_on:%d/%m/%Y}: ask by 'then' or ask its successor"})
    return boundaries or (THEN if ended else NOW)


@dataclass
class Scope:
    """Which dossiers count for a unit on given boundaries: those whose holder (at the period end
    for "then") is in ``units``. ``trivial``: nothing was reorganized, the path prefix decides."""

    unit: Unit
    boundaries: str
    day: date  # the period's last day (the boundaries of "then")
    column: str  # "handling" or "receiving"
    trivial: bool
    umap: UnitMap | None = None
    units: frozenset[int] = frozenset()
    held: dict[int, int] = field(default_factory=dict)  # dossier -> holder at the period end, if transferred after

    def dossier_q(self, prefix: str = "") -> Q:
        """A superset of the scope's dossiers as a filter on ``Dossier`` (``prefix``: the relation
        to it); :meth:`keeps` decides each one."""
        col = f"{prefix}{self.column}_path__startswith"
        if self.trivial:
            return Q(**{col: self.unit.path})
        assert self.umap is not None
        inside = {u for u, p in self.umap.paths.items() if p.startswith(self.unit.path)}
        unit_col = f"{prefix}{self.column}_unit_id__in"
        q = Q(**{col: self.unit.path})
        if inside - self.units:
            q &= ~Q(**{unit_col: sorted(inside - self.units)})
        if self.units - inside:
            q |= Q(**{unit_col: sorted(self.units - inside)})
        moved_in = sorted(d for d, u in self.held.items() if u in self.units)
        if moved_in:
            q |= Q(**{f"{prefix}pk__in": moved_in})
        return q

    def holder(self, dossier_id: int, unit_id: int) -> int:
        return self.held.get(dossier_id, unit_id)

    def keeps(self, dossier_id: int, unit_id: int) -> bool:
        return self.trivial or self.holder(dossier_id, unit_id) in self.units

    def path_of(self, dossier_id: int, unit_id: int, path: str) -> str:
        """The dossier's path on these boundaries (today's unit's, or the holder's then)."""
        if self.trivial:
            return path
        assert self.umap is not None
        holder = self.holder(dossier_id, unit_id)
        if self.boundaries == NOW:
            return self.umap.paths.get(self.umap.today_of(holder), path)
        return self.umap.path_on(holder, self.day) or path

    def unit_path(self, unit: Unit) -> str:
        """A unit's path on these boundaries (to attribute dossiers to the rows of a report)."""
        if self.trivial or self.boundaries == NOW or self.umap is None:
            return unit.path
        return self.umap.path_on(unit.pk, self.day) or "\0"


def scope_of(unit: Unit, boundaries: str, period_end: Any, column: str = "handling",
             umap: UnitMap | None = None) -> Scope:
    """The scope of ``unit`` for the period ending (exclusive) at ``period_end``."""
    day = period_day(period_end)
    chosen = resolve(unit, boundaries, umap)
    fp = fingerprint()
    transfers = chosen == THEN and bool(fp[6])
    if umap is None:
        if not reorganized(fp) and not transfers:
            return Scope(unit, chosen, day, column, True)
        umap = current_map(fp)
    if not umap.reorganized and not transfers:
        return Scope(unit, chosen, day, column, True)
    units = umap.units_then(unit, day) if chosen == THEN else umap.units_now(unit)
    held = {d: u for d, (u, _at, _data) in transfers_after(period_end, column).items()} if transfers else {}
    return Scope(unit, chosen, day, column, False, umap, units, held)


def signed_paths(scope: Scope) -> dict[str, int]:
    """The read-model scope paths whose signed sum is the rows of the scope's units' *own*
    dossiers (by their current holder): for every path ``p`` a unit of the set has had,
    ``+rows(p)`` and ``-rows(c)`` for each known path ``c`` one level below ``p``."""
    assert scope.umap is not None
    known = scope.umap.known_paths()
    every = {p for ps in known.values() for p in ps}
    children: dict[str, list[str]] = defaultdict(list)
    for p in every:
        parent = p[:p.rstrip("/").rfind("/") + 1]
        if parent and parent != p:
            children[parent].append(p)
    coef: dict[str, int] = defaultdict(int)
    for u in scope.units:
        for p in known.get(u, ()):
            coef[p] += 1
            for c in children.get(p, ()):
                coef[c] -= 1
    return {p: n for p, n in coef.items() if n}



def period_day(period_end: Any) -> date:
    """The day whose boundaries "then" means: the last day judged (the period's, or today's while
    it runs: ``period_end`` is then now)."""
    return clock.local_date(period_end - _MICRO)


# ---- the "why" of a dossier that moved ---------------------------------------------------------

@dataclass(frozen=True)
class Move:
    """One TRANSFER of a dossier: from which unit to which, when, by which decision."""

    from_code: str
    from_name: str
    to_code: str
    to_name: str
    on: date
    decision: str
    which: str


def moves_of(dossier_id: int, before: Any = None) -> list[Move]:
    """The dossier's transfers (before ``before``, if given), oldest first, with the units' names
    as they were and the reorganization's decision number."""
    from motcua.units.models import Reorganization

    qs = DossierEvent.objects.filter(dossier_id=dossier_id, action=TRANSFER).order_by("seq")
    if before is not None:
        qs = qs.filter(at__lt=before)
    rows = list(qs.values_list("at", "data", "note"))
    if not rows:
        return []
    umap = current_map()
    reorgs = dict(Reorganization.objects.filter(
        pk__in=[d.get("reorganization") for _a, d, _n in rows if (d or {}).get("reorganization")])
        .values_list("pk", "decision_number"))
    out = []
    for at, data, note in rows:
        data, on = data or {}, clock.local_date(at)
        src, dst = data.get("from_unit"), data.get("to_unit")
        out.append(Move(data.get("from_code") or umap.codes.get(src, ""),
                        umap.name_on(src, on - timedelta(days=1)) if src else "",
                        data.get("to_code") or umap.codes.get(dst, ""), umap.name_on(dst, on) if dst else "",
                        on, reorgs.get(data.get("reorganization"), "") or note, data.get("which", "handling")))
    return out


def moves_sentence(moves: list[Move]) -> str:
    """"Tiếp nhận tại X; chuyển sang Y ngày dd/mm/yyyy theo Nghị quyết ..." (several moves: each)."""
    if not moves:
        return ""
    parts = [str(_("Tiếp nhận tại %(unit)s") % {"unit": moves[0].from_name or moves[0].from_code})]
    for m in moves:
        text = _("chuyển sang %(unit)s ngày %(d)s") % {"unit": m.to_name or m.to_code, "d": f"{m.on:%d/%m/%Y}"}
        if m.decision:
            text = _("%(move)s theo %(decision)s") % {"move": text, "decision": m.decision}
        parts.append(str(text))
    return "; ".join(parts) + "."
