"""``make demo``'s look-ups: a growing share of the generated history's counter dossiers filled from the
population database, the audit rows just before the dossiers' intake, linked, and the two indicators
showing figures; a second run adds nothing."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest

from motcua.integrations.population import demo
from motcua.integrations.population.indicators import population_measures
from motcua.integrations.population.models import Lookup, LookupUse, Outcome

pytestmark = pytest.mark.django_db


def test_the_demo_history_has_look_ups_and_a_rerun_adds_none(now) -> None:  # noqa: ANN001
    from motcua.core.demo import PROVINCE, seed_demo
    from motcua.dossiers.generator import generate
    from motcua.dossiers.models import Dossier
    from motcua.reports.services import Period
    from motcua.units.models import Unit

    seed_demo()
    province = Unit.objects.get(code=PROVINCE[0])
    generate(400, province, date(2025, 1, 1), date(2025, 8, 31), seed=5)
    counter = Dossier.objects.filter(channel=1, applicant_type=0).exclude(applicant_id_number="")
    demo.prepare(io.StringIO())
    rows, uses = Lookup.objects.count(), LookupUse.objects.count()
    assert 0.2 * counter.count() < uses < 0.7 * counter.count()
    assert rows >= uses and Lookup.objects.filter(outcome=Outcome.MISS).exists()
    for use in LookupUse.objects.select_related("lookup", "dossier")[:50]:
        d, lk = use.dossier, use.lookup
        assert lk.outcome == Outcome.HIT and lk.id_number == d.applicant_id_number and lk.unit_id == d.receiving_unit_id
        assert d.submitted_at - timedelta(minutes=10) < lk.at < d.submitted_at and d.channel == 1
    assert Lookup.objects.exclude(user=None).exists()
    out = io.StringIO()
    demo.prepare(out)
    assert (Lookup.objects.count(), LookupUse.objects.count(), out.getvalue()) == (rows, uses, "")
    first, last = Dossier.objects.order_by("submitted_at").first(), Dossier.objects.order_by("submitted_at").last()
    m = population_measures(province, Period(first.submitted_at, last.submitted_at + timedelta(seconds=1)))
    assert m["population_db_used"].numerator == uses and m["population_db_procedures"].numerator > 0
