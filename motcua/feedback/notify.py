"""What a case's step tells its sender: the answer, the refusal, the request for information, the
follow-up's outcome. Recorded through motcua.notifications (the outbox) in the step's transaction,
on the channels the sender takes; a failure never blocks the step.

The notification kind is ``feedback`` (its templates ship in motcua/notifications/defaults.json); the
sender also reads the news on the portal's case page."""

from __future__ import annotations

import logging

from django.db import transaction
from django.urls import reverse

from motcua.conf import CONFIG
from motcua.domain.feedback import CaseAction

from .models import Case, CaseEvent

log = logging.getLogger("motcua.feedback")
KIND = "feedback"
TOLD = {CaseAction.ANSWER: "answer", CaseAction.REFUSE: "refuse", CaseAction.REQUEST_INFO: "request_info"}


def available() -> bool:
    from motcua.notifications.choices import Kind

    return KIND in Kind.values


def on_step(c: Case, ev: CaseEvent) -> None:
    """The handling steps' hook (``handling.CASE_HOOKS``)."""
    action = CaseAction(ev.action)
    if action not in TOLD or c.anonymous or not (c.sender_phone or c.sender_email) or not available():
        return
    try:
        with transaction.atomic():
            tell(c, ev, TOLD[action])
    except Exception:  # noqa: BLE001 - a notification must never block a step of the handling
        log.exception("notification of feedback event %s (case %s) not recorded", ev.pk, c.code)


# what the step means to the sender, in the message's language
WHAT = {
    "answer": {"vi": "đã có câu trả lời", "en": "an answer is ready"},
    "refuse": {"vi": "không được thụ lý", "en": "it cannot be taken up"},
    "request_info": {"vi": "cần ông/bà bổ sung thông tin", "en": "we need more information from you"},
}


def values_of(c: Case, what: str, language: str = "vi") -> dict[str, str]:
    from motcua.notifications.services import local_time

    lang = language if language in ("vi", "en") else "vi"
    return {"code": c.code, "unit": c.unit.name, "link": f"{CONFIG.public_url}{reverse('feedback:case', args=[c.pk])}",
            "what": WHAT[what][lang], "due": local_time(c.due_at)}


def tell(c: Case, ev: CaseEvent, what: str) -> int:
    from motcua.notifications import conf
    from motcua.notifications.choices import Channel
    from motcua.notifications.services import prefs_for, record

    prefs = prefs_for(c.owner_id, c.sender_phone, c.sender_email)
    language = prefs.language()
    n = 0
    for channel in prefs.channels():
        if channel not in conf.SETTINGS.enabled:
            continue
        recipient = c.sender_email if channel == Channel.EMAIL else c.sender_phone
        if recipient and record(f"fb{ev.pk}:{channel}:{recipient}", KIND, channel, recipient, language,
                                values_of(c, what, language), opted_out=prefs.opted_out(channel), user_id=c.owner_id):
            n += 1
    return n


def history(limit: int = 200) -> int:
    """``make demo``: the messages the history's senders were sent (SMS, status sent), for the latest
    answers, refusals and requests for information, built as :func:`tell` builds them and keyed the
    same way (a rerun adds nothing)."""
    from motcua.notifications.choices import Channel, Status
    from motcua.notifications.models import Notification
    from motcua.notifications.services import normalize_phone, render

    events = (CaseEvent.objects.filter(action__in=[a.value for a in TOLD], case__anonymous=False)
              .exclude(case__sender_phone="").select_related("case__unit").order_by("-at")[:limit])
    rows = []
    for ev in events:
        c, phone = ev.case, normalize_phone(ev.case.sender_phone)
        if not phone:
            continue
        r = render(KIND, Channel.SMS, "vi", values_of(c, TOLD[CaseAction(ev.action)], "vi"), phone)
        rows.append(Notification(
            key=f"fb{ev.pk}:{Channel.SMS}:{phone}", kind=KIND, channel=Channel.SMS, recipient=phone, language="vi",
            template=r.template if r.template.pk else None, subject=r.subject, text=r.text, data=r.data,
            status=Status.SENT, attempts=1, user_id=c.owner_id, created_at=ev.at, sent_at=ev.at,
            reply={"simulated": True, "message_id": f"demo-fb{ev.pk}"}))
    with transaction.atomic():
        before = Notification.objects.filter(kind=KIND).count()
        Notification.objects.bulk_create(rows, batch_size=500, ignore_conflicts=True)
        return Notification.objects.filter(kind=KIND).count() - before
