"""Split, dissolve, rename, move and province merges; the moved-commune regression; the job."""

from __future__ import annotations

from datetime import date

from django.db.models import F

from motcua.dossiers import services as svc
from motcua.dossiers.models import Dossier
from motcua.dossiers.verify import verify
from motcua.units import reorganize
from motcua.units.models import Reorganization, Unit, UnitSuccession, UnitVersion

from .conftest import make

A, B = "000.31.10.H39", "000.32.10.H39"


def _district(world) -> Unit:  # noqa: ANN001
    """A (historical) district holding commune a."""
    d = Unit.objects.create(code="000.30.00.H39", name="Huyện Cũ", kind="district", parent=world.province)
    a = world.communes["a"]
    a.parent = d
    a.save()
    return d


def test_moving_a_commune_keeps_its_100_dossiers_visible_to_its_staff(world, now):
    """The reported bug: a commune moved under another parent hid its dossiers from its own staff."""
    counter = world.actor("counter_a")
    ids = [svc.intake(counter, world.intake_request()).pk for _ in range(100)]
    for pk in ids[:30]:
        svc.withdraw(counter, pk, "Rút hồ sơ")  # finished ones too belong to the commune
    district = _district(world)
    a = Unit.objects.get(code=A)
    assert a.path.startswith(district.path)
    for username in ("counter_a", "specialist_a", "leader_a"):
        seen = set(svc.visible_dossiers(world.actor(username)).values_list("pk", flat=True))
        assert set(ids) <= seen, username
    for d in Dossier.objects.filter(pk__in=ids):
        assert d.handling_path == a.path
        assert d.receiving_path == Unit.objects.get(pk=d.receiving_unit_id).path


def test_move_through_the_service_versions_the_subtree(world, dossiers):
    district = Unit.objects.create(code="000.30.00.H39", name="Huyện Mới", kind="district", parent=world.province)
    r = make("move", {"unit": A, "parent_code": district.code})
    assert reorganize.preview(r).counts["dossier_paths"] == 3
    reorganize.apply(r)
    a = Unit.objects.get(code=A)
    assert a.parent_id == district.pk and a.dissolved_on is None
    assert set(Dossier.objects.filter(handling_unit=a).values_list("handling_path", flat=True)) == {a.path}
    assert set(UnitVersion.objects.filter(unit=a).values_list("valid_from", "valid_until")) == {
        (None, r.effective_on), (r.effective_on, None)}
    centre = UnitVersion.objects.get(unit=world.commune_centres["a"], valid_until__isnull=True)
    assert centre.path.startswith(a.path) and centre.valid_from == r.effective_on
    assert not Dossier.objects.filter(events__action="transfer").exists()  # no unit changed


def test_rename_versions_the_name_only(world, dossiers):
    r = make("rename", {"unit": A, "name": "Phường Xuân Hương - Đà Lạt"})
    reorganize.apply(r)
    a = Unit.objects.get(code=A)
    assert a.name == "Phường Xuân Hương - Đà Lạt" and a.code == A
    old, new = UnitVersion.objects.filter(unit=a).order_by(F("valid_from").asc(nulls_first=True))
    assert (old.name, old.valid_until, new.name, new.valid_from) == ("Xã A", r.effective_on, a.name, r.effective_on)
    assert not Dossier.objects.filter(events__action="transfer").exists()


def test_dissolve_a_district_moves_its_communes_up(world, dossiers):
    district = _district(world)
    r = make("dissolve", {"unit": district.code})
    plan = reorganize.preview(r)
    assert plan.counts["open_dossiers"] == 0 and plan.counts["dossier_paths"] == 3
    reorganize.apply(r)
    a, district = Unit.objects.get(code=A), Unit.objects.get(pk=district.pk)
    assert a.parent_id == world.province.pk and a.path == f"{world.province.path}{a.pk}/"
    assert district.dissolved_on == r.effective_on and district.successor_id == world.province.pk
    assert set(Dossier.objects.filter(handling_unit=a).values_list("handling_path", flat=True)) == {a.path}
    assert set(svc.visible_dossiers(world.actor("specialist_a")).values_list("pk", flat=True)) >= set(
        dossiers["open_a"] + dossiers["finished_a"])


def test_split_sends_open_dossiers_to_the_primary_and_children_where_told(world, dossiers):
    t1 = {"code": "000.41.10.H39", "name": "Xã Bắc", "kind": "commune", "parent_code": "68"}
    t2 = {"code": "000.42.10.H39", "name": "Xã Nam", "kind": "commune", "parent_code": "68"}
    centre = world.commune_centres["a"].code
    r = make("split", {"source": A, "targets": [t1, t2], "primary_code": t2["code"], "children": {centre: t1["code"]}})
    reorganize.apply(r)
    north, south = Unit.objects.get(code=t1["code"]), Unit.objects.get(code=t2["code"])
    assert Unit.objects.get(code=centre).parent_id == north.pk
    assert set(Dossier.objects.filter(pk__in=dossiers["open_a"]).values_list("handling_unit_id", flat=True)) == {
        south.pk}
    assert set(UnitSuccession.objects.filter(predecessor__code=A).values_list("successor__code", "primary")) == {
        (t1["code"], False), (t2["code"], True)}
    assert Unit.objects.get(code=A).successor_id == south.pk
    assert verify(checkpoint=False).ok


def test_merge_provinces_moves_the_province_children_and_calendar_overrides(world, dossiers):
    from motcua.calendars.models import CalendarOverride

    other = Unit.objects.create(code="67", name="Tỉnh Đắk Nông", kind="province")
    commune = Unit.objects.create(code="000.51.10.H67", name="Xã Đắk Nông", kind="commune", parent=other)
    CalendarOverride.objects.create(province=other, date=date(2025, 9, 20), kind="working_day", name="Làm bù",
                                    decision="QĐ 1/2025")
    CalendarOverride.objects.create(province=other, date=date(2025, 1, 2), kind="holiday", name="Nghỉ",
                                    decision="QĐ 2/2024")
    r = make("merge_provinces", {"sources": ["67"], "target_code": "68"})
    assert reorganize.preview(r).counts["calendar_overrides"] == 1
    reorganize.apply(r)
    commune.refresh_from_db()
    assert commune.parent_id == world.province.pk and commune.path.startswith(world.province.path)
    assert Unit.objects.get(code="67").successor_id == world.province.pk
    assert CalendarOverride.objects.get(date=date(2025, 9, 20)).province_id == world.province.pk
    assert CalendarOverride.objects.get(date=date(2025, 1, 2)).province_id == other.pk  # history stays


def test_scheduled_reorganization_is_applied_by_the_job_on_its_date(world, dossiers):
    r = reorganize.create(kind="rename", decision_number="12/QĐ-UBND", decision_date=date(2025, 9, 1),
                          issuer="UBND tỉnh", effective_on=date(2025, 10, 1), spec={"unit": A, "name": "Phường A"})
    reorganize.schedule(r)
    assert reorganize.apply_due(date(2025, 9, 30)) == []
    assert Unit.objects.get(code=A).name == "Xã A"
    assert [x.pk for x in reorganize.apply_due(date(2025, 10, 1))] == [r.pk]
    assert Unit.objects.get(code=A).name == "Phường A"
    assert Reorganization.objects.get(pk=r.pk).status == "applied"
    assert reorganize.apply_due(date(2025, 10, 2)) == []
