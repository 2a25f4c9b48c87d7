"""The public postal service against the real simulator server over HTTP, through the outbox and the
worker: a result chosen "by post" is ordered when the dossier is finished and returned (status 10,
with the item code) when the feed says it was delivered; a dossier sent by post is collected and
can then be received at the counter. After each failure mode motcua's orders and the post's agree:
no order twice, no status lost, none moved backwards."""

from __future__ import annotations

import dataclasses
import sys
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from django.db import transaction

from motcua.catalog.choices import Channel
from motcua.domain.errors import ValidationFailed
from motcua.domain.lifecycle import Action, Status
from motcua.dossiers import services as svc
from motcua.dossiers.models import Dossier
from motcua.integrations.post import jobs, mapping, services
from motcua.integrations.post.client import PostRejected
from motcua.integrations.post.models import ItemCode, Kind, OrderState, PostalOrder, TrackingCursor
from motcua.integrations.post.simulator import SIM_CUSTOMER
from motcua.jobs import outbox
from motcua.jobs.models import OutboxMessage
from motcua.jobs.models import Status as MessageStatus
from tests.factories import finished
from tests.integrations.conftest import Sim, start_simulator

pytestmark = pytest.mark.django_db
ADDRESS = "12 Trần Phú, phường 3, Đà Lạt"


@pytest.fixture(scope="module")
def post_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sim]:
    sim = start_simulator([sys.executable, "-m", "motcua.integrations.post.simulator"],
                          tmp_path_factory.mktemp("post") / "post.sqlite3")
    yield sim
    sim.http.close()
    sim.process.terminate()
    sim.process.wait(10)


@pytest.fixture
def post(post_server: Sim, monkeypatch: pytest.MonkeyPatch) -> Iterator[Sim]:
    """The integration on, pointed at an emptied simulator; 1 s timeouts, retries within 0.1 s, the
    tracking pull due at every worker run."""
    post_server.reset()
    monkeypatch.setattr(jobs, "SETTINGS", dataclasses.replace(jobs.load_settings({}), url=post_server.url,
                                                              read_timeout=1.0, connect_timeout=1.0, pool_refill=5,
                                                              track_every=0.0))
    monkeypatch.setattr(jobs, "_client", None)
    monkeypatch.setattr(outbox, "CONFIG", dataclasses.replace(outbox.CONFIG, jobs_backoff_base=0.02,
                                                              jobs_backoff_max=0.05, jobs_max_attempts=20))
    yield post_server
    if jobs._client is not None:
        jobs._client.close()


def advance(sim: Sim, item_code: str, *statuses: int) -> dict[str, Any]:
    return sim.http.post(f"{sim.url}/_sim/advance", json={"itemCode": item_code, "statuses": list(statuses)}).json()


def drain(until: float = 20.0) -> None:
    """Run the worker in this process until no postal message is pending (retries included)."""
    from motcua.jobs.worker import Worker

    deadline = time.monotonic() + until
    while True:
        Worker(worker_id="test", once=True, own_connections=False).run()
        if not OutboxMessage.objects.filter(destination=jobs.DESTINATION, status=MessageStatus.PENDING).exists():
            return
        if time.monotonic() > deadline:
            raise AssertionError("postal messages still pending")
        time.sleep(0.03)


def pull() -> int:
    return services.pull_tracking(jobs.client(), limit=3)


def assert_agree(sim: Sim) -> None:
    """The post holds exactly motcua's created orders (same number, service, code), each once,
    with the same parcel status once motcua has read the whole feed."""
    pull()
    state = sim.state()
    theirs = sorted((o["OrderNumber"], o["ServiceType"], o["ItemCode"], o["StatusCode"]) for o in state["orders"])
    ours = sorted((o.order_number, o.service, o.item_code, o.status) for o in PostalOrder.objects.filter(
        state__in=[OrderState.CREATED, OrderState.CANCELLED]))
    assert ours == theirs
    assert len({(n, s) for n, s, _, st in theirs if st != mapping.CANCELLED}) == len(
        [t for t in theirs if t[3] != mapping.CANCELLED])
    assert TrackingCursor.objects.get(name=services.FEED).last_id == state["tracking_rows"]


