"""The look-up service against the simulator over HTTP: every outcome writes one audit row and fills
nothing unless it is a whole hit; bad requests send and write nothing; the citizen only for themselves
or a family member the database confirms; the rate limit; the log cannot be edited; a successful
look-up is linked to the dossier received with that ID number."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from motcua.domain.errors import ValidationFailed
from motcua.dossiers import services as svc
from motcua.dossiers.models import Dossier
from motcua.integrations.population import client as wire
from motcua.integrations.population import services
from motcua.integrations.population.models import Channel, Lookup, LookupUse, Outcome, ReadOnly, Reason
from motcua.units.choices import Role
from tests.integrations.conftest import Sim

from .conftest import CHILD_ID, CITIZEN_ID, SPOUSE_ID, STRANGER_ID

pytestmark = pytest.mark.django_db


def officer(world: Any) -> services.Who:  # noqa: ANN401
    u = world.users["counter_a"]
    return services.Who(u, "Cán bộ A", Channel.COUNTER, Role.COUNTER_OFFICER, world.commune_centres["a"],
                        officer_code="counter_a")


def citizen(world: Any, own: str = CITIZEN_ID) -> services.Who:  # noqa: ANN401
    return services.Who(world.users["citizen"], "Nguyễn Văn An", Channel.PORTAL, "citizen",
                        world.commune_centres["a"], officer_code="CONGDAN", own_id=own)


def ask(id_number: str = CITIZEN_ID, name: str = "Nguyễn Văn An", year: str = "1990", reason: str = Reason.INTAKE,
        text: str = "") -> services.Ask:
    return services.Ask(id_number, name, year, reason, text)


def test_a_hit_fills_and_is_audited(world, pop: Sim) -> None:  # noqa: ANN001
    r = services.look_up(officer(world), ask())
    assert r.hit and r.citizen.full_name == "Nguyễn Văn An" and r.citizen.address
    row = Lookup.objects.get()
    assert (row.outcome, row.id_number, row.channel, row.role, row.unit_id, row.reason) == (
        Outcome.HIT, CITIZEN_ID, "counter", "counter_officer", world.commune_centres["a"].pk, "intake")
    assert row.user == world.users["counter_a"] and row.request_id.startswith("LGSP-TEST-") and row.masked_id == (
        "068******234")


@pytest.mark.parametrize("faults, kwargs, outcome", [
    ({}, {"id_number": "068000000000"}, Outcome.MISS),
    ({"miss": True}, {}, Outcome.MISS),
    ({}, {"name": "Nguyễn Văn Bình"}, Outcome.MISMATCH),
    ({}, {"year": "1991"}, Outcome.MISMATCH),
    ({"name_mismatch": True}, {}, Outcome.MISMATCH),
    ({"malformed": 1}, {}, Outcome.MALFORMED),
    ({"incomplete": 1}, {}, Outcome.MALFORMED),
    ({"bomb": 1}, {}, Outcome.MALFORMED),
    ({"down": True}, {}, Outcome.UNAVAILABLE),
    ({"delay": 1.5}, {}, Outcome.UNAVAILABLE),
])
def test_every_other_outcome_fills_nothing_says_why_and_is_audited(world, pop: Sim, faults, kwargs, outcome) -> None:  # noqa: ANN001
    pop.faults(**faults)
    r = services.look_up(officer(world), ask(**kwargs))
    assert r.outcome == outcome and r.citizen is None and not r.hit and "Chưa điền thông tin nào" in r.message
    assert list(Lookup.objects.values_list("outcome", flat=True)) == [outcome]


def test_a_token_that_expired_is_renewed_and_the_new_request_id_recorded(world, pop: Sim) -> None:  # noqa: ANN001
    services.look_up(officer(world), ask())
    pop.faults(expire_tokens=True)
    r = services.look_up(officer(world), ask())
    assert r.hit and pop.state()["logins"] == 2 and pop.state()["seen"] == 2  # the refused call was not seen
    assert Lookup.objects.count() == 2 and len(set(Lookup.objects.values_list("request_id", flat=True))) == 2


def test_a_duplicate_request_id_is_refused_and_recorded(world, pop: Sim, monkeypatch) -> None:  # noqa: ANN001
    # the platform has seen this id (sent by another system of the province with the same integration code)
    seen = services.mapping.Query("LGSP-TEST-SEEN", CITIZEN_ID, "Nguyễn Văn An", 1990, "X", "Y", "Z")
    services.client().look_up(seen)
    monkeypatch.setattr(services, "new_request_id", lambda: "LGSP-TEST-SEEN")
    r = services.look_up(officer(world), ask())
    assert r.outcome == Outcome.REFUSED and r.citizen is None and "đã được sử dụng" in r.message
    assert Lookup.objects.get().request_id == "LGSP-TEST-SEEN"


@pytest.mark.parametrize("kwargs, field", [
    ({"id_number": "06809000123"}, "applicant_id_number"), ({"id_number": "06809000123x"}, "applicant_id_number"),
    ({"name": "  "}, "applicant_name"), ({"year": "19"}, "population_year"), ({"year": "2999"}, "population_year"),
    ({"reason": "nope"}, "population_reason"), ({"reason": Reason.OTHER}, "population_reason_text"),
])
def test_a_bad_request_sends_and_writes_nothing(world, pop: Sim, kwargs, field) -> None:  # noqa: ANN001
    with pytest.raises(ValidationFailed) as err:
        services.look_up(officer(world), ask(**kwargs))
    assert field in err.value.fields
    assert not Lookup.objects.exists() and pop.state()["lookups"] == 0


def test_off_without_a_url(world, pop: Sim, monkeypatch) -> None:  # noqa: ANN001
    monkeypatch.setattr(services, "SETTINGS", dataclasses.replace(services.SETTINGS, url=""))
    with pytest.raises(services.Unavailable):
        services.look_up(officer(world), ask())
    assert not Lookup.objects.exists()


def test_the_citizen_looks_up_themselves_or_a_confirmed_family_member(world, pop: Sim) -> None:  # noqa: ANN001
    assert services.look_up(citizen(world), ask(reason=Reason.SELF)).hit
    with pytest.raises(ValidationFailed):  # someone else's number without a stated relation and reason
        services.look_up(citizen(world), ask(SPOUSE_ID, "Trần Thị Hoa", "1992", Reason.FAMILY))
    wife = services.look_up(citizen(world), ask(SPOUSE_ID, "Trần Thị Hoa", "1992", Reason.FAMILY, "vợ, nộp hộ"))
    child = services.look_up(citizen(world), ask(CHILD_ID, "Nguyễn Trần Bảo Ngọc", "2018", Reason.FAMILY,
                                                 "con gái, đăng ký cư trú"))
    assert (wife.hit, wife.relation, child.hit, child.relation) == (True, "VoChong", True, "Cha")
    stranger = services.look_up(citizen(world), ask(STRANGER_ID, "Lê Thị Ánh", "1985", Reason.FAMILY, "chị họ"))
    assert stranger.outcome == Outcome.NOT_FAMILY and stranger.citizen is None
    assert list(Lookup.objects.order_by("id").values_list("outcome", "reason")) == [
        ("hit", "self"), ("hit", "family"), ("hit", "family"), ("not_family", "family")]


def test_the_rate_limit_per_person(world, pop: Sim, monkeypatch) -> None:  # noqa: ANN001
    monkeypatch.setattr(services, "SETTINGS", dataclasses.replace(services.SETTINGS, rate="2/h"))
    assert services.look_up(officer(world), ask()).hit
    assert services.look_up(officer(world), ask()).hit
    limited = services.look_up(officer(world), ask())
    assert limited.outcome == Outcome.RATE_LIMITED and limited.citizen is None
    assert pop.state()["lookups"] == 2  # the third was not sent
    assert services.look_up(citizen(world), ask(reason=Reason.SELF)).hit  # another person's own limit


def test_the_log_cannot_be_edited_or_deleted(world, pop: Sim) -> None:  # noqa: ANN001
    services.look_up(officer(world), ask())
    row = Lookup.objects.get()
    row.outcome = Outcome.MISS
    with pytest.raises(ReadOnly):
        row.save()
    with pytest.raises(ReadOnly):
        row.delete()
    with pytest.raises(ReadOnly):
        Lookup.objects.filter(pk=row.pk).update(outcome=Outcome.MISS)
    with pytest.raises(ReadOnly):
        Lookup.objects.all().delete()
    assert Lookup.objects.get().outcome == Outcome.HIT


def test_a_hit_is_linked_to_the_dossier_received_with_that_id_number(world, pop: Sim) -> None:  # noqa: ANN001
    services.look_up(officer(world), ask())
    services.look_up(officer(world), ask("068000000000"))  # a miss: never linked
    other = svc.intake(world.actor("counter_a"), world.intake_request("a"))  # another applicant
    d = svc.intake(world.actor("counter_a"), world.intake_request(
        "a", applicant=svc.Applicant(name="Nguyễn Văn An", id_number=CITIZEN_ID, phone="0912345678")))
    use = LookupUse.objects.get()
    assert use.dossier == d and use.lookup.outcome == Outcome.HIT and other.pk != d.pk
    again = svc.intake(world.actor("counter_a"), world.intake_request(
        "a", applicant=svc.Applicant(name="Nguyễn Văn An", id_number=CITIZEN_ID, phone="0912345678")))
    assert not LookupUse.objects.filter(dossier=again).exists()  # one look-up serves one dossier
    assert Dossier.objects.count() == 3


def test_another_officers_look_up_is_not_linked(world, pop: Sim) -> None:  # noqa: ANN001
    services.look_up(officer(world), ask())
    svc.intake(world.actor("counter_p"), world.intake_request(
        "a", receiving_unit_code=world.centre.code,
        applicant=svc.Applicant(name="Nguyễn Văn An", id_number=CITIZEN_ID, phone="0912345678")))
    assert not LookupUse.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_the_call_is_made_outside_any_transaction(world, pop: Sim, monkeypatch) -> None:  # noqa: ANN001
    from django.db import connection

    seen: list[bool] = []
    real = wire.HttpPopulation.look_up

    def spy(self, query, renew_id=None):  # noqa: ANN001, ANN202
        seen.append(connection.in_atomic_block)
        return real(self, query, renew_id)

    monkeypatch.setattr(wire.HttpPopulation, "look_up", spy)
    assert services.look_up(officer(world), ask()).hit
    assert seen == [False]
