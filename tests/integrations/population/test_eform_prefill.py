"""A hit of the counter's look-up is proposed to the declaration form: the look-up's answer asks the
form to redraw itself (HX-Trigger eformPrefill), and the redraw fills the fields that ask for a
prefill and are still empty, each marked as coming from the population database; what the officer
typed stays. A miss proposes nothing; a stale record is forgotten."""

from __future__ import annotations

import time
from typing import Any

import pytest

from motcua.catalog.models import Procedure
from motcua.catalog.services import version_in_force
from motcua.eforms import services as eforms
from motcua.integrations.population import remembered
from tests.eforms.forms import birth
from tests.integrations.conftest import Sim

from .test_pages import HX, counter_post

pytestmark = pytest.mark.django_db
NOTE = "đã điền sẵn từ Cơ sở dữ liệu quốc gia về dân cư"


@pytest.fixture
def form(world, now) -> Any:  # noqa: ANN001, ANN401
    return eforms.set_form(version_in_force(Procedure.objects.get(code="1.001193"), now.date()), birth())


def test_a_hit_is_proposed_to_the_declaration_and_typed_values_stay(world, pop: Sim, client_of, now, form) -> None:  # noqa: ANN001
    client = client_of("counter_a")
    html = client.get("/office/intake/", {"procedure": "1.001193"}).content.decode()
    assert 'hx-trigger="eformPrefill from:body"' in html  # the form listens for a look-up's hit
    r = counter_post(lambda _who: client, world)
    assert r["HX-Trigger"] == "eformPrefill"
    live = f"/eforms/live/{form.pk}/"
    page = client.get(live, {"prefill": "population", "ef.applicant.phone": "0912345678"}, **HX).content.decode()
    assert 'value="Nguyễn Văn An"' in page and NOTE in page  # child.full_name asks for the name
    assert 'value="0912345678"' in page  # typed: kept
    typed = client.get(live, {"prefill": "population", "ef.child.full_name": "Trần Thị Bé"}, **HX).content.decode()
    assert 'value="Trần Thị Bé"' in typed and 'value="Nguyễn Văn An"' not in typed and NOTE not in typed
    plain = client.get(live, {"ef.applicant.phone": "0912345678"}, **HX).content.decode()
    assert "Nguyễn Văn An" not in plain  # an ordinary redraw proposes nothing


def test_a_miss_proposes_nothing_and_a_stale_record_is_forgotten(world, pop: Sim, client_of, now, form) -> None:  # noqa: ANN001
    client = client_of("counter_a")
    r = counter_post(lambda _who: client, world, applicant_id_number="068000000000")
    assert "HX-Trigger" not in r
    live = f"/eforms/live/{form.pk}/"
    assert NOTE not in client.get(live, {"prefill": "population"}, **HX).content.decode()
    counter_post(lambda _who: client, world)
    session = client.session
    session[remembered.KEY]["at"] = time.time() - remembered.MAX_AGE - 1
    session.save()
    assert NOTE not in client.get(live, {"prefill": "population"}, **HX).content.decode()
