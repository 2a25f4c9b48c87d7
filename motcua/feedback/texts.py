"""The sentences the feedback pages show for the service layer's errors and codes."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from motcua.domain.errors import Conflict, DomainError, IllegalTransition, NotFound, PermissionDenied

TAB_TITLES = {
    "open": gettext_noop("Đang xử lý"),
    "overdue": gettext_noop("Quá hạn"),
    "approaching": gettext_noop("Sắp đến hạn"),
    "to_publish": gettext_noop("Chờ công khai"),
    "followup": gettext_noop("Sau đánh giá không hài lòng"),
    "ended": gettext_noop("Đã xử lý xong"),
    "all": gettext_noop("Tất cả"),
}

# the service's field messages, in the citizen's words
FIELD_LABELS = {
    "required": gettext_noop("Vui lòng nhập thông tin này."),
    "unknown": gettext_noop("Không tìm thấy."),
    "required (or send anonymously)": gettext_noop("Vui lòng nhập họ tên, hoặc chọn gửi ẩn danh."),
    "a phone number or an e-mail address is required": gettext_noop("Vui lòng nhập số điện thoại hoặc thư điện tử."),
    "malformed": gettext_noop("Không đúng định dạng."),
    "a complaint about a dossier cannot be anonymous":
        gettext_noop("Phản ánh về hồ sơ của bạn không thể gửi ẩn danh."),
    "not the sender's own dossier": gettext_noop("Chỉ được phản ánh về hồ sơ của chính bạn."),
    "required for a complaint about a dossier": gettext_noop("Vui lòng nhập mã hồ sơ của bạn."),
    "staff only": gettext_noop("Chỉ cán bộ được chọn."),
}


def field_label(message: str) -> str:
    return _(FIELD_LABELS[message]) if message in FIELD_LABELS else message  # noqa: INT001


def friendly(err: DomainError) -> str:
    if isinstance(err, Conflict):
        return _("Phản ánh vừa được người khác cập nhật hoặc đã được đánh giá. Vui lòng tải lại trang.")
    if isinstance(err, IllegalTransition):
        return _("Không thể thực hiện thao tác này ở trạng thái hiện tại của phản ánh. Vui lòng tải lại trang.")
    if isinstance(err, PermissionDenied):
        return _("Bạn không có quyền thực hiện thao tác này đối với phản ánh.")
    if isinstance(err, NotFound):
        return _("Không tìm thấy phản ánh, kiến nghị.")
    if err.fields:
        first = next(iter(err.fields.values()))
        return field_label(first) if first in FIELD_LABELS else _("Thông tin chưa hợp lệ, vui lòng kiểm tra lại.")
    return _("Thông tin chưa hợp lệ, vui lòng kiểm tra lại.")
