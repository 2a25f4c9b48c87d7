"""motcua's look-up to the population database's wire format and back: pure functions, no Django.

A look-up (``Query``) asks the national population database (CSDL quốc gia về dân cư), through the
provincial data platform (LGSP), whether a person with this ID number (SoDinhDanh), name (HoVaTen,
upper-case without diacritics) and birth year (Nam) exists, and for their record. Every call carries
the integration code (MaTichHop), the public service code (MaDVC), the officer (MaCanBo) and a request
id unique per call (MaYeuCau): the platform refuses a request id it has seen.

The reply is a SOAP envelope (INTEGRATIONS.md section 4) whose body holds ``MaYeuCau`` (echoed),
``MaKetQua`` (the result code below, as the simulator and motcua agree on it: no official
specification is public), ``MoTa`` and, when found, ``CongDan``: SoDinhDanh, HoVaTen {Ho, ChuDem,
Ten}, GioiTinh, NgayThangNamSinh {NgayThangNam yyyyMMdd, Nam}, ThuongTru and NoiOHienTai {MaTinhThanh,
MaPhuongXa, ChiTiet}, Cha, Me, VoChong, ChuHo {SoDinhDanh, HoVaTen}.

The reply is untrusted input: it is parsed with defusedxml with DTDs forbidden (an entity bomb or an
external entity is refused before any expansion), elements are matched by local name (whatever the
namespace prefixes), and a record is accepted only whole: the ID number asked for, a name, a birth
year and a residence; anything less is ``Malformed`` and fills nothing.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

SOAP_NS = "http://schemas.xmlsoap.org/soap/envelope/"
DC_NS = "http://dancuquocgia.bca"
OPERATION = "TraCuuThongTinCongDan"
MAX_REPLY_BYTES = 256 * 1024  # one person's record is a few kilobytes

FOUND, NOT_FOUND, MISMATCH, DUPLICATE_REQUEST, INVALID_REQUEST = "0", "1", "2", "3", "4"
RESULT_TEXT = {FOUND: "Tìm thấy công dân", NOT_FOUND: "Không tìm thấy công dân có số định danh này",
               MISMATCH: "Thông tin họ tên, năm sinh không khớp với số định danh",
               DUPLICATE_REQUEST: "Mã yêu cầu đã được sử dụng", INVALID_REQUEST: "Yêu cầu không hợp lệ"}
RELATIONS = ("Cha", "Me", "VoChong", "ChuHo")
GENDERS = {"1": "Nam", "2": "Nữ", "3": "Khác"}


class Malformed(ValueError):  # noqa: N818 - the reply's own defect, named as the officer sees it
    """The reply is not a usable SOAP document (garbled, refused by the hardened parser, incomplete)."""


@dataclass(frozen=True)
class Query:
    request_id: str  # MaYeuCau, unique per call
    id_number: str  # SoDinhDanh, 12 digits
    name: str  # as typed; sent folded (fold_name)
    birth_year: int
    integration_code: str  # MaTichHop
    service_code: str  # MaDVC
    officer_code: str  # MaCanBo


@dataclass(frozen=True)
class Address:
    province_code: str
    ward_code: str
    detail: str


@dataclass(frozen=True)
class Citizen:
    """One person's record as the population database gives it."""

    id_number: str
    family_name: str
    middle_name: str
    given_name: str
    gender: str
    birth_date: date | None  # None: the record holds the year only
    birth_year: int
    permanent: Address | None
    current: Address | None
    relations: dict[str, tuple[str, str]] = field(default_factory=dict)  # Cha/Me/VoChong/ChuHo -> (id, name)

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.family_name, self.middle_name, self.given_name) if p)

    @property
    def address(self) -> str:
        """The address to fill: where the person lives now, else their permanent residence."""
        return (self.current or self.permanent or Address("", "", "")).detail

    def related_to(self, id_number: str) -> str | None:
        """Which relation of this record (Cha, Me, VoChong, ChuHo) has ``id_number``, if any."""
        return next((r for r, (rid, _) in self.relations.items() if rid and rid == id_number), None)


