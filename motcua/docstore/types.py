"""Document types: what the catalog's ``Component.document_type`` and a stored document's type mean, how
long a document of the type stays valid, and the type of each procedure's result.

The type codes are plain slugs kept in the catalog data (``sample_catalog.json``); a type this table does
not know is still matched, and shown by its code. A procedure's result gets the type of the document it
produces (the birth registration issues a ``giay_khai_sinh``), so that a result issued in one dossier is
offered for the matching component of the next; a result without such a type is ``ket_qua:<procedure code>``.
Validity periods are *unverified* defaults from the procedures' texts (a marital status confirmation is
valid 6 months, Decree 123/2015 art. 23): keep them data."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class DocumentType:
    code: str
    label: str
    valid_days: int | None = None  # None: no expiry


_TYPES = [
    DocumentType("cccd", _("Thẻ Căn cước / Căn cước công dân")),
    DocumentType("ho_chieu", _("Hộ chiếu")),
    DocumentType("giay_khai_sinh", _("Giấy khai sinh")),
    DocumentType("giay_chung_sinh", _("Giấy chứng sinh")),
    DocumentType("giay_chung_nhan_ket_hon", _("Giấy chứng nhận kết hôn")),
    DocumentType("giay_xac_nhan_tthn", _("Giấy xác nhận tình trạng hôn nhân"), 180),
    DocumentType("trich_luc_khai_tu", _("Trích lục khai tử")),
    DocumentType("phieu_lltp", _("Phiếu lý lịch tư pháp"), 180),
    DocumentType("xac_nhan_cu_tru", _("Giấy tờ chứng minh nơi cư trú")),
    DocumentType("so_ho_khau", _("Sổ hộ khẩu")),
    DocumentType("giay_chung_nhan_qsdd", _("Giấy chứng nhận quyền sử dụng đất")),
    DocumentType("giay_phep_xay_dung", _("Giấy phép xây dựng")),
    DocumentType("giay_cn_dkhkd", _("Giấy chứng nhận đăng ký hộ kinh doanh")),
    DocumentType("giay_cn_dkdn", _("Giấy chứng nhận đăng ký doanh nghiệp")),
    DocumentType("giay_xac_nhan_khuyet_tat", _("Giấy xác nhận khuyết tật")),
    DocumentType("giay_kham_suc_khoe", _("Giấy khám sức khỏe"), 180),
    DocumentType("so_bhxh", _("Sổ bảo hiểm xã hội")),
    DocumentType("hoc_ba", _("Học bạ")),
    DocumentType("van_bang", _("Văn bằng, chứng chỉ")),
    DocumentType("giay_phep_hanh_nghe", _("Giấy phép hành nghề khám bệnh, chữa bệnh")),
    DocumentType("giay_phep_lao_dong", _("Giấy phép lao động")),
]
TYPES: dict[str, DocumentType] = {t.code: t for t in _TYPES}

RESULT_PREFIX = "ket_qua:"

# procedure code -> the document type its result is
RESULT_TYPES: dict[str, str] = {
    **dict.fromkeys(("1.001193", "1.004884", "1.001695", "1.013021"), "giay_khai_sinh"),
    **dict.fromkeys(("1.000894", "1.000593"), "giay_chung_nhan_ket_hon"),
    "1.000656": "trich_luc_khai_tu",
    "1.004873": "giay_xac_nhan_tthn",
    **dict.fromkeys(("2.001417", "2.001263"), "phieu_lltp"),
    **dict.fromkeys(("1.012756", "1.012781", "1.012765", "1.012798", "1.012802", "1.012809"),
                    "giay_chung_nhan_qsdd"),
    **dict.fromkeys(("1.009994", "1.009995", "1.009997", "1.009998", "1.009999", "1.009974"),
                    "giay_phep_xay_dung"),
    **dict.fromkeys(("2.000720", "2.000575", "2.000571"), "giay_cn_dkhkd"),
    **dict.fromkeys(("2.001610", "2.001199", "2.002040"), "giay_cn_dkdn"),
    **dict.fromkeys(("1.001699", "1.001653"), "giay_xac_nhan_khuyet_tat"),
    "1.005092": "van_bang",
    "1.012249": "giay_phep_hanh_nghe",
    "1.000105": "giay_phep_lao_dong",
}


def result_type(procedure_code: str) -> str:
    return RESULT_TYPES.get(procedure_code, f"{RESULT_PREFIX}{procedure_code}")


def label(code: str) -> str:
    t = TYPES.get(code)
    if t is not None:
        return str(t.label)
    if code.startswith(RESULT_PREFIX):
        return str(_("Kết quả thủ tục %(code)s")) % {"code": code[len(RESULT_PREFIX):]}
    return code


def valid_until(code: str, issued_on: date | None, known_valid_on: date | None = None) -> date | None:
    """The last day a document of type ``code`` is valid: issue date + the type's validity. When the issue
    date is unknown (a scanned paper), a limited-validity document is only known valid on the day it was
    handed in (``known_valid_on``), so it is valid until then and is not offered later."""
    t = TYPES.get(code)
    if t is None or t.valid_days is None:
        return None
    if issued_on is not None:
        return issued_on + timedelta(days=t.valid_days)
    return known_valid_on
