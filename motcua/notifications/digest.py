"""The staff's daily digest: for every staff member, the open dossiers of their units that are
overdue or approaching their due time, as the "Quá hạn" and "Sắp đến hạn" queues show them
(``services.flagged`` over what the member's roles cover, ``visible_dossiers``' rule).

Built for every member at once: the flagged dossiers are read once per province and indexed by
every unit path they fall under, each member's set is the union of their units' entries; the
notifications are written in bulk and sent in batches (one outbox message per ``batch``), so a
day's 10,000 digests take seconds (bench/notifications.py)."""

from __future__ import annotations

import heapq
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from motcua.conf import CONFIG
from motcua.core import clock
from motcua.dossiers import services as svc
from motcua.dossiers.models import Dossier
from motcua.jobs import outbox
from motcua.units.models import StaffRole, Unit

from . import conf
from .choices import Channel, Kind
from .choices import Status as NS
from .models import Notification, Preference
from .services import DESTINATION, local_time, render, template_for


@dataclass(frozen=True)
class Item:
    code: str
    procedure: str
    due_at: datetime
    overdue: bool


def prefixes(path: str) -> list[str]:
    """``/1/5/9/`` -> ``/1/``, ``/1/5/``, ``/1/5/9/``: every unit whose subtree holds the path."""
    parts = [p for p in path.split("/") if p]
    return ["/" + "/".join(parts[: i + 1]) + "/" for i in range(len(parts))]


def collect(now: datetime) -> tuple[list[Item], dict[str, set[int]]]:
    """The flagged dossiers, overdue first and then by due time, and per unit path the indexes
    (ranks) of those under it."""
    items: list[Item] = []
    index: dict[str, set[int]] = defaultdict(set)
    fields = ("code", "version__name", "due_at", "receiving_path", "handling_path")
    overdue = svc.flagged(Dossier.objects.all(), "overdue", 0, now).values_list(*fields)
    rows = [(r, True) for r in overdue.iterator(chunk_size=5000)]
    for province in Unit.objects.filter(parent__isnull=True).values_list("pk", flat=True):
        near = (svc.flagged(Dossier.objects.filter(receiving_path__startswith=f"/{province}/"), "approaching",
                            province, now).values_list(*fields))
        rows.extend((r, False) for r in near.iterator(chunk_size=5000))
    rows.sort(key=lambda r: (not r[1], r[0][2]))  # overdue first, then by due time: an index is a rank
    for (code, name, due, recv, handling), late in rows:
        i = len(items)
        items.append(Item(code, name, due, late))
        for p in {*prefixes(recv), *prefixes(handling)}:
            index[p].add(i)
    return items, index


def staff() -> dict[int, dict[str, Any]]:
    """Active staff with an e-mail address: user id -> name, e-mail, their units' paths."""
    users = {uid: {"email": email, "name": f"{last} {first}".strip() or username, "paths": set()}
             for uid, email, first, last, username in get_user_model().objects.filter(
                 is_active=True, staff_roles__isnull=False).exclude(email="").distinct()
             .values_list("pk", "email", "first_name", "last_name", "username")}
    for uid, path in StaffRole.objects.values_list("user_id", "unit__path"):
        if uid in users:
            users[uid]["paths"].add(path)
    return users


@dataclass(frozen=True)
class Summary:
    listed: str
    more: str
    overdue: int
    approaching: int


def summarize(items: list[Item], chosen: set[int], limit: int, language: str) -> Summary:
    """The most urgent ``limit`` of ``chosen`` listed (indexes are ranks: the smallest first) and the counts."""
    en = language == "en"
    shown = heapq.nsmallest(limit, chosen)
    listed = "\n".join(
        f"- {items[i].code}: {items[i].procedure} (due {local_time(items[i].due_at)}, "
        f"{'OVERDUE' if items[i].overdue else 'due soon'})" if en else
        f"- {items[i].code}: {items[i].procedure} (hạn {local_time(items[i].due_at)}, "
        f"{'QUÁ HẠN' if items[i].overdue else 'sắp đến hạn'})" for i in shown)
    rest = len(chosen) - len(shown)
    more = "" if rest <= 0 else (f"... and {rest} more.\n" if en else f"... và {rest} hồ sơ khác.\n")
    late = sum(1 for i in chosen if items[i].overdue)
    return Summary(listed, more, late, len(chosen) - late)


def build(now: datetime | None = None) -> int:
    """Today's digests for every staff member who has flagged dossiers; returns how many were
    recorded (0 when today's are already there)."""
    now = now or clock.now()
    day = clock.local_date(now)
    prefix = f"digest:{day:%Y%m%d}:"
    done = set(Notification.objects.filter(key__startswith=prefix).values_list("user_id", flat=True))
    items, index = collect(now)
    people = staff()
    prefs = {p.user_id: p for p in Preference.objects.filter(user_id__in=list(people))}
    link = f"{CONFIG.public_url}/office/queues/overdue/"
    summaries: dict[tuple[frozenset[str], str], Summary | None] = {}  # members of the same units share one
    templates: dict[str, Any] = {}
    rows = []
    for uid, who in people.items():
        if uid in done:
            continue
        pref = prefs.get(uid)
        language = pref.language if pref else "vi"
        key = (frozenset(who["paths"]), language)
        if key not in summaries:
            chosen = set().union(*(index.get(p, ()) for p in key[0]))
            summaries[key] = summarize(items, chosen, conf.SETTINGS.digest_items, language) if chosen else None
        summary = summaries[key]
        if summary is None:
            continue
        if language not in templates:
            templates[language] = template_for(Kind.DIGEST, Channel.EMAIL, language)
        values = {"name": who["name"], "date": f"{day:%d/%m/%Y}", "overdue_count": summary.overdue,
                  "approaching_count": summary.approaching, "items": summary.listed, "more": summary.more,
                  "link": link}
        r = render(Kind.DIGEST, Channel.EMAIL, language, values, who["email"], templates[language])
        rows.append(Notification(key=f"{prefix}{uid}:email", kind=Kind.DIGEST, channel=Channel.EMAIL,
                                 recipient=who["email"], language=language, template=r.template if r.template.pk
                                 else None, subject=r.subject, text=r.text, user_id=uid, created_at=timezone.now(),
                                 status=NS.OPTED_OUT if pref and pref.opted_out else NS.QUEUED))
    return save(rows, prefix)


def save(rows: list[Notification], prefix: str) -> int:
    """Write the digests and queue them, ``batch`` to an outbox message, in one transaction."""
    batch = max(1, conf.SETTINGS.batch)
    with transaction.atomic():
        Notification.objects.bulk_create(rows, batch_size=1000)
        queued = [r.pk for r in rows if r.status == NS.QUEUED]
        if rows and rows[0].pk is None:  # a database that does not return the new ids
            queued = list(Notification.objects.filter(key__in=[r.key for r in rows], status=NS.QUEUED)
                          .order_by("pk").values_list("pk", flat=True))
        for start in range(0, len(queued), batch):
            ids = queued[start:start + batch]
            outbox.enqueue(DESTINATION, f"notify:{prefix}{ids[0]}", {"ids": ids})
    return len(rows)
