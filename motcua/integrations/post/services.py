"""Postal use cases: ordering a pick-up or a delivery (through the outbox, in the caller's
transaction), creating the order at the post (the outbox handler), the tracking-code pool, and
applying the tracking feed to orders and dossiers.

Every change to a dossier goes through the dossier services with the system actor: an order
created at the post, a parcel collected, arrived or delivered, or an order cancelled, is a ``postal``
event (status unchanged, data :func:`postal_data`); a result delivered is then returned
(``return_result`` by post with the item code, status 10) in the same transaction."""

from __future__ import annotations

import logging
from dataclasses import asdict
from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from motcua.catalog.choices import Channel
from motcua.domain.errors import ValidationFailed
from motcua.domain.lifecycle import Action, Status
from motcua.dossiers import services as svc
from motcua.dossiers.choices import ResultDelivery
from motcua.dossiers.models import Dossier
from motcua.jobs import outbox, registry

from . import mapping
from .client import DuplicateOrder, PostalService, PostRejected, PostUnavailable
from .models import ACTIVE, ItemCode, Kind, OrderState, PostalOrder, PostalProfile, TrackingCursor, TrackingEvent

log = logging.getLogger("motcua.post")
SYSTEM_NAME = "Bưu chính công ích"


class PoolEmpty(RuntimeError):
    """No tracking code left in the pool and the post allocated none: orders wait (retried)."""


def system() -> svc.Actor:
    return svc.Actor.system_actor(SYSTEM_NAME)


# ---- parties --------------------------------------------------------------------------------

def unit_party(unit: Any) -> mapping.Party:
    p = PostalProfile.objects.filter(unit_id=unit.pk).first()
    if p is None:
        return mapping.Party(name=unit.name, address=unit.name)
    return mapping.Party(name=unit.name, address=p.address, phone=p.phone, email=p.email,
                         province=p.province_code, district=p.district_code)


def applicant_party(d: Dossier, unit: mapping.Party) -> mapping.Party:
    """The applicant at their address (VNPost codes default to the unit's: most live nearby)."""
    return mapping.Party(name=d.applicant_name, address=d.applicant_address, phone=d.applicant_phone,
                         email=d.applicant_email, province=unit.province, district=unit.district)


def components_of(d: Dossier) -> str:
    """SenderDesc of a pick-up: the submitted components (or the procedure, when none is listed)."""
    listed = [(c.name, c.originals, c.copies) for c in d.components.order_by("pk")]
    return mapping.components_text(listed) if listed else f"Hồ sơ thủ tục {d.version.name}"


# ---- ordering (in the caller's transaction) -------------------------------------------------

PAPERS_AWAITED = (Status.NEW, Status.RECEIVED, Status.PROCESSING, Status.SUPPLEMENT)


def pickup_applies(d: Dossier) -> bool:
    """Whether the post may collect dossier ``d``'s papers from the applicant: a dossier registered
    by post and not yet received, or an online dossier whose procedure asks for originals (paper
    papers handed over) while it is still with the unit (registered, received, processing, waiting
    for a supplement)."""
    if d.channel == Channel.POST:
        return d.status == Status.NEW
    return (d.channel == Channel.ONLINE and d.status in PAPERS_AWAITED
            and d.components.filter(originals__gt=0).exists())


def order_pickup(d: Dossier, pickup_from: mapping.Party | None = None) -> PostalOrder:
    """Ask the post to collect dossier ``d`` (see :func:`pickup_applies`) from the applicant."""
    if not pickup_applies(d):
        raise ValidationFailed("Only a dossier registered by post and not yet received, or an online dossier "
                               "whose originals are awaited, is collected by post.",
                               fields={"dossier": "channel 3 status 1, or channel 2 with originals"})
    unit = unit_party(d.receiving_unit)
    sender = pickup_from or applicant_party(d, unit)
    if not sender.address.strip():
        raise ValidationFailed("The post needs the address to collect the dossier from.",
                               fields={"address": "required"})
    return _enqueue(d, Kind.PICKUP, sender, unit, 0, components_of(d),
                    f"Thu gom hồ sơ {d.code} ({d.version.name}) gửi {d.receiving_unit.name}")


