"""Report rates and the Decision 766 index: pure arithmetic on counts, no framework.

Published rates are *truncated* to two decimals (299,558 / 302,011 = 99.1877...% is published as
99.18%, not 99.19%), so every rate here is a :class:`~decimal.Decimal` percentage cut, never
rounded. An empty denominator gives ``None`` ("N/A"), never 0 or 100.

The provincial method (DOMAIN.md section 7)::

    to process   = received in the period + carried over from before it
    late rate    = (late still in progress + late finished) / to process
    on-time rate = 100% - late rate          (computed exactly, then truncated)

Because both published rates are truncated from exact values, ``on_time + late`` may show
99.99 instead of 100.00: that is what the provinces publish too.

The Decision 766 index (DOMAIN.md section 8) scores each indicator from a ratio R: full points
when R reaches the indicator's threshold, else R / threshold x points, rounded (half up) to two
decimals; empty denominators or missing inputs give N/A. Weights and thresholds are data
(:func:`parse_index`), versioned by the date they take effect (:func:`version_in_force`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from typing import Any

HUNDRED = Decimal(100)
CENT = Decimal("0.01")


def truncate2(value: Decimal) -> Decimal:
    """Cut to two decimals towards zero, as provinces publish rates."""
    return value.quantize(CENT, rounding=ROUND_DOWN)


def round2(value: Decimal) -> Decimal:
    """Round half up to two decimals (index points, averages)."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def exact_percent(numerator: int, denominator: int) -> Decimal | None:
    """numerator / denominator x 100 without rounding (28 significant digits); None if empty."""
    if denominator < 0 or numerator < 0:
        raise ValueError("counts cannot be negative")
    if denominator == 0:
        return None
    return Decimal(numerator) * HUNDRED / Decimal(denominator)


def rate(numerator: int, denominator: int) -> Decimal | None:
    """A published percentage: truncated to two decimals; None (N/A) for an empty denominator."""
    exact = exact_percent(numerator, denominator)
    return None if exact is None else truncate2(exact)


@dataclass(frozen=True)
class ProvincialRates:
    """On-time and late rates of a unit and period by the provincial method."""

    to_process: int
    late: int
    late_rate: Decimal | None
    on_time_rate: Decimal | None


def provincial_rates(received: int, carried_over: int, late_in_progress: int,
                     late_finished: int) -> ProvincialRates:
    """Section 7 rates: late = (late in progress + late finished) / (received + carried over)."""
    to_process = received + carried_over
    late = late_in_progress + late_finished
    if late > to_process:
        raise ValueError("more late dossiers than dossiers to process")
    exact = exact_percent(late, to_process)
    if exact is None:
        return ProvincialRates(to_process, late, None, None)
    return ProvincialRates(to_process, late, truncate2(exact), truncate2(HUNDRED - exact))


def average(total: Decimal | int, count: int) -> Decimal | None:
    """Mean rounded to two decimals; None when there is nothing to average."""
    if count == 0:
        return None
    return round2(Decimal(total) / Decimal(count))


# ---- Decision 766 index -------------------------------------------------------------------------

@dataclass(frozen=True)
class IndicatorSpec:
    """One indicator: its points, the ratio (in %) that earns them in full, and the measure it
    is computed from (a key the statistics engine knows, or one no system provides yet)."""

    key: str
    name: str
    points: Decimal
    threshold: Decimal  # percent; 100 means strictly proportional
    measure: str
    reference: bool = False  # shown but not scored (e.g. average processing time)


@dataclass(frozen=True)
class GroupSpec:
    key: str
    name: str
    points: Decimal
    indicators: tuple[IndicatorSpec, ...]


@dataclass(frozen=True)
class IndexVersion:
    """The weights of the index in force from ``effective_from``."""

    version: str
    effective_from: date
    groups: tuple[GroupSpec, ...]
    source: str = ""

    @property
    def total_points(self) -> Decimal:
        return sum((g.points for g in self.groups), Decimal(0))

    def indicators(self) -> Iterable[IndicatorSpec]:
        for g in self.groups:
            yield from g.indicators


def _dec(value: object, where: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, (int, str, float)):
        raise ValueError(f"{where}: a number is required")
    d = Decimal(str(value))
    if d < 0:
        raise ValueError(f"{where}: must not be negative")
    return d


def _indicator(raw: Mapping[str, Any], where: str) -> IndicatorSpec:
    threshold = _dec(raw.get("threshold", 100), f"{where}.threshold")
    if not 0 < threshold <= 100:
        raise ValueError(f"{where}.threshold: must be in (0, 100]")
    return IndicatorSpec(
        key=str(raw["key"]), name=str(raw.get("name", raw["key"])),
        points=_dec(raw.get("points", 0), f"{where}.points"), threshold=threshold,
        measure=str(raw.get("measure", raw["key"])), reference=bool(raw.get("reference", False)),
    )


