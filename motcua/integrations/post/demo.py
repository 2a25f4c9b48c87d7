"""The postal service in ``make demo``: the generated history's postal pick-ups and returns as orders
with their tracking histories, timed by the dossiers' own events, and (integration on) live orders
for the dossiers still waiting on the post, sent to the simulator by the worker.

- Every order the history's ``postal`` events name (data ``{"postal": kind, "postal_status": s,
  "postal_code": CODE, "order_number": ...}``, as the generator and the integration write them)
  becomes that order: its kind and item code, one tracking row per event at the event's time, the
  last status (delivered or cancelled) as the order's.
- Histories without postal events (imported from elsewhere, or recorded at the counter): a
  dossier registered by post (channel 3) that got past its registration gets a pick-up order
  (code ``EP`` + the dossier id) delivered before its receipt or refusal, and a return event that
  says ``{"method": "post", "postal_code": CODE}`` a delivery order under that code, delivered at
  the return.
- Integration on (``MOTCUA_POST_URL``): the pool is refilled from the post, and the dossiers still
  registered by post (status 1) and the results by post waiting at the counter (status 9) without
  an active order get their real orders through the services (the worker creates them; the
  simulator's ``--auto-advance`` or ``POST /_sim/advance`` moves the parcels; the tracking pull
  records them, returning the results).

History codes: the generator's (:func:`history_code`, ``EH`` series for returns, ``EP`` for
pick-ups), never the simulator's ``EB`` series."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import IO, Any

from django.db import transaction
from django.db.models import Q

from motcua.catalog.choices import Channel
from motcua.domain.errors import DomainError
from motcua.domain.lifecycle import Status
from motcua.dossiers.choices import ResultDelivery
from motcua.dossiers.models import Dossier, DossierEvent

from . import mapping, services
from .models import ACTIVE, Kind, OrderState, PostalOrder, PostalProfile, TrackingEvent

BATCH = 500


def history_code(n: int) -> str:
    """The item code of the generator's ``n``-th postal return (``EH`` series, S10)."""
    return mapping.item_code("EH", n)


def prepare(out: IO[str]) -> None:
    profiles = _profiles()
    pickups, deliveries = _history_orders()
    pickups += _history_pickups()
    deliveries += _history_deliveries()
    out.write(f"Bưu chính công ích: {pickups} đơn thu gom hồ sơ và {deliveries} đơn phát kết quả trong lịch sử"
              + (f", thông tin bưu chính cho {profiles} đơn vị" if profiles else "") + ".\n")
    f = services.figures(services.system())
    out.write(f"Bưu chính công ích: {f['received']} hồ sơ tiếp nhận qua bưu chính, {f['returned']} kết quả trả "
              "qua bưu chính.\n")
    from .jobs import enabled

    if not enabled():
        out.write("Kết nối Bưu chính công ích đang tắt (MOTCUA_POST_URL chưa đặt): không lập đơn mới.\n")
        return
    _live(out)


def _profiles() -> int:
    """A postal address for every receiving unit of the demo that has none (its name)."""
    from motcua.units.models import Unit

    ids = set(Dossier.objects.filter(Q(channel=Channel.POST) | Q(result_delivery=ResultDelivery.POST))
              .values_list("receiving_unit_id", flat=True).distinct())
    ids -= set(PostalProfile.objects.values_list("unit_id", flat=True))
    units = Unit.objects.filter(pk__in=ids)
    PostalProfile.objects.bulk_create([PostalProfile(unit=u, address=f"Bộ phận một cửa, {u.name}") for u in units])
    return len(ids)


def _times(dossier_ids: list[int], actions: tuple[str, ...]) -> dict[int, list[tuple[str, datetime, dict]]]:
    rows = (DossierEvent.objects.filter(dossier_id__in=dossier_ids, action__in=actions)
            .order_by("dossier_id", "seq").values_list("dossier_id", "action", "at", "data"))
    found: dict[int, list[tuple[str, datetime, dict]]] = {}
    for dossier_id, action, at, data in rows:
        found.setdefault(dossier_id, []).append((action, at, data or {}))
    return found