def order_delivery(d: Dossier) -> PostalOrder:
    """Ask the post to carry the result of ``d`` (processed, result by post) to the applicant; the
    fees still unpaid are collected on delivery (COD)."""
    if d.result_delivery != ResultDelivery.POST or d.status != Status.PROCESSED:
        raise ValidationFailed("Only a processed dossier whose result goes by post is delivered by post.",
                               fields={"dossier": "result_delivery post, status 9"})
    unit = unit_party(d.receiving_unit)
    receiver = applicant_party(d, unit)
    if not receiver.address.strip():
        raise ValidationFailed("The applicant's address is needed to deliver the result by post.",
                               fields={"applicant_address": "required"})
    cod = max(0, d.fees_due - d.fees_paid)
    return _enqueue(d, Kind.DELIVERY, unit, receiver, cod, f"Kết quả giải quyết hồ sơ {d.code}",
                    f"Phát kết quả thủ tục {d.version.name} cho {d.applicant_name}")


def _enqueue(d: Dossier, kind: Kind, sender: mapping.Party, receiver: mapping.Party, cod: int, sender_desc: str,
             description: str) -> PostalOrder:
    """One active order per dossier and kind: asking again returns the one there is."""
    from .jobs import DESTINATION

    with transaction.atomic():
        existing = PostalOrder.objects.filter(dossier=d, kind=kind, state__in=ACTIVE).first()
        if existing is not None:
            return existing
        try:
            with transaction.atomic():
                order = PostalOrder.objects.create(
                    dossier=d, kind=kind, order_number=d.code, cod_amount=cod, sender=asdict(sender),
                    receiver=asdict(receiver), sender_desc=sender_desc[:1000], description=description[:500],
                    created_at=timezone.now())
        except IntegrityError:  # a concurrent request won the race
            return PostalOrder.objects.get(dossier=d, kind=kind, state__in=ACTIVE)
        outbox.enqueue(DESTINATION, f"post.order:{order.pk}", {"order": order.pk}, ordering_key=f"post:{d.pk}")
    return order


@transaction.atomic
def register_by_post(actor: svc.Actor, req: svc.IntakeRequest, pickup_from: mapping.Party | None = None,
                     address: str = "") -> Dossier:
    """An applicant sends their dossier by post: registered as channel 3 (status NEW) and its
    pick-up ordered (from ``pickup_from``, or the applicant at ``address`` or their own address), in
    one transaction. The counter receives it once it has arrived."""
    req.channel = Channel.POST
    d = svc.intake(actor, req)
    if pickup_from is None and address.strip():
        pickup_from = _at(applicant_party(d, unit_party(d.receiving_unit)), address)
    order_pickup(d, pickup_from)
    return d


def _at(party: mapping.Party, address: str = "", phone: str = "") -> mapping.Party:
    return mapping.Party(name=party.name, address=address.strip()[:500] or party.address,
                         phone=phone.strip()[:20] or party.phone, email=party.email, province=party.province,
                         district=party.district)


@transaction.atomic
def request_pickup(user: Any, dossier_id: int, address: str = "", phone: str = "") -> PostalOrder:
    """The applicant asks the post to collect their dossier's papers from ``address`` (default: the
    dossier's), on their own dossier only; the order goes through the outbox like every order."""
    from motcua.portal import services as portal

    from .jobs import enabled

    d = portal.my_dossier(user, dossier_id)
    if not enabled():
        raise ValidationFailed("The postal service is not connected.", fields={"post": "integration off"})
    d = Dossier.objects.select_for_update(of=("self",)).select_related("receiving_unit", "version").get(pk=d.pk)
    return order_pickup(d, _at(applicant_party(d, unit_party(d.receiving_unit)), address or "", phone or ""))


def reorder_delivery(actor: svc.Actor, dossier_id: int) -> PostalOrder:
    """A new delivery order after the post cancelled or refused the last one (staff of the dossier)."""
    d = svc.get_dossier(actor, dossier_id)
    svc.authorize(actor, d, Action.RETURN)
    return order_delivery(d)


