"""Reconciliation of payments against the simulator's ledger (no confirm is sent here: the
platform's callback URL is unset, so what motcua learns it learns by QUERY), the accountant's page
and Excel export, the portal's payment section and the 766 payment measures."""

from __future__ import annotations

import dataclasses
import io
import sys
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.template.loader import render_to_string
from django.utils import timezone

from motcua.core import clock
from motcua.integrations.payment import jobs, reconcile, services
from motcua.integrations.payment.client import Status as GatewayStatus
from motcua.integrations.payment.indicators import payment_measures
from motcua.integrations.payment.models import Difference, Kind, Payment, PaymentAccount, Reconciliation, State
from tests.integrations.conftest import Sim, start_simulator
from tests.integrations.test_payment import online_dossier

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def pay_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sim]:
    sim = start_simulator([sys.executable, "-m", "motcua.integrations.payment.simulator", "--callback-url", "",
                           "--return-url", ""], tmp_path_factory.mktemp("payment") / "ledger.sqlite3")
    yield sim
    sim.http.close()
    sim.process.terminate()
    sim.process.wait(10)


@pytest.fixture
def platform(pay_server: Sim, monkeypatch: pytest.MonkeyPatch) -> Iterator[Sim]:
    pay_server.reset()
    monkeypatch.setattr(jobs, "SETTINGS", dataclasses.replace(
        jobs.load_settings({}), url=pay_server.url + "/api/payment", read_timeout=2.0, connect_timeout=1.0))
    monkeypatch.setattr(jobs, "_gateway", None)
    yield pay_server
    if jobs._gateway is not None:
        jobs._gateway.close()


@pytest.fixture
def account(world: Any) -> PaymentAccount:
    return PaymentAccount.objects.create(unit=world.department, unit_code="000.00.11.H39", account="0011001234567",
                                         bank="VCB", account_name="Sở Tư pháp tỉnh Lâm Đồng")


def started(world: Any) -> Payment:
    d = online_dossier(world)
    p = services.start(world.users["citizen"], d.pk, ttl=900)
    services.initiate(p, jobs.gateway(), jobs.SETTINGS.partner, jobs.SETTINGS.secret)
    return Payment.objects.get(pk=p.pk)


def pay(sim: Sim, p: Payment, **faults: Any) -> None:
    if faults:
        sim.faults(**faults)
    sim.http.post(f"{sim.url}/_sim/pay", json={"MaThamChieu": p.reference, "action": "pay"}).raise_for_status()


def planted(world: Any, sim: Sim) -> dict[str, Payment]:
    """One payment of each kind of difference, and one that agrees."""
    out = {k: started(world) for k in ("paid_there", "amount", "pending_long", "paid_here", "fine")}
    pay(sim, out["paid_there"])
    pay(sim, out["amount"], amount_mismatch=1)
    Payment.objects.filter(pk=out["pending_long"].pk).update(created_at=timezone.now() - timedelta(days=2))
    services.settle(out["paid_here"], GatewayStatus(state=1, amount=2000, transaction="GDX"), "ipn")
    pay(sim, out["fine"])
    services.refresh(out["fine"], jobs.gateway())
    return out


def test_the_reconciliation_lists_every_difference_and_settles_a_lost_confirm(world, account, platform):  # noqa: ANN001
    ps = planted(world, platform)
    run = reconcile.request(world.department, clock.local_date(timezone.now()), world.users["specialist_p"])
    assert jobs.run_reconciliation.call(run.pk) == "5 checked, 4 differences"  # the queued task, run here
    run.refresh_from_db()
    assert run.status == "done" and run.checked == 5 and run.differences == 4
    kinds = {d.payment_id: d.kind for d in Difference.objects.filter(run=run)}
    assert kinds == {ps["paid_there"].pk: Kind.PAID_THERE, ps["amount"].pk: Kind.AMOUNT,
                     ps["pending_long"].pk: Kind.PENDING_LONG, ps["paid_here"].pk: Kind.PAID_HERE}
    assert Payment.objects.get(pk=ps["paid_there"].pk).state == State.PAID  # settled by the reconciliation
    assert Payment.objects.get(pk=ps["paid_there"].pk).settled_by == "reconcile"
    assert (run.total_here, run.total_there) == (4000, 3000 + 2000 + 2000)  # (fine + paid_here), theirs incl. 3000
    again = reconcile.compare(Reconciliation.objects.create(unit=world.department, day=run.day,
                                                            created_at=timezone.now()), jobs.gateway())
    assert again.differences == 3  # the lost confirm is settled now


