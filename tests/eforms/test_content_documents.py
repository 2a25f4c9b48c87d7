"""The printed declaration served from the dossier pages (staff of the dossier's units and its owner
only), and the result drafted from it, attached as the latest result file that the leader's
approval then takes (and signs where signing is on)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from motcua.catalog.models import Procedure
from motcua.catalog.services import version_in_force
from motcua.dossiers import services as svc
from motcua.dossiers.models import Approval, DossierFile
from motcua.dossiers.storage import get_storage
from motcua.eforms import services, shipped
from tests.documents.conftest import Pdf

pytestmark = pytest.mark.django_db


def _declaration(world) -> dict:  # noqa: ANN001
    home = {"province": world.province.code, "commune": world.communes["a"].code, "detail": "Thôn Đồi Thông"}
    return {
        "requester": {"full_name": "Nguyễn Thị Hồng Nhung", "residence": home, "relation": "Mẹ",
                      "id_document": "Thẻ Căn cước số 068123456789"},
        "child": {"full_name": "Trần Nguyễn Minh Khôi", "birth_date": "2026-03-01", "sex": "nam", "ethnicity": "01",
                  "nationality": "Việt Nam", "birth_place": {**home, "detail": "Trạm y tế xã"}},
        "mother": {"full_name": "Nguyễn Thị Hồng Nhung", "birth_year": 1995, "ethnicity": "01",
                   "nationality": "Việt Nam"},
        "father": {"full_name": "Trần Đức Thắng", "birth_year": 1993},
    }


@pytest.fixture
def declared(world, clock):  # noqa: ANN001, ANN201
    clock.set("2026-03-10 09:00")
    version = version_in_force(Procedure.objects.get(code="1.001193"), clock.current.date())
    services.set_form(version, shipped.load("khai-sinh"))
    req = world.intake_request(owner_id=world.users["citizen"].pk)
    return services.intake_with_declaration(world.actor("counter_a"), req, _declaration(world))


def test_owner_and_the_dossiers_staff_print_the_declaration(world, client_of, declared) -> None:  # noqa: ANN001
    url = reverse("eforms:declaration_pdf", args=[declared.pk])
    for user in ("citizen", "counter_a", "leader_a"):
        r = client_of(user).get(url)
        assert r.status_code == 200 and r["Content-Type"] == "application/pdf", user
    pdf = Pdf(client_of("citizen").get(url).content)
    assert pdf.missing("TỜ KHAI ĐĂNG KÝ KHAI SINH", f"Kính gửi: {world.communes['a'].name}",
                       "Họ, chữ đệm, tên: Trần Nguyễn Minh Khôi", "Ngày, tháng, năm sinh: 01/03/2026",
                       "Nơi sinh: Trạm y tế xã, Xã A, Tỉnh Lâm Đồng", "Họ, chữ đệm, tên người cha: Trần Đức Thắng",
                       "ngày 10 tháng 03 năm 2026", f"Mã hồ sơ: {declared.code}") == []
    for user in ("citizen2", "counter_b"):
        r = client_of(user).get(url)
        assert r.status_code == 404 and "Không tìm thấy hồ sơ" in r.content.decode(), user


def test_the_dossier_pages_link_the_print(client_of, declared) -> None:  # noqa: ANN001
    url = reverse("eforms:declaration_pdf", args=[declared.pk])
    staff = client_of("counter_a").get(reverse("office:dossier", args=[declared.pk])).content.decode()
    assert url in staff and "Tạo dự thảo kết quả từ tờ khai" in staff
    citizen = client_of("citizen").get(reverse("portal:dossier", args=[declared.pk])).content.decode()
    assert url in citizen and "Tạo dự thảo kết quả" not in citizen


def test_a_dossier_without_declaration_has_no_print(world, client_of, clock) -> None:  # noqa: ANN001
    clock.set("2026-03-10 09:00")
    d = svc.intake(world.actor("counter_a"), world.intake_request())
    assert client_of("counter_a").get(reverse("eforms:declaration_pdf", args=[d.pk])).status_code == 404
    assert client_of("counter_a").post(reverse("eforms:draft_result", args=[d.pk])).status_code == 404


def test_result_drafted_from_the_declaration_is_what_the_leader_approves(world, client_of, declared) -> None:  # noqa: ANN001
    assert client_of("citizen").post(reverse("eforms:draft_result", args=[declared.pk])).status_code in (403, 404)
    assert client_of("monitor").post(reverse("eforms:draft_result", args=[declared.pk])).status_code == 403
    assert not DossierFile.objects.filter(dossier=declared, kind="result").exists()
    r = client_of("specialist_a").post(reverse("eforms:draft_result", args=[declared.pk]))
    assert r.status_code == 302
    doc = DossierFile.objects.get(dossier=declared, kind="result")
    assert doc.name == f"trich-luc-khai-sinh-{declared.code}.pdf"
    with get_storage().open(doc.storage_key) as stream:
        pdf = Pdf(stream.read())
    assert pdf.missing("TRÍCH LỤC KHAI SINH", "Họ, chữ đệm, tên: Trần Nguyễn Minh Khôi",
                       "Ghi bằng chữ: Ngày một tháng ba năm hai nghìn không trăm hai mươi sáu",
                       "Nơi đăng ký: Xã A") == []
    svc.start(world.actor("counter_a"), declared.pk)
    svc.forward(world.actor("specialist_a"), declared.pk)
    svc.forward(world.actor("specialist_a"), declared.pk)
    approval = svc.approve(world.actor("leader_a"), declared.pk, "Đồng ý")
    assert Approval.objects.get(pk=approval.pk).document_id == doc.pk  # the draft is what gets signed
