"""Exports: the dossier list (CSV, Excel) and the periodic report, on the hand-built month of
tests/reports/conftest.py. Every list is read back (csv, openpyxl) and compared with the figure
engine: same dossiers, same order, as many rows as the figure counts."""

from __future__ import annotations

import csv
import dataclasses
import io
import random
from datetime import UTC, datetime
from urllib.parse import unquote

import openpyxl
import pytest
from django.http import StreamingHttpResponse
from django.test import Client

from motcua.core import clock
from motcua.dossiers.bulk import import_history
from motcua.reports import exports as ex
from motcua.reports.facts import Filters
from motcua.reports.figures import COUNT_FIGURES
from motcua.reports.periodic import COLUMNS, DATA_ROW, FIRST, HEADER_ROW
from motcua.reports.services import compute_figures, dossiers_for
from tests.reports.conftest import record
from tests.reports.test_api import api_error
from tests.reports.test_figures import EXPECTED_A

API = "/api/v1/reports/export"
MARCH = {"start": "2026-03-01", "end": "2026-03-31"}
BOM = b"\xef\xbb\xbf"
# commune A in March: every dossier counting in some figure (D12 ended in February: none; D17 ended
# in February but was rated in March)
ALL_A = ["D1", "D2", "D3", "D4", "D5", "D7", "D8", "D9", "D10", "D11", "D13", "D14", "D15", "D17", "D6"]


def _csv(resp) -> list[list[str]]:  # noqa: ANN001
    assert resp.status_code == 200, resp.content[:500]
    body = b"".join(resp.streaming_content)
    assert body.startswith(BOM)
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"), newline="")))


def _xlsx(resp) -> openpyxl.Workbook:  # noqa: ANN001
    assert resp.status_code == 200, resp.content[:500] if not resp.streaming else resp.status_code
    assert resp["Content-Type"] == ex.XLSX_CONTENT_TYPE
    return openpyxl.load_workbook(io.BytesIO(b"".join(resp.streaming_content)))


def _by_code(rows: list[list[str]]) -> dict[str, dict[str, str]]:
    return {r[0]: dict(zip(ex.HEADERS, r, strict=True)) for r in rows[1:]}


# ---- the dossier list --------------------------------------------------------------------------

@pytest.mark.parametrize("figure", COUNT_FIGURES)
def test_a_figure_exports_exactly_its_drill_down(month, client_of, figure):
    c, a = client_of("leader_a"), month.world.communes["a"]
    counts = client_of("leader_a").get("/api/v1/reports/figures", {"unit": a.code, **MARCH}).json()["counts"]
    drill = dossiers_for(figure, a, month.period.start, month.period.end)
    rows = _csv(c.get(f"{API}/dossiers.csv", {"unit": a.code, "figure": figure, **MARCH}))
    assert [r[0] for r in rows[1:]] == [code for _, code in drill]
    assert len(rows) - 1 == counts[figure] == EXPECTED_A[figure]
    ws = _xlsx(c.get(f"{API}/dossiers.xlsx", {"unit": a.code, "figure": figure, **MARCH}))["Hồ sơ"]
    assert [r[0] for r in ws.iter_rows(min_row=2, values_only=True)] == [code for _, code in drill]


