"""How the store fills itself: a digitized component (the digitization app's ``component_digitized``
signal, sent after its transaction commits), and a result once the dossier is processed or returned (an
event hook on ``finish`` and ``return``, in the event's transaction) or once its signature arrives after
that (a remote signature: ``post_save`` of the approval with its signed document)."""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction

from motcua.domain.lifecycle import Action

log = logging.getLogger(__name__)
RESULT_ACTIONS = {Action.FINISH.value, Action.RETURN.value}


def on_component_digitized(sender: Any, component: Any = None, file: Any = None, **kwargs: Any) -> None:
    from . import services

    if component is None or file is None:
        return
    with transaction.atomic():
        services.store_component(component, file)


def on_event(d: Any, ev: Any) -> None:
    if ev.action in RESULT_ACTIONS:
        from . import services

        services.store_results(d)


def on_approval_saved(sender: Any, instance: Any, created: bool = False, **kwargs: Any) -> None:
    fields = kwargs.get("update_fields")
    if instance.signed_document_id is None or (fields is not None and "signed_document" not in fields):
        return
    from motcua.dossiers.models import Dossier

    from . import services

    d = Dossier.objects.select_related("procedure", "version", "handling_unit").filter(pk=instance.dossier_id).first()
    if d is not None and d.status in services.RESULT_READY:
        services.store_results(d)


def connect() -> None:
    from django.db.models.signals import post_save

    from motcua.digitization.signals import component_digitized
    from motcua.dossiers import services as dossier_services
    from motcua.dossiers.models import Approval

    component_digitized.connect(on_component_digitized, dispatch_uid="docstore.component_digitized")
    post_save.connect(on_approval_saved, sender=Approval, dispatch_uid="docstore.approval_signed")
    if on_event not in dossier_services.EVENT_HOOKS:
        dossier_services.EVENT_HOOKS.append(on_event)
