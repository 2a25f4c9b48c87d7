"""The catalog board posted at the counter: a unit's procedures in force, or those published,
amended and abolished since a date, grouped by field; the QR code of each row (decoded from the
rendered PDF) leads to the procedure's portal page; only administrators and counter officers."""

from __future__ import annotations

from datetime import date

import pytest

from motcua.catalog import board as boards
from motcua.catalog.models import Procedure
from motcua.catalog.services import abolish
from motcua.conf import CONFIG
from motcua.domain.errors import NotFound
from tests.documents.conftest import Pdf

URL = "/office/catalog/board/"


def rows(world, username: str, unit, mode: str, since: date | None = None):  # noqa: ANN001, ANN201
    b = boards.board(world.actor(username).scope, unit.pk, mode, date(2025, 9, 10), since)
    return [(field, e.code, e.decision_number, e.change) for field, entries in b.groups for e in entries]


def test_in_force_lists_the_units_procedures_only(world, now):  # noqa: ANN001
    assert rows(world, "counter_a", world.communes["a"], boards.IN_FORCE) == [
        ("Chứng thực", "2.000815", "1024/QĐ-BTP", "in_force"), ("Hộ tịch", "1.001193", "1726/QĐ-BTP", "in_force")]
    assert rows(world, "admin", world.department, boards.IN_FORCE) == [
        ("Chứng thực", "2.000815", "1024/QĐ-BTP", "in_force")]
    # the provincial centre posts its departments' procedures; a commune's counter posts its commune's only
    assert rows(world, "counter_p", world.department, boards.IN_FORCE) == [
        ("Chứng thực", "2.000815", "1024/QĐ-BTP", "in_force")]
    assert [u.name for u in boards.units_for(world.actor("counter_a").scope)] == ["Xã A"]
    with pytest.raises(NotFound):
        rows(world, "counter_a", world.department, boards.IN_FORCE)


def test_changes_since_a_date(world, now):  # noqa: ANN001
    commune = world.communes["a"]
    assert rows(world, "counter_a", commune, boards.CHANGES, date(2025, 6, 1)) == [
        ("Hộ tịch", "1.001193", "1726/QĐ-BTP", "amended")]
    assert rows(world, "counter_a", commune, boards.CHANGES, date(2020, 1, 1)) == [
        ("Chứng thực", "2.000815", "1024/QĐ-BTP", "new"),
        ("Hộ tịch", "1.001193", "1726/QĐ-BTP", "amended"), ("Hộ tịch", "1.001193", "1872/QĐ-BTP", "new")]
    assert rows(world, "counter_a", commune, boards.CHANGES, date(2025, 9, 1)) == []
    abolish(Procedure.objects.get(code="2.000815"), date(2025, 9, 1), "88/QĐ-BTP")
    assert rows(world, "admin", world.department, boards.CHANGES, date(2025, 8, 1)) == [
        ("Chứng thực", "2.000815", "1024/QĐ-BTP; 88/QĐ-BTP", "abolished")]
    assert rows(world, "admin", world.department, boards.IN_FORCE) == []


def test_page_and_pdf_whose_qr_codes_lead_to_the_portal(world, client_of, now):  # noqa: ANN001
    c = client_of("counter_a")
    page = c.get(URL)
    assert page.status_code == 200
    html = page.content.decode()
    assert f'value="{world.communes["a"].pk}"' in html and f'value="{world.communes["b"].pk}"' not in html
    query = {"unit": world.communes["a"].pk, "mode": "in_force", "orientation": "landscape"}
    html = c.get(URL, query).content.decode()
    expected = f"{CONFIG.public_url}/portal/procedures/1.001193/"
    other = f"{CONFIG.public_url}/portal/procedures/2.000815/"
    assert "Lĩnh vực: Hộ tịch" in html and "1726/QĐ-BTP" in html and f'data-url="{expected}"' in html
    assert 'src="data:image/svg+xml' in html and "In bảng niêm yết" in html
    r = c.get(URL, {**query, "format": "pdf"})
    assert r["Content-Type"] == "application/pdf"
    pdf = Pdf(r.content)
    assert pdf.size() == (841.9, 595.3)  # A4 landscape
    assert not pdf.missing("DANH MỤC THỦ TỤC HÀNH CHÍNH NIÊM YẾT CÔNG KHAI", "Lĩnh vực: Hộ tịch",
                           "Thủ tục đăng ký khai sinh", "1726/QĐ-BTP", "Từ 01/07/2025")
    assert sorted(pdf.barcodes()) == [expected, other]
    portrait = Pdf(c.get(URL, {**query, "orientation": "portrait", "format": "pdf"}).content)
    assert portrait.size() == (595.3, 841.9)
    assert sorted(portrait.barcodes()) == [expected, other]


def test_changes_need_a_date_and_the_unit_must_be_the_users(world, client_of, now):  # noqa: ANN001
    c = client_of("counter_a")
    r = c.get(URL, {"unit": world.communes["a"].pk, "mode": "changes", "orientation": "portrait"})
    assert r.status_code == 400 and "Nhập ngày bắt đầu" in r.content.decode()
    r = c.get(URL, {"unit": world.communes["a"].pk, "mode": "changes", "since": "01/06/2025",
                    "orientation": "portrait"})
    assert r.status_code == 200 and "Sửa đổi, bổ sung" in r.content.decode()
    r = c.get(URL, {"unit": world.communes["b"].pk, "mode": "in_force", "orientation": "portrait"})
    assert r.status_code == 400


@pytest.mark.parametrize("username", ["specialist_a", "leader_a", "monitor", "citizen"])
def test_only_administrators_and_counter_officers(world, client_of, now, username):  # noqa: ANN001
    assert client_of(username).get(URL).status_code == 403
