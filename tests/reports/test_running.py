"""A period still running (the month to date, judged as of now) from the read model: the buckets
up to today's midnight, and the dossiers that changed since read from the event log at both
instants (:func:`motcua.reports.services.changed_between`). The numbers must be the event log's
at every instant of a day: before the office opens, in working hours, at noon, after closing,
on a weekend; for every unit, with filters, before and after a merge (by today's units); for the
figures, the ranking, the overdue dossiers by procedure and the late steps.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from motcua.reports import boundaries as bd
from motcua.reports import readmodel, steps
from motcua.reports import services as svc
from motcua.reports.facts import Filters
from motcua.reports.readfigures import midnight_within
from motcua.units.models import Unit
from tests.reports.test_boundaries import merge_a_into_b
from tests.reports.test_dashboard_fast import _empty_cache, _same, generated_with  # noqa: F401 (a fixture)

INSTANTS = ["2026-03-16 06:30", "2026-03-16 07:31", "2026-03-17 10:05", "2026-03-18 12:00",
            "2026-03-19 16:59", "2026-03-20 21:40", "2026-03-21 10:00", "2026-03-22 23:59",
            "2026-04-01 09:00", "2026-04-30 15:30"]


@pytest.fixture
def generated(world):  # noqa: ANN001, ANN201
    return generated_with(world, 17)


def _units(world) -> list[Unit]:  # noqa: ANN001
    return list(Unit.objects.filter(path__startswith=world.province.path, dissolved_on__isnull=True)
                .exclude(kind="service_centre"))


def _month_to_date(at: str) -> svc.Period:
    today = date.fromisoformat(at[:10])
    p = svc.period_of(today.replace(day=1), today)
    assert p.running
    return p


@pytest.mark.parametrize("merge", [False, True])
def test_the_month_to_date_equals_the_event_log_at_every_instant(generated, clock, merge, monkeypatch):
    if merge:
        assert merge_a_into_b(generated)
    used: list[bool] = []
    real = svc._running_from_read_model
    monkeypatch.setattr(svc, "_running_from_read_model", lambda *a: used.append(real(*a) is not None) or real(*a))
    changed = 0
    for at in INSTANTS:
        clock.set(at)
        p = _month_to_date(at)
        for u in _units(generated):
            for f in (Filters(), Filters(channel=2), Filters(procedure="1.001193")):
                fast = svc.compute_figures(u, p.start, p.end, f)
                _same(fast, svc.compute_figures_from_events(u, p.start, p.end, f), f"{u.code} {at} {f}")
        scope = bd.scope_of(generated.province, "", p.end)
        ids = svc.changed_between(scope, Filters(), midnight_within(p.start, p.end) or p.start, p.end)
        assert ids is not None
        changed += len(ids)
    # every one from the read model (a month's first day too: the empty period's stocks at midnight)
    assert used and not used.count(False)
    assert changed > 50  # the instants saw dossiers change during their day


@pytest.mark.parametrize("merge", [False, True])
def test_the_ranking_of_the_month_to_date_equals_the_event_log(generated, clock, merge, monkeypatch):
    from motcua.reports import index766 as idx

    if merge:
        merge_a_into_b(generated)
    province = Unit.objects.get(pk=generated.province.pk)
    for at in ("2026-03-17 10:05", "2026-04-22 14:30"):
        clock.set(at)
        p = _month_to_date(at)
        units = [*idx.units_on(province, p, None, bd.resolve(province, "")), province]  # as the dashboard ranks
        shared = svc._running_figures_of_units(province, units, p.start, p.end, Filters())
        assert shared is not None
        many = svc.compute_figures_of_units(units, p.start, p.end, within=province)
        for u in units:
            slow = svc.compute_figures_from_events(u, p.start, p.end)
            _same(shared[u.pk], slow, f"{u.code} {at}")
            _same(many[u.pk], slow, f"{u.code} {at} many")


@pytest.mark.parametrize("merge", [False, True])
def test_overdue_by_procedure_and_late_steps_equal_the_event_log(generated, clock, merge, monkeypatch):
    if merge:
        merge_a_into_b(generated)
    for at in ("2026-03-17 10:05", "2026-03-21 10:00", "2026-04-22 14:30"):
        clock.set(at)
        p = _month_to_date(at)
        for u in [Unit.objects.get(pk=generated.province.pk), *_units(generated)[:4]]:
            expected = svc.count_by([i for i, _c in svc.dossiers_for("in_progress_late", u, p.start, p.end)],
                                    "procedure_id")
            fast = svc._late_by_procedure_from_read_model(u, p.start, p.end)
            assert fast == expected, (u.code, at)
            got = steps.late_steps_of_unit(u.path, p.start, p.end, p.end)
            with monkeypatch.context() as m:
                m.setattr(steps, "_left_from_read_model", lambda *a: None)
                slow = steps.late_steps_of_unit(u.path, p.start, p.end, p.end)
            assert got == slow, (u.code, at)
            assert steps._left_from_read_model(u.path, p.start, p.end) is not None


def test_a_dossier_due_this_morning_is_late_by_noon_without_any_event(world, clock):
    """No event today: the dossier's due time (09:00) passes between midnight and now."""
    from motcua.dossiers.bulk import import_history
    from tests.reports.conftest import record

    rec = record(world, "DUE-TODAY", [("2026-03-16 09:00", "intake"), ("2026-03-16 09:10", "start")], limit_hours=8)
    import_history([rec], world.province.pk)
    assert readmodel.refresh(limit=None)
    a = world.communes["a"]
    for at, late, approaching in (("2026-03-17 08:30", 0, 1), ("2026-03-17 09:30", 1, 0)):
        clock.set(at)
        p = _month_to_date(at)
        figs = svc.compute_figures(a, p.start, p.end)
        assert (figs.counts["in_progress_late"], figs.counts["about_to_be_late"]) == (late, approaching), at
        _same(figs, svc.compute_figures_from_events(a, p.start, p.end), at)


