"""The printed forms follow the rules of the dossier's receipt date: a dossier received on 30/06/2025
prints the Circular 01/2018 forms, one received on 01/07/2025 the Circular 03/2025 ones, the boundary
being midnight in Vietnam. PDFs are read back with pypdf."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from motcua.core.clock import aware
from motcua.documents import services
from motcua.dossiers import services as svc
from motcua.dossiers.models import Dossier
from tests.documents.conftest import A5, Pdf

pytestmark = pytest.mark.django_db

OLD_BASIS = "(Ban hành kèm theo Thông tư số 01/2018/TT-VPCP của Văn phòng Chính phủ)"
NEW_BASIS = "(Ban hành kèm theo Thông tư số 03/2025/TT-VPCP của Văn phòng Chính phủ)"


def _print(desk, d: Dossier, slug: str, user: str = "counter_a") -> Pdf:  # noqa: ANN001
    return Pdf(services.render_document(desk.actor(user), d.pk, slug)[1])


def _received(desk, clock, when: str, commune: str = "a") -> Dossier:  # noqa: ANN001
    clock.set(when)
    return desk.received(commune)


def _mark(pdf: Pdf) -> tuple[str, str]:
    """The form number and the circular line printed at the top right of the first page."""
    page = pdf.page_text(0)
    number = page.split("Mẫu số ", 1)[1][:2] if "Mẫu số " in page else ""
    basis = OLD_BASIS if OLD_BASIS in page else NEW_BASIS if NEW_BASIS in page else ""
    return number, basis


@pytest.mark.parametrize(("when", "basis"), [
    ("2025-06-30 09:00", OLD_BASIS), ("2025-06-30 23:59:59", OLD_BASIS),
    ("2025-07-01 00:00", NEW_BASIS), ("2025-07-01 09:00", NEW_BASIS),
])
def test_the_receipt_prints_the_form_of_its_receipt_date(desk, clock, when: str, basis: str) -> None:  # noqa: ANN001
    d = _received(desk, clock, when)
    pdf = _print(desk, d, "receipt")
    assert pdf.pages == 2 and pdf.size(0) == pdf.size(1) == A5  # the mark does not push a copy onto a new page
    for page in range(2):  # both copies carry it
        text = pdf.page_text(page)
        assert "Mẫu số 01" in text and basis in text and "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ" in text
    other = NEW_BASIS if basis == OLD_BASIS else OLD_BASIS
    assert other not in pdf.text


def test_midnight_in_vietnam_is_the_boundary_not_midnight_utc(desk, clock) -> None:  # noqa: ANN001
    # 16:59:59 UTC on 30 June is 23:59:59 in Hà Nội; 17:00 UTC is already 1 July
    before = _received(desk, clock, "2025-06-30T16:59:59+00:00")
    after = _received(desk, clock, "2025-06-30T17:00:00+00:00")
    assert _mark(_print(desk, before, "receipt")) == ("01", OLD_BASIS)
    assert _mark(_print(desk, after, "receipt")) == ("01", NEW_BASIS)


def _letters(desk, d: Dossier) -> dict[str, Pdf]:  # noqa: ANN001
    """The supplement request, the apology and, where the regime has one, the stop notice of ``d``."""
    d = svc.start(desk.actor("counter_a"), d.pk, holder_id=desk.world.users["counter_a"].pk)
    d = svc.forward(desk.actor("specialist_a"), d.pk, to_step=2, holder_id=desk.world.users["specialist_a"].pk)
    req = svc.request_supplement(desk.actor("specialist_a"), d.pk, "Thiếu bản sao", items=["Bản sao giấy tờ"])
    svc.supplement(desk.actor("counter_a"), req.pk)
    svc.extend(desk.actor("specialist_a"), d.pk, "Cần xác minh", d.appointment_at + timedelta(days=3))
    out = {slug: _print(desk, d, slug, "specialist_a") for slug in ("supplement", "apology")}
    out["control"] = _print(desk, d, "control", "specialist_a")
    return out


def test_a_dossier_received_on_30_june_2025_prints_the_circular_01_2018_forms(desk, clock) -> None:  # noqa: ANN001
    d = _received(desk, clock, "2025-06-30 10:00")
    pdfs = _letters(desk, d)
    assert _mark(pdfs["supplement"]) == ("02", OLD_BASIS)
    assert _mark(pdfs["apology"]) == ("05", OLD_BASIS)  # Mẫu 05 in 2018 (04 was the tracking book)
    assert _mark(pdfs["control"]) == ("06", OLD_BASIS)
    assert "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ" in pdfs["apology"].text
    # the same letters printed in July (later events) still follow the receipt date
    clock.set("2025-07-15 09:00")
    assert _mark(_print(desk, d, "apology", "specialist_a")) == ("05", OLD_BASIS)


def test_a_dossier_received_on_1_july_2025_prints_the_circular_03_2025_forms(desk, clock) -> None:  # noqa: ANN001
    d = _received(desk, clock, "2025-07-01 10:00")
    pdfs = _letters(desk, d)
    assert _mark(pdfs["supplement"]) == ("02", NEW_BASIS)
    assert _mark(pdfs["apology"]) == ("04", NEW_BASIS)
    assert _mark(pdfs["control"]) == ("06", NEW_BASIS)
    assert "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ" in pdfs["control"].text


def test_the_refusal_follows_the_submission_date_of_a_dossier_never_received(desk, clock) -> None:  # noqa: ANN001
    clock.set("2025-06-30 16:00")
    old = desk.registered()
    clock.set("2025-07-01 08:00")  # refused the next morning: it was never received, its day is the 30th
    svc.refuse(desk.actor("counter_a"), old.pk, "Không thuộc thẩm quyền")
    new = desk.registered()
    svc.refuse(desk.actor("counter_a"), new.pk, "Không thuộc thẩm quyền")
    assert _mark(_print(desk, old, "refusal")) == ("03", OLD_BASIS)
    assert _mark(_print(desk, new, "refusal")) == ("03", NEW_BASIS)


def test_the_stop_notice_exists_only_for_dossiers_received_under_decree_118(desk, clock, client_of) -> None:  # noqa: ANN001
    old = _received(desk, clock, "2025-06-30 10:00")
    new = _received(desk, clock, "2025-07-01 10:00")
    clock.set("2025-07-02 09:00")
    for d in (old, new):
        svc.stop(desk.actor("leader_a"), d.pk, "Người nộp đề nghị dừng")
    pdf = _print(desk, new, "stop", "leader_a")
    assert _mark(pdf) == ("05", NEW_BASIS) and "THÔNG BÁO VỀ VIỆC DỪNG XỬ LÝ HỒ SƠ" in pdf.text
    # the old way: the stop is recorded (status 8, its event) but no notice form of Decree 61 exists
    assert Dossier.objects.get(pk=old.pk).status == 8
    with pytest.raises(svc.NotFound):
        services.render_document(desk.actor("leader_a"), old.pk, "stop")
    slugs = [slug for slug, _, _ in services.available_documents(desk.actor("leader_a"), old)]
    assert "stop" not in slugs and "receipt" in slugs
    assert "stop" in [slug for slug, _, _ in services.available_documents(desk.actor("leader_a"), new)]
    r = client_of("leader_a").get(f"/documents/dossiers/{old.pk}/stop.pdf")
    assert r.status_code == 404 and "không áp dụng" in r.content.decode()


def test_the_document_list_names_the_forms_of_the_regime(desk, clock) -> None:  # noqa: ANN001
    d = _received(desk, clock, "2025-06-30 10:00")
    labels = dict((slug, label) for slug, label, _ in services.available_documents(desk.actor("counter_a"), d))
    assert labels["receipt"] == "Giấy tiếp nhận hồ sơ và hẹn trả kết quả"
    assert labels["control"] == "Phiếu kiểm soát quá trình giải quyết hồ sơ"


def _book(desk, start: date, end: date) -> Pdf:  # noqa: ANN001
    unit = desk.world.commune_centres["a"].code
    return Pdf(services.tracking_book(desk.actor("counter_a"), unit, start, end)[1])


def test_the_tracking_book_is_form_04_then_form_07(desk, clock) -> None:  # noqa: ANN001
    _received(desk, clock, "2025-06-30 10:00")
    _received(desk, clock, "2025-07-01 10:00")
    june, july = _book(desk, date(2025, 6, 1), date(2025, 6, 30)), _book(desk, date(2025, 7, 1), date(2025, 7, 31))
    assert _mark(june) == ("04", OLD_BASIS) and _mark(july) == ("07", NEW_BASIS)
    assert "SỔ THEO DÕI HỒ SƠ" in june.text and "Hồ sơ tiếp nhận từ ngày" not in june.text
    both = _book(desk, date(2025, 6, 1), date(2025, 7, 31))  # the book of the last day, and which rules when
    assert _mark(both) == ("07", NEW_BASIS)
    assert ("Hồ sơ tiếp nhận từ ngày 01/06/2025 đến ngày 30/06/2025: Nghị định 61/2018/NĐ-CP (sửa đổi, bổ sung "
            "bởi Nghị định 107/2021/NĐ-CP); từ ngày 01/07/2025 đến ngày 31/07/2025: Nghị định 118/2025/NĐ-CP."
            ) in both.text


def test_a_dossier_received_before_decree_61_prints_without_a_form_number(desk, clock) -> None:  # noqa: ANN001
    d = _received(desk, clock, "2025-07-01 10:00")
    Dossier.objects.filter(pk=d.pk).update(received_at=aware(datetime(2018, 8, 20, 9, 0)))  # imported history
    pdf = _print(desk, Dossier.objects.get(pk=d.pk), "receipt")
    assert _mark(pdf) == ("", "") and "Mẫu số" not in pdf.text and "GIẤY TIẾP NHẬN HỒ SƠ" in pdf.text
    Dossier.objects.filter(pk=d.pk).update(received_at=aware(datetime(2018, 8, 21, 0, 0)))
    assert _mark(_print(desk, Dossier.objects.get(pk=d.pk), "receipt")) == ("01", OLD_BASIS)
