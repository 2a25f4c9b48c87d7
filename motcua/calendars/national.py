"""The national calendar: the government's yearly schedules (calendars/data/vn_official.json)
layered over the ``holidays`` package.

* Years the data covers: the official entries decide. A day the library lists but no official
  entry confirms is a *candidate* awaiting an administrator's confirmation, not a day off (or
  make-up day) until confirmed. An official entry whose document was not checked
  (``confirmed: false``) applies, and is listed for review (an administrator may reject it).
* Other years: the library's days, as before (no official schedule shipped for them).

Only what changes a day matters: a day off on a weekend, or a make-up day on a weekday, is
ignored on both sides.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

import holidays

DATA_FILE = Path(__file__).with_name("data") / "vn_official.json"
HOLIDAY, WORKING_DAY = "holiday", "working_day"


@dataclass(frozen=True)
class Entry:
    date: date
    kind: str  # "holiday" or "working_day"
    name: str
    basis: str  # "2450/VPCP-KGVX ngày 12/04/2024 (Văn phòng Chính phủ)"
    confirmed: bool
    source: str  # "official" or "library"


@cache
def official_data() -> dict:
    return json.loads(DATA_FILE.read_text(encoding="utf-8"))


def _basis(src: dict) -> str:
    when = f" ngày {date.fromisoformat(src['date']):%d/%m/%Y}" if src.get("date") else ""
    return f"{src['number']}{when} ({src['issuer']})"


@cache
def official_entries() -> dict[int, tuple[Entry, ...]]:
    """The official entries of each year the data covers."""
    data = official_data()
    out: dict[int, tuple[Entry, ...]] = {}
    for year, rows in data["years"].items():
        entries = []
        for r in rows:
            src = data["sources"][r["source"]]
            d = date.fromisoformat(r["date"])
            if d.year != int(year) or r["kind"] not in (HOLIDAY, WORKING_DAY):
                raise ValueError(f"bad official calendar entry {r}")
            entries.append(Entry(d, r["kind"], r["name"], _basis(src), bool(src["confirmed"]), "official"))
        out[int(year)] = tuple(entries)
    return out


def _effective(d: date, kind: str) -> bool:
    """A day off changes a weekday only; a make-up day a weekend day only."""
    return (d.weekday() < 5) == (kind == HOLIDAY)


@cache
def library_days(first_year: int, last_year: int) -> tuple[frozenset[date], frozenset[date], dict[date, str]]:
    """Days off and make-up Saturdays known to the ``holidays`` package, with their names."""
    vn = holidays.country_holidays("VN", years=range(first_year, last_year + 1))
    names = {d: str(n) for d, n in vn.items()}
    workdays = set()
    for year in range(first_year, last_year + 1):
        d = date(year, 1, 1)
        while d.year == year:
            if d.weekday() >= 5 and vn.is_working_day(d):
                workdays.add(d)
                names[d] = "Make-up working day"
            d = date.fromordinal(d.toordinal() + 1)
    return frozenset(vn.keys()), frozenset(workdays), names


@cache
def candidates(first_year: int, last_year: int) -> tuple[Entry, ...]:
    """Entries awaiting an administrator: library days no official entry confirms (not applied
    until confirmed) and official entries whose document was not checked (applied until
    rejected)."""
    lib_off, lib_work, names = library_days(first_year, last_year)
    official = official_entries()
    out: list[Entry] = []
    for year, entries in official.items():
        if not first_year <= year <= last_year:
            continue
        listed = {(e.date, e.kind) for e in entries}
        for d in sorted(x for x in lib_off if x.year == year):
            if _effective(d, HOLIDAY) and (d, HOLIDAY) not in listed:
                out.append(Entry(d, HOLIDAY, names[d], "", False, "library"))
        for d in sorted(x for x in lib_work if x.year == year):
            if (d, WORKING_DAY) not in listed:
                out.append(Entry(d, WORKING_DAY, names[d], "", False, "library"))
        out.extend(e for e in entries if not e.confirmed)
    return tuple(sorted(out, key=lambda e: e.date))


def national_days(first_year: int, last_year: int, confirmed: frozenset[date] = frozenset(),
                  rejected: frozenset[date] = frozenset()) -> tuple[set[date], set[date]]:
    """(days off, make-up working days) of the national calendar, given the administrator's
    decisions on the candidates (dates confirmed / rejected)."""
    lib_off, lib_work, _ = library_days(first_year, last_year)
    official = official_entries()
    days_off = {d for d in lib_off if d.year not in official}
    workdays = {d for d in lib_work if d.year not in official}
    for year, entries in official.items():
        if not first_year <= year <= last_year:
            continue
        for e in entries:
            if e.date in rejected:
                continue
            (days_off if e.kind == HOLIDAY else workdays).add(e.date)
    for e in candidates(first_year, last_year):
        if e.source == "library" and e.date in confirmed:
            (days_off if e.kind == HOLIDAY else workdays).add(e.date)
    return days_off, workdays
