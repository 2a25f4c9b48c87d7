"""Fees on a dossier: the fee lines computed from a catalog version's fee entries, what is due at
each stage, and which transition a stage's unpaid fee blocks. Pure rules, no framework.

A catalog fee entry is ``{"name", "amount", "collected", "basis", "channels"}``:

- ``amount``: the unit amount in VND (a non-negative integer);
- ``collected``: when it is collected, 1 = at intake, 2 = at a supplement, 4 = at the result
  (DOMAIN.md; default 1);
- ``basis``: what the amount is per: ``"dossier"`` (once, the default), ``"set"`` (per set of the
  dossier), ``"page"`` (per page), ``"copy"`` (per copy);
- ``channels`` (optional): the submission channels (1 direct, 2 online, 3 post) the entry applies
  to; absent or empty: every channel (a fee waived online is listed for channels 1 and 3 only).

A procedure method may also carry its own ``fee`` per channel (the national database lists one). The
entries are authoritative when, for the channel, they add up to that fee at one unit each; when
they do not (alternatives the catalog text describes, such as a reduced fee for students), the
channel's fee is the dossier's one line, collected at the earliest stage the entries name.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .lifecycle import Action

AT_INTAKE, AT_SUPPLEMENT, AT_RESULT = 1, 2, 4
STAGES = (AT_INTAKE, AT_SUPPLEMENT, AT_RESULT)
BASES = ("dossier", "set", "page", "copy")
CHANNELS = (1, 2, 3)
MAX_AMOUNT = 10**15  # VND: the bound the dossier services and the API schemas use
MAX_QUANTITY = 100_000
CHANNEL_FEE_NAME = "Phí, lệ phí"

# the transition each stage's unpaid fee blocks: the dossier cannot be handed to processing (START)
# before the intake fee is paid, the supplement cannot be received before the supplement fee, the
# result cannot be returned before everything is paid
GATES: dict[Action, int] = {Action.START: AT_INTAKE, Action.SUPPLEMENT: AT_SUPPLEMENT, Action.RETURN: AT_RESULT}


class FeeRuleError(ValueError):
    """A fee entry the rules cannot use (reported per field by :func:`check_entries`)."""


@dataclass(frozen=True)
class FeeEntry:
    name: str
    amount: int
    collected: int = AT_INTAKE
    basis: str = "dossier"
    channels: tuple[int, ...] = ()

    def applies_to(self, channel: int) -> bool:
        return not self.channels or channel in self.channels


@dataclass(frozen=True)
class Quantities:
    """How many sets, pages and copies the dossier has (what the set, page and copy bases count)."""

    sets: int = 1
    pages: int = 1
    copies: int = 1

    def of(self, basis: str) -> int:
        return {"dossier": 1, "set": self.sets, "page": self.pages, "copy": self.copies}[basis]


@dataclass(frozen=True)
class FeeLine:
    name: str
    basis: str
    quantity: int
    unit_amount: int
    total: int
    collected: int

    def as_dict(self) -> dict[str, Any]:
        return {"name": self.name, "basis": self.basis, "quantity": self.quantity,
                "unit_amount": self.unit_amount, "total": self.total, "collected": self.collected}

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> FeeLine:
        quantity, unit = int(d.get("quantity") or 0), int(d.get("unit_amount") or 0)
        stored = d.get("total")
        return cls(str(d.get("name") or ""), str(d.get("basis") or "dossier"), quantity, unit,
                   quantity * unit if stored is None else int(stored), int(d.get("collected") or AT_INTAKE))


# ---- entries -----------------------------------------------------------------------------------

def _int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value.strip())
    return None


def entry_errors(raw: Any) -> dict[str, str]:
    """What is wrong with one catalog fee entry, by field (empty: usable)."""
    if not isinstance(raw, Mapping):
        return {"": "must be an object"}
    errors: dict[str, str] = {}
    amount = _int(raw.get("amount", 0))
    if amount is None or amount < 0 or amount > MAX_AMOUNT:
        errors["amount"] = f"must be a whole number of VND from 0 to {MAX_AMOUNT}"
    collected = _int(raw.get("collected", AT_INTAKE))
    if raw.get("collected") is not None and collected not in STAGES:
        errors["collected"] = "must be 1 (at intake), 2 (at supplement) or 4 (at result)"
    basis = raw.get("basis", "dossier")
    if basis is not None and basis not in BASES:
        errors["basis"] = "must be dossier, set, page or copy"
    channels = raw.get("channels")
    if channels is not None and (not isinstance(channels, list)
                                 or any(_int(c) not in CHANNELS for c in channels)):
        errors["channels"] = "must be a list of 1 (direct), 2 (online), 3 (post)"
    return errors


def check_entries(raw: Any) -> dict[str, str]:
    """Field errors of a catalog version's ``fees`` list, keyed ``fees[i].field``."""
    if raw is None:
        return {}
    if not isinstance(raw, list):
        return {"fees": "must be a list"}
    out: dict[str, str] = {}
    for i, item in enumerate(raw):
        for k, msg in entry_errors(item).items():
            out[f"fees[{i}]" + (f".{k}" if k else "")] = msg
    return out


def parse_entry(raw: Mapping[str, Any]) -> FeeEntry:
    errors = entry_errors(raw)
    if errors:
        raise FeeRuleError("; ".join(f"{k}: {v}" for k, v in errors.items()))
    channels = tuple(sorted({int(c) for c in raw.get("channels") or []}))
    return FeeEntry(str(raw.get("name") or ""), int(raw.get("amount") or 0),
                    int(raw.get("collected") or AT_INTAKE), str(raw.get("basis") or "dossier"), channels)


