"""The read model gives exactly the figures of the event-log computation.

Both are compared on the hand-built month (supplements, a second request, an extension through
the services, a withdrawal, a stop, a refusal, dossiers open across the period end) and on
generated histories (supplements, withdrawals, refusals, stops, late and open dossiers) over
many units, periods and filters; then on events written through the services one by one.
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta

import pytest
from django.db import connection

from motcua.core.clock import LOCAL_TZ
from motcua.domain.lifecycle import Action
from motcua.dossiers import services as svc
from motcua.dossiers.generator import generate
from motcua.dossiers.models import Dossier, DossierComponent, DossierEvent, DossierFile
from motcua.portal.models import Rating
from motcua.reports import readmodel
from motcua.reports import services as rs
from motcua.reports.facts import NO_FILTERS, Filters
from motcua.reports.models import DirtyDossier, FigureBucket
from motcua.reports.readfigures import bucket_figures
from motcua.reports.services import compute_figures_from_events, period_of
from motcua.units.models import Unit
from tests.factories import finished


def _same(unit: Unit, first: date, last: date, filters: Filters = NO_FILTERS) -> None:
    p = period_of(first, last)
    from_events = compute_figures_from_events(unit, p.start, p.end, filters)
    from_buckets = bucket_figures(unit, p.start, p.end, filters)
    assert from_buckets is not None
    assert from_buckets.counts == from_events.counts, (unit.path, first, last, filters)
    assert from_buckets.rates == from_events.rates
    assert from_buckets.average_processing_hours == from_events.average_processing_hours
    assert from_buckets.processing_seconds_total == from_events.processing_seconds_total


def _periods(rng: random.Random, first: date, last: date, n: int) -> list[tuple[date, date]]:
    out = []
    for _ in range(n):
        a = first + timedelta(days=rng.randrange((last - first).days))
        b = a + timedelta(days=rng.choice([0, 1, 6, 13, 30, 45, 90, 200]))
        out.append((a, min(b, last)))
    return out


MONTH_PERIODS = [(date(2026, 3, 1), date(2026, 3, 31)), (date(2026, 2, 1), date(2026, 4, 30)),
                 (date(2026, 3, 2), date(2026, 3, 2)), (date(2026, 3, 9), date(2026, 3, 10)),
                 (date(2026, 3, 10), date(2026, 3, 12)), (date(2026, 3, 15), date(2026, 4, 15)),
                 (date(2026, 2, 24), date(2026, 3, 16)), (date(2026, 1, 1), date(2026, 12, 31)),
                 (date(2026, 3, 31), date(2026, 4, 1)), (date(2026, 3, 17), date(2026, 3, 18))]


def test_hand_built_month_same_from_read_model_and_event_log(month, clock) -> None:  # noqa: ANN001
    clock.set("2027-01-02 08:00")  # every period has ended (a running one is judged as of now: event log)
    assert readmodel.refresh()
    w = month.world
    for unit in (w.province, w.communes["a"], w.communes["b"]):
        for first, last in MONTH_PERIODS:
            _same(unit, first, last)
    for filters in (Filters(channel=2), Filters(procedure="1.001193"), Filters(field="HT"), Filters(field="CT")):
        _same(w.communes["a"], date(2026, 3, 1), date(2026, 3, 31), filters)


def test_compute_figures_reads_the_read_model(month, monkeypatch) -> None:  # noqa: ANN001
    expected = compute_figures_from_events(month.world.communes["a"], month.period.start, month.period.end)

    def fail(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        raise AssertionError("the event log was read")

    monkeypatch.setattr(rs, "compute_figures_from_events", fail)
    figs = rs.compute_figures(month.world.communes["a"], month.period.start, month.period.end)
    assert figs.counts == expected.counts
    assert not DirtyDossier.objects.exists()


def _rate_some(rng: random.Random, share: float = 0.4) -> int:
    """Ratings of some finished dossiers, from an hour to 60 days after the result."""
    finished = (DossierEvent.objects.filter(action=Action.FINISH.value).values_list("dossier_id", "at")
                .order_by("dossier_id"))
    ratings = [Rating(dossier_id=d, score=rng.choice([1, 1, 2, 3]),
                      created_at=at + timedelta(hours=rng.randrange(1, 24 * 60))) for d, at in finished
               if rng.random() < share]
    Rating.objects.bulk_create(ratings)
    return len(ratings)


def _store_some_files(rng: random.Random) -> None:
    """Components (some to digitize) and scans for some dossiers, result files for some finished ones
    (rows only: the figures count them, nobody reads the bytes)."""
    from motcua.catalog.models import Component

    must, other = (Component.objects.filter(must_digitize=flag).first() for flag in (True, False))
    assert must is not None and other is not None
    comps, files = [], []
    for d in Dossier.objects.order_by("pk").values_list("pk", flat=True):
        if rng.random() < 0.5:
            comps += [DossierComponent(dossier_id=d, component=must, name="Tờ khai"),
                      DossierComponent(dossier_id=d, component=other, name="Bản sao")]
    DossierComponent.objects.bulk_create(comps)
    marked = []
    for c in DossierComponent.objects.filter(component=must):
        if rng.random() < 0.6:
            files.append(DossierFile(dossier_id=c.dossier_id, component=c, kind="component", name="scan.pdf",
                                     content_type="application/pdf", size=1, sha256="0" * 64, storage_key="k"))
            marked.append(c.pk)
    for c in DossierComponent.objects.filter(component=other, dossier__components__pk__in=marked):
        if rng.random() < 0.5:  # some dossiers have every component digitized
            marked.append(c.pk)
    DossierComponent.objects.filter(pk__in=marked).update(digitized_at=clock_now())
    for d in DossierEvent.objects.filter(action=Action.FINISH.value).values_list("dossier_id", flat=True):
        if rng.random() < 0.4:
            files.append(DossierFile(dossier_id=d, kind="result", name="kq.pdf", content_type="application/pdf",
                                     size=1, sha256="0" * 64, storage_key="k"))
    DossierFile.objects.bulk_create(files)
    _digitize_and_sign_results(rng)


def clock_now() -> datetime:
    return datetime(2026, 7, 1, tzinfo=LOCAL_TZ)


def _digitize_and_sign_results(rng: random.Random) -> None:
    """The result files' dossiers: most results digitized, and the approval of some of them signed
    with the file (the figures count marks and signatures, not files)."""
    from motcua.digitization.models import DigitizedResult
    from motcua.dossiers.models import Approval

    results = list(DossierFile.objects.filter(kind="result"))
    DigitizedResult.objects.bulk_create([DigitizedResult(dossier_id=f.dossier_id, file=f, digitized_at=clock_now())
                                         for f in results if rng.random() < 0.8])
    by_dossier = {f.dossier_id: f.pk for f in results}
    for a in Approval.objects.filter(dossier_id__in=list(by_dossier)):
        if rng.random() < 0.7:
            Approval.objects.filter(pk=a.pk).update(signature_status="signed",
                                                    signed_document_id=by_dossier[a.dossier_id])


def test_generated_histories_same_from_read_model_and_event_log(world) -> None:  # noqa: ANN001
    generate(1500, world.province, date(2025, 7, 1), date(2026, 6, 30), seed=11)
    rng = random.Random(5)
    assert _rate_some(rng) > 300
    _store_some_files(rng)
    assert readmodel.refresh(limit=None)
    p = period_of(date(2025, 7, 1), date(2026, 6, 30))
    year = rs.compute_figures(world.province, p.start, p.end).counts
    assert year["digitized"] > 100 and year["digitizable"] > year["digitized"] and year["e_result"] > 100
    assert year["digitized_any"] >= year["digitized"] > year["digitized_all"] > 20
    assert year["processed"] > year["result_digitized"] > year["e_result"] > 100
    units = list(Unit.objects.filter(path__startswith=world.province.path).exclude(kind="service_centre"))
    months = [(date(2025, m, 1), date(2025, m + 1, 1) - timedelta(days=1)) for m in range(7, 12)]
    for unit in units:
        for first, last in [*months, (date(2025, 7, 1), date(2026, 6, 30)), (date(2025, 10, 1), date(2025, 12, 31)),
                            *_periods(rng, date(2025, 7, 1), date(2026, 7, 30), 8)]:
            _same(unit, first, last)
    for ch in (1, 2, 3):
        _same(world.province, date(2025, 9, 1), date(2026, 2, 28), Filters(channel=ch))
    p = period_of(date(2025, 10, 1), date(2026, 3, 31))
    many = rs.compute_figures_of_units(units, p.start, p.end)
    assert {u.pk: many[u.pk].counts for u in units} == {
        u.pk: compute_figures_from_events(u, p.start, p.end).counts for u in units}


def test_events_written_through_the_services_count_at_once(world, clock) -> None:  # noqa: ANN001
    p = period_of(date(2026, 3, 1), date(2026, 3, 31))
    unit = world.communes["a"]
    clock.set("2026-03-16 09:00")
    d = svc.intake(world.actor("counter_a"), world.intake_request())
    assert rs.compute_figures(unit, p.start, p.end).counts["received"] == 1
    clock.set("2026-03-16 09:10")
    svc.start(world.actor("counter_a"), d.pk)
    clock.set("2026-03-16 10:00")
    svc.request_supplement(world.actor("specialist_a"), d.pk, "Thiếu giấy tờ")
    figs = rs.compute_figures(unit, p.start, p.end)
    assert figs.counts["supplement_requested"] == 1
    assert figs.counts == compute_figures_from_events(unit, p.start, p.end).counts
    clock.set("2026-03-18 10:00")
    svc.supplement(world.actor("counter_a"), d.pk)
    clock.set("2026-03-19 10:00")
    finished(world, d.pk)
    figs = rs.compute_figures(unit, p.start, p.end)
    assert figs.counts["resolved"] == 1
    assert figs.counts == compute_figures_from_events(unit, p.start, p.end).counts


def test_a_rating_counts_at_once_and_its_change_or_removal_too(month) -> None:  # noqa: ANN001
    assert readmodel.refresh()
    a, p = month.world.communes["a"], month.period

    def rated() -> tuple[int, int, int]:
        c = rs.compute_figures(a, p.start, p.end).counts
        assert c == compute_figures_from_events(a, p.start, p.end).counts
        return c["rated"], c["rated_satisfied"], c["rated_dissatisfied"]

    assert rated() == (3, 2, 1)
    r = Rating.objects.create(dossier_id=month.ids["D5"], score=3,
                              created_at=datetime(2026, 3, 20, 9, 0, tzinfo=LOCAL_TZ))
    assert rated() == (4, 2, 2)
    Rating.objects.filter(pk=r.pk).update(score=1)
    assert rated() == (4, 3, 1)
    Rating.objects.filter(pk=r.pk).delete()
    assert rated() == (3, 2, 1)


def test_rebuild_reproduces_the_buckets(month) -> None:  # noqa: ANN001
    assert readmodel.refresh()
    before = _bucket_totals()
    assert readmodel.rebuild() == Dossier.objects.count()
    assert _bucket_totals() == before
    assert not DirtyDossier.objects.exists()


def _bucket_totals() -> dict[tuple, tuple]:
    out = {}
    for b in FigureBucket.objects.all():
        values = tuple(getattr(b, c) for c in ("received", "resolved_late", "open_on_time", "open_late",
                                               "approaching", "not_collected", "processing_seconds", "rated",
                                               "rated_dissatisfied"))
        if any(values):
            out[(b.scope_path, b.grain, b.day, b.procedure_id, b.channel)] = values
    return out


def test_every_event_insert_marks_its_dossier_dirty(month) -> None:  # noqa: ANN001
    assert readmodel.refresh()
    clock_d = Dossier.objects.get(pk=month.ids["D9"])
    svc.request_supplement(month.world.actor("specialist_a"), clock_d.pk, "Thiếu giấy chứng sinh")
    assert list(DirtyDossier.objects.values_list("dossier_id", flat=True)) == [clock_d.pk]
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("SELECT 1 FROM pg_trigger WHERE tgname = 'reports_event_dirty'")
        else:
            cur.execute("SELECT 1 FROM sqlite_master WHERE type = 'trigger' AND name = 'reports_event_dirty'")
        assert cur.fetchone()


def test_calendar_change_reads_the_event_log_until_rebuilt(month, monkeypatch) -> None:  # noqa: ANN001
    assert readmodel.refresh()
    unit = month.world.communes["a"]
    assert readmodel.is_current(unit.province_id)
    monkeypatch.setattr(readmodel, "calendar_revision", lambda province_id: -1)
    assert not readmodel.is_current(unit.province_id)
    figs = rs.compute_figures(unit, month.period.start, month.period.end)
    assert figs.counts == compute_figures_from_events(unit, month.period.start, month.period.end).counts


def test_a_calendar_change_requeues_the_province_and_figures_follow_the_new_calendar(month, clock) -> None:  # noqa: ANN001
    from motcua.calendars.services import declare_day

    assert readmodel.refresh()
    a, p = month.world.communes["a"], month.period
    before = rs.compute_figures(a, p.start, p.end).counts
    # 3 March becomes a day off: D1 (due 3 March 09:00, finished 10:00) and others move. A calendar
    # change applies from tomorrow on (item 2), so it is declared as it would have been, on 2 March
    now = clock.current
    clock.set("2026-03-02 09:00")
    declare_day(month.world.province.pk, date(2026, 3, 3), "holiday", "Nghỉ đột xuất", "QĐ 1/2026")
    clock.set(now)
    assert DirtyDossier.objects.count() == Dossier.objects.count()
    assert readmodel.is_current(a.province_id)
    after = rs.compute_figures(a, p.start, p.end).counts  # applies the queue, then reads the buckets
    assert not DirtyDossier.objects.exists()
    assert after == compute_figures_from_events(a, p.start, p.end).counts
    assert after != before


def test_rebuild_commits_chunk_by_chunk_and_an_interrupted_one_is_finished_by_a_refresh(month) -> None:  # noqa: ANN001
    assert readmodel.refresh()
    expected = _bucket_totals()
    seen = []

    def stop_after_the_first_chunk(done: int) -> None:
        seen.append(done)
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        readmodel.rebuild(chunk=5, progress=stop_after_the_first_chunk)
    assert seen == [5]
    assert DirtyDossier.objects.count() == Dossier.objects.count() - 5  # the first chunk is committed
    assert readmodel.refresh(limit=None)
    assert _bucket_totals() == expected


@pytest.mark.parametrize("hour", [0, 9])
def test_periods_not_at_local_midnight_read_the_event_log(month, hour) -> None:  # noqa: ANN001
    start = month.period.start + timedelta(hours=hour)
    unit = month.world.communes["a"]
    expected = compute_figures_from_events(unit, start, month.period.end)
    assert rs.compute_figures(unit, start, month.period.end).counts == expected.counts


def test_the_rebuild_command_shows_progress_and_rebuilds(month) -> None:  # noqa: ANN001
    import io

    from django.core.management import call_command

    assert readmodel.refresh()
    expected = _bucket_totals()
    out = io.StringIO()
    call_command("rebuild_readmodel", chunk=4, stdout=out)
    text = out.getvalue()
    n = Dossier.objects.count()
    assert f"4/{n} dossiers" in text and f"{n} dossiers in" in text
    assert _bucket_totals() == expected
