"""Extension point of the citizen's dossier page: apps beside the portal (fees, post, the document
store, feedback...) add a section without editing the portal's templates. A provider gets
``(user, dossier)`` and returns its template's ``section`` context, or ``None`` to show nothing.
Apps register in their ``AppConfig.ready()``; ``order`` sorts the sections."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class DossierSection:
    key: str
    template: str
    provider: Callable[[Any, Any], dict[str, Any] | None]
    order: int = 100


DOSSIER: list[DossierSection] = []


def register_dossier(section: DossierSection) -> None:
    DOSSIER[:] = sorted([s for s in DOSSIER if s.key != section.key] + [section], key=lambda s: (s.order, s.key))


def dossier_sections(user: Any, d: Any) -> list[dict[str, Any]]:
    out = []
    for s in DOSSIER:
        ctx = s.provider(user, d)
        if ctx is not None:
            out.append({"key": s.key, "template": s.template, "section": ctx})
    return out
