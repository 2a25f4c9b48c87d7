"""The catalog admin and the catalog board in a real browser at a counter screen's 1,366 px: a
published version's read-only page, the draft of a new version (channels, fee and result rows) and
the board pass axe's basic rules, with no sideways scrolling; the admin header links to the office."""

from __future__ import annotations

from datetime import date

from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from motcua.catalog.models import Procedure
from motcua.catalog.services import version_in_force
from tests.browser.pw import check_a11y
from tests.factories import PASSWORD

DESK = {"width": 1366, "height": 768}


def no_sideways_scroll(page) -> None:  # noqa: ANN001
    assert page.evaluate("document.documentElement.scrollWidth") <= DESK["width"]


def test_version_admin_pages_pass_axe(site, page_of, world):  # noqa: ANN001
    get_user_model().objects.create_superuser("root", "root@example.org", PASSWORD)
    v = version_in_force(Procedure.objects.get(code="2.000815"), date(2025, 9, 10))
    page = page_of("root")
    page.set_viewport_size(DESK)
    page.goto(f"/admin/catalog/procedureversion/{v.pk}/change/")
    expect(page.get_by_role("link", name="Công bố phiên bản mới")).to_be_visible()
    expect(page.get_by_role("link", name="Về văn phòng một cửa")).to_have_attribute("href", "/office/")
    expect(page.get_by_role("cell", name="Phí chứng thực")).to_be_visible()
    check_a11y(page, "published version (read-only)")
    page.get_by_role("link", name="Công bố phiên bản mới").click()
    expect(page.get_by_text("Bản nháp sao chép từ phiên bản")).to_be_visible()
    expect(page.get_by_label("Tên phí, lệ phí, dòng phí 1")).to_have_value("Phí chứng thực")
    expect(page.get_by_label("Nhận hồ sơ qua kênh này, Trực tuyến")).to_be_checked()
    check_a11y(page, "draft of a new version")
    # published from the browser: a version to take effect later, still correctable (rows editable)
    page.locator("#id_decision_number").fill("77/QĐ-UBND")
    page.locator("#id_decision_date").fill("15/09/2025")
    page.locator("#id_effective_from").fill("01/12/2025")
    page.get_by_role("button", name="Lưu và tiếp tục chỉnh sửa").click()
    expect(page.get_by_label("Tên phí, lệ phí, dòng phí 1")).to_have_value("Phí chứng thực")
    expect(page.get_by_role("link", name="Công bố phiên bản mới")).to_have_count(0)
    v.refresh_from_db()
    assert v.effective_to == date(2025, 12, 1) and v.status == "amended"
    check_a11y(page, "a version published ahead of its date (editable)")
    no_sideways_scroll(page)


def test_board_passes_axe(site, page_of, world):  # noqa: ANN001
    page = page_of("counter_a")
    page.set_viewport_size(DESK)
    page.goto("/office/catalog/board/")
    page.get_by_label("Đơn vị").select_option(label="Xã A")
    page.get_by_label("Thủ tục công bố mới, sửa đổi, bổ sung và bãi bỏ từ ngày").check()
    page.get_by_label("Từ ngày", exact=True).fill("2025-06-01")
    page.get_by_role("button", name="Xem bảng niêm yết").click()
    expect(page.get_by_role("heading", name="Lĩnh vực: Hộ tịch")).to_be_visible()
    expect(page.get_by_role("img", name="Mã QR trang thủ tục 1.001193 trên Cổng dịch vụ công")).to_be_visible()
    check_a11y(page, "catalog board (changes)")
    no_sideways_scroll(page)
    page.get_by_label("Tất cả thủ tục đang có hiệu lực").check()
    page.get_by_role("button", name="Xem bảng niêm yết").click()
    expect(page.get_by_role("heading", name="Lĩnh vực: Chứng thực")).to_be_visible()
    check_a11y(page, "catalog board (in force)")
    no_sideways_scroll(page)
