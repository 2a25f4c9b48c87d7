"""Appointment services: book a slot (to submit a dossier, or to collect a dossier's result), cancel it,
check in on arrival (an appointment ticket), and mark the missed ones. Pages, the kiosk, the API and
jobs call these with plain arguments.

Capacity holds under concurrency: a booking locks its service group's row (``SELECT ... FOR UPDATE``;
on SQLite the write lock serializes the transactions) and counts the slot's bookings inside that lock,
so two citizens booking the last place get one booking and one refusal.
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from motcua.core import clock
from motcua.domain import slots as rules
from motcua.domain.lifecycle import Status

from . import services
from . import slots as slotsvc
from .choices import AppointmentPurpose, AppointmentStatus, TicketKind
from .models import Appointment, ServiceGroup, Ticket
from .services import QueueError

log = logging.getLogger("motcua.queueing")
COLLECT_OFFER_BEFORE = timedelta(days=3)  # collecting a result is offered from 3 days before its appointment time
NOTIFICATION_KIND = "appointment"
MAX_OPEN = 5  # booked appointments still to come that one citizen account may hold


@dataclass(frozen=True)
class Person:
    """Who comes: the citizen account (if any) and the name, identity number and phone to show."""

    user_id: int | None
    name: str
    id_number: str = ""
    phone: str = ""


def person_of(user) -> Person:  # noqa: ANN001
    profile = getattr(user, "citizen_profile", None)
    name = " ".join(p for p in (user.last_name, user.first_name) if p) or user.get_username()
    return Person(user.pk, name, profile.id_number if profile else "", profile.phone if profile else "")


def _new_code() -> str:
    return rules.new_code(secrets.randbelow(len(rules.CODE_ALPHABET)) for _ in range(rules.CODE_LENGTH))


def book(group: ServiceGroup, starts_at: datetime, person: Person, *, procedure_id: int | None = None,
         dossier=None, purpose: str = AppointmentPurpose.SUBMIT, at: datetime | None = None) -> Appointment:  # noqa: ANN001
    """Book the slot of ``group`` starting at ``starts_at``: only an offered slot (working time, not
    begun, within the horizon, for a result not before its appointment time) with room left."""
    at = at or clock.now()
    if not group.active:
        raise QueueError(_("Nhóm dịch vụ này đang tạm ngừng nhận lịch hẹn."))
    cal = slotsvc.calendar_of(group)
    not_before = dossier.appointment_at if dossier is not None and purpose == AppointmentPurpose.COLLECT else None
    offered = rules.find_slot(slotsvc.slots_of_day(group, cal.local_date(starts_at), at, not_before, cal), starts_at)
    if offered is None:
        raise QueueError(_("Khung giờ đã chọn không còn nhận lịch hẹn. Vui lòng chọn khung giờ khác."))
    for _attempt in range(5):
        try:
            with transaction.atomic():
                ServiceGroup.objects.select_for_update().filter(pk=group.pk).first()  # the group's bookings, one by one
                held = Appointment.objects.filter(slotsvc.HOLDING, group=group, starts_at=offered.starts_at)
                if person.user_id and held.filter(owner_id=person.user_id).exists():
                    raise QueueError(_("Bạn đã đặt lịch hẹn trong khung giờ này."))
                if person.user_id and Appointment.objects.filter(
                        owner_id=person.user_id, status=AppointmentStatus.BOOKED, ends_at__gt=at).count() >= MAX_OPEN:
                    raise QueueError(_("Bạn đang có %(n)s lịch hẹn chưa đến. Vui lòng hủy bớt trước khi đặt thêm.")
                                     % {"n": MAX_OPEN})
                if not rules.can_book(offered, held.count()):
                    raise QueueError(_("Khung giờ này vừa hết chỗ. Vui lòng chọn khung giờ khác."))
                a = Appointment.objects.create(
                    unit_id=group.unit_id, group=group, purpose=purpose, procedure_id=procedure_id,
                    dossier=dossier, owner_id=person.user_id, name=person.name[:255], id_number=person.id_number,
                    phone=person.phone, starts_at=offered.starts_at, ends_at=offered.ends_at, code=_new_code())
                _notify(a)  # queued through the outbox in this transaction, sent by the worker after it
                return a
        except IntegrityError:  # the rare code collision: draw another
            continue
    raise QueueError(_("Không tạo được mã lịch hẹn, vui lòng thử lại."))


def cancel(appointment: Appointment, user_id: int | None, at: datetime | None = None) -> Appointment:
    """Cancel a booked appointment (its owner, before its slot ends): the place is free again."""
    at = at or clock.now()
    if user_id is not None and appointment.owner_id != user_id:
        raise QueueError(_("Bạn không thể hủy lịch hẹn này."))
    with transaction.atomic():
        a = Appointment.objects.select_for_update().get(pk=appointment.pk)
        if a.status != AppointmentStatus.BOOKED:
            raise QueueError(_("Lịch hẹn này không còn hủy được (%(status)s).") % {"status": a.get_status_display()})
        if a.ends_at <= at:
            raise QueueError(_("Lịch hẹn đã qua, không hủy được."))
        a.status = AppointmentStatus.CANCELLED
        a.save(update_fields=["status"])
    return a


def mine(user_id: int):  # noqa: ANN201
    return (Appointment.objects.filter(owner_id=user_id).select_related("unit", "group", "procedure", "dossier")
            .order_by("-starts_at"))


def of_owner(user_id: int, code: str) -> Appointment | None:
    return mine(user_id).filter(code=rules.normalize_code(code)).first()


# ---- arrival ---------------------------------------------------------------------------------------

def check_in(code: str, unit, at: datetime | None = None) -> Ticket:  # noqa: ANN001
    """The kiosk's "Tôi có lịch hẹn": the appointment ticket of the code typed or scanned, at its unit,
    on its day, from an hour before its slot to half an hour after (motcua.domain.slots). A second
    check-in gives the same ticket."""
    at = at or clock.now()
    norm = rules.normalize_code(code)
    if not norm:
        raise QueueError(_("Vui lòng nhập mã lịch hẹn."))
    unit_id = getattr(unit, "pk", unit)
    with transaction.atomic():
        a = (Appointment.objects.select_for_update().filter(code=norm).first())
        if a is None:
            raise QueueError(_("Không tìm thấy lịch hẹn có mã %(code)s. Vui lòng kiểm tra lại mã.") % {"code": norm})
        if a.unit_id != unit_id:
            raise QueueError(_("Lịch hẹn %(code)s được đặt tại %(unit)s, không phải tại đơn vị này.")
                             % {"code": norm, "unit": a.unit.name})
        existing = Ticket.objects.select_related("group").filter(appointment=a).first()
        if existing is not None:
            return existing
        _refuse_check_in(a, norm, at)
        procedure_id = a.procedure_id or (a.dossier.procedure_id if a.dossier_id else None)
        ticket = services.issue_ticket(a.group, kind=TicketKind.APPOINTMENT, procedure_id=procedure_id,
                                       appointment=a, at=at)
        if a.dossier_id and ticket.dossier_id is None:
            Ticket.objects.filter(pk=ticket.pk).update(dossier_id=a.dossier_id)
            ticket.dossier_id = a.dossier_id
        a.status = AppointmentStatus.CHECKED_IN
        a.save(update_fields=["status"])
    return ticket


def _refuse_check_in(a: Appointment, norm: str, at: datetime) -> None:
    """Raise why ``a`` cannot be checked in at ``at``: cancelled, missed, another day, too early or too late."""
    if a.status == AppointmentStatus.CANCELLED:
        raise QueueError(_("Lịch hẹn %(code)s đã bị hủy.") % {"code": norm})
    if a.status == AppointmentStatus.MISSED:
        raise QueueError(_("Lịch hẹn %(code)s đã quá hạn (không đến).") % {"code": norm})
    when = clock.local(a.starts_at)
    verdict = rules.check_in_verdict(a.starts_at, a.ends_at, at)
    if verdict == "other_day":
        raise QueueError(_("Lịch hẹn %(code)s là ngày %(day)s, không phải hôm nay.")
                         % {"code": norm, "day": f"{when:%d/%m/%Y}"})
    if verdict == "early":
        opens = clock.local(a.starts_at - rules.CHECK_IN_BEFORE)
        raise QueueError(_("Lịch hẹn %(code)s lúc %(time)s: vui lòng lấy số từ %(opens)s.")
                         % {"code": norm, "time": f"{when:%H:%M}", "opens": f"{opens:%H:%M}"})
    if verdict == "late":
        raise QueueError(_("Lịch hẹn %(code)s lúc %(time)s đã quá giờ. Vui lòng lấy số thường.")
                         % {"code": norm, "time": f"{when:%H:%M}"})


def mark_missed(at: datetime | None = None) -> int:
    """Appointments still booked whose day has ended become missed (the day-end job); returns how many."""
    at = at or clock.now()
    today_start = clock.aware(datetime.combine(clock.local_date(at), datetime.min.time()))
    return (Appointment.objects.filter(status=AppointmentStatus.BOOKED, ends_at__lt=today_start)
            .update(status=AppointmentStatus.MISSED))


# ---- collecting a result ------------------------------------------------------------------------------

@dataclass(frozen=True)
class CollectOffer:
    group: ServiceGroup
    not_before: datetime | None


def collect_offer(dossier, at: datetime | None = None) -> CollectOffer | None:  # noqa: ANN001
    """Whether the dossier's page offers an appointment to collect its result: processed (the result is
    at the one-stop department), or its appointment time within three days; at its return unit (else its
    receiving unit), in the group serving its procedure's field; from its appointment time on."""
    at = at or clock.now()
    near = dossier.appointment_at is not None and dossier.appointment_at - COLLECT_OFFER_BEFORE <= at
    if dossier.status not in (Status.PROCESSED, Status.PROCESSING) or not (dossier.status == Status.PROCESSED or near):
        return None
    unit_id = dossier.return_unit_id or dossier.receiving_unit_id
    group = slotsvc.group_for(unit_id, dossier.procedure.field_id)
    if group is None:
        return None
    return CollectOffer(group, dossier.appointment_at)


