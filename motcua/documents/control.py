"""Form 6: the processing control slip (Phiếu kiểm soát quá trình giải quyết hồ sơ), A4: one
row per hand-over in the event log, with the result of the step being handed over, then each
internal step marked on time or late against its quota (motcua.reports.steps)."""

from __future__ import annotations

from datetime import datetime

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer

from motcua.core import clock
from motcua.core.clock import fmt
from motcua.dossiers.models import Dossier
from motcua.reports.steps import step_spans
from motcua.rules.services import rules_of

from . import facts
from .layout import CELL, CELL_HEAD, content_width, grid, header, labelled, para, render, text, time_and_date, title
from .legal import form_mark, form_title

PAGE = A4
COLUMNS = (("STT", 8), ("Nội dung", 24), ("Bên giao", 36), ("Bên nhận", 40), ("Thời gian giao, nhận", 22),
           ("Hạn của bước", 22), ("Kết quả", 16), ("Ký nhận", 18))


def _table(d: Dossier) -> Flowable:
    rows = [[para(name, CELL_HEAD) for name, _ in COLUMNS]]
    for i, h in enumerate(facts.handovers(d), 1):
        rows.append([str(i), para(text(h.what), CELL), para(text(h.giver), CELL), para(text(h.receiver), CELL),
                     para(text(fmt(h.at)), CELL), para(text(fmt(h.step_due)), CELL), para(text(h.result), CELL), ""])
    return grid(rows, [w * mm for _, w in COLUMNS])


STEP_COLUMNS = (("STT", 8), ("Bước xử lý", 40), ("Người xử lý", 36), ("Nhận lúc", 22), ("Hạn của bước", 22),
                ("Chuyển lúc", 22), ("Đánh giá", 36))


def step_rows(d: Dossier, now: datetime) -> list[tuple[str, str, datetime, datetime | None, datetime | None, str]]:
    """Each internal step the dossier went through, marked on time or late (from the event log)."""
    from django.contrib.auth import get_user_model

    spans = step_spans([d.pk])
    ids = {s.holder_id for s in spans if s.holder_id}
    names = {u.pk: f"{u.last_name} {u.first_name}".strip() or u.get_username()
             for u in get_user_model().objects.filter(pk__in=ids)}
    out = []
    for s in spans:
        if s.left_at is None:
            mark = "Đang xử lý, quá hạn" if s.late(now) else "Đang xử lý, trong hạn"
        else:
            mark = "Trễ hạn" if s.late(now) else "Đúng hạn"
        out.append((s.step_name, names.get(s.holder_id or 0, ""), s.entered_at, s.due_at, s.left_at, mark))
    return out


def _steps_table(d: Dossier) -> Flowable:
    rows = [[para(name, CELL_HEAD) for name, _ in STEP_COLUMNS]]
    for i, (name, holder, entered, due, left, mark) in enumerate(step_rows(d, clock.now()), 1):
        rows.append([str(i), para(text(name), CELL), para(text(holder), CELL), para(text(fmt(entered)), CELL),
                     para(text(fmt(due)), CELL), para(text(fmt(left)), CELL), para(text(mark), CELL)])
    return grid(rows, [w * mm for _, w in STEP_COLUMNS])


def render_control_slip(d: Dossier) -> bytes:
    width = content_width(PAGE)
    rules = rules_of(d)  # the form's number and title under the rules of the receipt date
    story: list[Flowable] = [*form_mark(rules, "control"),
                             header(facts.issuer(d.receiving_unit, f"Mã hồ sơ: {d.code}", d.received_at), width),
                             *title(form_title(rules, "control", "Phiếu kiểm soát quá trình giải quyết hồ sơ"))]
    story += labelled([("Mã hồ sơ", d.code), ("Tổ chức, cá nhân", d.applicant_name), ("Thủ tục", d.procedure.name),
                       ("Cơ quan giải quyết", d.handling_unit.name),
                       ("Thời gian nhận hồ sơ", time_and_date(d.received_at)),
                       ("Thời gian hẹn trả kết quả", time_and_date(d.appointment_at)),
                       ("Trạng thái", d.get_status_display())])
    story += [Spacer(1, 6), _table(d), Spacer(1, 8), para("Các bước xử lý nội bộ", CELL_HEAD), Spacer(1, 3),
              _steps_table(d)]
    return render(story, PAGE, f"Phiếu kiểm soát {d.code}")
