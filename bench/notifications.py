"""Issue 11 notifications: notifications sent per second to the SMS and Zalo simulators and to a
real SMTP server (one in-process worker delivering outbox messages), and the staff's daily digest
for 10,000 staff members built (target: under a minute).

Set-up (not timed): the demo province (``motcua demo --dossiers 0``), ``--n`` open dossiers
bulk-loaded over the last 15 days (many overdue or approaching), ``--staff`` extra staff members
with e-mail addresses, each with one role at a random unit with an overdue dossier (so each gets a digest); the
SMS and Zalo simulators and an SMTP sink (``python -m aiosmtpd -c aiosmtpd.handlers.Sink``) as subprocesses.

Timed:
- ``record``: the applicant notifications of ``--send`` dossiers recorded and queued (what the event
  hook adds to a dossier's transaction), per channel;
- ``send``: those notifications delivered by ``outbox.deliver_one``, one message after the other (as
  one worker would): notifications/s per channel, with each provider's HTTP or SMTP round trip;
- ``digest``: ``digest.build`` for every staff member (flagged dossiers read once, indexed by unit
  path, 10,000 texts rendered, notifications bulk-written, batches queued), then the digests
  delivered to the SMTP sink in batches of 100 over one connection each.

    .venv/bin/python bench/notifications.py --db sqlite --n 20000 --staff 10000 --send 1000

Measured (2 shared cores under load, 2026-12-02; bench/RESULTS.md): SQLite 63 SMS/s, 59 Zalo/s, 56
e-mails/s, PostgreSQL 37, 29, 29 /s (commits dominate); the 10,000-staff digest built in 6.5 s (SQLite)
and 6.8 s (PostgreSQL), sent at 276 and 102 digests/s.
"""

from __future__ import annotations

import dataclasses
import random
import socket
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import common


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start(cmd: list[str]) -> tuple[subprocess.Popen[str], str]:
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True, cwd=common.ROOT)
    line = p.stdout.readline() if p.stdout else ""
    return p, line.strip().rsplit(" ", 1)[-1]


def main() -> None:
    ap = common.parser(__doc__.splitlines()[0], 20000, default_db="sqlite")
    ap.add_argument("--staff", type=int, default=10000)
    ap.add_argument("--send", type=int, default=1000, help="dossiers whose notifications are sent, per channel")
    opts = ap.parse_args()
    url = common.db_url(opts.db, opts.name or "motcua_bench_notify")
    common.prepare(url, opts.reuse)
    common.setup_django(url)
    tmp = Path(tempfile.mkdtemp())
    sms, sms_url = start([sys.executable, "-m", "motcua.integrations.sms.simulator", "--port", "0",
                          "--state", str(tmp / "sms.sqlite3")])
    zalo, zalo_url = start([sys.executable, "-m", "motcua.integrations.zalo.simulator", "--port", "0",
                            "--state", str(tmp / "zalo.sqlite3")])
    smtp_port = free_port()
    smtp = subprocess.Popen([sys.executable, "-m", "aiosmtpd", "-n", "-l", f"127.0.0.1:{smtp_port}", "-c",
                             "aiosmtpd.handlers.Sink"], cwd=common.ROOT)
    time.sleep(1.0)
    try:
        result = run(opts, sms_url, zalo_url, smtp_port)
    finally:
        for p in (sms, zalo, smtp):
            p.terminate()
            p.wait(10)
        if not opts.keep:
            common.drop_db(url)
    common.emit({"bench": "notifications", "db": opts.db, **result}, opts.json)


def add_staff(n: int) -> float:
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from motcua.units.choices import Role
    from motcua.units.models import StaffRole

    t0 = time.perf_counter()
    rng = random.Random(11)
    from motcua.dossiers.models import Dossier

    # units with an overdue dossier received or handled there: every member has a digest to get
    late = Dossier.objects.filter(status__in=[2, 4, 6], due_at__lt=timezone.now())
    units = sorted(set(late.values_list("receiving_unit_id", flat=True).distinct())
                   | set(late.values_list("handling_unit_id", flat=True).distinct()))
    User = get_user_model()  # noqa: N806
    users = User.objects.bulk_create([User(username=f"bench_staff_{i}", email=f"staff{i}@bench.example.vn",
                                           first_name="Cán bộ", last_name=f"Số {i}", password="!")
                                      for i in range(n)], batch_size=2000)
    roles = [Role.COUNTER_OFFICER, Role.SPECIALIST, Role.LEADER, Role.MONITOR]
    StaffRole.objects.bulk_create([StaffRole(user=u, unit_id=rng.choice(units), role=rng.choice(roles))
                                   for u in users], batch_size=2000)
    return time.perf_counter() - t0


