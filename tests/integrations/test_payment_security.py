"""A forged confirm (bad checksum, wrong amount, unknown reference, replay, another partner,
garbage) posted to the callback is refused and changes nothing: no payment state, no fee, no
dossier event, no receipt job. The callback needs no account, only the checksum."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from motcua.dossiers import services as svc
from motcua.dossiers.models import Dossier, DossierEvent
from motcua.integrations.payment import jobs, mapping
from motcua.integrations.payment.models import Notice, Payment, State
from motcua.integrations.payment.simulator import SIM_PARTNER, SIM_SECRET
from motcua.jobs.models import OutboxMessage

pytestmark = pytest.mark.django_db
URL = "/api/v1/payments/national/confirm"
AT = datetime(2026, 12, 2, 2, 30, tzinfo=UTC)


@pytest.fixture
def on(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(jobs, "SETTINGS", dataclasses.replace(jobs.load_settings({}), url="http://127.0.0.1:9/api"))
    monkeypatch.setattr(jobs, "_gateway", None)


@pytest.fixture
def attempt(world: Any, on: None) -> Payment:
    req = svc.IntakeRequest(procedure_code="2.000815", receiving_unit_code=world.centre.code,
                            handling_unit_code=world.department.code, channel=2,
                            applicant=svc.Applicant(name="Nguyễn Văn An"), owner_id=world.users["citizen"].pk)
    d = svc.intake(world.actor("citizen"), req)
    return Payment.objects.create(dossier=d, reference="MC-TEST-1", amount=2000, state=State.STARTED,
                                  created_at=timezone.now())


def confirm(reference: str = "MC-TEST-1", amount: int = 2000, secret: str = SIM_SECRET, partner: str = SIM_PARTNER,
            **over: Any) -> dict[str, Any]:
    body = mapping.confirm_body(partner=partner, reference=reference, amount=amount, transaction="GD1", bank="VCB",
                                at=AT, secret=secret)
    return {**body, **over}


def post(body: Any) -> dict[str, Any]:
    response = Client().post(URL, body, content_type="application/json")  # no session, no token
    assert response.status_code == 200
    return response.json()


def snapshot(p: Payment) -> tuple[Any, ...]:
    p = Payment.objects.get(pk=p.pk)
    d = Dossier.objects.get(pk=p.dossier_id)
    return (p.state, p.charged, p.transaction, p.paid_at, d.fees_paid, d.status, d.row_version,
            DossierEvent.objects.filter(dossier=d).count(), OutboxMessage.objects.filter(
                destination=jobs.DESTINATION).count())


@pytest.mark.parametrize("forge, code", [
    ("bad_checksum", "01"), ("tampered_amount", "01"), ("other_secret", "01"), ("other_partner", "01"),
    ("no_checksum", "01"), ("wrong_amount", "03"), ("unknown_reference", "02"), ("not_json", "01"),
])
def test_a_forged_confirm_is_refused_and_changes_nothing(attempt: Payment, forge: str, code: str) -> None:
    before = snapshot(attempt)
    body: Any = {
        "bad_checksum": confirm(MaXacThuc="0" * 64),
        "tampered_amount": {**confirm(amount=2000), "SoTien": 200},
        "other_secret": confirm(secret="guessed-secret"),
        "other_partner": confirm(partner="EVIL", secret=SIM_SECRET),
        "no_checksum": {k: v for k, v in confirm().items() if k != "MaXacThuc"},
        "wrong_amount": confirm(amount=200),  # signed, but not what the attempt asked
        "unknown_reference": confirm(reference="MC-NOT-OURS"),
        "not_json": "MaLoi=00&MaThamChieu=MC-TEST-1",
    }[forge]
    answer = post(body)
    assert answer["MaLoi"] == code
    assert answer["MaXacThuc"] == mapping.sign(answer, mapping.ANSWER_FIELDS, SIM_SECRET)
    after = snapshot(attempt)
    if forge == "wrong_amount":  # a signed mismatch is kept for the accountant, never counted
        assert after[0] == State.MISMATCH and after[4:] == before[4:]
    else:
        assert after == before
    assert Notice.objects.get().answer == code


def test_a_replayed_confirm_is_accepted_once_and_changes_nothing_the_second_time(attempt: Payment) -> None:
    body = confirm()
    first = post(body)
    paid = snapshot(attempt)
    assert first["MaLoi"] == "00" and paid[0] == State.PAID and paid[4] == 2000
    for _ in range(3):
        assert post(body) == first
    assert snapshot(attempt) == paid
    assert post(confirm(MaLoi="51", MaXacThuc=mapping.sign({**body, "MaLoi": "51"}, mapping.CONFIRM_FIELDS,
                                                            SIM_SECRET)))["MaLoi"] == "00"
    assert snapshot(attempt) == paid  # a late "failed" does not undo a payment
    assert [n.changed for n in Notice.objects.order_by("id")] == [True, False, False, False, False]


def test_the_callback_is_off_while_online_payment_is_off(attempt: Payment, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(jobs, "SETTINGS", dataclasses.replace(jobs.SETTINGS, url=""))
    response = Client().post(URL, confirm(), content_type="application/json")
    assert response.status_code == 404 and snapshot(attempt)[0] == State.STARTED


def test_production_refuses_the_simulator_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    from motcua.conf import ConfigError

    monkeypatch.setattr(jobs, "CONFIG", dataclasses.replace(jobs.CONFIG, env="production"))
    with pytest.raises(ConfigError):
        jobs.load_settings({"MOTCUA_PAYMENT_URL": "https://pay.example", "MOTCUA_PAYMENT_PARTNER": "H39",
                            "MOTCUA_PAYMENT_SECRET": SIM_SECRET})
    with pytest.raises(ConfigError):
        jobs.load_settings({"MOTCUA_PAYMENT_URL": "https://pay.example"})
    ok = jobs.load_settings({"MOTCUA_PAYMENT_URL": "https://pay.example", "MOTCUA_PAYMENT_PARTNER": "H39",
                             "MOTCUA_PAYMENT_SECRET": "a-real-secret-of-the-province"})
    assert ok.partner == "H39" and jobs.load_settings({}).url == ""
