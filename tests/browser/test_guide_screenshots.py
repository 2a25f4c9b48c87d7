"""The guides' screenshots, taken from the running app: each role signs in at 1,366 x 768 and the pages the
guides show are photographed into motcua/guides/static/guides/shots/ (palette PNGs, kept small). A guide
naming a screenshot this test does not produce fails; so does a guide page that does not print on A4.

Run it again after a page changes: ``pytest tests/browser/test_guide_screenshots.py`` rewrites the PNGs.
"""

from __future__ import annotations

import io
import os
import re
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect

from motcua.conf import BASE_DIR
from motcua.dossiers import services as svc
from tests.browser.pw import check_a11y, login, shot
from tests.browser.test_a11y_sweep import DESK, Things, build_things
from tests.factories import World

pytestmark = pytest.mark.slow

GUIDES = BASE_DIR / "motcua" / "guides"
SHOTS_DIR = GUIDES / "static" / "guides" / "shots"
TEMPLATES = GUIDES / "templates" / "guides"
SHOT_TAG = re.compile(r"""{%\s*shot\s+["']([\w-]+)["']""")
MAX_TOTAL_BYTES = 3 * 1024 * 1024
A4_CSS_PX = 794  # 210 mm at 96 px per inch: the printed page's width, margins included


def referenced() -> dict[str, set[str]]:
    """Every screenshot the guide templates name, by template."""
    return {p.name: set(SHOT_TAG.findall(p.read_text(encoding="utf-8"))) for p in sorted(TEMPLATES.glob("*.html"))}


def save_png(data: bytes, name: str, max_width: int = 1366) -> Path:
    """Write the screenshot as a palette PNG (256 colours: a UI's flat colours survive; a fifth of the size)."""
    from PIL import Image

    img = Image.open(io.BytesIO(data)).convert("RGB")
    if img.width > max_width:
        img = img.resize((max_width, round(img.height * max_width / img.width)), Image.LANCZOS)
    # the committed screenshots are refreshed on demand (MOTCUA_GUIDE_SHOTS=1); an ordinary run takes
    # them all the same, into var/, so that the suite does not rewrite files of the source tree
    folder = SHOTS_DIR if os.environ.get("MOTCUA_GUIDE_SHOTS") == "1" else BASE_DIR / "var" / "screenshots" / "guides"
    out = folder / f"{name}.png"
    folder.mkdir(parents=True, exist_ok=True)
    img.quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE).save(out, optimize=True)
    return out


def open_action(page: Page, action: str) -> Locator:
    """The dossier page's action (a closed <details>) opened; returns it."""
    details = page.locator("details.action").filter(has=page.locator(f"form[action$='/{action}/']"))
    if not details.evaluate("e => e.open"):
        details.locator("summary").click()
    return details


# ---- the screenshots ---------------------------------------------------------------------------------
# name -> (user, how to take it: page, things -> PNG bytes)
Taker = Callable[[Page, Things], bytes]


def _viewport(path: str) -> Taker:
    def take(page: Page, t: Things) -> bytes:
        response = page.goto(path)
        assert response is not None and response.ok, f"{path}: HTTP {response and response.status}"  # no error page
        page.wait_for_load_state("networkidle")
        return page.screenshot()
    return take


def around(page: Page, target: Locator, margin: int = 32) -> bytes:
    """The element and a margin of the page around it (an element alone loses its context)."""
    box = target.bounding_box()
    assert box is not None
    x, y = max(box["x"] - margin, 0), max(box["y"] - margin, 0)
    return page.screenshot(clip={"x": x, "y": y, "width": min(box["width"] + 2 * margin, DESK["width"] - x),
                                 "height": box["height"] + 2 * margin}, full_page=True)


def _login(page: Page, t: Things) -> bytes:
    page.goto("/login/")
    return around(page, page.locator("main .card"))


def _intake(page: Page, t: Things) -> bytes:
    page.goto("/office/intake/?procedure=1.001193")
    page.get_by_label("Họ tên người nộp / tên tổ chức").fill("Phạm Thị Hoa")
    page.get_by_label("Số định danh cá nhân / mã số").fill("068199000111")
    page.get_by_label("Điện thoại", exact=True).fill("0987654321")
    page.get_by_label("Địa chỉ").fill("5 Trần Hưng Đạo, Phường 1")
    page.get_by_label("Nội dung yêu cầu").fill("Đăng ký khai sinh cho con")
    expect(page.locator("#preview")).to_contain_text("Hạn giải quyết")
    return page.screenshot()


