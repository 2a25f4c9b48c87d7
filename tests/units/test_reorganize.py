"""Reorganizations through the service: preview counts, apply, events, paths, versions, successions."""

from __future__ import annotations

from datetime import date

import pytest
from django.db.models import F

from motcua.domain.errors import Conflict, ValidationFailed
from motcua.dossiers import services as svc
from motcua.dossiers.models import Dossier, DossierEvent
from motcua.dossiers.verify import verify
from motcua.units import reorganize
from motcua.units.models import Reorganization, StaffRole, Unit, UnitSuccession, UnitVersion

from .conftest import make

A, B = "000.31.10.H39", "000.32.10.H39"
NEW = {"code": "000.33.10.H39", "name": "Xã Hợp Nhất", "kind": "commune", "parent_code": "68"}


def _merge_new() -> Reorganization:
    return make("merge", {"sources": [A, B], "target": NEW})


def test_merge_into_new_unit_preview_counts_and_writes_nothing(world, dossiers):
    plan = reorganize.preview(_merge_new())
    assert plan.counts["open_dossiers"] == 3
    assert plan.counts["finished_dossiers_kept"] == 1
    assert plan.counts["staff_roles"] == 4  # specialist and leader of each commune
    from motcua.catalog.models import ProcessStep

    # the new commune takes one commune's birth registration process (both have one)
    assert plan.counts["process_steps"] == ProcessStep.objects.filter(unit=world.communes["a"]).count()
    procs = ProcessStep.objects.filter(unit=world.communes["a"]).values("procedure").distinct().count()
    assert plan.counts["catalog_assignments"] == procs
    assert plan.counts["code_sequences"] == 0  # codes are counted at the receiving centres
    assert any("Xã Hợp Nhất" in line for line in plan.lines)
    assert not Unit.objects.filter(code=NEW["code"]).exists()
    assert not Reorganization.objects.exists()


def test_merge_moves_open_dossiers_with_a_transfer_event_and_keeps_finished_ones(world, dossiers):
    r = _merge_new()
    summary = reorganize.apply(r)
    new = Unit.objects.get(code=NEW["code"])
    assert r.status == "applied" and r.applied_at is not None
    assert summary["counts"]["open_dossiers"] == 3
    for pk in dossiers["open_a"] + dossiers["open_b"]:
        d = Dossier.objects.get(pk=pk)
        assert d.handling_unit_id == new.pk and d.handling_path == new.path
        ev = d.events.order_by("-seq").first()
        assert ev.action == "transfer" and ev.from_status == ev.to_status == d.status
        assert ev.data["to_code"] == NEW["code"] and ev.data["which"] == "handling"
        assert ev.data["reorganization"] == r.pk
        # the receiving centre moved under the new commune, and the dossier's path with it
        assert d.receiving_path == Unit.objects.get(pk=d.receiving_unit_id).path
        assert d.receiving_path.startswith(new.path)
    kept = Dossier.objects.get(pk=dossiers["finished_a"][0])
    assert kept.handling_unit_id == world.communes["a"].pk
    assert not kept.events.filter(action="transfer").exists()
    assert verify(checkpoint=False).ok


def test_merge_ends_sources_and_writes_successions_and_versions(world, dossiers):
    r = _merge_new()
    reorganize.apply(r)
    new = Unit.objects.get(code=NEW["code"])
    a = Unit.objects.get(code=A)
    assert a.dissolved_on == r.effective_on and a.successor_id == new.pk
    assert new.established_on == r.effective_on
    assert set(UnitSuccession.objects.filter(reorganization=r).values_list("predecessor__code", "successor__code",
                                                                           "primary")) == {
        (A, NEW["code"], True), (B, NEW["code"], True)}
    va = list(UnitVersion.objects.filter(unit=a).order_by(F("valid_from").asc(nulls_first=True)))
    assert len(va) == 1 and va[0].valid_until == r.effective_on
    vn = UnitVersion.objects.get(unit=new)
    assert vn.valid_from == r.effective_on and vn.valid_until is None and vn.path == new.path
    centre = world.commune_centres["a"]
    vc = list(UnitVersion.objects.filter(unit=centre).order_by(F("valid_from").asc(nulls_first=True)))
    assert [v.valid_until for v in vc] == [r.effective_on, None]
    assert vc[1].parent_id == new.pk and vc[0].parent_id == a.pk