@dataclass(frozen=True)
class Reply:
    request_id: str
    code: str
    message: str
    citizen: Citizen | None


def fold_name(name: str) -> str:
    """HoVaTen as the database wants it: upper-case, no diacritics, single spaces ("Đỗ Thị Ánh" -> "DO THI ANH")."""
    text = unicodedata.normalize("NFD", name.replace("đ", "d").replace("Đ", "D"))
    text = "".join(c for c in text if unicodedata.category(c) != "Mn")
    return " ".join(text.upper().split())


def request_body(q: Query) -> dict[str, str]:
    return {"MaYeuCau": q.request_id, "MaDVC": q.service_code, "MaTichHop": q.integration_code,
            "MaCanBo": q.officer_code, "HoVaTen": fold_name(q.name), "SoDinhDanh": q.id_number,
            "Nam": str(q.birth_year)}


# -- reading a reply ------------------------------------------------------------------------------
def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1].rsplit(":", 1)[-1]


def _child(el: Element | None, name: str) -> Element | None:
    if el is None:
        return None
    return next((c for c in el if _local(c.tag) == name), None)


def _text(el: Element | None, name: str) -> str:
    c = _child(el, name)
    return " ".join((c.text or "").split()) if c is not None else ""


def parse_document(data: bytes) -> Element:
    """The envelope's root, parsed hardened (no DTD, no entities, no external references)."""
    if len(data) > MAX_REPLY_BYTES:
        raise Malformed(f"phản hồi quá lớn ({len(data)} byte)")
    try:
        return fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        raise Malformed(f"phản hồi bị từ chối vì chứa khai báo DTD/thực thể ({type(exc).__name__})") from exc
    except (ParseError, ValueError, UnicodeError) as exc:
        raise Malformed("phản hồi không phải XML hợp lệ") from exc


def _body_response(root: Element) -> Element:
    if _local(root.tag) != "Envelope":
        raise Malformed("phản hồi không phải SOAP Envelope")
    body = _child(root, "Body")
    if body is None:
        raise Malformed("SOAP Envelope thiếu Body")
    fault = _child(body, "Fault")
    if fault is not None:
        raise Malformed(f"SOAP Fault: {_text(fault, 'faultstring') or 'không rõ'}")
    response = _child(body, OPERATION + "Response")
    if response is None:
        raise Malformed(f"SOAP Body thiếu {OPERATION}Response")
    return response


def parse_reply(data: bytes, expected_request_id: str) -> Reply:
    """The reply to the look-up ``expected_request_id``; ``Malformed`` when it cannot be used whole."""
    response = _body_response(parse_document(data))
    request_id, code = _text(response, "MaYeuCau"), _text(response, "MaKetQua")
    if request_id != expected_request_id:
        raise Malformed(f"mã yêu cầu trả về ({request_id or 'trống'}) khác mã đã gửi")
    if code not in RESULT_TEXT:
        raise Malformed(f"mã kết quả không xác định: {code or 'trống'}")
    message = _text(response, "MoTa") or RESULT_TEXT[code]
    if code != FOUND:
        return Reply(request_id, code, message, None)
    record = _child(response, "CongDan")
    if record is None:
        raise Malformed("kết quả 'tìm thấy' nhưng thiếu thông tin công dân (CongDan)")
    return Reply(request_id, code, message, parse_citizen(record))


def _address(el: Element | None) -> Address | None:
    if el is None or not _text(el, "ChiTiet"):
        return None
    return Address(_text(el, "MaTinhThanh"), _text(el, "MaPhuongXa"), _text(el, "ChiTiet")[:500])


