"""Response schemas of the reports API (separate from the services' dataclasses)."""

from __future__ import annotations

from datetime import datetime
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
    filters: dict[str, Any]
    counts: dict[str, int]
    labels: dict[str, str]
    rates: dict[str, RateOut]
    average_processing_hours: float | None


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


class WhyOut(Schema):
    id: int
    code: str
    start: datetime
    end: datetime
    figures: list[Reason]
    category: str
    explanation: list[dict[str, Any]]


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
    points: float
    available_points: float
    indicators: list[IndicatorOut]


class IndexOut(Schema):
    unit: str
    unit_name: str
    start: datetime
    end: datetime
    version: str
    points: float
    available_points: float
    rank: int | None
    groups: list[GroupOut]


class RankingOut(Schema):
    parent: str
    start: datetime
    end: datetime
    items: list[IndexOut]
