"""The two Decision 766 measures on the population database, on a hand-worked set: dossiers of citizen
applicants with an ID number submitted in the period, those filled from a successful look-up, and the
procedures they belong to."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

import pytest

from motcua.catalog.models import Component
from motcua.catalog.services import version_in_force
from motcua.core import clock as clockmod
from motcua.domain.indicators import Measure
from motcua.dossiers import services as svc
from motcua.dossiers.models import Dossier
from motcua.integrations.population.indicators import population_measures
from motcua.integrations.population.models import Channel, Lookup, LookupUse, Outcome, Reason
from motcua.reports import index766
from motcua.reports.services import Period

pytestmark = pytest.mark.django_db
X, Y, Z, W = "068111111111", "068222222222", "068333333333", "068444444444"


def looked_up(world: Any, who: str, id_number: str, outcome: str = Outcome.HIT) -> Lookup:  # noqa: ANN401
    return Lookup.objects.create(at=clockmod.now(), user=world.users[who], actor_name=who, channel=Channel.COUNTER,
                                 id_number=id_number, reason=Reason.INTAKE, outcome=outcome,
                                 request_id=f"R-{Lookup.objects.count()}")


def received(world: Any, id_number: str, kind: int = 0, where: str = "a") -> Any:  # noqa: ANN401
    if where == "dept":
        v = version_in_force(world.department_procedure, clockmod.local_date(clockmod.now()))
        comps = [svc.ComponentInput(component_id=c.pk, originals=c.originals, copies=c.copies)
                 for c in Component.objects.filter(version=v, required=True)]
        req = svc.IntakeRequest(procedure_code="2.000815", receiving_unit_code=world.centre.code,
                                handling_unit_code=world.department.code, channel=1, components=comps,
                                applicant=svc.Applicant(name="Bùi Văn D", id_number=id_number, type=kind))
        return svc.intake(world.actor("counter_p"), req)
    d = svc.intake(world.actor("counter_a"), world.intake_request(
        "a", applicant=svc.Applicant(name="Người nộp", id_number=id_number)))
    if kind:  # birth registration is for citizens: an enterprise's dossier of the same unit, made so
        Dossier.objects.filter(pk=d.pk).update(applicant_type=kind)
    return d


def test_the_measures_on_a_hand_worked_set(world, clock) -> None:  # noqa: ANN001
    from motcua.catalog.models import Procedure

    world.department_procedure = Procedure.objects.get(code="2.000815")
    clock.set("2025-08-29 09:00")
    received(world, X)
    utc = clockmod.UTC
    august = Period(datetime(2025, 7, 31, 17, 0, tzinfo=utc), datetime(2025, 8, 31, 17, 0, tzinfo=utc))
    assert population_measures(world.communes["a"], august) == {}  # never used at all: N/A, not 0
    looked_up(world, "counter_a", X)
    received(world, X)  # used, but in August: outside the period
    clock.set("2025-09-03 09:00")
    looked_up(world, "counter_a", X)
    d1 = received(world, X)  # used
    d2 = received(world, Y)  # not looked up
    looked_up(world, "counter_a", Z, Outcome.MISS)
    d3 = received(world, Z)  # looked up, not found: used nothing
    looked_up(world, "counter_a", W)
    received(world, W, kind=1)  # an enterprise: not in the population database, not counted
    received(world, "")  # no ID number: not counted
    clock.set("2025-09-04 10:00")
    d6 = received(world, Y, where="dept")  # the department's procedure, not looked up
    looked_up(world, "counter_a", Y)
    clock.set("2025-09-04 13:00")  # three hours later: too late to be the look-up of this dossier
    d7 = received(world, Y)
    linked = set(LookupUse.objects.values_list("dossier_id", flat=True))
    assert d1.pk in linked and not linked & {d2.pk, d3.pk, d6.pk, d7.pk}
    period = Period(datetime(2025, 8, 31, 17, 0, tzinfo=utc), datetime(2025, 9, 30, 17, 0, tzinfo=utc))
    assert population_measures(world.communes["a"], august) == {  # two August dossiers of X, one looked up
        "population_db_used": Measure(1, 2), "population_db_procedures": Measure(1, 1)}
    # commune A: d1 of d1, d2, d3, d7 (its one procedure connected)
    assert population_measures(world.communes["a"], period) == {
        "population_db_used": Measure(1, 4), "population_db_procedures": Measure(1, 1)}
    # the province: d1 of d1, d2, d3, d6, d7; one of its two procedures
    assert population_measures(world.province, period) == {
        "population_db_used": Measure(1, 5), "population_db_procedures": Measure(1, 2)}
    assert population_measures(world.communes["b"], period) == {
        "population_db_used": Measure(0, 0), "population_db_procedures": Measure(0, 0)}
    assert population_measures in index766.MEASURE_PROVIDERS
    scores = {i.spec.measure: i for g in index766.compute_index(world.communes["a"], period).score.groups
              for i in g.indicators}
    assert scores["population_db_used"].points == Decimal("0.50")  # 2 points x 1/4 (threshold 100%)
    assert scores["population_db_procedures"].points == Decimal("2.00")
    nothing = {i.spec.measure: i for g in index766.compute_index(world.communes["b"], period).score.groups
               for i in g.indicators}
    assert nothing["population_db_used"].points is None  # N/A, not 0
    assert d2.pk and d3.pk and d6.pk
