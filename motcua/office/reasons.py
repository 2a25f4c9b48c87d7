"""Why an action on a dossier is refused or not offered, in the staff's language.

The process rules (motcua.domain.process) refuse with a stable reason code and parameters; this
table turns the code into the sentence the office pages show, both when an action fails and
beside the actions a user does not see offered."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

REASONS = {
    "signing_failed": gettext_noop("Chưa ký số được kết quả: %(message)s"),
    "unsigned_result": gettext_noop("Kết quả chưa được ký số nên không trả trực tuyến được; hãy trả trực tiếp "
                                    "hoặc qua bưu chính."),
    "skips_required": gettext_noop("Không được bỏ qua bước bắt buộc: %(steps)s."),
    "needs_approval": gettext_noop("Bước “%(step)s” là bước phê duyệt: hồ sơ chỉ chuyển tiếp khi lãnh đạo "
                                   "phê duyệt."),
    "not_approval_step": gettext_noop("Hồ sơ chưa đến bước phê duyệt (đang ở bước “%(step)s”)."),
    "steps_remaining": gettext_noop("Hồ sơ chưa qua các bước bắt buộc: %(steps)s."),
    "not_in_process": gettext_noop("Hồ sơ chưa được chuyển qua quy trình xử lý nội bộ."),
    "step_document_missing": gettext_noop("Bước “%(step)s” phải đính kèm văn bản trước khi chuyển tiếp."),
    "result_missing": gettext_noop("Chưa đính kèm tệp kết quả giải quyết."),
    "held_by_other": gettext_noop("Hồ sơ đang do %(holder)s xử lý ở bước này."),
    "already_held": gettext_noop("Bước này đã có người nhận xử lý: %(holder)s."),
    "not_step_role": gettext_noop("Bạn không thuộc vai trò thực hiện bước này."),
    "not_leader": gettext_noop("Chỉ lãnh đạo đơn vị giải quyết mới phân công được người xử lý."),
    "not_holder": gettext_noop("Chỉ người đang xử lý bước này mới chuyển giao được cho đồng nghiệp."),
    "no_current_step": gettext_noop("Hồ sơ không ở bước xử lý nào."),
    "awaiting_receipt": gettext_noop("Hồ sơ đang chờ bộ phận một cửa tiếp nhận."),
    "awaiting_start": gettext_noop("Hồ sơ đang chờ bộ phận một cửa chuyển xử lý."),
    "awaiting_return": gettext_noop("Hồ sơ đã xử lý xong, đang chờ bộ phận một cửa trả kết quả."),
    "with_applicant": gettext_noop("Hồ sơ đang chờ người nộp bổ sung."),
    "awaiting_payment": gettext_noop("Hồ sơ đang chờ người nộp thực hiện nghĩa vụ tài chính."),
    "ready_to_finish": gettext_noop("Hồ sơ đã qua đủ các bước, chờ hoàn thành xử lý."),
    "fee_unpaid_start": gettext_noop("Chưa nộp đủ phí, lệ phí thu khi tiếp nhận (còn thiếu %(amount)s): hồ sơ "
                                     "chưa được chuyển xử lý."),
    "fee_unpaid_supplement": gettext_noop("Chưa nộp đủ phí, lệ phí thu khi bổ sung (còn thiếu %(amount)s): chưa "
                                          "nhận được hồ sơ bổ sung."),
    "fee_unpaid_return": gettext_noop("Chưa nộp đủ phí, lệ phí (còn thiếu %(amount)s): chưa trả được kết quả."),
}


def text(reason: str, params: dict[str, Any] | None = None) -> str:
    """The sentence for ``reason`` (empty if the code is unknown)."""
    template = REASONS.get(reason)
    if template is None:
        return ""
    try:
        return _(template) % (params or {})
    except (KeyError, TypeError, ValueError):
        return _(template).split("%")[0].rstrip(" :(“") + "."


def of_error(err: Exception) -> str:
    """The sentence for a process refusal, or "" for any other error."""
    reason = getattr(err, "reason", None)
    return text(reason, getattr(err, "params", {})) if isinstance(reason, str) else ""