def on_event(d: Dossier, ev: Any) -> None:
    """The dossier event hook: a finished dossier whose result goes by post gets its delivery order.
    One that cannot be ordered (no address) is still finished: the page offers the order again."""
    from motcua.domain.errors import DomainError

    from .jobs import enabled

    if ev.action == Action.FINISH and d.result_delivery == ResultDelivery.POST and enabled():
        try:
            with transaction.atomic():
                order_delivery(d)
        except DomainError as exc:
            log.warning("no postal delivery order for dossier %s: %s", d.code, exc)


# ---- the tracking-code pool -----------------------------------------------------------------

def add_codes(codes: list[str]) -> int:
    """Codes the post office allocated (by its API or on paper); malformed ones are refused."""
    bad = [c for c in codes if not mapping.valid_item_code(c)]
    if bad:
        raise ValidationFailed("Malformed item codes.", fields={"codes": ", ".join(bad[:10])})
    now = timezone.now()
    before = ItemCode.objects.count()
    ItemCode.objects.bulk_create([ItemCode(code=c, allocated_at=now) for c in codes], ignore_conflicts=True)
    return ItemCode.objects.count() - before


def free_codes() -> int:
    return ItemCode.objects.filter(order__isnull=True, spoiled=False).count()


def refill(client: PostalService, count: int) -> int:
    return add_codes(client.allocate_codes(count))


def take_code(order: PostalOrder) -> str | None:
    """Give ``order`` the first free code of the pool (compare-and-set: two workers never share one)."""
    with transaction.atomic():
        while True:
            free = ItemCode.objects.filter(order__isnull=True, spoiled=False)
            candidate = free.order_by("id").values_list("id", "code").first()
            if candidate is None:
                return None
            if free.filter(pk=candidate[0]).update(order=order,
                                                                                   taken_at=timezone.now()):
                PostalOrder.objects.filter(pk=order.pk).update(item_code=candidate[1])
                order.item_code = candidate[1]
                return candidate[1]


def ensure_code(order: PostalOrder, client: PostalService) -> str:
    from .jobs import SETTINGS

    code = order.item_code or take_code(order)
    if code is None and refill(client, SETTINGS.pool_refill):
        code = take_code(order)
    if code is None:
        log.error("postal tracking-code pool empty: order %s of dossier %s waits", order.pk, order.order_number)
        raise PoolEmpty("Hết mã bưu gửi: kho mã được cấp đã dùng hết và Bưu điện không cấp thêm; đơn chờ "
                        "đến khi có mã mới (quản trị viên nhập mã Bưu điện cấp)")
    return code


# ---- creating the order at the post (the outbox handler) ------------------------------------

def body_of(order: PostalOrder, customer_code: str) -> dict[str, Any]:
    return mapping.order_body(customer_code=customer_code, service=order.service, order_number=order.order_number,
                              item_code=order.item_code, cod_amount=order.cod_amount,
                              sender=mapping.Party(**order.sender), receiver=mapping.Party(**order.receiver),
                              sender_desc=order.sender_desc, description=order.description)


def deliver(message: Any) -> None:
    """Create the order of ``message`` at the post, once: a reply lost on the way (timeout, 5xx) is
    retried, and the duplicate it then meets is our own order when the post holds it under our
    item code. Any other refusal is final (dead letter, the order refused with the post's reason)."""
    from .jobs import SETTINGS, client

    order = PostalOrder.objects.filter(pk=message.payload["order"], state=OrderState.QUEUED).first()
    if order is None:
        return  # created, refused or cancelled already
    c = client()
    if c is None:
        raise PostUnavailable("Kết nối Bưu chính công ích đang tắt (MOTCUA_POST_URL chưa đặt)")
    try:
        ensure_code(order, c)
        c.create_order(body_of(order, SETTINGS.customer_code))
    except DuplicateOrder as exc:
        _adopt_or_refuse(order, c, exc)
    except PostRejected as exc:
        if exc.status == mapping.BAD_ITEM_CODE:
            _spoil_code(order, str(exc))
            raise  # retried with the next code of the pool
        _refuse(order, str(exc))
        raise registry.Undeliverable(str(exc)) from exc
    except (PostUnavailable, PoolEmpty) as exc:
        PostalOrder.objects.filter(pk=order.pk).update(last_error=str(exc)[:2000])
        raise
    _created(order)


