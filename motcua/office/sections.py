"""Extension points of the staff pages, so that apps beside the office (fees, digitization, the
citizen's document store, certified copies...) add their part of a page without editing the
office's templates and views.

- :data:`DOSSIER` sections render on the staff dossier page, in the main column after the
  components, each from its own template with the context its provider returns (``None``: the
  section is not shown for this dossier or this actor).
- :data:`INTAKE` sections render inside the counter's intake form, after the components. On a
  valid POST their ``apply`` runs in the same transaction as the intake itself, after the dossier
  row exists: a :class:`~motcua.domain.errors.DomainError` it raises rolls the whole intake back
  and is shown on the form like any other refusal. ``validate`` runs first, before anything is
  written, and returns field errors to show (an empty dict: valid).

Apps register in their ``AppConfig.ready()``; ``order`` sorts the sections on the page.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

Context = dict[str, Any]


@dataclass(frozen=True)
class DossierSection:
    key: str
    template: str  # rendered with the dossier page's context plus ``section`` (the provider's dict)
    provider: Callable[[Any, Any], Context | None]  # (actor, dossier) -> context or None (hidden)
    order: int = 100


@dataclass(frozen=True)
class IntakeSection:
    key: str
    template: str  # rendered inside the intake <form> (multipart) with ``section`` and the page's context
    provider: Callable[[Any, Any, Any], Context | None]  # (actor, setup, request) -> context or None
    validate: Callable[[Any, Any, Any], dict[str, str]] | None = None  # (actor, setup, request) -> errors
    # (actor, setup, request, dossier), run in the intake's transaction
    apply: Callable[[Any, Any, Any, Any], None] | None = None
    order: int = 100


DOSSIER: list[DossierSection] = []
INTAKE: list[IntakeSection] = []


def register_dossier(section: DossierSection) -> None:
    _register(DOSSIER, section)


def register_intake(section: IntakeSection) -> None:
    _register(INTAKE, section)


def _register(into: list[Any], section: Any) -> None:
    into[:] = sorted([s for s in into if s.key != section.key] + [section], key=lambda s: (s.order, s.key))


def dossier_sections(actor: Any, d: Any) -> list[dict[str, Any]]:
    out = []
    for s in DOSSIER:
        ctx = s.provider(actor, d)
        if ctx is not None:
            out.append({"key": s.key, "template": s.template, "section": ctx})
    return out


def intake_sections(actor: Any, setup: Any, request: Any) -> list[dict[str, Any]]:
    out = []
    for s in INTAKE:
        ctx = s.provider(actor, setup, request)
        if ctx is not None:
            out.append({"key": s.key, "template": s.template, "section": ctx})
    return out


def validate_intake(actor: Any, setup: Any, request: Any) -> dict[str, str]:
    errors: dict[str, str] = {}
    for s in INTAKE:
        if s.validate is not None:
            errors.update(s.validate(actor, setup, request))
    return errors


def apply_intake(actor: Any, setup: Any, request: Any, dossier: Any) -> None:
    for s in INTAKE:
        if s.apply is not None:
            s.apply(actor, setup, request, dossier)
