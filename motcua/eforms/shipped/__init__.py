"""The forms motcua ships, written from the official templates: one JSON definition per file,
named by its key. ``PROCEDURES`` says which catalog procedure (national code) each one belongs to,
so the sample catalog's versions (and a province's own catalog) get them without copying JSON."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent

# national procedure code -> shipped form key (the ten most used commune procedures of the sample catalog)
PROCEDURES: dict[str, str] = {
    "1.001193": "khai-sinh",
    "1.000894": "ket-hon",
    "1.000656": "khai-tu",
    "1.004873": "xac-nhan-tinh-trang-hon-nhan",
    "1.001022": "nhan-cha-me-con",
    "1.004859": "thay-doi-cai-chinh",
    "1.004837": "giam-ho",
    "2.000815": "chung-thuc-ban-sao",
    "2.000720": "ho-kinh-doanh",
    "1.012756": "dang-ky-dat-dai",
}
# shipped without a procedure of the sample catalog (residence registration is the police's, Circular
# 66/2023/TT-BCA form CT01): a province with the procedure in its catalog picks it by key
UNBOUND = ("cu-tru-ct01",)


def keys() -> list[str]:
    return sorted(p.stem for p in HERE.glob("*.json"))


@cache
def _load(key: str) -> str:
    path = HERE / f"{key}.json"
    if key not in keys():
        raise KeyError(key)
    return path.read_text(encoding="utf-8")


def load(key: str) -> dict[str, Any]:
    """A fresh copy of the shipped definition ``key`` (KeyError when there is none)."""
    return json.loads(_load(key))


def for_procedure(code: str) -> dict[str, Any] | None:
    """The shipped definition of a procedure by its national code (a local variant "2.000815.BSDT"
    is not matched: it has its own form or none)."""
    key = PROCEDURES.get(code)
    return load(key) if key else None


def with_forms(catalog: dict[str, Any]) -> dict[str, Any]:
    """A catalog document with the shipped forms on the versions in force of their procedures (under
    the import's "form" key), where the document gives none of its own."""
    for procedure in catalog.get("procedures") or []:
        key = PROCEDURES.get(procedure.get("code", ""))  # a local variant (2.000815.BSDT) keeps its own flow
        for version in procedure.get("versions") or [] if key else []:
            if version.get("effective_to") is None and version.get("status") == "published" and "form" not in version:
                version["form"] = load(key)
    return catalog