def test_today_s_changes_are_counted_at_once(world, clock, django_capture_on_commit_callbacks):
    """A dossier received and finished this morning counts as of now, its midnight's figures unchanged."""
    from motcua.dossiers.bulk import import_history
    from tests.reports.conftest import record

    clock.set("2026-03-17 11:00")
    a = world.communes["a"]
    p = _month_to_date("2026-03-17 11:00")
    before = svc.compute_figures(a, p.start, p.end).counts
    rec = record(world, "TODAY-1", [("2026-03-17 08:00", "intake"), ("2026-03-17 08:10", "start"),
                                    ("2026-03-17 10:00", "finish")])
    with django_capture_on_commit_callbacks(execute=True):
        import_history([rec], world.province.pk)
    after = svc.compute_figures(a, p.start, p.end)
    assert after.counts["received"] == before["received"] + 1
    assert after.counts["processed"] == before["processed"] + 1
    _same(after, svc.compute_figures_from_events(a, p.start, p.end), "after")


def test_a_period_of_today_alone_is_the_empty_period_corrected_and_a_closed_one_keeps_its_path(generated, clock):
    clock.set("2026-03-17 10:05")
    today = svc.period_of(date(2026, 3, 17), date(2026, 3, 17))
    u = generated.province
    assert svc._running_from_read_model(bd.scope_of(u, "", today.end), today.start, today.end, Filters()) is not None
    _same(svc.compute_figures(u, today.start, today.end), svc.compute_figures_from_events(u, today.start, today.end),
          "today")
    closed = svc.period_of(date(2026, 3, 1), date(2026, 3, 16))
    assert svc._running_from_read_model(bd.scope_of(u, "", closed.end), closed.start, closed.end, Filters()) is None
    assert closed.end - closed.start == timedelta(days=16)


@pytest.mark.parametrize("merge", [False, True])
def test_today_received_from_the_month_equals_the_event_log(generated, clock, merge):
    if merge:
        assert merge_a_into_b(generated)
    seen = 0
    for at in INSTANTS:
        clock.set(at)
        p = _month_to_date(at)
        today = svc.period_of(date.fromisoformat(at[:10]), date.fromisoformat(at[:10]))
        for u in _units(generated):
            with svc.shared_reads():
                figs = svc.compute_figures(u, p.start, p.end)
                got = svc.received_since_midnight(u, p, figs)
                again = svc.compute_figures(u, p.start, p.end)  # the shared reads give the same figures
            _same(again, figs, f"{u.code} {at} shared")
            want = svc.compute_figures_from_events(u, today.start, p.end).counts["received"]
            assert got == want, (u.code, at)
            seen += want
    assert seen > 0


def test_shared_reads_read_the_changed_dossiers_once(generated, clock, django_assert_max_num_queries):
    clock.set("2026-03-18 12:00")
    p = _month_to_date("2026-03-18 12:00")
    u = generated.province
    svc.compute_figures(u, p.start, p.end)
    calls: list[int] = []
    real = svc._read_facts_at
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(svc, "_read_facts_at", lambda *a, **k: calls.append(1) or real(*a, **k))
        with svc.shared_reads():
            svc.compute_figures(u, p.start, p.end)
            svc.in_progress_late_by_procedure(u, p.start, p.end)
        assert len(calls) == 2  # at midnight and now, once for both
        svc.compute_figures(u, p.start, p.end)
        assert len(calls) == 4  # outside: read again