def test_csv_columns_vietnamese_text_and_local_times(month, client_of):
    a = month.world.communes["a"]
    resp = client_of("monitor").get(f"{API}/dossiers.csv", {"unit": a.code, **MARCH})
    assert resp.streaming and resp["Content-Type"] == "text/csv; charset=utf-8"
    rows = _csv(resp)
    assert tuple(rows[0]) == ex.HEADERS
    codes = [r[0] for r in rows[1:]]
    d6_code = next(code for code in codes if code not in month.ids)
    assert codes == [n if n != "D6" else d6_code for n in ALL_A]  # ascending id; D6 was created last
    by = _by_code(rows)
    d1 = by["D1"]
    assert (d1["Mã thủ tục"], d1["Tên thủ tục"], d1["Kênh nộp"], d1["Người nộp"]) == (
        "1.001193", "Thủ tục đăng ký khai sinh", "Trực tiếp", "Lê Thị Hoa")
    assert (d1["Nơi tiếp nhận"], d1["Cơ quan giải quyết"]) == ("TTPVHCC xã A", "Xã A")
    assert (d1["Ngày tiếp nhận"], d1["Hạn xử lý"], d1["Kết thúc xử lý"], d1["Ngày trả kết quả"]) == (
        "02/03/2026 09:00", "05/03/2026 09:00", "03/03/2026 10:00", "03/03/2026 14:00")
    assert (d1["Trạng thái"], d1["Kết quả đánh giá"], d1["Số giờ trễ"]) == ("Đã trả kết quả", "Trước hạn", "0.00")
    d3 = by["D3"]
    assert (d3["Kết quả đánh giá"], d3["Số giờ trễ"], d3["Trạng thái"]) == ("Trễ hạn", "2.00", "Đã xử lý xong")
    assert "quá hạn 2 giờ làm việc" in d3["Lý do"]
    # D8 finished on 2 April: as of the end of March it is still being processed, 6.5 h late
    d8 = by["D8"]
    assert (d8["Kết quả đánh giá"], d8["Số giờ trễ"], d8["Trạng thái"], d8["Kết thúc xử lý"]) == (
        "Đang xử lý quá hạn", "6.50", "Đang xử lý", "")
    assert d8["Hạn xử lý"] == "31/03/2026 09:00"
    assert "lần" in by["D4"]["Lý do"] and by["D4"]["Kết quả đánh giá"] == "Trễ hạn"  # second supplement request
    assert by["D14"]["Kết quả đánh giá"] == "Chưa tiếp nhận" and by["D14"]["Trạng thái"] == "Từ chối tiếp nhận"
    assert by["D15"]["Kênh nộp"] == "Trực tuyến" and "dừng xử lý" in by["D15"]["Lý do"]
    assert "rút hồ sơ" in by["D7"]["Lý do"]


def test_content_disposition_is_ascii_with_utf8_name(month, client_of):
    a = month.world.communes["a"]
    resp = client_of("monitor").get(f"{API}/dossiers.csv", {"unit": a.code, "figure": "late", **MARCH})
    cd = resp["Content-Disposition"]
    assert cd.startswith('attachment; filename="Danh-sach-ho-so-Xa-A-01.03.2026-31.03.2026-late.csv"; ')
    assert cd.isascii()
    assert unquote(cd.split("filename*=UTF-8''")[1]) == "Danh sách hồ sơ - Xã A - 01.03.2026-31.03.2026 - late.csv"
    b"".join(resp.streaming_content)


def test_local_time_arithmetic_matches_zoneinfo():
    rng = random.Random(766)
    for e in [1_772_470_800, *(rng.randrange(946_684_800, 2_208_988_800) for _ in range(5000))]:
        at = datetime.fromtimestamp(e, UTC)
        assert ex.local_text(e) == clock.local(at).strftime("%d/%m/%Y %H:%M"), e
        assert openpyxl.utils.datetime.from_excel(ex.excel_serial(e)) == clock.local(at).replace(tzinfo=None), e


def test_batches_do_not_change_the_list(month, client_of, monkeypatch):
    """Keyset batches of 3 dossiers give the same rows as one batch, in several chunks."""
    a = month.world.communes["a"]
    whole = _csv(client_of("monitor").get(f"{API}/dossiers.csv", {"unit": a.code, **MARCH}))
    monkeypatch.setattr(ex, "BATCH", 3)
    resp = client_of("monitor").get(f"{API}/dossiers.csv", {"unit": a.code, **MARCH})
    chunks = list(resp.streaming_content)
    assert len(chunks) >= 4  # the header, then one chunk per batch that has rows
    body = b"".join(chunks).decode("utf-8-sig")
    assert list(csv.reader(io.StringIO(body, newline=""))) == whole


def test_xlsx_list_types_info_sheet_and_filters(month, client_of):
    w = month.world
    c = client_of("monitor")
    wb = _xlsx(c.get(f"{API}/dossiers.xlsx", {"unit": w.province.code, **MARCH}))
    assert wb.sheetnames == ["Hồ sơ", "Thông tin"]
    ws = wb["Hồ sơ"]
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0] == ex.HEADERS
    assert len(rows) - 1 == len(ALL_A) + 1  # commune B's D16 too
    by = {r[0]: dict(zip(ex.HEADERS, r, strict=True)) for r in rows[1:]}
    assert by["D1"]["Ngày tiếp nhận"] == datetime(2026, 3, 2, 9, 0)  # local wall time, no time zone
    assert ws["I2"].number_format == "dd/mm/yyyy hh:mm"
    assert by["D3"]["Số giờ trễ"] == 2.0 and by["D3"]["Kết quả đánh giá"] == "Trễ hạn"
    assert by["D16"]["Cơ quan giải quyết"] == "Xã B"
    info = dict(wb["Thông tin"].iter_rows(values_only=True))
    assert info["Số hồ sơ"] == str(len(rows) - 1) and info["Đơn vị"] == "Tỉnh Lâm Đồng (68)"
    online = _csv(c.get(f"{API}/dossiers.csv", {"unit": w.province.code, "channel": 2, **MARCH}))
    assert sorted(r[0] for r in online[1:]) == ["D14", "D15"]


