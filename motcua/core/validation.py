"""Turn Django model validation into the domain's field-level ValidationFailed."""

from __future__ import annotations

from collections.abc import Sequence

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models

from motcua.domain.errors import ValidationFailed


def full_clean_or_fail(obj: models.Model, exclude: Sequence[str] = (), constraints: bool = True) -> None:
    """Model validation as field errors. ``constraints=False`` skips the Python-side evaluation of
    check and unique constraints (one query each); the database still enforces them."""
    try:
        obj.full_clean(exclude=list(exclude), validate_unique=constraints, validate_constraints=constraints)
    except DjangoValidationError as exc:
        fields = ({k: "; ".join(map(str, m)) for k, m in exc.message_dict.items()}
                  if hasattr(exc, "error_dict") else {"__all__": "; ".join(exc.messages)})
        raise ValidationFailed("Invalid data.", fields=fields) from exc


def no_control_characters(value: str) -> None:
    """Form validator: NUL and other control characters (tab and line breaks allowed) are refused.
    The input-validation middleware refuses them before any view runs; forms check again so that a
    form used elsewhere (a test, a management command) is safe on its own."""
    from django.utils.translation import gettext as _

    from motcua.core.middleware import CONTROL

    if CONTROL.search(value or ""):
        raise DjangoValidationError(_("Không được chứa ký tự điều khiển."), code="control_characters")
