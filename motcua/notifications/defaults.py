"""The templates shipped with motcua (``defaults.json``): installed by a data migration where the
database has none of that kind, channel and language (an administrator's edits are kept), and
used directly when a template is missing from the database."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

PATH = Path(__file__).with_name("defaults.json")


@cache
def shipped() -> dict[tuple[str, str, str], dict[str, Any]]:
    data = json.loads(PATH.read_text(encoding="utf-8"))
    return {(t["kind"], t["channel"], t["language"]): t for t in data["templates"]}


def fields_of(t: dict[str, Any]) -> dict[str, Any]:
    return {"subject": t.get("subject", ""), "body": t["body"], "zns_template_id": t.get("zns_template_id", ""),
            "zns_params": list(t.get("zns_params", []))}


def install(template_model: Any) -> int:
    """Create the shipped templates the database lacks; returns how many. Only kinds the model (a
    migration's historical one) knows: a later migration installs the kinds it adds."""
    known = {k for k, _ in template_model._meta.get_field("kind").choices}
    have = set(template_model.objects.values_list("kind", "channel", "language"))
    missing = [template_model(kind=k, channel=c, language=lang, **fields_of(t))
               for (k, c, lang), t in shipped().items() if (k, c, lang) not in have and k in known]
    template_model.objects.bulk_create(missing)
    return len(missing)