def _history_orders() -> tuple[int, int]:
    """The orders the history's ``postal`` events name and no order holds yet: (pick-ups, deliveries)."""
    taken = set(PostalOrder.objects.exclude(item_code="").values_list("item_code", flat=True))
    flows: dict[str, tuple[int, str, list[tuple[int, datetime]]]] = {}
    rows = (DossierEvent.objects.filter(action="postal").order_by("dossier_id", "seq")
            .values_list("dossier_id", "at", "data"))
    for dossier_id, at, data in rows.iterator(chunk_size=2000):
        code = (data or {}).get("postal_code", "")
        if code in taken or not mapping.valid_item_code(code) or data.get("postal") not in Kind.values:
            continue
        flows.setdefault(code, (dossier_id, data["postal"], []))[2].append((int(data["postal_status"]), at))
    counts = {Kind.PICKUP: 0, Kind.DELIVERY: 0}
    items = sorted(flows.items(), key=lambda f: f[1][0])
    for chunk in _chunks(items):
        dossiers = {d.pk: d for d in Dossier.objects.filter(pk__in={f[0] for _, f in chunk})
                    .select_related("receiving_unit", "version")}
        made = []
        for code, (dossier_id, kind, track) in chunk:
            d = dossiers[dossier_id]
            unit = services.unit_party(d.receiving_unit)
            applicant = services.applicant_party(d, unit)
            start = track[0][1]
            if kind == Kind.PICKUP:
                order = _order(d, Kind.PICKUP, code, applicant, unit, services.components_of(d),
                               f"Thu gom hồ sơ {d.code} gửi {d.receiving_unit.name}", start)
            else:
                order = _order(d, Kind.DELIVERY, code, unit, applicant, f"Kết quả giải quyết hồ sơ {d.code}",
                               f"Phát kết quả cho {d.applicant_name}", start)
            last = track[-1][0]
            order.status, order.status_message = last, mapping.STATUS_LABELS.get(last, "")
            order.state = OrderState.CANCELLED if last == mapping.CANCELLED else OrderState.CREATED
            made.append((order, track))
            counts[Kind(kind)] += 1
        _save(made)
    return counts[Kind.PICKUP], counts[Kind.DELIVERY]


def _history_pickups() -> int:
    done = PostalOrder.objects.filter(kind=Kind.PICKUP).values("dossier_id")
    qs = (Dossier.objects.filter(channel=Channel.POST).exclude(status=Status.NEW).exclude(pk__in=done)
          .select_related("receiving_unit", "version").order_by("pk"))
    n = 0
    for chunk in _chunks(list(qs)):
        events = _times([d.pk for d in chunk], ("submit", "receive", "refuse"))
        made = []
        for d in chunk:
            ev = events.get(d.pk, [])
            if len(ev) < 2:
                continue
            start, end = ev[0][1], ev[1][1]
            unit = services.unit_party(d.receiving_unit)
            order = _order(d, Kind.PICKUP, mapping.item_code("EP", d.pk), services.applicant_party(d, unit), unit,
                           services.components_of(d), f"Thu gom hồ sơ {d.code} gửi {d.receiving_unit.name}", start)
            made.append((order, _track(start, end)))
        n += _save(made)
    return n


def _history_deliveries() -> int:
    done = PostalOrder.objects.filter(kind=Kind.DELIVERY).values("dossier_id")
    qs = (Dossier.objects.filter(status=Status.RETURNED, result_delivery=ResultDelivery.POST).exclude(pk__in=done)
          .select_related("receiving_unit", "version").order_by("pk"))
    n = 0
    for chunk in _chunks(list(qs)):
        events = _times([d.pk for d in chunk], ("finish", "return"))
        made = []
        for d in chunk:
            ev = dict((a, (at, data)) for a, at, data in events.get(d.pk, []))
            code = (ev.get("return", (None, {}))[1]).get("postal_code", "")
            if "finish" not in ev or not mapping.valid_item_code(code):
                continue
            start, end = ev["finish"][0], ev["return"][0]
            unit = services.unit_party(d.receiving_unit)
            order = _order(d, Kind.DELIVERY, code, unit, services.applicant_party(d, unit),
                           f"Kết quả giải quyết hồ sơ {d.code}", f"Phát kết quả cho {d.applicant_name}", start)
            made.append((order, _track(start, end)))
        n += _save(made)
    return n


