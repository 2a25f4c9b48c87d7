"""Context builders for the citizen's dossier page: what the applicant may see of their dossier."""

from __future__ import annotations

from typing import Any

from motcua.dossiers import services as svc
from motcua.dossiers.choices import ActionChoices, FileKind
from motcua.dossiers.models import Dossier
from motcua.integrations.payment import services as payment_services

from . import ratings, sections, services
from .choices import PLAIN_STATUS
from .models import Rating

# actions whose note is addressed to the applicant (reasons, requests); other notes stay internal
NOTES_FOR_APPLICANT = {"refuse", "request_supplement", "request_payment", "extend", "withdraw", "stop"}


def timeline(d: Dossier) -> list[dict[str, Any]]:
    out = []
    for ev in d.events.order_by("seq"):
        out.append({"at": ev.at, "label": ActionChoices(ev.action).label, "to": ev.get_to_status_display(),
                    "note": ev.note if ev.action in NOTES_FOR_APPLICANT else "",
                    "items": (ev.data or {}).get("items", []) if ev.action == "request_supplement" else [],
                    "receiver": (ev.data or {}).get("receiver_name", "") if ev.action == "return" else ""})
    return out


def documents(user, d: Dossier) -> list[tuple[str, str, str]]:  # noqa: ANN001
    """Printable documents (receipt, letters) the documents app offers the applicant."""
    from motcua.documents.services import available_documents  # the documents app imports the dossiers

    return list(available_documents(svc.Actor.of(user), d))


def dossier_context(user, pk: int) -> dict[str, Any]:  # noqa: ANN001
    d = services.my_dossier(user, pk)
    files = [f for f in d.files.order_by("uploaded_at", "pk") if services.may_download(d, f, user.pk)]
    components = list(d.components.order_by("pk"))
    for c in components:
        c.file_list = [f for f in files if f.component_id == c.pk]
    return {
        "dossier": d, "plain_status": PLAIN_STATUS.get(d.status, ""), "timeline": timeline(d),
        "components": components, "results": [f for f in files if f.kind == FileKind.RESULT],
        "other_files": [f for f in files if f.kind == FileKind.ATTACHMENT],
        "supplement": services.supplement_request(d), "rating": (rating := Rating.objects.filter(dossier=d).first()),
        "rating_answers": list(rating.answers.select_related("criterion")) if rating else [],
        "followup": ratings.followup_of(rating),
        "can_rate": services.can_rate(d), "documents": documents(user, d),
        "payment": payment_services.offer(user, d), "sections": sections.dossier_sections(user, d),
        "returned_to": svc.result_receiver(d),
    }
