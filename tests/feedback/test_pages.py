"""The feedback pages end to end through Django's test client: a citizen sends from the portal, the
unit's staff find it in their queue and answer, the citizen reads and rates; counter and box entry;
the figures page and the Excel list."""

from __future__ import annotations

import io

import openpyxl
import pytest

from motcua.feedback.models import Case
from tests.factories import PNG

pytestmark = pytest.mark.django_db


def _send(client, **over):  # noqa: ANN001, ANN003, ANN202
    data = {"category": "PA-DONVI", "description": "Khu chờ không có ghế", "sender_name": "Lê Văn C",
            "sender_phone": "0987654321", "address": "Bộ phận một cửa xã A", "lat": "11.94", "lon": "108.44"}
    data.update(over)
    return client.post("/feedback/", data)


def test_the_send_form_is_phone_first_with_a_camera_photo_field(client, world):  # noqa: ANN001
    body = client.get("/feedback/").content.decode()
    assert 'accept="image/*"' in body and 'capture="environment"' in body and 'name="viewport"' in body
    assert "KN-HOSO" in body and "HL-HOSO" not in body  # internal follow-ups cannot be chosen


def test_a_citizen_sends_the_unit_answers_the_citizen_rates(client_of, world, now):  # noqa: ANN001
    citizen = client_of("citizen")
    photo = io.BytesIO(PNG)
    photo.name = "ghe.png"
    r = _send(citizen, photos=[photo], category="PA-TTHC", description="Thủ tục khai sinh cần quá nhiều bản sao",
              unit=world.communes["a"].pk)
    assert r.status_code == 302, r.content.decode()[:2000]
    c = Case.objects.get()
    assert r["Location"] == f"/feedback/sent/{c.code}/"
    assert c.code in citizen.get(r["Location"]).content.decode()
    assert c.files.count() == 1 and (c.lat, c.lon) == (11.94, 108.44)
    assert c.code in citizen.get("/feedback/mine/").content.decode()
    assert c.unit == world.communes["a"]  # the unit the citizen chose
    staff = client_of("specialist_a")
    assert c.code in staff.get("/feedback/office/").content.decode()
    page = staff.get(f"/feedback/office/{c.pk}/").content.decode()
    assert "fb-action-answer" in page and "fb-action-acknowledge" in page
    r = staff.post(f"/feedback/office/{c.pk}/answer/", {"answer-version": c.row_version,
                                                        "answer-note": "Đã giảm yêu cầu bản sao."})
    assert r.status_code == 302
    c.refresh_from_db()
    assert c.status == "answered" and c.answer == "Đã giảm yêu cầu bản sao."
    page = citizen.get(f"/feedback/mine/{c.pk}/").content.decode()
    assert "Đã giảm yêu cầu bản sao." in page and 'id="fb-rate"' in page
    r = citizen.post(f"/feedback/mine/{c.pk}/rate/", {"satisfied": "0", "criteria": ["timely"], "comment": "Chưa rõ"})
    assert r.status_code == 302
    c.refresh_from_db()
    assert (c.satisfied, c.rating_criteria, c.rating_comment) == (False, {"timely": True}, "Chưa rõ")
    assert 'id="fb-rate"' not in citizen.get(f"/feedback/mine/{c.pk}/").content.decode()
    # the photo: its sender and the unit's staff may open it, nobody else
    f = c.files.get()
    assert citizen.get(f"/feedback/files/{c.pk}/{f.pk}/").status_code == 200
    assert client_of("citizen2").get(f"/feedback/files/{c.pk}/{f.pk}/").status_code == 404


def test_a_form_error_is_shown_next_to_its_field(client, world, now):  # noqa: ANN001
    r = _send(client, sender_name="", sender_phone="")
    assert r.status_code == 422
    assert "Vui lòng nhập họ tên, hoặc chọn gửi ẩn danh." in r.content.decode()
    assert Case.objects.count() == 0
    r = _send(client, sender_name="", sender_phone="", anonymous="on")
    assert r.status_code == 302 and Case.objects.get().anonymous


