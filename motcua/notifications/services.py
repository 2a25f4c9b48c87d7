"""Notification use cases: what a dossier event tells its applicant (recorded and queued in the
event's transaction, through the outbox: nothing is sent for a change that rolls back), the
recipients' choices and opt-outs, and delivering a queued notification (the outbox handler).

One notification per (event, channel, recipient): its key makes recording it twice a no-op, and
the providers' own duplicate checks (request id, tracking_id) make a retry after a lost reply a
no-op at their end."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from motcua.conf import CONFIG
from motcua.core import clock
from motcua.domain.lifecycle import Action, Status
from motcua.dossiers.models import Dossier, DossierEvent
from motcua.integrations.sms.mapping import BadNumber, normalize
from motcua.jobs import outbox, registry

from . import conf, text
from .choices import SHRINKABLE, Channel, Kind, Language
from .choices import Status as NS
from .defaults import fields_of, shipped
from .models import Notification, Preference, Template

log = logging.getLogger("motcua.notifications")
DESTINATION = "notifications"
HISTORY = timedelta(hours=24)  # events older than this (a history generated or imported) notify nobody
UNSUBSCRIBE_SALT = "motcua.notifications.unsubscribe"

KIND_OF_ACTION = {Action.RECEIVE: Kind.RECEIVED, Action.REQUEST_SUPPLEMENT: Kind.SUPPLEMENT,
                  Action.REQUEST_PAYMENT: Kind.PAYMENT, Action.FINISH: Kind.RESULT, Action.EXTEND: Kind.EXTENSION}

PHRASES = {
    "vi": {"counter": "Mời ông/bà đến nhận kết quả tại {unit}, mang theo giấy tiếp nhận hồ sơ.",
           "post": "Kết quả được gửi qua bưu chính công ích đến địa chỉ ông/bà đã đăng ký.",
           "online": "Ông/bà đăng nhập Cổng dịch vụ công để tải kết quả: {download}",
           "currency": "{amount} đồng", "none": "(không ghi)", "footer": "Ngừng nhận thông báo qua thư điện tử: {url}"},
    "en": {"counter": "Please collect it at {unit}, bringing your receipt.",
           "post": "It is sent by public post to the address you registered.",
           "online": "Sign in to the public service portal to download it: {download}",
           "currency": "VND {amount}", "none": "(none given)", "footer": "Stop these e-mails: {url}"},
}


# ---- who and how ------------------------------------------------------------------------------

def normalize_phone(phone: str) -> str:
    """The mobile number in its international form (``84...``), or "" if it is not one."""
    try:
        return normalize(phone)
    except BadNumber:
        return ""


@dataclass
class Contacts:
    user_id: int | None
    phone: str  # normalized, "" if none
    email: str  # lower-cased, "" if none


def contacts_of(d: Dossier) -> Contacts:
    """The applicant's phone and e-mail: the dossier's, else the citizen account's."""
    phone, email = d.applicant_phone, d.applicant_email
    if d.owner_id and not (phone and email):
        owner = d.owner
        profile = getattr(owner, "citizen_profile", None)
        phone = phone or (profile.phone if profile else "")
        email = email or owner.email
    return Contacts(d.owner_id, normalize_phone(phone), (email or "").strip().lower())


@dataclass
class Prefs:
    account: Preference | None = None
    phone: Preference | None = None
    email: Preference | None = None

    def _all(self) -> list[Preference]:
        return [p for p in (self.account, self.phone, self.email) if p is not None]

    def channels(self) -> tuple[str, ...]:
        chosen = next((p.channels for p in self._all() if p.channels), None)
        return tuple(chosen) if chosen else conf.SETTINGS.default_channels

    def opted_out(self, channel: str) -> bool:
        by_address = self.email if channel == Channel.EMAIL else self.phone
        return any(p is not None and p.opted_out for p in (self.account, by_address))

    def language(self) -> str:
        return next((p.language for p in self._all()), Language.VI)


