"""Where the rules of a dossier show: the office and portal dossier pages, the API's dossier detail; and
the rules data as the one source of the Decision 766 weights' dates and the calendar's default cut-off."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, time

import pytest

from motcua.calendars import services as calendars
from motcua.domain import rules, rules_data
from motcua.dossiers import services as svc
from motcua.dossiers.models import Dossier
from motcua.reports import index766 as idx
from motcua.reports.services import period_of
from motcua.rules.services import receipt_day, rules_at, rules_of

pytestmark = pytest.mark.django_db

NEW = "Giải quyết theo Nghị định 118/2025/NĐ-CP"
OLD = "Giải quyết theo Nghị định 61/2018/NĐ-CP (sửa đổi, bổ sung bởi Nghị định 107/2021/NĐ-CP)"


def _received(desk, clock, when: str) -> Dossier:  # noqa: ANN001
    clock.set(when)
    return desk.received()


def test_the_office_and_portal_pages_say_which_decree_judges_the_dossier(desk, clock, client_of) -> None:  # noqa: ANN001
    old = _received(desk, clock, "2025-06-30 10:00")
    new = _received(desk, clock, "2025-07-01 10:00")
    clock.set("2025-07-02 09:00")
    for d, line, key in ((old, OLD, "nd107-2021"), (new, NEW, "nd118-2025")):
        office = client_of("counter_a").get(f"/office/dossiers/{d.pk}/").content.decode()
        portal = client_of("citizen").get(f"/portal/dossiers/{d.pk}/").content.decode()
        for html in (office, portal):
            assert line in html and f'data-rules="{key}"' in html
        other = NEW if line == OLD else OLD
        assert other not in office and other not in portal


def test_the_english_page_names_the_decree_in_english(desk, clock, client_of) -> None:  # noqa: ANN001
    d = _received(desk, clock, "2025-07-01 10:00")
    c = client_of("counter_a")
    c.cookies["django_language"] = "en"
    html = c.get(f"/office/dossiers/{d.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Decree 118/2025/ND-CP" in html


def test_the_api_returns_the_rule_set_key(desk, clock, client_of) -> None:  # noqa: ANN001
    old = _received(desk, clock, "2025-06-30 23:59:59")
    new = _received(desk, clock, "2025-07-01 00:00:00")
    c = client_of("specialist_a")
    assert c.get(f"/api/v1/dossiers/{old.pk}").json()["rules"] == "nd107-2021"
    assert c.get(f"/api/v1/dossiers/{new.pk}").json()["rules"] == "nd118-2025"
    listed = {d["id"]: d["rules"] for d in c.get("/api/v1/dossiers").json()["items"]}
    assert listed == {old.pk: "nd107-2021", new.pk: "nd118-2025"}
    schema = c.get("/api/v1/openapi.json").json()["components"]["schemas"]["DossierOut"]["properties"]
    assert "rules" in schema and "receipt date" in schema["rules"]["description"]


def test_a_dossier_not_yet_received_shows_the_rules_of_its_submission(desk, clock) -> None:  # noqa: ANN001
    clock.set("2025-06-30 16:00")  # sent with the components the catalog version of July asks for
    names = ("Tờ khai đăng ký khai sinh", "Giấy chứng sinh")
    parts = [svc.ComponentInput(name=n, originals=1, copies=0) for n in names]
    d = svc.intake(desk.actor("counter_a"), desk.world.intake_request("a", 2, components=parts))
    assert d.received_at is None and receipt_day(d) == date(2025, 6, 30) and rules_of(d).key == "nd107-2021"
    clock.set("2025-07-01 08:00")
    d = svc.receive(desk.actor("counter_a"), d.pk)  # received under the new rules: it takes theirs for good
    assert rules_of(d).key == "nd118-2025"
    assert rules_at(d.received_at).key == "nd118-2025"


def test_the_766_weights_are_dated_by_the_rules_registry(monkeypatch: pytest.MonkeyPatch) -> None:
    june_2022 = period_of(date(2022, 6, 1), date(2022, 6, 22))
    assert idx.version_for(period_of(date(2025, 7, 1), date(2025, 7, 31))).version == "2025"
    with pytest.raises(LookupError):
        idx.version_for(june_2022)
    # moving the date in the registry moves the index; the file's own date must then agree
    moved = (replace(rules_data.INDEX766[0], effective_from=date(2022, 6, 1)),)
    monkeypatch.setattr(rules_data, "INDEX766", moved)
    idx.index_versions.cache_clear()
    try:
        with pytest.raises(ValueError, match="the rules registry says 2025 from 2022-06-01"):
            idx.version_for(june_2022)
    finally:
        idx.index_versions.cache_clear()


def test_the_calendar_default_cut_off_is_the_rules_default(world, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: ANN001
    province = world.province.pk
    calendars.CalendarSettingsVersion.objects.filter(province_id=province).delete()
    [default] = calendars.versions_of(province)
    assert (default.effective_from, default.cutoff_enabled, default.cutoff) == (date(2010, 1, 1), True, time(15, 0))
    # a regime with another default cut-off starts a default version of its own on its first day
    sets = list(rules_data.RULE_SETS)
    sets[-1] = replace(sets[-1], cutoff=rules.CutoffPolicy(True, time(16, 0)))
    monkeypatch.setattr(rules_data, "RULE_SETS", tuple(sets))
    versions = [(v.effective_from, v.cutoff) for v in calendars.versions_of(province)]
    assert versions == [(date(2010, 1, 1), time(15, 0)), (date(2025, 7, 1), time(16, 0))]
    cal = calendars.build_calendar(calendars.settings_for(province))
    assert cal.era_on(date(2025, 6, 30)).cutoff == time(15, 0) and cal.era_on(date(2025, 7, 1)).cutoff == time(16, 0)

