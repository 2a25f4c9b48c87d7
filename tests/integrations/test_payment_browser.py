"""The citizen pays in a real browser (Chromium through Playwright): the dossier's payment page,
the "Thanh toán trực tuyến" button, the platform simulator's own page, back to motcua's return
page showing "paid" (learnt from the platform's confirm, not from the browser), and the receipt.
No Content Security Policy violation on the way (the portal's form-action is 'self')."""

from __future__ import annotations

import dataclasses
import sys
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client

from motcua.dossiers.models import Dossier
from motcua.integrations.payment import jobs
from motcua.integrations.payment.models import Payment, PaymentAccount, State
from motcua.jobs import outbox
from tests.integrations.conftest import Sim, start_simulator
from tests.integrations.test_payment import drain, online_dossier

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    from tests.browser.pw import SharedChromium

    shared = SharedChromium()
    yield shared
    shared.stop()


@pytest.fixture(scope="module")
def pay_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sim]:
    sim = start_simulator([sys.executable, "-m", "motcua.integrations.payment.simulator", "--callback-url", "",
                           "--return-url", ""], tmp_path_factory.mktemp("payment") / "ledger.sqlite3")
    yield sim
    sim.http.close()
    sim.process.terminate()
    sim.process.wait(10)


def test_a_citizen_pays_in_the_browser_and_sees_the_dossier_paid_with_its_receipt(
        world, live_server, pay_server, chromium, monkeypatch):  # noqa: ANN001
    from playwright.sync_api import expect

    pay_server.reset()
    pay_server.http.post(f"{pay_server.url}/_sim/config", json={
        "callback_url": live_server.url + jobs.CALLBACK_PATH, "return_url": live_server.url + "/payments/return/"})
    monkeypatch.setattr(jobs, "SETTINGS", dataclasses.replace(
        jobs.load_settings({}), url=pay_server.url + "/api/payment", read_timeout=5.0, connect_timeout=2.0))
    monkeypatch.setattr(jobs, "_gateway", None)
    monkeypatch.setattr(outbox, "CONFIG", dataclasses.replace(outbox.CONFIG, jobs_backoff_base=0.02,
                                                              jobs_backoff_max=0.05))
    PaymentAccount.objects.create(unit=world.province, account="0011001234567", bank="VCB", account_name="KBNN")
    d = online_dossier(world)
    signed_in = Client()
    signed_in.force_login(world.users["citizen"])
    page = chromium.new_page(live_server.url)
    page.context.add_cookies([{"name": "sessionid", "value": signed_in.cookies["sessionid"].value,
                               "url": live_server.url}])
    try:
        page.goto(f"/payments/dossiers/{d.pk}/")
        expect(page.locator(".pay-due")).to_contain_text("2.000")
        page.get_by_role("button", name="Thanh toán trực tuyến").click()
        expect(page.locator("#ref")).to_have_text(Payment.objects.get(dossier=d).reference)  # the platform's page
        assert page.url.startswith(pay_server.url + "/pay/")
        page.get_by_role("button", name="Thanh toán", exact=True).click()
        expect(page.locator("#payment-state")).to_have_text("Đã thanh toán")  # motcua's return page
        assert page.url.startswith(live_server.url + "/payments/return/")
        drain()  # the receipt (GET_BILL)
        page.goto(f"/payments/dossiers/{d.pk}/")
        expect(page.locator(".payment-paid")).to_contain_text("Đã thanh toán")
        with page.expect_download() as download:
            page.get_by_role("link", name="Biên lai").click()
        with open(download.value.path(), "rb") as fh:
            assert fh.read().startswith(b"%PDF-")
    finally:
        violations = list(chromium.csp_violations)
        page.context.close()
    assert not violations, violations
    p = Payment.objects.get(dossier=d)
    assert p.state == State.PAID and p.settled_by == "ipn" and p.receipt_id is not None
    assert Dossier.objects.get(pk=d.pk).fees_paid == 2000