def test_the_accountant_page_and_its_excel_export(world, account, platform, client_of):  # noqa: ANN001
    import openpyxl

    planted(world, platform)
    assert client_of("specialist_p").get("/payments/reconciliation/").status_code == 200
    assert client_of("counter_a").get("/payments/reconciliation/").status_code == 403  # not staff of the unit
    response = client_of("specialist_p").post("/payments/reconciliation/", {
        "unit": world.department.code, "day": clock.local_date(timezone.now()).isoformat()})
    run = Reconciliation.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/payments/reconciliation/{run.pk}/"
    reconcile.execute(run.pk, jobs.gateway())
    page = client_of("specialist_p").get(f"/payments/reconciliation/{run.pk}/").content.decode()
    assert page.count('class="diff-') == 4 and "Số tiền khác nhau" in page
    assert client_of("counter_a").get(f"/payments/reconciliation/{run.pk}/").status_code == 404
    export = client_of("specialist_p").get(f"/payments/reconciliation/{run.pk}/export.xlsx")
    assert export.status_code == 200
    ws = openpyxl.load_workbook(io.BytesIO(b"".join(export.streaming_content))).active
    rows = [r for r in ws.iter_rows(min_row=5, values_only=True) if r[0]]
    assert len(rows) == 4 and {r[3] for r in rows} == {str(Kind(k).label) for k in
                                                       ("paid_there", "amount", "pending_long", "paid_here")}
    assert any(r[5] == 2000 and r[7] == 3000 for r in rows)


def test_the_portal_section_offers_the_button_only_when_something_is_due(world, account, platform):  # noqa: ANN001
    d = online_dossier(world)
    html = render_to_string("payment/_dossier_payment.html", {"payment": services.offer(world.users["citizen"], d)})
    assert "Thanh toán trực tuyến" in html and f"/payments/dossiers/{d.pk}/pay/" in html and "2.000" in html
    other = render_to_string("payment/_dossier_payment.html", {"payment": services.offer(world.users["citizen2"], d)})
    assert "Thanh toán trực tuyến" not in other
    pay_attempt = services.start(world.users["citizen"], d.pk, ttl=900)
    services.settle(pay_attempt, GatewayStatus(state=1, amount=2000, transaction="GD1"), "ipn")
    d.refresh_from_db()
    html = render_to_string("payment/_dossier_payment.html", {"payment": services.offer(world.users["citizen"], d)})
    assert "Thanh toán trực tuyến" not in html and "Đã thanh toán" in html


def test_fees_collected_at_the_result_are_not_due_at_intake(world, account, platform):  # noqa: ANN001
    d = online_dossier(world)
    d.version.fees = [{"name": "Phí chứng thực", "amount": 2000, "collected": 4}]
    assert services.not_yet_due(d) == 2000 and services.amount_due(d) == 0
    d.status = 9
    assert services.amount_due(d) == 2000


def test_the_766_payment_measures_come_from_the_dossiers_and_their_payments(world, account, platform):  # noqa: ANN001
    from motcua.reports.services import Period

    ps = planted(world, platform)
    services.refresh(ps["paid_there"], jobs.gateway())
    online_dossier(world)  # a sixth fee dossier, never paid
    now = timezone.now()
    m = payment_measures(world.province, Period(now - timedelta(days=1), now + timedelta(days=1)))
    assert (m["fee_procedures_integrated"].numerator, m["fee_procedures_integrated"].denominator) == (1, 1)
    assert (m["fee_procedures_paid_online"].numerator, m["fee_procedures_paid_online"].denominator) == (1, 1)
    assert (m["dossiers_paid_online"].numerator, m["dossiers_paid_online"].denominator) == (3, 6)
    PaymentAccount.objects.update(active=False)
    m = payment_measures(world.province, Period(now - timedelta(days=1), now + timedelta(days=1)))
    assert m["fee_procedures_integrated"].numerator == 0
    empty = payment_measures(world.communes["a"], Period(now - timedelta(days=1), now + timedelta(days=1)))
    assert empty["dossiers_paid_online"].denominator == 0


