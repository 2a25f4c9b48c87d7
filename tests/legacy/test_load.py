"""The import: real dossiers in the event log, verdicts computed, idempotent re-import, CSV and Excel,
figures that count the imported dossiers."""

from __future__ import annotations

from datetime import datetime

import pytest

from motcua.core import clock
from motcua.dossiers.models import Dossier, DossierEvent
from motcua.legacy import check, load
from motcua.legacy.models import LegacyRecord

from .conftest import dossier, finished_early, finished_late, with_supplement

pytestmark = pytest.mark.django_db


def _sample() -> tuple[list, list]:
    ds = [dossier("CU-0001"), dossier("CU-0002", ket_qua_cu="on_time"), dossier("CU-0003")]
    evs = finished_early("CU-0001") + finished_late("CU-0002") + with_supplement("CU-0003")
    return ds, evs


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_import_creates_real_dossiers_with_computed_verdicts(world, now, files, kind):
    paths = files(*_sample(), kind=kind)
    counts = load.import_file(paths)
    assert counts.as_dict() == {"rows": 15, "created": 3, "skipped": 0, "failed": 0}
    d1, d2, d3 = (Dossier.objects.get(code=c) for c in ("CU-0001", "CU-0002", "CU-0003"))
    assert (d1.verdict, d2.verdict, d3.verdict) == ("early", "late", "on_time")  # legacy "on_time" overruled
    assert d1.status == 10 and d2.status == 9
    assert d3.supplement_requests == 1
    assert d1.handling_unit.code == "000.31.10.H39" and d1.receiving_unit.code == "000.31.90.H39"
    assert DossierEvent.objects.filter(dossier=d1).count() == 4
    assert clock.local(d1.received_at).strftime("%d/%m/%Y %H:%M") == "08/09/2025 08:00"
    assert LegacyRecord.objects.count() == 3


def test_reimport_of_the_same_file_skips_everything(world, now, files):
    paths = files(*_sample())
    load.import_file(paths)
    again = load.import_file(paths)
    assert again.as_dict() == {"rows": 15, "created": 0, "skipped": 3, "failed": 0}
    assert Dossier.objects.count() == 3
    report = check.dry_run(paths)
    assert (report.new, report.skipped, report.failed) == (0, 3, 0)


def test_reimport_with_one_more_dossier_and_one_changed(world, now, files):
    ds, evs = _sample()
    load.import_file(files(ds, evs))
    ds2 = [*ds[:2], dossier("CU-0003", ten_nguoi_nop="Người khác"), dossier("CU-0004")]
    evs2 = evs + finished_early("CU-0004")
    counts = load.import_file(files(ds2, evs2))
    assert (counts.created, counts.skipped, counts.failed) == (1, 2, 1)
    assert Dossier.objects.get(code="CU-0003").applicant_name == "Nguyễn Văn An"


def test_an_excel_and_a_csv_of_the_same_history_are_the_same_content(world, now, files):
    load.import_file(files(*_sample(), kind="xlsx"))
    counts = load.import_file(files(*_sample(), kind="csv"))
    assert (counts.created, counts.skipped) == (0, 3)


def test_refused_dossiers_are_left_out_and_the_rest_imported(world, now, files):
    ds, evs = _sample()
    ds.append(dossier("CU-0009", ma_thu_tuc="9.999999"))
    evs += finished_early("CU-0009")
    counts = load.import_file(files(ds, evs))
    assert (counts.created, counts.failed) == (3, 1)
    assert not Dossier.objects.filter(code="CU-0009").exists()


def test_the_event_log_of_imported_dossiers_verifies(world, now, files):
    from motcua.dossiers.verify import verify

    load.import_file(files(*_sample()))
    assert verify().ok


def test_figures_include_the_imported_dossiers(world, now, files):
    from motcua.reports import readmodel
    from motcua.reports.services import compute_figures

    load.import_file(files(*_sample()))
    assert readmodel.pending() == 0  # refreshed by the import
    start, end = clock.aware(datetime(2025, 9, 1)), clock.aware(datetime(2025, 9, 10))
    figs = compute_figures(world.communes["a"], start, end)
    assert figs.counts["received"] == 3
    assert figs.counts["resolved"] == 3
    assert figs.counts["resolved_late"] == 1
    assert figs.counts["resolved_early"] == 1


def test_a_code_in_the_systems_own_format_raises_the_counter(world, now, files):
    from motcua.dossiers.models import DossierCounter

    code = "000.31.90.H39-250908-0042"
    load.import_file(files([dossier(code)], finished_early(code)))
    c = DossierCounter.objects.get(unit=world.commune_centres["a"], day="2025-09-08")
    assert c.last == 42


def test_the_command_line(world, now, files, capsys):
    from django.core.management import call_command

    paths = files(*_sample())
    call_command("import", *map(str, paths), "--dry-run")
    out = capsys.readouterr().out
    assert "3 to create" in out and "warning" in out
    assert Dossier.objects.count() == 0
    call_command("import", *map(str, paths))
    assert "3 created, 0 skipped, 0 failed" in capsys.readouterr().out
    assert Dossier.objects.count() == 3