def _order(d: Dossier, kind: Kind, code: str, sender: mapping.Party, receiver: mapping.Party, sender_desc: str,
           description: str, start: datetime) -> PostalOrder:
    from dataclasses import asdict

    return PostalOrder(dossier=d, kind=kind, state=OrderState.CREATED, order_number=d.code, item_code=code,
                       status=mapping.DELIVERED, status_message=mapping.STATUS_LABELS[mapping.DELIVERED],
                       sender=asdict(sender), receiver=asdict(receiver), sender_desc=sender_desc[:1000],
                       description=description[:500], created_at=start, sent_at=start + timedelta(seconds=20))


def _track(start: datetime, end: datetime) -> list[tuple[int, datetime]]:
    """Registered, collecting, delivered: spread between the two events, delivered just before ``end``."""
    span = max(end - start, timedelta(0))
    return [(mapping.REGISTERED, start + span * 0.05), (mapping.COLLECTING, start + span * 0.4),
            (mapping.DELIVERED, start + span * 0.95)]


def _save(made: list[tuple[PostalOrder, list[tuple[int, datetime]]]]) -> int:
    taken = set(PostalOrder.objects.filter(item_code__in=[o.item_code for o, _ in made])
                .values_list("item_code", flat=True))
    made = [(o, rows) for o, rows in made if o.item_code not in taken]  # a code is one parcel
    if not made:
        return 0
    with transaction.atomic():
        for order, rows in made:
            order.status_at = rows[-1][1]
        PostalOrder.objects.bulk_create([o for o, _ in made])
        saved = {o.item_code: o for o in PostalOrder.objects.filter(item_code__in=[o.item_code for o, _ in made])}
        TrackingEvent.objects.bulk_create([
            TrackingEvent(order=saved[o.item_code], feed_id=i - saved[o.item_code].pk * 10, status=s,
                          message=mapping.STATUS_LABELS[s], reported_at=at, pulled_at=at, applied=True)
            for o, rows in made for i, (s, at) in enumerate(rows)])  # negative ids: never the post's feed
    return len(made)


def _chunks(items: list[Any]) -> list[list[Any]]:
    return [items[i:i + BATCH] for i in range(0, len(items), BATCH)]


def _live(out: IO[str]) -> None:
    from .jobs import client

    try:
        added = services.refill(client(), 200) if services.free_codes() < 50 else 0
    except Exception as exc:  # noqa: BLE001 - the simulator may not be running: say so, go on
        out.write(f"Không lấy được mã bưu gửi từ Bưu điện ({exc}); đơn mới sẽ chờ mã.\n")
        added = 0
    n = 0
    active = PostalOrder.objects.filter(state__in=ACTIVE)
    waiting = (Dossier.objects.filter(Q(channel=Channel.POST, status=Status.NEW)
                                      & ~Q(pk__in=active.filter(kind=Kind.PICKUP).values("dossier_id")))
               | Dossier.objects.filter(Q(result_delivery=ResultDelivery.POST, status=Status.PROCESSED)
                                        & ~Q(pk__in=active.filter(kind=Kind.DELIVERY).values("dossier_id"))))
    for d in waiting.select_related("receiving_unit", "version"):
        try:
            with transaction.atomic():
                (services.order_pickup if d.status == Status.NEW else services.order_delivery)(d)
            n += 1
        except DomainError:
            continue  # no address to collect from or deliver to
    out.write(f"Đã nhận {added} mã bưu gửi; {n} đơn bưu chính đang chờ worker gửi Bưu điện.\n")
