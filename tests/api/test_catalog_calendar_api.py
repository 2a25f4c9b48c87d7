"""Catalog, calendar and unit endpoints: public reading, administrator-only writing, bad input."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest

from motcua.calendars.models import CalendarOverride
from motcua.catalog.models import Component, Field, Procedure, ProcedureVersion, ProcessStep
from motcua.dossiers.models import Dossier
from tests.factories import CATALOG


def catalog_state() -> dict[str, Any]:
    return {
        "fields": list(Field.objects.order_by("pk").values()),
        "procedures": list(Procedure.objects.order_by("pk").values()),
        "versions": list(ProcedureVersion.objects.order_by("pk").values()),
        "components": list(Component.objects.order_by("pk").values()),
        "steps": list(ProcessStep.objects.order_by("pk").values()),
    }


def calendar_state() -> dict[str, Any]:
    return {"overrides": list(CalendarOverride.objects.order_by("pk").values()),
            "due": list(Dossier.objects.order_by("pk").values_list("pk", "due_at", "row_version"))}


# ---- catalog ----------------------------------------------------------------------------------

def test_list_procedures_is_public(api, anon):
    r = api.get(anon, "/catalog/procedures")
    assert r.status_code == 200
    assert r.json() == [
        {"code": "1.001193", "name": "Thủ tục đăng ký khai sinh", "field": "HT", "levels": ["commune"]},
        {"code": "2.000815", "name": "Chứng thực bản sao từ bản chính", "field": "CT", "levels": ["province"]},
    ]
    assert [p["code"] for p in api.get(anon, "/catalog/procedures", q="khai sinh").json()] == ["1.001193"]
    assert [p["code"] for p in api.get(anon, "/catalog/procedures", q="2.000").json()] == ["2.000815"]
    assert [p["code"] for p in api.get(anon, "/catalog/procedures", field="CT").json()] == ["2.000815"]
    assert [p["code"] for p in api.get(anon, "/catalog/procedures", level="commune").json()] == ["1.001193"]
    assert len(api.get(anon, "/catalog/procedures", limit=1).json()) == 1
    assert api.get(anon, "/catalog/procedures", q="không có").json() == []


def test_procedure_in_force_by_date(api, anon, clock):
    clock.set("2026-03-10 09:00")
    p = api.get(anon, "/catalog/procedures/1.001193").json()
    assert p["decision_number"] == "1726/QĐ-BTP" and p["processing_time"] == 1.0 and p["time_unit"] == "day"
    assert [c["name"] for c in p["components"]] == ["Tờ khai đăng ký khai sinh", "Giấy chứng sinh",
                                                     "Giấy ủy quyền"]
    assert [c["required"] for c in p["components"]] == [True, True, False]
    old = api.get(anon, "/catalog/procedures/1.001193", on="2025-06-30").json()
    assert old["decision_number"] == "1872/QĐ-BTP" and old["effective_to"] == "2025-07-01"
    hours = api.get(anon, "/catalog/procedures/2.000815").json()
    assert hours["time_unit"] == "hour" and hours["methods"][0]["fee"] == 2000


def test_export_and_reimport_round_trip(api, client_of):
    c = client_of("admin")
    r = api.get(c, "/catalog/export")
    assert r.status_code == 200
    doc = r.json()
    assert doc["format"] == "motcua.catalog/1"
    assert {p["code"] for p in doc["procedures"]} == {"1.001193", "2.000815"}
    before = {(v["procedure__code"], v["effective_from"]): v for v in
              ProcedureVersion.objects.values("procedure__code", "effective_from", "decision_number", "requirements",
                                              "legal_basis", "fees", "methods", "applicant_types", "name")}
    r = api.post(c, "/catalog/import", doc)
    assert r.status_code == 200, r.content
    assert r.json() == {"fields": 2, "procedures": 2, "versions": 3, "steps": 0}
    after = {(v["procedure__code"], v["effective_from"]): v for v in
             ProcedureVersion.objects.values("procedure__code", "effective_from", "decision_number", "requirements",
                                             "legal_basis", "fees", "methods", "applicant_types", "name")}
    assert after == before
    assert api.get(c, "/catalog/export").json() == doc


def test_import_a_new_procedure(api, client_of, clock):
    clock.set("2026-03-10 09:00")
    doc = {"format": "motcua.catalog/1", "fields": [{"code": "DD", "name": "Đất đai"}], "procedures": [{
        "code": "1.004227", "name": "Đăng ký biến động đất đai", "field": "DD", "levels": ["commune"],
        "versions": [{"decision_number": "2124/QĐ-BTNMT", "decision_date": "2025-06-01",
                      "effective_from": "2025-07-01", "processing_time": 10, "time_unit": "day",
                      "online_level": "partial", "applicant_types": [0, 1],
                      "requirements": "Có giấy chứng nhận", "legal_basis": ["Luật Đất đai 2024"],
                      "components": [{"name": "Đơn đăng ký biến động", "originals": 1, "required": True}]}],
    }]}
    r = api.post(client_of("admin"), "/catalog/import", doc)
    assert r.status_code == 200, r.content
    assert r.json() == {"fields": 1, "procedures": 1, "versions": 1, "steps": 0}
    p = api.get(client_of("citizen"), "/catalog/procedures/1.004227").json()
    assert p["requirements"] == "Có giấy chứng nhận" and p["legal_basis"] == ["Luật Đất đai 2024"]
    assert p["applicant_types"] == [0, 1] and p["components"][0]["name"] == "Đơn đăng ký biến động"


@pytest.mark.parametrize("user", ["counter_a", "specialist_p", "leader_a", "monitor", "citizen"])
def test_only_administrators_export_and_import(api, client_of, user):
    c = client_of(user)
    api.error(api.get(c, "/catalog/export"), 403, "forbidden")
    before = catalog_state()
    api.error(api.post(c, "/catalog/import", CATALOG), 403, "forbidden")
    assert catalog_state() == before


def test_catalog_writes_need_authentication(api, anon):
    api.error(api.get(anon, "/catalog/export"), 401, "unauthorized")
    before = catalog_state()
    api.error(api.post(anon, "/catalog/import", CATALOG), 401, "unauthorized")
    assert catalog_state() == before


def _doc(**proc_over: Any) -> dict[str, Any]:
    doc = json.loads(json.dumps(CATALOG))
    doc["procedures"][0].update(proc_over)
    return doc


def _version(**over: Any) -> dict[str, Any]:
    doc = json.loads(json.dumps(CATALOG))
    doc["procedures"][0]["versions"][1].update(over)
    return doc


BAD_IMPORTS: list[tuple[str, Any, str | None]] = [
    ("wrong format", {**CATALOG, "format": "other/1"}, "format"),
    ("no format", {k: v for k, v in CATALOG.items() if k != "format"}, "format"),
    ("list body", [CATALOG], "body"),
    ("string body", "catalog", "body"),
    ("procedures not a list", {**CATALOG, "procedures": {"a": 1}}, "procedures"),
    ("field without name", {**CATALOG, "fields": [{"code": "HT"}]}, "fields.0.name"),
    ("procedure without code", _doc(code=None), "procedures.0.code"),
    ("procedure without levels", {**CATALOG, "procedures": [
        {k: v for k, v in CATALOG["procedures"][0].items() if k != "levels"}]}, "procedures.0.levels"),
    ("unknown level", _doc(levels=["hamlet"]), "procedures.0.levels.0"),
    ("unknown field", _doc(field="ZZ"), "field"),
    ("code too long", _doc(code="9" * 41), "procedures.0.code"),
    ("bad effective date", _version(effective_from="01/07/2025"), "procedures.0.versions.1.effective_from"),
    ("no decision", _version(decision_number=""), "procedures.0.versions.1.decision_number"),
    ("negative time", _version(processing_time=-1), "procedures.0.versions.1.processing_time"),
    ("absurd time", _version(processing_time=10**9), "procedures.0.versions.1.processing_time"),
    ("time not a number", _version(processing_time="ba ngày"), "procedures.0.versions.1.processing_time"),
    ("bad time unit", _version(time_unit="week"), "procedures.0.versions.1.time_unit"),
    ("bad status", _version(status="draft"), "procedures.0.versions.1.status"),
    ("bad applicant type", _version(applicant_types=[5]), "procedures.0.versions.1.applicant_types.0"),
    ("fee not a number", _version(fees=[{"name": "Lệ phí", "amount": "free"}]),
     "procedures.0.versions.1.fees.0.amount"),
    ("bad method channel", _version(methods=[{"channel": 9}]), "procedures.0.versions.1.methods.0.channel"),
    ("component without name", _version(components=[{"originals": 1}]),
     "procedures.0.versions.1.components.0.name"),
    ("bad step role", _doc(process=[{"name": "Xử lý", "role": "janitor", "quota_hours": 1}]),
     "procedures.0.process.0.role"),
    ("zero step quota", _doc(process=[{"name": "Xử lý", "role": "specialist", "quota_hours": 0}]),
     "procedures.0.process.0.quota_hours"),
    ("long decision number", _version(decision_number="Q" * 101), "procedures.0.versions.1.decision_number"),
    ("version name too long", _version(name="T" * 501), "procedures.0.versions.1.name"),
]


@pytest.mark.parametrize(("case", "doc", "field"), BAD_IMPORTS, ids=[c[0] for c in BAD_IMPORTS])
def test_bad_import_changes_nothing(api, client_of, case, doc, field):
    api.dossier_at(2)  # the current version has a dossier
    before = catalog_state()
    r = api.post(client_of("admin"), "/catalog/import", doc)
    api.error(r, 422, "validation_error", (field,) if field else ())
    assert catalog_state() == before


CONTROL_IMPORTS: list[tuple[str, Any, str]] = [
    ("NUL in a name", _doc(name="Khai\x00sinh"), "procedures.0.name"),
    ("NUL in free text", _version(requirements="a\x00b"), "procedures.0.versions.1.requirements"),
    ("escape in a field code", {**CATALOG, "fields": [{"code": "H\x1bT", "name": "Hộ tịch"}]}, "fields.0.code"),
]


@pytest.mark.parametrize(("case", "doc", "field"), CONTROL_IMPORTS, ids=[c[0] for c in CONTROL_IMPORTS])
def test_import_with_control_characters_changes_nothing(api, client_of, case, doc, field):
    """Control characters anywhere in the document: 400, the field named, the catalog untouched."""
    api.dossier_at(2)
    before = catalog_state()
    r = api.post(client_of("admin"), "/catalog/import", doc)
    api.error(r, 400, "validation_error", (field,))
    assert catalog_state() == before


@pytest.mark.parametrize("raw", ["{", "format=motcua.catalog/1", "\x00"])
def test_import_malformed_json(api, client_of, raw):
    before = catalog_state()
    api.error(api.post(client_of("admin"), "/catalog/import", raw=raw), 400)
    assert catalog_state() == before


@pytest.mark.parametrize(("path", "params", "status", "field"), [
    ("/catalog/procedures/9.999999", {}, 404, None),
    ("/catalog/procedures/1.001193", {"on": "hôm nay"}, 422, "on"),
    ("/catalog/procedures/1.001193", {"on": "2026-02-30"}, 422, "on"),
    ("/catalog/procedures/1.001193", {"on": "2000-01-01"}, 404, None),  # not yet in force
    ("/catalog/procedures/a%00b", {}, 400, "code"),  # control characters: 400, the parameter named
    ("/catalog/procedures", {"limit": "many"}, 422, "limit"),
    ("/catalog/procedures", {"q": "a\x00"}, 400, "q"),
    ("/catalog/procedures", {"field": "\x00"}, 400, "field"),
])
def test_catalog_read_bad_input(api, anon, path, params, status, field):
    code = "validation_error" if status in (400, 422) else None
    api.error(api.get(anon, path, **params), status, code, (field,) if field else ())


# ---- calendars --------------------------------------------------------------------------------

def test_working_days_are_public(api, anon):
    r = api.get(anon, "/calendars/68/days", start="2026-03-09", end="2026-03-15")
    assert r.status_code == 200
    assert [(d["date"], d["working"]) for d in r.json()] == [
        ("2026-03-09", True), ("2026-03-10", True), ("2026-03-11", True), ("2026-03-12", True),
        ("2026-03-13", True), ("2026-03-14", False), ("2026-03-15", False)]
    national = api.get(anon, "/calendars/68/days", start="2026-09-02", end="2026-09-02").json()
    assert national == [{"date": "2026-09-02", "working": False}]
    assert len(api.get(anon, "/calendars/68/days", start="2026-01-01", end="2027-02-05").json()) == 401


def test_admin_declares_a_holiday_and_due_times_move(api, client_of, clock):
    clock.set("2026-03-10 09:00")
    d = api.intake("counter_a")
    assert d["due_at"].startswith("2026-03-11T02:00:00")
    c = client_of("admin")
    body = {"date": "2026-03-11", "kind": "holiday", "name": "Nghỉ bù bão", "decision": "123/QĐ-UBND"}
    r = api.post(c, "/calendars/68/overrides", body)
    assert r.status_code == 201, r.content
    assert r.json() == {**body, "open_dossiers": 1, "changed_due": 1}
    assert api.get(c, "/calendars/68/days", start="2026-03-11", end="2026-03-11").json()[0]["working"] is False
    moved = api.get(client_of("counter_a"), f"/dossiers/{d['id']}").json()
    assert moved["due_at"].startswith("2026-03-12T02:00:00")
    r = api.post(c, "/calendars/68/overrides", {"date": "2026-03-14", "kind": "working_day",
                                                "name": "Làm bù", "decision": "124/QĐ-UBND"})
    assert r.status_code == 201
    assert api.get(c, "/calendars/68/days", start="2026-03-14", end="2026-03-14").json()[0]["working"] is True
    assert CalendarOverride.objects.count() == 2


@pytest.mark.parametrize("user", ["counter_a", "leader_p", "monitor", "citizen"])
def test_only_province_admins_declare_days(api, client_of, user):
    before = calendar_state()
    body = {"date": "2026-03-11", "kind": "holiday", "name": "Nghỉ", "decision": "1/QĐ"}
    api.error(api.post(client_of(user), "/calendars/68/overrides", body), 403, "forbidden")
    assert calendar_state() == before


def test_admin_of_another_province_may_not_declare(api, world, client_of):
    from django.contrib.auth import get_user_model

    from motcua.units.choices import Role, UnitKind
    from motcua.units.models import StaffRole, Unit

    other = Unit.objects.create(code="77", name="Tỉnh khác", kind=UnitKind.PROVINCE)
    user = get_user_model().objects.create_user("admin_77", password="x")
    StaffRole.objects.create(user=user, unit=other, role=Role.ADMIN)
    world.users["admin_77"] = user
    before = calendar_state()
    body = {"date": "2026-03-11", "kind": "holiday", "name": "Nghỉ", "decision": "1/QĐ"}
    api.error(api.post(client_of("admin_77"), "/calendars/68/overrides", body), 403, "forbidden")
    assert calendar_state() == before


VALID_OVERRIDE = {"date": "2026-03-11", "kind": "holiday", "name": "Nghỉ", "decision": "1/QĐ-UBND"}


@pytest.mark.parametrize(("over", "status", "field"), [
    ({"date": "11/03/2026"}, 422, "date"), ({"date": None}, 422, "date"), ({"kind": "vacation"}, 422, "kind"),
    ({"name": ""}, 422, "name"), ({"name": "N" * 201}, 422, "name"), ({"decision": ""}, 422, "decision"),
    ({"decision": "   "}, 422, "decision"), ({"decision": "D" * 256}, 422, "decision"), ({"kind": 1}, 422, "kind"),
    # a control character is refused before validation: 400, the field named
    ({"name": "a\x00"}, 400, "name"), ({"decision": "1/QĐ\x7f"}, 400, "decision"),
])
def test_bad_override(api, client_of, over, status, field):
    api.dossier_at(2)
    before = calendar_state()
    r = api.post(client_of("admin"), "/calendars/68/overrides", {**VALID_OVERRIDE, **over})
    api.error(r, status, "validation_error", (field,))
    assert calendar_state() == before


@pytest.mark.parametrize(("body", "raw", "field"), [
    ({k: v for k, v in VALID_OVERRIDE.items() if k != "date"}, None, "date"),
    ({}, None, "kind"), (None, "[]", "body"), (None, "{", None),
])
def test_override_missing_or_malformed(api, client_of, body, raw, field):
    before = calendar_state()
    r = api.post(client_of("admin"), "/calendars/68/overrides", body, raw=raw)
    api.error(r, 400 if raw == "{" else 422, None, (field,) if field else ())
    assert calendar_state() == before


def test_override_for_unknown_province(api, client_of):
    before = calendar_state()
    api.error(api.post(client_of("admin"), "/calendars/99/overrides", VALID_OVERRIDE), 404, "not_found")
    api.error(api.post(client_of("admin"), "/calendars/000.31.10.H39/overrides", VALID_OVERRIDE), 404)
    api.error(api.post(client_of("admin"), "/calendars/a%00/overrides", VALID_OVERRIDE), 400, "validation_error",
              ("province",))
    assert calendar_state() == before


@pytest.mark.parametrize(("params", "status", "field"), [
    ({"start": "2026-03-15", "end": "2026-03-09"}, 422, "end"),
    ({"start": "2026-01-01", "end": "2027-12-31"}, 422, "end"),
    ({"start": "x", "end": "2026-03-09"}, 422, "start"),
    ({"end": "2026-03-09"}, 422, "start"),
    ({"start": "2026-03-09"}, 422, "end"),
    ({"start": "2026-02-30", "end": "2026-03-09"}, 422, "start"),
])
def test_days_bad_range(api, anon, params, status, field):
    api.error(api.get(anon, "/calendars/68/days", **params), status, "validation_error", (field,))


def test_days_unknown_province(api, anon):
    api.error(api.get(anon, "/calendars/99/days", start="2026-03-09", end="2026-03-10"), 404, "not_found")
    api.error(api.get(anon, "/calendars/a%00/days", start="2026-03-09", end="2026-03-10"), 400, "validation_error",
              ("province",))


def test_days_outside_the_working_calendar(api, anon):
    api.error(api.get(anon, "/calendars/68/days", start="1900-01-01", end="1900-01-02"), 422,
              "validation_error", ("start",))
    api.error(api.get(anon, "/calendars/68/days", start="2045-12-30", end="2046-01-02"), 422,
              "validation_error", ("end",))
    edge = api.get(anon, "/calendars/68/days", start="2045-12-30", end="2045-12-31")
    assert edge.status_code == 200 and len(edge.json()) == 2


# ---- units ------------------------------------------------------------------------------------

def test_units_are_public(api, anon, world):
    r = api.get(anon, "/units")
    assert r.status_code == 200
    codes = [u["code"] for u in r.json()]
    assert codes[0] == "68" and len(codes) == 7
    assert {"000.31.10.H39", "000.31.90.H39", "000.00.10.H39"} <= set(codes)
    communes = api.get(anon, "/units", kind="commune").json()
    assert {u["code"] for u in communes} == {"000.31.10.H39", "000.32.10.H39"}
    assert all(u["parent_id"] == world.province.pk for u in communes)
    children = api.get(anon, "/units", parent="000.31.10.H39").json()
    assert [u["code"] for u in children] == ["000.31.90.H39"]
    assert api.get(anon, "/units", kind="planet").json() == []
    assert api.get(anon, "/units", parent="nowhere").json() == []


def test_dissolved_unit_is_shown(api, anon, world):
    world.communes["b"].dissolved_on = date(2025, 7, 1)
    world.communes["b"].save()
    rows = {u["code"]: u for u in api.get(anon, "/units", kind="commune").json()}
    assert rows["000.32.10.H39"]["dissolved_on"] == "2025-07-01"
    assert rows["000.31.10.H39"]["dissolved_on"] is None


@pytest.mark.parametrize("params", [{"kind": "a\x00"}, {"parent": "\x00"}])
def test_units_nul_in_filter(api, anon, params):
    api.error(api.get(anon, "/units", **params), 400, "validation_error", tuple(params))
