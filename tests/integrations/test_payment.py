"""Online payment against the platform simulator as a real HTTP server, posting its confirms to
motcua served by a live server: the citizen's pay button, the simulator's payment page, the
confirm callback, the QUERY job and the receipt through the outbox and the worker. After each
failure mode motcua's records and the platform's ledger agree: no double charge recorded, no
paid dossier left unpaid."""

from __future__ import annotations

import dataclasses
import html
import re
import sys
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from motcua.domain.lifecycle import Action, Status
from motcua.dossiers import services as svc
from motcua.dossiers.models import Dossier
from motcua.integrations.payment import jobs, services
from motcua.integrations.payment.models import Notice, Payment, PaymentAccount, State
from motcua.integrations.payment.simulator import SIM_SECRET
from motcua.jobs import outbox
from motcua.jobs.models import OutboxMessage
from motcua.jobs.models import Status as MessageStatus
from tests.integrations.conftest import Sim, start_simulator

FEE = 2000


@pytest.fixture(scope="module")
def pay_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sim]:
    sim = start_simulator([sys.executable, "-m", "motcua.integrations.payment.simulator", "--callback-url", "",
                           "--return-url", ""], tmp_path_factory.mktemp("payment") / "ledger.sqlite3")
    yield sim
    sim.http.close()
    sim.process.terminate()
    sim.process.wait(10)


