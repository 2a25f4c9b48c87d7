"""The dashboard's splits of a figure add up to the figure: overdue hot spots by procedure (read
from the read model's stocks, or from the event log when it cannot answer) and by unit, and
today's intake by hour and channel (from the dossiers' indexed receipt time)."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

import pytest

from motcua.dossiers.generator import generate
from motcua.dossiers.models import Dossier
from motcua.reports import dashboard, readmodel
from motcua.reports import services as rs
from motcua.reports.facts import Filters
from motcua.reports.services import compute_figures_from_events, period_of
from motcua.units.models import Unit


@pytest.fixture
def generated(world):  # noqa: ANN001, ANN201
    generate(800, world.province, date(2025, 9, 1), date(2026, 2, 28), seed=7)
    assert readmodel.refresh(limit=None)
    return world


def _units(world) -> list[Unit]:  # noqa: ANN001
    return list(Unit.objects.filter(path__startswith=world.province.path).exclude(kind="service_centre"))


def _late_by_procedure_from_the_log(unit: Unit, p) -> Counter[int]:  # noqa: ANN001
    ids = [i for i, _code in rs.dossiers_for("in_progress_late", unit, p.start, p.end)]
    return Counter(Dossier.objects.filter(pk__in=ids).values_list("procedure_id", flat=True))


@pytest.mark.parametrize("first,last", [(date(2025, 11, 1), date(2025, 11, 30)), (date(2026, 1, 1), date(2026, 1, 20)),
                                        (date(2026, 2, 1), date(2026, 3, 15))])
def test_hot_procedures_add_up_to_the_figure_on_both_paths(generated, monkeypatch, first, last):  # noqa: ANN001
    p = period_of(first, last)
    units = _units(generated)
    from_buckets = {u.pk: rs.in_progress_late_by_procedure(u, p.start, p.end) for u in units}
    monkeypatch.setattr(readmodel, "is_current", lambda province_id: False)  # force the event log
    for u in units:
        figure = compute_figures_from_events(u, p.start, p.end).counts["in_progress_late"]
        assert sum(from_buckets[u.pk].values()) == figure, u.path
        assert from_buckets[u.pk] == rs.in_progress_late_by_procedure(u, p.start, p.end) == \
            _late_by_procedure_from_the_log(u, p), u.path
    if first.year == 2026:  # recent dossiers are still open, some of them late
        assert sum(sum(v.values()) for v in from_buckets.values()) > 0


def test_hot_units_add_up_to_the_unit_figure(generated):  # noqa: ANN001
    from motcua.reports import index766 as idx
    from motcua.reports.pages import ReportQuery

    w = generated
    p = period_of(date(2026, 2, 1), date(2026, 3, 15))
    q = ReportQuery(w.province, "custom", date(2026, 2, 1), date(2026, 3, 15), Filters(), p)
    figs = rs.compute_figures(w.province, p.start, p.end)
    chart = dashboard.hot_units(q, figs, idx.ranking(w.province, p))
    assert sum(int(n) for _label, n in chart.rows) == figs.counts["in_progress_late"] > 0
    assert all("in_progress_late" in link and "unit=" in link for link, _row in chart.table)


@pytest.mark.parametrize("days", [0, 1, 6])
def test_receipts_by_hour_and_channel_add_up_to_the_received_figure(generated, days):  # noqa: ANN001
    for first in (date(2025, 10, 6), date(2026, 1, 12), date(2026, 2, 23)):
        p = period_of(first, first + timedelta(days=days))
        for u in _units(generated):
            hours, channels = dashboard.receipts(u, p)
            figs = rs.compute_figures(u, p.start, p.end)
            assert sum(hours.values()) == sum(channels.values()) == figs.counts["received"], (u.path, first)
            for ch in (1, 2, 3):
                expected = rs.compute_figures(u, p.start, p.end, Filters(channel=ch)).counts["received"]
                assert channels.get(ch, 0) == expected
