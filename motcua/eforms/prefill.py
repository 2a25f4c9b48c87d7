"""Prefill: values a form can propose before the citizen types, each marked with where it came
from ("đã điền sẵn từ ..."), always shown for confirmation (the citizen or officer checks and edits
them before saving; nothing is saved by prefilling).

A field asks for a value with ``"prefill": "<source>.<key>"`` (``profile.full_name``,
``eid.birth_date``, ``population.residence``...) or ``"prefill": "history"``. Providers answer
keys; the most authoritative one with a value wins, whatever source the field names:

1. ``population``: the national population database's record (Cơ sở dữ liệu quốc gia về dân cư),
   when the caller has one (the officer's look-up in motcua.integrations.population gives a
   ``mapping.Citizen``; this module makes no call itself);
2. ``eid``: what the VNeID sign-in said of the account (stored on the CitizenProfile);
3. ``history``: the citizen's latest earlier declaration holding the same path;
4. ``profile``: the portal account (name, identity number, phone, e-mail, address).

Only fields that declare ``prefill`` are filled: a child's name is never copied from an earlier
birth declaration. Values are proposals in the definition's raw input shape (the renderer shows
them, ``validate`` cleans what is saved)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Protocol

from motcua.domain.eforms import iter_fields

HISTORY_DEPTH = 20  # earlier declarations looked at, newest first


class Provider(Protocol):
    """A source of prefilled values: ``source`` names it in specs, ``label`` says it to the user."""

    source: str
    label: str

    def value(self, key: str, path: str) -> Any:
        """The value for ``key`` (the part after the source in a spec) of the field at ``path``, or None."""


@dataclass(frozen=True)
class Prefill:
    """Proposed data (``{"section": {"field": value}}``) and, by field path, the source's label."""

    data: dict[str, dict[str, Any]] = field(default_factory=dict)
    sources: dict[str, str] = field(default_factory=dict)

    def note(self, path: str) -> str:
        """"đã điền sẵn từ <source>" for a prefilled path, else ""."""
        return f"đã điền sẵn từ {self.sources[path]}" if path in self.sources else ""


def _address(detail: str, province: str = "", commune: str = "") -> dict[str, str] | None:
    parts = {"province": province, "commune": commune, "detail": detail}
    return {k: v for k, v in parts.items() if v} or None


_SEX = {"male": "nam", "nam": "nam", "female": "nu", "nu": "nu", "nữ": "nu"}


@dataclass(frozen=True)
class ProfileProvider:
    """The portal account's own details."""

    full_name: str = ""
    id_number: str = ""
    phone: str = ""
    email: str = ""
    address: str = ""
    source: str = "profile"
    label: str = "tài khoản cổng dịch vụ công"

    def value(self, key: str, path: str) -> Any:
        if key == "id_document":
            return f"Thẻ Căn cước số {self.id_number}" if self.id_number else None
        if key in ("address", "residence"):
            return _address(self.address)
        return {"full_name": self.full_name, "id_number": self.id_number, "phone": self.phone,
                "email": self.email}.get(key) or None


@dataclass(frozen=True)
class EidProvider:
    """What VNeID said at sign-in (birth date, sex, permanent residence), kept on the profile."""

    full_name: str = ""
    id_number: str = ""
    birth_date: date | None = None
    gender: str = ""
    permanent_address: str = ""
    source: str = "eid"
    label: str = "tài khoản định danh điện tử VNeID"

    def value(self, key: str, path: str) -> Any:
        if key in ("address", "residence", "permanent_address"):
            return _address(self.permanent_address)
        if key == "birth_date":
            return self.birth_date.isoformat() if self.birth_date else None
        if key == "birth_year":
            return self.birth_date.year if self.birth_date else None
        if key == "sex":
            return _SEX.get(self.gender.casefold())
        return {"full_name": self.full_name, "id_number": self.id_number}.get(key) or None


@dataclass(frozen=True)
class PopulationProvider:
    """A population database record (``motcua.integrations.population.mapping.Citizen`` or any object
    with its attributes): the name, birth date, sex and the residence with its unit codes."""

    citizen: Any
    source: str = "population"
    label: str = "Cơ sở dữ liệu quốc gia về dân cư"

    def value(self, key: str, path: str) -> Any:
        c = self.citizen
        if key in ("address", "residence", "permanent_address"):
            place = (c.permanent if key == "permanent_address" else None) or c.current or c.permanent
            return _address(place.detail, place.province_code, place.ward_code) if place else None
        if key == "birth_date":
            return c.birth_date.isoformat() if c.birth_date else None
        if key == "birth_year":
            return c.birth_year or None
        if key == "sex":
            return _SEX.get(str(c.gender).casefold())
        if key == "id_document":
            return f"Thẻ Căn cước số {c.id_number}" if c.id_number else None
        return {"full_name": c.full_name, "id_number": c.id_number}.get(key) or None


