"""Hand a batch of dossiers at the same step over to the next step, one transaction each."""

from __future__ import annotations

from dataclasses import dataclass, field

from motcua.domain.errors import DomainError
from motcua.dossiers import services as svc

from .errors import friendly

MAX_BATCH = 100


@dataclass
class BatchResult:
    done: list[str] = field(default_factory=list)  # dossier codes
    failed: list[tuple[str, str]] = field(default_factory=list)  # (code, friendly reason)
    refused: str = ""  # the whole batch was refused before any change


def parse_selection(values: list[str]) -> dict[int, int]:
    """``["<id>:<version>", ...]`` from the table's check boxes -> {id: version}; bad items dropped."""
    out: dict[int, int] = {}
    for v in values[:MAX_BATCH]:
        pk, _, version = v.partition(":")
        if pk.isdigit() and version.isdigit():
            out[int(pk)] = int(version)
    return out


def forward_batch(actor: svc.Actor, selection: dict[int, int], same_step_message: str) -> BatchResult:
    """Forward each selected dossier to its next step; each is its own transaction, so one
    failure (changed meanwhile, not allowed) leaves the others done."""
    rows = list(svc.visible_dossiers(actor).filter(pk__in=list(selection))
                .values_list("pk", "code", "current_step_id").order_by("due_at", "pk"))
    result = BatchResult()
    if len({step for _, _, step in rows}) > 1:
        result.refused = same_step_message
        return result
    for pk, code, _ in rows:
        try:
            svc.forward(actor, pk, expected_version=selection[pk])
        except DomainError as err:
            result.failed.append((code, friendly(err)))
        else:
            result.done.append(code)
    return result
