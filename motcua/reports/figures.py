"""Which figures a dossier counts in, and the figures of a set of dossiers.

Every count figure is a set of dossiers, decided by :func:`memberships` from the dossier's
:class:`~motcua.reports.facts.Facts` over the period ``[S, E)`` (state as of ``E``):

=========================  =====================================================================
``received``               first INTAKE / RECEIVE event at ``S <= t < E``
``carried_over``           received before ``S`` and processing not ended before ``S``
``to_process``             received + carried over
``resolved``               end of processing in ``[S, E)`` (766 preference: FINISH, then RETURN,
                           then STOP / REFUSE, then WITHDRAW), of a received dossier
``resolved_early`` /       the verdict of a resolved dossier (early is on time with a date to
``_on_time`` / ``_late``   spare; "on time" in published totals means early + on time)
``processed``              resolved by FINISH (a result was produced): the base of the average
                           processing time and of the electronic-result rate
``resolved_in_time``       resolved early or on time (the published "on time" count)
``in_progress_on_time`` /  received before ``E``, not ended before ``E``: verdict as of ``E``
``in_progress_late``       (waiting for a supplement: the request time is the end)
``late``                   resolved late + in progress late (numerator of the late rate)
``not_late``               to process and not late (numerator of the on-time rate)
``about_to_be_late``       in progress on time, clock running, less than one working day left
``supplement_requested``   at least one REQUEST_SUPPLEMENT event in ``[S, E)``
``withdrawn`` / ``refused``  a WITHDRAW / REFUSE / STOP event in ``[S, E)`` (also dossiers never
``/ stopped``              received: a refusal is always at intake)
``not_collected``          status 9 at ``E``: FINISH before ``E``, no RETURN before ``E``
``received_online``        received in the period through channel 2
``online_full_eligible``   received in the period, procedure version offered fully online
``online_full``            ... and received through channel 2
``digitizable`` /          received in the period with components the catalog says must be
``digitized``              digitized (Circular 01/2023) / and every one of them marked digitized
``digitized_any`` /        received in the period with at least one component marked digitized /
``digitized_all``          with components, every one of them marked digitized
``result_digitized``       processed, its result marked digitized (signed, or a scan of the paper)
``e_result``               processed, with a signed electronic result (Decree 45/2020)
``rated``                  the applicant rated the handling in ``[S, E)``
``rated_satisfied`` /      ... satisfied or "acceptable" / dissatisfied ("dislike")
``rated_dissatisfied``
=========================  =====================================================================

By construction ``to_process = resolved + in_progress_on_time + in_progress_late``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Set
from dataclasses import dataclass, field
from decimal import Decimal

from motcua.domain import indicators as ind
from motcua.domain.lifecycle import Action
from motcua.domain.verdict import Category

from .facts import Facts

C = Category
COUNT_FIGURES = (
    "carried_over", "received", "to_process", "resolved", "resolved_early", "resolved_on_time", "resolved_late",
    "resolved_in_time", "processed", "in_progress_on_time", "in_progress_late", "late", "not_late", "about_to_be_late",
    "supplement_requested", "withdrawn", "refused", "stopped", "not_collected", "received_online",
    "online_full_eligible", "online_full", "digitizable", "digitized", "e_result",
    "digitized_any", "digitized_all", "result_digitized", "rated", "rated_satisfied", "rated_dissatisfied",
)
_RESOLVED = {C.EARLY: "resolved_early", C.ON_TIME: "resolved_on_time", C.LATE: "resolved_late"}
_IN_PROGRESS = {C.IN_PROGRESS_ON_TIME: "in_progress_on_time", C.IN_PROGRESS_LATE: "in_progress_late"}


@dataclass(frozen=True)
class Extras:
    """Facts outside the event log: the digitization marks and the signed results
    (:mod:`motcua.reports.storedfiles`)."""

    digitizable: Set[int] = frozenset()  # dossiers with components that must be digitized
    digitized: Set[int] = frozenset()  # ... all of them marked digitized
    e_result: Set[int] = frozenset()  # with a signed electronic result
    has_component_files: bool = False  # the province stores component scans at all
    has_result_files: bool = False  # the province stores result files at all
    digitized_any: Set[int] = frozenset()  # at least one component marked digitized
    digitized_all: Set[int] = frozenset()  # every component marked digitized
    result_digitized: Set[int] = frozenset()  # the result marked digitized


def _within(t: int | None, start: int, end: int) -> bool:
    return t is not None and start <= t < end


def _processing(f: Facts, start: int, end: int) -> list[str]:
    keys: list[str] = []
    if f.received is None or f.received >= end:
        return keys
    if f.received >= start:
        keys.append("received")
    elif f.end is None or f.end >= start:
        keys.append("carried_over")
    else:
        return keys
    keys.append("to_process")
    assert f.category is not None
    if f.end is not None and f.end < end:
        keys += ["resolved", _RESOLVED[f.category]]
        if f.category is not C.LATE:
            keys.append("resolved_in_time")
        if f.end_reason == Action.FINISH.value:
            keys.append("processed")
    else:
        keys.append(_IN_PROGRESS[f.category])
        if f.approaching:
            keys.append("about_to_be_late")
    keys.append("late" if f.category in (C.LATE, C.IN_PROGRESS_LATE) else "not_late")
    return keys


def _events(f: Facts, start: int, end: int) -> list[str]:
    keys = ["supplement_requested"] if f.requests_in_period else []
    for key, t in (("withdrawn", f.withdraw), ("refused", f.refuse), ("stopped", f.stop)):
        if _within(t, start, end):
            keys.append(key)
    if f.finish is not None and f.finish < end and f.returned is None:
        keys.append("not_collected")
    return keys


def _channels(f: Facts, extras: Extras, keys: list[str]) -> list[str]:
    out: list[str] = []
    if "received" in keys:
        if f.channel == 2:
            out.append("received_online")
        if f.online_full_procedure:
            out += ["online_full_eligible", "online_full"] if f.channel == 2 else ["online_full_eligible"]
        out += _digitization(f.id, extras)
    if "processed" in keys:
        out += [k for k in ("e_result", "result_digitized") if f.id in getattr(extras, k)]
    return out


def _digitization(i: int, extras: Extras) -> list[str]:
    out = [k for k in ("digitized_any", "digitized_all") if i in getattr(extras, k)]
    if i in extras.digitizable:
        out += ["digitizable", "digitized"] if i in extras.digitized else ["digitizable"]
    return out


def _rating(f: Facts, start: int, end: int) -> list[str]:
    return ["rated", f"rated_{f.rating}"] if _within(f.rated, start, end) else []


def memberships(f: Facts, start: int, end: int, extras: Extras = Extras()) -> list[str]:
    """The count figures ``f`` belongs to in ``[start, end)`` (epoch seconds)."""
    keys = _processing(f, start, end)
    keys += _events(f, start, end)
    keys += _channels(f, extras, keys)
    keys += _rating(f, start, end)
    return keys


@dataclass(frozen=True)
class Rate:
    value: Decimal | None
    numerator: str  # figure key, for drill-down
    denominator: str
    note: str = ""


@dataclass
class Figures:
    counts: dict[str, int]
    rates: dict[str, Rate]
    average_processing_hours: Decimal | None
    processing_seconds_total: int = 0
    members: dict[str, list[int]] = field(default_factory=dict)


def _rate(counts: Counter[str], num: str, den: str, available: bool = True, note: str = "") -> Rate:
    value = ind.rate(counts[num], counts[den]) if available else None
    return Rate(value, num, den, note if not available else "")


NO_DATA = "no_data"  # the inputs do not exist in this system yet


def _rates(c: Counter[str], extras: Extras) -> dict[str, Rate]:
    prov = ind.provincial_rates(c["received"], c["carried_over"], c["in_progress_late"], c["resolved_late"])
    resolved_ok = ind.rate(c["resolved_early"] + c["resolved_on_time"], c["resolved"])
    return {
        "on_time_rate": Rate(prov.on_time_rate, "not_late", "to_process", "100% - late rate"),
        "late_rate": Rate(prov.late_rate, "late", "to_process"),
        "resolved_on_time_rate": Rate(resolved_ok, "resolved_in_time", "resolved"),
        "online_rate": _rate(c, "received_online", "received"),
        "online_full_rate": _rate(c, "online_full", "online_full_eligible"),
        "digitization_rate": _rate(c, "digitized", "digitizable", extras.has_component_files, NO_DATA),
        "e_result_rate": _rate(c, "e_result", "processed", extras.has_result_files, NO_DATA),
        "digitized_any_rate": _rate(c, "digitized_any", "received", extras.has_component_files, NO_DATA),
        "digitized_all_rate": _rate(c, "digitized_all", "received", extras.has_component_files, NO_DATA),
        "result_digitized_rate": _rate(c, "result_digitized", "processed", extras.has_result_files, NO_DATA),
        "online_payment_rate": Rate(None, "", "", NO_DATA),
        "satisfaction_rate": _rate(c, "rated_satisfied", "rated"),
    }


def processing_seconds(f: Facts) -> int:
    """Working seconds from the clock start to the end, pauses excluded (= limit + overrun)."""
    return max(0, f.limit_seconds + f.over)


def summarize(facts: Iterable[Facts], start: int, end: int, extras: Extras = Extras(),
              keep_members: bool = False) -> Figures:
    counts: Counter[str] = Counter()
    members: dict[str, list[int]] = {}
    total = 0
    for f in facts:
        keys = memberships(f, start, end, extras)
        counts.update(keys)
        if "processed" in keys:
            total += processing_seconds(f)
        if keep_members:
            for k in keys:
                members.setdefault(k, []).append(f.id)
    avg = ind.average(Decimal(total) / 3600, counts["processed"])
    return Figures({k: counts[k] for k in COUNT_FIGURES}, _rates(counts, extras), avg, total, members)
