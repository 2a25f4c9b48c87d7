"""Response schemas of the reports API (separate from the services' dataclasses)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from ninja import Schema


class RateOut(Schema):
    value: float | None  # percent, truncated to 2 decimals; null = N/A
    numerator: str  # figure key to drill into
    denominator: str
    note: str


class FiguresOut(Schema):
    unit: str
    unit_name: str
    start: datetime
    end: datetime  # exclusive
    as_of: datetime  # the instant the figures are judged at: the end, or now while the period runs
    filters: dict[str, Any]
    counts: dict[str, int]
    labels: dict[str, str]
    rates: dict[str, RateOut]
    average_processing_hours: float | None
    # internal steps (motcua.reports.steps): left in the period, left late, open and past due at as_of
    late_steps: dict[str, int] = {}


class DossierRef(Schema):
    id: int
    code: str


class DrillPage(Schema):
    figure: str
    items: list[DossierRef]
    next_after: int | None


class Reason(Schema):
    figure: str
    label: str
    because: str


class MoveOut(Schema):
    from_code: str
    from_name: str
    to_code: str
    to_name: str
    on: date
    decision: str
    which: str


class WhyOut(Schema):
    id: int
    code: str
    start: datetime
    end: datetime
    as_of: datetime  # the verdict's instant: the end, or now while the period runs
    figures: list[Reason]
    category: str
    explanation: list[dict[str, Any]]
    # the units a dossier moved between (a reorganization's TRANSFER events), oldest first, and the
    # sentence "Tiếp nhận tại X; chuyển sang Y ngày dd/mm/yyyy theo ..." ("" if it never moved)
    moves: list[MoveOut] = []
    units: str = ""


class IndicatorOut(Schema):
    key: str
    name: str
    max_points: float
    threshold: float
    reference: bool
    numerator: int | None
    denominator: int | None
    ratio: float | None
    points: float | None
    value: float | None
    available: bool


class GroupOut(Schema):
    key: str
    name: str
    max_points: float
    points: float | None  # null (N/A) when no indicator of the group has data
    available_points: float
    indicators: list[IndicatorOut]


class IndexOut(Schema):
    unit: str
    unit_name: str
    start: datetime
    end: datetime
    version: str
    points: float | None  # null (N/A) when no indicator has data
    available_points: float
    rank: int | None  # null: not ranked (no data)
    groups: list[GroupOut]


class RankingOut(Schema):
    parent: str
    start: datetime
    end: datetime
    items: list[IndexOut]
