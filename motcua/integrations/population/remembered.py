"""The last population record a user's look-up found, kept in their session for a short while so
that the declaration form (motcua.eforms.prefill) can propose its values, marked "đã điền sẵn từ Cơ sở
dữ liệu quốc gia về dân cư", for the officer or citizen to confirm. Only a hit is kept, nothing is
written to the database (the audit log says who looked whom up, not what came back), and the record is
forgotten after ``MAX_AGE`` seconds or at the next look-up."""

from __future__ import annotations

import time
from dataclasses import asdict
from datetime import date
from typing import Any

from .mapping import Address, Citizen

KEY = "population_record"
MAX_AGE = 30 * 60


def remember(request: Any, citizen: Citizen) -> None:  # noqa: ANN401
    data = asdict(citizen)
    data["birth_date"] = citizen.birth_date.isoformat() if citizen.birth_date else None
    data["relations"] = {k: list(v) for k, v in citizen.relations.items()}
    request.session[KEY] = {"at": time.time(), "citizen": data}


def forget(request: Any) -> None:  # noqa: ANN401
    request.session.pop(KEY, None)


def recall(request: Any, id_number: str | None = None) -> Citizen | None:  # noqa: ANN401
    """The remembered record (of ``id_number`` when given), or None when there is none or it is stale."""
    kept = getattr(request, "session", {}).get(KEY)
    if not isinstance(kept, dict) or time.time() - float(kept.get("at", 0)) > MAX_AGE:
        return None
    c = kept.get("citizen") or {}
    try:
        citizen = Citizen(
            id_number=str(c["id_number"]), family_name=c["family_name"], middle_name=c["middle_name"],
            given_name=c["given_name"], gender=c["gender"],
            birth_date=date.fromisoformat(c["birth_date"]) if c.get("birth_date") else None,
            birth_year=int(c["birth_year"]),
            permanent=Address(**c["permanent"]) if c.get("permanent") else None,
            current=Address(**c["current"]) if c.get("current") else None,
            relations={k: (v[0], v[1]) for k, v in (c.get("relations") or {}).items()})
    except (KeyError, TypeError, ValueError):
        return None
    return citizen if id_number in (None, "", citizen.id_number) else None