def send_rate(channel: str, dossiers: list[Any]) -> dict[str, Any]:
    from django.db import transaction

    from motcua.dossiers.models import DossierEvent
    from motcua.jobs import outbox
    from motcua.jobs.models import OutboxMessage
    from motcua.notifications import services
    from motcua.notifications.models import Notification

    events = {e.dossier_id: e for e in DossierEvent.objects.filter(dossier__in=dossiers, seq=1)}
    t0 = time.perf_counter()
    with transaction.atomic():
        for i, d in enumerate(dossiers):
            ev = events[d.pk]
            recipient = f"an{i}@bench.example.vn" if channel == "email" else f"84{(98, 91)[i % 2]}{i:07d}"
            values = services.dossier_values(d, ev, "received", "vi")
            services.record(f"bench:{ev.pk}:{channel}:{recipient}", "received", channel, recipient, "vi", values,
                            dossier=d, event_id=ev.pk)
    record_s = time.perf_counter() - t0
    ids = list(OutboxMessage.objects.filter(key__startswith="notify:bench:", key__contains=f":{channel}:",
                                            status="pending").values_list("id", flat=True))
    t0 = time.perf_counter()
    outcomes = [outbox.deliver_one(i)[0] for i in ids]
    send_s = time.perf_counter() - t0
    sent = Notification.objects.filter(key__startswith="bench:", channel=channel, status="sent").count()
    return {"notifications": len(ids), "sent": sent, "outcomes": {o: outcomes.count(o) for o in set(outcomes)},
            "record_per_s": round(len(dossiers) / record_s, 1), "send_s": round(send_s, 2),
            "send_per_s": round(len(ids) / send_s, 1)}


def run(opts: Any, sms_url: str, zalo_url: str, smtp_port: int) -> dict[str, Any]:
    from motcua.core import clock
    from motcua.dossiers.models import Dossier
    from motcua.jobs import outbox
    from motcua.jobs.models import OutboxMessage
    from motcua.notifications import conf, digest, senders
    from motcua.notifications.models import Notification

    conf.SETTINGS = dataclasses.replace(conf.SETTINGS, email_host="127.0.0.1", email_port=smtp_port,
                                        sms_url=sms_url, zalo_url=zalo_url)
    senders.reset_clients()
    end = date.today() - timedelta(days=1)
    loaded = common.load_open_dossiers(opts.n, end - timedelta(days=15), end)
    staff_s = add_staff(opts.staff)
    common.analyze(common.db_url(opts.db, opts.name or "motcua_bench_notify"))
    out: dict[str, Any] = {"dossiers": loaded, "staff_added": opts.staff, "staff_seconds": round(staff_s, 1)}
    sample = list(Dossier.objects.select_related("version", "receiving_unit").order_by("pk")[: opts.send])
    for channel in ("sms", "zalo", "email"):
        out[channel] = send_rate(channel, sample)

    now = clock.now()
    times = []
    for _ in range(max(1, opts.repeat)):  # each run builds the day's digests afresh
        Notification.objects.filter(kind="digest").delete()
        OutboxMessage.objects.filter(key__startswith="notify:digest:").delete()
        t0 = time.perf_counter()
        built = digest.build(now)
        times.append(time.perf_counter() - t0)
    flagged, _ = digest.collect(now)
    ids = list(OutboxMessage.objects.filter(key__startswith="notify:digest:", status="pending")
               .values_list("id", flat=True))
    t0 = time.perf_counter()
    for i in ids:
        outbox.deliver_one(i)
    mail_s = time.perf_counter() - t0
    sent = Notification.objects.filter(kind="digest", status="sent").count()
    out["digest"] = {"staff_with_digest": built, "flagged_dossiers": len(flagged),
                     "runs_s": [round(t, 2) for t in times],
                     "build_s": round(common.median(times), 2), "batches": len(ids), "sent": sent,
                     "send_s": round(mail_s, 2), "send_per_s": round(sent / mail_s, 1) if mail_s else None}
    return out


if __name__ == "__main__":
    main()
