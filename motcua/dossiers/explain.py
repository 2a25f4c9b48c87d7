"""Render a verdict's explanation as sentences people read (Vietnamese first)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from motcua.core.clock import fmt
from motcua.domain.verdict import Verdict

from .choices import ActionChoices, VerdictChoices

_END_REASONS = {"supplement_wait": gettext_noop("đang chờ bổ sung (tính đến thời điểm yêu cầu)"),
                "as_of": gettext_noop("chưa kết thúc (tính đến thời điểm xem)")}


def _hours(h: object) -> str:
    return f"{float(h):g}"  # type: ignore[arg-type]


def _verdict_sentence(v: dict[str, Any]) -> str:
    over = float(v["over_hours"])
    label = str(VerdictChoices(v["category"]).label)
    if over > 0:
        return _("Kết luận: %(l)s, quá hạn %(h)s giờ làm việc.") % {"l": label, "h": f"{over:.2f}"}
    return _("Kết luận: %(l)s, còn %(h)s giờ làm việc so với hạn.") % {"l": label, "h": f"{-over:.2f}"}


def _end_sentence(v: dict[str, Any]) -> str:
    reason = v["reason"]
    label = _END_REASONS.get(reason) or str(ActionChoices(reason).label)
    return _("Kết thúc xử lý lúc %(at)s: %(r)s.") % {"at": fmt(v["at"]), "r": _(label)}


def _extension_sentence(v: dict[str, Any]) -> str:
    rule = _("được dùng để đánh giá") if v["excuses"] else _("không thay đổi hạn dùng để đánh giá")
    return _("Có văn bản xin lỗi, hẹn lại đến %(at)s; ngày hẹn lại %(rule)s.") % {
        "at": fmt(v["appointment"]), "rule": rule}


def _pause_sentence(v: dict[str, Any]) -> str:
    end = fmt(v["end"]) if v["end"] else _("chưa nhận bổ sung")
    return _("Tạm dừng tính thời gian chờ bổ sung: %(s)s đến %(e)s.") % {"s": fmt(v["start"]), "e": end}


_SENTENCES: dict[str, Callable[[dict[str, Any]], str]] = {
    "received": lambda v: _("Tiếp nhận lúc %(at)s.") % {"at": fmt(v["at"])},
    "limit": lambda v: _("Thời hạn giải quyết theo quy định: %(h)s giờ làm việc.") % {"h": _hours(v["hours"])},
    "cutoff": lambda v: _("Tiếp nhận sau giờ chốt buổi chiều: bắt đầu tính từ %(at)s.") % {
        "at": fmt(v["clock_start"])},
    "pause": _pause_sentence,
    "due": lambda v: _("Hạn giải quyết: %(at)s (đã cộng %(h)s giờ làm việc tạm dừng).") % {
        "at": fmt(v["at"]), "h": _hours(v["paused_hours"])},
    "end": _end_sentence,
    "extension": _extension_sentence,
    "second_supplement": lambda v: _("Yêu cầu bổ sung %(n)s lần: từ lần thứ hai hồ sơ bị tính trễ hạn.") % {
        "n": v["count"]},
    "verdict": _verdict_sentence,
    "not_received": lambda v: _("Hồ sơ chưa được tiếp nhận: chưa tính thời hạn."),
}


def _sentence(fact: str, v: dict[str, Any]) -> str:
    render = _SENTENCES.get(fact)
    return render(v) if render else fact


def _json(v: dict[str, Any]) -> dict[str, Any]:
    return {k: (x.isoformat() if isinstance(x, datetime) else x) for k, x in v.items()}


def render_explanation(verdict: Verdict) -> list[dict[str, Any]]:
    return [{"fact": f, "text": _sentence(f, v), "values": _json(v)} for f, v in verdict.explanation]
