"""Domain exceptions. Every entry point renders them the same way (see motcua.core.errors)."""

from __future__ import annotations


class DomainError(Exception):
    """Base of every expected, user-facing error. ``code`` is stable for API clients."""

    code = "domain_error"
    http_status = 400

    def __init__(self, message: str, *, fields: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.fields = fields or {}


class IllegalTransition(DomainError):
    code = "illegal_transition"
    http_status = 409

    def __init__(self, action: str, status: int | None) -> None:
        super().__init__(f"Action '{action}' is not allowed from status {status}.")
        self.action = action
        self.status = status


class ValidationFailed(DomainError):
    code = "validation_error"
    http_status = 422


class Conflict(DomainError):
    code = "conflict"
    http_status = 409


class NotFound(DomainError):
    code = "not_found"
    http_status = 404


class PermissionDenied(DomainError):
    code = "forbidden"
    http_status = 403