def _adopt_or_refuse(order: PostalOrder, c: PostalService, exc: DuplicateOrder) -> None:
    theirs = c.get_order(order.order_number, order.service)
    if theirs is not None and theirs.get("ItemCode") == order.item_code:
        return  # our earlier attempt created it; its reply was lost
    reason = (f"Bưu điện đã có đơn {order.order_number} ({order.get_kind_display()}) với mã bưu gửi "
              f"{(theirs or {}).get('ItemCode', '?')}, không phải đơn của motcua: không tạo đơn thứ hai")
    _refuse(order, reason)
    raise registry.Undeliverable(reason) from exc


def _spoil_code(order: PostalOrder, reason: str) -> None:
    """The post does not take the order's code: it leaves the pool for good, the order waits for another."""
    with transaction.atomic():
        ItemCode.objects.filter(order=order).update(order=None, spoiled=True)
        PostalOrder.objects.filter(pk=order.pk).update(item_code="", last_error=reason[:2000])
    log.error("postal item code %s refused by the post: %s", order.item_code, reason)


def _created(order: PostalOrder) -> None:
    """The post took the order: it is created (status registered) and the dossier's ``postal`` event
    says so, in one transaction (a dossier that can no longer take it, e.g. returned at the counter
    meanwhile, keeps the order and logs why)."""
    from motcua.domain.errors import DomainError

    with transaction.atomic():
        moved = PostalOrder.objects.filter(pk=order.pk, state=OrderState.QUEUED).update(
            state=OrderState.CREATED, status=mapping.REGISTERED, sent_at=timezone.now(), last_error="")
        if not moved:
            return
        note = NOTES[(Kind(order.kind), mapping.REGISTERED)].format(code=order.item_code)
        try:
            with transaction.atomic():
                postal_event(order.dossier_id, note, postal_data(order, mapping.REGISTERED))
        except DomainError as exc:
            log.error("postal order %s created but not recorded on dossier %s: %r", order.item_code,
                      order.dossier_id, exc)


def _refuse(order: PostalOrder, reason: str) -> None:
    """A refused order gives its unused code back to the pool."""
    with transaction.atomic():
        ItemCode.objects.filter(order=order).update(order=None, taken_at=None)
        PostalOrder.objects.filter(pk=order.pk).update(state=OrderState.REFUSED, item_code="", last_error=reason[:2000])
    log.warning("postal order %s refused: %s", order.pk, reason)


# ---- tracking -------------------------------------------------------------------------------

FEED = "tracking"


def pull_tracking(client: PostalService, limit: int = 100) -> int:
    """Page through the feed from the saved cursor; each page and the cursor move commit together.
    Returns the number of rows read."""
    TrackingCursor.objects.get_or_create(name=FEED)
    read = 0
    while True:
        last = TrackingCursor.objects.get(name=FEED).last_id
        rows = client.tracking(last, limit)
        if not rows:
            return read
        with transaction.atomic():
            cursor = TrackingCursor.objects.select_for_update().get(name=FEED)
            if cursor.last_id != last:
                continue  # another pull moved on meanwhile: read from where it stopped
            parsed = [mapping.parse_tracking(r) for r in rows]
            for row in parsed:
                apply_row(row)
            cursor.last_id = max(r.id for r in parsed)
            cursor.updated_at = timezone.now()
            cursor.save()
        read += len(rows)
        if len(rows) < limit:
            return read


def apply_row(row: mapping.TrackingRow) -> bool:
    """Record a feed row on its order; returns whether it moved the order forward."""
    order = (PostalOrder.objects.select_for_update().filter(item_code=row.item_code).first()
             if row.item_code else None)
    if order is None:
        log.warning("tracking row %s for an unknown parcel %s / %s", row.id, row.item_code, row.order_number)
        return False
    ev, new = TrackingEvent.objects.get_or_create(order=order, feed_id=row.id, defaults={
        "status": row.status, "message": row.message[:500], "reported_at": row.at, "pulled_at": timezone.now()})
    if not new or not mapping.moves_forward(order.status, row.status):
        return False
    TrackingEvent.objects.filter(pk=ev.pk).update(applied=True)
    order.status, order.status_message, order.status_at = row.status, row.message[:500], row.at or timezone.now()
    if row.status == mapping.CANCELLED:
        order.state = OrderState.CANCELLED
    elif order.state == OrderState.QUEUED:
        order.state = OrderState.CREATED  # the post has it: our reply was lost, the feed says so
    order.save(update_fields=["status", "status_message", "status_at", "state"])
    _on_dossier(order, row)
    return True


