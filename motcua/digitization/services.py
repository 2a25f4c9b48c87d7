"""Digitization use cases (Circular 01/2023, Decree 45/2020): a component scanned or uploaded and
marked digitized, the must-digitize components still missing, and the result digitized when it is
returned. Called by the counter's intake section, the staff dossier page and the demo.

Who may digitize: the staff who may upload a component scan to the dossier (the counter officers,
specialists and leaders of its receiving or handling unit; the system). The applicant uploads files
but does not mark them digitized: digitization is the officer's act of checking a copy against the
original (an online dossier's files are marked when the counter receives it).

There is no "undo": a wrong scan is corrected by attaching the right one (the mark stays, the newest
file is the digitized copy), so the figures already published are never silently lowered.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, BinaryIO

from django.db import transaction

from motcua.core import clock
from motcua.domain.errors import NotFound, PermissionDenied, ValidationFailed
from motcua.domain.lifecycle import Action, Status
from motcua.dossiers import services as svc
from motcua.dossiers.models import Approval, Dossier, DossierComponent, DossierEvent, DossierFile
from motcua.dossiers.results import UPLOADERS

from .models import DigitizedResult
from .signals import component_digitized

# ended without a result, or never received: nothing to digitize any more
CLOSED = frozenset({Status.NOT_RECEIVED, Status.WITHDRAWN, Status.STOPPED})
# a paper result is scanned once the dossier is processed (9) or returned (10)
RESULT_READY = frozenset({Status.PROCESSED, Status.RETURNED})

CLOSED_MESSAGE = "This dossier is closed without a result; its components are no longer digitized."
NO_FILE_MESSAGE = "Attach the scan of this component first."
NOT_YOURS_MESSAGE = "You may not digitize this dossier's components."


def authorize_digitize(actor: svc.Actor, d: Dossier) -> None:
    """Staff who may upload component scans to ``d`` (not the applicant); PermissionDenied else."""
    if actor.system or actor.scope.is_superuser:
        return
    roles, _applicant = UPLOADERS["component"]
    if not any(actor.scope.has_role(r, p) for r in roles for p in (d.receiving_path, d.handling_path)):
        raise PermissionDenied(NOT_YOURS_MESSAGE)


def may_digitize(actor: svc.Actor, d: Dossier) -> bool:
    try:
        authorize_digitize(actor, d)
    except PermissionDenied:
        return False
    return Status(d.status) not in CLOSED


def _locked(actor: svc.Actor, dossier_id: int) -> Dossier:
    """The dossier, visible to the actor, under its row lock (the caller's transaction)."""
    d = svc.visible_dossiers(actor).select_for_update(of=("self",)).filter(pk=dossier_id).first()
    if d is None:
        raise NotFound("Dossier not found.")
    authorize_digitize(actor, d)
    return d


def digitize_component(actor: svc.Actor, dossier_id: int, component_id: int, file: BinaryIO | None = None,
                       filename: str = "") -> DossierComponent:
    """Mark a component of the dossier digitized, under the dossier's lock: with ``file``, the scan
    is stored first (through the dossiers' file service) and becomes its digitized copy; without it,
    the component's latest attached file is. Marking an already digitized component again keeps the
    first mark (who, when). Refused on dossiers closed without a result (refused, withdrawn, stopped)
    and for components without any file. ``component_digitized`` is sent after the commit."""
    with transaction.atomic():
        d = _locked(actor, dossier_id)
        if Status(d.status) in CLOSED:
            raise ValidationFailed(CLOSED_MESSAGE, fields={"status": "closed"})
        c = d.components.select_related("component").filter(pk=component_id).first()
        if c is None:
            raise ValidationFailed("Unknown component.", fields={"component_id": "not a component of this dossier"})
        if file is not None:
            f = svc.attach_file(actor, d.pk, file, filename or getattr(file, "name", "") or "scan.pdf",
                                "component", c.pk)
        else:
            f = c.files.order_by("-uploaded_at", "-pk").first()
            if f is None:
                raise ValidationFailed(NO_FILE_MESSAGE, fields={"file": "no file attached to this component"})
        changed = file is not None or c.digitized_at is None
        if c.digitized_at is None:
            c.digitized_at, c.digitized_by_id = clock.now(), actor.user_id
            DossierComponent.objects.filter(pk=c.pk).update(digitized_at=c.digitized_at,
                                                            digitized_by_id=c.digitized_by_id)
        if changed:
            transaction.on_commit(lambda: component_digitized.send(sender=DossierComponent, component=c, file=f))
    return c


def missing(d: Dossier) -> list[DossierComponent]:
    """The dossier's components that Circular 01/2023 says must be digitized (the catalog's
    ``must_digitize``) and that are not digitized yet."""
    return list(d.components.select_related("component").filter(component__must_digitize=True,
                                                                digitized_at__isnull=True).order_by("pk"))


# ---- the result ---------------------------------------------------------------------------------

def _signed_result(d: Dossier) -> DossierFile | None:
    a = (Approval.objects.filter(dossier=d, signature_status="signed", signed_document__isnull=False)
         .select_related("signed_document").order_by("-pk").first())
    return a.signed_document if a else None


def _latest_result_file(d: Dossier) -> DossierFile | None:
    return d.files.filter(kind="result").order_by("-uploaded_at", "-pk").first()


def mark_result(d: Dossier, user_id: int | None, at: Any = None,
                file: DossierFile | None = None) -> DigitizedResult | None:
    """Record the dossier's digitized result (in the caller's transaction): ``file`` if given, else
    the signed electronic result, else the latest result file (a scan of the paper result); None
    when there is no result file at all. A signed result replaces an earlier scan; otherwise the
    first mark stays."""
    signed = _signed_result(d)
    chosen = file or signed or _latest_result_file(d)
    if chosen is None:
        return None
    electronic = signed is not None and chosen.pk == signed.pk
    current = DigitizedResult.objects.filter(dossier=d).first()
    if current is not None and (current.electronic or not electronic) and file is None:
        return current
    values = {"file": chosen, "electronic": electronic, "digitized_at": at or clock.now(), "digitized_by_id": user_id}
    obj, _created = DigitizedResult.objects.update_or_create(dossier=d, defaults=values)
    return obj


def on_event(d: Dossier, ev: DossierEvent) -> None:
    """EVENT_HOOK: the result is digitized when it is returned (in the return's transaction)."""
    if ev.action == Action.RETURN.value:
        mark_result(d, ev.actor_id, ev.at)


def digitize_result(actor: svc.Actor, dossier_id: int, file: BinaryIO | None = None,
                    filename: str = "") -> DigitizedResult:
    """The counter scans the paper result of a processed or returned dossier (``file``), or marks its
    result files as they are (the signed result first): the dossier's digitized result."""
    with transaction.atomic():
        d = _locked(actor, dossier_id)
        if Status(d.status) not in RESULT_READY:
            raise ValidationFailed("The result is digitized once the dossier is processed.",
                                   fields={"status": "not processed yet"})
        f = None
        if file is not None:
            f = svc.attach_file(actor, d.pk, file, filename or getattr(file, "name", "") or "ket-qua.pdf", "result")
        obj = mark_result(d, actor.user_id, file=f)
        if obj is None:
            raise ValidationFailed("Attach the scan of the result first.", fields={"file": "no result file"})
    return obj


# ---- what the pages show --------------------------------------------------------------------------

@dataclass(frozen=True)
class ComponentState:
    component: DossierComponent
    must: bool
    files: list[DossierFile]

    @property
    def digitized(self) -> bool:
        return self.component.digitized_at is not None

    @property
    def missing(self) -> bool:
        return self.must and not self.digitized


def states(d: Dossier) -> list[ComponentState]:
    comps = list(d.components.select_related("component", "digitized_by").order_by("pk"))
    files: dict[int, list[DossierFile]] = {}
    for f in DossierFile.objects.filter(dossier=d, component__isnull=False).order_by("uploaded_at", "pk"):
        files.setdefault(f.component_id, []).append(f)
    return [ComponentState(c, bool(c.component and c.component.must_digitize), files.get(c.pk, [])) for c in comps]


def result_of(d: Dossier) -> DigitizedResult | None:
    return DigitizedResult.objects.select_related("file", "digitized_by").filter(dossier=d).first()
