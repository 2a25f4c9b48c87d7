"""The dossier page: what it shows, who may open it, the actions offered and what they do."""

from __future__ import annotations

import re

import pytest

from motcua.dossiers import services as svc
from tests.factories import attach_result
from tests.office.conftest import snapshot

pytestmark = pytest.mark.django_db


def _actions(html: str, pk: int) -> set[str]:
    return set(re.findall(rf'action="/office/dossiers/{pk}/([a-z_]+)/"', html)) - {"files"}  # the upload form


def _post(client, d, action: str, **data):  # noqa: ANN001, ANN003, ANN202
    payload = {f"{action}-{k}": v for k, v in {"version": d.row_version, **data}.items()}
    return client.post(f"/office/dossiers/{d.pk}/{action}/", payload)


def test_page_shows_applicant_components_timeline_step_and_explained_deadline(client_of, desk) -> None:  # noqa: ANN001
    d = desk.at_step(2)
    html = client_of("specialist_a").get(f"/office/dossiers/{d.pk}/").content.decode()
    for text in (d.code, "Nguyễn Văn An", "Tờ khai đăng ký khai sinh", "Giấy chứng sinh",
                 "Tiếp nhận trực tiếp", "Chuyển xử lý", "Chuyển bước", "Đã tiếp nhận → Đang xử lý",
                 "Thẩm định", "Tiếp nhận lúc 09:00 10/09/2025.", "Hạn giải quyết: 09:00 11/09/2025",
                 "Đang xử lý trong hạn"):
        assert text in html, text
    # step quotas read like every other duration (one formatter): "4 giờ làm việc", never "4.00 giờ"
    assert "4 giờ làm việc" in html and "4.00" not in html and "4,00 giờ" not in html
    headings = re.findall(r"<h([1-6])", html)
    assert headings[0] == "1" and all(int(b) - int(a) <= 1 for a, b in zip(headings, headings[1:], strict=False))


def test_officer_of_another_commune_gets_404(client_of, desk) -> None:  # noqa: ANN001
    d = desk.received("a")
    assert client_of("counter_b").get(f"/office/dossiers/{d.pk}/").status_code == 404
    assert _post(client_of("counter_b"), d, "start").status_code == 404
    assert client_of("counter_a").get("/office/dossiers/999999/").status_code == 404


def test_only_the_allowed_actions_are_offered(client_of, desk) -> None:  # noqa: ANN001
    new = desk.registered()
    assert _actions(client_of("counter_a").get(f"/office/dossiers/{new.pk}/").content.decode(), new.pk) == {
        "receive", "refuse", "request_supplement", "withdraw"}
    assert _actions(client_of("specialist_a").get(f"/office/dossiers/{new.pk}/").content.decode(), new.pk) == {
        "request_supplement"}
    html = client_of("monitor").get(f"/office/dossiers/{new.pk}/").content.decode()
    assert _actions(html, new.pk) == set() and "Hồ sơ đang chờ bộ phận một cửa tiếp nhận." in html
    at_approval = desk.at_step(3)
    html = client_of("leader_a").get(f"/office/dossiers/{at_approval.pk}/").content.decode()
    # the approval step is left by approving; finishing waits for it (and the page says why)
    assert _actions(html, at_approval.pk) == {"request_supplement", "request_payment", "extend", "stop",
                                              "approve", "send_back", "claim", "assign"}
    assert "Hồ sơ chưa qua các bước bắt buộc: 3. Phê duyệt." in html


def test_receive_then_start_through_the_page(client_of, desk) -> None:  # noqa: ANN001
    d = desk.registered()
    c = client_of("counter_a")
    r = _post(c, d, "receive", note="Đủ giấy tờ")
    assert r.status_code == 302 and r["Location"] == f"/office/dossiers/{d.pk}/"
    d.refresh_from_db()
    assert d.status == 2 and d.events.last().note == "Đủ giấy tờ"
    assert "Đã thực hiện: Tiếp nhận." in c.get(r["Location"]).content.decode()
    assert _post(c, d, "start").status_code == 302
    d.refresh_from_db()
    assert d.status == 4 and d.current_step.order == 1


def test_refuse_a_registered_online_dossier_needs_a_reason(client_of, desk) -> None:  # noqa: ANN001
    d = desk.registered()
    c = client_of("counter_a")
    before = snapshot(d)
    r = _post(c, d, "refuse", reason="   ")
    assert r.status_code == 422 and "Vui lòng kiểm tra lại" in r.content.decode()
    assert snapshot(d) == before
    assert _post(c, d, "refuse", reason="Không thuộc thẩm quyền").status_code == 302
    d.refresh_from_db()
    assert d.status == 3 and d.events.last().data == {"reason": "Không thuộc thẩm quyền"}


def test_stale_version_shows_a_reload_message_and_changes_nothing(client_of, desk, world) -> None:  # noqa: ANN001
    d = desk.at_step(2)
    seen = d.row_version
    svc.request_supplement(world.actor("specialist_a"), d.pk, "Thiếu giấy tờ")
    svc.supplement(world.actor("counter_a"), d.pk)  # back to processing: the action is legal again
    before = snapshot(d)
    r = client_of("leader_a").post(f"/office/dossiers/{d.pk}/forward/",
                                   {"forward-version": seen, "forward-to_step": 3})
    html = r.content.decode()
    assert r.status_code == 409
    assert "vừa được người khác thay đổi" in html and "Tải lại hồ sơ" in html
    assert snapshot(d) == before


