"""The generated history's postal service and fees: a share of the applicants choose the result by
post (more in recent years), whose return carries the item code and follows the delivery order's
``postal`` events; dossiers sent by post have their pick-up's events before the receipt; a fee due
is paid by a ``fee_paid`` event and ``fees_paid`` is their sum. These status-keeping events change
no figure (the read model's contribution of every dossier is the same without them), the hash
chain holds, and the demo turns the events into the orders, tracking and figures the pages show."""

from __future__ import annotations

import io
from collections import defaultdict
from datetime import date, timedelta

import pytest

from motcua.calendars.services import calendar_for
from motcua.catalog.choices import Channel
from motcua.dossiers.bulk import project
from motcua.dossiers.generator import Generator, generate
from motcua.dossiers.models import Dossier, DossierEvent
from motcua.dossiers.verify import verify
from motcua.integrations.post import demo, mapping, services
from motcua.integrations.post.models import Kind, OrderState, PostalOrder
from motcua.reports.deltas import Profile, contribution

pytestmark = pytest.mark.django_db
START, END = date(2024, 7, 1), date(2026, 6, 30)


@pytest.fixture
def history(world):  # noqa: ANN001, ANN201
    generate(1500, world.province, START, END, seed=11)
    return world


def _events() -> dict[int, list[DossierEvent]]:
    out: dict[int, list[DossierEvent]] = defaultdict(list)
    for e in DossierEvent.objects.order_by("dossier_id", "seq"):
        out[e.dossier_id].append(e)
    return out


def test_a_share_of_the_results_go_by_post_more_in_recent_years(history):  # noqa: ANN001
    returned = Dossier.objects.filter(status=10).exclude(channel=Channel.POST)
    share = returned.filter(result_delivery="post").count() / returned.count()
    assert 0.07 <= share <= 0.15
    mid = START + (END - START) / 2
    early = returned.filter(received_at__date__lt=mid)
    late = returned.filter(received_at__date__gte=mid)
    assert (late.filter(result_delivery="post").count() / late.count()
            > early.filter(result_delivery="post").count() / early.count())
    assert set(Dossier.objects.values_list("result_delivery", flat=True)) == {"counter", "post"}


def test_a_return_by_post_carries_its_code_after_the_delivery_orders_events(history):  # noqa: ANN001
    events = _events()
    codes = set()
    by_post = Dossier.objects.filter(status=10, result_delivery="post")
    assert by_post.count() > 30
    for d in by_post:
        evs = events[d.pk]
        ret = evs[-1]
        assert ret.action == "return" and set(ret.data) == {"method", "postal_code"} and ret.data["method"] == "post"
        code = ret.data["postal_code"]
        assert mapping.valid_item_code(code) and code not in codes and code in ret.note
        codes.add(code)
        finish = next(i for i, e in enumerate(evs) if e.action == "finish")
        postal = evs[finish + 1:-1]
        assert [(e.action, e.data["postal"], e.data["postal_status"]) for e in postal] == [
            ("postal", "delivery", 1), ("postal", "delivery", 2), ("postal", "delivery", 3)]
        assert all(e.data["postal_code"] == code and e.data["order_number"] == d.code for e in postal)
        assert all(e.from_status == e.to_status == 9 and e.step_id is None for e in postal)
        assert evs[finish].at <= postal[0].at <= postal[1].at <= postal[2].at == ret.at
    # the others return at the counter, with no postal event
    counter = Dossier.objects.filter(status=10, result_delivery="counter").values_list("pk", flat=True)
    assert not DossierEvent.objects.filter(dossier_id__in=counter, action="postal", data__postal="delivery").exists()
    assert not DossierEvent.objects.filter(dossier_id__in=counter, action="return", data__method="post").exists()


def test_a_dossier_sent_by_post_is_collected_before_its_receipt(history):  # noqa: ANN001
    events = _events()
    sent = Dossier.objects.filter(channel=Channel.POST).exclude(status=1)
    assert sent.count() >= 5
    for d in sent:
        evs = events[d.pk]
        assert evs[0].action == "submit" and evs[4].action in ("receive", "refuse")
        postal = evs[1:4]
        assert [(e.data["postal"], e.data["postal_status"], e.from_status, e.to_status) for e in postal] == [
            ("pickup", 1, 1, 1), ("pickup", 2, 1, 1), ("pickup", 3, 1, 1)]
        assert evs[0].at <= postal[0].at <= postal[1].at <= postal[2].at <= evs[4].at
        assert len({e.data["postal_code"] for e in postal}) == 1
    # no other dossier is collected by post
    assert not DossierEvent.objects.filter(data__postal="pickup").exclude(dossier__channel=Channel.POST).exists()


def test_fees_paid_is_the_sum_of_the_fee_paid_events_each_after_the_receipt(history):  # noqa: ANN001
    paid: dict[int, int] = defaultdict(int)
    events = _events()
    with_fee = 0
    for d in Dossier.objects.all():
        fee_events = [e for e in events[d.pk] if e.action == "fee_paid"]
        assert d.fees_paid == sum(e.data["amount"] for e in fee_events)
        if d.fees_due and d.received_at is not None:
            with_fee += 1
            (fee,) = fee_events
            assert fee.data == {"amount": d.fees_due, "method": "online" if d.channel == Channel.ONLINE else "cash"}
            actions = [e.action for e in events[d.pk]]
            i = actions.index("fee_paid")
            assert actions[i - 1] in ("intake", "receive") and fee.from_status == fee.to_status == 2
            assert events[d.pk][i - 1].at <= fee.at <= events[d.pk][i + 1].at
        else:
            assert not fee_events and d.fees_paid == 0
        paid[d.channel] += d.fees_paid
    assert with_fee > 100 and paid[Channel.DIRECT] > 0 and paid[Channel.ONLINE] > 0