def test_xlsx_rolls_over_to_a_new_sheet_at_the_row_limit(month, client_of, monkeypatch):
    monkeypatch.setattr(ex, "XLSX_MAX_ROWS", 6)  # header + 5 rows per sheet
    a = month.world.communes["a"]
    wb = _xlsx(client_of("monitor").get(f"{API}/dossiers.xlsx", {"unit": a.code, **MARCH}))
    assert wb.sheetnames == ["Hồ sơ", "Hồ sơ (2)", "Hồ sơ (3)", "Thông tin"]
    codes = []
    for name in wb.sheetnames[:3]:
        rows = list(wb[name].iter_rows(values_only=True))
        assert rows[0] == ex.HEADERS
        codes += [r[0] for r in rows[1:]]
    assert len(codes) == len(ALL_A) == 15


def test_text_is_never_a_formula(month, client_of):
    w = month.world
    rec = dataclasses.replace(record(w, "D99", [("2026-03-20 09:00", "intake")]),
                              applicant_name='=HYPERLINK("http://x","Nguyễn")')
    import_history([rec], w.province.pk)
    params = {"unit": w.communes["a"].code, "figure": "received", **MARCH}
    by = _by_code(_csv(client_of("monitor").get(f"{API}/dossiers.csv", params)))
    assert by["D99"]["Người nộp"] == "'" + rec.applicant_name
    ws = _xlsx(client_of("monitor").get(f"{API}/dossiers.xlsx", params))["Hồ sơ"]
    cell = next(r[5] for r in ws.iter_rows(min_row=2) if r[0].value == "D99")
    assert cell.data_type == "s" and cell.value == rec.applicant_name


def test_an_empty_export_has_the_header_only(month, client_of):
    b = month.world.communes["b"]
    rows = _csv(client_of("monitor").get(f"{API}/dossiers.csv", {"unit": b.code, "figure": "withdrawn", **MARCH}))
    assert rows == [list(ex.HEADERS)]
    ws = _xlsx(client_of("monitor").get(f"{API}/dossiers.xlsx", {"unit": b.code, "figure": "withdrawn", **MARCH}))
    assert list(ws["Hồ sơ"].iter_rows(values_only=True)) == [ex.HEADERS]


# ---- the streamed Excel list -------------------------------------------------------------------

def _xlsx_as_csv(ws) -> list[list[str]]:  # noqa: ANN001
    """The sheet's values written as the CSV export writes them."""
    out = [list(next(ws.iter_rows(max_row=1, values_only=True)))]
    for r in ws.iter_rows(min_row=2, values_only=True):
        out.append(["" if v is None else v.strftime(ex.DATETIME_FORMAT) if i in ex.DATE_COLUMNS
                    else f"{v:.2f}" if i == ex.HOURS_COLUMN else ex._safe_text(v) for i, v in enumerate(r)])
    return out


@pytest.mark.parametrize("unit,params", [
    ("province", {}), ("province", {"figure": "resolved_late"}), ("province", {"channel": 2}),
    ("a", {"basis": "receiving"}), ("a", {"figure": "in_progress_late"}), ("b", {"figure": "withdrawn"}),
])
def test_xlsx_has_exactly_the_rows_and_values_of_the_csv(month, client_of, unit, params):
    w = month.world
    params = {"unit": (w.province if unit == "province" else w.communes[unit]).code, **params, **MARCH}
    c = client_of("monitor")
    rows = _csv(c.get(f"{API}/dossiers.csv", params))
    ws = _xlsx(c.get(f"{API}/dossiers.xlsx", params))["Hồ sơ"]
    assert _xlsx_as_csv(ws) == rows
    assert ws.max_column == len(ex.HEADERS)


