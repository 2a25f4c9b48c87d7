"""Forms 2 to 5: the letters to the applicant. They share one layout (header, title, addressee,
body, signature) and differ only in the event they are based on and their body text."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from reportlab.lib.pagesizes import A5
from reportlab.platypus import Flowable, Spacer

from motcua.domain.lifecycle import Action
from motcua.dossiers.models import Dossier, DossierEvent
from motcua.rules.services import rules_of

from . import facts
from .layout import (
    BODY,
    DOTS,
    SignatureSpot,
    content_width,
    header,
    para,
    render,
    side_by_side,
    signature,
    style,
    text,
    time_and_date,
    title,
)
from .legal import form_mark, form_title
from .qr import verification_block

PAGE = A5
Body = Callable[[Dossier, DossierEvent], list[str]]


@dataclass(frozen=True)
class Letter:
    """A letter based on the latest event of ``action``, issued by the receiving or handling unit."""

    slug: str
    label: str
    action: Action
    issued_by: str  # "receiving" | "handling"
    signer: str
    body: Body


def _received(d: Dossier) -> str:
    return (f"Vào lúc {text(time_and_date(d.received_at or d.submitted_at))}, {text(d.receiving_unit.name)} tiếp nhận "
            f"hồ sơ của ông/bà, tổ chức <b>{text(d.applicant_name)}</b> đề nghị giải quyết thủ tục hành chính: "
            f"<b>{text(d.procedure.name)}</b>. Mã hồ sơ: <b>{text(d.code)}</b>.")


def _items(ev: DossierEvent) -> list[str]:
    items = [str(i) for i in ev.data.get("items") or [] if str(i).strip()]
    return [f"{n}. {text(item)}" for n, item in enumerate(items, 1)] or [DOTS]


def _supplement_body(d: Dossier, ev: DossierEvent) -> list[str]:
    return [_received(d), "Sau khi xem xét, đối chiếu với quy định, đề nghị ông/bà, tổ chức bổ sung, hoàn thiện "
            "hồ sơ gồm những nội dung sau:", *_items(ev), f"<b>Lý do:</b> {text(ev.data.get('reason') or ev.note)}",
            f"Trong quá trình hoàn thiện hồ sơ, nếu có vướng mắc, ông/bà, tổ chức liên hệ với "
            f"{text(ev.actor_name or DOTS)} để được hướng dẫn.", "Xin trân trọng cảm ơn!"]


def _refusal_body(d: Dossier, ev: DossierEvent) -> list[str]:
    return [_received(d), "Sau khi xem xét, đối chiếu với quy định, hồ sơ không đủ điều kiện tiếp nhận, giải "
            f"quyết với lý do: <b>{text(ev.data.get('reason') or ev.note)}</b>",
            "Xin thông báo để ông/bà, tổ chức được biết và thực hiện./."]


def _apology_body(d: Dossier, ev: DossierEvent) -> list[str]:
    previous = facts.parse_instant(ev.data.get("previous"))
    new = facts.parse_instant(ev.data.get("new_appointment"))
    unit = text(d.handling_unit.name)
    return [_received(d), f"Thời gian hẹn trả kết quả giải quyết hồ sơ: {text(time_and_date(previous))}.",
            f"Tuy nhiên đến nay, {unit} chưa trả kết quả giải quyết hồ sơ cho ông/bà, tổ chức đúng hạn ghi trên "
            f"Giấy tiếp nhận hồ sơ và hẹn trả kết quả. <b>Lý do:</b> {text(ev.note)}",
            f"Sự chậm trễ này đã gây phiền hà cho ông/bà, tổ chức. {unit} xin lỗi ông/bà, tổ chức và sẽ trả kết quả "
            f"giải quyết hồ sơ vào: <b>{text(time_and_date(new))}</b>.", "Xin trân trọng cảm ơn!"]


def _stop_body(d: Dossier, ev: DossierEvent) -> list[str]:
    return [_received(d), f"{text(d.handling_unit.name)} thông báo dừng xử lý hồ sơ nêu trên. "
            f"<b>Lý do:</b> {text(ev.data.get('reason') or ev.note)}",
            "Xin thông báo để ông/bà, tổ chức được biết./."]


LETTERS = {letter.slug: letter for letter in (
    Letter("supplement", "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ", Action.REQUEST_SUPPLEMENT, "receiving",
           "Người hướng dẫn", _supplement_body),
    Letter("refusal", "Phiếu từ chối tiếp nhận giải quyết hồ sơ", Action.REFUSE, "receiving",
           "Người tiếp nhận hồ sơ", _refusal_body),
    Letter("apology", "Phiếu xin lỗi và hẹn lại ngày trả kết quả", Action.EXTEND, "handling",
           "Thủ trưởng cơ quan", _apology_body),
    Letter("stop", "Thông báo về việc dừng xử lý hồ sơ", Action.STOP, "handling", "Thủ trưởng cơ quan", _stop_body),
)}

RECIPIENTS = style("recipients", 8, leading=10)


def render_letter(d: Dossier, letter: Letter, ev: DossierEvent, *, spots: dict | None = None,
                  verification: tuple[str, str] | None = None) -> bytes:
    """The one layout every letter uses. ``spots`` (a dict) receives where the signer's block landed
    (key ``signer``) for a digital signature; ``verification`` = (code, url) prints the signed letter's
    verification code and QR code."""
    width = content_width(PAGE)
    unit = d.receiving_unit if letter.issued_by == "receiving" else d.handling_unit
    rules = rules_of(d)  # the form's number and title under the rules of the receipt date
    name = form_title(rules, letter.slug, letter.label)
    story: list[Flowable] = [*form_mark(rules, letter.slug), header(facts.issuer(unit, f"Số: {DOTS}", ev.at), width),
                             *title(name),
                             para(f"Kính gửi: <b>{text(d.applicant_name)}</b>", style("to", 10.5)),
                             para(f"Địa chỉ: {text(d.applicant_address or DOTS)}"), Spacer(1, 4)]
    story += [para(markup, BODY) for markup in letter.body(d, ev)]
    recipients = [para("<b><i>Nơi nhận:</i></b>", RECIPIENTS), para("- Như trên;", RECIPIENTS),
                  para("- Lưu: hồ sơ " + text(d.code) + ".", RECIPIENTS)]
    spot = SignatureSpot("signer", spots) if spots is not None else None
    story += [Spacer(1, 8), side_by_side([recipients, signature(letter.signer, ev.actor_name, spot)], width)]
    if verification is not None:
        story += [Spacer(1, 6), verification_block(*verification, width)]
    return render(story, PAGE, f"{name} {d.code}")