def _intake_post(page: Page, t: Things) -> bytes:
    page.goto("/office/intake/?procedure=1.001193")
    page.get_by_label("Qua bưu chính công ích").check()
    page.get_by_label("Số hiệu bưu gửi").fill("EE123456785VN")
    return page.locator("fieldset.arrival").screenshot()


def _dossier_received(page: Page, t: Things) -> bytes:
    page.goto("/office/intake/?procedure=1.001193")
    page.get_by_label("Họ tên người nộp / tên tổ chức").fill("Lê Văn Bình")
    page.get_by_label("Nội dung yêu cầu").fill("Đăng ký khai sinh cho con trai")
    page.get_by_role("button", name="Tiếp nhận hồ sơ").click()
    expect(page.locator(".messages")).to_contain_text("Đã tiếp nhận hồ sơ")
    t.ids["just_received"] = int(re.search(r"/office/dossiers/(\d+)/", page.url)[1])  # type: ignore[index]
    return page.screenshot()


def _receipt(page: Page, t: Things) -> bytes:
    """The receipt's PDF (first page) rendered as Chromium's PDF engine does (PDFium)."""
    import pypdfium2 as pdfium

    pk = t.ids.get("just_received") or t["received"].pk
    response = page.request.get(f"/documents/dossiers/{pk}/receipt.pdf")
    assert response.ok and response.headers["content-type"].startswith("application/pdf")
    pdf = pdfium.PdfDocument(response.body())
    image = pdf[0].render(scale=1.4).to_pil()
    buf = io.BytesIO()
    image.convert("L").save(buf, format="PNG")
    return buf.getvalue()


def _queue_counter(page: Page, t: Things) -> bytes:
    """The counter's calling panel: sit at counter 1, call the next number."""
    page.goto("/office/queue-counter/")
    sit = page.get_by_role("button", name="Ngồi quầy này")
    if sit.count():
        sit.first.click()
    page.get_by_role("button", name="Gọi số tiếp theo").click()
    expect(page.get_by_role("button", name="Bắt đầu phục vụ")).to_be_visible()
    return page.screenshot()


def _dossier(key: str, action: str | None = None, whole: bool = False) -> Taker:
    def take(page: Page, t: Things) -> bytes:
        page.goto(f"/office/dossiers/{t[key].pk}/")
        if action is None:
            return page.screenshot()
        details = open_action(page, action)
        if whole:
            details.scroll_into_view_if_needed()
            return page.screenshot()
        return details.screenshot()
    return take


SHOTS: dict[str, tuple[str, Taker]] = {
    # the officer's guide
    "login": ("anonymous", _login),
    "queue": ("counter_a", _viewport("/office/queues/start/")),
    "intake": ("counter_a", _intake),
    "intake-post": ("counter_a", _intake_post),
    "dossier-received": ("counter_a", _dossier_received),
    "receipt": ("counter_a", _receipt),
    "processing": ("specialist_a", _dossier("processing")),
    "supplement": ("specialist_a", _dossier("processing", "request_supplement")),
    "approval": ("leader_a", _dossier("at_approval", "approve", whole=True)),
    "return": ("counter_a", _dossier("processed", "return")),
    "book": ("counter_a", _viewport("/documents/book/")),
    "queue-counter": ("counter_a", _queue_counter),  # last of the counter's: a number called stays on its intake
    "reports": ("leader_a", _viewport("/reports/")),
    "dashboard": ("leader_a", _viewport("/reports/dashboard/")),
    # the administrator's guide
    "admin-index": ("root", _viewport("/admin/")),
    "admin-units": ("root", _viewport("/admin/units/unit/")),
    "admin-staff": ("root", _viewport("/admin/units/staffrole/")),
    "admin-version": ("root", lambda page, t: _viewport(f"/admin/catalog/procedureversion/{t['version'].pk}/change/")(
        page, t)),
    "admin-calendar": ("root", _viewport("/admin/calendars/calendaroverride/")),
    "admin-payment": ("root", _viewport("/admin/payment/paymentaccount/")),
    "admin-outbox": ("root", _viewport("/admin/jobs/outboxmessage/")),
    "admin-letters": ("root", _viewport("/admin/letters/lettertemplate/")),
    "reorganizations": ("admin", _viewport("/office/units/reorganizations/")),
    "legacy": ("admin", _viewport("/office/legacy/")),
    "catalog-board": ("admin", _viewport("/office/catalog/board/")),
    "eforms-builder": ("admin", _viewport("/office/eforms/builder/")),
}


