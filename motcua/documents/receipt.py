"""Form 1: the receipt and appointment slip (Giấy tiếp nhận hồ sơ và hẹn trả kết quả), A5,
with the QR code of the public tracking page."""

from __future__ import annotations

from reportlab.lib.pagesizes import A5
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepInFrame, KeepTogether, PageBreak, Spacer, Table, TableStyle

from motcua.core import numbers
from motcua.dossiers.models import Dossier
from motcua.rules.services import rules_of

from . import facts
from .layout import (
    CELL,
    CELL_HEAD,
    CODE,
    FIELD,
    MARGIN,
    SignatureSpot,
    content_width,
    grid,
    header,
    labelled,
    numbered,
    para,
    place_text,
    render,
    signatures,
    text,
    time_and_date,
    title,
)
from .legal import form_mark, form_title
from .qr import QRCode, tracking_url, verification_block

PAGE = A5
QR_SIZE = 28 * mm
COPIES = ("Liên 1: giao người nộp hồ sơ", "Liên 2: lưu tại bộ phận tiếp nhận và trả kết quả")


def legal_time(d: Dossier) -> str:
    """The processing time the procedure version sets for the dossier's channel."""
    v = d.version
    method = v.method_for(d.channel) or {}
    amount = method.get("processing_time", v.processing_time)
    unit = method.get("time_unit", v.time_unit)
    return numbers.limit_text(amount, unit, "vi")  # as the explanations show it (1 day = 8 working hours)


def _identity(d: Dossier, width: float) -> Table:
    """Code, procedure, channel and applicant on the left; the QR code with the code under it on
    the right."""
    # the competent unit is named when it is not the receiving counter's own (intake across boundaries)
    own = d.receiving_path.startswith(d.handling_path)
    left = labelled([("Mã hồ sơ", d.code), ("Thủ tục", d.procedure.name), ("Kênh nộp", d.get_channel_display()),
                     *([] if own else [("Cơ quan giải quyết", d.handling_unit.name)])])
    left += [para(f"{place_text(d.receiving_unit.name)} tiếp nhận hồ sơ của:")]
    left += labelled([("Ông/bà, tổ chức", d.applicant_name), ("Địa chỉ", d.applicant_address),
                      ("Số điện thoại", d.applicant_phone), ("Thư điện tử", d.applicant_email)])
    left += _representative(d)
    right = [QRCode(tracking_url(d.pk), QR_SIZE), para(text(d.code), CODE),
             para("<i>Quét mã để tra cứu hồ sơ</i>", CODE)]
    t = Table([[left, right]], colWidths=[width - QR_SIZE - 10 * mm, QR_SIZE + 10 * mm])
    t.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("ALIGN", (1, 0), (1, 0), "CENTER"),
                           ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0)]))
    return t


def _representative(d: Dossier) -> list[Flowable]:
    """Who applied on the applicant's behalf, in one paragraph (the A5 page has little room): name and
    relationship, ID number and phone, the authorizing document."""
    if not d.representative_name:
        return []
    relation = d.get_representative_relationship_display() if d.representative_relationship else ""
    line = f"Người đại diện / được ủy quyền: <b>{text(d.representative_name)}</b>"
    line += f" ({text(relation)})" if relation else ""
    line += f", số định danh <b>{text(d.representative_id_number)}</b>" if d.representative_id_number else ""
    line += f", điện thoại {text(d.representative_phone)}" if d.representative_phone else ""
    if d.representative_authorization:
        line += f"; theo: <b>{place_text(d.representative_authorization)}</b>"
    return [para(line, FIELD)]


def _components(d: Dossier, width: float) -> Table:
    rows = [[para("STT", CELL_HEAD), para("Tên giấy tờ", CELL_HEAD), para("Bản chính", CELL_HEAD),
             para("Bản sao", CELL_HEAD)]]
    rows += [[str(i), para(text(c.name), CELL), str(c.originals), str(c.copies)]
             for i, c in enumerate(d.components.order_by("pk"), 1)]
    t = grid(rows, [10 * mm, width - 40 * mm, 15 * mm, 15 * mm])
    t.setStyle(TableStyle([("ALIGN", (0, 1), (0, -1), "CENTER"), ("ALIGN", (2, 1), (-1, -1), "CENTER")]))
    return t


