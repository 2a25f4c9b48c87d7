"""The format: cells read as documented, and the documentation page drawn from the same spec."""

from __future__ import annotations

from datetime import datetime

import pytest

from motcua.legacy import format as fmt


def test_times_are_vietnam_wall_time():
    assert fmt.parse_time("08/09/2025 08:00") == int(datetime.fromisoformat("2025-09-08T01:00:00+00:00").timestamp())
    assert fmt.parse_time(" 8/9/2025 8:00 ") == fmt.parse_time("08/09/2025 08:00")
    assert fmt.parse_time(datetime(2025, 9, 8, 8, 0)) == fmt.parse_time("08/09/2025 08:00")  # an Excel date cell
    assert fmt.show_time(fmt.parse_time("08/09/2025 08:00")) == "08/09/2025 08:00"
    for bad in ("2025-09-08 08:00", "08/09/2025", "31/02/2025 08:00", ""):
        with pytest.raises(fmt.CellError):
            fmt.parse_time(bad)


def test_amounts_and_text_cells():
    assert fmt.parse_amount("1.500.000") == 1_500_000
    assert fmt.parse_amount("") == 0
    assert fmt.parse_amount(20000.0) == 20000
    with pytest.raises(fmt.CellError):
        fmt.parse_amount("-5")
    assert fmt.text(3.0) == "3" and fmt.text(None) == ""


def test_the_column_names_are_stable():
    assert fmt.DOSSIER_NAMES == ("ma_ho_so", "ma_don_vi_tiep_nhan", "ma_don_vi_xu_ly", "ma_thu_tuc", "kenh",
                                 "ten_nguoi_nop", "so_dinh_danh", "so_dien_thoai", "dia_chi", "le_phi", "da_nop",
                                 "ket_qua_cu")
    assert fmt.EVENT_NAMES == ("ma_ho_so", "thoi_diem", "thao_tac", "ghi_chu")
    assert {"intake", "finish", "return", "request_supplement"} <= fmt.IMPORTED_ACTIONS
    assert "fee_paid" not in fmt.IMPORTED_ACTIONS


@pytest.mark.django_db
def test_the_format_page_documents_every_column_and_action(client_of):
    resp = client_of("admin").get("/office/legacy/format/")
    assert resp.status_code == 200
    body = resp.content.decode()
    for name in (*fmt.DOSSIER_NAMES, *fmt.EVENT_NAMES, *fmt.IMPORTED_ACTIONS):
        assert f"<code>{name}</code>" in body
    assert "dd/mm/yyyy HH:MM" in body


@pytest.mark.django_db
def test_the_import_page_links_the_format_and_is_for_administrators(client_of):
    resp = client_of("admin").get("/office/legacy/")
    assert resp.status_code == 200 and 'href="/office/legacy/format/"' in resp.content.decode()
    assert client_of("counter_a").get("/office/legacy/").status_code == 403
    assert client_of("counter_a").post("/office/legacy/").status_code == 403


@pytest.mark.django_db
def test_a_wrong_upload_gets_a_friendly_message(client_of):
    from django.core.files.uploadedfile import SimpleUploadedFile

    resp = client_of("admin").post("/office/legacy/", {"files": [SimpleUploadedFile("a.pdf", b"%PDF-1.4")]})
    assert resp.status_code == 400
    assert "Chọn một tệp Excel (.xlsx)" in resp.content.decode()
    resp = client_of("admin").post("/office/legacy/", {})
    assert resp.status_code == 400 and "Chọn tệp cần nhập." in resp.content.decode()