def test_domain_error_is_a_friendly_message_and_changes_nothing(client_of, desk) -> None:  # noqa: ANN001
    d = desk.at_step(2)
    before = snapshot(d)
    r = _post(client_of("specialist_a"), d, "extend", reason="Cần xác minh",
              new_appointment="2025-09-01T09:00")  # in the past
    html = r.content.decode()
    assert r.status_code == 422
    assert "Thời hạn hẹn lại phải sau thời điểm hiện tại" in html
    assert snapshot(d) == before


def test_action_not_legal_in_the_status_is_refused_politely(client_of, desk) -> None:  # noqa: ANN001
    d = desk.received()
    before = snapshot(d)
    r = _post(client_of("counter_a"), d, "receive")  # already received
    assert r.status_code == 409
    assert "Không thể thực hiện thao tác này ở trạng thái hiện tại" in r.content.decode()
    r = _post(client_of("counter_a"), d, "finish")  # not the counter's action
    assert r.status_code == 403 and "không có quyền" in r.content.decode()
    assert snapshot(d) == before
    assert _post(client_of("counter_a"), d, "no_such_action").status_code == 404


def test_leader_approves_and_counter_returns(client_of, desk, world) -> None:  # noqa: ANN001
    d = desk.at_step(3)
    attach_result(world, d.pk)
    assert _post(client_of("leader_a"), d, "approve", note="Đồng ý").status_code == 302
    d.refresh_from_db()
    html = client_of("leader_a").get(f"/office/dossiers/{d.pk}/").content.decode()
    assert "approve" not in _actions(html, d.pk) and "finish" in _actions(html, d.pk)  # no second approval
    assert "chờ hoàn thành xử lý" in html
    assert _post(client_of("leader_a"), d, "finish", note="Đã ký").status_code == 302
    d.refresh_from_db()
    assert d.status == 9
    assert _post(client_of("counter_a"), d, "return", method="counter").status_code == 302
    d.refresh_from_db()
    assert d.status == 10
    html = client_of("counter_a").get(f"/office/dossiers/{d.pk}/").content.decode()
    assert "Đã trả kết quả" in html and "Kết luận:" in html


def test_leader_sends_back_to_an_earlier_step_with_a_note(client_of, desk) -> None:  # noqa: ANN001
    d = desk.at_step(3)
    assert _post(client_of("leader_a"), d, "forward", to_step=2, note="Xem lại giấy chứng sinh").status_code == 302
    d.refresh_from_db()
    assert d.current_step.order == 2 and d.events.last().note == "Xem lại giấy chứng sinh"


def test_request_supplement_and_receive_it(client_of, desk) -> None:  # noqa: ANN001
    d = desk.at_step(2)
    assert _post(client_of("specialist_a"), d, "request_supplement", reason="Thiếu",
                 items="Giấy chứng sinh\n\nCCCD").status_code == 302
    d.refresh_from_db()
    assert d.status == 5 and d.events.last().data["items"] == ["Giấy chứng sinh", "CCCD"]
    assert _post(client_of("counter_a"), d, "supplement", note="Đã nhận").status_code == 302
    d.refresh_from_db()
    assert d.status == 4


def test_the_page_says_why_an_action_is_not_offered(client_of, desk) -> None:  # noqa: ANN001
    received = desk.received()
    html = client_of("specialist_a").get(f"/office/dossiers/{received.pk}/").content.decode()
    assert "start" not in _actions(html, received.pk)
    assert "Hồ sơ đang chờ bộ phận một cửa chuyển xử lý." in html
    at_check = desk.at_step(2)
    html = client_of("leader_a").get(f"/office/dossiers/{at_check.pk}/").content.decode()
    assert not {"approve", "finish"} & _actions(html, at_check.pk)  # the leader's step comes later
    assert "Hồ sơ chưa qua các bước bắt buộc: 3. Phê duyệt." in html
    assert "Bước 2/3" in html and "chưa có người nhận xử lý" in html


def test_claim_and_hand_over_on_the_page(client_of, desk, world) -> None:  # noqa: ANN001
    from motcua.units.choices import Role
    from tests.factories import _user

    colleague = _user("specialist_a2", world.communes["a"], Role.SPECIALIST, last_name="Đỗ Thị", first_name="Lan")
    d = desk.at_step(2)
    c = client_of("specialist_a")
    assert "claim" in _actions(c.get(f"/office/dossiers/{d.pk}/").content.decode(), d.pk)
    assert _post(c, d, "claim", note="Tôi xử lý").status_code == 302
    d.refresh_from_db()
    assert d.holder_id == world.users["specialist_a"].pk
    html = c.get(f"/office/dossiers/{d.pk}/").content.decode()
    assert "Nhận xử lý" in html and "hand_over" in _actions(html, d.pk) and "Đỗ Thị Lan" in html
    before = snapshot(d)
    r = _post(client_of("leader_a"), d, "claim")  # already held: refused with the reason, nothing changes
    assert r.status_code == 409 and "Bước này đã có người nhận xử lý" in r.content.decode()
    assert snapshot(d) == before
    assert _post(c, d, "hand_over", holder=colleague.pk).status_code == 302
    d.refresh_from_db()
    assert d.holder_id == colleague.pk
    r = _post(c, d, "forward", to_step=3)  # no longer the holder
    assert r.status_code == 403 and "Hồ sơ đang do Đỗ Thị Lan xử lý ở bước này." in r.content.decode()
