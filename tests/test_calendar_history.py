"""The calendar is a history: a change applies from tomorrow on, so a finished dossier never
changes verdict (stored row, verdict API, "why" page, figures), a day that has begun cannot be
declared, edited or withdrawn, and a supplement asked before receipt does not break recompute."""

from __future__ import annotations

from datetime import date, datetime, time
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command

from motcua.calendars import services as cals
from motcua.calendars.models import CalendarOverride, CalendarSettingsVersion
from motcua.domain.errors import ValidationFailed
from motcua.dossiers import services as svc
from motcua.dossiers.models import Dossier
from tests.api.conftest import ApiHelper
from tests.factories import through_process

VN = ZoneInfo("Asia/Ho_Chi_Minh")
DECISION = "Quyết định 200/QĐ-UBND ngày 12/03/2026"
MONTH = {"start": "2026-03-01", "end": "2026-03-31"}


@pytest.fixture
def api(world, client_of) -> ApiHelper:  # noqa: ANN001
    return ApiHelper(world, client_of)


def at(value: str) -> datetime:
    return datetime.fromisoformat(value).replace(tzinfo=VN)


def finished_on_time(world, clock) -> Dossier:  # noqa: ANN001
    """Received Tue 10/03 15:30 (after the 15:00 cut-off: counts from Wed), 1 working day,
    finished Wed 11/03 16:30: on time by the rules in force (due Wed 17:00); with a 16:00 cut-off
    it would have been due Wed 15:30 and late by 1 hour."""
    clock.set("2026-03-10 15:30")
    d = svc.intake(world.actor("counter_a"), world.intake_request("a"))
    svc.start(world.actor("counter_a"), d.pk)
    clock.set("2026-03-11 16:30")
    through_process(world, d.pk)  # every required step, the result attached and approved
    d = svc.finish(world.actor("leader_a"), d.pk)
    assert (d.due_at, d.verdict, d.late_seconds) == (at("2026-03-11 17:00"), "on_time", 0)
    return d


def snapshot(api, client_of, d: Dossier) -> dict:  # noqa: ANN001
    c = client_of("admin")
    row = Dossier.objects.get(pk=d.pk)
    verdict = api.get(c, f"/dossiers/{d.pk}/verdict")
    why = api.get(c, f"/reports/dossiers/{d.pk}/why", **MONTH)
    figures = api.get(c, "/reports/figures", unit="68", **MONTH)
    assert (verdict.status_code, why.status_code, figures.status_code) == (200, 200, 200), \
        (verdict.content[:300], why.content[:300], figures.content[:300])
    # a running month is judged as of now: the instant moves with the clock, the figures must not
    judged = [{k: v for k, v in r.json().items() if k != "as_of"} for r in (why, figures)]
    return {"row": (row.due_at, row.verdict, row.late_seconds), "verdict": verdict.json(),
            "why": judged[0], "figures": judged[1]}


def test_moving_the_cutoff_from_tomorrow_leaves_a_finished_dossier_on_time(api, world, client_of, clock):
    d = finished_on_time(world, clock)
    before = snapshot(api, client_of, d)
    assert before["verdict"]["category"] == "on_time"

    clock.set("2026-03-12 09:00")
    r = api.post(client_of("admin"), "/calendars/68/settings",
                 {"effective_from": "2026-03-13", "cutoff": "16:00", "decision": DECISION})
    assert r.status_code == 201, r.content
    assert r.json()["cutoff"] == "16:00:00" and r.json()["effective_from"] == "2026-03-13"

    assert snapshot(api, client_of, d) == before
    # the new cut-off rules the days from its date: received Fri 13/03 at 15:30 counts that day
    clock.set("2026-03-13 15:30")
    later = svc.intake(world.actor("counter_a"), world.intake_request("a"))
    assert later.due_at == at("2026-03-16 15:30")
    # ... and the versions are listed, the first one being the calendar's default since 2010
    versions = api.get(client_of("admin"), "/calendars/68/settings").json()
    assert [(v["effective_from"], v["cutoff"]) for v in versions] == [
        ("2010-01-01", "15:00:00"), ("2026-03-13", "16:00:00")]


@pytest.mark.parametrize("effective_from", ["2026-03-12", "2026-03-11", "2025-01-01"])
def test_a_settings_change_dated_today_or_earlier_is_refused(api, world, client_of, clock, effective_from):
    d = finished_on_time(world, clock)
    before = snapshot(api, client_of, d)
    clock.set("2026-03-12 09:00")
    r = api.post(client_of("admin"), "/calendars/68/settings",
                 {"effective_from": effective_from, "cutoff": "16:00", "decision": DECISION})
    body = api.error(r, 422, "validation_error", ("effective_from",))
    assert "ngày mai" in body["fields"]["effective_from"]
    assert not CalendarSettingsVersion.objects.exists()
    assert snapshot(api, client_of, d) == before


