"""Concurrency: the same confirm arriving several times at once, or a confirm racing the QUERY
job, records the fee once; two presses of the pay button at once start one attempt. Real threads,
one connection each, real commits (SQLite file or PostgreSQL)."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

import pytest
from django.utils import timezone

from motcua.dossiers import services as svc
from motcua.dossiers.models import Dossier
from motcua.integrations.payment import jobs, mapping, services
from motcua.integrations.payment.client import Status as GatewayStatus
from motcua.integrations.payment.models import Notice, Payment, PaymentAccount, State
from motcua.integrations.payment.simulator import SIM_PARTNER, SIM_SECRET
from motcua.jobs.models import OutboxMessage
from tests.test_concurrency import run_together, shared_db  # noqa: F401 - the fixture

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("shared_db")]
AT = datetime(2026, 12, 2, 2, 30, tzinfo=UTC)


@pytest.fixture
def attempt(world, monkeypatch):  # noqa: ANN001, ANN201
    monkeypatch.setattr(jobs, "SETTINGS", dataclasses.replace(jobs.load_settings({}), url="http://127.0.0.1:9/api"))
    monkeypatch.setattr(jobs, "_gateway", None)
    PaymentAccount.objects.create(unit=world.province, account="1", bank="VCB", account_name="KBNN")
    req = svc.IntakeRequest(procedure_code="2.000815", receiving_unit_code=world.centre.code,
                            handling_unit_code=world.department.code, channel=2,
                            applicant=svc.Applicant(name="Nguyễn Văn An"), owner_id=world.users["citizen"].pk)
    d = svc.intake(world.actor("citizen"), req)
    return Payment.objects.create(dossier=d, reference="MC-RACE-1", amount=2000, state=State.STARTED,
                                  created_at=timezone.now())


def confirm() -> dict:
    return mapping.confirm_body(partner=SIM_PARTNER, reference="MC-RACE-1", amount=2000, transaction="GD1",
                                bank="VCB", at=AT, secret=SIM_SECRET)


def test_the_same_confirm_six_times_at_once_records_the_fee_once(attempt):  # noqa: ANN001
    results = run_together([lambda: services.handle_confirm(confirm(), jobs.gateway())] * 6)
    assert all(kind == "ok" and r["MaLoi"] == "00" for kind, r in results), results
    assert Dossier.objects.get(pk=attempt.dossier_id).fees_paid == 2000
    assert sorted(Notice.objects.values_list("changed", flat=True)) == [False] * 5 + [True]
    assert OutboxMessage.objects.filter(destination=jobs.DESTINATION).count() == 1


def test_a_confirm_racing_the_query_job_records_the_fee_once(attempt):  # noqa: ANN001
    paid = GatewayStatus(state=1, amount=2000, transaction="GD1", bank="VCB", at=AT)
    results = run_together([lambda: services.handle_confirm(confirm(), jobs.gateway())["MaLoi"],
                            lambda: services.settle(attempt, paid, "query")[0]] * 2)
    assert all(kind == "ok" and r == "00" for kind, r in results), results
    assert Dossier.objects.get(pk=attempt.dossier_id).fees_paid == 2000
    assert Payment.objects.get(pk=attempt.pk).state == State.PAID


def test_two_presses_of_the_pay_button_at_once_start_one_attempt(world, attempt):  # noqa: ANN001
    Payment.objects.all().delete()
    user = world.users["citizen"]
    results = run_together([lambda: services.start(user, attempt.dossier_id, 900).reference] * 4)
    assert all(kind == "ok" for kind, _ in results), results
    assert len({r for _, r in results}) == 1 and Payment.objects.count() == 1