def _birth(el: Element | None) -> tuple[date | None, int]:
    raw, year_text = _text(el, "NgayThangNam"), _text(el, "Nam")
    day = None
    if len(raw) == 8 and raw.isdigit():
        try:
            day = date(int(raw[:4]), int(raw[4:6]), int(raw[6:]))
        except ValueError as exc:
            raise Malformed(f"ngày sinh không hợp lệ: {raw}") from exc
    year = day.year if day else (int(year_text) if year_text.isdigit() else 0)
    if not 1880 <= year <= 2200 or (day and year_text and year_text != str(day.year)):
        raise Malformed("năm sinh thiếu hoặc không hợp lệ")
    return day, year


def parse_citizen(el: Element) -> Citizen:
    """A ``CongDan`` element, whole or refused (ID number, given name, birth year and a residence)."""
    id_number = _text(el, "SoDinhDanh")
    name = _child(el, "HoVaTen")
    family, middle, given = _text(name, "Ho"), _text(name, "ChuDem"), _text(name, "Ten")
    if not (id_number.isdigit() and len(id_number) == 12):
        raise Malformed("số định danh trong hồ sơ công dân không hợp lệ")
    if not given or not family:
        raise Malformed("hồ sơ công dân thiếu họ tên")
    day, year = _birth(_child(el, "NgayThangNamSinh"))
    permanent, current = _address(_child(el, "ThuongTru")), _address(_child(el, "NoiOHienTai"))
    if permanent is None and current is None:
        raise Malformed("hồ sơ công dân thiếu nơi thường trú và nơi ở hiện tại")
    relations = {}
    for rel in RELATIONS:
        r = _child(el, rel)
        if r is not None and (_text(r, "SoDinhDanh") or _text(r, "HoVaTen")):
            relations[rel] = (_text(r, "SoDinhDanh"), _text(r, "HoVaTen"))
    return Citizen(id_number, family, middle, given, GENDERS.get(_text(el, "GioiTinh"), ""), day, year,
                   permanent, current, relations)


# -- writing a reply (the simulator's side; also the recorded examples of the tests) ---------------
def _esc(value: Any) -> str:
    return (str(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;"))


def _el(name: str, inner: str) -> str:
    return f"<dc:{name}>{inner}</dc:{name}>"


def _address_xml(name: str, a: dict[str, str] | None) -> str:
    if not a:
        return ""
    return _el(name, "".join(_el(k, _esc(a.get(k, ""))) for k in ("MaTinhThanh", "MaPhuongXa", "ChiTiet")))


def citizen_xml(person: dict[str, Any]) -> str:
    """A ``CongDan`` element from the simulator's record of a person (keys as on the wire)."""
    parts = [_el("SoDinhDanh", _esc(person["SoDinhDanh"])),
             _el("HoVaTen", "".join(_el(k, _esc(person.get(k, ""))) for k in ("Ho", "ChuDem", "Ten"))),
             _el("GioiTinh", _esc(person.get("GioiTinh", "")))]
    if person.get("NgayThangNam") or person.get("Nam"):
        parts.append(_el("NgayThangNamSinh", _el("NgayThangNam", _esc(person.get("NgayThangNam", "")))
                         + _el("Nam", _esc(person.get("Nam") or str(person.get("NgayThangNam", ""))[:4]))))
    parts += [_address_xml(k, person.get(k)) for k in ("ThuongTru", "NoiOHienTai")]
    for rel in RELATIONS:
        if person.get(rel):
            parts.append(_el(rel, _el("SoDinhDanh", _esc(person[rel].get("SoDinhDanh", "")))
                             + _el("HoVaTen", _esc(person[rel].get("HoVaTen", "")))))
    return _el("CongDan", "".join(parts))


def envelope(request_id: str, code: str, message: str = "", record: str = "") -> str:
    """A SOAP reply to one look-up (``record``: a ``CongDan`` element when found)."""
    return (f'<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="{SOAP_NS}" xmlns:dc="{DC_NS}">'
            f"<soap:Body><dc:{OPERATION}Response>{_el('MaYeuCau', _esc(request_id))}{_el('MaKetQua', code)}"
            f"{_el('MoTa', _esc(message or RESULT_TEXT.get(code, '')))}{record}</dc:{OPERATION}Response>"
            "</soap:Body></soap:Envelope>")
