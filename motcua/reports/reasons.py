"""Why a dossier counts in a figure: one sentence per figure, from the dossier's facts."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from motcua.core import numbers
from motcua.core.clock import fmt
from motcua.domain.verdict import Category
from motcua.domain.workcal import from_epoch
from motcua.dossiers.choices import ActionChoices

from .facts import Facts


def _at(t: int | None) -> str:
    return fmt(from_epoch(t)) if t is not None else ""


def _end(f: Facts) -> str:
    action = str(ActionChoices(f.end_reason).label) if f.end_reason else ""
    return _("kết thúc xử lý lúc %(t)s: %(a)s") % {"a": action.lower(), "t": _at(f.end)}


_FINISHED = frozenset({Category.EARLY, Category.ON_TIME, Category.LATE})


def _over(f: Facts) -> str:
    """Working time past the due time, or left before it, by the sign (never "-0")."""
    d = {"h": numbers.working_time(f.over)}
    if f.over > 0:
        return _("quá hạn %(h)s") % d
    if f.over == 0:
        return _("đúng vào hạn")
    if f.category in _FINISHED:
        return _("sớm hơn hạn %(h)s") % d
    return _("còn %(h)s đến hạn") % d


def _late(f: Facts) -> str:
    if f.supplement_requests >= 2:
        return _("yêu cầu bổ sung %(n)s lần (từ lần thứ hai tính trễ hạn)") % {"n": f.supplement_requests}
    return _over(f)


LABELS: dict[str, str] = {  # translated where displayed
    "carried_over": gettext_noop("Kỳ trước chuyển sang"),
    "received": gettext_noop("Tiếp nhận trong kỳ"),
    "to_process": gettext_noop("Phải giải quyết"),
    "resolved": gettext_noop("Đã giải quyết"),
    "resolved_early": gettext_noop("Giải quyết trước hạn"),
    "resolved_on_time": gettext_noop("Giải quyết đúng hạn"),
    "resolved_late": gettext_noop("Giải quyết quá hạn"),
    "resolved_in_time": gettext_noop("Giải quyết trước hạn và đúng hạn"),
    "processed": gettext_noop("Đã xử lý xong (có kết quả)"),
    "in_progress_on_time": gettext_noop("Đang giải quyết trong hạn"),
    "in_progress_late": gettext_noop("Đang giải quyết quá hạn"),
    "late": gettext_noop("Quá hạn (đã và đang giải quyết)"),
    "not_late": gettext_noop("Không quá hạn (đã và đang giải quyết)"),
    "about_to_be_late": gettext_noop("Sắp đến hạn"),
    "supplement_requested": gettext_noop("Yêu cầu bổ sung"),
    "withdrawn": gettext_noop("Rút hồ sơ"),
    "refused": gettext_noop("Từ chối tiếp nhận"),
    "stopped": gettext_noop("Dừng xử lý"),
    "not_collected": gettext_noop("Chưa trả kết quả"),
    "received_online": gettext_noop("Tiếp nhận trực tuyến"),
    "online_full_eligible": gettext_noop("Thuộc TTHC trực tuyến toàn trình"),
    "online_full": gettext_noop("Trực tuyến toàn trình"),
    "digitizable": gettext_noop("Có thành phần phải số hóa"),
    "digitized": gettext_noop("Đã số hóa"),
    "e_result": gettext_noop("Có kết quả điện tử"),
    "digitized_any": gettext_noop("Có thành phần đã số hóa"),
    "digitized_all": gettext_noop("Số hóa toàn bộ thành phần"),
    "result_digitized": gettext_noop("Kết quả đã số hóa"),
    "rated": gettext_noop("Được đánh giá mức độ hài lòng"),
    "rated_satisfied": gettext_noop("Hài lòng (kể cả chấp nhận được)"),
    "rated_dissatisfied": gettext_noop("Không hài lòng"),
}

_WHY: dict[str, Callable[[Facts], str]] = {
    "carried_over": lambda f: _("tiếp nhận lúc %(t)s, trước kỳ, và chưa kết thúc khi bắt đầu kỳ") % {
        "t": _at(f.received)},
    "received": lambda f: _("tiếp nhận lúc %(t)s, trong kỳ") % {"t": _at(f.received)},
    "to_process": lambda f: _("tiếp nhận trong kỳ hoặc kỳ trước chuyển sang"),
    "resolved": _end,
    "resolved_early": lambda f: _("kết thúc trước ngày hết hạn (%(o)s)") % {"o": _over(f)},
    "resolved_on_time": lambda f: _("kết thúc đúng hạn (%(o)s)") % {"o": _over(f)},
    "resolved_late": _late,
    "resolved_in_time": lambda f: _("kết thúc trước hạn hoặc đúng hạn"),
    "processed": lambda f: _("hoàn thành xử lý lúc %(t)s") % {"t": _at(f.finish)},
    "in_progress_on_time": lambda f: _("chưa kết thúc khi hết kỳ; %(o)s") % {"o": _over(f)},
    "in_progress_late": lambda f: _("chưa kết thúc khi hết kỳ; %(o)s") % {"o": _late(f)},
    "late": _late,
    "not_late": lambda f: _("phải giải quyết trong kỳ và không bị tính quá hạn"),
    "about_to_be_late": lambda f: _("đang tính thời gian, %(o)s (dưới một ngày làm việc)") % {"o": _over(f)},
    "supplement_requested": lambda f: _("%(n)s yêu cầu bổ sung trong kỳ") % {"n": f.requests_in_period},
    "withdrawn": lambda f: _("rút hồ sơ lúc %(t)s") % {"t": _at(f.withdraw)},
    "refused": lambda f: _("từ chối tiếp nhận lúc %(t)s") % {"t": _at(f.refuse)},
    "stopped": lambda f: _("dừng xử lý lúc %(t)s") % {"t": _at(f.stop)},
    "not_collected": lambda f: _("xử lý xong lúc %(t)s, chưa trả kết quả khi hết kỳ") % {"t": _at(f.finish)},
    "received_online": lambda f: _("nộp qua kênh trực tuyến"),
    "online_full_eligible": lambda f: _("phiên bản thủ tục cung cấp trực tuyến toàn trình"),
    "online_full": lambda f: _("nộp trực tuyến, thủ tục toàn trình"),
    "digitizable": lambda f: _("có thành phần hồ sơ phải số hóa"),
    "digitized": lambda f: _("mọi thành phần phải số hóa đều đã số hóa"),
    "e_result": lambda f: _("có kết quả điện tử được ký số"),
    "digitized_any": lambda f: _("có ít nhất một thành phần hồ sơ đã số hóa"),
    "digitized_all": lambda f: _("mọi thành phần hồ sơ đều đã số hóa"),
    "result_digitized": lambda f: _("kết quả giải quyết đã được số hóa"),
    "rated": lambda f: _("người nộp đánh giá lúc %(t)s, trong kỳ") % {"t": _at(f.rated)},
    "rated_satisfied": lambda f: _("mức đánh giá: hài lòng hoặc chấp nhận được"),
    "rated_dissatisfied": lambda f: _("mức đánh giá: không hài lòng"),
}


def reasons(f: Facts, keys: list[str]) -> list[dict[str, Any]]:
    return [{"figure": k, "label": _(LABELS[k]), "because": _WHY[k](f)} for k in keys]
