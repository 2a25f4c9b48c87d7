"""The postal service on the pages (Django test client, real services, real outbox): the citizen's
dossier page shows their orders and tracking and offers "Gửi hồ sơ giấy qua bưu điện" for an
online dossier whose originals are awaited; the counter's intake form registers a dossier sent by
post (channel 3, not yet received) with its pick-up ordered; the figures page counts by post."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from motcua.catalog.choices import Channel
from motcua.catalog.models import Component
from motcua.domain.lifecycle import Status
from motcua.dossiers import services as svc
from motcua.dossiers.models import Dossier
from motcua.integrations.post import jobs, mapping, services
from motcua.integrations.post.models import Kind, OrderState, PostalOrder
from motcua.jobs.models import OutboxMessage
from tests.factories import finished

pytestmark = pytest.mark.django_db
ADDRESS = "12 Trần Phú, phường 3, Đà Lạt"


@pytest.fixture
def post_on(monkeypatch: pytest.MonkeyPatch) -> None:
    """The integration on (orders are queued in the outbox; nothing is sent in these tests)."""
    monkeypatch.setattr(jobs, "SETTINGS", dataclasses.replace(jobs.load_settings({}), url="http://127.0.0.1:9"))


def online_dossier(world: Any, **over: Any) -> Dossier:  # noqa: ANN401
    """A birth registration the citizen submitted online (its form is an original: papers awaited)."""
    req = world.intake_request("a", channel=Channel.ONLINE, owner_id=world.users["citizen"].pk, **over)
    return svc.intake(world.actor("citizen"), req)


def _page(client_of: Any, d: Dossier, who: str = "citizen") -> str:  # noqa: ANN401
    r = client_of(who).get(f"/portal/dossiers/{d.pk}/")
    assert r.status_code == 200
    return r.content.decode()


# ---- the citizen's dossier page ---------------------------------------------------------------

def test_a_result_by_post_is_ordered_at_finish_and_shown_with_its_tracking(world, post_on, client_of):  # noqa: ANN001
    d = online_dossier(world, result_delivery="post")
    Dossier.objects.filter(pk=d.pk).update(applicant_address=ADDRESS)
    html = _page(client_of, d)
    assert 'id="post"' in html and "Kết quả sẽ được Bưu điện phát đến địa chỉ của bạn" in html
    svc.receive(world.actor("counter_a"), d.pk)
    svc.start(world.actor("counter_a"), d.pk)
    finished(world, d.pk)
    order = PostalOrder.objects.get(dossier=d)
    assert order.kind == Kind.DELIVERY and order.state == OrderState.QUEUED and order.receiver["address"] == ADDRESS
    html = _page(client_of, d)
    assert f'id="post-order-{order.pk}"' in html and "Phát kết quả" in html and "Chờ gửi Bưu điện" in html
    # the post takes it and reports it delivered: the page shows the code, the tracking and the return
    services.add_codes([mapping.item_code("EB", 7)])
    services.take_code(order)
    services._created(order)
    for i, status in enumerate((mapping.COLLECTING, mapping.DELIVERED), start=1):
        row = mapping.TrackingRow(i, d.code, mapping.item_code("EB", 7), status, f"Bưu tá: bước {i}", None)
        services.apply_row(row)
    html = _page(client_of, d)
    assert mapping.item_code("EB", 7) in html and "Bưu tá: bước 2" in html and "Đã phát thành công" in html
    assert "Đã trả kết quả" in html
    assert Dossier.objects.get(pk=d.pk).status == Status.RETURNED


def test_the_citizen_sends_the_originals_by_post_from_their_address(world, post_on, client_of):  # noqa: ANN001
    d = online_dossier(world)
    html = _page(client_of, d)
    assert "Gửi hồ sơ giấy qua bưu điện" in html and f"/office/post/portal/dossiers/{d.pk}/pickup/" in html
    url = f"/office/post/portal/dossiers/{d.pk}/pickup/"
    assert client_of("citizen2").post(url, {"address": ADDRESS}).status_code == 404  # not theirs
    assert client_of("citizen").get(url).status_code == 405
    assert not PostalOrder.objects.exists()
    r = client_of("citizen").post(url, {"address": ADDRESS, "phone": "0912345678"})
    assert r.status_code == 302 and r["Location"] == f"/portal/dossiers/{d.pk}/"
    order = PostalOrder.objects.get(dossier=d)
    assert order.kind == Kind.PICKUP and order.state == OrderState.QUEUED
    assert order.sender["address"] == ADDRESS and order.sender["phone"] == "0912345678"
    assert order.receiver["name"] == d.receiving_unit.name
    assert "Tờ khai đăng ký khai sinh (1 bản chính)" in order.sender_desc
    assert OutboxMessage.objects.filter(destination=jobs.DESTINATION, key=f"post.order:{order.pk}").exists()
    html = client_of("citizen").get(r["Location"]).content.decode()
    assert "Bưu điện sẽ đến" in html and "Thu gom hồ sơ" in html and 'id="post-pickup"' not in html
    client_of("citizen").post(url, {"address": ADDRESS})  # again: still one order
    assert PostalOrder.objects.filter(dossier=d).count() == 1


def test_no_pick_up_is_offered_without_originals_nor_while_the_post_is_off(world, post_on, client_of,  # noqa: ANN001
                                                                         monkeypatch):
    d = online_dossier(world)
    d.components.update(originals=0)
    assert 'id="post-pickup"' not in _page(client_of, d)
    r = client_of("citizen").post(f"/office/post/portal/dossiers/{d.pk}/pickup/", {"address": ADDRESS})
    assert r.status_code == 302 and not PostalOrder.objects.exists()
    assert "hồ sơ này không cần gửi hồ sơ giấy qua bưu điện" in client_of("citizen").get(r["Location"]).content.decode()
    other = online_dossier(world)
    monkeypatch.setattr(jobs, "SETTINGS", dataclasses.replace(jobs.SETTINGS, url=""))
    assert 'id="post"' not in _page(client_of, other)  # nothing by post for it
    client_of("citizen").post(f"/office/post/portal/dossiers/{other.pk}/pickup/", {"address": ADDRESS})
    assert not PostalOrder.objects.exists()


def test_an_empty_address_is_refused_with_a_reason(world, post_on, client_of):  # noqa: ANN001
    d = online_dossier(world)
    r = client_of("citizen").post(f"/office/post/portal/dossiers/{d.pk}/pickup/", {"address": "  "})
    assert not PostalOrder.objects.exists()
    assert "cần địa chỉ để Bưu điện đến nhận hồ sơ" in client_of("citizen").get(r["Location"]).content.decode()


# ---- the counter ------------------------------------------------------------------------------

def _intake_form(world: Any, **over: Any) -> dict[str, Any]:  # noqa: ANN401
    comps = Component.objects.filter(version__procedure__code="1.001193", version__effective_to__isnull=True)
    data: dict[str, Any] = {
        "procedure": "1.001193", "receiving_unit": world.commune_centres["a"].pk,
        "handling_unit": world.communes["a"].pk, "applicant_type": 0, "applicant_name": "Phạm Thị Hoa",
        "applicant_id_number": "068199000111", "applicant_phone": "0987654321", "applicant_email": "",
        "applicant_address": "5 Trần Hưng Đạo", "representative_name": "", "representative_phone": "",
        "request_summary": "Đăng ký khai sinh cho con", "result_delivery": "post",
    }
    for c in comps:
        if c.required:
            data[f"c{c.pk}"] = "on"
        data.update({f"c{c.pk}_originals": 1, f"c{c.pk}_copies": 0})
    return data | over


def test_the_counter_registers_a_dossier_sent_by_post_and_receives_it_when_it_arrives(world, post_on,  # noqa: ANN001
                                                                                     client_of, now):
    c = client_of("counter_a")
    html = c.get("/office/intake/", {"procedure": "1.001193"}).content.decode()
    assert 'id="post-intake"' in html and 'formaction="/office/post/register/"' in html
    r = c.post("/office/post/register/", _intake_form(world, **{"post-address": ADDRESS}))
    assert r.status_code == 302, r.content.decode()[:2000]
    d = Dossier.objects.get()
    assert r["Location"] == f"/office/dossiers/{d.pk}/"
    assert (d.channel, d.status, d.result_delivery, d.received_at) == (Channel.POST, Status.NEW, "post", None)
    order = PostalOrder.objects.get(dossier=d)
    assert order.kind == Kind.PICKUP and order.sender["address"] == ADDRESS and order.sender["name"] == "Phạm Thị Hoa"
    page = c.get(r["Location"]).content.decode()
    assert 'id="postal"' in page and "Thu gom hồ sơ" in page
    # the parcel arrives: the page says so, and the counter receives the dossier
    services.add_codes([mapping.item_code("EB", 9)])
    services.take_code(order)
    services._created(order)
    services.apply_row(mapping.TrackingRow(1, d.code, order.item_code, mapping.DELIVERED, "Đã phát", None))
    assert "kiểm tra và tiếp nhận hồ sơ" in c.get(r["Location"]).content.decode()
    assert svc.receive(world.actor("counter_a"), d.pk).status == Status.RECEIVED
    # the address left empty: the applicant's own
    c.post("/office/post/register/", _intake_form(world, applicant_id_number="068199000222"))
    assert PostalOrder.objects.filter(kind=Kind.PICKUP).order_by("-pk").first().sender["address"] == "5 Trần Hưng Đạo"


def test_a_registration_the_form_refuses_changes_nothing(world, post_on, client_of, now):  # noqa: ANN001
    r = client_of("counter_a").post("/office/post/register/", _intake_form(world, applicant_name=""))
    assert r.status_code == 422 and 'id="post-intake"' in r.content.decode()
    r = client_of("counter_a").post("/office/post/register/", _intake_form(world, applicant_address=""))
    assert r.status_code == 422  # no address to collect from: rolled back whole
    assert not Dossier.objects.exists() and not PostalOrder.objects.exists()
    assert client_of("citizen").post("/office/post/register/", _intake_form(world)).status_code == 403
    assert not Dossier.objects.exists()


def test_the_intake_offers_no_postal_registration_while_the_post_is_off(world, client_of, now):  # noqa: ANN001
    html = client_of("counter_a").get("/office/intake/", {"procedure": "1.001193"}).content.decode()
    assert 'id="post-intake"' not in html


def test_the_figures_page_counts_by_post_in_the_units_one_sees(world, post_on, client_of, now):  # noqa: ANN001
    req = world.intake_request("a", channel=3)
    req.applicant.address = ADDRESS
    d = services.register_by_post(world.actor("counter_a"), req)
    d = svc.receive(world.actor("counter_a"), d.pk)
    b = svc.intake(world.actor("counter_b"), world.intake_request("b", result_delivery="post"))
    svc.start(world.actor("counter_b"), b.pk)
    finished(world, b.pk, "b")
    svc.return_result(world.actor("counter_b"), b.pk, method="post", postal_code=mapping.item_code("EB", 3))
    year = str(d.received_at.year)

    def figures(who: str) -> tuple[str, str]:
        html = client_of(who).get("/office/post/").content.decode()
        return (html.split('id="post-received">')[1].split("<")[0], html.split('id="post-returned">')[1].split("<")[0])

    assert figures("monitor") == ("1", "1") and year in client_of("monitor").get("/office/post/").content.decode()
    assert figures("counter_a") == ("1", "0") and figures("counter_b") == ("0", "1")
    assert client_of("citizen").get("/office/post/").status_code == 403