@pytest.mark.parametrize("day", ["2026-03-12", "2026-03-11", "2026-03-10"])
def test_declaring_a_day_that_has_begun_or_passed_is_refused_and_changes_nothing(api, world, client_of, clock, day):
    d = finished_on_time(world, clock)
    before = snapshot(api, client_of, d)
    clock.set("2026-03-12 09:00")
    r = api.post(client_of("admin"), "/calendars/68/overrides",
                 {"date": day, "kind": "holiday", "name": "Nghỉ đột xuất", "decision": DECISION})
    api.error(r, 422, "validation_error", ("date",))
    assert not CalendarOverride.objects.exists()
    assert snapshot(api, client_of, d) == before
    assert cals.calendar_for(world.province.pk).is_working_day(date.fromisoformat(day))


def test_bad_office_hours_are_refused_field_by_field(api, world, client_of, clock):
    clock.set("2026-03-12 09:00")
    r = api.post(client_of("admin"), "/calendars/68/settings",
                 {"effective_from": "2026-03-20", "morning_end": "14:00", "decision": DECISION})
    api.error(r, 422, "validation_error", ("afternoon_start",))  # the morning now runs past 13:00
    r = api.post(client_of("admin"), "/calendars/68/settings",
                 {"effective_from": "2026-03-20", "cutoff": "16:00", "decision": "  "})
    api.error(r, 422, "validation_error", ("decision",))
    api.error(api.post(client_of("counter_a"), "/calendars/68/settings",
                       {"effective_from": "2026-03-20", "cutoff": "16:00", "decision": DECISION}), 403)
    assert not CalendarSettingsVersion.objects.exists()


def test_a_future_override_records_who_and_may_be_withdrawn_until_its_day(world, clock):
    clock.set("2026-03-12 09:00")
    admin = world.users["admin"]
    change = cals.declare(world.province.pk, date(2026, 3, 20), "holiday", "Nghỉ", DECISION, by=admin)
    o = change.obj
    assert (o.created_by, o.decision) == (admin, DECISION) and o.created_at is not None
    clock.set("2026-03-20 08:00")  # its day has begun: it is history now
    with pytest.raises(ValidationFailed) as exc:
        cals.withdraw_day(o)
    assert "date" in exc.value.fields
    with pytest.raises(ValidationFailed):
        cals.declare(world.province.pk, date(2026, 3, 20), "working_day", "Đính chính", DECISION)
    assert CalendarOverride.objects.get().kind == "holiday"
    clock.set("2026-03-12 09:00")
    o2 = cals.declare(world.province.pk, date(2026, 3, 25), "holiday", "Nghỉ", DECISION).obj
    cals.withdraw_day(o2)
    assert list(CalendarOverride.objects.values_list("date", flat=True)) == [date(2026, 3, 20)]


def test_a_future_settings_version_is_edited_in_place_and_a_past_one_is_kept(world, clock):
    clock.set("2026-03-12 09:00")
    first = cals.change_settings(world.province.pk, date(2026, 4, 1), DECISION, cutoff=time(16, 0)).obj
    again = cals.change_settings(world.province.pk, date(2026, 4, 1), DECISION, cutoff=time(16, 30)).obj
    assert first.pk == again.pk and CalendarSettingsVersion.objects.get().cutoff == time(16, 30)
    clock.set("2026-04-01 07:00")
    with pytest.raises(ValidationFailed):
        cals.withdraw_version(again)
    with pytest.raises(ValidationFailed):
        cals.change_settings(world.province.pk, date(2026, 4, 1), DECISION, cutoff=time(15, 0))
    assert cals.calendar_for(world.province.pk).era_on(date(2026, 4, 1)).cutoff == time(16, 30)


# ---- item 10: a supplement asked for before receipt -------------------------------------------

def test_a_supplement_requested_before_receipt_does_not_break_declaring_a_day(api, world, client_of, clock):
    clock.set("2026-03-10 09:00")
    d = api.intake("citizen", channel=2, components=[])
    assert api.act("counter_a", d["id"], "request-supplement", reason="Thiếu tờ khai")["status"] == 5
    received = api.intake("counter_a")
    r = api.post(client_of("admin"), "/calendars/68/overrides",
                 {"date": "2026-03-11", "kind": "holiday", "name": "Nghỉ", "decision": DECISION})
    assert r.status_code == 201, r.content
    assert (r.json()["open_dossiers"], r.json()["changed_due"]) == (1, 1)  # the received one only
    assert Dossier.objects.get(pk=d["id"]).due_at is None
    assert Dossier.objects.get(pk=received["id"]).due_at == at("2026-03-12 09:00")

    out = StringIO()
    call_command("recompute_due", stdout=out)
    assert "1 open, 0 changed" in out.getvalue()
