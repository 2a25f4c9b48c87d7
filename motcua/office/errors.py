"""Domain errors as short Vietnamese sentences for the office pages (never internals, never a 500)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from motcua.domain.errors import Conflict, DomainError, IllegalTransition, NotFound, PermissionDenied

# the service layer's messages (English, for API clients) -> the sentence staff read
_KNOWN = {
    "The dossier is already at this step.": gettext_noop("Hồ sơ đang ở bước này rồi."),
    "No such step in this unit's process.": gettext_noop("Quy trình của đơn vị không có bước này."),
    "This person cannot handle this step.": gettext_noop("Người được chọn không xử lý được bước này."),
    "The new appointment must be later than the current one.":
        gettext_noop("Thời hạn hẹn lại phải sau thời điểm hiện tại và sau hạn đang có."),
    "Required components are missing.": gettext_noop("Còn thiếu thành phần hồ sơ bắt buộc."),
    "This procedure does not accept this channel.": gettext_noop("Thủ tục này không nhận hồ sơ qua kênh này."),
    "This procedure is not for this applicant type.":
        gettext_noop("Thủ tục này không áp dụng cho loại đối tượng đã chọn."),
    "This unit no longer exists.": gettext_noop("Đơn vị tiếp nhận đã giải thể."),
    # intake regardless of administrative boundaries (motcua.dossiers.boundaries)
    "This procedure is not received for a unit of another province.":
        gettext_noop("Thủ tục này không được tiếp nhận hồ sơ cho cơ quan giải quyết thuộc tỉnh khác."),
    "This procedure is received only at the competent unit's counters.":
        gettext_noop("Thủ tục này chỉ được tiếp nhận tại bộ phận một cửa của cơ quan có thẩm quyền."),
    "The result can be collected at the receiving counter or the handling unit's counter.":
        gettext_noop("Chỉ nhận kết quả được tại nơi tiếp nhận hoặc bộ phận một cửa của cơ quan giải quyết."),
    "Amount too large.": gettext_noop("Số tiền quá lớn."),
    "No version of this procedure is in force on that date.":
        gettext_noop("Thủ tục không có phiên bản đang có hiệu lực."),
}


def friendly(err: DomainError) -> str:
    """The sentence to show for ``err``; specific when the message is known, else by its kind."""
    from .reasons import of_error

    if of_error(err):  # a refusal of the process rules says exactly why
        return of_error(err)
    if isinstance(err, Conflict):
        return _("Hồ sơ vừa được người khác thay đổi. Vui lòng tải lại trang để xem thông tin mới nhất "
                 "rồi thực hiện lại.")
    if isinstance(err, IllegalTransition):
        return _("Không thể thực hiện thao tác này ở trạng thái hiện tại của hồ sơ. Vui lòng tải lại trang.")
    if isinstance(err, PermissionDenied):
        return _("Bạn không có quyền thực hiện thao tác này đối với hồ sơ.")
    if isinstance(err, NotFound) and err.message not in _KNOWN:
        return _("Không tìm thấy hồ sơ.")
    known = _KNOWN.get(err.message)
    if known:
        return _(known)
    if "reason" in err.fields:
        return _("Vui lòng nhập lý do.")
    return _("Thông tin chưa hợp lệ, vui lòng kiểm tra lại.")


def status_of(err: DomainError) -> int:
    """HTTP status of a page that shows ``err`` (the page is still a full, friendly page)."""
    return err.http_status