def by_post(world, commune: str = "a") -> Dossier:  # noqa: ANN001
    """A started dossier whose result goes by post, to an applicant with an address."""
    req = world.intake_request(commune, result_delivery="post")
    req.applicant.address = ADDRESS
    d = svc.intake(world.actor(f"counter_{commune}"), req)
    svc.start(world.actor(f"counter_{commune}"), d.pk)
    return d


def finish_by_post(world, commune: str = "a") -> Dossier:  # noqa: ANN001
    d = by_post(world, commune)
    finished(world, d.pk, commune)
    return d


def delivery_of(d: Dossier) -> PostalOrder:
    return PostalOrder.objects.get(dossier=d, kind=Kind.DELIVERY, state__in=[OrderState.QUEUED, OrderState.CREATED])


# ---- the happy paths ------------------------------------------------------------------------

def test_a_result_by_post_is_ordered_at_finish_and_returned_by_the_delivery_event(world, post):  # noqa: ANN001
    d = finish_by_post(world)
    order = delivery_of(d)
    assert order.state == OrderState.QUEUED and order.order_number == d.code
    drain()  # the worker creates the order (taking a code from the pool, refilled from the post)
    order.refresh_from_db()
    assert order.state == OrderState.CREATED and mapping.valid_item_code(order.item_code)
    sent = post.http.get(f"{post.url}/api/orders/{d.code}", params={"serviceType": mapping.SERVICE_DELIVERY},
                         headers={"Authorization": f"Bearer {jobs.client()._current_token()}"}).json()["Data"]
    assert sent["ReceiverName"] == "Nguyễn Văn An" and sent["ReceiverAddress"] == ADDRESS
    assert sent["SenderName"] == d.receiving_unit.name and sent["CustomerCode"] == SIM_CUSTOMER
    assert d.code in sent["SenderDesc"] and sent["CODAmount"] == 0
    advance(post, order.item_code, mapping.COLLECTING, mapping.DELIVERED)
    drain()  # the worker's periodic tracking pull
    d.refresh_from_db()
    assert d.status == Status.RETURNED and d.returned_at is not None
    ret = d.events.order_by("-seq").first()
    assert ret.action == Action.RETURN and ret.actor_name == services.SYSTEM_NAME
    assert ret.data == {"method": "post", "postal_code": order.item_code}
    assert order.item_code in ret.note
    # the order's progress as postal events (status kept at 9), the delivery just before the return
    trail = [(e.action, e.data.get("postal_status"), e.from_status, e.to_status)
             for e in d.events.filter(seq__gt=d.events.get(action="finish").seq).order_by("seq")]
    assert trail == [("postal", 1, 9, 9), ("postal", 2, 9, 9), ("postal", 3, 9, 9), ("return", None, 9, 10)]
    assert d.events.get(action="postal", data__postal_status=3).at == ret.at
    order.refresh_from_db()
    assert order.status == mapping.DELIVERED and [t.status for t in order.tracking.all()] == [1, 2, 3]
    assert_agree(post)


def test_a_rolled_back_finish_creates_no_order(world, post):  # noqa: ANN001
    d = by_post(world)
    with pytest.raises(RuntimeError), transaction.atomic():
        finished(world, d.pk)
        assert PostalOrder.objects.filter(dossier=d).exists()
        raise RuntimeError("rolled back")
    req = world.intake_request("a")
    req.applicant.address = ADDRESS
    with pytest.raises(RuntimeError), transaction.atomic():
        services.register_by_post(services.system(), req)
        raise RuntimeError("rolled back")
    assert not PostalOrder.objects.exists() and not Dossier.objects.filter(channel=Channel.POST).exists()
    assert not OutboxMessage.objects.filter(destination=jobs.DESTINATION).exists()
    drain()
    assert post.state()["orders"] == []


