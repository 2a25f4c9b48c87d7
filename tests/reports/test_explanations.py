"""Explanations read right (issue 8, item 5): the sentences testers saw must not come back, the
right ones are there, in Vietnamese and English, and the page header and the explanation say the
same working time. Verdicts are computed by the domain core on a plain calendar (March 2026, no
holiday; office hours 07:30-11:30 and 13:00-17:00, cut-off 15:00)."""

from __future__ import annotations

from datetime import datetime

import pytest
from django.utils.translation import override
from hypothesis import given, settings
from hypothesis import strategies as st

from motcua.core import numbers
from motcua.core.clock import LOCAL_TZ
from motcua.domain.lifecycle import Action
from motcua.domain.verdict import ClockEvent, ClockInput, judge
from motcua.domain.workcal import WorkingCalendar
from motcua.dossiers.explain import render_explanation
from motcua.reports.facts import Facts
from motcua.reports.reasons import reasons

CAL = WorkingCalendar()
H = 3600
SEEN_BY_TESTERS = ("-0.00", "-0,00", "Trễ hạn, còn", "lúc 11:30: chưa kết thúc", "(finish)", "7.98 giờ",
                   "8 giờ làm việc", "giờ làm việc so với hạn", "(đã cộng 0 giờ")


def at(s: str) -> datetime:
    return datetime.fromisoformat(s).replace(tzinfo=LOCAL_TZ)


def texts(received: str, events: list[tuple[str, Action]], as_of: str, limit: int = 8 * H,
          lang: str = "vi") -> list[str]:
    inp = ClockInput(at(received), limit, [ClockEvent(at(t), a) for t, a in events])
    with override(lang):
        return [f["text"] for f in render_explanation(judge(CAL, inp, at(as_of)))]


def clean(lines: list[str]) -> None:
    for line in lines:
        for bad in SEEN_BY_TESTERS:
            assert bad not in line, (bad, line)


def test_open_at_the_due_time_has_no_negative_zero():
    lines = texts("2026-03-10 09:00", [], "2026-03-11 09:00")
    clean(lines)
    assert "Thời hạn giải quyết theo quy định: 1 ngày làm việc." in lines
    assert "Hạn giải quyết: 09:00 11/03/2026." in lines  # no "(đã cộng 0 giờ ... tạm dừng)"
    assert lines[-1] == "Kết luận: Đang xử lý trong hạn, đã đến hạn."


def test_still_open_reads_as_a_sentence():
    lines = texts("2026-03-10 09:00", [], "2026-03-10 11:30")
    clean(lines)
    assert "Chưa kết thúc xử lý: thời gian được tính đến 11:30 10/03/2026." in lines
    assert lines[-1] == "Kết luận: Đang xử lý trong hạn, còn 5,5 giờ làm việc đến hạn."


def test_late_by_the_second_request_before_the_due_time_does_not_say_left():
    events = [("2026-03-09 10:00", Action.REQUEST_SUPPLEMENT), ("2026-03-10 10:00", Action.SUPPLEMENT),
              ("2026-03-10 11:00", Action.REQUEST_SUPPLEMENT), ("2026-03-11 09:00", Action.SUPPLEMENT),
              ("2026-03-11 10:00", Action.FINISH)]
    lines = texts("2026-03-09 09:00", events, "2026-03-31 17:00")
    clean(lines)
    assert "Hạn giải quyết: 16:30 11/03/2026 (đã cộng 1 ngày 6 giờ làm việc tạm dừng)." in lines
    assert "Kết thúc xử lý lúc 10:00 11/03/2026: Hoàn thành xử lý." in lines
    assert lines[-1] == ("Kết luận: Trễ hạn do yêu cầu bổ sung từ lần thứ hai "
                         "(kết thúc sớm hơn hạn 5 giờ làm việc).")


