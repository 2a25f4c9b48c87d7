"""E-forms fixtures: the birth registration form (every field type) attached to the world's birth
procedure version in force, and declared data fitting the world's units."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from tests.eforms.forms import birth


def world_good(world: Any) -> dict[str, Any]:  # noqa: ANN401
    """Valid declared data at the world's frozen date (10/09/2025), addressed in its units."""
    return {
        "child": {"full_name": "Nguyễn Văn An", "birth_date": "2025-09-01", "sex": "nam", "ethnicity": "01",
                  "birth_place": {"province": world.province.code, "commune": world.communes["a"].code,
                                  "detail": "Thôn 1"},
                  "weight": 3200},
        "mother": {"person": {"full_name": "Trần Thị Bình", "birth_date": "1995-04-02",
                              "id_number": "068195000123"}},
        "applicant": {"id": "068195000123", "phone": "0912345678", "relation": "me", "commit": True},
    }


def as_post(data: Any, prefix: str = "ef.") -> dict[str, Any]:  # noqa: ANN401
    """Nested declared data as the renderer's posted inputs (``ef.child.full_name``...)."""
    out: dict[str, Any] = {}
    if isinstance(data, dict):
        for k, v in data.items():
            out.update(as_post(v, f"{prefix}{k}."))
    elif isinstance(data, list):
        for i, item in enumerate(data):
            out.update(as_post(item, f"{prefix[:-1]}[{i}]."))
    elif data is True:
        out[prefix[:-1]] = "true"
    elif data is not False and data is not None:
        out[prefix[:-1]] = str(data)
    return out


@pytest.fixture
def birth_form(world, now):  # noqa: ANN001, ANN201
    from motcua.catalog.models import Procedure
    from motcua.catalog.services import version_in_force
    from motcua.eforms import services

    version = version_in_force(Procedure.objects.get(code="1.001193"), now.date())
    return services.set_form(version, birth())


@pytest.fixture
def good(world) -> dict[str, Any]:  # noqa: ANN001
    return copy.deepcopy(world_good(world))
