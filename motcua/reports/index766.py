"""The Decision 766 index of a unit and period, and the ranking of units.

Weights and thresholds are data: ``fixtures/index766_v<version>.json``, one file per version; which
version is in force on which dates is the rules registry's (``INDEX766`` in motcua/domain/rules_data.py),
and the one in force on the period's last day applies. Indicators read named *measures* (numerator and
denominator) that the statistics engine computes from the same figures as every report; a
measure no part of motcua provides yet (publication, synchronization, payments, feedback) is N/A
and scores nothing, never a made-up number.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from motcua.core import clock
from motcua.core.clock import local_date
from motcua.domain import indicators as ind
from motcua.domain import rules
from motcua.units.models import Unit

from . import boundaries as bd
from .facts import NO_FILTERS, Filters
from .figures import Figures
from .services import Period, compute_figures, compute_figures_of_units

FIXTURES = Path(__file__).parent / "fixtures"


@lru_cache(maxsize=1)
def index_versions() -> tuple[ind.IndexVersion, ...]:
    """Every weights version the rules registry dates, read from ``fixtures/`` (validated; a file whose
    own ``effective_from`` disagrees with the registry is refused, so the two cannot drift apart)."""
    out = []
    for dated in rules.index766_periods():
        with (FIXTURES / f"index766_v{dated.value}.json").open(encoding="utf-8") as fh:
            version = ind.parse_index(json.load(fh))
        if (version.version, version.effective_from) != (dated.value, dated.effective_from):
            raise ValueError(f"index766_v{dated.value}.json: version {version.version} from {version.effective_from}"
                             f", the rules registry says {dated.value} from {dated.effective_from}")
        out.append(version)
    return tuple(out)


def version_for(period: Period) -> ind.IndexVersion:
    """The weights the rules registry puts in force on the period's last day (LookupError before 766)."""
    key = rules.index766_for(period.last_day)
    if key is None:
        raise LookupError(f"no index version in force on {period.last_day}")
    return next(v for v in index_versions() if v.version == key)


def measures(figs: Figures) -> dict[str, ind.Measure | None]:
    """The index inputs this system has, from the period's figures; others stay N/A."""
    c = figs.counts
    out: dict[str, ind.Measure | None] = {
        "resolved_on_time": ind.Measure(c["resolved_in_time"], c["resolved"]),
        "online_full": ind.Measure(c["online_full"], c["online_full_eligible"]),
    }
    # "digitized" and "e_results" come from motcua/digitization, "dossier_satisfaction" (which needs the
    # complaints) from motcua/feedback: both are MEASURE_PROVIDERS, given these figures
    return out


@dataclass(frozen=True)
class UnitIndex:
    unit: Unit
    figures: Figures
    score: ind.IndexScore


def synced_measure(unit: Unit, period: Period) -> ind.Measure | None:
    """"Dossiers synced to the national portal / all dossiers": the unit's dossiers (handling
    path, as the figures) submitted in the period, and those the portal holds in full (every event
    acknowledged: motcua/integrations/national_portal). N/A while the integration has never run."""
    from motcua.dossiers.models import Dossier
    from motcua.integrations.national_portal.models import DossierSync, SyncState

    if not DossierSync.objects.exists():
        return None
    qs = Dossier.objects.filter(handling_path__startswith=unit.path, submitted_at__gte=period.start,
                                submitted_at__lt=period.end)
    total = qs.count()
    synced = qs.filter(portal_sync__state=SyncState.SYNCED).count() if total else 0
    return ind.Measure(synced, total)


# other apps' measures (digitization, the document store, certified copies, feedback, the population
# database: motcua/integrations/population/indicators.py): each
# provider returns {measure name: Measure} for a unit and period, registered in its AppConfig.ready();
# a measure of 0 of 0 is N/A (dropped), and a provider's measure replaces the figures' one of that name.
# A provider with ``wants_figures = True`` is also given the period's figures (no second computation).
MEASURE_PROVIDERS: list[Callable[..., dict[str, ind.Measure]]] = []


@dataclass(frozen=True)
class NoData:
    """The measures a ranking's parent has no data for in the period (0 of 0 everywhere under it):
    every measure of a unit counts the unit's own dossiers (or cases), which are among its parent's,
    so a unit inside the parent has none either and the query is not made again for each unit."""

    synced: str = ""  # "never": the portal integration never ran (N/A); "empty": 0 of 0 under the parent
    payment: bool = False
    providers: frozenset[Callable[..., dict[str, ind.Measure]]] = frozenset()  # those not given figures


def no_data_under(parent: Unit, period: Period) -> NoData:
    """Which measures are 0 of 0 for ``parent`` (one call of each provider for the parent)."""
    from motcua.integrations.payment.indicators import payment_measures

    synced = synced_measure(parent, period)
    return NoData("never" if synced is None else "empty" if synced.denominator == 0 else "",
                  not any(v.denominator for v in payment_measures(parent, period).values()),
                  frozenset(p for p in MEASURE_PROVIDERS if not getattr(p, "wants_figures", False)
                            and not any(v.denominator for v in p(parent, period).values())))