def test_nothing_is_ordered_while_the_integration_is_off_nor_for_a_counter_result(world, post, monkeypatch):  # noqa: ANN001
    d = world.intake_request("a")
    counter = svc.intake(world.actor("counter_a"), d)
    svc.start(world.actor("counter_a"), counter.pk)
    finished(world, counter.pk)
    monkeypatch.setattr(jobs, "SETTINGS", dataclasses.replace(jobs.SETTINGS, url=""))
    finish_by_post(world, "b")
    assert not PostalOrder.objects.exists()


def test_a_dossier_without_an_address_is_still_finished_and_the_order_can_follow(world, post):  # noqa: ANN001
    d = svc.intake(world.actor("counter_a"), world.intake_request("a", result_delivery="post"))
    svc.start(world.actor("counter_a"), d.pk)
    finished(world, d.pk)
    d.refresh_from_db()
    assert d.status == Status.PROCESSED and not PostalOrder.objects.exists()
    assert services.page_status(world.actor("counter_a"), d)["may_reorder"]
    with pytest.raises(ValidationFailed):
        services.reorder_delivery(world.actor("counter_a"), d.pk)
    Dossier.objects.filter(pk=d.pk).update(applicant_address=ADDRESS)  # corrected (no event: not a status)
    assert services.reorder_delivery(world.actor("counter_a"), d.pk).state == OrderState.QUEUED


def test_a_dossier_sent_by_post_is_collected_then_received_at_the_counter(world, post):  # noqa: ANN001
    req = world.intake_request("a")
    req.applicant.address = ADDRESS
    d = services.register_by_post(services.system(), req)
    assert d.channel == Channel.POST and d.status == Status.NEW
    order = PostalOrder.objects.get(dossier=d)
    assert order.kind == Kind.PICKUP and order.sender["address"] == ADDRESS
    assert order.receiver["name"] == d.receiving_unit.name
    assert "Tờ khai đăng ký khai sinh (1 bản chính)" in order.sender_desc
    drain()
    order.refresh_from_db()
    advance(post, order.item_code, mapping.COLLECTING)
    pull()
    advance(post, order.item_code, mapping.DELIVERED)
    pull()
    order.refresh_from_db()
    assert order.status == mapping.DELIVERED
    postal = list(d.events.filter(action="postal").order_by("seq"))
    assert [(e.data["postal"], e.data["postal_status"], e.from_status, e.to_status) for e in postal] == [
        ("pickup", 1, 1, 1), ("pickup", 2, 1, 1), ("pickup", 3, 1, 1)]
    assert all(e.data["postal_code"] == order.item_code and e.data["order_number"] == d.code for e in postal)
    assert "Đã lập đơn thu gom" in postal[0].note and "đã đến bộ phận một cửa" in postal[2].note
    assert all(e.actor_name == services.SYSTEM_NAME for e in postal)
    received = svc.receive(world.actor("counter_a"), d.pk)
    assert received.status == Status.RECEIVED and received.channel == Channel.POST
    assert_agree(post)


def test_asking_twice_gives_one_order(world, post):  # noqa: ANN001
    d = finish_by_post(world)
    d.refresh_from_db()
    again = services.order_delivery(d)
    assert again == delivery_of(d) and PostalOrder.objects.count() == 1
    assert OutboxMessage.objects.filter(destination=jobs.DESTINATION).count() == 1


# ---- failure modes --------------------------------------------------------------------------

@pytest.mark.parametrize("fault", [{"expire_tokens": True}, {"http_500": 3}, {"drop_reply": 1}])
def test_after_a_transport_fault_the_order_exists_once(world, post, fault):  # noqa: ANN001
    first = finish_by_post(world)
    drain()
    logins = post.state()["logins"]
    post.faults(**fault)
    second = finish_by_post(world, "b")
    drain()
    assert delivery_of(second).state == OrderState.CREATED
    assert delivery_of(first).item_code != delivery_of(second).item_code
    if "expire_tokens" in fault:
        assert post.state()["logins"] == logins + 1  # one new token, then the call repeated
    assert_agree(post)