def prefs_for(user_id: int | None, phone: str = "", email: str = "") -> Prefs:
    """The preferences that apply to this account, phone number and address (one query)."""
    q = Q(pk__in=[])
    if user_id:
        q |= Q(user_id=user_id)
    if phone:
        q |= Q(phone=phone)
    if email:
        q |= Q(email=email)
    found = list(Preference.objects.filter(q))
    return Prefs(account=next((p for p in found if user_id and p.user_id == user_id), None),
                 phone=next((p for p in found if phone and p.phone == phone), None),
                 email=next((p for p in found if email and p.email == email), None))


def set_preference(*, user_id: int | None = None, phone: str = "", email: str = "", channels: list[str] | None = None,
                   opted_out: bool | None = None, language: str | None = None) -> Preference:
    """Record a recipient's choice (exactly one key: the account, a phone number or an address)."""
    key = ({"user_id": user_id} if user_id else {"phone": normalize_phone(phone)} if phone
           else {"email": email.strip().lower()})
    if not any(key.values()):
        from motcua.domain.errors import ValidationFailed

        raise ValidationFailed("A mobile number, an e-mail address or an account is required.",
                               fields={"phone" if phone else "email": "invalid"})
    pref, _ = Preference.objects.get_or_create(**key)
    if channels is not None:
        pref.channels = [c for c in channels if c in Channel.values]
    if opted_out is not None:
        pref.opted_out = opted_out
    if language is not None:
        pref.language = language
    pref.full_clean()
    pref.save()
    return pref


def unsubscribe_token(channel: str, address: str) -> str:
    return signing.dumps({"c": channel, "a": address}, salt=UNSUBSCRIBE_SALT, compress=True)


def unsubscribe_url(channel: str, address: str) -> str:
    return f"{CONFIG.public_url}/notifications/unsubscribe/{unsubscribe_token(channel, address)}/"


def read_unsubscribe(token: str) -> tuple[str, str] | None:
    """(channel, address) of a valid unsubscribe token, else None (tampered or malformed)."""
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or data.get("c") not in Channel.values or not data.get("a"):
        return None
    return str(data["c"]), str(data["a"])


def unsubscribe(token: str) -> Preference | None:
    """Opt the token's address out (no sign-in needed: the token is signed); None if invalid."""
    found = read_unsubscribe(token)
    if found is None:
        return None
    channel, address = found
    if channel == Channel.EMAIL:
        return set_preference(email=address, opted_out=True)
    return set_preference(phone=address, opted_out=True)


# ---- what to say ------------------------------------------------------------------------------

def local_time(at: datetime | None) -> str:
    return clock.local(at).strftime("%d/%m/%Y %H:%M") if at else ""


def lookup_link(code: str) -> str:
    return f"{CONFIG.public_url}/portal/lookup/?{urlencode({'code': code})}"


def dossier_values(d: Dossier, ev: DossierEvent, kind: str, language: str) -> dict[str, Any]:
    words = PHRASES.get(language, PHRASES["vi"])
    unit = d.receiving_unit.name
    v: dict[str, Any] = {"code": d.code, "procedure": d.version.name, "applicant": d.applicant_name, "unit": unit,
                         "link": lookup_link(d.code)}
    if kind == Kind.RECEIVED:
        v["appointment"] = local_time(d.appointment_at or d.due_at)
    elif kind == Kind.SUPPLEMENT:
        v["reason"] = ev.note or words["none"]
        v["items"] = "; ".join(str(i) for i in (ev.data.get("items") or [])) or v["reason"]
    elif kind == Kind.PAYMENT:
        v["amount"] = words["currency"].format(amount=f"{int(ev.data.get('amount') or 0):,}".replace(",", "."))
        v["reason"] = ev.note or words["none"]
    elif kind == Kind.RESULT:
        download = f"{CONFIG.public_url}/portal/dossiers/{d.pk}/"
        v["how"] = words.get(d.result_delivery, words["counter"]).format(unit=unit, download=download)
    elif kind == Kind.EXTENSION:
        v["reason"] = ev.note or words["none"]
        v["new_appointment"] = local_time(d.extended_to)
    return v