def index_of(unit: Unit, figs: Figures, period: Period, none: NoData | None = None,
             given: dict[Callable[..., dict[str, ind.Measure]], dict[str, ind.Measure]] | None = None) -> UnitIndex:
    """The unit's index; ``none``: the measures its parent has no data for (see :class:`NoData`),
    only for a unit inside that parent's subtree; ``given``: providers' measures of the unit already
    computed for a whole ranking (a provider's ``of_units``)."""
    none = none or NoData()
    given = given or {}
    m = measures(figs)
    synced = {"never": None, "empty": ind.Measure(0, 0)}.get(none.synced) if none.synced else synced_measure(
        unit, period)
    if synced is not None:
        m["dossiers_synced"] = synced
    from motcua.integrations.payment.indicators import payment_measures

    if not none.payment:
        m.update({k: v for k, v in payment_measures(unit, period).items() if v.denominator})  # 0 of 0: N/A
    for provider in MEASURE_PROVIDERS:
        if provider in none.providers:
            continue
        if provider in given:
            m.update({k: v for k, v in given[provider].items() if v.denominator})
            continue
        got = provider(unit, period, figs) if getattr(provider, "wants_figures", False) else provider(unit, period)
        m.update({k: v for k, v in got.items() if v.denominator})
    return UnitIndex(unit, figs, ind.score_index(version_for(period), m))


def compute_index(unit: Unit, period: Period, filters: Filters = NO_FILTERS) -> UnitIndex:
    return index_of(unit, compute_figures(unit, period.start, period.end, filters), period)


def ranked_units(parent: Unit, kind: str | None = None) -> list[Unit]:
    """Units ranked under ``parent``: its descendants of ``kind``, or its direct children that
    handle dossiers (service centres only receive them; they are not ranked)."""
    if kind:
        qs = Unit.objects.filter(path__startswith=parent.path, kind=kind).exclude(pk=parent.pk)
    else:
        qs = Unit.objects.filter(parent=parent).exclude(kind="service_centre")
    return list(qs.order_by("code"))


def units_on(parent: Unit, period: Period, kind: str | None, boundaries: str) -> list[Unit]:
    """The units ranked (and listed by the periodic report) on these boundaries: as the tree was on
    the period's last day ("then"), or today's units, those that ended left out ("now")."""
    if boundaries == bd.THEN:
        return then_ranked_units(parent, kind, period)
    today = local_date(clock.now())
    return [u for u in ranked_units(parent, kind) if u.dissolved_on is None or u.dissolved_on > today]


def then_ranked_units(parent: Unit, kind: str | None, period: Period) -> list[Unit]:
    """:func:`ranked_units` as the tree was on the period's last day (names of then)."""
    umap, day = bd.current_map(), bd.period_day(period.end)
    top = umap.path_on(parent.pk, day)
    if top is None:
        return []
    depth = top.count("/") + 1
    out = []
    for u in Unit.objects.exclude(pk=parent.pk).order_by("code"):
        path = umap.path_on(u.pk, day)
        if path is None or not path.startswith(top):
            continue
        if (u.kind == kind) if kind else (path.count("/") == depth and u.kind != "service_centre"):
            u.name = umap.name_on(u.pk, day)  # shown only, never saved
            out.append(u)
    return out


@dataclass(frozen=True)
class RankingRow:
    rank: int | None  # None: no indicator has data for the unit (shown N/A, listed last, not ranked)
    index: UnitIndex


def ranking(parent: Unit, period: Period, kind: str | None = None, boundaries: str = "") -> list[RankingRow]:
    """The index of every ranked unit under ``parent``, best first (ties share a rank), from one
    read of the read model for all of them (or of the event log when it cannot answer). By today's
    units (the default) the units that exist today, each with its predecessors' history (an ended
    unit is no longer ranked); by the boundaries of the time, the units as they were on the
    period's last day, under their names of then. Units without any data are listed last,
    unranked (N/A)."""
    return ranking_with_parent(parent, period, kind, boundaries)[0]


def ranking_with_parent(parent: Unit, period: Period, kind: str | None = None,
                        boundaries: str = "") -> tuple[list[RankingRow], Figures]:
    """:func:`ranking` and the parent's own figures of the period, from the same read (the
    dashboard splits the parent's figures among the ranked units)."""
    chosen = bd.resolve(parent, boundaries)
    units = units_on(parent, period, kind, chosen)
    figures = compute_figures_of_units([*units, parent], period.start, period.end, Filters(boundaries=chosen),
                                       within=parent)
    # the parent's measures without data, and a provider's batch (one read under the parent for all the
    # units), pay off when there are units to share them: for one or two units, each is asked on its own
    shared = len(units) > SHARED_FROM
    none = no_data_under(parent, period) if shared else NoData()
    batched = {p: p.of_units(units, parent, period, figures) for p in MEASURE_PROVIDERS  # type: ignore[attr-defined]
               if shared and hasattr(p, "of_units") and p not in none.providers}
    indexes = {u.code: index_of(u, figures[u.pk], period, none if u.path.startswith(parent.path) else None,
                                {p: got[u.pk] for p, got in batched.items() if u.pk in got})
               for u in units}
    scored = {code: ui.score.points for code, ui in indexes.items() if has_data(ui)}
    rows = [RankingRow(place, indexes[code]) for place, code, _ in ind.rank(scored)]
    rows += [RankingRow(None, indexes[code]) for code in sorted(indexes) if code not in scored]
    return rows, figures[parent.pk]


SHARED_FROM = 2  # units ranked beyond which the parent's reads are shared among them


def has_data(ui: UnitIndex) -> bool:
    """Whether any indicator of the unit's index has data (else its score is N/A, not 0)."""
    return ui.score.available_points > 0


def points_or_none(value: Decimal | None) -> float | None:
    return None if value is None else float(value)
