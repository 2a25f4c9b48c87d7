"""A generated data set reproduces a district's published figures exactly.

Published: received 302,048, resolved 302,011 of which on time 299,558 and late 2,453, on-time
rate 99.18% (truncated; rounded would be 99.19%). The counts-level check is in
test_indicators.py. Here the figures are computed from the event log of generated histories:
at the same proportions on 1,221 dossiers by default (received 1,221, resolved 1,220 of which
1,210 on time and 10 late, 1 in progress: 1,210 / 1,220 = 99.180..% -> 99.18, section 7: 100 -
10 / 1,221 = 99.181..% -> 99.18), and at full size with ``MOTCUA_FULL_SCALE=1`` (a few minutes).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import date, timedelta
from decimal import Decimal

import pytest

from motcua.calendars.services import calendar_for
from motcua.dossiers.bulk import HistoryRecord, import_history
from motcua.reports.services import compute_figures, period_of

MARCH_DAYS = [date(2026, 3, d) for d in range(2, 31) if date(2026, 3, d).weekday() < 5]  # Mon 2 .. Mon 30
HOUR = 3600


def published_history(world, received: int, resolved: int, late: int) -> Iterator[HistoryRecord]:  # noqa: ANN001
    """``received`` dossiers in March 2026 at commune A (limit 8 working hours): ``late`` finish
    2 working hours after their due time, the other resolved ones within it (every third one at
    the due time exactly: "on time"; the rest 2 hours after intake: "early"), and the remaining
    ones are received on 31 March at 14:00 and still open (on time) at the period end."""
    from motcua.catalog.models import Procedure

    cal = calendar_for(world.province.pk)
    proc = Procedure.objects.get(code="1.001193")
    v = proc.versions.order_by("-effective_from").first()
    centre, unit = world.commune_centres["a"], world.communes["a"]
    for i in range(received):
        day = MARCH_DAYS[i % len(MARCH_DAYS)]
        intake = cal_epoch(day, 8 + (i % 6))  # 08:00 .. 13:00, before the cut-off
        if i >= resolved:
            intake = cal_epoch(date(2026, 3, 31), 14)
        due = cal.due_epoch(intake, 8 * HOUR)
        events = [(intake, "intake", ""), (intake + 300, "start", "")]
        if i < late:
            events.append((cal.epoch_at(cal.ordinal_at(due) + 2 * HOUR), "finish", ""))
        elif i < resolved:
            events.append((due if i % 3 == 0 else intake + 2 * HOUR, "finish", ""))
        yield HistoryRecord(code=f"PUB-{i:07d}", receiving_unit_id=centre.pk, handling_unit_id=unit.pk,
                            receiving_path=centre.path, handling_path=unit.path, procedure_id=proc.pk,
                            version_id=v.pk, channel=1 + (i % 2), applicant_name="Trần Văn Bình",
                            limit_seconds=8 * HOUR, events=events)


def cal_epoch(day: date, hour: int) -> int:
    from datetime import datetime

    from motcua.core.clock import LOCAL_TZ

    return int(datetime(day.year, day.month, day.day, hour, tzinfo=LOCAL_TZ).timestamp())


def _check(world, received: int, resolved: int, late: int) -> float:  # noqa: ANN001
    import_history(published_history(world, received, resolved, late), world.province.pk)
    period = period_of(date(2026, 3, 1), date(2026, 3, 31))
    t0 = time.perf_counter()
    figs = compute_figures(world.communes["a"], period.start, period.end)
    elapsed = time.perf_counter() - t0
    c = figs.counts
    assert (c["received"], c["carried_over"], c["resolved"]) == (received, 0, resolved)
    assert (c["resolved_in_time"], c["resolved_late"]) == (resolved - late, late)
    assert (c["in_progress_on_time"], c["in_progress_late"]) == (received - resolved, 0)
    assert figs.rates["resolved_on_time_rate"].value == Decimal("99.18")
    assert figs.rates["on_time_rate"].value == Decimal("99.18")
    # the province (sum of its units) publishes the same
    prov = compute_figures(world.province, period.start, period.end)
    assert prov.counts == c
    return elapsed


def test_published_figures_at_the_same_proportions(world):
    _check(world, 1_221, 1_220, 10)


def test_march_days_are_all_working_days(world):
    cal = calendar_for(world.province.pk)
    assert all(cal.is_working_day(d) for d in MARCH_DAYS) and len(MARCH_DAYS) == 21
    assert MARCH_DAYS[-1] + timedelta(days=1) == date(2026, 3, 31)


@pytest.mark.slow
def test_published_district_figures_at_full_size(world):
    elapsed = _check(world, 302_048, 302_011, 2_453)
    print(f"figures over 302,048 dossiers: {elapsed:.2f} s")
