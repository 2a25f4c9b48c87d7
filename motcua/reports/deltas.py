"""A dossier's contribution to the read model: signed counts per (local day, column).

Pure functions over epoch seconds and the working calendar (no database). The period figures of
:mod:`motcua.reports.figures` are either *flows* (an event at ``t`` counts in ``[S, E)`` when
``S <= t < E``) or *stocks* as of the period end ``E`` (the state replayed from the events with
``at < E``). The history of a dossier cuts time into windows ``(t_k, t_k+1]`` between its
relevant events; inside a window the state is fixed except the running legal clock, which turns
"about to be late" at a known instant and late at another. So every stock is a sum of signed
steps at instants ``t`` counted when ``t < E``: ``+1`` when the dossier enters it, ``-1`` when it
leaves. Both kinds are bucketed by local day, exact for periods bounded by local midnights.

The state of each window comes from :func:`motcua.reports.facts.classify`, the function the
event-log computation uses, so both give the same numbers by construction (and tests check it).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from motcua.domain.lifecycle import Action
from motcua.domain.verdict import Category
from motcua.domain.workcal import WorkingCalendar

from .facts import PAUSE_ACTIONS, POLICY, RECEIPT, Facts, classify
from .figures import processing_seconds
from .models import COLUMNS

A = Action
COL = {name: i for i, name in enumerate(COLUMNS)}
ENDINGS = {A.FINISH.value: "finish", A.RETURN.value: "returned", A.STOP.value: "stop",
           A.REFUSE.value: "refuse", A.WITHDRAW.value: "withdraw"}
RELEVANT = frozenset([*RECEIPT, *PAUSE_ACTIONS, *ENDINGS])
_RESOLVED = {Category.EARLY: "resolved_early", Category.ON_TIME: "resolved_on_time", Category.LATE: "resolved_late"}
_OPEN = {Category.IN_PROGRESS_ON_TIME: "open_on_time", Category.IN_PROGRESS_LATE: "open_late"}
DAY = 86400

Deltas = Counter[tuple[int, int]]  # (local day number since 1970-01-01, column index) -> n


@dataclass(frozen=True)
class Profile:
    """The static attributes of a dossier that its figures depend on."""

    limit_seconds: int
    cutoff: int | None  # seconds after midnight; -1: the calendar's; None: no cut-off
    channel: int
    online_full: bool


@dataclass
class Contribution:
    deltas: Deltas
    pairs: list[tuple[int, int]]  # consecutive supplement requests (epoch seconds)


def facts_of(p: Profile, events: Sequence[tuple[int, str]]) -> Facts:
    """The :class:`Facts` the event-log computation would load from these (sorted) events."""
    firsts: dict[str, int] = {}
    for at, action in events:
        key = "received" if action in RECEIPT else ENDINGS.get(action)
        if key and key not in firsts:
            firsts[key] = at
    pauses = [(at, a) for at, a in events if a in PAUSE_ACTIONS]
    requests = sum(1 for _, a in pauses if a == A.REQUEST_SUPPLEMENT.value)
    return Facts(id=0, code="", path="", channel=p.channel, limit_seconds=p.limit_seconds, cutoff=p.cutoff,
                 online_full_procedure=p.online_full, received=firsts.get("received"),
                 finish=firsts.get("finish"), returned=firsts.get("returned"), stop=firsts.get("stop"),
                 refuse=firsts.get("refuse"), withdraw=firsts.get("withdraw"), requests_in_period=0,
                 requests=requests, pause_events=pauses)


class _Acc:
    def __init__(self, cal: WorkingCalendar) -> None:
        self.off = cal.utc_offset
        self.out: Deltas = Counter()

    def add(self, at: int, column: str, n: int = 1) -> None:
        self.out[((at + self.off) // DAY, COL[column])] += n

    def span(self, column: str, start: int, end: int | None) -> None:
        """In ``column`` for every ``E`` with ``start < E <= end`` (``end`` None: forever)."""
        if end is None or start < end:
            self.add(start, column)
            if end is not None:
                self.add(end, column, -1)


def _received(acc: _Acc, f: Facts, at: int) -> None:
    acc.add(at, "received")
    if f.channel == 2:
        acc.add(at, "received_online")
    if f.online_full_procedure:
        acc.add(at, "online_full_eligible")
        if f.channel == 2:
            acc.add(at, "online_full")


def _flows(acc: _Acc, f: Facts, events: Sequence[tuple[int, str]]) -> None:
    if f.received is not None:
        _received(acc, f, f.received)
        if f.end is not None and f.category is not None:
            acc.add(f.end, _RESOLVED[f.category])
            if f.end_reason == A.FINISH.value:
                acc.add(f.end, "processed")
                acc.add(f.end, "processing_seconds", processing_seconds(f))
    for column, at in (("withdrawn", f.withdraw), ("refused", f.refuse), ("stopped", f.stop)):
        if at is not None:
            acc.add(at, column)
    for at, action in events:
        if action == A.REQUEST_SUPPLEMENT.value:
            acc.add(at, "requests")


def _running(acc: _Acc, f: Facts, start: int, end: int | None, cal: WorkingCalendar) -> None:
    """Clock running in ``(start, end]``: on time until the due time's last working second,
    late after it; about to be late within ``POLICY.approaching_seconds`` of it."""
    assert f.due is not None
    due = cal.ordinal_at(f.due)
    late_from = cal.epoch_at(due + 1) - 1  # late for every E > late_from
    near_from = cal.epoch_at(max(0, due - POLICY.approaching_seconds)) - 1
    on_time_end = late_from if end is None else min(end, late_from)
    acc.span("open_on_time", start, on_time_end)
    acc.span("open_late", max(start, late_from), end)
    acc.span("approaching", max(start, near_from), on_time_end)


def _open_window(acc: _Acc, f: Facts, start: int, end: int | None, cal: WorkingCalendar) -> None:
    """A received dossier whose processing has not ended: in progress on time or late."""
    if f.waiting_supplement or f.supplement_requests >= 2:
        assert f.category is not None
        acc.span(_OPEN[f.category], start, end)
    else:
        _running(acc, f, start, end, cal)


def _windows(acc: _Acc, p: Profile, evs: list[tuple[int, str]], cal: WorkingCalendar) -> list[int]:
    """The stock steps of every window ``(t_k, t_k+1]``; returns the distinct event times."""
    times = sorted({at for at, _ in evs})
    seen: set[str] = set()
    i = 0
    for k, t in enumerate(times):
        while i < len(evs) and evs[i][0] <= t:
            seen.add(evs[i][1])
            i += 1
        nxt = times[k + 1] if k + 1 < len(times) else None
        if seen.isdisjoint(RECEIPT):
            continue
        if A.FINISH.value in seen and A.RETURN.value not in seen:
            acc.span("not_collected", t, nxt)
        if seen.isdisjoint(ENDINGS):  # the state as of any E in the window: classify() decides
            _open_window(acc, classify(facts_of(p, evs[:i]), t + 1, cal), t, nxt, cal)
    return times


@dataclass(frozen=True)
class Files:
    """What the dossier's digitization marks and signed results say (now): it has components the
    catalog says must be digitized / every one of them is marked digitized / any of its components
    is / every one is; its result is marked digitized / it has a signed electronic result."""

    digitizable: bool = False
    digitized: bool = False
    result: bool = False  # a signed electronic result
    any: bool = False
    all: bool = False
    result_digitized: bool = False


NO_FILES = Files()


def contribution(p: Profile, events: Sequence[tuple[int, str]], cal: WorkingCalendar,
                 rating: tuple[int, str] | None = None, files: Files = NO_FILES,
                 steps: Sequence[tuple[int, bool]] = ()) -> Contribution:
    """Everything one dossier adds to the buckets, from its events ``(epoch, action)`` in log order,
    the applicant's rating ``(epoch, "satisfied" | "dissatisfied")`` if any, its stored files
    (counted at receipt: digitization; at the end of processing by FINISH: electronic result) and
    the process steps it left ``(epoch, late)`` (:func:`motcua.reports.steps.left_steps`)."""
    # stable by time: events at the same second keep their log order (``seq``), as in load_facts
    evs = sorted(((at, a) for at, a in events if a in RELEVANT), key=lambda e: e[0])
    acc = _Acc(cal)
    times = _windows(acc, p, evs, cal)
    final = classify(facts_of(p, evs), times[-1] + 1, cal) if times else facts_of(p, evs)
    _flows(acc, final, evs)
    if rating is not None:
        acc.add(rating[0], "rated")
        acc.add(rating[0], f"rated_{rating[1]}")
    for at, late in steps:
        acc.add(at, "steps_left")
        if late:
            acc.add(at, "steps_left_late")
    requests = [at for at, a in evs if a == A.REQUEST_SUPPLEMENT.value]
    pairs = list(zip(requests, requests[1:], strict=False))
    processed = final.end if final.received is not None and final.end_reason == A.FINISH.value else None
    if final.received is not None:
        _digitization(acc, final.received, files)
    if processed is not None:
        for column, flag in (("e_result", files.result), ("result_digitized", files.result_digitized)):
            if flag and column in COL:
                acc.add(processed, column)
    return Contribution(Counter({k: n for k, n in acc.out.items() if n}), pairs)


def _digitization(acc: _Acc, received: int, files: Files) -> None:
    """Counted at receipt (the separate columns once the read model has them: reports 0006)."""
    if files.digitizable:
        acc.add(received, "digitizable")
        if files.digitized:
            acc.add(received, "digitized")
    for column, flag in (("digitized_any", files.any), ("digitized_all", files.all)):
        if flag and column in COL:
            acc.add(received, column)


def encode(deltas: Deltas) -> str:
    return ",".join(f"{d}:{c}:{n}" for (d, c), n in sorted(deltas.items()))


def decode(text: str) -> Deltas:
    out: Deltas = Counter()
    for part in filter(None, text.split(",")):
        d, c, n = part.split(":")
        out[(int(d), int(c))] = int(n)
    return out
