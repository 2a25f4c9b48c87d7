"""The national calendar follows the government's official schedules for state agencies, day by
day for 2024, 2025 and 2026; a library day without a confirmed legal basis waits for an
administrator instead of being used."""

from __future__ import annotations

from datetime import date, timedelta

import holidays
import pytest

from motcua.calendars import national
from motcua.calendars import services as cals
from motcua.calendars.models import NationalEntry, NationalEntryStatus
from motcua.domain.errors import ValidationFailed

# The official schedule of each year: weekdays off and make-up Saturdays; every other weekday is
# worked and every other Saturday and Sunday is off.
OFFICIAL = {
    2024: {
        "off": ["01/01", "08/02", "09/02", "12/02", "13/02", "14/02",  # Tết Giáp Thìn (8662/VPCP-KGVX)
                "18/04",  # Hùng Kings
                "29/04", "30/04", "01/05",  # 29/04 moved to Saturday 04/05 (2450/VPCP-KGVX, 12/04/2024)
                "02/09", "03/09"],
        "work": ["04/05"],
    },
    2025: {
        "off": ["01/01", "27/01", "28/01", "29/01", "30/01", "31/01",  # Tết Ất Tỵ (8726/VPCP-KGVX, 26/11/2024)
                "07/04",
                "30/04", "01/05", "02/05",  # 02/05 moved to Saturday 26/04
                "01/09", "02/09"],
        "work": ["26/04"],
    },
    2026: {
        "off": ["01/01", "02/01",  # 02/01 moved to Saturday 10/01 (12729/VPCP-KGVX, 25/12/2025)
                "16/02", "17/02", "18/02", "19/02", "20/02",  # Tết Bính Ngọ (9441/TB-BNV, 16/10/2025)
                "27/04",  # Hùng Kings falls on Sunday 26/04: the next working day off
                "30/04", "01/05",
                "31/08", "01/09", "02/09"],  # 31/08 moved to Saturday 22/08 (unconfirmed text)
        "work": ["10/01", "22/08"],
    },
}


def _days(year: int, items: list[str]) -> set[date]:
    return {date(year, int(m), int(d)) for d, m in (s.split("/") for s in items)}


@pytest.fixture(scope="module")
def cal():  # noqa: ANN201
    from motcua.domain.workcal import WorkingCalendar

    days_off, workdays = cals.national_default()
    return WorkingCalendar(holidays=frozenset(days_off), extra_working_days=frozenset(workdays))


@pytest.mark.parametrize("year", sorted(OFFICIAL))
def test_every_day_of_the_year_follows_the_official_schedule(cal, year):  # noqa: ANN001
    off, work = _days(year, OFFICIAL[year]["off"]), _days(year, OFFICIAL[year]["work"])
    d, wrong = date(year, 1, 1), []
    while d.year == year:
        expected = d in work or (d.weekday() < 5 and d not in off)
        if cal.is_working_day(d) is not expected:
            wrong.append((d.isoformat(), expected))
        d += timedelta(days=1)
    assert wrong == []


def test_the_official_text_wins_over_the_library():
    vn = holidays.country_holidays("VN", years=2026)
    assert date(2026, 1, 2) not in vn and vn.is_working_day(date(2026, 1, 2))  # what the library says
    assert not vn.is_working_day(date(2026, 1, 10))
    days_off, workdays = cals.national_default()
    assert date(2026, 1, 2) in days_off and date(2026, 1, 10) in workdays


def test_the_data_records_the_library_version_it_was_checked_against():
    data = national.official_data()
    assert data["holidays_package"] == holidays.__version__
    for year in (2024, 2025, 2026):
        for e in national.official_entries()[year]:
            assert e.basis, e  # every entry names its legal basis
    confirmed = {e.basis for y in (2024, 2025, 2026) for e in national.official_entries()[y] if e.confirmed}
    assert "12729/VPCP-KGVX ngày 25/12/2025 (Văn phòng Chính phủ)" in confirmed
    assert "2450/VPCP-KGVX ngày 12/04/2024 (Văn phòng Chính phủ)" in confirmed


def test_a_library_day_without_official_basis_waits_for_an_administrator(db):  # noqa: ANN001
    pending = {(e.date, e.source) for e in national.candidates(cals.FIRST_YEAR, cals.LAST_YEAR)}
    assert (date(2026, 11, 24), "library") in pending  # "Vietnam Cultural Day"
    assert (date(2026, 8, 31), "official") in pending  # official entry whose text is unchecked
    assert not any(d.year in (2024, 2025) for d, _ in pending)  # library and official schedules agree
    days_off, _ = cals.national_default()
    assert date(2026, 11, 24) not in days_off  # not used while unconfirmed
    assert date(2026, 8, 31) in days_off  # an official entry applies until rejected
    assert cals.sync_national_entries() >= 2
    assert cals.sync_national_entries() == 0  # idempotent
    assert NationalEntry.objects.get(date=date(2026, 11, 24)).status == NationalEntryStatus.PENDING


def test_the_administrator_confirms_or_rejects_a_future_entry(world, clock):  # noqa: ANN001
    clock.set("2026-11-02 09:00")
    cals.sync_national_entries()
    p = world.province.pk
    assert cals.calendar_for(p).is_working_day(date(2026, 11, 24))
    entry = NationalEntry.objects.get(date=date(2026, 11, 24))
    changes = cals.decide_national(entry, True, "Nghị quyết xác nhận (thử nghiệm)", by=world.users["admin"])
    assert len(changes) == 1 and changes[0].recomputed
    assert not cals.calendar_for(p).is_working_day(date(2026, 11, 24))
    entry.refresh_from_db()
    assert (entry.status, entry.decided_by) == (NationalEntryStatus.CONFIRMED, world.users["admin"])
    cals.decide_national(entry, False, "Đính chính", by=world.users["admin"])
    assert cals.calendar_for(p).is_working_day(date(2026, 11, 24))


def test_an_entry_whose_day_has_passed_cannot_be_decided(world, clock):  # noqa: ANN001
    clock.set("2026-12-02 09:00")
    cals.sync_national_entries()
    entry = NationalEntry.objects.get(date=date(2026, 11, 24))
    with pytest.raises(ValidationFailed):
        cals.decide_national(entry, True, "Quá hạn")
    entry.refresh_from_db()
    assert entry.status == NationalEntryStatus.PENDING
    assert cals.calendar_for(world.province.pk).is_working_day(date(2026, 11, 24))