def open_collect(dossier_id: int) -> Appointment | None:
    return Appointment.objects.filter(dossier_id=dossier_id, purpose=AppointmentPurpose.COLLECT,
                                      status=AppointmentStatus.BOOKED).first()


# ---- the confirmation ---------------------------------------------------------------------------------

def notification_values(a: Appointment) -> dict[str, str]:
    from django.urls import reverse

    from motcua.conf import CONFIG

    when = clock.local(a.starts_at)
    what = a.procedure.name if a.procedure_id else (a.dossier.procedure.name if a.dossier_id else a.group.name)
    return {"code": a.code, "unit": a.unit.name, "time": f"{when:%H:%M %d/%m/%Y}", "purpose": a.get_purpose_display(),
            "procedure": what, "link": CONFIG.public_url + reverse("booking:detail", args=[a.code])}


def _notify(a: Appointment) -> int:
    """The booking's confirmation on the citizen's channels, recorded and queued through the
    notifications outbox (a savepoint: a failure never blocks the booking)."""
    try:
        from motcua.notifications import conf
        from motcua.notifications.choices import Channel, Kind
        from motcua.notifications.services import normalize_phone, prefs_for, record
    except ImportError:  # pragma: no cover
        return 0
    if NOTIFICATION_KIND not in Kind.values or not conf.SETTINGS.enabled:
        return 0
    n = 0
    try:
        with transaction.atomic():
            email = ""
            if a.owner_id:
                email = (a.owner.email or "").strip().lower()
            phone = normalize_phone(a.phone)
            prefs = prefs_for(a.owner_id, phone, email)
            language = prefs.language()
            values = notification_values(a)
            for channel in prefs.channels():
                if channel not in conf.SETTINGS.enabled:
                    continue
                recipient = email if channel == Channel.EMAIL else phone
                if recipient and record(f"appt{a.pk}:{channel}:{recipient}", NOTIFICATION_KIND, channel, recipient,
                                        language, values, opted_out=prefs.opted_out(channel), user_id=a.owner_id):
                    n += 1
    except Exception:  # noqa: BLE001 - a confirmation must never block a booking
        log.exception("confirmation of appointment %s not recorded", a.code)
    return n
