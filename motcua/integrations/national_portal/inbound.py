"""Placeholder: replaced by its owner (issue 9)."""

from typing import Any


def pull(client: Any) -> dict[str, int]:
    return {}
