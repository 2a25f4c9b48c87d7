"""The demo's reorganizations of 01/07/2025: dossiers on both sides of the date, applied through the
service, and a rerun adds nothing."""

from __future__ import annotations

from io import StringIO

import pytest

from motcua.dossiers.models import Dossier, DossierEvent
from motcua.units import demo
from motcua.units.models import Reorganization, Unit, UnitSuccession


@pytest.fixture
def applied(db):  # noqa: ANN001, ANN201
    from motcua.core.demo import seed_demo

    seed_demo()
    demo.prepare(StringIO(), before=60, after=40)


def test_the_reform_and_the_province_merger_are_applied_with_dossiers_on_both_sides(applied):
    assert set(Reorganization.objects.values_list("kind", "status")) == {
        ("merge", "applied"), ("dissolve", "applied"), ("merge_provinces", "applied")}
    new = Unit.objects.get(code=demo.NEW_COMMUNE["code"])
    lat = Unit.objects.get(code=demo.OLD_COMMUNES[0][1])
    assert lat.dissolved_on == demo.EFFECTIVE and lat.successor_id == new.pk
    district = Unit.objects.get(code=demo.DISTRICT[0])
    assert district.dissolved_on == demo.EFFECTIVE
    neighbour = Unit.objects.get(code=demo.NEIGHBOUR[0])
    assert neighbour.successor.code == "68"
    assert UnitSuccession.objects.filter(predecessor=neighbour, successor__code="68").exists()
    gianghia = Unit.objects.get(code=demo.NEIGHBOUR_COMMUNES[0][1])
    assert gianghia.parent.code == "68" and gianghia.path.startswith(Unit.objects.get(code="68").path)
    # before the date: the old commune's finished dossiers stay with it
    kept = Dossier.objects.filter(handling_unit=lat)
    assert kept.exists() and all(d.submitted_at.date() < demo.EFFECTIVE for d in kept)
    assert not kept.filter(status__in=(1, 2, 4, 5, 6, 9)).exists()
    # the open ones moved with a TRANSFER event at the date
    moved = DossierEvent.objects.filter(action="transfer", data__to_code=new.code)
    assert moved.exists()
    assert all(e.dossier.handling_unit_id == new.pk for e in moved)
    # after the date: the new commune and the neighbour's communes (now in Lâm Đồng) receive dossiers
    after = Dossier.objects.filter(submitted_at__date__gte=demo.EFFECTIVE)
    assert after.filter(handling_unit=new).exists()
    assert after.filter(handling_unit__code__in=[c for _s, c, _n in demo.NEIGHBOUR_COMMUNES]).exists()
    assert not after.filter(handling_unit=lat).exists()
    for d in Dossier.objects.filter(handling_unit=gianghia):
        assert d.handling_path == gianghia.path


def test_a_rerun_adds_nothing(applied):
    counts = (Unit.objects.count(), Dossier.objects.count(), DossierEvent.objects.count(),
              Reorganization.objects.count())
    demo.prepare(StringIO(), before=60, after=40)
    assert (Unit.objects.count(), Dossier.objects.count(), DossierEvent.objects.count(),
            Reorganization.objects.count()) == counts
