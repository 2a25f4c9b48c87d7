"""``kill -9`` of the worker in the middle of a batch, 20 times, loses and duplicates nothing on the
(simulated) national portal (issue 9, "Done when").

Real ``motcua worker`` processes on PostgreSQL share the test database with this process and talk
to the simulator server over HTTP; every portal call is slowed down (``delay`` fault) so that each
SIGKILL lands while a dossier is being pushed. Most dossiers have their whole history before the
first worker starts; the others get new events from this process between the kills, while workers
deliver. A killed worker leaves its message leased (MOTCUA_JOBS_LEASE) with its task RUNNING for
ever: the periodic sweep (and ``--once``) hands it to the next worker once the lease has run out.
At the end the portal holds exactly motcua's dossiers, each with its status and exactly its trail.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.db.models import Max
from django.utils import timezone

from motcua.dossiers import services as svc
from motcua.dossiers.models import Dossier, DossierEvent
from motcua.integrations.national_portal import sync
from motcua.integrations.national_portal.models import DossierSync, SyncState
from motcua.jobs.models import OutboxMessage, PeriodicSchedule, Status
from tests.factories import finished
from tests.integrations.conftest import AGENCY, DSTCODE
from tests.integrations.test_sync import new_dossier, portal_on, portal_view, worked  # noqa: F401 - a fixture
from tests.jobs.test_workers import shared_db_url  # noqa: F401 - a fixture

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]
MOTCUA = str(Path(sys.executable).with_name("motcua"))
KILLS = 20
FULL, LIVE = 50, 20  # dossiers with their whole history before the workers / given events between the kills
LEASE = 4.0  # > connect + read timeouts (1 + 2 s), as the settings check demands


def worker_env(url: str, sim_url: str) -> dict[str, str]:
    return {**os.environ, "MOTCUA_DATABASE_URL": url, "MOTCUA_ENV": "test",
            "MOTCUA_NATIONAL_PORTAL_URL": sim_url, "MOTCUA_NATIONAL_PORTAL_DSTCODE": DSTCODE,
            "MOTCUA_NATIONAL_PORTAL_UNIT_CODE": AGENCY, "MOTCUA_NATIONAL_PORTAL_TRAIL_CHUNK": "3",
            "MOTCUA_NATIONAL_PORTAL_CONNECT_TIMEOUT": "1", "MOTCUA_NATIONAL_PORTAL_READ_TIMEOUT": "2",
            "MOTCUA_JOBS_LEASE": str(LEASE), "MOTCUA_JOBS_BACKOFF_BASE": "0.1", "MOTCUA_JOBS_BACKOFF_MAX": "0.3"}


def wait_until(condition, timeout: float, what: str) -> None:  # noqa: ANN001
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out: {what}")
        time.sleep(0.02)


def in_hand(name: str):  # noqa: ANN201 - the DBTaskResult the worker is running, or None
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.filter(status="RUNNING", worker_ids__contains=[name]).first()


def pending() -> int:
    return OutboxMessage.objects.filter(destination="national_portal", status=Status.PENDING).count()


def advance(world, d: Dossier, commune: str) -> None:  # noqa: ANN001
    """The rest of a started dossier's life, recorded while workers deliver its earlier events."""
    svc.request_supplement(world.actor(f"specialist_{commune}"), d.pk, "Thiếu giấy chứng sinh")
    svc.supplement(world.actor(f"counter_{commune}"), d.pk, "Đã bổ sung")
    finished(world, d.pk, commune)
    svc.return_result(world.actor(f"counter_{commune}"), d.pk)


