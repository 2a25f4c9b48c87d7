"""The dashboard's fast paths give exactly the numbers of the slow ones, on a generated world.

The ranking of a month to date is judged as of now, so the event log answers it (the read model
keeps midnights only). The fast path reads the facts of the parent's dossiers once and shares them
out among the ranked units (:func:`motcua.reports.services.compute_figures_of_units` with
``within``); the slow path, the one the dashboard used before, computes each unit on its own. Both
must agree on every count, rate, average and 766 score, on every boundaries (none reorganized, and
after a merge: by the units of the time, by today's units, and the default), before and after the
reform's transfers.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.cache import cache

from motcua.dossiers.generator import generate
from motcua.reports import boundaries as bd
from motcua.reports import index766 as idx
from motcua.reports import readmodel
from motcua.reports import services as svc
from motcua.reports.facts import Filters
from motcua.units.models import Unit
from tests.reports.test_boundaries import merge_a_into_b


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


def generated_with(world, seed: int):  # noqa: ANN001, ANN201
    """900 generated histories, December to April, the read model refreshed."""
    generate(900, world.province, date(2025, 12, 1), date(2026, 4, 30), seed=seed)
    assert readmodel.refresh(limit=None)
    return world


@pytest.fixture
def generated(world):  # noqa: ANN001, ANN201
    return generated_with(world, 11)


def _slow(unit: Unit, p: svc.Period, boundaries: str) -> svc.Figures:
    """The reference: one computation per unit from the event log alone."""
    return svc.compute_figures_from_events(Unit.objects.get(pk=unit.pk), p.start, p.end, Filters(boundaries=boundaries))


def _same(fast: svc.Figures, slow: svc.Figures, where: str) -> None:
    assert fast.counts == slow.counts, where
    assert {k: r.value for k, r in fast.rates.items()} == {k: r.value for k, r in slow.rates.items()}, where
    assert fast.average_processing_hours == slow.average_processing_hours, where
    assert fast.processing_seconds_total == slow.processing_seconds_total, where


def _check_ranking(parent: Unit, p: svc.Period, boundaries: str, monkeypatch: pytest.MonkeyPatch) -> int:
    chosen = bd.resolve(parent, boundaries)
    alone = []
    real = svc.compute_figures_from_events
    monkeypatch.setattr(svc, "compute_figures_from_events", lambda *a, **k: alone.append(a[0]) or real(*a, **k))
    rows = idx.ranking(parent, p, boundaries=boundaries)
    monkeypatch.setattr(svc, "compute_figures_from_events", real)
    assert rows and not alone  # one shared read, no unit computed on its own
    slow_indexes = {}
    for row in rows:
        slow = _slow(row.index.unit, p, chosen)
        _same(row.index.figures, slow, f"{row.index.unit.code} {boundaries or 'default'}")
        slow_indexes[row.index.unit.code] = idx.index_of(row.index.unit, slow, p)
        assert row.index.score == slow_indexes[row.index.unit.code].score
    scored = {c: ui.score.points for c, ui in slow_indexes.items() if idx.has_data(ui)}
    assert [(r.rank, r.index.unit.code) for r in rows if r.rank] == [(place, c) for place, c, _ in idx.ind.rank(scored)]
    return sum(r.index.figures.counts["to_process"] for r in rows)


@pytest.mark.parametrize("at", ["2026-02-17 10:30", "2026-03-02 08:00", "2026-04-01 16:45", "2026-04-22 14:30"])
@pytest.mark.parametrize("boundaries", ["", "then", "now"])
def test_ranking_of_the_month_to_date_equals_one_computation_per_unit(generated, clock, at, boundaries, monkeypatch):
    clock.set(at)
    today = date.fromisoformat(at[:10])
    p = svc.period_of(today.replace(day=1), today)
    assert p.running  # judged as of now: the event log answers
    assert _check_ranking(generated.province, p, boundaries, monkeypatch) > 0


@pytest.mark.parametrize("at", ["2026-04-17 10:00", "2026-04-22 14:30"])  # before and after the reform's transfers
@pytest.mark.parametrize("boundaries", ["", "then", "now"])
def test_ranking_equals_the_slow_path_across_a_merge(generated, clock, at, boundaries, monkeypatch):
    moved = merge_a_into_b(generated)
    assert moved
    clock.set(at)
    today = date.fromisoformat(at[:10])
    p = svc.period_of(today.replace(day=1), today)
    province = Unit.objects.get(pk=generated.province.pk)
    assert not bd.scope_of(province, boundaries, p.end).trivial
    _check_ranking(province, p, boundaries, monkeypatch)


def test_past_periods_still_come_from_the_read_model(generated, clock, django_assert_max_num_queries):
    """A closed period (midnights) is one bucket read for every unit, as before."""
    clock.set("2026-04-22 14:30")
    p = svc.period_of(date(2026, 3, 1), date(2026, 3, 31))
    units = idx.ranked_units(generated.province)
    with django_assert_max_num_queries(12):
        many = svc.compute_figures_of_units(units, p.start, p.end, within=generated.province)
    for u in units:
        _same(many[u.pk], svc.compute_figures_from_events(u, p.start, p.end), u.code)


def test_a_unit_outside_the_parent_is_computed_on_its_own(generated, clock):
    clock.set("2026-03-10 11:00")
    w = generated
    p = svc.period_of(date(2026, 3, 1), date(2026, 3, 10))
    a, b = w.communes["a"], w.communes["b"]
    many = svc.compute_figures_of_units([a, b, w.province], p.start, p.end, within=a)
    for u in (a, b, w.province):
        _same(many[u.pk], svc.compute_figures_from_events(u, p.start, p.end), u.code)


def test_the_month_to_date_over_many_instants(generated, clock):
    """Every working hour of a week: the shared read equals one read per unit."""
    w = generated
    units = idx.ranked_units(w.province)
    at = date(2026, 3, 16)
    for day in range(5):
        for hour in (7, 12, 17):
            d = at + timedelta(days=day)
            clock.set(f"{d.isoformat()} {hour:02d}:15")
            p = svc.period_of(d.replace(day=1), d)
            many = svc.compute_figures_of_units(units, p.start, p.end, within=w.province)
            for u in units:
                _same(many[u.pk], svc.compute_figures_from_events(u, p.start, p.end), f"{u.code} {d} {hour}")


@pytest.mark.parametrize("merge", [False, True])
@pytest.mark.parametrize("boundaries", ["", "then", "now"])
def test_the_trend_months_from_one_read_equal_one_computation_per_month(generated, clock, merge, boundaries):
    if merge:
        merge_a_into_b(generated)
    clock.set("2026-04-22 14:30")
    months = [date(2025, m, 1) for m in range(9, 13)] + [date(2026, m, 1) for m in range(1, 5)]  # April runs
    f = Filters(boundaries=boundaries)
    for u in [generated.province, generated.communes["b"], *idx.ranked_units(generated.province)[:3]]:
        u = Unit.objects.get(pk=u.pk)
        if boundaries == "now" and u.dissolved_on:
            continue
        many = svc.compute_monthly_figures(u, months, f)
        assert set(many) == set(months)
        for m, figs in many.items():
            p = svc.period_of(m, (m + timedelta(days=32)).replace(day=1) - timedelta(days=1))
            _same(figs, svc.compute_figures(u, p.start, p.end, f), f"{u.code} {m}")
            _same(figs, svc.compute_figures_from_events(u, p.start, p.end, f), f"{u.code} {m} events")


def test_the_dashboard_trend_is_one_read(generated, clock, django_assert_max_num_queries):
    from motcua.reports import dashboard as dash

    clock.set("2026-04-22 14:30")
    firsts = dash._month_starts(date(2026, 4, 1), 12)[:-1]
    with django_assert_max_num_queries(8):
        points = dash.past_months(generated.province, firsts)
    assert points[date(2025, 5, 1)] is not None and sum(p["received"] for p in points.values() if p) > 0
    with django_assert_max_num_queries(0):  # kept
        assert dash.past_months(generated.province, firsts) == points


def test_kept_months_are_computed_again_when_the_read_model_changes(generated, clock,
                                                                    django_capture_on_commit_callbacks):
    from motcua.dossiers.bulk import import_history
    from motcua.reports import dashboard as dash
    from tests.reports.conftest import record

    clock.set("2026-04-22 14:30")
    firsts = [date(2026, 1, 1), date(2026, 2, 1)]
    a = generated.communes["a"]
    before = dash.past_months(a, firsts)
    late = [("2026-01-12 09:00", "intake"), ("2026-01-12 09:10", "start"), ("2026-01-20 10:00", "finish")]
    with django_capture_on_commit_callbacks(execute=True):
        import_history([record(generated, "BACKDATED-1", late)], generated.province.pk)
        assert readmodel.refresh(limit=None)
    after = dash.past_months(a, firsts)
    assert after[date(2026, 1, 1)]["received"] == before[date(2026, 1, 1)]["received"] + 1
    assert after[date(2026, 1, 1)]["late"] == before[date(2026, 1, 1)]["late"] + 1
    assert after[date(2026, 2, 1)] == before[date(2026, 2, 1)]