NOTES = {
    (Kind.PICKUP, mapping.REGISTERED): "Đã lập đơn thu gom hồ sơ tại Bưu điện (mã bưu gửi {code})",
    (Kind.DELIVERY, mapping.REGISTERED): "Đã lập đơn phát kết quả tại Bưu điện (mã bưu gửi {code})",
    (Kind.PICKUP, mapping.COLLECTING): "Bưu điện đã nhận hồ sơ từ người nộp (mã bưu gửi {code})",
    (Kind.PICKUP, mapping.DELIVERED): "Hồ sơ gửi qua bưu chính đã đến bộ phận một cửa (mã bưu gửi {code})",
    (Kind.PICKUP, mapping.CANCELLED): "Bưu điện hủy đơn thu gom hồ sơ (mã bưu gửi {code}): {message}",
    (Kind.DELIVERY, mapping.COLLECTING): "Bưu điện đã nhận kết quả để phát (mã bưu gửi {code})",
    (Kind.DELIVERY, mapping.CANCELLED): "Bưu điện hủy đơn phát kết quả (mã bưu gửi {code}): {message}; "
                                        "kết quả còn ở bộ phận một cửa",
    (Kind.DELIVERY, mapping.DELIVERED): "Bưu điện đã phát kết quả cho người nhận (mã bưu gửi {code})",
}
RETURN_NOTE = "Đã trả kết quả qua bưu chính công ích (mã bưu gửi {code})"


def postal_data(order: PostalOrder, status: int) -> dict[str, Any]:
    """The data of a ``postal`` event: the order's kind, the parcel's status, its item code and the
    order number (the generator's history writes the same: motcua/dossiers/generator.py)."""
    return {"postal": str(order.kind), "postal_status": status, "postal_code": order.item_code,
            "order_number": order.order_number}


def _on_dossier(order: PostalOrder, row: mapping.TrackingRow) -> None:
    """The dossier's side of a status: its ``postal`` event, and for a delivered result the
    ``return`` right after it (in one savepoint: a dossier that cannot take them is logged, and the
    feed goes on)."""
    from motcua.domain.errors import DomainError

    note_text = NOTES.get((Kind(order.kind), row.status))
    if note_text is None:
        return
    note = note_text.format(code=order.item_code, message=row.message)
    try:
        with transaction.atomic():
            _dossier_event(order, row, note)
    except DomainError as exc:
        log.error("postal status %s of %s not recorded on dossier %s: %r", row.status, order.item_code,
                  order.dossier_id, exc)


def _dossier_event(order: PostalOrder, row: mapping.TrackingRow, note: str) -> None:
    at = _event_time(order.dossier_id, row.at)
    postal_event(order.dossier_id, note, postal_data(order, row.status), at)
    status = Dossier.objects.filter(pk=order.dossier_id).values_list("status", flat=True).get()
    if (order.kind, row.status) == (Kind.DELIVERY, mapping.DELIVERED) and status == Status.PROCESSED:
        svc.return_result(system(), order.dossier_id, note=RETURN_NOTE.format(code=order.item_code),
                          method="post", postal_code=order.item_code, at=at)


def _event_time(dossier_id: int, reported: datetime | None) -> datetime | None:
    """The post's time of the status, never before the dossier's last event nor in the future."""
    if reported is None:
        return None
    from motcua.dossiers.models import DossierEvent

    last = DossierEvent.objects.filter(dossier_id=dossier_id).order_by("-seq").values_list("at", flat=True).first()
    return min(max(reported, last or reported), timezone.now())


def postal_event(dossier_id: int, note: str, data: dict[str, Any], at: datetime | None = None) -> Dossier:
    """A ``postal`` event (status unchanged) through the dossier services, by the system actor."""
    return svc.transition(system(), dossier_id, Action.POSTAL, note=note, at=at, mutate=lambda d, when: dict(data))


# ---- reads for the pages ----------------------------------------------------------------------

REORDER_ROLES = ("counter_officer", "leader", "admin")


