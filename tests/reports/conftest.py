"""Report fixtures: a hand-built month of dossiers whose figures are worked out by hand.

Calendar: March 2026 has no holiday; Monday is 2, 9, 16, 23 and 30 March. Office hours 07:30-11:30
and 13:00-17:00 (8 working hours a day), afternoon cut-off 15:00. The period is March 2026:
[2026-03-01 00:00, 2026-04-01 00:00) local time. All dossiers are handled by commune A unless
said otherwise; ``limit`` is the legal limit in working hours.

====  =======================================================================  ====================
id    history (local time)                                                       counts in March as
====  =======================================================================  ====================
D1    intake Mon 2 09:00, limit 24 -> due Thu 5 09:00; finish Tue 3 10:00,       received, resolved
      return Tue 3 14:00. Processing 9 h (Mon 6.5 + Tue 2.5)                     early, processed
D2    intake Mon 2 09:00, limit 8 -> due Tue 3 09:00; finish Tue 3 08:30 (same   received, resolved
      date), return 10:00. Processing 7.5 h                                      on time, processed
D3    intake Wed 4 09:00, limit 8 -> due Thu 5 09:00; finish Thu 5 11:00 (2 h     received, resolved
      late), never returned. Processing 10 h                                     late, not collected
D4    intake Mon 9 09:00, limit 8; supplement requested Mon 10:00, received      received, resolved
      Tue 10:00 (8 h paused); requested again Tue 11:00, received Wed 09:00     late (2nd request),
      (6 h paused): due Wed 16:30; finish Wed 10:00, before the due time but    supplement requested,
      late because of the second request. Processing 3 h. Not returned           not collected
D5    intake Tue 10 09:00, limit 8; requested Tue 10:00, received Thu 12 10:00   received, resolved
      (16 h paused): due Fri 13 09:00; finish Fri 09:00 exactly; return 10:00.   on time, supplement
      Processing 8 h                                                             requested
D6    through the services: intake Mon 16 09:00 (1 working day) -> due Tue 17     received, resolved
      09:00; apology letter Tue 08:00 with a new appointment Wed 18 17:00;       late (the extension
      finish Wed 18 10:00, return 11:00: 9 h late. Processing 17 h               does not excuse)
D7    intake Thu 19 09:00, limit 8; withdrawn Thu 19 14:00                       received, resolved
                                                                                  early, withdrawn
D8    intake Mon 30 09:00, limit 8 -> due Tue 31 09:00; still open at the        received, in progress
      period end (6.5 h late at Tue 17:00); finished Thu 2 April                late
D9    intake Tue 31 14:00, limit 8 -> due Wed 1 April 14:00: 5 h left at the     received, in progress
      period end                                                                 on time, about late
D10   intake Thu 26 Feb 09:00, limit 24 -> due Tue 3 09:00; finish Mon 2 15:00,  carried over,
      return 16:00. Processing 20.5 h                                            resolved early
D11   intake Wed 25 Feb 09:00, limit 8; supplement requested Wed 10:00 and       carried over, in
      never received: judged at the request time, 7 h to spare                  progress on time
D12   intake Mon 23 Feb, finish and return Tue 24 Feb                            nothing (ended before)
D13   intake Mon 23 Feb, finish Tue 24 Feb, never returned                       not collected
D14   online, submitted Mon 23 09:00, refused 10:00                              refused
D15   online, submitted Fri 27 Feb 16:00, received Mon 2 08:00 (due Tue 3        received (online),
      08:00), stopped Mon 2 15:00                                                resolved early, stop
D16   commune B: intake Tue 3 09:00, limit 8; finish Wed 4 10:00 (1 h late)      (commune B) received,
                                                                                 resolved late
====  =======================================================================  ====================

Commune A in March, by hand: received 10 (D1-D9, D15), carried over 2 (D10, D11), to process 12;
resolved 9: early 4 (D1, D7, D10, D15), on time 2 (D2, D5), late 3 (D3, D4, D6); processed 7
(D1-D6, D10); in progress on time 2 (D9, D11), late 1 (D8); late 4; about to be late 1 (D9);
supplement requested 2 (D4, D5); withdrawn 1, refused 1, stopped 1; not collected 3 (D3, D4, D13);
online 1 of 10 received. Late rate 4/12 = 33.33%, on-time rate 100 - 33.33..% = 66.66% (truncated);
resolved on time 6/9 = 66.66%; online rate 10.00%. Average processing time of the 7 processed:
(9 + 7.5 + 10 + 3 + 8 + 17 + 20.5) / 7 = 75 / 7 = 10.71 h.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import pytest
from django.test import Client

from motcua.core.clock import LOCAL_TZ
from motcua.dossiers import services as svc
from motcua.dossiers.bulk import HistoryRecord, import_history
from motcua.dossiers.models import Dossier
from motcua.portal.models import Rating
from motcua.reports.services import Period, period_of
from tests.factories import through_process


def epoch(s: str) -> int:
    return int(datetime.fromisoformat(s).replace(tzinfo=LOCAL_TZ).timestamp())


def record(world, code: str, events: list[tuple[str, str]], commune: str = "a", channel: int = 1,  # noqa: ANN001
           limit_hours: float = 8) -> HistoryRecord:
    from motcua.catalog.models import Procedure

    proc = Procedure.objects.get(code="1.001193")
    v = proc.versions.order_by("-effective_from").first()  # in force since 2025-07-01, fully online
    centre, unit = world.commune_centres[commune], world.communes[commune]
    return HistoryRecord(code=code, receiving_unit_id=centre.pk, handling_unit_id=unit.pk,
                         receiving_path=centre.path, handling_path=unit.path, procedure_id=proc.pk,
                         version_id=v.pk, channel=channel, applicant_name="Lê Thị Hoa",
                         limit_seconds=int(limit_hours * 3600), events=[(epoch(at), a, "") for at, a in events])


HISTORIES: dict[str, tuple[list[tuple[str, str]], dict]] = {
    "D1": ([("2026-03-02 09:00", "intake"), ("2026-03-02 09:10", "start"), ("2026-03-03 10:00", "finish"),
            ("2026-03-03 14:00", "return")], {"limit_hours": 24}),
    "D2": ([("2026-03-02 09:00", "intake"), ("2026-03-02 09:10", "start"), ("2026-03-03 08:30", "finish"),
            ("2026-03-03 10:00", "return")], {}),
    "D3": ([("2026-03-04 09:00", "intake"), ("2026-03-04 09:10", "start"), ("2026-03-05 11:00", "finish")], {}),
    "D4": ([("2026-03-09 09:00", "intake"), ("2026-03-09 09:10", "start"),
            ("2026-03-09 10:00", "request_supplement"), ("2026-03-10 10:00", "supplement"),
            ("2026-03-10 11:00", "request_supplement"), ("2026-03-11 09:00", "supplement"),
            ("2026-03-11 10:00", "finish")], {}),
    "D5": ([("2026-03-10 09:00", "intake"), ("2026-03-10 09:10", "start"),
            ("2026-03-10 10:00", "request_supplement"), ("2026-03-12 10:00", "supplement"),
            ("2026-03-13 09:00", "finish"), ("2026-03-13 10:00", "return")], {}),
    "D7": ([("2026-03-19 09:00", "intake"), ("2026-03-19 14:00", "withdraw")], {}),
    "D8": ([("2026-03-30 09:00", "intake"), ("2026-03-30 09:10", "start"), ("2026-04-02 10:00", "finish")], {}),
    "D9": ([("2026-03-31 14:00", "intake"), ("2026-03-31 14:10", "start")], {}),
    "D10": ([("2026-02-26 09:00", "intake"), ("2026-02-26 09:10", "start"), ("2026-03-02 15:00", "finish"),
             ("2026-03-02 16:00", "return")], {"limit_hours": 24}),
    "D11": ([("2026-02-25 09:00", "intake"), ("2026-02-25 10:00", "request_supplement")], {}),
    "D12": ([("2026-02-23 09:00", "intake"), ("2026-02-23 09:10", "start"), ("2026-02-24 09:00", "finish"),
             ("2026-02-24 10:00", "return")], {}),
    "D13": ([("2026-02-23 09:00", "intake"), ("2026-02-23 09:10", "start"), ("2026-02-24 09:00", "finish")], {}),
    "D14": ([("2026-03-23 09:00", "submit"), ("2026-03-23 10:00", "refuse")], {"channel": 2}),
    "D15": ([("2026-02-27 16:00", "submit"), ("2026-03-02 08:00", "receive"), ("2026-03-02 08:10", "start"),
             ("2026-03-02 15:00", "stop")], {"channel": 2}),
    "D16": ([("2026-03-03 09:00", "intake"), ("2026-03-03 09:10", "start"), ("2026-03-04 10:00", "finish"),
             ("2026-03-04 11:00", "return")], {"commune": "b"}),
    "D17": ([("2026-02-16 09:00", "intake"), ("2026-02-16 09:10", "start"), ("2026-02-17 09:00", "finish"),
             ("2026-02-17 10:00", "return")], {}),
}
# the applicants' ratings (given through the portal after the result): score 1 satisfied, 2 acceptable,
# 3 dissatisfied. D17 ended in February but was rated in March: it counts in March's rating figures
# only; D10's rating falls in April.
RATINGS = {"D1": ("2026-03-04 10:00", 1), "D2": ("2026-03-05 10:00", 3), "D17": ("2026-03-05 10:00", 2),
           "D10": ("2026-04-02 10:00", 1), "D16": ("2026-03-06 10:00", 3)}


@dataclass
class Month:
    world: object
    ids: dict[str, int]
    period: Period

    def name_of(self, dossier_id: int) -> str:
        return {v: k for k, v in self.ids.items()}[dossier_id]

    def names(self, ids) -> set[str]:  # noqa: ANN001
        return {self.name_of(i) for i in ids}


def _d6_through_services(world, clock) -> Dossier:  # noqa: ANN001
    counter, spec, leader = world.actor("counter_a"), world.actor("specialist_a"), world.actor("leader_a")
    clock.set("2026-03-16 09:00")
    d = svc.intake(counter, world.intake_request())
    clock.set("2026-03-16 09:10")
    svc.start(counter, d.pk)
    clock.set("2026-03-17 08:00")
    svc.extend(spec, d.pk, "Cần xác minh thêm", datetime(2026, 3, 18, 17, 0, tzinfo=LOCAL_TZ))
    clock.set("2026-03-18 10:00")
    through_process(world, d.pk)  # every required step, the result attached and approved
    svc.finish(leader, d.pk)
    clock.set("2026-03-18 11:00")
    svc.return_result(counter, d.pk)
    return d


@pytest.fixture
def month(world, clock) -> Month:  # noqa: ANN001
    recs = [record(world, code, events, **opts) for code, (events, opts) in HISTORIES.items()]
    import_history(recs, world.province.pk)
    ids = dict(Dossier.objects.filter(code__in=HISTORIES).values_list("code", "pk"))
    ids["D6"] = _d6_through_services(world, clock).pk
    for name, (at, score) in RATINGS.items():
        Rating.objects.create(dossier_id=ids[name], score=score,
                              created_at=datetime.fromisoformat(at).replace(tzinfo=LOCAL_TZ))
    clock.set("2026-04-20 10:00")
    return Month(world, ids, period_of(date(2026, 3, 1), date(2026, 3, 31)))


@pytest.fixture
def client_of(world):  # noqa: ANN001, ANN201
    cache: dict[str, Client] = {}

    def make(username: str) -> Client:
        if username not in cache:
            cache[username] = Client()
            cache[username].force_login(world.users[username])
        return cache[username]

    return make
