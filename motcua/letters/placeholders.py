"""The named placeholders of a letter template and their check (no Django models here)."""

from __future__ import annotations

from string import Formatter

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

PLACEHOLDERS = {
    "ten_nguoi_nhan": gettext_lazy("họ tên người nhận (người nộp hồ sơ)"),
    "ngay": gettext_lazy("ngày trao thư (dd/mm/yyyy)"),
    "don_vi": gettext_lazy("tên đơn vị gửi thư (cơ quan giải quyết)"),
    "dia_danh": gettext_lazy("địa danh của đơn vị"),
    "thu_tuc": gettext_lazy("tên thủ tục hành chính"),
    "ma_ho_so": gettext_lazy("mã hồ sơ"),
}


def placeholder_errors(text: str) -> list[str]:
    """Why ``text`` cannot be filled: unbalanced braces, an unknown name, a format or an index
    (``{ngay:%d}``, ``{don_vi.name}``). Empty: every placeholder is one of :data:`PLACEHOLDERS`."""
    try:
        parts = list(Formatter().parse(text))
    except ValueError:
        return [_("Dấu ngoặc nhọn { } không khớp; mỗi trường viết dạng {ten_truong}.")]
    errors = []
    for _literal, name, spec, conversion in parts:
        if name is None:
            continue
        if name not in PLACEHOLDERS or spec or conversion:
            errors.append(_("Trường {%(name)s} không hợp lệ. Các trường được dùng: %(known)s.") % {
                "name": name + (f"!{conversion}" if conversion else "") + (f":{spec}" if spec else ""),
                "known": ", ".join("{" + k + "}" for k in PLACEHOLDERS)})
    return errors


def fill(text: str, values: dict[str, str]) -> str:
    """``text`` with its placeholders replaced (``text`` passed :func:`placeholder_errors`)."""
    return text.format_map({k: values.get(k, "") for k in PLACEHOLDERS})
