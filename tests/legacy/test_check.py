"""The dry run: every kind of problem reported by file, row, column, in Vietnamese; nothing written."""

from __future__ import annotations

import pytest

from motcua.dossiers.models import Dossier
from motcua.legacy import check, load
from motcua.legacy.models import LegacyRecord

from .conftest import dossier, finished_early, finished_late

pytestmark = pytest.mark.django_db


def _kinds(report: check.Report) -> set[str]:
    return {p["kind"] for p in report.problems}


def _one(report: check.Report, kind: str) -> dict:
    found = [p for p in report.problems if p["kind"] == kind]
    assert len(found) == 1, report.problems
    return found[0]


def test_a_clean_file_has_no_problem_and_writes_nothing(world, now, files):
    report = check.dry_run(files([dossier("A1"), dossier("A2")], finished_early("A1") + finished_early("A2")))
    assert report.problems == []
    assert (report.rows, report.dossiers, report.new, report.failed) == (10, 2, 2, 0)
    assert report.verdicts == {"early": 2}
    assert not Dossier.objects.exists() and not LegacyRecord.objects.exists()


def test_unknown_unit_and_procedure_are_named_with_their_row_and_column(world, now, files):
    ds = [dossier("A1", ma_don_vi_tiep_nhan="999.99.99.X00"), dossier("A2", ma_thu_tuc="9.999999")]
    report = check.dry_run(files(ds, finished_early("A1") + finished_early("A2")))
    u, p = _one(report, "unknown_unit"), _one(report, "unknown_procedure")
    assert (u["file"], u["row"], u["column"], u["code"]) == ("hoso.csv", 2, "ma_don_vi_tiep_nhan", "A1")
    assert u["message"] == "Không có đơn vị mã 999.99.99.X00."
    assert (p["row"], p["column"]) == (3, "ma_thu_tuc") and "9.999999" in p["message"]
    assert report.failed == 2 and report.new == 0


def test_units_may_be_named_by_their_administrative_code(world, now, files):
    from motcua.units.models import Unit

    Unit.objects.filter(pk=world.commune_centres["a"].pk).update(admin_code="24310")
    report = check.dry_run(files([dossier("A1", ma_don_vi_tiep_nhan="24310")], finished_early("A1")))
    assert report.problems == [] and report.new == 1


def test_impossible_event_order(world, now, files):
    evs = [["A1", "08/09/2025 08:00", "intake", ""], ["A1", "08/09/2025 09:00", "finish", ""]]
    p = _one(check.dry_run(files([dossier("A1")], evs)), "impossible_order")
    assert (p["file"], p["row"], p["column"]) == ("sukien.csv", 3, "thao_tac")
    assert p["message"] == ("Thứ tự sự kiện không thể xảy ra: không thể \"hoàn thành giải quyết (có kết quả)\" khi "
                            "hồ sơ trạng thái \"Đã tiếp nhận\".")


def test_events_back_in_time(world, now, files):
    evs = [["A1", "08/09/2025 08:00", "intake", ""], ["A1", "08/09/2025 07:00", "start", ""]]
    p = _one(check.dry_run(files([dossier("A1")], evs)), "event_order")
    assert (p["row"], p["column"]) == (3, "thoi_diem")


def test_date_in_the_future_and_malformed_dates(world, now, files):
    evs = [["A1", "08/09/2025 08:00", "intake", ""], ["A1", "11/09/2025 08:00", "start", ""],
           ["A2", "2025-09-08 08:00", "intake", ""], ["A3", "31/02/2025 08:00", "intake", ""]]
    report = check.dry_run(files([dossier("A1"), dossier("A2"), dossier("A3")], evs))
    future = _one(report, "future_date")
    assert future["row"] == 3 and "11/09/2025 08:00" in future["message"]
    bad = [p for p in report.problems if p["kind"] == "bad_date"]
    assert [p["row"] for p in bad] == [4, 5]
    assert bad[0]["message"] == "Thời điểm phải có dạng dd/mm/yyyy HH:MM."
    assert bad[1]["message"] == "Ngày giờ không tồn tại."


def test_unknown_action_and_bad_channel(world, now, files):
    evs = [["A1", "08/09/2025 08:00", "tiep_nhan", ""]]
    report = check.dry_run(files([dossier("A1", kenh="7")], evs))
    assert _kinds(report) == {"unknown_action", "bad_value"}


