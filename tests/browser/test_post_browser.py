"""The result by post in a real browser (Chromium through Playwright) against the postal simulator as a
real HTTP server (``--auto-advance``: every open parcel moves on by itself): the citizen applies
online choosing "Qua bưu chính công ích", has the post collect their paper originals from the
portal's form, the counter receives the dossier once the parcel has arrived, staff process and
finish it (through the services); the delivery order goes to the simulator by the worker, the
simulator's tracking reports it delivered, motcua's tracking pull records it and the ``return``
event returns the result (status 10); the citizen sees "Đã trả kết quả" and the tracking."""

from __future__ import annotations

import dataclasses
import re
import sys
import time
from collections.abc import Iterator

import pytest
from playwright.sync_api import expect

from motcua.domain.lifecycle import Status
from motcua.dossiers import services as svc
from motcua.dossiers.models import Dossier
from motcua.integrations.post import jobs, mapping
from motcua.integrations.post.models import Kind, OrderState, PostalOrder
from motcua.jobs import outbox
from tests.browser.office import PDF
from tests.browser.pw import look, portal_login
from tests.factories import finished
from tests.integrations.conftest import Sim, start_simulator

pytestmark = pytest.mark.slow
ADDRESS = "12 Trần Phú, phường 3, Đà Lạt"
PICKUP_ADDRESS = "Số 4 Hai Bà Trưng, phường 6, Đà Lạt"
SCAN = {"mimeType": "application/pdf", "buffer": PDF}


@pytest.fixture(scope="module")
def post_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sim]:
    sim = start_simulator([sys.executable, "-m", "motcua.integrations.post.simulator", "--auto-advance", "0.3"],
                          tmp_path_factory.mktemp("post") / "post.sqlite3")
    yield sim
    sim.http.close()
    sim.process.terminate()
    sim.process.wait(10)


@pytest.fixture
def post(post_server: Sim, monkeypatch: pytest.MonkeyPatch) -> Sim:
    post_server.reset()
    monkeypatch.setattr(jobs, "SETTINGS", dataclasses.replace(jobs.load_settings({}), url=post_server.url,
                                                              read_timeout=5.0, connect_timeout=2.0, track_every=0.0))
    monkeypatch.setattr(jobs, "_client", None)
    monkeypatch.setattr(outbox, "CONFIG", dataclasses.replace(outbox.CONFIG, jobs_backoff_base=0.02,
                                                              jobs_backoff_max=0.05))
    return post_server


def work_until(done, what: str, seconds: float = 30.0) -> None:  # noqa: ANN001
    """Run the worker (outbox deliveries and the periodic tracking pull) in this process until ``done()``."""
    from motcua.jobs.worker import Worker

    deadline = time.monotonic() + seconds
    while not done():
        if time.monotonic() > deadline:
            raise AssertionError(f"not reached in {seconds} s: {what}")
        Worker(worker_id="test", once=True, own_connections=False).run()
        time.sleep(0.2)


def test_a_result_chosen_by_post_is_delivered_and_returned_and_the_citizen_sees_it(
        transactional_db, live_server, world, browser, post):  # noqa: ANN001
    page = browser.new_page(live_server.url)
    try:
        portal_login(page, "citizen")
        page.goto("/portal/procedures/1.001193/apply/")
        page.get_by_label("Nơi nộp hồ sơ").select_option(label="TTPVHCC xã A (Xã A)")
        page.get_by_label("Họ tên người nộp / tên tổ chức").fill("Nguyễn Văn An")
        page.get_by_label("Số định danh / mã số thuế").fill("068123456789")
        page.get_by_label("Số điện thoại").fill("0912345678")
        page.get_by_label("Địa chỉ liên hệ").fill(ADDRESS)
        page.locator("#id_result_delivery").select_option(label="Qua bưu chính công ích")
        page.get_by_label(re.compile("^Tờ khai đăng ký khai sinh")).set_input_files({"name": "to-khai.pdf", **SCAN})
        page.get_by_label(re.compile("^Giấy chứng sinh")).set_input_files({"name": "giay-chung-sinh.pdf", **SCAN})
        page.get_by_role("button", name="Nộp hồ sơ").click()
        expect(page.locator(".messages")).to_contain_text("Đã nộp hồ sơ")
        d = Dossier.objects.get(code=page.locator("dd.code").inner_text())
        assert (d.channel, d.status, d.result_delivery, d.applicant_address) == (2, 1, "post", ADDRESS)
        section = page.locator("#post")
        expect(section).to_contain_text("Kết quả sẽ được Bưu điện phát đến địa chỉ của bạn")

        # the paper originals collected by the post from another address
        pickup = page.locator("#post-pickup")
        expect(pickup.get_by_label("Địa chỉ nhận hồ sơ")).to_have_value(ADDRESS)
        pickup.get_by_label("Địa chỉ nhận hồ sơ").fill(PICKUP_ADDRESS)
        pickup.get_by_role("button", name="Gửi hồ sơ giấy qua bưu điện").click()
        expect(page.locator(".messages")).to_contain_text("Bưu điện sẽ đến " + PICKUP_ADDRESS)
        look(page, "portal-post-pickup-ordered")
        collected = PostalOrder.objects.get(dossier=d, kind=Kind.PICKUP)
        work_until(lambda: PostalOrder.objects.get(pk=collected.pk).status == mapping.DELIVERED,
                   "the pick-up delivered to the counter")
        assert [e.data["postal_status"] for e in d.events.filter(action="postal")] == [1, 2, 3]

        # the counter receives it; staff process and finish it: the delivery order is placed
        svc.receive(world.actor("counter_a"), d.pk)
        svc.start(world.actor("counter_a"), d.pk)
        finished(world, d.pk)
        delivery = PostalOrder.objects.get(dossier=d, kind=Kind.DELIVERY)
        assert delivery.state == OrderState.QUEUED and delivery.receiver["address"] == ADDRESS
        work_until(lambda: Dossier.objects.get(pk=d.pk).status == Status.RETURNED,
                   "the delivery reported by the post's tracking and the result returned")
        delivery.refresh_from_db()
        theirs = {(o["OrderNumber"], o["ServiceType"]): o for o in post.state()["orders"]}
        assert theirs[(d.code, mapping.SERVICE_DELIVERY)]["ItemCode"] == delivery.item_code
        assert theirs[(d.code, mapping.SERVICE_DELIVERY)]["StatusCode"] == mapping.DELIVERED
        ret = Dossier.objects.get(pk=d.pk).events.order_by("-seq").first()
        assert ret.action == "return" and ret.data == {"method": "post", "postal_code": delivery.item_code}

        page.reload()
        expect(page.locator(".status-card .status")).to_have_text("Đã trả kết quả")
        order = page.locator(f"#post-order-{delivery.pk}")
        expect(order).to_contain_text(delivery.item_code)
        expect(order).to_contain_text("Đã phát thành công")
        expect(order.locator("table.post-tracking tbody tr")).to_have_count(3)
        expect(page.locator(f"#post-order-{collected.pk}")).to_contain_text(collected.item_code)
        expect(page.locator("#post-pickup")).to_have_count(0)
        look(page, "portal-post-returned")
    finally:
        page.context.close()