@dataclass(frozen=True)
class HistoryProvider:
    """The citizen's earlier declarations (newest first): the value at the same path."""

    declarations: tuple[Mapping[str, Any], ...] = ()
    source: str = "history"
    label: str = "hồ sơ đã nộp trước đây"

    def value(self, key: str, path: str) -> Any:
        section, _, name = path.partition(".")
        for data in self.declarations:
            found = (data.get(section) or {}).get(name) if isinstance(data, Mapping) else None
            if found not in (None, "", [], {}):
                return found
        return None


ORDER = ("population", "eid", "history", "profile")


def propose(defn: Mapping[str, Any], providers: Iterable[Provider]) -> Prefill:
    """The values the providers propose for the fields of ``defn`` that ask for one (pure)."""
    ranked = sorted(providers, key=lambda p: ORDER.index(p.source) if p.source in ORDER else len(ORDER))
    out = Prefill()
    for section, fld in iter_fields(defn):
        spec = fld.get("prefill")
        if not isinstance(spec, str) or not spec or fld.get("type") == "group":
            continue
        path = f"{section['key']}.{fld['key']}"
        key = spec.partition(".")[2] or str(fld["key"])
        for provider in ranked:
            value = provider.value(key, path)
            if value not in (None, "", {}):
                out.data.setdefault(str(section["key"]), {})[str(fld["key"])] = value
                out.sources[path] = provider.label
                break
    return out


def providers_for(user: Any, *, population: Any = None, exclude_dossier: int | None = None) -> list[Provider]:
    """The providers for a citizen account (a staff user at the counter passes the walk-in's
    ``population`` record only). ``exclude_dossier``: the dossier being filled (not its own history)."""
    out: list[Provider] = []
    if population is not None:
        out.append(PopulationProvider(population))
    if user is None or not getattr(user, "is_authenticated", False):
        return out
    profile = getattr(user, "citizen_profile", None)  # None for staff (the reverse one-to-one raises)
    name = (f"{user.last_name} {user.first_name}".strip() or user.get_full_name()).strip()
    if profile is not None:
        if getattr(profile, "identity_provider", "") == "vneid":
            out.append(EidProvider(name, profile.id_number, getattr(profile, "birth_date", None),
                                   getattr(profile, "gender", ""), getattr(profile, "permanent_address", "")))
        out.append(ProfileProvider(name, profile.id_number, profile.phone, user.email, profile.address))
    out.append(HistoryProvider(_history(user, exclude_dossier)))
    return out


def _history(user: Any, exclude_dossier: int | None) -> tuple[Mapping[str, Any], ...]:
    from .models import Declaration

    qs = Declaration.objects.filter(dossier__owner=user)
    if exclude_dossier is not None:
        qs = qs.exclude(dossier_id=exclude_dossier)
    return tuple(qs.order_by("-updated_at", "-pk").values_list("data", flat=True)[:HISTORY_DEPTH])


def prefill_for(user: Any, defn: Mapping[str, Any], *, population: Any = None,
                exclude_dossier: int | None = None) -> Prefill:
    """What to propose to ``user`` for the form ``defn``."""
    return propose(defn, providers_for(user, population=population, exclude_dossier=exclude_dossier))


def merge(existing: Mapping[str, Any], proposed: Prefill) -> tuple[dict[str, Any], dict[str, str]]:
    """The data to show: what was already typed wins over a proposal; the notes only for paths whose
    value is still the proposal."""
    data: dict[str, Any] = {k: dict(v) for k, v in proposed.data.items()}
    notes: dict[str, str] = {}
    for section, values in (existing or {}).items():
        if isinstance(values, Mapping):
            data.setdefault(section, {}).update({k: v for k, v in values.items() if v not in (None, "")})
    for path, label in proposed.sources.items():
        section, _, name = path.partition(".")
        if data.get(section, {}).get(name) == proposed.data.get(section, {}).get(name):
            notes[path] = f"đã điền sẵn từ {label}"
    return data, notes
