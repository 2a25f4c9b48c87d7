"""The three Decision 766 satisfaction measures on a hand-built September 2025 of commune A, every
case and dossier made through the real services at the instant it happened, the answers worked out
by hand below.

Calendar: 01-02/09/2025 are the National Day holidays; working days 07:30-11:30, 13:00-17:00.
Period: 01/09/2025-30/09/2025, judged as of 01/10/2025 00:00 (the clock is on 15/10/2025).

Feedback cases of commune A (PA-CANBO is not published, PA-DONVI is):

===  ==================  =========================================  ===========================  ========
 #   received            what happened                              due                          counts
===  ==================  =========================================  ===========================  ========
C1   Wed 03/09 09:00     answered Wed 10/09 09:00                   answer Wed 24/09 09:00 (15)  on time
C2   Wed 03/09 09:00     answered Tue 30/09 09:00                   answer Wed 24/09 09:00       late
C3   Wed 03/09 09:00     refused Mon 08/09 09:00                    refusal Fri 05/09 09:00 (2)  late
C4   Mon 01/09 10:00     open (holiday: the clock starts 03/09)     answer Tue 23/09 17:00       open late
C5   Thu 25/09 09:00     open                                       answer Thu 16/10             -
C6   Wed 20/08 09:00     answered Fri 05/09 09:00                   answer Fri 12/09 09:00       on time
C7   Tue 05/08 09:00     answered Wed 20/08 09:00 (August)          -                            -
C8   Wed 03/09 09:00     commune B: another unit                    -                            -
C9   Mon 08/09 09:00     answered Tue 09/09, published Mon 15/09    publication Thu 11/09 09:00  late
===  ==================  =========================================  ===========================  ========

(C4: 03, 04, 05/09 = 3, 08-12 = 8, 15-19 = 13, 22 = 14, 23/09 = 15 working days, to the end of the
day. C6: 21, 22/08 = 2, 25-29/08 = 7, 03-05/09 = 10, 08-12/09 = 15. C9: 2 working days after Tue
09/09 09:00.) Two complaint cases (received 10/09, due 01/10 09:00) are open and not late: not counted.

feedback_on_time = on time handled / (handled + open late) = (C1, C6) / (C1, C2, C3, C6, C9 + C4) = 2 / 6.

feedback_satisfaction: answers rated in September: C1 satisfied (11/09), C6 dissatisfied (06/09);
C2's rating (01/10) is October's. = 1 / 2.

dossier_satisfaction: five dossiers received in September by commune A (D1-D5), procedure 1.001193
(1 working day): D1, D3, D4, D5 finished the same morning (on time), D2 left open (late at the end).
Complaints: D2 and D4 (KN-HOSO cases); a dislike: D3 (rated 3 on 12/09). to_process = 5, late = 1
(D2), complained = {D2, D3, D4} = 3: D2 counts in both rates, as the formula adds them.
= (5 - 1 - 3) / 5 = 1 / 5 (20%).
"""

from __future__ import annotations

from datetime import date

import pytest

from motcua.domain.indicators import Measure
from motcua.dossiers import services as dsvc
from motcua.feedback import handling as h
from motcua.feedback import indicators
from motcua.feedback import services as fsvc
from tests.factories import finished

pytestmark = pytest.mark.django_db


def _case(world, clock, when: str, category: str = "PA-CANBO", commune: str = "a"):  # noqa: ANN001, ANN201
    clock.set(when)
    return fsvc.submit(None, fsvc.Submission(category, f"Phản ánh {when}", anonymous=True,
                                             unit_id=world.communes[commune].pk))


def _answer(world, clock, case, when: str) -> None:  # noqa: ANN001
    clock.set(when)
    h.answer(world.actor("specialist_a"), case.pk, "Đã xử lý")


def _rate(world, clock, case, when: str, satisfied: bool) -> None:  # noqa: ANN001
    from motcua.feedback.models import Case

    clock.set(when)
    Case.objects.filter(pk=case.pk).update(owner=world.users["citizen"])
    h.rate(world.actor("citizen"), case.pk, satisfied)


