"""Due-time computation: WorkingCalendar.due_epoch per second (pure domain, no database).

Inputs are realistic and pre-built: receipts on working days over two years (triangular around
09:30, a few after the 15:00 cut-off and some on days off, as online submissions are), legal
limits drawn from the sample catalog's mix (4 working hours to 30 working days), 8% with one
finished supplement pause (1% two), cut-offs: the calendar's, none, or a procedure's own 15:00.
The calendar is Vietnam's national one (``holidays`` package, 2010-2045, make-up Saturdays), as
motcua.calendars.services builds it. Also timed: the datetime wrapper ``due`` (aware datetimes
and Pause objects in and out), for reference. Target: >= 200,000 due_epoch per second.

    .venv/bin/python bench/bench_due.py --n 500000
"""

from __future__ import annotations

import gc
import random
import sys
import time
from datetime import date
from pathlib import Path

import common

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from motcua.domain.workcal import Pause, WorkingCalendar, from_epoch  # noqa: E402

TARGET = 200_000
LIMITS_H = [4, 8, 8, 8, 16, 16, 24, 24, 24, 40, 40, 56, 56, 80, 80, 120, 160, 240]  # working hours


def national_calendar() -> WorkingCalendar:
    """Vietnam's national calendar, as motcua.calendars.services.national_default builds it."""
    import holidays

    years = range(2010, 2046)
    vn = holidays.country_holidays("VN", years=years)
    extra = set()
    for year in years:
        d = date(year, 1, 1)
        while d.year == year:
            if d.weekday() >= 5 and vn.is_working_day(d):
                extra.add(d)
            d = date.fromordinal(d.toordinal() + 1)
    return WorkingCalendar(holidays=frozenset(vn.keys()), extra_working_days=frozenset(extra))


def inputs(cal: WorkingCalendar, n: int, seed: int = 1) -> list[tuple[int, int, list[tuple[int, int]], int | None]]:
    rng = random.Random(seed)
    start = date(2024, 1, 1).toordinal()
    days = [date.fromordinal(start + i) for i in range(730)]
    working = [d for d in days if cal.is_working_day(d)]
    out = []
    for _ in range(n):
        day = rng.choice(working) if rng.random() < 0.97 else rng.choice(days)
        received = common.day_epoch(day) + int(rng.triangular(7 * 3600, 17.5 * 3600, 9.5 * 3600))
        limit = rng.choice(LIMITS_H) * 3600
        pauses: list[tuple[int, int]] = []
        r = rng.random()
        if r < 0.08:
            t = received + rng.randrange(3600, 5 * 86400)
            for _ in range(2 if r < 0.01 else 1):
                end = t + rng.randrange(86400, 10 * 86400)
                pauses.append((t, end))
                t = end + rng.randrange(3600, 3 * 86400)
        c = rng.random()
        cutoff = -1 if c < 0.8 else (None if c < 0.9 else 15 * 3600)
        out.append((received, limit, pauses, cutoff))
    return out


def time_epoch(cal: WorkingCalendar, data: list) -> float:
    due = cal.due_epoch
    t = time.perf_counter()
    for received, limit, pauses, cutoff in data:
        due(received, limit, pauses, cutoff)
    return time.perf_counter() - t


def time_datetime(cal: WorkingCalendar, data: list) -> float:
    from datetime import time as dtime

    cut = {-1: True, None: None, 15 * 3600: dtime(15, 0)}
    wrapped = [(from_epoch(r), lim, [Pause(from_epoch(s), from_epoch(e)) for s, e in ps], cut[c])
               for r, lim, ps, c in data]
    due = cal.due
    t = time.perf_counter()
    for received, limit, pauses, cutoff in wrapped:
        due(received, limit, pauses, cutoff)
    return time.perf_counter() - t


def main() -> None:
    p = common.parser(__doc__.splitlines()[0], n=500_000)
    p.set_defaults(repeat=5)
    args = p.parse_args()
    t0 = time.perf_counter()
    cal = national_calendar()
    build_s = time.perf_counter() - t0
    data = inputs(cal, args.n)
    n_dt = max(1, args.n // 5)
    gc.collect()
    gc.disable()
    epoch_runs = [time_epoch(cal, data) for _ in range(args.repeat)]
    dt_runs = [time_datetime(cal, data[:n_dt]) for _ in range(args.repeat)]
    gc.enable()
    rate = args.n / common.median(epoch_runs)
    result = {
        "bench": "due", "n": args.n, "calendar_build_s": round(build_s, 3),
        "with_pauses_pct": round(100 * sum(1 for d in data if d[2]) / args.n, 1),
        "due_epoch_runs_s": [round(r, 3) for r in epoch_runs],
        "due_epoch_per_s": round(rate), "due_epoch_us": round(1e6 / rate, 2),
        "due_datetime_n": n_dt, "due_datetime_per_s": round(n_dt / common.median(dt_runs)),
        "target_per_s": TARGET, "met": rate >= TARGET,
    }
    common.emit(result, args.json)


if __name__ == "__main__":
    main()
