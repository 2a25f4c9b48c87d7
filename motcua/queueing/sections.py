"""The queue ticket on the counter's intake page: ``?ticket=<id>`` (from the calling panel's
"Tiếp nhận hồ sơ từ số này") is carried as a hidden field; after a successful intake the ticket is
linked to the dossier and finished, in the intake's transaction. A ticket of another unit, already
linked, or not at a counter now is refused (the intake is not written)."""

from __future__ import annotations

from typing import Any

from motcua.domain.errors import Conflict
from motcua.units.models import Unit

from . import calling
from .services import QueueError

SESSION_KEY = "queueing_ticket"  # the ticket chosen on the panel, kept while the procedure is searched


def _ticket_id(request: Any) -> int | None:  # noqa: ANN401
    """The ticket of this intake: the hidden field (POST), ``?ticket=`` (remembered in the session so
    that choosing the procedure afterwards keeps it), else the one remembered."""
    raw = request.POST.get("ticket") if request.method == "POST" else request.GET.get("ticket")
    session = getattr(request, "session", None)
    if not raw and request.method != "POST" and session is not None:
        raw = session.get(SESSION_KEY)
    try:
        value = int(str(raw)) if raw else None
    except ValueError:
        return None
    if value is not None and session is not None and request.method != "POST":
        session[SESSION_KEY] = value
    return value


def _forget(request: Any) -> None:  # noqa: ANN401
    session = getattr(request, "session", None)
    if session is not None:
        session.pop(SESSION_KEY, None)


def _receiving(request: Any) -> Unit | None:  # noqa: ANN401
    try:
        pk = int(str(request.POST.get("receiving_unit") or ""))
    except ValueError:
        return None
    return Unit.objects.filter(pk=pk).first()


def intake_provider(actor: Any, setup: Any, request: Any) -> dict[str, Any] | None:  # noqa: ANN401
    ticket_id = _ticket_id(request)
    if ticket_id is None:
        return None
    try:
        t = calling.check_link(actor, ticket_id)
    except QueueError as err:
        if request.method != "POST":  # a remembered ticket that is no longer at a counter: forgotten
            _forget(request)
            if not request.GET.get("ticket"):
                return None
        return {"ticket_id": ticket_id, "ticket": None, "error": str(err)}
    return {"ticket_id": ticket_id, "ticket": t, "prefill": calling.prefill(t)}


def validate(actor: Any, setup: Any, request: Any) -> dict[str, str]:  # noqa: ANN401
    ticket_id = _ticket_id(request)
    if ticket_id is None:
        return {}
    try:
        calling.check_link(actor, ticket_id, _receiving(request))
    except QueueError as err:
        return {"ticket": str(err)}
    return {}


def apply(actor: Any, setup: Any, request: Any, dossier: Any) -> None:  # noqa: ANN401
    ticket_id = _ticket_id(request)
    if ticket_id is None:
        return
    try:
        calling.link_dossier(actor, ticket_id, dossier)
    except QueueError as err:
        raise Conflict(str(err), fields={"ticket": str(err)}) from err
    _forget(request)


def register() -> None:
    from motcua.office import sections as office

    office.register_intake(office.IntakeSection("queue_ticket", "queueing/_intake.html", intake_provider,
                                                validate=validate, apply=apply, order=5))
