"""The Decision 766 index of the hand-built month, its ranking, and the file-based rates."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pytest

from motcua.dossiers import services as svc
from motcua.dossiers.storage import LocalStorage, set_storage
from motcua.reports import index766 as idx
from motcua.reports.services import compute_figures, compute_figures_from_events, period_of
from tests.factories import PDF, finished

D = Decimal


def _indicators(score):  # noqa: ANN001, ANN202
    return {i.spec.key: i for g in score.groups for i in g.indicators}


def test_index_of_a_commune_scores_what_exists_and_leaves_the_rest_na(month):
    ui = idx.compute_index(month.world.communes["a"], month.period)
    ind = _indicators(ui.score)
    # progress: 6 early/on time of 9 resolved = 66.66%, 2/3 x 20 = 13.33 points
    on_time = ind["on_time"]
    assert (on_time.measure.numerator, on_time.measure.denominator) == (6, 9)
    assert (on_time.ratio, on_time.points) == (D("66.66"), D("13.33"))
    # online: 1 online of 10 dossiers of a fully-online procedure = 10% of 12 points = 1.20
    assert (ind["online_full"].ratio, ind["online_full"].points) == (D("10.00"), D("1.20"))
    # inputs no part of motcua provides yet: N/A, no points
    for key in ("synced", "paid_online", "feedback_on_time", "digitized"):
        assert ind[key].measure is None and ind[key].points is None, key
    assert ind["average_time"].points is None  # reference only
    assert ui.figures.average_processing_hours == D("10.71")
    # electronic results: none of 7 processed is signed (D6, finished through the services, has an unsigned
    # result file: the province stores result files, so the measure is 0%, not N/A)
    e_results = ind["e_results"]
    assert (e_results.measure.numerator, e_results.measure.denominator, e_results.points) == (0, 7, D("0.00"))
    # satisfaction (motcua/feedback): 100% - (4 late + 1 dossier rated dissatisfied) / 12 to process = 7/12,
    # 58.33% of a 90% threshold x 6 points = 3.89
    sat = ind["dossier_satisfaction"]
    assert (sat.measure.numerator, sat.measure.denominator, sat.points) == (7, 12, D("3.89"))
    assert ui.score.points == D("18.42") and ui.score.available_points == 44


def test_ranking_of_the_units_of_a_province(month):
    w = month.world
    rows = idx.ranking(w.province, month.period)
    # direct children that handle dossiers: the department and both communes (not the service centre)
    assert {r.index.unit.code for r in rows} == {w.department.code, w.communes["a"].code, w.communes["b"].code}
    assert rows[0].rank == 1 and rows[0].index.unit == w.communes["a"]
    assert rows[0].index.score.points == D("18.42")  # the same as the unit's own index
    b_row, dept_row = rows[1:]
    assert (b_row.rank, b_row.index.unit, b_row.index.score.points) == (2, w.communes["b"], 0)  # 1 late, not online
    # the department has no dossier: no indicator has data, its score is N/A, it is listed last, unranked
    assert (dept_row.rank, dept_row.index.unit, idx.has_data(dept_row.index)) == (None, w.department, False)
    communes = idx.ranking(w.province, month.period, kind="commune")
    assert [(r.rank, r.index.unit.code) for r in communes] == [(1, w.communes["a"].code), (2, w.communes["b"].code)]
    b = communes[1].index
    assert b.figures.counts == compute_figures(w.communes["b"], month.period.start, month.period.end).counts


def test_the_weights_in_force_are_picked_by_the_period(month):
    assert idx.version_for(month.period).version == "2025"
    with pytest.raises(LookupError):
        idx.version_for(period_of(date(2021, 1, 1), date(2021, 12, 31)))


@pytest.fixture
def storage(tmp_path):  # noqa: ANN001, ANN201
    set_storage(LocalStorage(tmp_path))
    yield
    set_storage(None)


def test_digitization_and_electronic_result_rates_come_from_the_marks(world, clock, storage):
    from motcua.digitization import services as digit

    counter = world.actor("counter_a")
    clock.set("2026-03-02 09:00")
    scanned, paper = (svc.intake(counter, world.intake_request()) for _ in range(2))
    period = period_of(date(2026, 3, 1), date(2026, 3, 31))
    a = world.communes["a"]
    before = compute_figures(a, period.start, period.end)
    assert before.rates["digitization_rate"].value is None  # the province stores no scans at all
    svc.attach_file(counter, paper.pk, io.BytesIO(PDF), "scan.pdf", "component",
                    paper.components.first().pk)  # a file, not marked digitized: counts nowhere
    for comp in scanned.components.all():
        digit.digitize_component(counter, scanned.pk, comp.pk, io.BytesIO(PDF), "scan.pdf")
    for d in (scanned, paper):  # finishing needs the result file: both have one
        svc.start(counter, d.pk)
        finished(world, d.pk)
    svc.return_result(counter, scanned.pk)  # its result is digitized on return
    figs = compute_figures(a, period.start, period.end)
    assert figs.counts == compute_figures_from_events(a, period.start, period.end).counts
    assert (figs.counts["digitized"], figs.counts["digitizable"]) == (1, 2)
    assert (figs.counts["digitized_any"], figs.counts["digitized_all"], figs.counts["received"]) == (1, 1, 2)
    assert figs.rates["digitization_rate"].value == D("50.00")
    assert (figs.counts["e_result"], figs.counts["result_digitized"], figs.counts["processed"]) == (0, 1, 2)
    assert figs.rates["e_result_rate"].value == D("0.00")  # result files, none signed
    ind = _indicators(idx.compute_index(a, period).score)
    assert ind["digitized"].points == D("2.50")  # (1 dossier + 1 result) of (2 + 2): 50% of a threshold of 80% x 4
    assert ind["e_results"].points == D("0.00")
