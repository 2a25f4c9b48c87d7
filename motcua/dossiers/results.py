"""The result: leader approval, the ways a dossier ends, returning the result, and files."""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from django.db import transaction

from motcua.domain import process as rules
from motcua.domain.errors import NotFound, PermissionDenied, ValidationFailed
from motcua.domain.lifecycle import Action, Status
from motcua.domain.workcal import to_epoch
from motcua.signing.errors import SigningError

from .models import Approval, Dossier, DossierFile
from .process import _enter_step, _steps, check_step_actor, has_step_document, process_done
from .services import Actor, R, _required, get_dossier, transition, visible_dossiers

__all__ = [
    "_ending",
    "withdraw",
    "stop",
    "finish",
    "RETURN_METHODS",
    "RECEIVERS",
    "result_receiver",
    "return_result",
    "_result_document",
    "approve",
    "initial_result",
    "SigningFailed",
    "UnsignedResult",
    "authorize_upload",
    "attach_file",
    "RESULT_READY",
    "open_file",
]


def _ending(action: Action, needs_reason: bool) -> Callable[..., Dossier]:
    def op(actor: Actor, dossier_id: int, reason: str = "", expected_version: int | None = None,
           attachments: Sequence[int] = ()) -> Dossier:
        text = _required(reason, "reason") if needs_reason else reason

        def m(d: Dossier, at: datetime) -> dict[str, Any]:
            if action is Action.FINISH:
                _check_finish(d)
            if d.ended_at is None:
                d.ended_at = at
            if d.pauses and d.pauses[-1][1] is None:
                d.pauses = [*d.pauses[:-1], [d.pauses[-1][0], to_epoch(at)]]
            d.current_step, d.holder_id, d.step_due_at = None, None, None
            return {"reason": text} if text else {}

        return transition(actor, dossier_id, action, expected_version=expected_version, note=text,
                          mutate=m, attachments=attachments)

    op.__name__ = action.value
    return op


def _check_finish(d: Dossier) -> None:
    """Finishing needs every required step of the process passed and the result file attached."""
    steps = [s.as_rule() for s in _steps(d)]
    current = d.current_step.order if d.current_step_id else None
    rules.check_finish(steps, current, process_done(d) if steps and current is None else False,
                       has_step_document(d), d.files.filter(kind="result").exists())


withdraw = _ending(Action.WITHDRAW, needs_reason=True)
stop = _ending(Action.STOP, needs_reason=True)
finish = _ending(Action.FINISH, needs_reason=False)


RETURN_METHODS = ("counter", "post", "online")


def return_result(actor: Actor, dossier_id: int, note: str = "", expected_version: int | None = None,
                  method: str = "counter", postal_code: str = "", at: datetime | None = None, *,
                  received_by: str = "", receiver_name: str = "", receiver_id_number: str = "") -> Dossier:
    """The result reached the applicant: collected at the counter, sent by public post (with the
    postal item code) or delivered online. An electronic (online) result must be digitally signed
    (Decree 45/2020): refused unless an approval of the dossier recorded a signed result. ``at`` is
    honoured for the system actor only (the postal service's delivery time). At the counter,
    ``received_by`` ("applicant" or "representative") records who collected it, with their name and ID
    number (by default those on the dossier), in the event's data."""
    if method not in RETURN_METHODS:
        raise ValidationFailed("Unknown way of returning the result.", fields={"method": "counter, post or online"})
    if method == "post" and not postal_code.strip():
        raise ValidationFailed("A result sent by post needs the postal item code.",
                               fields={"postal_code": "required when the method is post"})

    if received_by and method != "counter":
        raise ValidationFailed("Who collected the result is recorded at the counter only.",
                               fields={"received_by": "only with the method counter"})
    if received_by not in ("", *RECEIVERS):
        raise ValidationFailed("Unknown receiver.", fields={"received_by": "applicant or representative"})

    def m(d: Dossier, at: datetime) -> dict[str, Any]:
        receiver = _receiver(d, received_by, receiver_name, receiver_id_number) if received_by else {}
        if method == "online" and not d.approvals.filter(signature_status="signed").exists():
            raise UnsignedResult(UNSIGNED_ONLINE, fields={"method": "the result is not digitally signed"})
        d.returned_at = at
        return {"method": method, **({"postal_code": postal_code.strip()} if method == "post" else {}), **receiver}

    return transition(actor, dossier_id, Action.RETURN, expected_version=expected_version, note=note, mutate=m,
                      at=at)