NASTY = ' Nguyễn <Thị> & "Hoà" \'Đặng\'\x01\x0b\x1f\tdòng 1\r\ndòng 2\n]]> '


def test_xlsx_keeps_vietnamese_text_and_xml_specials_and_drops_control_characters(month, client_of):
    w = month.world
    rec = dataclasses.replace(record(w, "D98", [("2026-03-20 09:00", "intake")]), applicant_name=NASTY)
    import_history([rec], w.province.pk)
    params = {"unit": w.communes["a"].code, "figure": "received", **MARCH}
    assert _by_code(_csv(client_of("monitor").get(f"{API}/dossiers.csv", params)))["D98"]["Người nộp"] == NASTY
    ws = _xlsx(client_of("monitor").get(f"{API}/dossiers.xlsx", params))["Hồ sơ"]
    cell = next(r[5] for r in ws.iter_rows(min_row=2) if r[0].value == "D98")
    assert cell.data_type == "s"
    assert cell.value == ' Nguyễn <Thị> & "Hoà" \'Đặng\'\tdòng 1\r\ndòng 2\n]]> '  # spaces, CR kept


def test_xml_text_escapes_and_strips():
    assert ex.xml_text("Trần Văn Ơn") == "Trần Văn Ơn"
    assert ex.xml_text("a<b & c>d\r") == "a&lt;b &amp; c&gt;d&#13;"
    assert ex.xml_text("x\x00\x08\x0c\x1f\ud800\ufffe\uffffy\tz\n") == "xy\tz\n"
    assert ex.xml_text("mã _x0041_ và _x12") == "mã _x005F_x0041_ và _x12"  # Excel would read "_x0041_" as "A"


def _fake_rows(total: int, pulled: list[int]):  # noqa: ANN202
    """A stand-in for iter_rows: ``total`` rows of varied text in batches of 500, counting in
    ``pulled[0]`` how many the export has asked for so far."""
    rng = random.Random(7)

    def rows(q, batch=None):  # noqa: ANN001, ANN202
        for start in range(0, total, 500):
            chunk = [ex.Row((f"H{i:07d}", "1.001193", f"Thủ tục {rng.getrandbits(64):x}", "Hộ tịch", "Trực tiếp",
                             f"Người nộp {rng.getrandbits(64):x}", "TTPVHCC xã A", "Xã A", 1_772_420_400 + i,
                             1_772_420_400 + 60 * i, None, None, None, "Đang xử lý", "Trễ hạn", i / 100,
                             f"lý do {rng.getrandbits(128):x}")) for i in range(start, min(total, start + 500))]
            pulled[0] += len(chunk)
            yield chunk
    return rows


def test_xlsx_streams_before_the_rows_are_read(month, client_of, monkeypatch):
    total, pulled = 6000, [0]
    monkeypatch.setattr(ex, "iter_rows", _fake_rows(total, pulled))
    resp = client_of("monitor").get(f"{API}/dossiers.xlsx", {"unit": month.world.province.code, **MARCH})
    assert isinstance(resp, StreamingHttpResponse) and resp["X-Accel-Buffering"] == "no"
    chunks = iter(resp.streaming_content)
    body = [next(chunks)]
    assert pulled[0] == 0 and body[0].startswith(b"PK\x03\x04")  # the zip has started, no row read yet
    seen = []
    for chunk in chunks:
        body.append(chunk)
        seen.append(pulled[0])
    assert sum(1 for n in seen if n < total) >= 5, seen  # chunks kept coming while rows were still unread
    assert max(len(c) for c in body) <= ex.ZIP_CHUNK
    ws = openpyxl.load_workbook(io.BytesIO(b"".join(body)), read_only=True)["Hồ sơ"]
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    assert len(rows) == total and rows[-1][0] == f"H{total - 1:07d}" and rows[-1][15] == (total - 1) / 100


def test_xlsx_rolls_over_before_a_sheet_part_reaches_the_zip_limit(month, client_of, monkeypatch):
    monkeypatch.setattr(ex, "SHEET_MAX_BYTES", 1)  # every piece of rows fills a sheet
    monkeypatch.setattr(ex, "CHUNK_ROWS", 4)
    a = month.world.communes["a"]
    wb = _xlsx(client_of("monitor").get(f"{API}/dossiers.xlsx", {"unit": a.code, **MARCH}))
    assert wb.sheetnames == ["Hồ sơ", "Hồ sơ (2)", "Hồ sơ (3)", "Hồ sơ (4)", "Thông tin"]
    sizes = [len(list(wb[n].iter_rows(min_row=2, values_only=True))) for n in wb.sheetnames[:-1]]
    assert sizes == [4, 4, 4, 3]
    assert dict(wb["Thông tin"].iter_rows(values_only=True))["Số hồ sơ"] == str(len(ALL_A))


