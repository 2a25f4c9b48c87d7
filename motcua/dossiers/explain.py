"""Render a verdict's explanation as sentences people read (Vietnamese first).

Durations and numbers go through :mod:`motcua.core.numbers` (one formatter per language: the
same "1 ngày 2,5 giờ làm việc" as the page header), a signed figure is printed as a magnitude
with "quá hạn" / "sớm hơn hạn" / "còn ... đến hạn" chosen by its sign, and terminal actions are
named in the page language, never by their code.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.utils.translation import gettext as _

from motcua.core import numbers
from motcua.core.clock import fmt, local
from motcua.domain.verdict import Category, Verdict

from .choices import ActionChoices, VerdictChoices

_LATE = frozenset({Category.LATE.value, Category.IN_PROGRESS_LATE.value})
_FINISHED = frozenset({Category.EARLY.value, Category.ON_TIME.value, Category.LATE.value})
_MORNING_OPENING_BEFORE = 10  # a clock start before 10:00 is the day's opening, later the afternoon's
_CLOSING_FROM = 16  # received on a weekday from 16:00 with the clock starting another day: after hours


def duration(seconds: float) -> str:
    """A working duration's magnitude in the active language."""
    return numbers.working_time(round(seconds), None)


def _seconds(hours: object) -> int:
    return round(float(hours) * 3600)  # type: ignore[arg-type]


def _verdict_sentence(v: dict[str, Any]) -> str:
    over = _seconds(v["over_hours"])
    category = v["category"]
    label = str(VerdictChoices(category).label)
    finished = category in _FINISHED
    d = {"l": label, "h": duration(over)}
    if over > 0:
        return _("Kết luận: %(l)s, quá hạn %(h)s.") % d
    if category in _LATE:  # late by the second supplement request, before the due time
        if finished:
            return _("Kết luận: %(l)s do yêu cầu bổ sung từ lần thứ hai (kết thúc sớm hơn hạn %(h)s).") % d
        return _("Kết luận: %(l)s do yêu cầu bổ sung từ lần thứ hai (còn %(h)s đến hạn).") % d
    if over == 0:
        return (_("Kết luận: %(l)s, kết thúc đúng vào hạn.") if finished else _("Kết luận: %(l)s, đã đến hạn.")) % d
    if finished:
        return _("Kết luận: %(l)s, sớm hơn hạn %(h)s.") % d
    return _("Kết luận: %(l)s, còn %(h)s đến hạn.") % d


def _end_sentence(v: dict[str, Any]) -> str:
    reason, at = v["reason"], fmt(v["at"])
    if reason == "as_of":
        return _("Chưa kết thúc xử lý: thời gian được tính đến %(at)s.") % {"at": at}
    if reason == "supplement_wait":
        return _("Đang chờ người nộp bổ sung hồ sơ: thời gian được tính đến lúc yêu cầu bổ sung (%(at)s).") % {
            "at": at}
    return _("Kết thúc xử lý lúc %(at)s: %(r)s.") % {"at": at, "r": str(ActionChoices(reason).label)}


def _extension_sentence(v: dict[str, Any]) -> str:
    rule = _("được dùng để đánh giá") if v["excuses"] else _("không thay đổi hạn dùng để đánh giá")
    return _("Có văn bản xin lỗi, hẹn lại đến %(at)s; ngày hẹn lại %(rule)s.") % {
        "at": fmt(v["appointment"]), "rule": rule}


def _pause_sentence(v: dict[str, Any]) -> str:
    end = fmt(v["end"]) if v["end"] else _("chưa nhận bổ sung")
    return _("Tạm dừng tính thời gian chờ bổ sung: %(s)s đến %(e)s.") % {"s": fmt(v["start"]), "e": end}


def _due_sentence(v: dict[str, Any]) -> str:
    paused = _seconds(v["paused_hours"])
    if paused:
        return _("Hạn giải quyết: %(at)s (đã cộng %(h)s tạm dừng).") % {"at": fmt(v["at"]), "h": duration(paused)}
    return _("Hạn giải quyết: %(at)s.") % {"at": fmt(v["at"])}


_SENTENCES: dict[str, Callable[[dict[str, Any]], str]] = {
    "received": lambda v: _("Tiếp nhận lúc %(at)s.") % {"at": fmt(v["at"])},
    "limit": lambda v: _("Thời hạn giải quyết theo quy định: %(h)s.") % {"h": duration(_seconds(v["hours"]))},
    "cutoff": lambda v: _("Tiếp nhận sau giờ chốt buổi chiều: thời hạn bắt đầu tính từ %(at)s.") % {
        "at": fmt(v["clock_start"])},
    "clock_start": lambda v: _clock_start_sentence(v),
    "pause": _pause_sentence,
    "due": _due_sentence,
    "end": _end_sentence,
    "extension": _extension_sentence,
    "second_supplement": lambda v: _("Yêu cầu bổ sung %(n)s lần: từ lần thứ hai hồ sơ bị tính trễ hạn.") % {
        "n": v["count"]},
    "verdict": _verdict_sentence,
    "not_received": lambda v: _("Hồ sơ chưa được tiếp nhận: chưa tính thời hạn."),
}


def _clock_start_sentence(v: dict[str, Any]) -> str:
    texts = {
        "lunch": _("Tiếp nhận trong giờ nghỉ trưa: thời hạn bắt đầu tính từ %(at)s."),
        "before_opening": _("Tiếp nhận trước giờ làm việc: thời hạn bắt đầu tính từ %(at)s."),
        "day_off": _("Tiếp nhận vào ngày nghỉ: thời hạn bắt đầu tính từ %(at)s."),
        "after_hours": _("Tiếp nhận sau giờ làm việc: thời hạn bắt đầu tính từ %(at)s."),
    }
    return texts[str(v["why"])] % {"at": fmt(v["clock_start"])}


def _clock_start_fact(verdict: Verdict) -> tuple[str, dict[str, object]] | None:
    """A fact for a clock start the cut-off did not move but that falls after the receipt time
    (received in the lunch break, before opening, on a day off or after office hours)."""
    dl = verdict.deadline
    received = next((v.get("at") for f, v in verdict.explanation if f == "received"), None)
    if dl is None or dl.cutoff_applied or not isinstance(received, datetime) or dl.clock_start <= received:
        return None
    got, start = local(received), local(dl.clock_start)
    if got.date() == start.date():
        why = "before_opening" if start.hour < _MORNING_OPENING_BEFORE else "lunch"
    else:
        why = "after_hours" if got.weekday() < 5 and got.hour >= _CLOSING_FROM else "day_off"
    return ("clock_start", {"clock_start": dl.clock_start, "why": why})


def _facts(verdict: Verdict) -> list[tuple[str, dict[str, object]]]:
    out = list(verdict.explanation)
    extra = _clock_start_fact(verdict)
    if extra is not None:
        at = next(i for i, (f, _v) in enumerate(out) if f == "limit") + 1
        out.insert(at, extra)
    return out


def _sentence(fact: str, v: dict[str, Any]) -> str:
    render = _SENTENCES.get(fact)
    return render(v) if render else fact


def _json(v: dict[str, Any]) -> dict[str, Any]:
    return {k: (x.isoformat() if isinstance(x, datetime) else x) for k, x in v.items()}


def render_explanation(verdict: Verdict) -> list[dict[str, Any]]:
    return [{"fact": f, "text": _sentence(f, v), "values": _json(v)} for f, v in _facts(verdict)]
