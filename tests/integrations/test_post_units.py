"""The postal mapping (pure), the dossier page's postal section, the re-order button, the admin's
code import and the demo's postal history (consistent with the dossiers' events)."""

from __future__ import annotations

import io
from datetime import datetime

import pytest
from django.template.loader import render_to_string

from motcua.dossiers import services as svc
from motcua.integrations.post import demo, mapping, services
from motcua.integrations.post.models import ItemCode, Kind, OrderState, PostalOrder, TrackingEvent
from tests.factories import finished

ADDRESS = "5 Hùng Vương, Đà Lạt"


# ---- mapping ----------------------------------------------------------------------------------

def test_s10_check_digits_follow_the_upu_standard():
    assert mapping.s10_check_digit("47312482") == 9  # RR473124829GB, the UPU's own example
    assert mapping.item_code("EB", 1) == "EB000000014VN"
    assert mapping.valid_item_code("EB000000014VN")
    assert not mapping.valid_item_code("EB000000015VN") and not mapping.valid_item_code("eb000000014VN")
    assert not mapping.valid_item_code("EB00000014VN")


@pytest.mark.parametrize(("current", "new", "moves"), [
    (0, 1, True), (1, 2, True), (2, 3, True), (1, 3, True), (2, 4, True),
    (2, 1, False), (3, 2, False), (3, 4, False), (4, 3, False), (2, 2, False), (1, 9, False),
])
def test_a_status_never_moves_an_order_backwards_and_the_first_final_one_wins(current, new, moves):  # noqa: ANN001
    assert mapping.moves_forward(current, new) is moves


def test_the_order_body_carries_every_field_within_the_posts_limits():
    body = mapping.order_body(customer_code="C", service=mapping.SERVICE_DELIVERY, order_number="N", item_code="I",
                              cod_amount=2000, sender=mapping.Party("UBND", "1 A", "02633", province="68"),
                              receiver=mapping.Party("An", "x" * 600, email="a@b.vn"), sender_desc="d" * 2000,
                              description="Phát kết quả")
    assert body["CODAmount"] == 2000 and body["SenderProvince"] == "68" and body["ReceiverEmail"] == "a@b.vn"
    assert len(body["ReceiverAddress"]) == 500 and body["ReceiverAddress"].endswith("…")
    assert len(body["SenderDesc"]) == 1000 and body["Description"] == "Phát kết quả"
    assert mapping.components_text([("Tờ khai", 1, 0), ("CMND", 0, 2), ("Ảnh", 0, 0)]) == (
        "Tờ khai (1 bản chính); CMND (2 bản sao); Ảnh")


def test_a_tracking_row_is_read_leniently_and_an_unusable_one_refused():
    row = mapping.parse_tracking({"id": "7", "orderNumber": "N", "itemCode": "I", "statusCode": "3",
                                  "time": "02/12/2026 09:30:00"})
    assert (row.id, row.status, row.message) == (7, 3, "Đã phát thành công")
    assert row.at == datetime(2026, 12, 2, 9, 30, tzinfo=mapping.LOCAL)
    assert mapping.parse_tracking({"id": 1, "statusCode": 1, "time": "hôm qua"}).at is None
    with pytest.raises(ValueError, match="unusable"):
        mapping.parse_tracking({"id": 1, "statusCode": "?"})


# ---- the pages --------------------------------------------------------------------------------

@pytest.fixture
def post_on(monkeypatch: pytest.MonkeyPatch):  # noqa: ANN201
    """The integration on (no call leaves: nothing here runs the worker)."""
    import dataclasses

    from motcua.integrations.post import jobs

    monkeypatch.setattr(jobs, "SETTINGS", dataclasses.replace(jobs.SETTINGS, url="http://127.0.0.1:9"))


def cancelled_delivery(world) -> PostalOrder:  # noqa: ANN001
    req = world.intake_request("a", result_delivery="post")
    req.applicant.address = ADDRESS
    d = svc.intake(world.actor("counter_a"), req)
    svc.start(world.actor("counter_a"), d.pk)
    finished(world, d.pk)
    order = PostalOrder.objects.get(dossier=d)
    ItemCode.objects.create(code="EB000000014VN", allocated_at=order.created_at)
    services.take_code(order)
    services._created(order)
    for i, status in enumerate((1, 2, 4), start=1):
        services.apply_row(mapping.TrackingRow(i, d.code, order.item_code, status, f"bước {i}", None))
    order.refresh_from_db()
    return order


