"""An administrator imports a legacy system's history in the browser: a file with errors shows its dry run's
problems by row, the corrected file's import runs as a job (the worker run here, in the test's process)
while the page polls its progress up to 100 % and then shows the counts. Axe at 1,366 px."""

from __future__ import annotations

import re
import time
from pathlib import Path

from playwright.sync_api import Page, expect

from tests.browser.pw import a11y_violations, describe, shot
from tests.legacy.conftest import dossier, finished_early, finished_late, with_supplement, write_csv


def work_until(done, what: str, seconds: float = 60.0) -> None:  # noqa: ANN001
    """Run the worker (django-tasks' database backend) in this process until ``done()``."""
    from motcua.jobs.worker import Worker

    deadline = time.monotonic() + seconds
    while not done():
        if time.monotonic() > deadline:
            raise AssertionError(f"not reached in {seconds} s: {what}")
        Worker(worker_id="test", once=True, own_connections=False).run()
        time.sleep(0.2)


def _status(pk: int) -> str:
    from motcua.legacy.models import ImportRun

    return ImportRun.objects.get(pk=pk).status


def _last_run() -> int:
    from motcua.legacy.models import ImportRun

    return ImportRun.objects.order_by("-pk").values_list("pk", flat=True).first()


def _axe(page: Page, label: str) -> None:
    page.wait_for_function("() => !document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling')")
    found = a11y_violations(page)
    assert not found, f"accessibility violations on {label}:\n{describe(found)}"


def _upload(page: Page, paths: list[Path]) -> int:
    page.goto("/office/legacy/")
    page.get_by_label("Tệp dữ liệu (một tệp .xlsx, hoặc hai tệp .csv)").set_input_files([str(p) for p in paths])
    page.get_by_role("button", name="Tải lên và chạy thử").click()
    expect(page).to_have_url(re.compile(r"/office/legacy/\d+/$"))
    return _last_run()


def test_an_administrator_checks_then_imports_a_legacy_history(site, page_of, tmp_path, now):  # noqa: ANN001
    page = page_of("admin")
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto("/office/legacy/")
    expect(page.get_by_role("heading", name="Nhập lịch sử từ hệ thống cũ")).to_be_visible()
    _axe(page, "legacy import page")
    page.get_by_role("link", name="Xem mô tả định dạng tệp").click()
    expect(page.get_by_role("heading", name="Định dạng tệp lịch sử hệ thống cũ")).to_be_visible()
    _axe(page, "legacy format page")

    # a file with errors: an unknown unit, an impossible order, a date in the future
    bad = [dossier("CU-0001"), dossier("CU-0002", ma_don_vi_tiep_nhan="999.99.99.X00"), dossier("CU-0003")]
    bad_events = (finished_early("CU-0001") + finished_late("CU-0002")
                  + [["CU-0003", "08/09/2025 08:00", "intake", ""], ["CU-0003", "08/09/2025 09:00", "finish", ""],
                     ["CU-0003", "12/09/2025 09:00", "return", ""]])
    pk = _upload(page, write_csv(tmp_path / "bad", bad, bad_events))
    work_until(lambda: _status(pk) == "checked", "the dry run of the file with errors")
    problems = page.locator("table.problems")
    expect(problems).to_be_visible()  # the progress fragment reloaded the page when the job ended
    expect(problems.locator("tr", has_text="Không có đơn vị mã 999.99.99.X00.")).to_contain_text("hoso.csv")
    row = problems.locator("tr", has_text="Thứ tự sự kiện không thể xảy ra")
    expect(row).to_contain_text("sukien.csv")
    expect(row.locator("td").nth(1)).to_have_text("10")
    expect(problems.locator("tr", has_text="ở tương lai")).to_contain_text("thoi_diem")
    expect(page.get_by_text("Có lỗi (không nhập): 2")).to_be_visible()
    _axe(page, "the dry run with problems")
    shot(page, "legacy-dry-run-problems")

    # the corrected file
    good = [dossier("CU-0001"), dossier("CU-0002", ket_qua_cu="on_time"), dossier("CU-0003")]
    good_events = finished_early("CU-0001") + finished_late("CU-0002") + with_supplement("CU-0003")
    pk = _upload(page, write_csv(tmp_path / "good", good, good_events))
    work_until(lambda: _status(pk) == "checked", "the dry run of the corrected file")
    expect(page.get_by_text("Sẽ tạo: 3")).to_be_visible()
    expect(page.locator("table.problems")).to_contain_text("tính lại theo thời hạn và lịch làm việc là \"trễ hạn\"")
    page.get_by_role("button", name="Nhập 3 hồ sơ").click()
    expect(page.locator("#legacy-progress")).to_contain_text("Chờ nhập")
    work_until(lambda: _status(pk) == "done", "the import")
    progress = page.locator("#legacy-progress")
    expect(progress).to_contain_text("Đã nhập xong")
    expect(progress.locator(".percent")).to_have_text("100 %")
    expect(progress).to_contain_text("đã tạo 3, bỏ qua 0, lỗi 0")
    _axe(page, "the finished import")
    shot(page, "legacy-import-done")

    from motcua.dossiers.models import Dossier

    assert sorted(Dossier.objects.values_list("code", "verdict")) == [
        ("CU-0001", "early"), ("CU-0002", "late"), ("CU-0003", "on_time")]
