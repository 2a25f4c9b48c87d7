"""The tracking book: rows of the unit and period only, pages with repeated headers, validation."""

from __future__ import annotations

import time
from datetime import date, datetime, timedelta

import pytest
from django.test import Client

from motcua.core.clock import aware
from motcua.documents import book, services
from motcua.dossiers.models import Dossier
from tests.documents.conftest import Pdf

pytestmark = pytest.mark.django_db

A4_LANDSCAPE = (841.9, 595.3)
ROWS = 320


def _clone(d: Dossier, n: int, received: datetime) -> Dossier:
    """A copy of a dossier made through the services, with its own code and receipt time."""
    copy = Dossier.objects.get(pk=d.pk)
    copy.pk, copy.code, copy.received_at, copy.submitted_at = None, f"{d.code[:-4]}{n:04d}", received, received
    copy.applicant_name = f"Người nộp số {n}"
    return copy


@pytest.fixture
def month(desk):  # noqa: ANN001, ANN201
    """ROWS dossiers received by commune A's centre in September 2025, plus ones that must not show."""
    d = desk.received()
    first = aware(datetime(2025, 9, 1, 8, 0))
    Dossier.objects.bulk_create([_clone(d, n, first + timedelta(hours=2 * n)) for n in range(2, ROWS + 1)])
    outside = Dossier.objects.bulk_create([_clone(d, 9001, aware(datetime(2025, 10, 1, 8, 0)))])[0]
    other = desk.received("b")
    return {"unit": desk.world.commune_centres["a"].code, "start": "2025-09-01", "end": "2025-09-30",
            "outside": outside.code, "other": other.code}


def test_book_lists_the_period_on_numbered_pages_with_repeated_headers(month, client_of) -> None:  # noqa: ANN001
    r = client_of("counter_a").get("/documents/book/", {k: month[k] for k in ("unit", "start", "end")})
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    assert r["Content-Disposition"] == f'inline; filename="so-theo-doi-{month["unit"]}-20250901-20250930.pdf"'
    pdf = Pdf(r.content)
    assert pdf.pages > 1 and all(pdf.size(i) == A4_LANDSCAPE for i in range(pdf.pages))
    for i in range(pdf.pages):
        page = pdf.page_text(i)
        assert "Mã hồ sơ" in page and "Thủ tục hành chính" in page and "Ngày hẹn trả" in page, i
        assert f"Trang {i + 1}/{pdf.pages}" in page
    text = pdf.text
    assert "SỔ THEO DÕI HỒ SƠ" in text and f"Từ ngày 01/09/2025 đến ngày 30/09/2025 - {ROWS} hồ sơ" in text
    assert "Người nộp số 2" in text and f"Người nộp số {ROWS}" in text and "Nguyễn Thị Hồng Nhung" in text
    assert "Thủ tục đăng ký khai sinh" in text and "Đã tiếp nhận" in text and "01/09/2025" in text
    assert month["outside"] not in text and month["other"] not in text


def test_a_leader_of_the_commune_covers_its_centre(month, client_of) -> None:  # noqa: ANN001
    params = {k: month[k] for k in ("unit", "start", "end")}
    assert client_of("leader_a").get("/documents/book/", params).status_code == 200


def test_dates_may_be_written_day_first(month, client_of) -> None:  # noqa: ANN001
    params = {"unit": month["unit"], "start": "01/09/2025", "end": "02/09/2025"}
    r = client_of("counter_a").get("/documents/book/", params)
    assert r.status_code == 200 and "Từ ngày 01/09/2025 đến ngày 02/09/2025" in Pdf(r.content).text


@pytest.mark.parametrize("params, message", [
    ({"unit": "000.31.90.H39", "start": "2025-09-01"}, "Thông tin chưa hợp lệ"),
    ({"unit": "000.31.90.H39", "start": "2025-09-01", "end": "hôm qua"}, "Thông tin chưa hợp lệ"),
    ({"unit": "000.31.90.H39", "start": "2025-09-30", "end": "2025-09-01"}, "Ngày kết thúc phải từ ngày bắt đầu"),
    ({"unit": "", "start": "2025-09-01", "end": "2025-09-30"}, "Thông tin chưa hợp lệ"),
    ({"unit": "KHONG-CO", "start": "2025-09-01", "end": "2025-09-30"}, "Không tìm thấy đơn vị có mã này."),
    ({"unit": "000.31.90.H39", "start": "2024-01-01", "end": "2025-09-30"}, "tối đa một năm"),
    ({"unit": "000.31.90.H39", "start": "2025-02-30", "end": "2025-09-30"}, "Thông tin chưa hợp lệ"),
])
def test_bad_input_is_a_friendly_400(desk, client_of, params, message: str) -> None:  # noqa: ANN001
    r = client_of("counter_a").get("/documents/book/", params)
    html = r.content.decode()
    assert r.status_code == 400 and r["Content-Type"].startswith("text/html")
    assert message in html and 'name="unit"' in html


def test_too_many_dossiers_asks_for_a_shorter_period(month, client_of, monkeypatch) -> None:  # noqa: ANN001
    monkeypatch.setattr(services, "MAX_BOOK_ROWS", 50)
    r = client_of("counter_a").get("/documents/book/", {k: month[k] for k in ("unit", "start", "end")})
    assert r.status_code == 400 and "vui lòng chọn kỳ ngắn hơn" in r.content.decode()


def test_without_parameters_the_form_is_shown(desk, client_of) -> None:  # noqa: ANN001
    r = client_of("counter_a").get("/documents/book/")
    assert r.status_code == 200 and 'name="start"' in r.content.decode()


def test_only_staff_covering_the_unit(month, client_of) -> None:  # noqa: ANN001
    params = {k: month[k] for k in ("unit", "start", "end")}
    assert client_of("counter_b").get("/documents/book/", params).status_code == 403
    assert client_of("citizen").get("/documents/book/", params).status_code == 403
    assert client_of("citizen").get("/documents/book/").status_code == 403
    r = Client().get("/documents/book/", params)
    assert r.status_code == 302 and r["Location"].startswith("/login/")


@pytest.mark.slow
def test_five_thousand_rows_render_in_seconds(world) -> None:  # noqa: ANN001
    unit = world.commune_centres["a"]
    received = aware(datetime(2025, 9, 1, 8, 0))
    rows = [(f"000.31.90.H39-250901-{n:04d}", f"Nguyễn Thị Hồng Nhung {n}",
             "Thủ tục đăng ký khai sinh kết hợp đăng ký thường trú, cấp thẻ bảo hiểm y tế cho trẻ em dưới 6 tuổi",
             received, received + timedelta(days=3), None, None, 4) for n in range(1, 5001)]
    started = time.perf_counter()
    pdf = Pdf(book.render_book(unit, date(2025, 1, 1), date(2025, 12, 31), rows))
    elapsed = time.perf_counter() - started
    print(f"tracking book, 5,000 rows: {elapsed:.2f} s, {pdf.pages} pages, {len(pdf.content) // 1024} KiB")
    assert elapsed < 30 and pdf.pages > 100
    assert "Trang 1/" in pdf.page_text(0) and "Nguyễn Thị Hồng Nhung 5000" in pdf.page_text(pdf.pages - 1)