RECEIVERS = ("applicant", "representative")
_ID_NUMBER = re.compile(r"^[0-9A-Za-z-]{1,20}$")


def _receiver(d: Dossier, received_by: str, name: str, id_number: str) -> dict[str, str]:
    """Who collected the result at the counter: the applicant or the dossier's representative, with the
    name and ID number shown (the dossier's when not given)."""
    if received_by == "representative" and not d.representative_name:
        raise ValidationFailed("This dossier has no representative.",
                               fields={"received_by": "the dossier names no representative"})
    own = ((d.applicant_name, d.applicant_id_number) if received_by == "applicant"
           else (d.representative_name, d.representative_id_number))
    name, id_number = (name or "").strip()[:255] or own[0], (id_number or "").strip() or own[1]
    if not id_number:
        raise ValidationFailed("The receiver's ID number is needed.",
                               fields={"receiver_id_number": "required (none on the dossier)"})
    if not _ID_NUMBER.match(id_number):
        raise ValidationFailed("Invalid ID number.", fields={"receiver_id_number": "letters, digits and '-' only"})
    return {"received_by": received_by, "receiver_name": name, "receiver_id_number": id_number}


def result_receiver(d: Dossier) -> str:
    """Who collected the result at the counter, as the dossier pages say it ("" when not recorded)."""
    from django.utils.translation import gettext as _

    ev = d.events.filter(action=Action.RETURN.value).order_by("-seq").first()
    data = ev.data if ev is not None else {}
    if not data.get("receiver_name"):
        return ""
    who = _("người đại diện") if data.get("received_by") == "representative" else _("người nộp hồ sơ")
    return _("%(name)s (%(who)s), số định danh %(id)s") % {"name": data["receiver_name"], "who": who,
                                                          "id": data.get("receiver_id_number", "")}


class UnsignedResult(ValidationFailed):
    """An online return of a result nobody signed (the office pages' ``unsigned_result`` reason)."""

    reason = "unsigned_result"
    params: dict[str, str] = {}


UNSIGNED_ONLINE = "An electronic result must be digitally signed; return it at the counter or by post."


# ---- leader approval ------------------------------------------------------------------------

def _result_document(d: Dossier, file_id: int | None) -> DossierFile | None:
    results = d.files.filter(kind="result").order_by("-uploaded_at", "-pk")
    if file_id is None:
        return results.first()
    doc = results.filter(pk=file_id).first()
    if doc is None:
        raise ValidationFailed("This file is not a result of this dossier.", fields={"document_id": "not a result"})
    return doc


class SigningFailed(ValidationFailed):
    """The result could not be signed; ``message`` is the signing library's Vietnamese sentence (and, for
    the office pages, the ``signing_failed`` reason). Nothing was written."""

    reason = "signing_failed"

    def __init__(self, message: str) -> None:
        super().__init__(message, fields={"signature": message})
        self.params = {"message": message}


def _check_approval(actor: Actor, d: Dossier, document_id: int | None) -> tuple[Any, DossierFile | None]:
    """The next step (or None past the last) and the result document, as the process rules allow."""
    steps = {s.order: s for s in _steps(d)}
    current = d.current_step.order if d.current_step_id else None
    following = rules.check_approve([s.as_rule() for s in steps.values()], current, has_step_document(d))
    check_step_actor(actor, d, leader_overrides=False)
    return (steps[following.order] if following else None), _result_document(d, document_id)