def test_the_dossier_page_section_shows_the_orders_tracking_and_the_reorder_button(world, post_on):  # noqa: ANN001
    order = cancelled_delivery(world)
    assert order.state == OrderState.CANCELLED
    d = order.dossier
    html = render_to_string("post/_dossier_orders.html", {"postal": services.page_status(world.actor("counter_a"), d)})
    assert "EB000000014VN" in html and "Đã hủy" in html and "bước 2" in html
    assert f"/office/post/dossiers/{d.pk}/reorder/" in html
    as_monitor = render_to_string("post/_dossier_orders.html",
                                  {"postal": services.page_status(world.actor("monitor"), d)})
    assert "reorder" not in as_monitor
    counter_only = world.intake_request("b")
    assert services.page_status(world.actor("counter_b"), svc.intake(world.actor("counter_b"), counter_only)) is None


def test_the_office_dossier_page_shows_the_postal_section(world, post_on, client_of):  # noqa: ANN001
    order = cancelled_delivery(world)
    html = client_of("counter_a").get(f"/office/dossiers/{order.dossier_id}/").content.decode()
    assert 'id="postal"' in html and "EB000000014VN" in html and "Hành trình bưu gửi" in html
    assert f"/office/post/dossiers/{order.dossier_id}/reorder/" in html
    plain = svc.intake(world.actor("counter_a"), world.intake_request("a"))
    assert 'id="postal"' not in client_of("counter_a").get(f"/office/dossiers/{plain.pk}/").content.decode()


def test_the_reorder_button_orders_again_for_staff_of_the_dossier_only(world, post_on, client_of):  # noqa: ANN001
    order = cancelled_delivery(world)
    url = f"/office/post/dossiers/{order.dossier_id}/reorder/"
    assert client_of("monitor").post(url).status_code == 302
    assert PostalOrder.objects.filter(dossier_id=order.dossier_id).count() == 1
    assert client_of("counter_b").post(url).status_code == 404
    assert client_of("counter_a").post(url).status_code == 302
    again = PostalOrder.objects.filter(dossier_id=order.dossier_id, state=OrderState.QUEUED).get()
    assert again.kind == Kind.DELIVERY and again.receiver["address"] == ADDRESS
    assert client_of("counter_a").get(url).status_code == 405


def test_the_admin_imports_allocated_codes_and_refuses_malformed_ones(world, client):  # noqa: ANN001
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.create_superuser("root", password="root-password-123"))
    url = "/admin/post/itemcode/import/"
    assert "Mã không đúng dạng S10" in client.post(url, {"codes": "EB000000015VN"}).content.decode()
    assert client.post(url, {"codes": "eb000000014vn\nEB000000028VN\nEB000000014VN"}).status_code == 302
    assert sorted(ItemCode.objects.values_list("code", flat=True)) == ["EB000000014VN", "EB000000028VN"]
    assert "Kho mã bưu gửi đã hết" not in client.get("/admin/post/itemcode/").content.decode()


# ---- the demo -------------------------------------------------------------------------------

def test_the_demo_history_has_pickups_and_returns_timed_by_the_dossiers_events(world):  # noqa: ANN001
    req = world.intake_request("a", channel=3)
    req.applicant.address = ADDRESS
    sent = svc.intake(svc.Actor.system_actor(), req)
    svc.receive(world.actor("counter_a"), sent.pk)
    waiting = svc.intake(svc.Actor.system_actor(), world.intake_request("a", channel=3))  # not arrived yet
    ret = svc.intake(world.actor("counter_b"), world.intake_request("b", result_delivery="post"))
    svc.start(world.actor("counter_b"), ret.pk)
    finished(world, ret.pk, "b")
    svc.return_result(world.actor("counter_b"), ret.pk, method="post", postal_code=demo.history_code(1))
    out = io.StringIO()
    demo.prepare(out)
    assert "1 đơn thu gom hồ sơ và 1 đơn phát kết quả" in out.getvalue()
    pickup = PostalOrder.objects.get(dossier=sent)
    events = {e.action: e.at for e in sent.events.all()}
    times = [t.reported_at for t in pickup.tracking.all()]
    assert pickup.kind == Kind.PICKUP and pickup.status == mapping.DELIVERED
    assert events["submit"] <= times[0] < times[1] < times[2] <= events["receive"]
    delivery = PostalOrder.objects.get(dossier=ret)
    returned = ret.events.get(action="return")
    assert delivery.item_code == returned.data["postal_code"] and delivery.status_at <= returned.at
    assert not PostalOrder.objects.filter(dossier=waiting).exists()
    demo.prepare(io.StringIO())  # again: nothing doubled
    assert PostalOrder.objects.count() == 2 and TrackingEvent.objects.count() == 6