def orders_of(dossier_id: int) -> list[PostalOrder]:
    return list(PostalOrder.objects.filter(dossier_id=dossier_id).prefetch_related("tracking").order_by("id"))


def may_reorder(actor: svc.Actor, d: Dossier, orders: list[PostalOrder]) -> bool:
    """A new delivery order is offered when the result waits at the counter (status 9, by post) and
    no delivery order is active, to the counter officers, leaders and administrators of the dossier."""
    from .jobs import enabled

    if not enabled() or d.status != Status.PROCESSED or d.result_delivery != ResultDelivery.POST:
        return False
    if any(o.kind == Kind.DELIVERY and o.state in ACTIVE for o in orders):
        return False
    return actor.system or actor.scope.is_superuser or any(
        actor.scope.has_role(r, p) for r in REORDER_ROLES for p in (d.receiving_path, d.handling_path))


def page_status(actor: svc.Actor, d: Dossier) -> dict[str, Any] | None:
    """The dossier page's postal section (None: nothing goes by post for this dossier)."""
    orders = orders_of(d.pk)
    if not orders and d.channel != Channel.POST and d.result_delivery != ResultDelivery.POST:
        return None
    arrived = next((o for o in orders if o.kind == Kind.PICKUP and o.status == mapping.DELIVERED), None)
    return {"dossier_id": d.pk, "orders": orders, "arrived": arrived,
            "awaiting_receipt": arrived is not None and d.status == Status.NEW,
            "may_reorder": may_reorder(actor, d, orders), "free_codes": free_codes() if orders else None}


def portal_status(user: Any, d: Dossier) -> dict[str, Any] | None:
    """The citizen's dossier page's postal section: their orders with the tracking, and the offer to
    have the post collect the papers (None: nothing goes by post for this dossier)."""
    from .jobs import enabled

    orders = orders_of(d.pk)
    may_pickup = (enabled() and pickup_applies(d)
                  and not any(o.kind == Kind.PICKUP and o.state in ACTIVE for o in orders))
    if not orders and not may_pickup and d.result_delivery != ResultDelivery.POST:
        return None
    return {"dossier_id": d.pk, "orders": orders, "may_pickup": may_pickup, "address": d.applicant_address,
            "phone": d.applicant_phone, "result_by_post": d.result_delivery == ResultDelivery.POST,
            "delivery_waits": d.result_delivery == ResultDelivery.POST and d.status == Status.PROCESSED
            and not any(o.kind == Kind.DELIVERY and o.state in ACTIVE for o in orders)}


# ---- the figures ------------------------------------------------------------------------------

def figures(actor: svc.Actor) -> dict[str, Any]:
    """Dossiers received by post (channel 3, received) and results returned by post (``return``
    events by post), in all and by year (local time), over the dossiers ``actor`` sees; the orders
    on their way and the tracking-code pool."""
    from django.db.models import Count
    from django.db.models.functions import ExtractYear

    from motcua.dossiers.models import DossierEvent

    seen = svc.visible_dossiers(actor)
    received = (seen.filter(channel=Channel.POST, received_at__isnull=False)
                .annotate(year=ExtractYear("received_at")).values("year").annotate(n=Count("id")))
    events = DossierEvent.objects.filter(action=Action.RETURN, data__method="post")
    if not (actor.system or actor.scope.is_superuser):
        events = events.filter(dossier__in=seen)
    returned = events.annotate(year=ExtractYear("at")).values("year").annotate(n=Count("id"))
    years: dict[int, dict[str, int]] = {}
    for row in received:
        years.setdefault(row["year"], {"received": 0, "returned": 0})["received"] = row["n"]
    for row in returned:
        years.setdefault(row["year"], {"received": 0, "returned": 0})["returned"] = row["n"]
    orders = PostalOrder.objects.filter(state__in=ACTIVE, status__lt=mapping.DELIVERED)
    if not (actor.system or actor.scope.is_superuser):
        orders = orders.filter(dossier__in=seen)
    return {"received": sum(y["received"] for y in years.values()),
            "returned": sum(y["returned"] for y in years.values()),
            "by_year": [{"year": y, **v} for y, v in sorted(years.items(), reverse=True)],
            "on_the_way": dict(orders.values_list("kind").annotate(n=Count("id"))), "free_codes": free_codes()}
