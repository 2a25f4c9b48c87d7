"""Form 6: the processing control slip (Phiếu kiểm soát quá trình giải quyết hồ sơ), A4: one
row per hand-over in the event log, with the result of the step being handed over."""

from __future__ import annotations

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer

from motcua.core.clock import fmt
from motcua.dossiers.models import Dossier

from . import facts
from .layout import CELL, CELL_HEAD, content_width, grid, header, labelled, para, render, text, time_and_date, title

PAGE = A4
COLUMNS = (("STT", 8), ("Nội dung", 24), ("Bên giao", 36), ("Bên nhận", 40), ("Thời gian giao, nhận", 22),
           ("Hạn của bước", 22), ("Kết quả", 16), ("Ký nhận", 18))


def _table(d: Dossier) -> Flowable:
    rows = [[para(name, CELL_HEAD) for name, _ in COLUMNS]]
    for i, h in enumerate(facts.handovers(d), 1):
        rows.append([str(i), para(text(h.what), CELL), para(text(h.giver), CELL), para(text(h.receiver), CELL),
                     para(text(fmt(h.at)), CELL), para(text(fmt(h.step_due)), CELL), para(text(h.result), CELL), ""])
    return grid(rows, [w * mm for _, w in COLUMNS])


def render_control_slip(d: Dossier) -> bytes:
    width = content_width(PAGE)
    story: list[Flowable] = [header(facts.issuer(d.receiving_unit, f"Mã hồ sơ: {d.code}", d.received_at), width),
                             *title("Phiếu kiểm soát quá trình giải quyết hồ sơ")]
    story += labelled([("Mã hồ sơ", d.code), ("Tổ chức, cá nhân", d.applicant_name), ("Thủ tục", d.procedure.name),
                       ("Cơ quan giải quyết", d.handling_unit.name),
                       ("Thời gian nhận hồ sơ", time_and_date(d.received_at)),
                       ("Thời gian hẹn trả kết quả", time_and_date(d.appointment_at)),
                       ("Trạng thái", d.get_status_display())])
    story += [Spacer(1, 6), _table(d)]
    return render(story, PAGE, f"Phiếu kiểm soát {d.code}")
