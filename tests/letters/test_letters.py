"""Letters handed out with a result: the three seeded templates, the letter printed (PDF read back)
from the staff dossier page once the dossier is finished, placeholders filled, and a template with
an unknown placeholder refused (model and admin)."""

from __future__ import annotations

import io

import pypdf
import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.test import Client

from motcua.dossiers import services as svc
from motcua.letters.models import LetterTemplate
from motcua.letters.placeholders import placeholder_errors
from tests.documents.conftest import normalized
from tests.factories import finished


def pdf_text(content: bytes) -> str:
    assert content.startswith(b"%PDF-")
    reader = pypdf.PdfReader(io.BytesIO(content))
    return normalized(" ".join(p.extract_text() for p in reader.pages))


@pytest.fixture
def done(world, now):  # noqa: ANN001, ANN201
    d = svc.intake(world.actor("counter_a"), world.intake_request("a"))
    svc.start(world.actor("counter_a"), d.pk, holder_id=world.users["counter_a"].pk)
    return finished(world, d.pk)


@pytest.mark.django_db
def test_three_templates_are_seeded_for_the_demo_procedures():
    by_name = {t.name: t for t in LetterTemplate.objects.all()}
    assert set(by_name) == {"Thư chúc mừng khai sinh", "Thư chúc mừng kết hôn", "Thư chia buồn"}
    assert "1.001193" in by_name["Thư chúc mừng khai sinh"].codes()
    assert "1.000894" in by_name["Thư chúc mừng kết hôn"].codes()
    assert by_name["Thư chia buồn"].codes() == ["1.000656"]
    for t in by_name.values():
        t.full_clean()  # the seeded wording passes its own check


def test_letter_printed_from_the_dossier_page_once_finished(world, client_of, done):  # noqa: ANN001
    c = client_of("counter_a")
    url = f"/office/letters/dossiers/{done.pk}/"
    page = c.get(f"/office/dossiers/{done.pk}/").content.decode()
    assert url in page and "Thư chúc mừng khai sinh" in page
    r = c.get(url)
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    text = pdf_text(r.content)
    assert "THƯ CHÚC MỪNG" in text
    assert "Kính gửi: Ông/Bà Nguyễn Văn An" in text
    assert "đăng ký khai sinh ngày 10/09/2025, Xã A trân trọng" in text
    assert "{" not in text
    # another commune's counter does not see the dossier
    assert client_of("counter_b").get(url).status_code == 404


def test_no_letter_before_the_result_nor_for_other_procedures(world, client_of, now):  # noqa: ANN001
    d = svc.intake(world.actor("counter_a"), world.intake_request("a"))
    c = client_of("counter_a")
    assert f"/office/letters/dossiers/{d.pk}/" not in c.get(f"/office/dossiers/{d.pk}/").content.decode()
    assert c.get(f"/office/letters/dossiers/{d.pk}/").status_code == 404
    LetterTemplate.objects.update(active=False)
    assert c.get(f"/office/letters/dossiers/{d.pk}/").status_code == 404


def test_an_edited_template_is_what_prints(world, client_of, done):  # noqa: ANN001
    t = LetterTemplate.objects.get(name="Thư chúc mừng khai sinh")
    t.title = "Thiệp mừng {ten_nguoi_nhan}"
    t.body = "Hồ sơ {ma_ho_so}: {thu_tuc}.\n\nNgày {ngay} tại {dia_danh}."
    t.full_clean()
    t.save()
    text = pdf_text(client_of("counter_a").get(f"/office/letters/dossiers/{done.pk}/").content)
    assert "THIỆP MỪNG NGUYỄN VĂN AN" in text
    assert f"Hồ sơ {done.code}: Thủ tục đăng ký khai sinh." in text
    assert "Ngày 10/09/2025 tại A." in text


@pytest.mark.parametrize("body", ["Kính gửi {ten}", "{ngay:%d}", "{don_vi.name}", "{ngay!r}", "Chào {ten_nguoi_nhan",
                                  "{0}", "{}"])
def test_invalid_placeholders_are_refused(body: str):
    assert placeholder_errors(body)


def test_valid_placeholders_and_escaped_braces_pass():
    assert placeholder_errors("Kính gửi {ten_nguoi_nhan}, {{không phải trường}} {ngay} {don_vi}") == []


def test_admin_refuses_an_unknown_placeholder(world):  # noqa: ANN001
    user = get_user_model().objects.create_superuser("root", "root@example.org", "x-Strong-Pass-1")
    c = Client()
    c.force_login(user)
    t = LetterTemplate.objects.get(name="Thư chia buồn")
    url = f"/admin/letters/lettertemplate/{t.pk}/change/"
    page = c.get(url).content.decode()
    assert "{ten_nguoi_nhan}" in page and "Các trường dùng được" in page
    data = {"name": t.name, "procedure_codes": t.procedure_codes, "title": t.title, "signer": t.signer,
            "active": "on", "body": "Kính gửi {ho_ten}"}
    r = c.post(url, data)
    assert r.status_code == 200
    assert "Trường {ho_ten} không hợp lệ." in r.content.decode()
    t.refresh_from_db()
    assert "{ho_ten}" not in t.body
    r = c.post(url, {**data, "body": "Kính gửi {ten_nguoi_nhan}", "procedure_codes": " , "})
    assert "Nhập ít nhất một mã thủ tục" in r.content.decode()
    r = c.post(url, {**data, "body": "Kính gửi {ten_nguoi_nhan}"})
    assert r.status_code == 302
    t.refresh_from_db()
    assert t.body == "Kính gửi {ten_nguoi_nhan}"
    with pytest.raises(ValidationError):
        LetterTemplate(name="x", procedure_codes="1.001193", title="{x}", body="y").full_clean()
    assert "Về văn phòng một cửa" in page and 'href="/office/"' in page


def test_the_letter_is_signed_over_the_name_of_the_leader_who_approved_the_result(world, client_of, now):  # noqa: ANN001
    leader = world.users["leader_a"]
    leader.first_name, leader.last_name = "Bình", "Trần Văn"
    leader.save(update_fields=["first_name", "last_name"])
    d = svc.intake(world.actor("counter_a"), world.intake_request("a"))
    svc.start(world.actor("counter_a"), d.pk, holder_id=world.users["counter_a"].pk)
    finished(world, d.pk)
    text = pdf_text(client_of("counter_a").get(f"/office/letters/dossiers/{d.pk}/").content)
    assert "ỦY BAN NHÂN DÂN (Ký và ghi rõ họ tên) Trần Văn Bình" in text
