"""Domain errors as sentences for citizens (never internals, never a 500)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from motcua.domain.errors import DomainError, NotFound
from motcua.office.errors import friendly as office_friendly

from .services import Refused

# messages of the storage and dossier services (English, for API clients) -> what citizens read
_KNOWN = {
    "File too large.": gettext_noop("Tệp quá lớn so với dung lượng cho phép."),
    "Empty file.": gettext_noop("Tệp tải lên đang trống."),
    "Unsupported file type.": gettext_noop("Định dạng tệp không được chấp nhận. Chỉ nhận PDF, PNG, JPEG, TIFF, "
                                           "DOCX, XLSX, ODT, XML."),
    "File extension does not match its content.": gettext_noop("Phần mở rộng của tệp không khớp với nội dung tệp."),
    "Invalid dossier.": gettext_noop("Thông tin hồ sơ chưa hợp lệ, vui lòng kiểm tra lại."),
    "Draft not found.": gettext_noop("Không tìm thấy hồ sơ lưu nháp."),
}


def friendly(err: DomainError) -> str:
    """The sentence to show for ``err``."""
    if isinstance(err, Refused):
        return err.message
    known = _KNOWN.get(err.message)
    if known:
        detail = err.fields.get("file", "").split(":")[0]
        return _(known) + (f" ({detail})" if detail else "")
    if isinstance(err, NotFound):
        return _("Không tìm thấy hồ sơ.")
    return office_friendly(err)
