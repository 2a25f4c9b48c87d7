"""Notifications in ``make demo``: the generated history's recent events as notifications the
applicants were sent (the log shows them from the first start), and, with the channels on,
today's staff digest and live notifications through the simulators.

- The latest ``LIMIT`` notifiable events of the last ``DAYS`` days (received, supplement requested,
  payment requested, result ready, apology) each get an SMS to the applicant's mobile number and,
  for one dossier in three, a Zalo message: recorded as sent a few seconds after the event, with
  the simulator's reply (``{"simulated": true}``); texts rendered from the templates as a live one
  would be. Their keys are the live ones (event, channel, recipient), so running it twice, or the
  event hook, never doubles them.
- Channels on (``MOTCUA_EMAIL_HOST``, ``MOTCUA_SMS_URL``, ``MOTCUA_ZALO_URL`` set, the simulators up:
  ``motcua simulate sms``, ``motcua simulate zalo``): today's staff digest is built and queued (staff
  with an e-mail address), and the worker sends everything queued."""

from __future__ import annotations

from datetime import timedelta
from typing import IO

from django.db import transaction

from motcua.core import clock
from motcua.domain.lifecycle import Action
from motcua.dossiers.models import DossierEvent

from . import conf, services
from .choices import Channel, Status
from .models import Notification

DAYS = 30
LIMIT = 300
ACTIONS = [Action.INTAKE, Action.RECEIVE, Action.REQUEST_SUPPLEMENT, Action.REQUEST_PAYMENT, Action.FINISH,
           Action.EXTEND]


def prepare(out: IO[str]) -> None:
    made = history()
    out.write(f"Thông báo: {made} tin đã gửi cho người nộp hồ sơ trong {DAYS} ngày gần đây (lịch sử).\n")
    if not conf.SETTINGS.enabled:
        out.write("Các kênh thông báo đang tắt (MOTCUA_EMAIL_HOST, MOTCUA_SMS_URL, MOTCUA_ZALO_URL chưa đặt): "
                  "không gửi tin mới.\n")
        return
    if Channel.EMAIL in conf.SETTINGS.enabled:
        from . import digest

        out.write(f"Thông báo: {digest.build()} bản tổng hợp hằng ngày cho cán bộ đã xếp hàng gửi.\n")


def history() -> int:
    """Sent notifications for the latest notifiable events of the generated history."""
    since = clock.now() - timedelta(days=DAYS)
    events = (DossierEvent.objects.filter(at__gte=since, action__in=ACTIONS)
              .select_related("dossier__version", "dossier__receiving_unit").order_by("-at")[: LIMIT * 2])
    rows = []
    for ev in events:
        kind = services.kind_of(ev)
        phone = services.normalize_phone(ev.dossier.applicant_phone)
        if kind is None or not phone:
            continue
        channels = [Channel.SMS] + ([Channel.ZALO] if ev.dossier_id % 3 == 0 else [])
        values = services.dossier_values(ev.dossier, ev, kind, "vi")
        for channel in channels:
            r = services.render(kind, channel, "vi", values, phone)
            sent_at = ev.at + timedelta(seconds=5 + ev.pk % 40)
            rows.append(Notification(
                key=f"ev{ev.pk}:{channel}:{phone}", kind=kind, channel=channel, recipient=phone, language="vi",
                template=r.template if r.template.pk else None, subject=r.subject, text=r.text, data=r.data,
                status=Status.SENT, attempts=1, dossier_id=ev.dossier_id, event_id=ev.pk, created_at=ev.at,
                sent_at=sent_at, reply={"simulated": True, "message_id": f"demo-{ev.pk}-{channel}"}))
        if len(rows) >= LIMIT:
            break
    with transaction.atomic():
        before = Notification.objects.count()
        Notification.objects.bulk_create(rows, batch_size=500, ignore_conflicts=True)
        return Notification.objects.count() - before
