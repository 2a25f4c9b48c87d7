"""The citizen's side: their dossier page shows its fee lines, what was paid and the receipts to
download; another citizen never sees them (page section, receipt PDF, payment link without
its token)."""

from __future__ import annotations

import pytest

from motcua.fees import services as fees
from tests.fees.test_counter import pdf_text

pytestmark = pytest.mark.django_db


def test_the_owner_sees_lines_paid_and_the_receipt(counter, world, client_of):  # noqa: ANN001
    d = counter.received(owner_id=world.users["citizen"].pk)
    r = fees.collect_cash(counter.actor(), d.pk, 52000, "Trần Thị Bình")
    html = client_of("citizen").get(f"/portal/dossiers/{d.pk}/").content.decode()
    assert "Phí, lệ phí của hồ sơ" in html and "Lệ phí đăng ký" in html and "52.000 đồng" in html
    assert f"/office/fees/receipts/{r.pk}/" in html and "Hủy biên lai" not in html
    pdf = client_of("citizen").get(f"/office/fees/receipts/{r.pk}/")
    assert pdf.status_code == 200 and "0000001/2025" in pdf_text(pdf.content)


def test_another_citizen_sees_nothing(counter, world, client_of):  # noqa: ANN001
    d = counter.received(owner_id=world.users["citizen"].pk)
    r = fees.collect_cash(counter.actor(), d.pk, 52000)
    other = client_of("citizen2")
    assert other.get(f"/portal/dossiers/{d.pk}/").status_code == 404
    assert other.get(f"/office/fees/receipts/{r.pk}/").status_code == 404
    assert client_of("counter_b").get(f"/office/fees/receipts/{r.pk}/").status_code == 404  # another commune
    # the owner's section is not offered to anyone else through the registry either
    from motcua.fees.sections import portal_provider

    assert portal_provider(world.users["citizen2"], d) is None