@pytest.fixture
def september(world, clock):  # noqa: ANN001, ANN201
    c1 = _case(world, clock, "2025-09-03 09:00")
    c2 = _case(world, clock, "2025-09-03 09:00")
    c3 = _case(world, clock, "2025-09-03 09:00")
    _case(world, clock, "2025-09-01 10:00")  # C4
    _case(world, clock, "2025-09-25 09:00")  # C5
    c6 = _case(world, clock, "2025-08-20 09:00")
    c7 = _case(world, clock, "2025-08-05 09:00")
    _case(world, clock, "2025-09-03 09:00", commune="b")  # C8
    c9 = _case(world, clock, "2025-09-08 09:00", category="PA-DONVI")
    _answer(world, clock, c7, "2025-08-20 09:00")
    _answer(world, clock, c6, "2025-09-05 09:00")
    _rate(world, clock, c6, "2025-09-06 09:00", False)
    clock.set("2025-09-08 09:00")
    h.refuse(world.actor("leader_a"), c3.pk, "Không thuộc thẩm quyền")
    _answer(world, clock, c9, "2025-09-09 09:00")
    clock.set("2025-09-15 09:00")
    h.publish(world.actor("leader_a"), c9.pk)
    _answer(world, clock, c1, "2025-09-10 09:00")
    _rate(world, clock, c1, "2025-09-11 09:00", True)
    _answer(world, clock, c2, "2025-09-30 09:00")
    _rate(world, clock, c2, "2025-10-01 09:00", False)
    dossiers = _dossiers(world, clock)
    clock.set("2025-10-15 10:00")
    return dossiers


def _dossiers(world, clock):  # noqa: ANN001, ANN201
    from motcua.portal.models import Rating

    out = []
    for day in ("2025-09-03", "2025-09-03", "2025-09-04", "2025-09-04", "2025-09-05"):
        clock.set(f"{day} 08:00")
        d = dsvc.intake(world.actor("counter_a"), world.intake_request())
        dsvc.start(world.actor("counter_a"), d.pk)
        out.append(d)
    for i in (0, 2, 3, 4):  # D2 (index 1) stays open
        clock.set("2025-09-05 09:00" if i == 4 else f"2025-09-0{3 if i == 0 else 4} 09:00")
        finished(world, out[i].pk)
    clock.set("2025-09-10 09:00")
    for d in (out[1], out[3]):  # complaints about D2 and D4, at the counter with the applicant's ID
        fsvc.submit(world.actor("counter_a"), fsvc.Submission(
            "KN-HOSO", "Hồ sơ chậm", sender_name="Nguyễn Văn An", sender_phone="0912345678", channel="counter",
            dossier_code=d.code, sender_id_number="068123456789", attributes={"issue": "late"}))
    clock.set("2025-09-12 09:00")
    Rating.objects.create(dossier=out[2], score=3, created_at=clock.current)  # D3: "dislike"
    return out


def _period():  # noqa: ANN202
    from motcua.reports.services import period_of

    return period_of(date(2025, 9, 1), date(2025, 9, 30))


def test_the_three_measures_match_the_hand_count(world, september):  # noqa: ANN001
    m = indicators.feedback_measures(world.communes["a"], _period())
    assert m["feedback_on_time"] == Measure(2, 6)
    assert m["feedback_satisfaction"] == Measure(1, 2)
    assert m["dossier_satisfaction"] == Measure(1, 5)


def test_the_figures_behind_dossier_satisfaction(world, september):  # noqa: ANN001
    from motcua.reports.services import compute_figures

    p = _period()
    c = compute_figures(world.communes["a"], p.start, p.end).counts
    assert (c["to_process"], c["late"]) == (5, 1)
    d1, d2, d3, d4, d5 = september
    assert indicators.complained_dossiers(world.communes["a"], p.start, p.end) == {d2.pk, d3.pk, d4.pk}


def test_the_index_shows_the_satisfaction_group_with_real_figures(world, september):  # noqa: ANN001
    from motcua.reports.index766 import MEASURE_PROVIDERS, compute_index

    assert indicators.feedback_measures in MEASURE_PROVIDERS  # registered by the app config
    score = compute_index(world.communes["a"], _period()).score
    by_key = {i.spec.key: i for g in score.groups for i in g.indicators}
    # 6 points x 2/6 (threshold 100%); 6 x 1/2; dossier satisfaction 20% of a 90% threshold: 6 x 20/90
    assert str(by_key["feedback_on_time"].points) == "2.00"
    assert str(by_key["feedback_satisfaction"].points) == "3.00"
    assert str(by_key["dossier_satisfaction"].points) == "1.33"


def test_another_unit_and_an_empty_period_give_their_own_figures(world, september):  # noqa: ANN001
    from motcua.reports.services import period_of

    b = indicators.feedback_measures(world.communes["b"], _period())
    # C8, open since 03/09, is late since 24/09: it counts against commune B only
    assert b["feedback_on_time"] == Measure(0, 1) and b["feedback_satisfaction"] == Measure(0, 0)
    empty = indicators.feedback_measures(world.communes["a"], period_of(date(2025, 6, 1), date(2025, 6, 30)))
    assert empty["feedback_on_time"] == Measure(0, 0)  # 0 of 0: N/A in the index, never 0 or 100
