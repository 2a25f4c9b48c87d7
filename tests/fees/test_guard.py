"""The stage guard: a dossier is not handed to processing, its supplement not received, its result
not returned while that stage's fee is unpaid, unless the procedure allows paying later. Through
the real services, the office's "why not" list and the online payment's event."""

from __future__ import annotations

import pytest

from motcua.domain.lifecycle import Action, Status
from motcua.dossiers import services as svc
from motcua.dossiers.models import Dossier, DossierEvent
from motcua.fees import services as fees
from tests.factories import finished
from tests.fees.conftest import FULL, LATER

pytestmark = pytest.mark.django_db


def _snapshot(d: Dossier) -> tuple[int, int, int, int]:
    d.refresh_from_db()
    return d.status, d.row_version, d.fees_paid, DossierEvent.objects.filter(dossier=d).count()


def test_each_stage_is_blocked_until_its_fee_is_paid(counter, world):  # noqa: ANN001
    counter_a, specialist = counter.actor(), world.actor("specialist_a")
    d = counter.received(FULL)
    before = _snapshot(d)
    with pytest.raises(fees.FeeUnpaid) as err:
        svc.start(counter_a, d.pk)
    assert err.value.missing == 52000 and err.value.http_status == 409 and "52.000 đồng" in err.value.message
    assert _snapshot(d) == before
    fees.collect_cash(counter_a, d.pk, 52000)
    svc.start(counter_a, d.pk)

    svc.request_supplement(specialist, d.pk, "Thiếu bản vẽ", ["Bản vẽ"])
    d.refresh_from_db()
    assert fees.due_now(d) == 10000  # the supplement's fee is due once a supplement is requested
    with pytest.raises(fees.FeeUnpaid) as err:
        svc.supplement(counter_a, d.pk, "Đã bổ sung")
    assert err.value.missing == 10000
    fees.collect_cash(counter_a, d.pk, 10000)
    svc.supplement(counter_a, d.pk, "Đã bổ sung")

    d = finished(world, d.pk)
    assert d.status == Status.PROCESSED and fees.due_now(d) == 5000
    with pytest.raises(fees.FeeUnpaid):
        svc.return_result(counter_a, d.pk)
    fees.collect_cash(counter_a, d.pk, 5000)
    d = svc.return_result(counter_a, d.pk)
    assert d.status == Status.RETURNED and d.fees_paid == d.fees_due == 67000
    paid = [e.data["amount"] for e in d.events.filter(action=Action.FEE_PAID.value)]
    assert paid == [52000, 10000, 5000]


def test_paying_later_blocks_nothing(counter, world):  # noqa: ANN001
    d = counter.received(LATER)
    svc.start(counter.actor(), d.pk)
    svc.request_supplement(world.actor("specialist_a"), d.pk, "Thiếu", [])
    svc.supplement(counter.actor(), d.pk)
    finished(world, d.pk)
    d = svc.return_result(counter.actor(), d.pk)
    assert d.status == Status.RETURNED and d.fees_paid == 0


def test_the_system_actor_is_guarded_too(counter):  # noqa: ANN001
    d = counter.received(FULL)
    with pytest.raises(fees.FeeUnpaid):
        svc.start(svc.Actor.system_actor(), d.pk)


def test_a_free_procedure_is_not_guarded(world, now):  # noqa: ANN001
    d = svc.intake(world.actor("counter_a"), world.intake_request("a", 1))  # 1.001193: no fee
    d = svc.start(world.actor("counter_a"), d.pk)
    assert d.status == Status.PROCESSING and fees.due_now(d) == 0


def test_the_office_explains_the_block_and_hides_start(counter, client_of):  # noqa: ANN001
    d = counter.received(FULL)
    html = client_of("counter_a").get(f"/office/dossiers/{d.pk}/").content.decode()
    assert "Chưa nộp đủ phí, lệ phí thu khi tiếp nhận (còn thiếu 52.000 đồng): hồ sơ chưa được chuyển xử lý." in html
    assert 'name="start-version"' not in html and 'value="start"' not in html
    fees.collect_cash(counter.actor(), d.pk, 52000)
    html = client_of("counter_a").get(f"/office/dossiers/{d.pk}/").content.decode()
    assert "chưa được chuyển xử lý" not in html


def test_an_online_payment_is_a_fee_paid_event_and_opens_the_gate(counter, world):  # noqa: ANN001
    from motcua.integrations.payment import services as payment
    from motcua.integrations.payment.models import Payment

    d = counter.received(FULL, owner_id=None)
    from django.utils import timezone

    p = Payment.objects.create(dossier=d, reference="MCTEST0001", amount=payment.amount_due(d),
                               created_at=timezone.now())
    assert p.amount == 52000 and payment.not_yet_due(d) == 15000
    payment.record_paid(p)
    d.refresh_from_db()
    ev = d.events.order_by("-seq").first()
    assert ev.action == Action.FEE_PAID and ev.data == {"amount": 52000, "method": "online", "reference": "MCTEST0001"}
    assert ev.actor_name == payment.SYSTEM_NAME and d.fees_paid == 52000
    svc.start(counter.actor(), d.pk)
