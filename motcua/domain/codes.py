"""Dossier and result codes (Circular 01/2018/TT-VPCP), and masking of personal names."""

from __future__ import annotations

import re
from datetime import date

DEFAULT_CODE_FORMAT = "{agency}-{date:%y%m%d}-{seq:04d}"
_CODE_KEYS = re.compile(r"\{(\w+)")


def validate_code_format(fmt: str) -> None:
    """Raise ValueError unless ``fmt`` uses exactly the fields agency, date and seq."""
    keys = set(_CODE_KEYS.findall(fmt))
    if keys != {"agency", "date", "seq"}:
        raise ValueError("the dossier code format must use {agency}, {date:...} and {seq:...}")
    format_dossier_code("X", date(2025, 1, 1), 1, fmt)


def format_dossier_code(agency: str, day: date, seq: int, fmt: str = DEFAULT_CODE_FORMAT) -> str:
    """``<agency code>-<YYMMDD>-<NNNN>`` by default; e.g. ``000.00.31.H38-250312-0007``."""
    if seq < 1:
        raise ValueError("sequence numbers start at 1")
    return fmt.format(agency=agency, date=day, seq=seq)


def result_code(dossier_code: str, n: int) -> str:
    """Electronic result code: ``<dossier code>-KQ<n>``."""
    return f"{dossier_code}-KQ{n}"


def mask_name(full_name: str) -> str:
    """Mask a personal name for public lookups: 'Nguyễn Văn An' -> 'N*** V** An'.

    Only the last word (the given name) stays readable; every other word keeps its initial.
    """
    words = full_name.split()
    if not words:
        return ""
    masked = [w[0] + "*" * (len(w) - 1) for w in words[:-1]]
    last = words[-1]
    if len(words) == 1:
        last = last[0] + "*" * (len(last) - 1)
    return " ".join([*masked, last])