def test_the_demo_history_pays_online_the_fees_its_events_say_were_paid_online_once(world):  # noqa: ANN001
    from django.db import transaction

    from motcua.domain.lifecycle import Action
    from motcua.dossiers import services as svc
    from motcua.dossiers.models import Dossier
    from motcua.integrations.payment import demo

    ds = [online_dossier(world) for _ in range(4)]
    system = world.actor("counter_a")
    methods = ["online", "cash", "online", None]  # the last pays nothing
    for d, method in zip(ds, methods, strict=True):
        if method:
            with transaction.atomic():
                row = Dossier.objects.select_for_update().get(pk=d.pk)
                svc._event(row, system, "counter_officer", Action.FEE_PAID, row.status, row.status, timezone.now(),
                           data={"amount": 2000, "method": method})
    out = io.StringIO()
    demo.prepare(out)
    paid = Payment.objects.filter(state=State.PAID)
    assert sorted(paid.values_list("dossier_id", "amount")) == [(ds[0].pk, 2000), (ds[2].pk, 2000)]
    assert demo.history() == 0 and PaymentAccount.objects.filter(unit=world.province).exists()
    assert "2 giao dịch" in out.getvalue()


def test_an_abandoned_attempt_expires_and_a_late_payment_is_still_found(world, account, platform,  # noqa: ANN001
                                                                         monkeypatch):  # noqa: ANN001
    p = started(world)
    Payment.objects.filter(pk=p.pk).update(created_at=timezone.now() - timedelta(hours=1))
    assert services.query_open(jobs.gateway()) == 1
    assert Payment.objects.get(pk=p.pk).state == State.EXPIRED  # older than the attempt's lifetime, unpaid
    pay(platform, p)  # the citizen had kept the page open
    services.query_open(jobs.gateway())
    p.refresh_from_db()
    assert p.state == State.PAID and p.dossier.fees_paid == 2000 and not p.surplus
    monkeypatch.setattr(jobs, "SETTINGS", dataclasses.replace(jobs.SETTINGS, query_window=60.0))
    late = started(world)
    Payment.objects.filter(pk=late.pk).update(created_at=timezone.now() - timedelta(hours=1), state=State.EXPIRED)
    assert late.pk not in [x.pk for x in services.to_query(timezone.now(), jobs.SETTINGS.query_window)]


def test_the_daily_job_reconciles_every_unit_with_an_account(world, account, platform):  # noqa: ANN001
    from motcua.jobs import periodic, registry

    assert registry.get_handler(jobs.DESTINATION) is services.fetch_bill
    assert {"payment.query", "payment.reconcile"} <= set(periodic.jobs())
    started(world)
    PaymentAccount.objects.create(unit=world.communes["a"], account="1", bank="VCB", account_name="Xã A")
    assert jobs.reconcile_daily.call() == "2"
    runs = {r.unit_id: r for r in Reconciliation.objects.all()}
    assert set(runs) == {world.department.pk, world.communes["a"].pk}
    assert runs[world.department.pk].checked == 1 and runs[world.communes["a"].pk].checked == 0


def test_a_payment_confirmed_after_the_dossier_was_withdrawn_is_kept_for_a_refund(world, account, platform):  # noqa: ANN001
    from motcua.dossiers import services as svc

    p = started(world)
    svc.withdraw(world.actor("citizen"), p.dossier_id, "Không còn nhu cầu")
    pay(platform, p)  # the citizen paid on the platform's page all the same
    services.query_open(jobs.gateway())
    p.refresh_from_db()
    assert p.state == State.PAID and p.surplus and p.dossier.fees_paid == 0
    run = reconcile.compare(Reconciliation.objects.create(unit=world.department, day=clock.local_date(timezone.now()),
                                                          created_at=timezone.now()), jobs.gateway())
    assert [d.kind for d in Difference.objects.filter(run=run)] == [Kind.SURPLUS]


def test_a_payment_the_platform_does_not_answer_for_is_listed(world, account, platform):  # noqa: ANN001
    p = started(world)
    platform.faults(http_500=1)
    run = reconcile.compare(Reconciliation.objects.create(unit=world.department, day=clock.local_date(timezone.now()),
                                                          created_at=timezone.now()), jobs.gateway())
    diff = Difference.objects.get(run=run)
    assert (diff.payment_id, diff.kind, run.checked) == (p.pk, Kind.UNANSWERED, 0) and "HTTP 500" in diff.note
