"""The signing part of the staff dossier page: the specialist's initials (ký nháy) on a draft result,
before the leader signs the same file at the approval (two signatures on one file)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

INITIALLED = "-ky-nhay.pdf"  # the name motcua.dossiers.results.initial_result gives an initialled draft


def initials_section(actor: Any, d: Any) -> dict[str, Any] | None:
    """Shown to a specialist of the handling unit while the dossier is being processed and approvals sign
    in one shot (software key, PKCS#11): the PDF drafts they may initial and those already initialled."""
    from motcua.domain.lifecycle import Status
    from motcua.dossiers.services import R

    from . import config
    from .models import ResultCode

    if d.status != Status.PROCESSING or actor.system:
        return None
    if not actor.scope.has_role(R.SPECIALIST, d.handling_path):
        return None
    if config.approval_backend() != "oneshot":
        return None
    signed = set(d.approvals.exclude(signed_document=None).values_list("signed_document_id", flat=True))
    files = [f for f in d.files.filter(kind="result", content_type="application/pdf").order_by("-uploaded_at", "-pk")
             if f.pk not in signed]
    initialled = [f for f in files if f.name.endswith(INITIALLED)]
    done = {f.name.removesuffix(INITIALLED) for f in initialled}  # codes initialled: their drafts are done
    reserved = dict(ResultCode.objects.filter(dossier=d, document__isnull=False).values_list("document_id", "code"))
    drafts = [f for f in files if not f.name.endswith(INITIALLED) and reserved.get(f.pk) not in done]
    if not files:
        return None
    return {"drafts": drafts, "initialled": initialled, "action": reverse("signing:initial", args=[d.pk])}


def register() -> None:
    from motcua.office.sections import DossierSection, register_dossier

    register_dossier(DossierSection("signing", "signing/_initials_section.html", initials_section, order=50))
