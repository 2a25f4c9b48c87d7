"""The internal process of a procedure version is the path a dossier takes: the rules that say
which step may follow which, when the dossier may be approved and when it may be finished.

Pure functions over :class:`Step` values (no Django): the service layer loads the steps of the
handling unit's process, asks these functions, and saves. A refusal is a :class:`StepRefused`
(409: the process does not allow it now), :class:`StepForbidden` (403: not this person) or
:class:`DocumentMissing` (422: a file must be attached first); each carries a stable ``reason``
code and the ``params`` the pages use to say why in the user's language.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .errors import Conflict, PermissionDenied, ValidationFailed


@dataclass(frozen=True)
class Step:
    """One step of a process, as the rules need it."""

    order: int
    name: str
    role: str
    required: bool = True
    approval: bool = False  # the leader approves (signs) here; only an approval moves the dossier on
    produces_document: bool = False  # a file must be attached at this step before it is handed on


class _Reasoned:
    reason: str
    params: dict[str, str]


class StepRefused(Conflict, _Reasoned):
    code = "step_refused"

    def __init__(self, reason: str, message: str, **params: str) -> None:
        super().__init__(message, fields={"step": reason})
        self.reason, self.params = reason, params


class StepForbidden(PermissionDenied, _Reasoned):
    code = "forbidden"

    def __init__(self, reason: str, message: str, **params: str) -> None:
        super().__init__(message, fields={"step": reason})
        self.reason, self.params = reason, params


class DocumentMissing(ValidationFailed, _Reasoned):
    code = "validation_error"

    def __init__(self, reason: str, message: str, field: str, **params: str) -> None:
        super().__init__(message, fields={field: reason})
        self.reason, self.params = reason, params


def _names(steps: Sequence[Step]) -> str:
    return "; ".join(f"{s.order}. {s.name}" for s in steps)


def step_at(steps: Sequence[Step], order: int | None) -> Step | None:
    return next((s for s in steps if s.order == order), None)


def next_step(steps: Sequence[Step], current: int | None) -> Step | None:
    """The step after ``current`` (the first one when the dossier is at none)."""
    after = [s for s in steps if s.order > (current or 0)]
    return min(after, key=lambda s: s.order) if after else None


def check_leave(step: Step | None, has_document: bool) -> None:
    """Handing ``step`` on needs the document it produces."""
    if step is not None and step.produces_document and not has_document:
        raise DocumentMissing("step_document_missing", "Attach the document this step produces before handing it on.",
                              "file", step=step.name)


def check_forward(steps: Sequence[Step], current: int | None, target: int, has_document: bool) -> None:
    """Moving from ``current`` to ``target`` by a forward (a lower target sends the dossier back)."""
    here = step_at(steps, current)
    if target < (current or 0):
        return
    if here is not None and here.approval:
        raise StepRefused("needs_approval", "This is an approval step: only the approval moves the dossier on.",
                          step=here.name)
    skipped = [s for s in steps if (current or 0) < s.order < target and s.required]
    if skipped:
        raise StepRefused("skips_required", "Required steps cannot be skipped.", steps=_names(skipped))
    check_leave(here, has_document)


def check_approve(steps: Sequence[Step], current: int | None, has_document: bool) -> Step | None:
    """Approving is possible only at an approval step; returns the step the dossier moves on to."""
    here = step_at(steps, current)
    if here is None or not here.approval:
        raise StepRefused("not_approval_step", "The dossier is not at an approval step.",
                          step=here.name if here else "")
    check_leave(here, has_document)
    return next_step(steps, here.order)


def check_finish(steps: Sequence[Step], current: int | None, process_done: bool, has_step_document: bool,
                 has_result: bool) -> None:
    """Finishing needs every required step passed (approval included) and the result attached.

    ``process_done``: the dossier left the last step of its process (by approval or forward)."""
    if steps and current is None and not process_done:
        raise StepRefused("not_in_process", "The dossier has not been through its internal process.")
    here = step_at(steps, current)
    if here is not None:
        remaining = [s for s in steps if s.order > here.order and s.required]
        if here.approval:
            remaining = [here, *remaining]
        if remaining:
            raise StepRefused("steps_remaining", "Required steps have not been passed.", steps=_names(remaining))
        check_leave(here, has_step_document)
    if not has_result:
        raise DocumentMissing("result_missing", "Attach the result before finishing.", "result")