def template_for(kind: str, channel: str, language: str) -> Template:
    """The administrator's template, else the shipped one (in ``language``, else Vietnamese)."""
    for lang in dict.fromkeys((language, Language.VI)):
        found = Template.objects.filter(kind=kind, channel=channel, language=lang).first()
        if found is not None:
            return found
    for lang in dict.fromkeys((language, Language.VI)):
        t = shipped().get((kind, channel, lang))
        if t is not None:
            return Template(kind=kind, channel=channel, language=lang, **fields_of(t))
    raise LookupError(f"no template for {kind}/{channel}")


@dataclass
class Rendered:
    template: Template
    subject: str
    text: str
    data: dict[str, Any]


def render(kind: str, channel: str, language: str, values: dict[str, Any], recipient: str,
           template: Template | None = None) -> Rendered:
    """The message in its channel's form (``template``: already looked up); a template an
    administrator broke falls back to the shipped one."""
    t = template or template_for(kind, channel, language)
    try:
        return _render(t, channel, language, values, recipient)
    except text.UnknownPlaceholder:
        log.warning("template %s is broken; the shipped one is used", t)
        fallback = shipped().get((kind, channel, t.language)) or shipped()[(kind, channel, Language.VI)]
        return _render(Template(kind=kind, channel=channel, language=t.language, **fields_of(fallback)),
                       channel, language, values, recipient)


def _render(t: Template, channel: str, language: str, values: dict[str, Any], recipient: str) -> Rendered:
    if channel == Channel.SMS:
        body = text.fit_sms(t.body, values, conf.SETTINGS.sms_max_length, SHRINKABLE)
        return Rendered(t, "", body, {})
    body = text.render(t.body, values)
    if channel == Channel.EMAIL:
        if t.kind != Kind.DIGEST:
            footer = PHRASES.get(language, PHRASES["vi"])["footer"].format(url=unsubscribe_url(channel, recipient))
            body = f"{body}\n\n--\n{footer}"
        return Rendered(t, " ".join(text.render(t.subject, values).split())[:255], body, {})
    from motcua.integrations.zalo.mapping import template_data

    params = template_data(values, list(t.zns_params or text.placeholders(t.body)))
    return Rendered(t, "", body, {"template_id": t.zns_template_id, "params": params})


# ---- recording (in the caller's transaction) ----------------------------------------------------

def kind_of(ev: DossierEvent) -> str | None:
    if ev.action == Action.INTAKE:
        return Kind.RECEIVED if ev.to_status == Status.RECEIVED else None
    return KIND_OF_ACTION.get(ev.action)  # type: ignore[call-overload]


def on_event(d: Dossier, ev: DossierEvent) -> None:
    """The dossier services' event hook: the applicant's notifications for this event."""
    if not conf.SETTINGS.enabled:
        return
    kind = kind_of(ev)
    if kind is None or ev.at < clock.now() - HISTORY:
        return
    try:
        with transaction.atomic():  # a savepoint: a failure here leaves the dossier's change intact
            notify(d, ev, kind)
    except Exception:  # noqa: BLE001 - a notification must never block a legal operation on a dossier
        log.exception("notifications of event %s (dossier %s) not recorded", ev.pk, d.code)


def notify(d: Dossier, ev: DossierEvent, kind: str) -> list[Notification]:
    """Record and queue the applicant's notifications of ``ev`` on every channel they take."""
    contacts = contacts_of(d)
    prefs = prefs_for(contacts.user_id, contacts.phone, contacts.email)
    language = prefs.language()
    values = dossier_values(d, ev, kind, language)
    made = []
    for channel in prefs.channels():
        if channel not in conf.SETTINGS.enabled:
            continue
        recipient = contacts.email if channel == Channel.EMAIL else contacts.phone
        if not recipient:
            continue
        n = record(f"ev{ev.pk}:{channel}:{recipient}", kind, channel, recipient, language, values,
                   opted_out=prefs.opted_out(channel), dossier=d, event_id=ev.pk, user_id=contacts.user_id)
        if n is not None:
            made.append(n)
    return made