def test_finished_late_and_early_name_the_action_in_the_page_language():
    late = texts("2026-03-04 09:00", [("2026-03-05 11:00", Action.FINISH)], "2026-03-31 17:00")
    clean(late)
    assert late[-1] == "Kết luận: Trễ hạn, quá hạn 2 giờ làm việc."
    early = texts("2026-03-02 09:00", [("2026-03-03 14:30", Action.WITHDRAW)], "2026-03-31 17:00",
                  limit=24 * H, lang="en")
    assert "Processing ended at 14:30 03/03/2026: Withdraw dossier." in early
    assert "Legal time limit: 3 working days." in early
    assert early[-1] == "Verdict: Early, 1 day 4 working hours before the due time."  # 2.5 + 8 + 1.5 h
    assert all("(withdraw)" not in line and "giờ" not in line for line in early)


@pytest.mark.parametrize("received,line", [
    ("2026-03-10 12:00", "Tiếp nhận trong giờ nghỉ trưa: thời hạn bắt đầu tính từ 13:00 10/03/2026."),
    ("2026-03-10 06:45", "Tiếp nhận trước giờ làm việc: thời hạn bắt đầu tính từ 07:30 10/03/2026."),
    ("2026-03-14 10:00", "Tiếp nhận vào ngày nghỉ: thời hạn bắt đầu tính từ 07:30 16/03/2026."),
    ("2026-03-10 15:30", "Tiếp nhận sau giờ chốt buổi chiều: thời hạn bắt đầu tính từ 07:30 11/03/2026."),
])
def test_a_line_says_when_the_clock_started_after_the_receipt(received, line):
    lines = texts(received, [], "2026-03-31 17:00")
    assert line in lines
    assert sum("thời hạn bắt đầu tính từ" in x for x in lines) == 1


def test_received_in_office_hours_has_no_clock_start_line():
    assert not any("bắt đầu tính" in x for x in texts("2026-03-10 09:00", [], "2026-03-31 17:00"))


def _facts(over: int, category: str, end_reason: str = "finish") -> Facts:
    from motcua.domain.verdict import Category

    return Facts(id=1, code="X", path="/1/", channel=1, limit_seconds=8 * H, cutoff=None,
                 online_full_procedure=False, received=0, finish=100, returned=None, stop=None, refuse=None,
                 withdraw=None, requests_in_period=0, requests=0, end=100, end_reason=end_reason,
                 category=Category(category), over=over)


def test_report_reasons_read_right():
    resolved = {r["figure"]: r["because"] for r in reasons(_facts(-5 * H, "on_time"), ["resolved", "resolved_on_time"])}
    assert resolved["resolved"].startswith("kết thúc xử lý lúc ") and resolved["resolved"].endswith(
        ": hoàn thành xử lý")
    assert resolved["resolved_on_time"] == "kết thúc đúng hạn (sớm hơn hạn 5 giờ làm việc)"
    late = reasons(_facts(37800, "in_progress_late", ""), ["in_progress_late"])[0]["because"]
    assert late == "chưa kết thúc khi hết kỳ; quá hạn 1 ngày 2,5 giờ làm việc"
    left = reasons(_facts(-H // 2, "in_progress_on_time", ""), ["in_progress_on_time"])[0]["because"]
    assert left == "chưa kết thúc khi hết kỳ; còn 0,5 giờ làm việc đến hạn"
    zero = reasons(_facts(0, "on_time"), ["resolved_on_time"])[0]["because"]
    assert zero == "kết thúc đúng hạn (đúng vào hạn)"
    for r in (resolved, {"x": late}, {"x": left}, {"x": zero}):
        clean(list(r.values()))


@settings(max_examples=60, deadline=None)
@given(st.integers(min_value=1, max_value=400).map(lambda n: n * 900), st.sampled_from(["vi", "en"]))
def test_header_and_explanation_agree_on_the_limit(limit, lang):
    inp = ClockInput(at("2026-03-10 09:00"), limit, [])
    with override(lang):
        header = numbers.working_time(limit)  # what the page header prints (the |working_time filter)
        lines = [f["text"] for f in render_explanation(judge(CAL, inp, at("2026-03-10 10:00")))]
    assert any(header in line for line in lines if line.startswith(("Thời hạn giải quyết", "Legal time limit")))
    assert all("-0" not in line for line in lines)