def test_the_status_keeping_events_change_no_figure_and_the_chain_holds(world):  # noqa: ANN001
    cal = calendar_for(world.province.pk)
    gen = Generator(world.province, START, END, seed=3)
    kept = 0
    for rec in gen.records(800):
        data = rec.data or [None] * len(rec.events)
        plain = [(at, a) for (at, a, _), x in zip(rec.events, data, strict=True) if a not in ("postal", "fee_paid")]
        full = [(at, a) for at, a, _ in rec.events]
        kept += len(full) - len(plain)
        p = Profile(rec.limit_seconds, rec.cutoff, rec.channel, False)
        assert contribution(p, full, cal).deltas == contribution(p, plain, cal).deltas
        stripped = type(rec)(**{**rec.__dict__, "events": [e for e in rec.events if e[1] not in ("postal", "fee_paid")],
                                "data": [x for (_, a, _), x in zip(rec.events, data, strict=True)
                                         if a not in ("postal", "fee_paid")]})
        a, b = project(rec, cal), project(stripped, cal)
        assert (a.status, a.received, a.due, a.ended, a.returned, a.verdict, a.late, a.pauses) == (
            b.status, b.received, b.due, b.ended, b.returned, b.verdict, b.late, b.pauses)
        assert (a.current_step, a.holder, a.step_due) == (b.current_step, b.holder, b.step_due)
    assert kept > 300
    generate(300, world.province, END - timedelta(days=30), END, seed=4)
    assert verify(checkpoint=False).ok


def test_an_order_still_on_its_way_at_the_end_is_left_to_the_live_integration(world):  # noqa: ANN001
    generate(400, world.province, END - timedelta(days=20), END, seed=8)  # recent: some not returned yet
    waiting = Dossier.objects.filter(result_delivery="post", status=9)
    codes = DossierEvent.objects.filter(action="postal").values_list("data", flat=True)
    flows: dict[str, list[int]] = defaultdict(list)
    for data in codes:
        flows[data["postal_code"]].append(data["postal_status"])
    assert flows and all(s[-1] in mapping.FINAL for s in flows.values())  # every order complete or cancelled
    for d in waiting:  # a result at the counter: no order, or one the post cancelled
        statuses = [e.data["postal_status"] for e in d.events.filter(action="postal", data__postal="delivery")]
        assert statuses in ([], [1, 2, 4])


def test_a_second_run_draws_new_item_codes(world):  # noqa: ANN001
    generate(500, world.province, START, END, seed=1)
    generate(500, world.province, START, END, seed=2)
    codes = [x["postal_code"] for x in DossierEvent.objects.filter(action="postal", data__postal_status=1)
             .values_list("data", flat=True)]
    assert len(codes) == len(set(codes)) > 20


def test_the_demo_makes_the_orders_tracking_and_figures_of_the_history(history, client_of):  # noqa: ANN001
    out = io.StringIO()
    demo.prepare(out)
    flows = defaultdict(list)
    for e in DossierEvent.objects.filter(action="postal").order_by("dossier_id", "seq"):
        flows[e.data["postal_code"]].append(e)
    assert PostalOrder.objects.count() == len(flows)
    for order in PostalOrder.objects.prefetch_related("tracking"):
        evs = flows[order.item_code]
        assert order.dossier_id == evs[0].dossier_id and order.kind == evs[0].data["postal"]
        assert [(t.status, t.reported_at) for t in order.tracking.all()] == [
            (e.data["postal_status"], e.at) for e in evs]
        assert order.status == evs[-1].data["postal_status"] and order.status_at == evs[-1].at
        assert order.state == (OrderState.CANCELLED if order.status == mapping.CANCELLED else OrderState.CREATED)
    received = Dossier.objects.filter(channel=Channel.POST, received_at__isnull=False).count()
    returned = DossierEvent.objects.filter(action="return", data__method="post").count()
    assert received > 0 and returned > 30
    assert PostalOrder.objects.filter(kind=Kind.DELIVERY, status=mapping.DELIVERED).count() == returned
    assert f"{received} hồ sơ tiếp nhận qua bưu chính, {returned} kết quả trả qua bưu chính" in out.getvalue()
    figures = services.figures(services.system())
    assert (figures["received"], figures["returned"]) == (received, returned)
    assert sum(y["returned"] for y in figures["by_year"]) == returned and len(figures["by_year"]) >= 2
    demo.prepare(io.StringIO())  # again: nothing doubled
    assert PostalOrder.objects.count() == len(flows)
    # the staff page shows the same figures (the monitor sees the whole province)
    html = client_of("monitor").get("/office/post/").content.decode()
    assert f'id="post-received">{received}<' in html and f'id="post-returned">{returned}<' in html
