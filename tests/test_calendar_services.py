"""Calendar services: a province's calendar is the national default plus its own declared days,
and declaring a day recomputes the due times of the province's open dossiers."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from motcua.calendars import services as cals
from motcua.calendars.models import CalendarOverride, CalendarSettings, CalendarSettingsVersion
from motcua.domain.errors import ValidationFailed
from motcua.dossiers import deadlines
from motcua.dossiers import services as svc
from motcua.dossiers.models import Dossier
from motcua.dossiers.recompute import recompute_open_dossiers
from motcua.units.choices import UnitKind
from motcua.units.models import Unit
from tests.factories import through_process

VN = ZoneInfo("Asia/Ho_Chi_Minh")
DECISION = "Quyết định 123/QĐ-UBND ngày 02/03/2026"


def at(value: str) -> datetime:
    return datetime.fromisoformat(value).replace(tzinfo=VN)


_BUMPS: dict[int, list[int]] = {}


@pytest.fixture(autouse=True)
def _count_revisions(monkeypatch: pytest.MonkeyPatch) -> None:
    """Revisions are random tokens (never reused after a rollback); count the bumps per province."""
    _BUMPS.clear()
    real = cals.bump_revision

    def counting(province_id: int) -> None:
        real(province_id)
        _BUMPS.setdefault(province_id, []).append(CalendarSettings.objects.get(province_id=province_id).revision)

    monkeypatch.setattr(cals, "bump_revision", counting)


def revision(province: Unit) -> int:
    """1 + the number of calendar changes of ``province`` (each with a distinct stored revision)."""
    bumps = _BUMPS.get(province.pk, [])
    current = CalendarSettings.objects.get(province=province).revision
    assert not bumps or bumps[-1] == current
    return 1 + len(bumps)


def received(world, clock, when: str, commune: str = "a") -> Dossier:  # noqa: ANN001
    """A dossier received at the commune counter at ``when`` (1 working day limit)."""
    clock.set(when)
    return svc.intake(world.actor(f"counter_{commune}"), world.intake_request(commune))


# ---- building the calendar ---------------------------------------------------------------------

def test_calendar_for_builds_the_national_default(world):
    cal = cals.calendar_for(world.province.pk)
    assert revision(world.province) == 1
    assert not cal.is_working_day(date(2025, 1, 29))  # Tết 2025
    assert cal.is_working_day(date(2025, 4, 26))  # make-up Saturday
    assert not cal.is_working_day(date(2025, 5, 2))  # its substituted day off
    assert cal.is_working_day(date(2026, 8, 22)) and not cal.is_working_day(date(2026, 8, 31))
    assert not cal.is_working_day(date(2026, 9, 2))
    assert cal.cutoff == time(15, 0)
    assert cal.office_hours.periods == ((time(7, 30), time(11, 30)), (time(13, 0), time(17, 0)))
    days_off, workdays = cals.national_default()
    assert cal.holidays == frozenset(days_off) and cal.extra_working_days == frozenset(workdays)
    assert cals.calendar_for(world.province.pk) is cal  # cached while the revision is unchanged


def test_settings_take_effect_from_their_date_with_a_new_revision(world, clock):
    clock.set("2026-03-09 09:00")
    before = cals.calendar_for(world.province.pk)
    CalendarSettingsVersion.objects.create(province=world.province, effective_from=date(2026, 3, 10),
                                           cutoff_enabled=False, cutoff=time(16, 0), decision=DECISION)
    assert cals.calendar_for(world.province.pk) is before  # not yet: same revision
    cals.bump_revision(world.province.pk)
    after = cals.calendar_for(world.province.pk)
    assert after is not before and after.era_on(date(2026, 3, 10)).cutoff is None
    assert after.era_on(date(2026, 3, 9)).cutoff == time(15, 0)  # the day before keeps its rules
    assert after.due(at("2026-03-10 15:30"), 8 * 3600) == at("2026-03-11 15:30")
    assert after.due(at("2026-03-09 15:30"), 8 * 3600) == at("2026-03-10 17:00")


# ---- declaring a day off -----------------------------------------------------------------------

def test_declared_holiday_moves_open_dossiers_and_leaves_finished_ones(world, clock):
    finished = received(world, clock, "2026-03-10 08:00")
    svc.start(world.actor("counter_a"), finished.pk)
    clock.set("2026-03-10 10:00")
    through_process(world, finished.pk)  # every required step, the result attached and approved
    finished = svc.finish(world.actor("leader_a"), finished.pk)
    assert (finished.due_at, finished.verdict) == (at("2026-03-11 08:00"), "early")

    open_ = received(world, clock, "2026-03-10 09:00")
    assert open_.due_at == at("2026-03-11 09:00")
    processing = received(world, clock, "2026-03-10 09:30")
    svc.start(world.actor("counter_a"), processing.pk)
    waiting = received(world, clock, "2026-03-10 09:45")
    svc.request_supplement(world.actor("counter_a"), waiting.pk, "Thiếu giấy chứng sinh")
    resumed = received(world, clock, "2026-03-10 09:50")
    svc.start(world.actor("counter_a"), resumed.pk)
    clock.set("2026-03-10 10:00")
    svc.request_supplement(world.actor("specialist_a"), resumed.pk, "Thiếu giấy chứng sinh")
    clock.set("2026-03-10 11:00")
    resumed = svc.supplement(world.actor("counter_a"), resumed.pk)
    assert resumed.due_at == at("2026-03-11 10:50")  # 1 h paused
    online = svc.intake(world.actor("counter_a"), world.intake_request(channel=2))  # NEW: no clock yet

    override = cals.declare_day(world.province.pk, date(2026, 3, 11), "holiday", "Nghỉ lễ của tỉnh", DECISION)

    assert (override.kind, override.decision) == ("holiday", DECISION)
    assert revision(world.province) == 2
    assert not cals.calendar_for(world.province.pk).is_working_day(date(2026, 3, 11))
    expected = {open_.pk: "2026-03-12 09:00", processing.pk: "2026-03-12 09:30",
                waiting.pk: "2026-03-12 09:45", resumed.pk: "2026-03-12 10:50"}
    for pk, due in expected.items():
        d = Dossier.objects.get(pk=pk)
        assert d.due_at == at(due), d.code
        assert d.appointment_at == at(due)
    open_after = Dossier.objects.get(pk=open_.pk)
    assert open_after.row_version == open_.row_version + 1
    finished_after = Dossier.objects.get(pk=finished.pk)
    assert (finished_after.due_at, finished_after.verdict) == (at("2026-03-11 08:00"), "early")
    assert finished_after.row_version == finished.row_version
    assert Dossier.objects.get(pk=online.pk).due_at is None


def test_recomputed_due_times_match_a_fresh_refresh(world, clock):
    dossiers = [received(world, clock, "2026-03-06 14:00")]  # Friday: due Monday 09/03, untouched
    dossiers += [received(world, clock, f"2026-03-10 {h}") for h in ("08:10", "14:59", "15:00", "16:45")]
    cals.declare_day(world.province.pk, date(2026, 3, 11), "holiday", "Nghỉ", DECISION)
    cals.declare_day(world.province.pk, date(2026, 3, 12), "holiday", "Nghỉ", DECISION)
    for d in dossiers:
        stored = Dossier.objects.select_related("version").get(pk=d.pk)
        fresh = Dossier.objects.select_related("version").get(pk=d.pk)
        deadlines.refresh(fresh)
        assert stored.due_at == fresh.due_at
    got = [Dossier.objects.get(pk=d.pk).due_at for d in dossiers]
    assert got == [at("2026-03-09 14:00"), at("2026-03-13 08:10"), at("2026-03-13 14:59"), at("2026-03-13 15:00"),
                   at("2026-03-13 17:00")]


def test_working_saturday_makes_it_a_working_day(world, clock):
    d = received(world, clock, "2026-03-13 09:00")  # Friday
    assert d.due_at == at("2026-03-16 09:00")
    cals.declare_day(world.province.pk, date(2026, 3, 14), "working_day", "Làm bù", DECISION)
    cal = cals.calendar_for(world.province.pk)
    assert cal.is_working_day(date(2026, 3, 14))
    assert Dossier.objects.get(pk=d.pk).due_at == at("2026-03-14 09:00")
    # that Saturday's working hours now count, and so does its afternoon cut-off
    assert received(world, clock, "2026-03-14 10:00").due_at == at("2026-03-16 10:00")
    late = received(world, clock, "2026-03-14 15:30")
    assert late.due_at == at("2026-03-16 17:00")


def test_override_wins_over_the_national_default(world, clock):
    clock.set("2026-03-01 09:00")
    cals.declare_day(world.province.pk, date(2026, 11, 24), "working_day", "Làm việc", DECISION)
    cals.declare_day(world.province.pk, date(2026, 8, 22), "holiday", "Không làm bù", DECISION)
    cal = cals.calendar_for(world.province.pk)
    assert cal.is_working_day(date(2026, 11, 24))
    assert not cal.is_working_day(date(2026, 8, 22))
    assert revision(world.province) == 3


def test_redeclaring_a_day_replaces_its_override(world, clock):
    d = received(world, clock, "2026-03-10 09:00")
    cals.declare_day(world.province.pk, date(2026, 3, 11), "holiday", "Nghỉ", DECISION)
    assert Dossier.objects.get(pk=d.pk).due_at == at("2026-03-12 09:00")
    cals.declare_day(world.province.pk, date(2026, 3, 11), "working_day", "Đính chính", "Quyết định 124/QĐ-UBND")
    assert CalendarOverride.objects.filter(province=world.province).count() == 1
    assert CalendarOverride.objects.get(province=world.province).decision == "Quyết định 124/QĐ-UBND"
    assert Dossier.objects.get(pk=d.pk).due_at == at("2026-03-11 09:00")
    assert revision(world.province) == 3


def test_declaring_without_recompute_leaves_due_times_until_recomputed(world, clock):
    d = received(world, clock, "2026-03-10 09:00")
    cals.declare_day(world.province.pk, date(2026, 3, 11), "holiday", "Nghỉ", DECISION, recompute=False)
    assert revision(world.province) == 2
    assert Dossier.objects.get(pk=d.pk).due_at == at("2026-03-11 09:00")
    result = recompute_open_dossiers(world.province.pk)
    assert (result.scanned, result.changed) == (1, 1)
    assert Dossier.objects.get(pk=d.pk).due_at == at("2026-03-12 09:00")
    again = recompute_open_dossiers(world.province.pk)
    assert (again.scanned, again.changed) == (1, 0)


def test_another_province_is_not_affected(world, clock):
    other = Unit.objects.create(code="01", name="Thành phố Hà Nội", kind=UnitKind.PROVINCE)
    d = received(world, clock, "2026-03-10 09:00")
    cals.declare_day(other.pk, date(2026, 3, 11), "holiday", "Nghỉ", DECISION)
    assert not cals.calendar_for(other.pk).is_working_day(date(2026, 3, 11))
    assert cals.calendar_for(world.province.pk).is_working_day(date(2026, 3, 11))
    assert revision(world.province) == 1
    assert Dossier.objects.get(pk=d.pk).due_at == at("2026-03-11 09:00")


# ---- refusals ----------------------------------------------------------------------------------

@pytest.mark.parametrize("decision", ["", "   "])
def test_decision_is_required(world, clock, decision):
    d = received(world, clock, "2026-03-10 09:00")
    cals.calendar_for(world.province.pk)
    with pytest.raises(ValidationFailed) as exc:
        cals.declare_day(world.province.pk, date(2026, 3, 11), "holiday", "Nghỉ", decision)
    assert "decision" in exc.value.fields
    assert not CalendarOverride.objects.exists()
    assert revision(world.province) == 1
    assert cals.calendar_for(world.province.pk).is_working_day(date(2026, 3, 11))
    assert Dossier.objects.get(pk=d.pk).due_at == at("2026-03-11 09:00")


@pytest.mark.parametrize("kind", ["vacation", "", "HOLIDAY", "working day"])
def test_unknown_kind_is_rejected_and_nothing_written(world, clock, kind):
    d = received(world, clock, "2026-03-10 09:00")
    cals.calendar_for(world.province.pk)
    with pytest.raises(ValidationFailed) as exc:
        cals.declare_day(world.province.pk, date(2026, 3, 11), kind, "Nghỉ", DECISION)
    assert "kind" in exc.value.fields
    assert not CalendarOverride.objects.exists()
    assert revision(world.province) == 1
    assert cals.calendar_for(world.province.pk).is_working_day(date(2026, 3, 11))
    assert Dossier.objects.get(pk=d.pk).due_at == at("2026-03-11 09:00")
    assert Dossier.objects.get(pk=d.pk).row_version == d.row_version