def test_a_3_second_delay_times_out_and_the_retry_meets_its_own_order(world, post):  # noqa: ANN001
    services.refill(jobs.client(), 3)
    post.faults(delay=3)
    d = finish_by_post(world)
    head = OutboxMessage.objects.get(destination=jobs.DESTINATION)
    assert outbox.deliver_one(head.pk)[0] == "retry"
    assert "không trả lời kịp" in delivery_of(d).last_error
    post.faults(delay=None)
    time.sleep(3.2)  # the post finished the first call after all: the order is there
    drain()
    assert delivery_of(d).state == OrderState.CREATED
    assert len(post.state()["orders"]) == 1
    assert_agree(post)


def test_a_foreign_order_with_the_same_number_is_not_doubled(world, post):  # noqa: ANN001
    d = finish_by_post(world)
    c = jobs.client()
    foreign = c.allocate_codes(1)[0]
    c.create_order(mapping.order_body(customer_code=SIM_CUSTOMER, service=mapping.SERVICE_DELIVERY,
                                      order_number=d.code, item_code=foreign, cod_amount=0,
                                      sender=mapping.Party("Bưu cục", "1 Lê Lợi"), receiver=mapping.Party("X", "Y"),
                                      sender_desc="", description="đơn lập tại quầy bưu điện"))
    drain()
    order = PostalOrder.objects.get(dossier=d)
    assert order.state == OrderState.REFUSED and foreign in order.last_error
    assert order.item_code == "" and ItemCode.objects.filter(order__isnull=True).count() >= 1  # code given back
    assert OutboxMessage.objects.get(destination=jobs.DESTINATION).status == MessageStatus.DEAD
    assert [o["ItemCode"] for o in post.state()["orders"]] == [foreign]


def test_an_empty_pool_holds_the_order_with_a_clear_reason_until_codes_come(world, post, caplog):  # noqa: ANN001
    post.faults(empty_pool=True)
    d = finish_by_post(world)
    head = OutboxMessage.objects.get(destination=jobs.DESTINATION)
    assert outbox.deliver_one(head.pk)[0] == "retry"
    order = delivery_of(d)
    assert order.state == OrderState.QUEUED and "Hết mã bưu gửi" in order.last_error
    assert "pool empty" in caplog.text and post.state()["orders"] == []
    post.faults(empty_pool=None)
    drain()
    assert delivery_of(d).state == OrderState.CREATED
    assert_agree(post)


def test_a_code_the_post_does_not_know_leaves_the_pool_and_the_order_goes_with_the_next(world, post):  # noqa: ANN001
    services.add_codes([mapping.item_code("EZ", 1)])  # typed in by hand, never allocated to us
    d = finish_by_post(world)
    drain()
    order = delivery_of(d)
    assert order.state == OrderState.CREATED and order.item_code.startswith("EB")
    assert ItemCode.objects.get(code=mapping.item_code("EZ", 1)).spoiled
    assert services.free_codes() == 4  # the five refilled, one taken
    assert_agree(post)


def test_out_of_order_statuses_never_move_an_order_backwards(world, post):  # noqa: ANN001
    d = finish_by_post(world)
    drain()
    order = delivery_of(d)
    post.faults(out_of_order=True)
    assert advance(post, order.item_code, mapping.COLLECTING, mapping.DELIVERED)["written"] == [3, 2, 2]
    pull()
    order.refresh_from_db()
    d.refresh_from_db()
    assert order.status == mapping.DELIVERED and d.status == Status.RETURNED
    assert [(t.status, t.applied) for t in order.tracking.all()] == [(1, False), (3, True), (2, False), (2, False)]
    assert d.events.filter(action=Action.RETURN).count() == 1
    assert pull() == 0  # the cursor is kept: nothing read twice
    assert_agree(post)