def _sign_first(actor: Actor, dossier_id: int, document_id: int | None,
                expected_version: int | None) -> tuple[DossierFile | None, str, Any]:
    """For a one-shot backend: check the approval would pass, then sign the result before the approval's
    transaction (the TSA/OCSP calls stay outside it). (doc, result code, signed PDF or None)."""
    from motcua.domain.errors import Conflict
    from motcua.signing import services as signing

    from .services import authorize

    d = get_dossier(actor, dossier_id)
    authorize(actor, d, Action.APPROVE)
    if expected_version is not None and d.row_version != expected_version:
        raise Conflict("The dossier was changed by someone else; reload it and try again.",
                       fields={"version": f"current version is {d.row_version}"})
    _following, doc = _check_approval(actor, d, document_id)
    if doc is None:
        return None, "", None
    try:
        code = signing.result_code_for(d, doc)
        return doc, code, signing.sign_result(d, doc, code)
    except SigningError as e:
        raise SigningFailed(str(e)) from e


def approve(actor: Actor, dossier_id: int, note: str = "", document_id: int | None = None,
            expected_version: int | None = None) -> Approval:
    """The leader approves the result (by default the latest uploaded result file) at an approval
    step of the process, as its holder (or any leader of the unit when nobody holds it), and the
    dossier moves on to the next step (past the last one, it waits to be finished).

    The approval is an ``approve`` event; the returned :class:`Approval` names the exact document
    (by content hash) approved. Where signing is on (``motcua.signing.config.approval_backend``), a
    one-shot backend signs the result (QR code and result code stamped on it) before the transaction,
    and the signed file is recorded with the approval, or nothing at all is written (SigningFailed);
    a remote service is asked after the approval commits (the slot stays pending while the signer
    confirms on their phone)."""
    from motcua.signing import config as signing_config

    backend = signing_config.approval_backend()
    signed_doc, code, signed = (_sign_first(actor, dossier_id, document_id, expected_version)
                                if backend == "oneshot" else (None, "", None))
    chosen: dict[str, DossierFile | None] = {}

    def m(d: Dossier, at: datetime) -> dict[str, Any]:
        following, doc = _check_approval(actor, d, document_id)
        current = d.current_step.order if d.current_step_id else None
        if signed is not None and (doc is None or doc.pk != signed_doc.pk):
            from motcua.domain.errors import Conflict

            raise Conflict("The result changed while it was being signed; reload it and try again.")
        chosen["doc"] = doc
        moved = _enter_step(d, following, at, None)
        state = "signed" if signed else "requested" if (backend == "remote" and doc) else "pending"
        return {"document": {"id": doc.pk, "name": doc.name, "sha256": doc.sha256} if doc else None,
                "signature": state, **({"result_code": code} if signed else {}),
                "from_step": current, **moved, "process_done": following is None}

    with transaction.atomic():
        d = transition(actor, dossier_id, Action.APPROVE, expected_version=expected_version, note=note, mutate=m)
        ev = d.events.order_by("-seq").first()
        doc = chosen["doc"]
        approval = Approval.objects.create(dossier=d, event=ev, document=doc,
                                           document_sha256=doc.sha256 if doc else "",
                                           approved_by_id=actor.user_id, approved_at=ev.at,
                                           result_code=code or None)
        if signed is not None:
            from motcua.signing.services import record_signature

            record_signature(approval, signed, actor.user_id)
        if backend == "remote" and doc is not None:
            transaction.on_commit(lambda: _request_remote(approval.pk))
    if backend == "remote":
        approval.refresh_from_db()  # the request (when committed) gave it its result code
    return approval


def _request_remote(approval_id: int) -> None:
    from motcua.signing.services import request_remote

    request_remote(approval_id)


