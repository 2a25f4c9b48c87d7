"""Template filters of the electronic results' pages."""

from __future__ import annotations

from typing import Any

from django import template

from .. import certs, verify

register = template.Library()


@register.filter
def cert_status(status: str) -> str:
    """A certificate status in words ("còn hiệu lực", "đã bị thu hồi"...)."""
    return certs.status_text(status)


@register.filter
def signed_local(when: Any) -> str:
    return verify.local_time(when)


@register.filter
def result_code_of(f: Any) -> str:
    """The electronic result code of a signed result file ("" if the file is not a signed result)."""
    from motcua.dossiers.models import Approval

    return (Approval.objects.filter(signed_document=f, signature_status="signed")
            .values_list("result_code", flat=True).first() or "")


@register.filter
def signed_or_all(files: Any) -> list[Any]:
    """The signed results of a list of result files when there are any (the drafts they were made from are
    not the citizen's result), else all of them."""
    from motcua.dossiers.models import Approval

    files = list(files)
    signed = set(Approval.objects.filter(signed_document__in=files, signature_status="signed")
                 .values_list("signed_document_id", flat=True))
    return [f for f in files if f.pk in signed] or files