@pytest.fixture
def platform(pay_server: Sim, live_server: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[Sim]:
    """Online payment on, pointed at an emptied simulator that confirms to the live server."""
    pay_server.reset()
    pay_server.http.post(f"{pay_server.url}/_sim/config", json={
        "callback_url": live_server.url + jobs.CALLBACK_PATH, "return_url": live_server.url + "/payments/return/"})
    monkeypatch.setattr(jobs, "SETTINGS", dataclasses.replace(
        jobs.load_settings({}), url=pay_server.url + "/api/payment", read_timeout=2.0, connect_timeout=1.0))
    monkeypatch.setattr(jobs, "_gateway", None)
    monkeypatch.setattr(outbox, "CONFIG", dataclasses.replace(outbox.CONFIG, jobs_backoff_base=0.02,
                                                              jobs_backoff_max=0.05, jobs_max_attempts=20))
    yield pay_server
    if jobs._gateway is not None:
        jobs._gateway.close()


@pytest.fixture
def account(world: Any) -> PaymentAccount:
    return PaymentAccount.objects.create(unit=world.province, unit_code="H39", account="0011001234567", bank="VCB",
                                         account_name="Kho bạc Nhà nước Lâm Đồng", budget_account="7111")


def online_dossier(world: Any, owner: str = "citizen") -> Dossier:
    """A dossier the citizen submitted online for a procedure with a 2,000 VND fee (due at intake)."""
    req = svc.IntakeRequest(procedure_code="2.000815", receiving_unit_code=world.centre.code,
                            handling_unit_code=world.department.code, channel=2,
                            applicant=svc.Applicant(name="Nguyễn Văn An", id_number="068123456789"),
                            owner_id=world.users[owner].pk,
                            components=[svc.ComponentInput(name="Bản chính giấy tờ", originals=1, copies=1)])
    return svc.intake(world.actor(owner), req)


def press_pay(client_of: Any, d: Dossier, owner: str = "citizen") -> str:
    """The citizen's "Thanh toán trực tuyến" button: the redirect to the platform's page."""
    response = client_of(owner).post(f"/payments/dossiers/{d.pk}/pay/")
    assert response.status_code == 200, response.content[:300]
    found = re.search(r'id="pay-continue" href="([^"]+)"', response.content.decode())
    assert found, response.content[:500]
    return html.unescape(found.group(1))


def pay_on_page(url: str, action: str = "pay") -> httpx.Response:
    """The citizen on the simulator's page (a plain form)."""
    page = httpx.get(url)
    assert page.status_code == 200 and 'name="action"' in page.text
    return httpx.post(url, data={"action": action}, follow_redirects=False, timeout=15)


def drain(until: float = 20.0) -> None:
    from motcua.jobs.worker import Worker

    deadline = time.monotonic() + until
    while True:
        Worker(worker_id="test", once=True, own_connections=False).run()
        if not OutboxMessage.objects.filter(destination=jobs.DESTINATION, status=MessageStatus.PENDING).exists():
            return
        if time.monotonic() > deadline:
            raise AssertionError("payment messages still pending")
        time.sleep(0.03)


def ledger(sim: Sim) -> dict[str, dict[str, Any]]:
    return {t["MaThamChieu"]: t for t in sim.state()["ledger"]}


def assert_agree(sim: Sim) -> None:
    """After a QUERY round: every transaction of the platform is motcua's attempt in the same
    state; the dossiers' fees paid are exactly their paid (non-surplus) attempts, never above due."""
    services.query_open(jobs.gateway())
    theirs = ledger(sim)
    ours = {p.reference: p for p in Payment.objects.all()}
    assert set(theirs) <= set(ours)
    for ref, t in theirs.items():
        p = ours[ref]
        if t["state"] == 1:
            assert p.state == (State.PAID if t["charged"] == p.amount else State.MISMATCH), ref
        elif t["state"] == 4:
            assert p.state == State.FAILED, ref
        else:
            assert p.state in (State.STARTED, State.EXPIRED), ref
    for d in Dossier.objects.all():
        counted = sum(p.amount for p in ours.values() if p.dossier_id == d.pk and p.state == State.PAID
                      and not p.surplus)
        assert d.fees_paid == counted and d.fees_paid <= d.fees_due, d.code


def only_payment(d: Dossier) -> Payment:
    return Payment.objects.get(dossier=d)


# ---- the happy path ------------------------------------------------------------------------------

def test_a_citizen_pays_on_the_platform_page_and_the_confirm_records_it_with_the_receipt(
        world, account, platform, client_of):  # noqa: ANN001
    d = online_dossier(world)
    assert services.amount_due(d) == FEE
    url = press_pay(client_of, d)
    assert url.startswith(platform.url + "/pay/")
    p = only_payment(d)
    assert p.state == State.STARTED and p.amount == FEE and p.pay_url == url
    init = ledger(platform)[p.reference]
    assert init["SoTien"] == FEE
    back = pay_on_page(url)
    assert back.status_code == 303 and "/payments/return/?MaThamChieu=" in back.headers["Location"]
    p.refresh_from_db()
    d.refresh_from_db()
    assert p.state == State.PAID and p.settled_by == "ipn" and p.transaction.startswith("GD")
    assert d.fees_paid == FEE and d.status == Status.NEW
    assert ledger(platform)[p.reference]["answers"][0]["MaLoi"] == "00"
    drain()  # GET_BILL
    p.refresh_from_db()
    assert p.receipt is not None and p.receipt.kind == "attachment" and p.receipt.content_type == "application/pdf"
    receipt = client_of("citizen").get(f"/payments/{p.pk}/receipt/")
    assert receipt.status_code == 200 and b"".join(receipt.streaming_content).startswith(b"%PDF-")
    shown = client_of("citizen").get("/payments/" + back.headers["Location"].split("/payments/", 1)[1])
    assert shown.status_code == 200 and "Đã thanh toán" in shown.content.decode()
    assert services.amount_due(Dossier.objects.get(pk=d.pk)) == 0
    assert_agree(platform)


def test_the_same_attempt_is_reused_while_open_and_no_second_payment_is_started(
        world, account, platform, client_of):  # noqa: ANN001
    d = online_dossier(world)
    first = press_pay(client_of, d)
    assert press_pay(client_of, d) == first
    assert Payment.objects.filter(dossier=d).count() == 1 and len(ledger(platform)) == 1


def test_a_financial_obligation_paid_online_moves_the_dossier_back_to_processing(
        world, account, platform, client_of):  # noqa: ANN001
    from motcua.catalog.models import ProcedureVersion

    d = online_dossier(world)
    # the procedure lets the applicant pay later: the dossier is handed to processing with its
    # intake fee unpaid (motcua/fees guards START otherwise), and both are paid at once
    ProcedureVersion.objects.filter(pk=d.version_id).update(fee_pay_later=True)
    svc.receive(world.actor("counter_p"), d.pk)
    svc.start(world.actor("counter_p"), d.pk)
    svc.request_payment(world.actor("specialist_p"), d.pk, 50000, "Lệ phí cấp bản sao bổ sung")
    d.refresh_from_db()
    assert d.status == Status.FINANCIAL and services.amount_due(d) == FEE + 50000
    pay_on_page(press_pay(client_of, d))
    d.refresh_from_db()
    assert d.status == Status.PROCESSING and d.fees_paid == FEE + 50000
    ev = d.events.order_by("-seq").first()
    assert ev.action == Action.PAYMENT and ev.actor_name == services.SYSTEM_NAME
    assert ev.data["reference"] == only_payment_of(d).reference
    assert_agree(platform)


def only_payment_of(d: Dossier) -> Payment:
    return Payment.objects.get(dossier=d, state=State.PAID)


# ---- failure modes -------------------------------------------------------------------------------

def test_bad_checksum_on_the_confirm_is_refused_and_the_query_settles_it(world, account, platform, client_of):  # noqa: ANN001
    d = online_dossier(world)
    platform.faults(bad_checksum=1)
    pay_on_page(press_pay(client_of, d))
    p = only_payment(d)
    assert p.state == State.STARTED and Dossier.objects.get(pk=d.pk).fees_paid == 0
    assert ledger(platform)[p.reference]["answers"][0]["MaLoi"] == "01"
    assert Notice.objects.get(reference=p.reference).answer == "01"
    assert_agree(platform)
    p.refresh_from_db()
    assert p.state == State.PAID and p.settled_by == "query"


def test_a_query_reply_with_a_bad_checksum_is_not_believed(world, account, platform, client_of):  # noqa: ANN001
    d = online_dossier(world)
    platform.faults(bad_checksum=2)  # the confirm and the next QUERY reply
    pay_on_page(press_pay(client_of, d))
    assert services.query_open(jobs.gateway()) == 0
    p = only_payment(d)
    assert p.state == State.STARTED and "mã xác thực" in p.last_error and p.queries == 1
    assert_agree(platform)  # the next reply is good
    assert only_payment(d).state == State.PAID


def test_the_platform_refuses_a_request_signed_with_another_secret(world, account, platform, client_of,  # noqa: ANN001
                                                                     monkeypatch):  # noqa: ANN001
    monkeypatch.setattr(jobs, "SETTINGS", dataclasses.replace(jobs.SETTINGS, secret="not-" + SIM_SECRET))
    d = online_dossier(world)
    response = client_of("citizen").post(f"/payments/dossiers/{d.pk}/pay/")
    assert response.status_code == 302 and response["Location"] == f"/portal/dossiers/{d.pk}/"
    p = only_payment(d)
    assert p.state == State.FAILED and "mã xác thực" in p.last_error
    assert ledger(platform) == {}


def test_a_duplicate_confirm_changes_nothing_and_answers_as_the_first(world, account, platform, client_of):  # noqa: ANN001
    d = online_dossier(world)
    platform.faults(duplicate_confirm=True)
    pay_on_page(press_pay(client_of, d))
    p = only_payment(d)
    answers = ledger(platform)[p.reference]["answers"]
    assert len(answers) == 2 and answers[0] == answers[1] and answers[0]["MaLoi"] == "00"
    assert [n.changed for n in Notice.objects.filter(reference=p.reference).order_by("id")] == [True, False]
    assert Dossier.objects.get(pk=d.pk).fees_paid == FEE
    assert OutboxMessage.objects.filter(destination=jobs.DESTINATION).count() == 1
    assert_agree(platform)


def test_a_lost_confirm_is_found_by_the_periodic_query(world, account, platform, client_of):  # noqa: ANN001
    d = online_dossier(world)
    platform.faults(lose_confirm=1)
    pay_on_page(press_pay(client_of, d))
    p = only_payment(d)
    assert p.state == State.STARTED and ledger(platform)[p.reference]["confirms"] == 0
    jobs.query_open.call()  # the worker's periodic task
    p.refresh_from_db()
    assert p.state == State.PAID and p.settled_by == "query"
    assert Dossier.objects.get(pk=d.pk).fees_paid == FEE
    drain()
    assert Payment.objects.get(pk=p.pk).receipt_id is not None
    assert_agree(platform)


def test_a_pending_payment_stays_open_then_flips_to_paid(world, account, platform, client_of):  # noqa: ANN001
    d = online_dossier(world)
    platform.faults(pending=0.6)
    pay_on_page(press_pay(client_of, d))
    assert services.query_open(jobs.gateway()) == 1
    p = only_payment(d)
    assert p.state == State.STARTED and Dossier.objects.get(pk=d.pk).fees_paid == 0
    assert_agree(platform)
    time.sleep(0.7)
    services.query_open(jobs.gateway())
    assert only_payment(d).state == State.PAID and Dossier.objects.get(pk=d.pk).fees_paid == FEE
    assert_agree(platform)


def test_an_amount_mismatch_is_refused_and_leaves_the_dossier_unpaid(world, account, platform, client_of):  # noqa: ANN001
    d = online_dossier(world)
    platform.faults(amount_mismatch=1)
    pay_on_page(press_pay(client_of, d))
    p = only_payment(d)
    assert ledger(platform)[p.reference]["answers"][0]["MaLoi"] == "03"
    assert p.state == State.MISMATCH and p.charged == FEE + 1000
    assert Dossier.objects.get(pk=d.pk).fees_paid == 0
    assert_agree(platform)
    assert only_payment(d).state == State.MISMATCH  # the QUERY says the same: still not counted


def test_an_empty_receipt_is_fetched_again(world, account, platform, client_of):  # noqa: ANN001
    d = online_dossier(world)
    platform.faults(empty_receipt=2)
    pay_on_page(press_pay(client_of, d))
    drain()
    p = only_payment(d)
    assert p.receipt is not None and p.last_error == ""
    message = OutboxMessage.objects.get(destination=jobs.DESTINATION)
    assert message.attempts == 3 and message.status == MessageStatus.DELIVERED
    assert_agree(platform)


def test_a_cancelled_payment_fails_and_the_citizen_may_pay_again(world, account, platform, client_of):  # noqa: ANN001
    d = online_dossier(world)
    pay_on_page(press_pay(client_of, d), action="cancel")
    assert only_payment(d).state == State.FAILED
    pay_on_page(press_pay(client_of, d))
    assert Payment.objects.filter(dossier=d, state=State.PAID).count() == 1
    assert Dossier.objects.get(pk=d.pk).fees_paid == FEE
    assert_agree(platform)


def test_init_without_an_answer_expires_the_attempt_and_a_new_one_may_start(world, account, platform,  # noqa: ANN001
                                                                             client_of):  # noqa: ANN001
    d = online_dossier(world)
    platform.faults(http_500=1)
    response = client_of("citizen").post(f"/payments/dossiers/{d.pk}/pay/")
    assert response["Location"] == f"/portal/dossiers/{d.pk}/"
    assert only_payment(d).state == State.EXPIRED
    pay_on_page(press_pay(client_of, d))
    assert Payment.objects.filter(dossier=d, state=State.PAID).count() == 1
    assert_agree(platform)


def test_two_attempts_both_paid_record_the_fee_once_and_the_second_as_surplus(world, account, platform,  # noqa: ANN001
                                                                             client_of, monkeypatch):  # noqa: ANN001
    d = online_dossier(world)
    first = press_pay(client_of, d)
    monkeypatch.setattr(jobs, "SETTINGS", dataclasses.replace(jobs.SETTINGS, attempt_ttl=0.0))
    second = press_pay(client_of, d)  # the first one is expired (still queried), a new one starts
    assert first != second
    pay_on_page(second)
    pay_on_page(first)  # the citizen had kept the first page open
    states = sorted((p.state, p.surplus) for p in Payment.objects.filter(dossier=d))
    assert states == [(State.PAID, False), (State.PAID, True)]
    assert Dossier.objects.get(pk=d.pk).fees_paid == FEE
    assert_agree(platform)


def test_the_browser_return_changes_nothing(world, account, platform, client_of):  # noqa: ANN001
    d = online_dossier(world)
    press_pay(client_of, d)
    p = only_payment(d)
    forged = client_of("citizen").get("/payments/return/", {"MaThamChieu": p.reference, "MaLoi": "00",
                                                            "TrangThaiGD": "1", "SoTien": FEE})
    assert forged.status_code == 200 and "Chờ thanh toán" in forged.content.decode()
    assert only_payment(d).state == State.STARTED and Dossier.objects.get(pk=d.pk).fees_paid == 0
    stranger = client_of("citizen2").get("/payments/return/", {"MaThamChieu": p.reference})
    assert "Chờ thanh toán" not in stranger.content.decode() and d.code not in stranger.content.decode()
    assert_agree(platform)