def parse_entries(raw: Iterable[Mapping[str, Any]] | None) -> list[FeeEntry]:
    return [parse_entry(r) for r in raw or []]


# ---- lines -------------------------------------------------------------------------------------

def lines_for(entries: Sequence[FeeEntry], channel: int, quantities: Quantities,
              channel_fee: int | None = None) -> list[FeeLine]:
    """The dossier's fee lines: one per entry of the channel with an amount, its quantity from the
    entry's basis; the channel's own fee as one line when the entries do not add up to it."""
    for basis in ("set", "page", "copy"):
        q = quantities.of(basis)
        if q < 0 or q > MAX_QUANTITY:
            raise FeeRuleError(f"{basis}: quantity must be from 0 to {MAX_QUANTITY}")
    own = [e for e in entries if e.applies_to(channel) and e.amount > 0]
    nominal = sum(e.amount for e in own)
    if channel_fee is not None and channel_fee != nominal:
        if channel_fee <= 0:
            return []
        stage = min((e.collected for e in own), default=AT_INTAKE)
        return [FeeLine(CHANNEL_FEE_NAME, "dossier", 1, channel_fee, channel_fee, stage)]
    out = []
    for e in own:
        q = quantities.of(e.basis)
        out.append(FeeLine(e.name, e.basis, q, e.amount, q * e.amount, e.collected))
    return out


def total(lines: Iterable[FeeLine], stages: Iterable[int] = STAGES) -> int:
    wanted = set(stages)
    return sum(line.total for line in lines if line.collected in wanted)


def reached_stages(supplement_requested: bool, result_ready: bool) -> frozenset[int]:
    """The collection stages the dossier has reached: intake always, a supplement once one was
    requested, the result once the dossier is processed."""
    out = {AT_INTAKE}
    if supplement_requested:
        out.add(AT_SUPPLEMENT)
    if result_ready:
        out.add(AT_RESULT)
    return frozenset(out)


def due_now(lines: Sequence[FeeLine], reached: Iterable[int], paid: int, obligations: int = 0) -> int:
    """What the applicant owes now: the lines of the stages reached and any financial obligation
    requested since (``obligations``), less what was paid."""
    return max(0, total(lines, reached) + obligations - paid)


def not_yet_due(lines: Sequence[FeeLine], reached: Iterable[int]) -> int:
    """The lines of the stages not reached yet."""
    return total(lines, set(STAGES) - set(reached))


def required_before(action: Action, lines: Sequence[FeeLine], obligations: int = 0) -> int:
    """What must have been paid before ``action`` may be taken (0: the action is not a fee gate).
    The gates are cumulative: the supplement's gate includes the intake's fees, the return's all
    of them and the financial obligations requested."""
    stage = GATES.get(action)
    if stage is None:
        return 0
    if stage == AT_RESULT:
        return total(lines) + obligations
    return total(lines, [s for s in STAGES if s <= stage])


def shortfall(action: Action, lines: Sequence[FeeLine], paid: int, pay_later: bool,
              obligations: int = 0) -> int:
    """How much is missing for ``action`` to pass its fee gate (0: not blocked). A procedure that
    allows paying later blocks nothing."""
    if pay_later:
        return 0
    return max(0, required_before(action, lines, obligations) - paid)


def gate_stage(action: Action) -> int | None:
    return GATES.get(action)


# ---- amounts in words (Vietnamese) ---------------------------------------------------------------

_DIGITS = ("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín")
_SCALES = ("triệu", "nghìn", "")  # within a billion; billions ("tỷ") repeat above


def _group(n: int, full: bool) -> list[str]:
    """Words of 0 < n < 1000; ``full``: not the leading group, so hundreds and "linh" are said."""
    h, t, u = n // 100, n // 10 % 10, n % 10
    out: list[str] = []
    if h or full:
        out += [_DIGITS[h], "trăm"]
    if t == 0:
        if u and out:
            out += ["linh", _DIGITS[u]]
        elif u:
            out.append(_DIGITS[u])
        return out
    if t == 1:
        out.append("mười")
    else:
        out += [_DIGITS[t], "mươi"]
    if u == 1:
        out.append("mốt" if t > 1 else "một")
    elif u == 4:
        out.append("tư" if t > 1 else "bốn")
    elif u == 5:
        out.append("lăm")
    elif u:
        out.append(_DIGITS[u])
    return out


def _words(n: int, full: bool) -> list[str]:
    """Words of n > 0; ``full``: n follows a larger part, so its leading zeros are said."""
    if n >= 10**9:
        hi, lo = divmod(n, 10**9)
        out = [*_words(hi, full), "tỷ"]
        return out + _words(lo, True) if lo else out
    groups = (n // 10**6, n // 1000 % 1000, n % 1000)
    out = []
    for g, scale in zip(groups, _SCALES, strict=True):
        if g == 0:
            continue
        out += _group(g, full=full or bool(out))
        if scale:
            out.append(scale)
    return out


def number_words(n: int) -> str:
    """A whole number in Vietnamese words, lower case ("một trăm linh năm nghìn")."""
    if n < 0:
        raise FeeRuleError("a negative amount has no reading")
    if n > MAX_AMOUNT:
        raise FeeRuleError(f"amounts above {MAX_AMOUNT} are not read")
    return " ".join(_words(n, False)) if n else "không"


def amount_in_words(n: int) -> str:
    """"Hai trăm nghìn đồng": the "Bằng chữ" line of a receipt."""
    w = number_words(n)
    return f"{w[0].upper()}{w[1:]} đồng"