def test_staff_of_the_merged_commune_see_the_moved_dossiers(world, dossiers):
    specialist = world.users["specialist_a"]
    before = set(svc.visible_dossiers(svc.Actor.of(specialist)).values_list("pk", flat=True))
    assert set(dossiers["open_a"]) <= before and not set(dossiers["open_b"]) & before
    reorganize.apply(_merge_new())
    assert StaffRole.objects.get(user=specialist).unit.code == NEW["code"]
    after = set(svc.visible_dossiers(svc.Actor.of(specialist)).values_list("pk", flat=True))
    assert set(dossiers["open_a"] + dossiers["open_b"]) <= after
    # and they can act on them
    svc.request_supplement(svc.Actor.of(specialist), dossiers["open_b"][0], "Thiếu giấy chứng sinh")


def test_a_second_apply_is_refused_and_changes_nothing(world, dossiers):
    r = _merge_new()
    reorganize.apply(r)
    events = DossierEvent.objects.count()
    with pytest.raises(Conflict):
        reorganize.apply(Reorganization.objects.get(pk=r.pk))
    assert DossierEvent.objects.count() == events


def test_merge_into_existing_unit(world, dossiers):
    r = make("merge", {"sources": [A], "target_code": B})
    plan = reorganize.preview(r)
    assert plan.counts["open_dossiers"] == 2 and plan.counts["process_steps"] == 0  # b has its own
    reorganize.apply(r)
    b = world.communes["b"]
    b.refresh_from_db()
    assert Dossier.objects.filter(handling_unit=b).count() == 3
    assert Unit.objects.get(code=A).successor_id == b.pk
    assert UnitVersion.objects.filter(unit=b).count() == 1  # b itself did not change


@pytest.mark.parametrize(("kind", "spec", "field"), [
    ("merge", {"sources": [A]}, "spec.sources"),
    ("merge", {"sources": [A, "nope"], "target": NEW}, "spec.sources"),
    ("merge", {"sources": [A, B], "target": {**NEW, "code": A}}, "spec.target.code"),
    ("merge", {"sources": [A, B], "target": {**NEW, "kind": "moon"}}, "spec.target.kind"),
    ("merge", {"sources": [A], "target_code": A}, "spec.target_code"),
    ("merge", {"sources": [A, "68"], "target": NEW}, "spec.sources"),
    ("rename", {"unit": A, "name": ""}, "spec.name"),
    ("move", {"unit": A, "parent_code": "000.31.90.H39"}, "spec.parent_code"),
    ("dissolve", {"unit": A}, "spec.unit"),
    ("split", {"source": A, "targets": [NEW], "primary_code": NEW["code"]}, "spec.targets"),
    ("merge_provinces", {"sources": [A], "target_code": "68"}, "spec.sources"),
])
def test_bad_specs_are_refused_with_field_errors_and_nothing_written(world, dossiers, kind, spec, field):
    units, events = Unit.objects.count(), DossierEvent.objects.count()
    with pytest.raises(ValidationFailed) as exc:
        reorganize.apply(make(kind, spec))
    assert field in exc.value.fields
    assert (Unit.objects.count(), DossierEvent.objects.count(), Reorganization.objects.count()) == (units, events, 0)


def test_bad_header_is_refused(world):
    with pytest.raises(ValidationFailed) as exc:
        reorganize.create(kind="merge", decision_number=" ", decision_date=date(2025, 6, 16), issuer="",
                          effective_on=date(2025, 6, 1), spec={})
    assert {"decision_number", "issuer", "effective_on"} <= set(exc.value.fields)
