"""The printed fee receipt (Biên lai thu phí, lệ phí), A5, laid out with the documents app's form
building blocks: the issuing unit's header, number, payer, the lines, the total in figures and in
words, the collector's signature."""

from __future__ import annotations

from reportlab.lib.pagesizes import A5
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer, TableStyle

from motcua.documents import facts
from motcua.documents.layout import (
    CELL,
    CELL_HEAD,
    content_width,
    grid,
    header,
    labelled,
    para,
    render,
    signatures,
    text,
    time_and_date,
    title,
)
from motcua.domain.fees import amount_in_words

from .models import FeeReceipt
from .services import BASIS_LABELS, vnd

PAGE = A5


def _lines(r: FeeReceipt, width: float) -> Flowable:
    rows = [[para("STT", CELL_HEAD), para("Nội dung thu", CELL_HEAD), para("Số lượng", CELL_HEAD),
             para("Số tiền (đồng)", CELL_HEAD)]]
    for i, line in enumerate(r.lines or [], 1):
        basis = line.get("basis", "dossier")
        qty = f"{line.get('quantity', 1)} {BASIS_LABELS.get(basis, '')}".strip()
        rows.append([str(i), para(text(line.get("name", "")), CELL), para(text(qty), CELL),
                     para(text(vnd(int(line.get("amount", 0))).removesuffix(" đồng")), CELL)])
    rows.append(["", para("<b>Cộng</b>", CELL), "", para(f"<b>{text(vnd(r.amount).removesuffix(' đồng'))}</b>",
                                                         CELL)])
    t = grid(rows, [9 * mm, width - 9 * mm - 22 * mm - 26 * mm, 22 * mm, 26 * mm])
    t.setStyle(TableStyle([("ALIGN", (0, 1), (0, -1), "CENTER"), ("ALIGN", (3, 1), (3, -1), "RIGHT")]))
    return t


def render_receipt(r: FeeReceipt) -> bytes:
    d = r.dossier
    width = content_width(PAGE)
    story: list[Flowable] = [header(facts.issuer(r.unit, f"Số: {r.label}", r.at), width),
                             *title("Biên lai thu phí, lệ phí", "Liên 2: giao người nộp tiền")]
    if r.cancelled:
        story.append(para(f"<b>ĐÃ HỦY</b>: {text(r.cancel_reason)}"))
    story += labelled([("Số biên lai", r.label), ("Mã hồ sơ", d.code), ("Thủ tục", d.procedure.name),
                       ("Họ và tên người nộp tiền", r.payer), ("Địa chỉ", d.applicant_address),
                       ("Hình thức thanh toán", r.get_method_display())])
    story += [Spacer(1, 2), _lines(r, width), Spacer(1, 3)]
    story += labelled([("Tổng số tiền", vnd(r.amount)), ("Bằng chữ", amount_in_words(r.amount)),
                       ("Thời điểm thu", time_and_date(r.at))])
    story.append(signatures([("Người nộp tiền", r.payer), ("Người thu tiền", r.collected_by_name)], width))
    return render(story, PAGE, f"Biên lai thu phí, lệ phí {r.label}")