def test_duplicate_code_within_the_file(world, now, files):
    ds = [dossier("A1"), dossier("A1", ten_nguoi_nop="Khác")]
    p = _one(check.dry_run(files(ds, finished_early("A1"))), "duplicate_code")
    assert (p["row"], p["code"]) == (3, "A1")


def test_duplicate_code_with_different_content_than_imported_before(world, now, files):
    load.import_file(files([dossier("A1")], finished_early("A1")))
    report = check.dry_run(files([dossier("A1", ten_nguoi_nop="Trần Thị Bình")], finished_early("A1")))
    p = _one(report, "duplicate_code")
    assert p["message"] == "Hồ sơ A1 đã được nhập trước đây với nội dung khác."
    assert report.failed == 1


def test_a_code_the_system_gave_a_dossier_of_its_own(world, now, files):
    from motcua.dossiers import services as svc

    d = svc.intake(world.actor("counter_a"), world.intake_request())
    p = _one(check.dry_run(files([dossier(d.code)], finished_early(d.code))), "duplicate_code")
    assert "đã có trong hệ thống" in p["message"]


def test_dossier_without_events_and_events_without_dossier(world, now, files):
    report = check.dry_run(files([dossier("A1"), dossier("A3")], finished_early("A1") + finished_early("A2")
                                 + finished_early("A3")))
    assert _kinds(report) == {"unknown_dossier"}
    assert len([p for p in report.problems if p["kind"] == "unknown_dossier"]) == 4
    report = check.dry_run(files([dossier("A1"), dossier("A2")], finished_early("A1")))
    assert _one(report, "no_events")["code"] == "A2"


def test_tables_not_sorted_by_code(world, now, files):
    report = check.dry_run(files([dossier("B1"), dossier("A1")], finished_early("A1") + finished_early("B1")))
    assert "not_sorted" in _kinds(report)
    assert report.failed >= 1


def test_legacy_verdict_disagreeing_is_a_warning_and_the_computed_one_wins(world, now, files):
    report = check.dry_run(files([dossier("A1", ket_qua_cu="on_time")], finished_late("A1")))
    p = _one(report, "verdict_differs")
    assert p["severity"] == "warning" and p["column"] == "ket_qua_cu"
    assert p["message"] == ("Hệ thống cũ ghi \"đúng hạn\", tính lại theo thời hạn và lịch làm việc là \"trễ hạn\" "
                            "(nhập theo kết quả tính lại).")
    assert (report.new, report.failed, report.warnings) == (1, 0, 1)
    assert report.verdicts == {"late": 1}


def test_no_version_in_force_on_the_date(world, now, files):
    p = _one(check.dry_run(files([dossier("A1")], finished_early("A1", day="08/09/2019"))), "no_version")
    assert p["row"] == 2


def test_units_outside_the_administrators_subtree(world, now, files):
    ctx = check.Context(lambda path: path.startswith(world.communes["b"].path))
    report = check.dry_run(files([dossier("A1")], finished_early("A1")), ctx)
    cols = [p["column"] for p in report.problems if p["kind"] == "not_administered"]
    assert cols == ["ma_don_vi_tiep_nhan", "ma_don_vi_xu_ly"] and report.failed == 1


def test_missing_column_sheet_and_wrong_files(world, now, files, tmp_path):
    from openpyxl import Workbook

    paths = files([dossier("A1")], finished_early("A1"))
    paths[0].write_text("ma_ho_so,ma_thu_tuc\nA1,1.001193\n", encoding="utf-8")
    report = check.dry_run(paths)
    assert report.unreadable and _one(report, "missing_column")["message"].startswith("Thiếu cột bắt buộc")
    wb = Workbook()
    wb.active.title = "hoso"
    wb.save(tmp_path / "x.xlsx")
    assert _one(check.dry_run([tmp_path / "x.xlsx"]), "missing_sheet")["message"] == 'Thiếu trang tính "sukien".'
    assert check.dry_run([paths[0]]).unreadable


def test_excel_reports_the_sheet_and_row(world, now, files):
    report = check.dry_run(files([dossier("A1", ma_thu_tuc="0.0")], finished_early("A1"), kind="xlsx"))
    p = _one(report, "unknown_procedure")
    assert (p["file"], p["row"]) == ("lichsu.xlsx › hoso", 2)
