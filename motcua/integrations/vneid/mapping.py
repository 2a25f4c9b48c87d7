"""VNeID claims as motcua reads them (INTEGRATIONS.md section 4): pure functions, no Django.

The provider's claims (ID token and /oauth2/userinfo) carry ``sub``, ``SoDinhDanh``, ``HoVaTen``,
``NgayThangNamSinh`` (dd/mm/yyyy or yyyy-mm-dd), ``GioiTinh``, ``ThuongTru``, ``NoiOHienNay``,
``SoDienThoai``, ``ThuDienTu``, ``LoaiTaiKhoan`` (1 citizen, 2 enterprise with ``MaSoThue``,
3 organisation), ``TechID`` and the assurance level (``acr``, or the list ``loAs``)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

LOA_LEVELS = ("LoA1", "LoA2")  # weakest first
CITIZEN, ENTERPRISE, ORGANISATION = 1, 2, 3
ACCOUNT_TYPES = (CITIZEN, ENTERPRISE, ORGANISATION)
ID_NUMBER = re.compile(r"^\d{12}$")
TAX_CODE = re.compile(r"^\d{10}(-\d{3})?$")
GENDERS = {"1": "male", "nam": "male", "male": "male", "2": "female", "nữ": "female", "nu": "female",
           "female": "female"}


class BadClaims(ValueError):
    """The claims cannot open or sign in an account (missing or malformed identity)."""


@dataclass(frozen=True)
class Identity:
    """Who the provider says signed in."""

    subject: str
    account_type: int
    id_number: str  # the CCCD number (12 digits); an enterprise's or organisation's: its tax code
    full_name: str
    loa: str
    birth_date: date | None = None
    gender: str = ""  # male | female | ""
    permanent_address: str = ""
    current_address: str = ""
    phone: str = ""
    email: str = ""
    tax_code: str = ""
    tech_id: str = ""


def loa_rank(level: str) -> int:
    """0 for an unknown level, else 1 (LoA1), 2 (LoA2)."""
    return LOA_LEVELS.index(level) + 1 if level in LOA_LEVELS else 0


def loa_of(claims: dict[str, Any]) -> str:
    """The highest assurance level the claims state (``acr``, else the ``loAs`` list), or ""."""
    levels = [str(claims.get("acr") or "")]
    extra = claims.get("loAs")
    if isinstance(extra, list):
        levels += [str(x) for x in extra]
    elif extra:
        levels.append(str(extra))
    known = [lv for lv in levels if loa_rank(lv)]
    return max(known, key=loa_rank) if known else ""


def meets(level: str, required: str) -> bool:
    return loa_rank(level) >= loa_rank(required) > 0


def parse_date(text: Any) -> date | None:
    text = str(text or "").strip()
    for fmt in ("%d/%m/%Y", "%Y-%m-%d", "%Y%m%d"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def _text(claims: dict[str, Any], name: str, limit: int) -> str:
    value = claims.get(name)
    return " ".join(str(value).split())[:limit] if value not in (None, "") else ""


def identity_from(claims: dict[str, Any]) -> Identity:
    """The identity in the provider's claims; BadClaims if they do not name one."""
    subject = _text(claims, "sub", 255)
    try:
        kind = int(claims.get("LoaiTaiKhoan") or CITIZEN)
    except (TypeError, ValueError) as exc:
        raise BadClaims("LoaiTaiKhoan") from exc
    if kind not in ACCOUNT_TYPES:
        raise BadClaims("LoaiTaiKhoan")
    id_number, tax_code = _text(claims, "SoDinhDanh", 12), _text(claims, "MaSoThue", 14)
    if kind == CITIZEN and not ID_NUMBER.match(id_number):
        raise BadClaims("SoDinhDanh")
    if kind != CITIZEN and not TAX_CODE.match(tax_code):
        raise BadClaims("MaSoThue")
    full_name = _text(claims, "HoVaTen", 150)
    if not subject or not full_name:
        raise BadClaims("sub" if not subject else "HoVaTen")
    return Identity(subject=subject, account_type=kind, id_number=id_number if kind == CITIZEN else tax_code,
                    full_name=full_name, loa=loa_of(claims), birth_date=parse_date(claims.get("NgayThangNamSinh")),
                    gender=GENDERS.get(_text(claims, "GioiTinh", 10).lower(), ""),
                    permanent_address=_text(claims, "ThuongTru", 500),
                    current_address=_text(claims, "NoiOHienNay", 500),
                    phone=re.sub(r"[\s.\-]", "", _text(claims, "SoDienThoai", 20)),
                    email=_text(claims, "ThuDienTu", 254), tax_code=tax_code, tech_id=_text(claims, "TechID", 64))


def claims_of(person: dict[str, Any], loa: str) -> dict[str, Any]:
    """The claims the provider (the simulator) releases for one of its people."""
    out = {k: v for k, v in person.items() if v not in (None, "")}
    out["loAs"] = list(LOA_LEVELS[:loa_rank(loa)])
    out["acr"] = loa
    return out