def _return_place(d: Dossier) -> str:
    """How and where the result is handed over: the counter's name when collected at a counter."""
    from motcua.dossiers.boundaries import return_unit_of

    unit = return_unit_of(d)
    return f"{d.get_result_delivery_display()}: {unit.name}" if unit else d.get_result_delivery_display()


def _copy(d: Dossier, officer: str, copy_label: str, spots: dict | None = None,
          verification: tuple[str, str] | None = None) -> tuple[list[Flowable], list[Flowable]]:
    width = content_width(PAGE)
    unit = d.receiving_unit
    rules = rules_of(d)  # the form's number and title under the rules of the receipt date
    name = form_title(rules, "receipt", "Giấy tiếp nhận hồ sơ và hẹn trả kết quả")
    story: list[Flowable] = [*form_mark(rules, "receipt"),
                             header(facts.issuer(unit, f"Số: {d.code}", d.received_at), width),
                             *title(name, copy_label), _identity(d, width)]
    story += labelled([("Nội dung yêu cầu giải quyết", d.request_summary or d.procedure.name)])
    story += [*numbered([("Thành phần hồ sơ nộp gồm", " ")]), _components(d, width), Spacer(1, 3)]
    tail: list[Flowable] = []  # from the time limits to the signatures: never apart from one another
    tail += numbered([("Số lượng hồ sơ", f"{d.sets} bộ"), ("Thời gian giải quyết hồ sơ theo quy định", legal_time(d)),
                       ("Thời gian nhận hồ sơ", time_and_date(d.received_at)),
                       ("Thời gian trả kết quả giải quyết hồ sơ", time_and_date(d.due_at)),
                       ("Đăng ký nhận kết quả tại", _return_place(d)),
                       ("Cán bộ tiếp nhận", officer)], start=2)
    tail.append(para("Vào Sổ theo dõi hồ sơ, Quyển số: ………… Số thứ tự: …………"))
    spot = {1: SignatureSpot("officer", spots)} if spots is not None else None
    # the one who hands the dossier in signs: the representative when someone applies on the applicant's behalf
    tail.append(signatures([("Người nộp hồ sơ", d.representative_name or d.applicant_name),
                            ("Người tiếp nhận hồ sơ", officer)], width, spot))
    if verification is not None:
        tail += [Spacer(1, 2), verification_block(*verification, width, with_qr=False)]
    return story, tail


MIN_SCALE = 0.6  # a copy shrunk further would print its body below 6 pt: it runs on to a second page instead


def _one_page(head: list[Flowable], tail: list[Flowable]) -> list[Flowable]:
    """A copy kept on one page: a copy too long for it (long names, several components, a representative)
    is shrunk to fit. One that would have to shrink below :data:`MIN_SCALE` to fit (a dozen long
    components) stays legible and runs on to a second page, its time limits, register line and
    signatures kept together: never signatures alone on a page."""
    width, height = content_width(PAGE), PAGE[1] - 2 * MARGIN - 12 - 1
    needed = sum(f.wrap(width, height)[1] + f.getSpaceBefore() + f.getSpaceAfter() for f in head + tail)
    if needed * MIN_SCALE <= height:
        return [KeepInFrame(width, height, head + tail, mode="shrink")]
    return [*head, KeepTogether(tail)]


def render_receipt(d: Dossier, copies: int = 1, *, spots: dict | None = None,
                   verification: tuple[str, str] | None = None) -> bytes:
    """The receipt; ``copies`` = 2 prints both copies the form asks for, one per page. ``spots`` receives
    where the receiving officer's block landed on the first copy (key ``officer``); ``verification`` =
    (code, url) prints the signed receipt's verification code."""
    officer = facts.receiving_officer(d)
    labels = COPIES if copies > 1 else ("",)
    story: list[Flowable] = []
    for i, label in enumerate(labels):
        story += [*([PageBreak()] if i else []), *_one_page(*_copy(d, officer, label, spots, verification))]
    return render(story, PAGE, f"Giấy tiếp nhận hồ sơ {d.code}")