def test_a_cancel_after_pick_up_leaves_the_result_at_the_counter_and_a_new_order_can_go(world, post):  # noqa: ANN001
    d = finish_by_post(world)
    drain()
    order = delivery_of(d)
    post.faults(cancel_after_pickup=True)
    advance(post, order.item_code, mapping.COLLECTING, mapping.DELIVERED)
    pull()
    order.refresh_from_db()
    d.refresh_from_db()
    assert order.state == OrderState.CANCELLED and order.status == mapping.CANCELLED
    assert d.status == Status.PROCESSED
    post.faults(cancel_after_pickup=None)
    again = services.reorder_delivery(world.actor("counter_a"), d.pk)
    assert again.pk != order.pk
    drain()
    again.refresh_from_db()
    assert again.state == OrderState.CREATED and again.item_code != order.item_code
    advance(post, again.item_code, mapping.COLLECTING, mapping.DELIVERED)
    pull()
    d.refresh_from_db()
    assert d.status == Status.RETURNED
    assert d.events.order_by("-seq").first().data["postal_code"] == again.item_code
    assert_agree(post)


def test_a_pick_up_cancelled_after_collection_leaves_the_dossier_registered_and_can_be_ordered_again(
        world, post):  # noqa: ANN001
    req = world.intake_request("a")
    req.applicant.address = ADDRESS
    d = services.register_by_post(services.system(), req)
    drain()
    post.faults(cancel_after_pickup=True)
    first = PostalOrder.objects.get(dossier=d)
    advance(post, first.item_code, mapping.COLLECTING, mapping.DELIVERED)
    pull()
    first.refresh_from_db()
    d.refresh_from_db()
    assert first.state == OrderState.CANCELLED and d.status == Status.NEW
    assert services.page_status(world.actor("counter_a"), d)["awaiting_receipt"] is False
    post.faults(cancel_after_pickup=None)
    again = services.order_pickup(d)
    drain()
    again.refresh_from_db()
    assert again.pk != first.pk and again.state == OrderState.CREATED
    advance(post, again.item_code, mapping.COLLECTING, mapping.DELIVERED)
    pull()
    assert services.page_status(world.actor("counter_a"), d)["awaiting_receipt"] is True
    assert_agree(post)


def test_a_status_for_an_order_whose_reply_was_lost_still_lands(world, post):  # noqa: ANN001
    """The post created the order but every reply was lost; its first tracking row names our code:
    the order counts as created and the worker's retry meets it as its own."""
    services.refill(jobs.client(), 2)
    post.faults(drop_reply=5)
    d = finish_by_post(world)
    head = OutboxMessage.objects.get(destination=jobs.DESTINATION)
    assert outbox.deliver_one(head.pk)[0] == "retry"
    pull()
    assert delivery_of(d).state == OrderState.CREATED and delivery_of(d).status == mapping.REGISTERED
    post.faults(drop_reply=None)
    drain()
    assert_agree(post)


def test_the_token_is_taken_once_and_reused(post):  # noqa: ANN001
    c = jobs.client()
    c.allocate_codes(1)
    c.tracking(0)
    c.tracking(0)
    assert c.logins == 1 and post.state()["logins"] == 1
    with pytest.raises(httpx.HTTPError):  # the simulator refuses calls without a token
        post.http.get(f"{post.url}/api/tracking").raise_for_status()


def test_a_token_past_its_announced_life_is_renewed_before_the_call(tmp_path):  # noqa: ANN001
    from motcua.integrations.post.client import HttpPost
    from motcua.integrations.post.simulator import SIM_KEY, SIM_SECRET

    sim = start_simulator([sys.executable, "-m", "motcua.integrations.post.simulator", "--token-ttl", "1"],
                          tmp_path / "post.sqlite3")
    c = HttpPost(sim.url, customer_code=SIM_CUSTOMER, key=SIM_KEY, secret=SIM_SECRET, read_timeout=2)
    try:
        c.tracking(0)
        time.sleep(1.1)
        assert c.tracking(0) == [] and c.logins == 2 and sim.state()["logins"] == 2
        wrong = HttpPost(sim.url, customer_code=SIM_CUSTOMER, key=SIM_KEY, secret="wrong")
        with pytest.raises(PostRejected, match="xác thực"):
            wrong.tracking(0)
        wrong.close()
    finally:
        c.close()
        sim.http.close()
        sim.process.terminate()
        sim.process.wait(10)