def record(key: str, kind: str, channel: str, recipient: str, language: str, values: dict[str, Any], *,
           opted_out: bool = False, **links: Any) -> Notification | None:
    """One notification, queued through the outbox (or logged as opted out); None if already recorded."""
    r = render(kind, channel, language, values, recipient)
    with transaction.atomic():
        try:
            with transaction.atomic():
                n = Notification.objects.create(
                    key=key, kind=kind, channel=channel, recipient=recipient, language=language,
                    template=r.template if r.template.pk else None, subject=r.subject, text=r.text, data=r.data,
                    status=NS.OPTED_OUT if opted_out else NS.QUEUED, created_at=timezone.now(), **links)
        except IntegrityError:
            return None
        if not opted_out:
            # one stream per dossier, channel and recipient: a retried message holds back the later ones
            stream = f"notify:{n.dossier_id}:{channel}:{recipient}" if n.dossier_id else None
            outbox.enqueue(DESTINATION, f"notify:{key}", {"ids": [n.pk]}, ordering_key=stream)
    return n


# ---- delivery (the outbox handler, outside any transaction) ---------------------------------------

class Retry(RuntimeError):
    """Some notifications of the message could not be sent yet: the outbox tries again."""


def deliver(message: Any) -> None:
    """Send the message's queued notifications; those sent, refused or opted out are settled one by
    one (a retry sends only the rest)."""
    from .senders import Refused, Senders

    final = message.attempts >= outbox.CONFIG.jobs_max_attempts
    pending = list(Notification.objects.filter(pk__in=message.payload.get("ids") or [], status=NS.QUEUED)
                   .select_related("dossier").order_by("pk"))
    failures = []
    # stop well inside the message's lease, so that no other worker takes it while this one still sends
    deadline = time.monotonic() + outbox.CONFIG.jobs_lease / 2
    with Senders() as senders:
        for n in pending:
            if time.monotonic() > deadline:
                raise Retry(f"lease nearly over: {len(pending) - pending.index(n)} left for the next attempt")
            if still_opted_out(n):
                _settle(n, NS.OPTED_OUT)
                continue
            try:
                reply = senders.send(n)
            except Refused as exc:
                _settle(n, NS.FAILED, error=str(exc))
            except Exception as exc:  # noqa: BLE001 - recorded on the notification, retried by the outbox
                failures.append(f"{n.pk}: {type(exc).__name__}: {exc}")
                _settle(n, NS.FAILED if final else NS.QUEUED, error=f"{type(exc).__name__}: {exc}"[:2000])
            else:
                _settle(n, NS.SENT, reply=reply)
    if failures and not final:
        raise Retry("; ".join(failures)[:2000])
    if failures:
        raise registry.Undeliverable("; ".join(failures)[:2000])


def still_opted_out(n: Notification) -> bool:
    """The recipient's opt-out as it is now (they may have opted out after it was queued)."""
    owner = n.user_id or (n.dossier.owner_id if n.dossier_id else None)
    phone = n.recipient if n.channel != Channel.EMAIL else ""
    email = n.recipient if n.channel == Channel.EMAIL else ""
    return prefs_for(owner, phone, email).opted_out(n.channel)


def _settle(n: Notification, status: str, reply: dict[str, Any] | None = None, error: str = "") -> None:
    fields: dict[str, Any] = {"status": status, "error": error, "attempts": n.attempts + 1}
    if reply is not None:
        fields |= {"reply": reply, "sent_at": timezone.now()}
    if status == NS.OPTED_OUT:
        fields["attempts"] = n.attempts
    Notification.objects.filter(pk=n.pk).update(**fields)


def register() -> None:
    """The outbox destination, the event hook and the daily digest job."""
    from motcua.dossiers import services as dossiers
    from motcua.jobs import periodic

    from . import tasks

    registry.register(DESTINATION, deliver)
    if on_event not in dossiers.EVENT_HOOKS:
        dossiers.EVENT_HOOKS.append(on_event)
    periodic.register("notifications.digest", lambda: 3600.0,
                      lambda: Channel.EMAIL in conf.SETTINGS.enabled and tasks.build_digest.using(priority=5).enqueue())
