"""What every simulator of an outside system shares (standard library only: the simulators also run
without Django, ``python -m motcua.integrations.<system>.simulator``)."""

from __future__ import annotations

import json


def parse_fault(text: str) -> tuple[str, object]:
    """A ``--fault NAME=VALUE`` switch: VALUE read as JSON, else kept as text."""
    name, sep, value = text.partition("=")
    if not sep:
        raise SystemExit(f"--fault {text!r}: expected NAME=VALUE")
    try:
        return name, json.loads(value)
    except ValueError:
        return name, value
