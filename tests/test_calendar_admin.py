"""The calendar admin: dates typed the Vietnamese way (dd/mm/yyyy) mean that day, a change says how
many open dossiers changed due time (and warns when none did or it has no effect), a day that has
begun is refused, and only provinces still in existence can be chosen."""

from __future__ import annotations

from datetime import date, time

import pytest
from django.contrib.auth import get_user_model
from django.contrib.messages import get_messages
from django.test import Client

from motcua.calendars.models import CalendarOverride, CalendarSettingsVersion
from motcua.dossiers import services as svc
from motcua.units.choices import UnitKind
from motcua.units.models import Unit

ADD_OVERRIDE = "/admin/calendars/calendaroverride/add/"
ADD_VERSION = "/admin/calendars/calendarsettingsversion/add/"


@pytest.fixture
def admin_client(world, clock) -> Client:  # noqa: ANN001
    clock.set("2026-12-02 09:00")  # a Wednesday
    user = get_user_model().objects.create_superuser("root", "root@example.org", "x-Strong-Pass-1")
    c = Client()
    c.force_login(user)
    return c


def _messages(resp) -> list[tuple[str, str]]:  # noqa: ANN001
    return [(m.level_tag, str(m)) for m in get_messages(resp.wsgi_request)]


def override(world, day: str, **over) -> dict:  # noqa: ANN001, ANN003
    return {"province": world.province.pk, "date": day, "kind": "holiday", "name": "Nghỉ đột xuất",
            "decision": "Quyết định 9/QĐ-UBND ngày 01/12/2026", **over}


def test_a_vietnamese_date_is_that_day_and_the_counts_are_reported(admin_client, world):  # noqa: ANN001
    d = svc.intake(world.actor("counter_a"), world.intake_request("a"))  # due Thu 03/12 09:00
    r = admin_client.post(ADD_OVERRIDE, override(world, "04/12/2026"))
    assert r.status_code == 302, r.content.decode()[:2000]
    assert CalendarOverride.objects.get().date == date(2026, 12, 4)  # not 12 April
    msgs = _messages(r)
    assert ("warning", "Không hồ sơ đang mở nào thay đổi hạn xử lý (1 hồ sơ đang mở).") in msgs

    r = admin_client.post(ADD_OVERRIDE, override(world, "03/12/2026"))
    assert r.status_code == 302
    assert ("success", "Đã tính lại hạn xử lý: 1 hồ sơ đang mở, 1 hồ sơ thay đổi hạn.") in _messages(r)
    d.refresh_from_db()
    assert d.due_at.date() == date(2026, 12, 7)  # Thu 03 and Fri 04 off: Monday
    listing = admin_client.get("/admin/calendars/calendaroverride/").content.decode()
    assert "04/12/2026" in listing and "03/12/2026" in listing


def test_a_change_without_effect_says_so(admin_client, world):  # noqa: ANN001
    r = admin_client.post(ADD_OVERRIDE, override(world, "05/12/2026"))  # a Saturday: already off
    assert r.status_code == 302
    assert ("warning", "Thay đổi này không có tác dụng: lịch làm việc không đổi.") in _messages(r)


@pytest.mark.parametrize("day", ["02/12/2026", "01/12/2026"])
def test_a_day_that_has_begun_or_passed_is_refused(admin_client, world, day):  # noqa: ANN001
    r = admin_client.post(ADD_OVERRIDE, override(world, day))
    assert r.status_code == 200
    assert "Chỉ khai báo cho ngày từ ngày mai trở đi" in r.content.decode()
    assert not CalendarOverride.objects.exists()


