"""A generated province (the demo seed, more than 1,000 dossiers of three months) pushed to the real
simulator server, then differences planted on the portal: some dossiers deleted, some given
another status. The reconciliation finds every planted difference with its kind, and every
dossier the portal judges late only because it ignores supplement pauses, and reports nothing else.

Each expected difference comes from its own oracle, not from the reconciliation's code:

- planted: the codes deleted ("missing") and those given another TrangThaiHoSo ("status");
- the pause blindness, as issue 9 defines it: motcua judges the dossier on time (early or on time)
  but the NgayKetThucXuLy it sends is after the NgayHenTra it sends (the appointment at receipt);
- two other shapes occur naturally in generated history and are real disagreements too, so they
  are predicted rather than ignored: a dossier still waiting for a supplement (motcua's clock is
  stopped: running within time) whose receipt appointment has passed (the portal: late); and one
  that motcua judges late by the second supplement request although it ended before the
  appointment (the portal: on time).
"""

from __future__ import annotations

import dataclasses
import random
import time
from datetime import date

import pytest

from motcua.conf import SIMULATOR_PASSWORD, SIMULATOR_USERNAME
from motcua.dossiers.generator import generate
from motcua.dossiers.models import Dossier
from motcua.integrations.national_portal import reconcile, sync
from motcua.integrations.national_portal.client import HttpPortal
from motcua.integrations.national_portal.models import ReconciliationRun
from tests.integrations.conftest import AGENCY, DSTCODE

pytestmark = [pytest.mark.django_db, pytest.mark.slow]
PERIOD = (date(2026, 3, 2), date(2026, 5, 29))
N = 1100


@pytest.fixture
def province(sim):  # noqa: ANN001, ANN201
    """The demo province with N generated dossiers, every one pushed to the simulator."""
    from motcua.core.demo import seed_demo
    from motcua.units.models import Unit

    seed_demo()
    province = Unit.objects.get(code="68")
    assert generate(N, province, *PERIOD, seed=9) == N
    client = HttpPortal(sim.url, username=SIMULATOR_USERNAME, password=SIMULATOR_PASSWORD, dstcode=DSTCODE,
                        unit_code=AGENCY)
    for d in Dossier.objects.order_by("pk"):
        sync.push_now(d, client)
    yield province, client
    client.close()


def expected_verdicts(dossiers: list[Dossier]) -> tuple[set[str], set[str], set[str]]:
    """(pause blindness as issue 9 defines it, waiting for a supplement past the receipt appointment,
    late by the second supplement request though ended before the appointment)."""
    from motcua.core import clock

    now = sync.mapping.format_time(clock.now())
    blind, waiting, second = set(), set(), set()
    for d in dossiers:
        rec = sync.dossier_record(d)
        end, due = rec["NgayKetThucXuLy"], rec["NgayHenTra"]
        if d.verdict in ("early", "on_time") and end and due and end > due:
            blind.add(d.code)
        elif d.status == 5 and due and now > due:
            waiting.add(d.code)
        elif d.verdict == "late" and d.supplement_requests >= 2 and end and due and end <= due:
            second.add(d.code)
    return blind, waiting, second


def test_every_planted_difference_is_found_and_nothing_else(province, sim, monkeypatch):  # noqa: ANN001
    province, client = province
    # the simulator is local: look up as fast as it answers (the rate limit has its own test)
    monkeypatch.setattr(reconcile, "CONFIG", dataclasses.replace(reconcile.CONFIG, national_portal_lookup_rate=1000.0,
                                                                 national_portal_lookup_batch=200))
    dossiers = list(Dossier.objects.filter(received_at__isnull=False).select_related(
        "procedure__field", "version", "receiving_unit", "handling_unit").order_by("pk"))
    assert len(dossiers) >= 1000
    blind, waiting, second = expected_verdicts(dossiers)
    assert len(blind) >= 20, "the generated history should hold dossiers the portal judges late wrongly"
    rng = random.Random()
    codes = [d.code for d in dossiers]
    deleted = set(rng.sample(codes, 40))
    by_code = {d.code: d for d in dossiers}
    restatus = {c: rng.choice([s for s in range(1, 11) if s != by_code[c].status])
                for c in rng.sample(sorted(set(codes) - deleted), 40)}
    done = sim.http.post(f"{sim.url}/_sim/tamper", json={
        "delete": sorted(deleted), "set": {c: {"TrangThaiHoSo": s} for c, s in restatus.items()}}).json()
    assert done == {"deleted": 40, "changed": 40, "trail_dropped": 0}

    from django.contrib.auth import get_user_model

    from motcua.dossiers.services import Actor

    monitor = Actor.of(get_user_model().objects.get(username="giamsat.tinh"))
    run = reconcile.start(monitor, province, *PERIOD)
    began = time.monotonic()
    reconcile.execute(run.pk, client)
    took = time.monotonic() - began
    run = ReconciliationRun.objects.get(pk=run.pk)
    assert run.status == "done" and run.checked == run.total == len(dossiers), run.error

    verdicts = (blind | waiting | second) - deleted
    expected = {}
    for code in sorted(deleted | set(restatus) | verdicts):
        if code in deleted:
            expected[code] = ["missing"]
        else:
            expected[code] = (["status"] if code in restatus else []) + (["verdict"] if code in verdicts else [])
    got = {i.dossier.code: i.kinds for i in run.items.select_related("dossier")}
    assert {c: k for c, k in got.items() if k != expected.get(c)} == {}, "reported beyond the planted ones"
    assert {c: k for c, k in expected.items() if got.get(c) != k} == {}, "planted differences missed"
    assert run.differences == len(expected)
    for item in run.items.select_related("dossier"):
        if "verdict" in item.kinds:
            assert item.explanation and item.explanation[-1]["fact"] == "verdict"
        if item.dossier.code in blind - deleted:
            assert item.motcua["DanhGiaDungHan"] == "DUNG_HAN" and item.portal["DanhGiaDungHan"] == "QUA_HAN"
            assert "không trừ thời gian tạm dừng chờ bổ sung" in item.reasons[-1]
        if item.dossier.code in waiting - deleted:
            assert "so thời điểm tra cứu với ngày hẹn trả lúc tiếp nhận" in item.reasons[-1]
    print(f"\n{len(dossiers)} dossiers reconciled in {took:.1f} s: {len(deleted)} missing, {len(restatus)} status, "
          f"{len(blind)} pause-blind, {len(waiting)} waiting, {len(second)} second-supplement")