def test_staff_see_only_their_units_cases(client_of, world, now):  # noqa: ANN001
    from motcua.feedback import services as fsvc

    a = fsvc.submit(None, fsvc.Submission("PA-DONVI", "Xã A", anonymous=True, unit_id=world.communes["a"].pk))
    b = fsvc.submit(None, fsvc.Submission("PA-DONVI", "Xã B", anonymous=True, unit_id=world.communes["b"].pk))
    page = client_of("specialist_a").get("/feedback/office/").content.decode()
    assert a.code in page and b.code not in page
    assert client_of("specialist_a").get(f"/feedback/office/{b.pk}/").status_code == 404
    assert client_of("citizen").get(f"/feedback/mine/{a.pk}/").status_code == 404


def test_counter_and_box_entry(client_of, world, now):  # noqa: ANN001
    staff = client_of("specialist_a")
    assert staff.get("/feedback/office/new/").status_code == 200
    r = staff.post("/feedback/office/new/", {"channel": "box", "urgency": "urgent", "category": "PA-CANBO",
                                            "description": "Cán bộ đến muộn", "anonymous": "on",
                                            "unit": world.communes["a"].pk})
    assert r.status_code == 302, r.content.decode()[:3000]
    c = Case.objects.get()
    assert (c.channel, c.urgency, c.unit, c.anonymous) == ("box", "urgent", world.communes["a"], True)
    # a citizen cannot claim a staff channel
    from motcua.domain.errors import ValidationFailed
    from motcua.feedback import services as fsvc

    with pytest.raises(ValidationFailed) as e:
        fsvc.submit(world.actor("citizen"), fsvc.Submission("PA-CANBO", "x", anonymous=True, channel="box"))
    assert e.value.fields == {"channel": "staff only"}


def test_the_figures_page_and_the_excel_list(client_of, world, now):  # noqa: ANN001
    from motcua.feedback import handling as h
    from motcua.feedback import services as fsvc

    c = fsvc.submit(None, fsvc.Submission("PA-DONVI", "Xã A", anonymous=True, unit_id=world.communes["a"].pk))
    h.answer(world.actor("specialist_a"), c.pk, "Đã sửa")
    leader = client_of("monitor")
    page = leader.get("/feedback/office/report/").content.decode()
    assert "fb-figures" in page and world.communes["a"].name in page
    drill = leader.get(f"/feedback/office/report/?unit={world.communes['a'].code}&figure=handled").content.decode()
    assert c.code in drill
    r = leader.get(f"/feedback/office/export.xlsx?unit={world.province.code}")
    assert r.status_code == 200
    ws = openpyxl.load_workbook(io.BytesIO(r.content)).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[1][0] == "Mã phản ánh" and rows[2][0] == c.code and rows[2][16] == "Đã sửa"
    assert client_of("specialist_a").get("/feedback/office/report/").status_code == 403


def test_the_queue_pages_without_counting_the_history(client_of, world, now):  # noqa: ANN001
    from motcua.feedback import services as fsvc

    codes = [fsvc.submit(None, fsvc.Submission("PA-DONVI", f"Ghế {i}", anonymous=True,
                                               unit_id=world.communes["a"].pk)).code for i in range(27)]
    staff = client_of("specialist_a")
    first = staff.get("/feedback/office/?tab=open").content.decode()
    assert sum(code in first for code in codes) == 25 and 'rel="next"' in first
    assert 'data-tab="open">Đang xử lý (27)' in first
    second = staff.get("/feedback/office/?tab=open&page=2").content.decode()
    assert sum(code in second for code in codes) == 2 and 'rel="next"' not in second and "Trang trước" in second


def test_published_answers_are_public_without_the_senders_data(client, world, now):  # noqa: ANN001
    from motcua.feedback import handling as h
    from motcua.feedback import services as fsvc

    def case(text: str):  # noqa: ANN202
        return fsvc.submit(None, fsvc.Submission("PA-DONVI", text, sender_name="Phạm Thị D", sender_phone="0911222333",
                                                 unit_id=world.communes["a"].pk))

    published, answered = case("Máy lấy số hỏng"), case("Thiếu ghế")
    for c in (published, answered):
        h.answer(world.actor("specialist_a"), c.pk, f"Đã sửa: {c.description}")
    h.publish(world.actor("leader_a"), published.pk)
    listing = client.get("/feedback/answers/").content.decode()
    assert published.code in listing and answered.code not in listing
    page = client.get(f"/feedback/answers/{published.code}/").content.decode()
    assert "Đã sửa: Máy lấy số hỏng" in page and "Phạm Thị D" not in page and "0911222333" not in page
    assert client.get(f"/feedback/answers/{answered.code}/").status_code == 404
