"""The counter: fees shown and collected in the real intake page (cash now with a receipt, or
online later), the dossier page's fee section, the printed receipt read back by a PDF reader."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from motcua.domain.lifecycle import Action, Status
from motcua.dossiers import services as svc
from motcua.dossiers.models import Dossier, DossierEvent
from motcua.fees import services as fees
from motcua.fees.models import FeeReceipt, ReceiptCounter
from motcua.fees.tokens import pay_path
from tests.fees.conftest import FULL

pytestmark = pytest.mark.django_db


def pdf_text(content: bytes) -> str:
    return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages)


def test_the_intake_form_shows_the_lines_and_the_page_input(client_of, counter):  # noqa: ANN001
    html = client_of("counter_a").get(f"/office/intake/?procedure={FULL}").content.decode()
    assert "Phí chứng thực (mỗi trang)" in html and 'name="fees-pages"' in html and 'name="fees-copies"' in html
    assert 'value="cash"' in html and "Nộp trực tuyến sau" in html
    assert "52.000 đồng" in html  # 50,000 + one page at 2,000 due at intake


def test_cash_at_the_counter_creates_the_receipt_in_the_intake(client_of, counter, world):  # noqa: ANN001
    c = client_of("counter_a")
    r = c.post("/office/intake/", counter.form(**{"fees-mode": "cash", "fees-pages": "5", "fees-copies": "2"}))
    d = Dossier.objects.get()
    assert r.status_code == 302, r.content.decode()[:2000]
    assert [(x["name"], x["quantity"], x["total"]) for x in d.fee_lines] == [
        ("Lệ phí đăng ký", 1, 50000), ("Phí chứng thực (mỗi trang)", 5, 10000), ("Phí thẩm định bổ sung", 1, 10000),
        ("Phí cấp bản sao kết quả (mỗi bản)", 2, 10000)]
    assert d.fees_due == 80000 and d.fees_paid == 60000 and d.status == Status.RECEIVED
    receipt = FeeReceipt.objects.get()
    assert (receipt.amount, receipt.number, receipt.year, receipt.unit_id) == (60000, 1, 2025,
                                                                              world.commune_centres["a"].pk)
    ev = receipt.event
    assert ev.action == Action.FEE_PAID and ev.seq == 2 and ev.actor_id == world.users["counter_a"].pk
    assert ev.data == {"amount": 60000, "method": "cash", "receipt": "0000001/2025"}
    assert fees.due_now(d) == 0
    # the dossier page: the section, the receipt link, and START is offered (the intake fee is paid)
    html = c.get(f"/office/dossiers/{d.pk}/").content.decode()
    assert "0000001/2025" in html and f"/office/fees/receipts/{receipt.pk}/" in html
    svc.start(world.actor("counter_a"), d.pk)


def test_the_printed_receipt_reads_back(client_of, counter):  # noqa: ANN001
    client_of("counter_a").post("/office/intake/", counter.form(**{"fees-mode": "cash", "fees-pages": "3"}))
    receipt = FeeReceipt.objects.get()
    r = client_of("counter_a").get(f"/office/fees/receipts/{receipt.pk}/")
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    text = pdf_text(r.content)
    assert "0000001/2025" in text and "56.000" in text  # 50,000 + 3 pages at 2,000
    assert "Năm mươi sáu nghìn đồng" in text and "Lê Văn Cường" in text and "10/09/2025" in text
    assert "BIÊN LAI THU PHÍ, LỆ PHÍ" in text and "Phí chứng thực (mỗi trang)" in text


def test_online_later_collects_nothing_and_start_is_blocked(client_of, counter, world):  # noqa: ANN001
    c = client_of("counter_a")
    assert c.post("/office/intake/", counter.form(**{"fees-mode": "online"})).status_code == 302
    d = Dossier.objects.get()
    assert d.fees_paid == 0 and not FeeReceipt.objects.exists() and fees.due_now(d) == 52000
    html = c.get(f"/office/dossiers/{d.pk}/").content.decode()
    assert "Chưa nộp đủ phí, lệ phí thu khi tiếp nhận (còn thiếu 52.000 đồng)" in html
    assert pay_path(d.pk) in html
    with pytest.raises(fees.FeeUnpaid):
        svc.start(world.actor("counter_a"), d.pk)
    # the payment link's page works without any account
    from django.test import Client

    page = Client().get(pay_path(d.pk))
    assert page.status_code == 200 and d.code in page.content.decode() and "52.000 đồng" in page.content.decode()
    assert Client().get(pay_path(d.pk).replace("-", "-x", 1)).status_code == 404


@pytest.mark.parametrize("over", [{"fees-pages": "-2", "fees-mode": "cash"}, {"fees-pages": "abc", "fees-mode": "cash"},
                                  {"fees-mode": "gold"}, {"fees-copies": "9999999", "fees-mode": "cash"}])
def test_bad_fee_input_at_intake_is_refused_with_nothing_saved(client_of, counter, over):  # noqa: ANN001
    r = client_of("counter_a").post("/office/intake/", counter.form(**over))
    assert r.status_code == 422
    assert not Dossier.objects.exists() and not FeeReceipt.objects.exists() and not ReceiptCounter.objects.exists()


def test_cash_on_the_dossier_page_prefilled_and_refusals_change_nothing(client_of, counter, world):  # noqa: ANN001
    d = counter.received()
    c = client_of("counter_a")
    html = c.get(f"/office/dossiers/{d.pk}/").content.decode()
    assert 'name="amount" inputmode="numeric" value="52000"' in html
    before = (Dossier.objects.get(pk=d.pk).row_version, DossierEvent.objects.count())
    for amount, words in (("-5", "lớn hơn 0"), ("abc", "số nguyên"), ("52000.5", "số nguyên"),
                          ("60000", "vượt quá số phải nộp lúc này (52.000 đồng)"), ("0", "lớn hơn 0")):
        r = c.post(f"/office/fees/dossiers/{d.pk}/cash/", {"amount": amount})
        assert 400 <= r.status_code < 500 and words in r.content.decode(), amount
    assert (Dossier.objects.get(pk=d.pk).row_version, DossierEvent.objects.count()) == before
    assert not FeeReceipt.objects.exists() and not ReceiptCounter.objects.exists()
    # a specialist is not the counter: refused
    assert c is not client_of("specialist_a")
    assert client_of("specialist_a").post(f"/office/fees/dossiers/{d.pk}/cash/", {"amount": "1000"}).status_code == 403
    # a double click (same key) makes one receipt
    for _ in range(2):
        r = c.post(f"/office/fees/dossiers/{d.pk}/cash/", {"amount": "52.000", "key": "k1"})
        assert r.status_code == 302
    assert FeeReceipt.objects.count() == 1 and Dossier.objects.get(pk=d.pk).fees_paid == 52000


def test_a_leader_cancels_a_receipt_and_the_log_adds_up(client_of, counter, world):  # noqa: ANN001
    d = counter.received()
    r = fees.collect_cash(counter.actor(), d.pk, 52000, "Trần Thị Bình")
    assert client_of("counter_a").post(f"/office/fees/receipts/{r.pk}/cancel/",
                                       {"reason": "Thu nhầm"}).status_code == 403
    assert client_of("leader_a").post(f"/office/fees/receipts/{r.pk}/cancel/", {"reason": ""}).status_code == 422
    resp = client_of("leader_a").post(f"/office/fees/receipts/{r.pk}/cancel/", {"reason": "Thu nhầm số tiền"})
    assert resp.status_code == 302
    r.refresh_from_db()
    d.refresh_from_db()
    assert r.cancelled and r.cancel_reason == "Thu nhầm số tiền" and r.cancelled_by == world.users["leader_a"]
    assert d.fees_paid == 0 and fees.due_now(d) == 52000
    amounts = [e.data["amount"] for e in d.events.filter(action=Action.FEE_PAID.value).order_by("seq")]
    assert amounts == [52000, -52000] and sum(amounts) == d.fees_paid
    assert r.cancel_event.data["cancels"] == "0000001/2025" and r.cancel_event.actor_id == world.users["leader_a"].pk
    with pytest.raises(Exception, match="already cancelled"):
        fees.cancel_receipt(world.actor("leader_a"), r.pk, "lần nữa")
    assert "ĐÃ HỦY" in pdf_text(client_of("counter_a").get(f"/office/fees/receipts/{r.pk}/").content)
    # the next receipt takes the next number: a cancelled number is never reused
    assert fees.collect_cash(counter.actor(), d.pk, 52000).number == 2
