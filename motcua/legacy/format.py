"""The legacy history file format: its columns, their meaning and how each cell is read.

A legacy system's history is two tables: one row per dossier (``hoso``) and one row per event
(``sukien``). As CSV: two UTF-8 files (comma separated, a header row); as Excel (.xlsx): one
workbook with the sheets ``hoso`` and ``sukien``. Units and procedures are named by their national
codes, statuses and actions by their codes, times ``dd/mm/yyyy HH:MM`` in Vietnam time (UTC+7).

The events of a dossier follow each other, in time order, and the dossiers come in the same order in
both tables (what ``ORDER BY ma_ho_so, thoi_diem`` in the legacy database gives): the importer reads
both tables side by side, one dossier at a time, so a file of any size is read in constant memory.

This spec is the single source: the documentation page (``/office/legacy/format/``) is drawn from it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone

from django.utils.translation import gettext_lazy as _

from motcua.domain.lifecycle import Action

FORMAT = "motcua.legacy/1"
DOSSIER_SHEET = "hoso"
EVENT_SHEET = "sukien"
VN = timezone(timedelta(hours=7))  # Vietnam time, no daylight saving
TIME_FORMAT = "%d/%m/%Y %H:%M"
CODE_MAX = 60  # the dossier code's column width (dossiers_dossier.code)


@dataclass(frozen=True)
class Column:
    name: str
    required: bool
    label: object  # lazy Vietnamese text
    example: str


DOSSIER_COLUMNS: tuple[Column, ...] = (
    Column("ma_ho_so", True, _("Mã hồ sơ ở hệ thống cũ (tối đa 60 ký tự); trở thành mã hồ sơ trong hệ thống, "
                               "là khóa để nhập lại không trùng"), "000.31.90.H39-240312-0007"),
    Column("ma_don_vi_tiep_nhan", True, _("Mã định danh (QCVN 102:2016) hoặc mã đơn vị hành chính của nơi "
                                          "tiếp nhận"), "000.31.90.H39"),
    Column("ma_don_vi_xu_ly", False, _("Mã của đơn vị giải quyết; bỏ trống: chính nơi tiếp nhận"), "000.31.10.H39"),
    Column("ma_thu_tuc", True, _("Mã thủ tục hành chính quốc gia như trong danh mục (hoặc mã TTHC trên CSDLQG)"),
           "1.001193"),
    Column("kenh", True, _("Kênh nộp: 1 trực tiếp, 2 trực tuyến, 3 bưu chính công ích"), "1"),
    Column("ten_nguoi_nop", True, _("Họ tên người nộp hoặc tên tổ chức"), "Nguyễn Văn An"),
    Column("so_dinh_danh", False, _("Số định danh cá nhân hoặc mã số thuế"), "068123456789"),
    Column("so_dien_thoai", False, _("Số điện thoại"), "0912345678"),
    Column("dia_chi", False, _("Địa chỉ liên hệ"), "Xã A, tỉnh Lâm Đồng"),
    Column("le_phi", False, _("Phí, lệ phí phải nộp (đồng, số nguyên)"), "0"),
    Column("da_nop", False, _("Số tiền đã nộp (đồng, số nguyên)"), "0"),
    Column("ket_qua_cu", False, _("Đánh giá của hệ thống cũ: early (trước hạn), on_time (đúng hạn), late (trễ "
                                  "hạn). Chỉ để đối chiếu: hệ thống tự tính lại theo thời hạn và lịch làm việc"),
           "on_time"),
)

EVENT_COLUMNS: tuple[Column, ...] = (
    Column("ma_ho_so", True, _("Mã hồ sơ (như ở bảng hoso)"), "000.31.90.H39-240312-0007"),
    Column("thoi_diem", True, _("Thời điểm, dd/mm/yyyy HH:MM theo giờ Việt Nam"), "12/03/2024 08:15"),
    Column("thao_tac", True, _("Mã thao tác (bảng dưới)"), "intake"),
    Column("ghi_chu", False, _("Ghi chú, lý do"), ""),
)

ACTION_LABELS: dict[str, object] = {
    "submit": _("nộp trực tuyến / qua bưu chính (chờ tiếp nhận)"),
    "intake": _("tiếp nhận trực tiếp tại quầy"),
    "receive": _("tiếp nhận hồ sơ đã nộp trực tuyến / bưu chính"),
    "refuse": _("từ chối tiếp nhận"),
    "start": _("chuyển xử lý"),
    "forward": _("chuyển bước xử lý"),
    "request_supplement": _("yêu cầu bổ sung (tạm dừng tính thời hạn)"),
    "supplement": _("đã bổ sung (tiếp tục tính thời hạn)"),
    "request_payment": _("yêu cầu thực hiện nghĩa vụ tài chính"),
    "payment": _("đã thực hiện nghĩa vụ tài chính"),
    "extend": _("gia hạn (thư xin lỗi, hẹn lại)"),
    "withdraw": _("rút hồ sơ"),
    "stop": _("dừng xử lý"),
    "approve": _("phê duyệt"),
    "send_back": _("trả lại bước trước"),
    "finish": _("hoàn thành giải quyết (có kết quả)"),
    "return": _("trả kết quả cho người nộp"),
}
# the legacy history carries the dossier's life, not the integrations' bookkeeping
IMPORTED_ACTIONS = frozenset(ACTION_LABELS)
assert {a.value for a in Action} >= IMPORTED_ACTIONS
CHANNELS = {"1": 1, "2": 2, "3": 3}
LEGACY_VERDICTS = {"early": "early", "on_time": "on_time", "late": "late"}
VERDICT_LABELS = {"early": _("trước hạn"), "on_time": _("đúng hạn"), "late": _("trễ hạn")}

DOSSIER_NAMES = tuple(c.name for c in DOSSIER_COLUMNS)
EVENT_NAMES = tuple(c.name for c in EVENT_COLUMNS)
_TIME = re.compile(r"^\s*(\d{1,2})/(\d{1,2})/(\d{4})\s+(\d{1,2}):(\d{2})\s*$")


class CellError(ValueError):
    """A cell that cannot be read; the message is the Vietnamese text shown to the user."""


def text(value: object) -> str:
    """A cell as text (Excel numbers without a needless ``.0``)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def parse_time(value: object) -> int:
    """``dd/mm/yyyy HH:MM`` (Vietnam time; an Excel date cell is read as Vietnam wall time) -> epoch seconds."""
    if isinstance(value, datetime):
        at = value.replace(tzinfo=VN) if value.tzinfo is None else value
        return int(at.timestamp())
    m = _TIME.match(text(value))
    if not m:
        raise CellError(_("Thời điểm phải có dạng dd/mm/yyyy HH:MM."))
    d, mo, y, h, mi = (int(x) for x in m.groups())
    try:
        return int(datetime(y, mo, d, h, mi, tzinfo=VN).timestamp())
    except ValueError:
        raise CellError(_("Ngày giờ không tồn tại.")) from None


def show_time(epoch: int) -> str:
    return datetime.fromtimestamp(epoch, UTC).astimezone(VN).strftime(TIME_FORMAT)


def parse_amount(value: object) -> int:
    t = text(value).replace(".", "").replace(",", "").replace(" ", "")
    if not t:
        return 0
    if not t.isdigit():
        raise CellError(_("Số tiền phải là số nguyên không âm (đồng)."))
    return int(t)