def test_write_dossiers_xlsx_writes_a_file_and_counts_the_rows(month):
    a = month.world.communes["a"]
    q = ex.ExportQuery(a, month.period, Filters())
    out = io.BytesIO()
    assert ex.write_dossiers_xlsx(q, out, batch=4, title="Danh sách", info=[("Đơn vị", a.name)]) == len(ALL_A)
    wb = openpyxl.load_workbook(io.BytesIO(out.getvalue()))
    assert wb.sheetnames == ["Danh sách", "Thông tin"]
    assert len(list(wb["Danh sách"].iter_rows(min_row=2))) == len(ALL_A)
    # columns A..R: the 17 report columns and the declared data (e-forms)
    assert wb["Danh sách"].auto_filter.ref == f"A1:R{len(ALL_A) + 1}" and wb["Danh sách"].freeze_panes == "B2"


# ---- the periodic report -----------------------------------------------------------------------

def _report(resp) -> tuple[openpyxl.worksheet.worksheet.Worksheet, dict[str, tuple]]:  # noqa: ANN001
    ws = _xlsx(resp)["Báo cáo"]
    rows = {}
    for r in ws.iter_rows(min_row=DATA_ROW + 1, values_only=True):
        if r[1] is None:
            break
        rows[r[1]] = r
    return ws, rows


def _expected(unit, month, **filters) -> list:  # noqa: ANN001
    p = month.period
    figs = compute_figures(unit, p.start, p.end, Filters(**filters))
    received = {ch: compute_figures(unit, p.start, p.end, Filters(**{**filters, "channel": ch})).counts["received"]
                if filters.get("channel") in (None, ch) else 0 for ch in (1, 2, 3)}
    c = figs.counts
    values = {"received@1": received[1], "received@2": received[2], "received@3": received[3],
              "in_progress": c["in_progress_on_time"] + c["in_progress_late"],
              "on_time_rate": None if figs.rates["on_time_rate"].value is None
              else float(figs.rates["on_time_rate"].value)}
    return [values[col.key] if col.key in values else c[col.key] for col in COLUMNS]


def test_report_cells_are_the_figures_of_each_unit(month, client_of):
    w = month.world
    resp = client_of("monitor").get(f"{API}/report.xlsx", {"unit": w.province.code, "kind": "commune", **MARCH})
    ws, rows = _report(resp)
    assert list(rows) == ["Xã A", "Xã B", "Tổng cộng"]
    for key in ("a", "b"):
        unit = w.communes[key]
        assert ["N/A" if v is None else v for v in _expected(unit, month)] == list(rows[unit.name][FIRST:])
    a = rows["Xã A"][FIRST:]
    assert a[0] == 12 and a[-1] == 66.66  # to process; on-time rate truncated, as published
    total = rows["Tổng cộng"][FIRST:]
    assert list(total) == _expected(w.province, month)
    for i, col in enumerate(COLUMNS):
        if col.key != "on_time_rate":
            assert total[i] == rows["Xã A"][FIRST + i] + rows["Xã B"][FIRST + i], col
    assert (rows["Xã A"][0], rows["Xã B"][0], rows["Tổng cộng"][0]) == (1, 2, None)


def test_report_headers_are_merged_on_three_rows(month, client_of):
    resp = client_of("monitor").get(f"{API}/report.xlsx", {"unit": month.world.province.code, **MARCH})
    ws, _rows = _report(resp)
    h = HEADER_ROW + 1  # 1-based
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert {f"A{h}:A{h + 2}", f"B{h}:B{h + 2}", f"C{h}:G{h}", f"E{h + 1}:G{h + 1}", f"H{h}:K{h}",
            f"L{h}:N{h}", f"O{h}:O{h + 2}", f"P{h}:P{h + 2}", f"C{h + 1}:C{h + 2}"} <= merged
    assert ws[f"C{h}"].value == "Tổng số hồ sơ tiếp nhận" and ws[f"E{h + 1}"].value == "Mới tiếp nhận"
    assert [ws.cell(h + 2, col).value for col in (5, 6, 7)] == ["Trực tuyến", "Trực tiếp", "Bưu chính"]
    assert ws[f"H{h}"].value == "Số hồ sơ đã giải quyết" and ws[f"L{h}"].value == "Số hồ sơ đang giải quyết"
    assert ws[f"P{h}"].value == "Tỷ lệ đúng hạn (%)" and ws[f"O{h}"].value == "Hồ sơ rút"
    assert ws.cell(h + 3, 16).value == "(16)"