def test_kill_9_of_the_worker_twenty_times_mid_batch_loses_and_duplicates_nothing(world, portal_on,  # noqa: F811
                                                                                   shared_db_url):  # noqa: F811
    sim = portal_on
    rng = random.Random()
    t0 = time.monotonic()
    far = timezone.now() + timedelta(days=1)
    for name in ("readmodel.refresh", "tasks.prune", "events.verify"):  # only the sweep runs beside deliveries
        PeriodicSchedule.objects.update_or_create(name=name, defaults={"next_run_at": far})
    full = [worked(world, "ab"[i % 2]) for i in range(FULL)]
    live = [new_dossier(world, "ab"[i % 2]) for i in range(LIVE)]
    for d in live:
        svc.start(world.actor(f"counter_{'ab'[live.index(d) % 2]}"), d.pk)
    t1 = time.monotonic()
    sim.faults(delay=0.05)  # every portal call takes 50 ms: a dossier's push is ~6 calls
    env = worker_env(shared_db_url, sim.url)

    mid_push = 0  # kills that landed while the dead worker held a message whose trail was partly sent
    for i in range(KILLS):
        name = f"kill{i}"
        w = subprocess.Popen([MOTCUA, "worker", "--interval", "0.05", "--worker-id", name, "-v", "0"], env=env)
        try:
            wait_until(lambda n=name: in_hand(n) is not None, 60, f"worker {name} took no job")
            time.sleep(rng.uniform(0.2, 1.0))
        finally:
            os.kill(w.pid, signal.SIGKILL)
            assert w.wait(10) == -signal.SIGKILL
        task = in_hand(name)
        if task is not None and task.args_kwargs.get("args"):
            dossier = OutboxMessage.objects.get(id=task.args_kwargs["args"][0]).payload["dossier"]
            s = DossierSync.objects.filter(dossier_id=dossier).first()
            last = DossierEvent.objects.filter(dossier_id=dossier).aggregate(m=Max("seq"))["m"]
            mid_push += bool(s and s.on_portal and s.synced_seq < last)
        if i < LIVE:  # a dossier moves on between two kills: its new messages queue behind what is in flight
            advance(world, live[i], "ab"[i % 2])
    assert pending() > 0, "the workers were killed too late: nothing was left to deliver"
    assert mid_push >= 3, f"only {mid_push} kills landed in the middle of a dossier's push"

    t2, left = time.monotonic(), pending()
    sim.faults(delay=None)
    deadline = time.monotonic() + 60
    while pending():  # --once sweeps first: what a dead worker left is handed over once its lease ran out
        assert time.monotonic() < deadline, f"{pending()} portal messages still pending"
        subprocess.run([MOTCUA, "worker", "--once", "--worker-id", "final", "-v", "0"], env=env, check=True,
                       timeout=60)
        if pending():
            time.sleep(0.5)

    dossiers = full + live
    print(f"\nkill -9 x{KILLS}: {mid_push} mid-push, {left} messages left; set-up {t1 - t0:.0f} s,"
          f" kills {t2 - t1:.0f} s,"
          f" final drain {time.monotonic() - t2:.0f} s")
    assert not OutboxMessage.objects.filter(status=Status.DEAD).exists()
    assert sorted(sim.state()["dossiers"]) == sorted(Dossier.objects.values_list("code", flat=True))
    assert sorted(d.code for d in dossiers) == sorted(sim.state()["dossiers"])
    events = 0
    for d in dossiers:
        d.refresh_from_db()
        seen = portal_view(sim, d.code)
        assert seen is not None, d.code
        assert seen["TrangThaiHoSo"] == d.status, d.code
        rows = sync.trail_rows(d)
        assert seen["QuaTrinhXuLy"] == rows, f"trail of {d.code}"  # every event once, in order
        events += len(rows)
        # one write of the dossier per delivery that found trail rows to send: the first one, plus one
        # per kill or retry that caught it, plus (live ones) one per batch of events recorded later
        assert 1 <= seen["SoLanCapNhat"] <= len(rows), (d.code, seen["SoLanCapNhat"])
        s = DossierSync.objects.get(dossier=d)
        last = d.events.aggregate(m=Max("seq"))["m"]
        assert s.state == SyncState.SYNCED and s.synced_seq == s.wanted_seq == last, d.code
    assert events == DossierEvent.objects.count() >= (FULL + LIVE) * 9
    assert sim.state()["trail_rows"] == events  # the portal's whole trail table: no row twice, none missing
    rewrites = sum(portal_view(sim, d.code)["SoLanCapNhat"] - 1 for d in full)
    assert rewrites <= KILLS + 10, f"{rewrites} re-writes of dossiers whose history was complete from the start"
