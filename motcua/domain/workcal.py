"""Working-time arithmetic: the pure core behind every deadline.

A :class:`WorkingCalendar` knows which days are worked (weekdays minus holidays plus make-up
days), the office periods of a working day and the afternoon cut-off. Office hours and the
cut-off may change over time: each :class:`Era` holds the rules in force from its start date, so
a change never alters a day before it takes effect (a finished dossier keeps its verdict). It maps any instant to a
*working ordinal*: the number of working seconds between the calendar's base date and that
instant. Deadlines, pauses and "late by N hours" are then plain integer arithmetic on ordinals.

Vietnam has used UTC+7 without daylight saving since 1975, so local time is a fixed offset from
UTC; instants may be passed as aware datetimes or as POSIX seconds (the fast path used by bulk
jobs).
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

VN_UTC_OFFSET = 7 * 3600
SECONDS_PER_WORKING_HOUR = 3600
HOURS_PER_WORKING_DAY = 8
_DAY = 86400


@dataclass(frozen=True)
class OfficeHours:
    """Office periods of a working day, as (start, end) local times in order."""

    periods: tuple[tuple[time, time], ...] = ((time(7, 30), time(11, 30)), (time(13, 0), time(17, 0)))

    def __post_init__(self) -> None:
        prev_end = -1
        for start, end in self.periods:
            s, e = _secs(start), _secs(end)
            if not prev_end <= s < e:
                raise ValueError("office periods must be ordered and non-overlapping")
            prev_end = e
        if not self.periods:
            raise ValueError("at least one office period is required")

    @property
    def seconds_per_day(self) -> int:
        return sum(_secs(e) - _secs(s) for s, e in self.periods)

    @property
    def opening(self) -> time:
        return self.periods[0][0]

    @property
    def closing(self) -> time:
        return self.periods[-1][1]


def _secs(t: time) -> int:
    return t.hour * 3600 + t.minute * 60 + t.second


def limit_to_seconds(amount: float, unit: str) -> int:
    """Convert a legal time limit ("day" or "hour" units) to working seconds (1 day = 8 h)."""
    if amount < 0:
        raise ValueError("a time limit cannot be negative")
    if unit == "day":
        return round(amount * HOURS_PER_WORKING_DAY * SECONDS_PER_WORKING_HOUR)
    if unit == "hour":
        return round(amount * SECONDS_PER_WORKING_HOUR)
    raise ValueError(f"unknown time unit {unit!r}")


@dataclass(frozen=True)
class Era:
    """Office hours and cut-off in force from ``start`` (until the next era's start)."""

    start: date
    office_hours: OfficeHours = field(default_factory=OfficeHours)
    cutoff: time | None = time(15, 0)


@dataclass(frozen=True)
class Pause:
    """A span during which the legal clock stops (the applicant is supplementing)."""

    start: datetime
    end: datetime | None  # None: still paused


@dataclass
class WorkingCalendar:
    """Working days and hours of one province, with the afternoon cut-off rule."""

    holidays: frozenset[date] = frozenset()
    extra_working_days: frozenset[date] = frozenset()
    office_hours: OfficeHours = field(default_factory=OfficeHours)
    cutoff: time | None = time(15, 0)
    weekend: frozenset[int] = frozenset({5, 6})
    first_year: int = 2010
    last_year: int = 2045
    utc_offset: int = VN_UTC_OFFSET
    # later rules, each from its start date; before the first one (or with none), the
    # ``office_hours`` and ``cutoff`` above apply
    eras: tuple[Era, ...] = ()

    def __post_init__(self) -> None:
        self._base = date(self.first_year, 1, 1)
        self._base_ord = self._base.toordinal()
        n_days = date(self.last_year, 12, 31).toordinal() - self._base_ord + 1
        starts = [e.start for e in self.eras]
        if starts != sorted(starts) or len(set(starts)) != len(starts):
            raise ValueError("eras must have distinct start dates, in order")
        # per era: (first day index, office periods in seconds, seconds per day, cut-off seconds)
        rules = [Era(self._base, self.office_hours, self.cutoff), *self.eras]
        compiled = [([(_secs(s), _secs(e)) for s, e in r.office_hours.periods],
                     r.office_hours.seconds_per_day, None if r.cutoff is None else _secs(r.cutoff))
                    for r in rules]
        era_start = [max(0, r.start.toordinal() - self._base_ord) for r in rules]
        working: list[bool] = []
        cum_start: list[int] = []  # working seconds before the start of day i
        day_periods: list[list[tuple[int, int]]] = []  # office periods of day i (shared lists)
        day_cutoff: list[int | None] = []
        per_day_of: list[int] = []
        total, k = 0, 0
        for i in range(n_days):
            while k + 1 < len(rules) and era_start[k + 1] <= i:
                k += 1
            periods, per_day, cut = compiled[k]
            d = date.fromordinal(self._base_ord + i)
            w = self._compute_is_working(d)
            working.append(w)
            cum_start.append(total)
            day_periods.append(periods)
            day_cutoff.append(cut)
            per_day_of.append(per_day if w else 0)
            total += per_day_of[-1]
        self._working = working
        self._cum_start = cum_start
        self._day_periods = day_periods
        self._day_cutoff = day_cutoff
        # cumulative working seconds at the end of day i, for the inverse mapping
        self._cum_end = [c + p for c, p in zip(cum_start, per_day_of, strict=True)]
        self._n_days = n_days
        self._rules = tuple(zip(era_start, rules, strict=True))

    def era_on(self, d: date) -> Era:
        """The office hours and cut-off in force on day ``d``."""
        i = self._day_index(d)
        current = self._rules[0][1]
        for start, rule in self._rules:
            if start <= i:
                current = rule
        return current

    # ---- days -------------------------------------------------------------------------------

    def _compute_is_working(self, d: date) -> bool:
        if d in self.extra_working_days:
            return True
        return d.weekday() not in self.weekend and d not in self.holidays

    def is_working_day(self, d: date) -> bool:
        return self._working[self._day_index(d)]

    def _day_index(self, d: date) -> int:
        i = d.toordinal() - self._base_ord
        if not 0 <= i < self._n_days:
            raise ValueError(f"{d} is outside the calendar ({self.first_year}-{self.last_year})")
        return i

    def next_working_day(self, d: date) -> date:
        i = self._day_index(d) + 1
        while i < self._n_days and not self._working[i]:
            i += 1
        if i >= self._n_days:
            raise ValueError(f"no working day after {d} within the calendar ({self.first_year}-{self.last_year})")
        return date.fromordinal(self._base_ord + i)

    def add_working_days(self, d: date, n: int) -> date:
        """The n-th working day after d (n >= 0; n == 0 returns d itself)."""
        for _ in range(n):
            d = self.next_working_day(d)
        return d

    # ---- instants <-> working ordinals (POSIX seconds fast path) ----------------------------

    @staticmethod
    def _intraday(sec: int, periods: list[tuple[int, int]]) -> int:
        worked = 0
        for s, e in periods:
            if sec <= s:
                break
            worked += (sec if sec < e else e) - s
        return worked

    def ordinal_at(self, epoch: int) -> int:
        """Working seconds from the calendar base up to the instant ``epoch``."""
        local = epoch + self.utc_offset
        i = local // _DAY - self._base_ord + 719163  # 719163 = date(1970,1,1).toordinal()
        if not 0 <= i < self._n_days:
            raise ValueError("instant outside the calendar range")
        if not self._working[i]:
            return self._cum_start[i]
        return self._cum_start[i] + self._intraday(local % _DAY, self._day_periods[i])

    def epoch_at(self, ordinal: int) -> int:
        """The earliest instant whose working ordinal reaches ``ordinal``."""
        i = bisect_left(self._cum_end, ordinal)
        if i >= self._n_days:
            raise ValueError("deadline falls outside the calendar range")
        rest = ordinal - self._cum_start[i]
        # cum_end is non-decreasing and flat across days off, so for ordinal > 0 the first day
        # whose end reaches it is a working day and 0 < rest <= one working day.
        periods = self._day_periods[i]
        if rest <= 0:
            return self._day_epoch(i) + periods[0][0]
        for s, e in periods:
            span = e - s
            if rest <= span:
                return self._day_epoch(i) + s + rest
            rest -= span
        raise AssertionError("unreachable: rest exceeds a working day")

    def _day_epoch(self, i: int) -> int:
        return (self._base_ord + i - 719163) * _DAY - self.utc_offset

    def clock_start_ordinal(self, received_epoch: int, cutoff: int | None = -1) -> int:
        """Ordinal at which the legal clock starts for a dossier received at ``received_epoch``.

        Received on a working day strictly after the afternoon cut-off: counting starts the next
        working day (its ordinal equals the end of the receipt day); received at the cut-off
        itself (15:00:00) still counts that day. ``cutoff`` overrides the calendar's cut-off in
        seconds after midnight (-1: the cut-off in force on the receipt day); None disables it.
        """
        local = received_epoch + self.utc_offset
        i = local // _DAY - self._base_ord + 719163
        if not 0 <= i < self._n_days:
            return self.ordinal_at(received_epoch)  # raises: outside the calendar
        cut = self._day_cutoff[i] if cutoff == -1 else cutoff
        if cut is not None and self._working[i] and local % _DAY > cut:
            return self._cum_end[i]
        return self.ordinal_at(received_epoch)

    def due_epoch(
        self,
        received_epoch: int,
        limit_seconds: int,
        pauses: Sequence[tuple[int, int]] = (),
        cutoff: int | None = -1,
    ) -> int:
        """Due instant: clock start + legal limit + working time spent in finished pauses.

        Only paused time after the clock start counts: a pause taken before the clock started
        (received after the cut-off) stopped nothing.
        """
        clock_start = self.clock_start_ordinal(received_epoch, cutoff)
        ordinal = clock_start + limit_seconds
        for start, end in pauses:
            ordinal += self.paused_seconds(clock_start, start, end)
        return self.epoch_at(ordinal)

    def paused_seconds(self, clock_start_ordinal: int, start_epoch: int, end_epoch: int) -> int:
        """Working seconds of the pause [start, end) that fall after the clock start."""
        return max(0, self.ordinal_at(end_epoch) - max(self.ordinal_at(start_epoch), clock_start_ordinal))

    # ---- datetime wrappers ------------------------------------------------------------------

    def ordinal(self, at: datetime) -> int:
        return self.ordinal_at(to_epoch(at))

    def at_ordinal(self, ordinal: int) -> datetime:
        return from_epoch(self.epoch_at(ordinal))

    def working_seconds_between(self, start: datetime, end: datetime) -> int:
        """Working seconds in [start, end); negative when end is before start."""
        return self.ordinal(end) - self.ordinal(start)

    def resume_epoch_at(self, ordinal: int) -> int:
        """The instant working time ``ordinal`` is next *running*: the opening of the next
        working period when ``ordinal`` falls on a boundary (Friday 17:00 -> Monday 07:30)."""
        return self.epoch_at(ordinal + 1) - 1

    def clock_start(self, received: datetime, cutoff: time | None | bool = True) -> datetime:
        """When the legal clock starts running for a dossier received at ``received``."""
        return from_epoch(self.resume_epoch_at(self.clock_start_ordinal(to_epoch(received), _cutoff_arg(cutoff))))

    def due(
        self,
        received: datetime,
        limit_seconds: int,
        pauses: Iterable[Pause] = (),
        cutoff: time | None | bool = True,
    ) -> datetime:
        spans = [(to_epoch(p.start), to_epoch(p.end)) for p in pauses if p.end is not None]
        epoch = self.due_epoch(to_epoch(received), limit_seconds, spans, _cutoff_arg(cutoff))
        return from_epoch(epoch)

    def add_working_seconds(self, at: datetime, seconds: int) -> datetime:
        return self.at_ordinal(self.ordinal(at) + seconds)

    def local_date(self, at: datetime) -> date:
        return date.fromordinal((to_epoch(at) + self.utc_offset) // _DAY + 719163)


def _cutoff_arg(cutoff: time | None | bool) -> int | None:
    """True: the calendar's own cut-off; None/False: no cut-off; a time: that cut-off."""
    if cutoff is True:
        return -1
    if cutoff is None or cutoff is False:
        return None
    return _secs(cutoff)


def to_epoch(at: datetime) -> int:
    if at.tzinfo is None:
        raise ValueError("naive datetimes are not accepted; use timezone-aware instants")
    return int(at.timestamp())


def from_epoch(epoch: int) -> datetime:
    return datetime.fromtimestamp(epoch, UTC)


def days_between(start: date, end: date) -> Iterable[date]:
    d = start
    while d <= end:
        yield d
        d += timedelta(days=1)