def test_report_total_is_the_parent_figure_with_a_row_for_other_units(month, client_of):
    """Listing departments only: the communes' dossiers land in the "other" row, so the total
    still equals the province's figures; an empty unit shows zeros and N/A."""
    w = month.world
    resp = client_of("monitor").get(f"{API}/report.xlsx", {"unit": w.province.code, "kind": "agency", **MARCH})
    _ws, rows = _report(resp)
    names = list(rows)
    assert names[0] == "Sở Tư pháp" and names[1].startswith("Khác") and names[2] == "Tổng cộng"
    assert list(rows["Sở Tư pháp"][FIRST:]) == [0] * (len(COLUMNS) - 1) + ["N/A"]
    assert list(rows["Tổng cộng"][FIRST:]) == _expected(w.province, month)
    assert list(rows[names[1]][FIRST:]) == _expected(w.province, month)


def test_report_with_filters(month, client_of):
    w = month.world
    params = {"unit": w.province.code, "kind": "commune", "channel": 2, **MARCH}
    _ws, rows = _report(client_of("monitor").get(f"{API}/report.xlsx", params))
    a = rows["Xã A"][FIRST:]
    assert list(a) == ["N/A" if v is None else v for v in _expected(w.communes["a"], month, channel=2)]
    assert a[2:5] == (1, 0, 0)  # received online, direct, by post


# ---- scoping and bad input ---------------------------------------------------------------------

ENDPOINTS = ("/dossiers.csv", "/dossiers.xlsx", "/report.xlsx")


@pytest.mark.parametrize("user,unit,status", [
    ("monitor", "province", 200), ("leader_a", "a", 200), ("specialist_a", "a", 200),
    ("leader_a", "b", 403), ("leader_a", "province", 403), ("counter_a", "province", 403), ("citizen", "a", 403),
])
def test_scoping(month, client_of, user, unit, status):
    w = month.world
    code = w.province.code if unit == "province" else w.communes[unit].code
    for path in ENDPOINTS:
        r = client_of(user).get(API + path, {"unit": code, **MARCH})
        if status == 200:
            assert r.status_code == 200, (path, r.content if not r.streaming else "")
            b"".join(r.streaming_content)
        else:
            assert api_error(r, 403)["code"] == "forbidden", path


def test_anonymous_is_refused(month):
    for path in ENDPOINTS:
        assert api_error(Client().get(API + path, {"unit": month.world.communes["a"].code, **MARCH}), 401)


@pytest.mark.parametrize("params,fields", [
    ({"unit": "NO-SUCH-UNIT", **MARCH}, ("unit",)),
    ({"unit": "A", "start": "2026-03-31", "end": "2026-03-01"}, ("end",)),
    ({"unit": "A", "start": "2026-02-30", "end": "2026-03-31"}, ("start",)),
    ({"unit": "A", "start": "2020-01-01", "end": "2026-03-31"}, ("end",)),
    ({"unit": "A", "channel": 7, **MARCH}, ("channel",)),
    ({"unit": "A", "channel": "x", **MARCH}, ("channel",)),
    ({"unit": "A", "basis": "owner", **MARCH}, ("basis",)),
    ({"unit": "A"}, ("start", "end")),
])
def test_bad_input(month, client_of, params, fields):
    if params.get("unit") == "A":
        params = {**params, "unit": month.world.communes["a"].code}
    for path in ENDPOINTS:
        api_error(client_of("monitor").get(API + path, params), 422, fields)


def test_bad_figure_and_kind(month, client_of):
    c, a = client_of("monitor"), month.world.communes["a"].code
    for path in ENDPOINTS[:2]:
        api_error(c.get(API + path, {"unit": a, "figure": "nonsense", **MARCH}), 422, ("figure",))
    api_error(c.get(f"{API}/report.xlsx", {"unit": a, "kind": "planet", **MARCH}), 422, ("kind",))
