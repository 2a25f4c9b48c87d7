"""What the rules in force print on a form: its number and the circular it comes from (top right,
above the header), and its title. The rules are the dossier's (its receipt date, motcua.rules); a
regime without a known form for a role prints the form without a number."""

from __future__ import annotations

from datetime import date, timedelta

from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.platypus import Flowable

from motcua.domain.rules import RuleSet, rules_between

from .layout import para, style, text

MARK = style("form-mark", 7.5, alignment=TA_RIGHT, leading=9)
NOTE = style("rules-note", 8, alignment=TA_CENTER)


def form_mark(rules: RuleSet, role: str) -> list[Flowable]:
    """"Mẫu số 01" and "(Ban hành kèm theo Thông tư số ...)" as the form of ``role`` under ``rules``."""
    form = rules.form(role)
    if form is None:
        return []
    # one line: the A5 receipt keeps both copies and the signature's verification note on one page each
    return [para(f"<b>Mẫu số {text(form.number)}</b> <i>({text(rules.forms_basis.vi)})</i>", MARK)]


def form_title(rules: RuleSet, role: str, default: str) -> str:
    form = rules.form(role)
    return form.title if form is not None else default


def period_note(start: date, end: date) -> list[Flowable]:
    """For a period spanning a change of rules (a tracking book), which rules judge which days."""
    spans = rules_between(start, end)
    if len(spans) < 2:
        return []
    parts = []
    for r in spans:
        first = max(start, r.effective_from) if r.effective_from else start
        last = min(end, r.effective_until - timedelta(days=1)) if r.effective_until else end
        parts.append(f"từ ngày {first:%d/%m/%Y} đến ngày {last:%d/%m/%Y}: {r.decree.vi}")
    return [para(f"<i>Hồ sơ tiếp nhận {text('; '.join(parts))}.</i>", NOTE)]
