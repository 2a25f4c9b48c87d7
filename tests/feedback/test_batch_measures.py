"""The ranking's batched feedback measures: one read under the parent gives every unit exactly what the
per-unit provider gives it (the demo's feedback history: every state, on time and late, ratings)."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from motcua.dossiers.generator import generate
from motcua.feedback import demo, indicators
from motcua.reports import index766
from motcua.reports.services import compute_figures, period_of
from motcua.units.models import Unit

pytestmark = pytest.mark.django_db


def test_batched_measures_equal_the_per_unit_ones_and_cost_a_few_queries(world, clock, monkeypatch):  # noqa: ANN001
    clock.set("2026-07-15 10:00")
    generate(400, world.province, date(2026, 1, 5), date(2026, 6, 30), seed=7)
    monkeypatch.setattr(demo, "PER_DOSSIERS", 8)
    demo.prepare(io.StringIO())
    units = list(Unit.objects.filter(path__startswith=world.province.path).exclude(pk=world.province.pk))
    for start, end in ((date(2026, 1, 1), date(2026, 6, 30)), (date(2026, 3, 1), date(2026, 3, 31)),
                       (date(2026, 7, 1), date(2026, 7, 31))):  # a half year, a month, the partial month
        period = period_of(start, end)
        figures = {u.pk: compute_figures(u, period.start, period.end) for u in units}
        with CaptureQueriesContext(connection) as q:
            batched = indicators.feedback_measures_of_units(units, world.province, period, figures)
        assert len(q.captured_queries) <= 8, [x["sql"][:120] for x in q.captured_queries]
        assert set(batched) == {u.pk for u in units}
        for u in units:
            assert batched[u.pk] == indicators.feedback_measures(u, period, figures[u.pk]), (u.name, start)
        assert any(m["feedback_on_time"].denominator for m in batched.values())


def test_the_ranking_is_the_same_with_and_without_the_batch(world, clock, monkeypatch):  # noqa: ANN001
    clock.set("2026-07-15 10:00")
    generate(300, world.province, date(2026, 1, 5), date(2026, 6, 30), seed=8)
    monkeypatch.setattr(demo, "PER_DOSSIERS", 8)
    demo.prepare(io.StringIO())
    period = period_of(date(2026, 1, 1), date(2026, 6, 30))
    monkeypatch.setattr(index766, "SHARED_FROM", 0)  # the test world has two communes: share anyway
    fast = index766.ranking(world.province, period, "commune")
    monkeypatch.delattr(indicators.feedback_measures, "of_units")
    slow = index766.ranking(world.province, period, "commune")
    assert [(r.rank, r.index.unit.code, r.index.score.points) for r in fast] == [
        (r.rank, r.index.unit.code, r.index.score.points) for r in slow]
    assert any(r.rank is not None for r in fast)