def _group(raw: Mapping[str, Any], where: str) -> GroupSpec:
    indicators = tuple(_indicator(r, f"{where}.indicators[{i}]") for i, r in enumerate(raw["indicators"]))
    points = _dec(raw["points"], f"{where}.points")
    scored = sum((i.points for i in indicators if not i.reference), Decimal(0))
    if scored != points:
        raise ValueError(f"{where}: indicator points add up to {scored}, the group has {points}")
    return GroupSpec(str(raw["key"]), str(raw.get("name", raw["key"])), points, indicators)


def parse_index(doc: Mapping[str, Any]) -> IndexVersion:
    """Validate a weights document (see ``motcua/reports/fixtures/index766_*.json``)."""
    try:
        groups = tuple(_group(g, f"groups[{i}]") for i, g in enumerate(doc["groups"]))
        version = IndexVersion(str(doc["version"]), date.fromisoformat(str(doc["effective_from"])), groups,
                               str(doc.get("source", "")))
    except KeyError as exc:
        raise ValueError(f"missing key {exc}") from exc
    keys = [i.key for i in version.indicators()]
    if len(set(keys)) != len(keys):
        raise ValueError("indicator keys must be unique")
    if version.total_points != HUNDRED:
        raise ValueError(f"the index must total 100 points, not {version.total_points}")
    return version


def version_in_force(versions: Sequence[IndexVersion], on: date) -> IndexVersion:
    """The latest version whose ``effective_from`` is on or before ``on``."""
    candidates = [v for v in versions if v.effective_from <= on]
    if not candidates:
        raise LookupError(f"no index version in force on {on}")
    return max(candidates, key=lambda v: v.effective_from)


def score_indicator(numerator: int, denominator: int, threshold: Decimal,
                    points: Decimal) -> tuple[Decimal | None, Decimal | None]:
    """(ratio in % truncated, points) of one indicator; (None, None) for an empty denominator.

    The points use the exact ratio: full points at or above ``threshold``, else
    ratio / threshold x points, rounded half up to two decimals."""
    exact = exact_percent(numerator, denominator)
    if exact is None:
        return None, None
    if exact >= threshold:
        return truncate2(exact), round2(points)
    return truncate2(exact), round2(exact / threshold * points)


@dataclass(frozen=True)
class Measure:
    """A numerator over a denominator, as the statistics engine computed it."""

    numerator: int
    denominator: int


@dataclass(frozen=True)
class IndicatorScore:
    spec: IndicatorSpec
    measure: Measure | None  # None: no system provides this input yet
    ratio: Decimal | None
    points: Decimal | None

    @property
    def available(self) -> bool:
        return self.points is not None


@dataclass(frozen=True)
class GroupScore:
    spec: GroupSpec
    indicators: tuple[IndicatorScore, ...]
    points: Decimal  # sum of the scored indicators (N/A ones add nothing)
    available_points: Decimal  # points at stake in the indicators that could be scored


@dataclass(frozen=True)
class IndexScore:
    version: IndexVersion
    groups: tuple[GroupScore, ...]
    points: Decimal
    available_points: Decimal


def _score_one(spec: IndicatorSpec, measure: Measure | None) -> IndicatorScore:
    if measure is None:
        return IndicatorScore(spec, None, None, None)
    ratio, points = score_indicator(measure.numerator, measure.denominator, spec.threshold, spec.points)
    if spec.reference:
        points = None
    return IndicatorScore(spec, measure, ratio, points)


def score_index(version: IndexVersion, measures: Mapping[str, Measure | None]) -> IndexScore:
    """Score every indicator of ``version`` from the measures by key; absent ones are N/A."""
    groups = []
    for g in version.groups:
        scores = tuple(_score_one(i, measures.get(i.measure)) for i in g.indicators)
        got = sum((s.points for s in scores if s.points is not None), Decimal(0))
        at_stake = sum((s.spec.points for s in scores if s.points is not None), Decimal(0))
        groups.append(GroupScore(g, scores, round2(got), at_stake))
    total = sum((g.points for g in groups), Decimal(0))
    available = sum((g.available_points for g in groups), Decimal(0))
    return IndexScore(version, tuple(groups), round2(total), available)


def rank(scores: Mapping[str, Decimal]) -> list[tuple[int, str, Decimal]]:
    """Competition ranking (1, 2, 2, 4) by points descending, ties in key order."""
    ordered = sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))
    out: list[tuple[int, str, Decimal]] = []
    for i, (key, points) in enumerate(ordered):
        place = out[-1][0] if out and out[-1][2] == points else i + 1
        out.append((place, key, points))
    return out