def initial_result(actor: Actor, dossier_id: int, document_id: int | None = None) -> DossierFile:
    """The specialist's initials (ký nháy) on a result before it goes to the leader: the result (by default
    the latest) gets its QR code and result code and the specialist's signature, stored as a new result
    file, which the leader's approval then signs too (two signatures on one file). One-shot backends only."""
    from motcua.signing import services as signing

    from .storage import store_upload

    d = get_dossier(actor, dossier_id)
    authorize_upload(actor, d, "result")
    doc = _result_document(d, document_id)
    if doc is None:
        raise ValidationFailed("There is no result file to initial.", fields={"document_id": "no result file"})
    try:
        signed, code = signing.initial_result(d, doc)
    except SigningError as e:
        raise SigningFailed(str(e)) from e
    name = f"{code}-ky-nhay.pdf"
    obj = store_upload(io.BytesIO(signed.data), name)
    return DossierFile.objects.create(dossier=d, kind="result", name=name, content_type=obj.content_type,
                                      size=obj.size, sha256=obj.sha256, storage_key=obj.key,
                                      uploaded_by_id=actor.user_id)


# file kind -> (staff roles that may upload it, whether the applicant may)
UPLOADERS: dict[str, tuple[frozenset[str], bool]] = {
    "component": (frozenset({R.COUNTER_OFFICER, R.SPECIALIST, R.LEADER}), True),
    "attachment": (frozenset({R.COUNTER_OFFICER, R.SPECIALIST, R.LEADER}), True),
    "result": (frozenset({R.COUNTER_OFFICER, R.SPECIALIST, R.LEADER}), False),
}


def authorize_upload(actor: Actor, d: Dossier, kind: str) -> None:
    if actor.system or actor.scope.is_superuser:
        return
    roles, applicant_ok = UPLOADERS[kind]
    if any(actor.scope.has_role(r, p) for r in roles for p in (d.receiving_path, d.handling_path)):
        return
    if applicant_ok and actor.user_id is not None and d.owner_id == actor.user_id:
        return
    raise PermissionDenied("You may not upload this kind of file to this dossier.")


def attach_file(actor: Actor, dossier_id: int, stream, filename: str, kind: str = "component",  # noqa: ANN001
                component_id: int | None = None) -> DossierFile:
    """Store an uploaded file: components and attachments by the owner or the officers who
    handle the dossier; results only by those who handle it. Monitors are read-only."""
    from .storage import store_upload

    d = get_dossier(actor, dossier_id)
    authorize_upload(actor, d, kind)
    if component_id is not None and not d.components.filter(pk=component_id).exists():
        raise ValidationFailed("Unknown component.", fields={"component_id": "not a component of this dossier"})
    obj = store_upload(stream, filename)
    return DossierFile.objects.create(
        dossier=d, component_id=component_id, kind=kind, name=filename[:255], content_type=obj.content_type,
        size=obj.size, sha256=obj.sha256, storage_key=obj.key, uploaded_by_id=actor.user_id)



RESULT_READY = (Status.PROCESSED, Status.RETURNED)


def open_file(actor: Actor, file_id: int, dossier_id: int | None = None) -> tuple[DossierFile, Any]:
    """A stored file and an open binary stream, for anyone who may see its dossier. The applicant
    gets the result only once the dossier is processed (a draft result is not theirs yet)."""
    from .storage import get_storage

    qs = DossierFile.objects.select_related("dossier").filter(pk=file_id, dossier__in=visible_dossiers(actor))
    if dossier_id is not None:
        qs = qs.filter(dossier_id=dossier_id)
    f = qs.first()
    if f is None:
        raise NotFound("File not found.")
    staff = actor.system or actor.scope.is_superuser or bool(actor.scope.roles)
    if f.kind == "result" and not staff and f.dossier.status not in RESULT_READY:
        raise NotFound("File not found.")
    try:
        return f, get_storage().open(f.storage_key)
    except Exception as err:  # noqa: BLE001 - a missing object (local or S3) is "not found", logged
        import logging

        logging.getLogger(__name__).error("stored file %s of dossier %s cannot be read: %r", f.pk, f.dossier_id, err)
        raise NotFound("File not found.") from err