def test_the_guides_name_only_screenshots_this_test_produces() -> None:
    """Fast and without a browser: a screenshot a guide names must be one SHOTS takes (and be there)."""
    names = referenced()
    assert set(names) >= {"officer.html", "admin.html"}
    unknown = {t: sorted(n - set(SHOTS)) for t, n in names.items() if n - set(SHOTS)}
    assert not unknown, f"guides name screenshots tests/browser/test_guide_screenshots.py does not take: {unknown}"
    missing = sorted(n for ns in names.values() for n in ns if not (SHOTS_DIR / f"{n}.png").is_file())
    assert not missing, f"screenshots not generated yet (run this test file): {missing}"
    total = sum(p.stat().st_size for p in SHOTS_DIR.glob("*.png"))
    assert total < MAX_TOTAL_BYTES, f"the guides' screenshots weigh {total} bytes"


@pytest.fixture
def shots_world(site, world: World, clock) -> Iterator[Things]:  # noqa: ANN001
    """The sweep's world, with a few more dossiers in the queues and a day off in the calendar."""
    from motcua.calendars.models import CalendarOverride
    from motcua.fees.models import FeeReceipt

    t = build_things(world, eform=False)  # the intake without a declaration form to fill
    counter = world.actor("counter_a")
    people = ("Trần Văn Cường", "Hoàng Thị Dung", "Vũ Minh Đức")
    for name in people:
        svc.intake(counter, world.intake_request("a", applicant=svc.Applicant(name=name, id_number="068100200300")))
    processing = svc.intake(counter, world.intake_request("a"))
    svc.start(counter, processing.pk)
    svc.forward(world.actor("specialist_a"), processing.pk)
    t.ids["processing"] = processing
    CalendarOverride.objects.create(province=world.province, date=date(2025, 9, 1), kind="holiday",
                                    name="Nghỉ lễ Quốc khánh", decision="Thông báo 6150/TB-LĐTBXH")
    yield t
    FeeReceipt.objects.all().delete()  # receipts point at events: gone before the event log is purged


def test_take_the_guides_screenshots(shots_world: Things, browser, site) -> None:  # noqa: ANN001
    pages: dict[str, Page] = {}
    try:
        for name, (user, take) in SHOTS.items():
            if user not in pages:
                pages[user] = page = browser.new_page(site.url)
                page.set_viewport_size(DESK)
                if user != "anonymous":
                    login(page, user)
            png = take(pages[user], shots_world)
            assert pages[user].title() != "", f"{name}: the page has no title (an error page?)"
            save_png(png, name)
    finally:
        for p in pages.values():
            p.context.close()
    test_the_guides_name_only_screenshots_this_test_produces()


@pytest.mark.parametrize("guide", ["index", "officer", "admin"])
def test_the_guides_render_for_staff_and_print_on_a4(page_of, guide: str) -> None:  # noqa: ANN001
    page = page_of("counter_a")
    page.set_viewport_size(DESK)
    response = page.goto(f"/guides/{'' if guide == 'index' else guide + '/'}")
    assert response is not None and response.status == 200
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    check_a11y(page, f"guide {guide}")
    shot(page, f"guide-{guide}")  # var/screenshots/, to look at
    page.emulate_media(media="print")
    page.set_viewport_size({"width": A4_CSS_PX, "height": 1123})
    assert page.locator("header.top").is_hidden() and page.locator(".office-foot").is_hidden()
    assert page.evaluate("document.documentElement.scrollWidth") <= A4_CSS_PX
    pdf = page.pdf(format="A4", prefer_css_page_size=True)
    from pypdf import PdfReader

    pages = len(PdfReader(io.BytesIO(pdf)).pages)
    assert 1 <= pages <= 40, pages
