"""Rules in force by date: the legal regime a dossier is judged under.

The one-stop rules changed on 1 July 2025 (Decree 118/2025/ND-CP and Circular 03/2025/TT-VPCP replaced
Decree 61/2018/ND-CP, as amended, and Circular 01/2018/TT-VPCP). What changed is data
(:mod:`motcua.domain.rules_data`): which decree governs, the form set and its numbering, whether the
stop notice exists, the default afternoon cut-off, and, on a timeline of its own, the Decision 766
weights. A dossier takes the :class:`RuleSet` in force on its receipt day (a local Vietnamese date; the
caller converts the instant), so one received at 23:59 on 30/06/2025 prints the Circular 01/2018 forms
and one received a minute later the Circular 03/2025 ones.

Rule sets are contiguous half-open periods ``[effective_from, effective_until)``: the first is open
towards the past, the last towards the future, each ends the day the next begins. :func:`check_timeline`
refuses a registry with a gap or an overlap, so every date maps to exactly one rule set.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, time
from typing import Generic, TypeVar

# the printable documents a rule set may give a form number and title (the documents app's slugs)
ROLES = ("receipt", "supplement", "refusal", "apology", "stop", "control", "book")


@dataclass(frozen=True)
class Text:
    """A legal text named in both languages (Vietnamese is what is printed)."""

    vi: str
    en: str


@dataclass(frozen=True)
class FormSpec:
    """One official form: its number in the circular (``"01"``), its title as printed, and the id of the
    official layout (``"tt01-2018/mau-01"``; the renderers have one layout per role today)."""

    number: str
    title: str
    template: str
    note: str = ""  # what is uncertain about this entry, and its source


@dataclass(frozen=True)
class CutoffPolicy:
    """The default afternoon cut-off: a dossier received strictly after ``at`` on a working day starts
    counting the next working day. A province's own calendar versions override it."""

    enabled: bool
    at: time
    source: str = ""


@dataclass(frozen=True)
class RuleSet:
    """The rules a dossier received in ``[effective_from, effective_until)`` is judged under
    (``None``: open-ended)."""

    key: str
    effective_from: date | None
    effective_until: date | None
    decree: Text  # "Nghị định 118/2025/NĐ-CP": what the dossier page says it is judged under
    basis: Text  # the full legal basis, with the amending texts
    forms_basis: Text  # the line printed under a form's number ("Ban hành kèm theo Thông tư số ...")
    forms: Mapping[str, FormSpec]
    stop_notice: bool  # whether a notice of stopped processing is an official form of this regime
    cutoff: CutoffPolicy
    sources: str = ""
    notes: tuple[str, ...] = field(default=())

    def covers(self, day: date) -> bool:
        return (self.effective_from is None or self.effective_from <= day) and (
            self.effective_until is None or day < self.effective_until)

    def form(self, role: str) -> FormSpec | None:
        """The official form of ``role`` in this regime, or None (no form number is known for it)."""
        if role not in ROLES:
            raise KeyError(f"unknown form role {role!r}")
        return self.forms.get(role)

    @property
    def judged_under_vi(self) -> str:
        return f"Giải quyết theo {self.decree.vi}"

    @property
    def judged_under_en(self) -> str:
        return f"Judged under {self.decree.en}"


V = TypeVar("V")


@dataclass(frozen=True)
class Dated(Generic[V]):
    """A value in force over ``[effective_from, effective_until)`` (``None``: open-ended)."""

    value: V
    effective_from: date | None
    effective_until: date | None
    source: str = ""

    def covers(self, day: date) -> bool:
        return (self.effective_from is None or self.effective_from <= day) and (
            self.effective_until is None or day < self.effective_until)


def check_timeline(periods: Sequence[tuple[date | None, date | None]], *, open_start: bool = True,
                   open_end: bool = True) -> None:
    """Raise ValueError unless the periods, in order, are non-empty and follow each other without a
    gap or an overlap (``open_start``/``open_end``: the first/last must be open-ended)."""
    if not periods:
        raise ValueError("no period")
    for i, (start, until) in enumerate(periods):
        if start is not None and until is not None and not start < until:
            raise ValueError(f"period {i} is empty or reversed: {start} .. {until}")
        if i and periods[i - 1][1] != start:
            raise ValueError(f"period {i} starts on {start}, the one before ends on {periods[i - 1][1]}")
        if i and start is None:
            raise ValueError(f"period {i} is open towards the past but is not the first")
        if i < len(periods) - 1 and until is None:
            raise ValueError(f"period {i} is open towards the future but is not the last")
    if open_start and periods[0][0] is not None:
        raise ValueError("the first period must be open towards the past")
    if open_end and periods[-1][1] is not None:
        raise ValueError("the last period must be open towards the future")


def check_rule_sets(rule_sets: Sequence[RuleSet]) -> None:
    """The registry's invariants: contiguous, unique keys, known roles, a stop form only where the regime
    has a stop notice."""
    check_timeline([(r.effective_from, r.effective_until) for r in rule_sets])
    keys = [r.key for r in rule_sets]
    if len(set(keys)) != len(keys):
        raise ValueError("rule set keys must be unique")
    for r in rule_sets:
        unknown = set(r.forms) - set(ROLES)
        if unknown:
            raise ValueError(f"{r.key}: unknown form roles {sorted(unknown)}")
        if ("stop" in r.forms) != r.stop_notice:
            raise ValueError(f"{r.key}: a stop form exactly when the regime has a stop notice")
        numbers = [f.number for f in r.forms.values()]
        if len(set(numbers)) != len(numbers):
            raise ValueError(f"{r.key}: two forms share a number")


def in_force(items: Sequence[RuleSet], day: date) -> RuleSet:
    """The rule set covering ``day`` (the registry is checked contiguous, so there is exactly one)."""
    for r in items:
        if r.covers(day):
            return r
    raise LookupError(f"no rule set covers {day}")  # only with an unchecked registry


def value_in_force(items: Sequence[Dated[V]], day: date) -> V | None:
    """The dated value covering ``day``, or None before the first one."""
    return next((i.value for i in items if i.covers(day)), None)


def rule_set(key: str) -> RuleSet:
    for r in _data.RULE_SETS:
        if r.key == key:
            return r
    raise KeyError(f"unknown rule set {key!r}")


_starts: tuple[Sequence[RuleSet], list[date]] | None = None  # (the registry, its rule sets' start dates)


def rules_for(received: date) -> RuleSet:
    """The rules a dossier received on the local date ``received`` is judged under (a bisection over
    the start dates, the registry being contiguous)."""
    global _starts
    sets = _data.RULE_SETS
    if _starts is None or _starts[0] is not sets:
        _starts = (sets, [r.effective_from or date.min for r in sets])
    return sets[bisect_right(_starts[1], received) - 1]


def rules_between(start: date, end: date) -> list[RuleSet]:
    """The rule sets in force on some day of ``start`` .. ``end`` (inclusive), oldest first."""
    return [r for r in _data.RULE_SETS if (r.effective_until is None or start < r.effective_until)
            and (r.effective_from is None or r.effective_from <= end)]


def index766_for(day: date) -> str | None:
    """The Decision 766 weights version in force on ``day`` (a reporting period's last day), or None
    before the index existed."""
    return value_in_force(_data.INDEX766, day)


def index766_periods() -> tuple[Dated[str], ...]:
    return _data.INDEX766


# at the end: the data module imports this one's classes (either may be imported first)
from . import rules_data as _data  # noqa: E402