def test_a_past_override_cannot_be_edited_or_deleted(admin_client, world, clock):  # noqa: ANN001
    admin_client.post(ADD_OVERRIDE, override(world, "04/12/2026"))
    o = CalendarOverride.objects.get()
    clock.set("2026-12-05 09:00")
    r = admin_client.post(f"/admin/calendars/calendaroverride/{o.pk}/change/",
                          {"kind": "working_day", "name": "Đính chính", "decision": "QĐ 10"})
    assert r.status_code == 200 and "Chỉ khai báo cho ngày từ ngày mai trở đi" in r.content.decode()
    assert admin_client.post(f"/admin/calendars/calendaroverride/{o.pk}/delete/", {"post": "yes"}).status_code == 403
    o.refresh_from_db()
    assert o.kind == "holiday"


def test_only_provinces_still_in_existence_are_offered(admin_client, world):  # noqa: ANN001
    dissolved = Unit.objects.create(code="99", name="Tỉnh đã sáp nhập", kind=UnitKind.PROVINCE,
                                    dissolved_on=date(2025, 7, 1))
    district = Unit.objects.create(code="68.1", name="Huyện Di Linh (cũ)", kind=UnitKind.DISTRICT,
                                   parent=world.province, dissolved_on=date(2025, 7, 1))
    form = admin_client.get(ADD_OVERRIDE).context["adminform"].form
    offered = {pk for pk, _ in form.fields["province"].choices if pk}
    assert {int(str(pk)) for pk in offered} == {world.province.pk}
    for unit in (world.communes["a"], dissolved, district,
                 Unit.objects.filter(kind=UnitKind.AGENCY).first()):
        r = admin_client.post(ADD_OVERRIDE, override(world, "04/12/2026", province=unit.pk))
        assert r.status_code == 200 and "province" in r.context["adminform"].form.errors, unit
    assert not CalendarOverride.objects.exists()


def test_office_hours_change_from_a_typed_date(admin_client, world):  # noqa: ANN001
    body = {"province": world.province.pk, "effective_from": "04/12/2026", "morning_start": "07:30",
            "morning_end": "11:30", "afternoon_start": "13:00", "afternoon_end": "17:00",
            "cutoff_enabled": "on", "cutoff": "16:00", "decision": "Quyết định 11/QĐ-UBND"}
    r = admin_client.post(ADD_VERSION, body)
    assert r.status_code == 302, r.content.decode()[:2000]
    v = CalendarSettingsVersion.objects.get()
    assert (v.effective_from, v.cutoff) == (date(2026, 12, 4), time(16, 0))
    r = admin_client.post(ADD_VERSION, {**body, "effective_from": "07/12/2026"})  # same values again
    assert ("warning", "Thay đổi này không có tác dụng: lịch làm việc không đổi.") in _messages(r)
    r = admin_client.post(ADD_VERSION, {**body, "effective_from": "02/12/2026"})
    assert r.status_code == 200 and "Chỉ khai báo cho ngày từ ngày mai trở đi" in r.content.decode()
    assert CalendarSettingsVersion.objects.count() == 2


def test_national_entries_awaiting_confirmation_are_listed_and_a_past_one_cannot_be_decided(admin_client, clock):  # noqa: ANN001
    from motcua.calendars.models import NationalEntry

    listing = admin_client.get("/admin/calendars/nationalentry/").content.decode()
    assert "24/11/2026" in listing and "Vietnam Cultural Day" in listing
    entry = NationalEntry.objects.get(date=date(2026, 11, 24))
    r = admin_client.post(f"/admin/calendars/nationalentry/{entry.pk}/change/",
                          {"status": "confirmed", "decision": "Nghị quyết (thử)"})
    assert r.status_code == 200 and "Chỉ khai báo cho ngày từ ngày mai trở đi" in r.content.decode()
    entry.refresh_from_db()
    assert entry.status == "pending"
    # a future one is confirmed through the same form, and then applies
    clock.set("2026-11-02 09:00")
    r = admin_client.post(f"/admin/calendars/nationalentry/{entry.pk}/change/",
                          {"status": "confirmed", "decision": "Nghị quyết (thử)"})
    assert r.status_code == 302, r.content.decode()[:1500]
    entry.refresh_from_db()
    assert entry.status == "confirmed" and entry.decided_by is not None
