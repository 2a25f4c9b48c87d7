"""Bad input on every dossier endpoint: a 4xx with the JSON error envelope (field messages for
validation problems), never a 500, and nothing changed — no dossier, event, file, counter or
stored object is written or altered by a failed call."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from motcua.dossiers.models import Dossier
from tests.api.conftest import API
from tests.factories import PDF, PNG, through_process

HUGE = 10**25  # larger than any database integer

# action -> (actor, status it may start from, a valid body, a status it may NOT start from, required fields)
ACTIONS: dict[str, tuple[str, int, dict[str, Any], int, tuple[str, ...]]] = {
    "receive": ("counter_a", 1, {"note": "Đủ"}, 2, ()),
    "refuse": ("counter_a", 1, {"reason": "Không hợp lệ"}, 2, ("reason",)),
    "start": ("counter_a", 2, {}, 1, ()),
    "forward": ("specialist_a", 4, {}, 2, ()),
    "request-supplement": ("specialist_a", 4, {"reason": "Thiếu giấy", "items": ["Giấy chứng sinh"]}, 9,
                           ("reason",)),
    "supplement": ("counter_a", 5, {"note": "Đã nhận"}, 4, ()),
    "request-payment": ("specialist_a", 4, {"reason": "Lệ phí", "amount": 20_000}, 1, ("reason", "amount")),
    "payment": ("counter_a", 6, {"amount": 20_000, "reference": "BL-1"}, 4, ("amount",)),
    "extend": ("specialist_a", 4, {"reason": "Xác minh", "new_appointment": "2031-01-06T09:00:00+07:00"}, 9,
               ("reason", "new_appointment")),
    "withdraw": ("counter_a", 2, {"reason": "Xin rút"}, 9, ("reason",)),
    "stop": ("leader_a", 4, {"reason": "Giả mạo"}, 1, ("reason",)),
    "finish": ("leader_a", 4, {"note": "Xong"}, 2, ()),
    "return": ("counter_a", 9, {"note": "Đã trả"}, 4, ()),
}
REASONED = [a for a, spec in ACTIONS.items() if "reason" in spec[4]]


def call(api, client_of, action: str, dossier_id: int, body: Any = None, raw: str | None = None):  # noqa: ANN001, ANN201
    return api.post(client_of(ACTIONS[action][0]), f"/dossiers/{dossier_id}/{action}", body, raw=raw)


def bad(api, client_of, media, action: str, body: Any = None, raw: str | None = None,  # noqa: ANN001, ANN201
        status: int = 422, code: str | None = "validation_error", fields: tuple[str, ...] = (),
        dossier_status: int | None = None, dossier_id: int | None = None) -> dict[str, Any]:
    """Call ``action`` with bad input on a dossier in its starting status; assert the error and no change."""
    if dossier_id is None:
        dossier_id = api.dossier_at(dossier_status or ACTIONS[action][1]).pk
    with api.unchanged(media):
        r = call(api, client_of, action, dossier_id, body, raw)
    return api.error(r, status, code, fields)


# ---- every action endpoint --------------------------------------------------------------------

def ready(api, world, action: str) -> Dossier:  # noqa: ANN001
    """A dossier from which ``action`` may succeed: in its starting status and, to finish, carried
    through every step of its process (approved, the result attached)."""
    d = api.dossier_at(ACTIONS[action][1])
    return through_process(world, d.pk) if action == "finish" else d


@pytest.mark.parametrize("action", ACTIONS)
def test_valid_body_works(api, world, client_of, action):
    """The table's valid bodies are valid: the failures below come from the one thing changed."""
    d = ready(api, world, action)
    r = call(api, client_of, action, d.pk, ACTIONS[action][2])
    assert r.status_code == 200, r.content


@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("raw", ['{"reason": "x",', "not json", "{'reason': 'x'}", "\x00", "[1, 2"])
def test_malformed_json(api, client_of, media, action, raw):
    bad(api, client_of, media, action, raw=raw, status=400, code=None)


@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("raw", ["[]", '"text"', "42", "null", "true"])
def test_body_not_an_object(api, client_of, media, action, raw):
    bad(api, client_of, media, action, raw=raw, status=422)


@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize(("version", "why"), [("abc", "text"), (0, "zero"), (-1, "negative"), (1.5, "fraction"),
                                              ([1], "list"), ({"v": 1}, "object")])
def test_version_of_wrong_type_or_range(api, client_of, media, action, version, why):
    body = {**ACTIONS[action][2], "version": version}
    bad(api, client_of, media, action, body, fields=("version",))


@pytest.mark.parametrize("action", ACTIONS)
def test_note_or_reason_too_long_or_wrong_type(api, client_of, media, action):
    field = "reason" if action in REASONED else "note"
    if action == "payment":
        field = "reference"
    for value in ("x" * 2001 if field != "reference" else "x" * 101, 123, ["a"], {"a": 1}):
        bad(api, client_of, media, action, {**ACTIONS[action][2], field: value}, fields=(field,))


@pytest.mark.parametrize("action", ACTIONS)
def test_nul_characters_are_refused(api, world, client_of, media, action):
    """Control characters are refused before the operation runs (400, the field named), even where
    the call would otherwise succeed."""
    field = "reason" if action in REASONED else ("reference" if action == "payment" else "note")
    d = ready(api, world, action)
    bad(api, client_of, media, action, {**ACTIONS[action][2], field: "a\x00b"}, status=400, fields=(field,),
        dossier_id=d.pk)


@pytest.mark.parametrize("action", [a for a, spec in ACTIONS.items() if spec[4]])
def test_missing_required_fields(api, client_of, media, action):
    required = ACTIONS[action][4]
    for f in required:
        body = {k: v for k, v in ACTIONS[action][2].items() if k != f}
        bad(api, client_of, media, action, body, fields=(f,))
    bad(api, client_of, media, action, {}, fields=required)


@pytest.mark.parametrize("action", REASONED)
@pytest.mark.parametrize("reason", ["", "   ", "\n\t "])
def test_blank_reasons(api, client_of, media, action, reason):
    bad(api, client_of, media, action, {**ACTIONS[action][2], "reason": reason}, fields=("reason",))


@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("dossier_id", [999_999, 0, -3, HUGE])
def test_unknown_dossier(api, client_of, media, action, dossier_id):
    api.dossier_at(ACTIONS[action][1])
    with api.unchanged(media):
        r = call(api, client_of, action, dossier_id, ACTIONS[action][2])
    api.error(r, 404, "not_found")


@pytest.mark.parametrize("action", ACTIONS)
def test_dossier_id_not_a_number(api, client_of, media, action):
    api.dossier_at(ACTIONS[action][1])
    with api.unchanged(media):
        r = api.post(client_of(ACTIONS[action][0]), f"/dossiers/abc/{action}", ACTIONS[action][2])
    api.error(r, 422, "validation_error", ("dossier_id",))


@pytest.mark.parametrize("action", ACTIONS)
def test_illegal_transition(api, client_of, media, action):
    err = bad(api, client_of, media, action, ACTIONS[action][2], status=409, code="illegal_transition",
              dossier_status=ACTIONS[action][3])
    assert action.replace("-", "_") in err["message"]


@pytest.mark.parametrize("action", ACTIONS)
def test_stale_version(api, client_of, media, action):
    d = api.dossier_at(ACTIONS[action][1])
    stale = d.row_version - 1 if d.row_version > 1 else d.row_version + 1
    err = bad(api, client_of, media, action, {**ACTIONS[action][2], "version": stale}, status=409,
              code="conflict", fields=("version",), dossier_id=d.pk)
    assert str(d.row_version) in err["fields"]["version"]


def test_current_version_is_accepted(api, world, client_of):
    d = ready(api, world, "finish")
    r = call(api, client_of, "finish", d.pk, {"version": d.row_version})
    assert r.status_code == 200 and r.json()["version"] == d.row_version + 1


@pytest.mark.parametrize(("action", "who"), [
    ("receive", "specialist_a"), ("refuse", "leader_a"), ("start", "specialist_a"), ("forward", "counter_a"),
    ("request-payment", "counter_a"), ("extend", "counter_a"), ("stop", "specialist_a"),
    ("finish", "counter_a"), ("return", "leader_a"), ("supplement", "monitor"), ("payment", "admin"),
    ("withdraw", "citizen"), ("request-supplement", "citizen2"),
])
def test_wrong_role_is_forbidden_or_invisible(api, client_of, media, action, who):
    d = api.dossier_at(ACTIONS[action][1])
    with api.unchanged(media):
        r = api.post(client_of(who), f"/dossiers/{d.pk}/{action}", ACTIONS[action][2])
    # citizens do not even see dossiers they do not own
    api.error(r, 404 if who.startswith("citizen") else 403)


# ---- operation-specific fields ----------------------------------------------------------------

@pytest.mark.parametrize("action", ["request-payment", "payment"])
@pytest.mark.parametrize("amount", [0, -1, 10**15 + 1, HUGE, 1.5, "nhiều", None, "", [1000]])
def test_amounts(api, client_of, media, action, amount):
    bad(api, client_of, media, action, {**ACTIONS[action][2], "amount": amount}, fields=("amount",))


def test_amount_total_overflow(api, client_of, media):
    d = api.dossier_at(4)
    Dossier.objects.filter(pk=d.pk).update(fees_due=100_000_000)
    body = {"reason": "Thuế", "amount": 10**15 - 99_999_999}
    bad(api, client_of, media, "request-payment", body, fields=("amount",), dossier_id=d.pk)
    d = api.dossier_at(6)
    Dossier.objects.filter(pk=d.pk).update(fees_paid=1000)
    bad(api, client_of, media, "payment", {"amount": 10**15}, fields=("amount",), dossier_id=d.pk)
    ok = call(api, client_of, "payment", d.pk, {"amount": 10**15 - 1000})  # land-use fees reach billions of VND
    assert ok.status_code == 200 and ok.json()["fees_paid"] == 10**15


@pytest.mark.parametrize(("value", "why"), [
    ("2031-01-06T09:00:00", "naive"), ("2031-01-06", "date only"), ("06/01/2031 09:00", "not ISO"),
    ("ngày mai", "text"), (20310106, "number"), ("2031-02-30T09:00:00+07:00", "no such day"),
    ("2020-01-06T09:00:00+07:00", "in the past"), ("", "empty"),
    ("2046-01-02T09:00:00+07:00", "beyond the working calendar"), ("9999-12-31T23:59:59-07:00", "year 9999"),
])
def test_extend_bad_appointment(api, client_of, media, clock, value, why):
    clock.set("2026-03-10 09:00")
    bad(api, client_of, media, "extend", {"reason": "Xác minh", "new_appointment": value},
        fields=("new_appointment",))


def test_extend_must_be_later_than_current_appointment(api, client_of, media, clock):
    clock.set("2026-03-10 09:00")
    d = api.dossier_at(4)  # due Wed 11/03 09:00 local
    body = {"reason": "Xác minh", "new_appointment": "2026-03-10T16:00:00+07:00"}
    bad(api, client_of, media, "extend", body, fields=("new_appointment",), dossier_id=d.pk)
    ok = call(api, client_of, "extend", d.pk, {**body, "new_appointment": "2026-03-13T16:00:00+07:00"})
    assert ok.status_code == 200
    bad(api, client_of, media, "extend", {**body, "new_appointment": "2026-03-12T16:00:00+07:00"},
        fields=("new_appointment",), dossier_id=d.pk)


@pytest.mark.parametrize(("body", "field"), [
    ({"to_step": 0}, "to_step"), ({"to_step": 99}, "to_step"), ({"to_step": 1}, "to_step"),
    ({"to_step": "next"}, "to_step"), ({"to_step": HUGE}, "to_step"), ({"holder_id": "me"}, "holder_id"),
    ({"holder_id": 0}, "holder_id"), ({"holder_id": HUGE}, "holder_id"), ({"holder_id": 999_999}, "holder_id"),
])
def test_forward_bad_step_or_holder(api, client_of, media, body, field):
    bad(api, client_of, media, "forward", body, fields=(field,))  # the dossier is at step 1


def test_forward_to_a_holder_without_the_role(api, world, client_of, media):
    for who in ("citizen", "counter_b", "leader_a"):  # step 2 needs a specialist of commune a
        bad(api, client_of, media, "forward", {"holder_id": world.users[who].pk}, fields=("holder_id",))


@pytest.mark.parametrize("holder", ["citizen", "specialist_b", "counter_p"])
def test_start_with_ineligible_holder(api, world, client_of, media, holder):
    bad(api, client_of, media, "start", {"holder_id": world.users[holder].pk}, fields=("holder_id",))


@pytest.mark.parametrize("action", ["supplement", "finish"])
def test_attachments_must_be_files_of_this_dossier(api, client_of, media, action):
    from tests.api.test_dossiers_api import upload

    other = api.dossier_at(2)
    r = upload(client_of("counter_a"), other.pk, "x.pdf", PDF)
    assert r.status_code == 201
    foreign = r.json()["id"]
    for attachments, field in ([[foreign], "attachments"], [[999_999], "attachments"], [["a"], "attachments.0"],
                               [[HUGE], "attachments.0"], [[0], "attachments.0"], ["1", "attachments"],
                               [list(range(1, 52)), "attachments"]):
        bad(api, client_of, media, action, {"attachments": attachments}, fields=(field,))


@pytest.mark.parametrize(("items", "status", "field"), [
    ("Giấy", 422, "items"), ([1], 422, "items.0"), (["x"] * 51, 422, "items"),
    (["a\x00"], 400, "items.0"),  # a control character: refused before validation, the item named
])
def test_request_supplement_items(api, client_of, media, items, status, field):
    bad(api, client_of, media, "request-supplement", {"reason": "Thiếu", "items": items}, status=status,
        fields=(field,))


# ---- intake -----------------------------------------------------------------------------------

def _without(d: dict[str, Any], *path: str) -> dict[str, Any]:
    d = json.loads(json.dumps(d))
    node = d
    for p in path[:-1]:
        node = node[p]
    del node[path[-1]]
    return d


def _with(d: dict[str, Any], value: Any, *path: str | int) -> dict[str, Any]:
    d = json.loads(json.dumps(d))
    node = d
    for p in path[:-1]:
        node = node[p]
    node[path[-1]] = value
    return d


INTAKE_CASES: list[tuple[str, Any, tuple[str, ...]]] = [
    # (case, mutation, fields expected)
    ("no procedure", lambda p: _without(p, "procedure_code"), ("procedure_code",)),
    ("no unit", lambda p: _without(p, "receiving_unit_code"), ("receiving_unit_code",)),
    ("no channel", lambda p: _without(p, "channel"), ("channel",)),
    ("no applicant", lambda p: _without(p, "applicant"), ("applicant",)),
    ("no applicant name", lambda p: _without(p, "applicant", "name"), ("applicant.name",)),
    ("empty applicant name", lambda p: _with(p, "", "applicant", "name"), ("applicant.name",)),
    ("blank applicant name", lambda p: _with(p, "   ", "applicant", "name"), ("applicant.name",)),
    ("long applicant name", lambda p: _with(p, "A" * 256, "applicant", "name"), ("applicant.name",)),
    ("name not text", lambda p: _with(p, 42, "applicant", "name"), ("applicant.name",)),
    ("applicant not object", lambda p: _with(p, "Nguyễn Văn An", "applicant"), ("applicant",)),
    ("applicant type 7", lambda p: _with(p, 7, "applicant", "type"), ("applicant.type",)),
    ("applicant type not allowed", lambda p: _with(p, 1, "applicant", "type"), ("applicant.type",)),
    ("bad email", lambda p: _with(p, "not-an-email", "applicant", "email"), ("applicant.email",)),
    ("bad phone", lambda p: _with(p, "call me", "applicant", "phone"), ("applicant.phone",)),
    ("bad id number", lambda p: _with(p, "068 123/456", "applicant", "id_number"), ("applicant.id_number",)),
    ("long id number", lambda p: _with(p, "1" * 21, "applicant", "id_number"), ("applicant.id_number",)),
    ("channel 0", lambda p: _with(p, 0, "channel"), ("channel",)),
    ("channel 4", lambda p: _with(p, 4, "channel"), ("channel",)),
    ("channel text", lambda p: _with(p, "trực tiếp", "channel"), ("channel",)),
    ("unknown procedure", lambda p: _with(p, "9.999999", "procedure_code"), ("procedure_code",)),
    ("empty procedure", lambda p: _with(p, "", "procedure_code"), ("procedure_code",)),
    ("long procedure", lambda p: _with(p, "1" * 41, "procedure_code"), ("procedure_code",)),
    ("unknown unit", lambda p: _with(p, "000.99.99.H39", "receiving_unit_code"), ("receiving_unit_code",)),
    ("unknown handling unit", lambda p: _with(p, "nowhere", "handling_unit_code"), ("handling_unit_code",)),
    ("sets 0", lambda p: _with(p, 0, "sets"), ("sets",)),
    ("sets 21", lambda p: _with(p, 21, "sets"), ("sets",)),
    ("sets text", lambda p: _with(p, "two", "sets"), ("sets",)),
    ("result delivery", lambda p: _with(p, "fax", "result_delivery"), ("result_delivery",)),
    ("long summary", lambda p: _with(p, "x" * 1001, "request_summary"), ("request_summary",)),
    ("components not list", lambda p: _with(p, {"a": 1}, "components"), ("components",)),
    ("too many components", lambda p: _with(p, [{"name": "Giấy"}] * 51, "components"), ("components",)),
    ("negative originals", lambda p: _with(p, -1, "components", 0, "originals"), ("components.0.originals",)),
    ("100 copies", lambda p: _with(p, 100, "components", 0, "copies"), ("components.0.copies",)),
    ("unknown component", lambda p: _with(p, 999_999, "components", 0, "component_id"),
     ("components[0].component_id",)),
    ("huge component id", lambda p: _with(p, HUGE, "components", 0, "component_id"),
     ("components.0.component_id",)),
    ("nameless component", lambda p: _with(p, [{"originals": 1}], "components"), ("components[0]",)),
    ("missing required component", lambda p: _with(p, [], "components"), ("components",)),
    ("bad representative phone", lambda p: _with(p, "abc", "representative_phone"), ("representative_phone",)),
]


@pytest.mark.parametrize(("case", "mutate", "fields"), INTAKE_CASES, ids=[c[0] for c in INTAKE_CASES])
def test_intake_validation(api, client_of, media, case, mutate, fields):
    api.dossier_at(2)  # one dossier and its counter exist already
    with api.unchanged(media):
        r = api.post(client_of("counter_a"), "/dossiers", mutate(api.payload()))
    api.error(r, 422, "validation_error", fields)


CONTROL_CASES: list[tuple[str, Any, str]] = [
    ("NUL in name", lambda p: _with(p, "An\x00", "applicant", "name"), "applicant.name"),
    ("NUL in address", lambda p: _with(p, "\x00", "applicant", "address"), "applicant.address"),
    ("escape in summary", lambda p: _with(p, "a\x1bb", "request_summary"), "request_summary"),
    ("NUL in an unknown key", lambda p: _with(p, "\x00", "extra"), "extra"),
]


@pytest.mark.parametrize(("case", "mutate", "field"), CONTROL_CASES, ids=[c[0] for c in CONTROL_CASES])
def test_intake_control_characters(api, client_of, media, case, mutate, field):
    """Control characters anywhere in the body: 400 with the validation envelope naming the field."""
    api.dossier_at(2)
    with api.unchanged(media):
        r = api.post(client_of("counter_a"), "/dossiers", mutate(api.payload()))
    api.error(r, 400, "validation_error", (field,))


def test_intake_reports_every_unknown_code_at_once(api, client_of):
    body = api.payload(procedure_code="x", receiving_unit_code="y", handling_unit_code="z")
    with api.unchanged():
        r = api.post(client_of("counter_a"), "/dossiers", body)
    api.error(r, 422, "validation_error", ("procedure_code", "receiving_unit_code", "handling_unit_code"))


def test_intake_handling_unit_in_another_province(api, client_of):
    from motcua.units.choices import UnitKind
    from motcua.units.models import Unit

    other = Unit.objects.create(code="77", name="Tỉnh khác", kind=UnitKind.PROVINCE)
    Unit.objects.create(code="000.77.10.H77", name="Xã khác", kind=UnitKind.COMMUNE, parent=other)
    with api.unchanged():
        r = api.post(client_of("counter_a"), "/dossiers", api.payload(handling_unit_code="000.77.10.H77"))
    api.error(r, 422, "validation_error", ("handling_unit_code",))


@pytest.mark.parametrize("raw", ["{", "procedure_code=1.001193", "", "\xff"])
def test_intake_malformed_json(api, client_of, raw):
    with api.unchanged():
        r = api.post(client_of("counter_a"), "/dossiers", raw=raw)
    api.error(r, 400 if raw.strip() else 422)


@pytest.mark.parametrize("raw", ["[]", "1", '"x"', "null"])
def test_intake_body_not_an_object(api, client_of, raw):
    with api.unchanged():
        r = api.post(client_of("counter_a"), "/dossiers", raw=raw)
    api.error(r, 422, "validation_error")


@pytest.mark.parametrize("content_type", ["multipart/form-data", "application/x-www-form-urlencoded"])
def test_intake_form_encoded_is_refused(api, client_of, content_type):
    """The intake takes JSON: a form is a body that does not parse (400), even after the input
    validation has read the form from the request's stream."""
    c = client_of("counter_a")
    with api.unchanged():
        if content_type == "multipart/form-data":
            r = c.post(f"{API}/dossiers", {"procedure_code": "1.001193"})
        else:
            r = c.post(f"{API}/dossiers", "procedure_code=1.001193", content_type=content_type)
    api.error(r, 400)


# ---- reading ----------------------------------------------------------------------------------

@pytest.mark.parametrize(("params", "field"), [
    ({"status": 0}, "status"), ({"status": 11}, "status"), ({"status": "new"}, "status"),
    ({"limit": 0}, "limit"), ({"limit": 501}, "limit"), ({"limit": "all"}, "limit"), ({"limit": -1}, "limit"),
    ({"after": "x"}, "after"), ({"channel": "online"}, "channel"), ({"due_before": "tomorrow"}, "due_before"),
    ({"due_before": "2026-13-01"}, "due_before"),
    ({"due_before": "0001-01-01T00:00:00+07:00"}, "due_before"),
    ({"flag": "red"}, "flag"),
])
def test_list_bad_query(api, client_of, params, field):
    api.dossier_at(2)
    with api.unchanged():
        r = api.get(client_of("counter_a"), "/dossiers", **params)
    api.error(r, 422, "validation_error", (field,))


@pytest.mark.parametrize("params", [{"procedure": "a\x00b"}, {"q": "\x01"}, {"status": "2\x00"}])
def test_list_control_characters_in_query(api, client_of, params):
    api.dossier_at(2)
    with api.unchanged():
        r = api.get(client_of("counter_a"), "/dossiers", **params)
    api.error(r, 400, "validation_error", tuple(params))


@pytest.mark.parametrize(("params", "found"), [
    ({"after": HUGE}, True), ({"after": -5}, False), ({"channel": HUGE}, False), ({"procedure": "nope"}, False),
    ({"due_before": "2045-12-31T00:00:00"}, True), ({"limit": 500}, True),
])
def test_list_odd_but_valid_query_is_not_an_error(api, client_of, params, found):
    d = api.dossier_at(2)
    r = api.get(client_of("counter_a"), "/dossiers", **params)
    assert r.status_code == 200, r.content
    assert [x["id"] for x in r.json()["items"]] == ([d.pk] if found else [])


def test_list_status_out_of_range(api, client_of):
    api.error(api.get(client_of("counter_a"), "/dossiers", status=HUGE), 422, "validation_error", ("status",))


def test_naive_due_before_is_local_time(api, client_of, clock):
    clock.set("2026-03-10 09:00")
    d = api.dossier_at(2)  # due 2026-03-11 09:00 local
    c = client_of("counter_a")
    assert [x["id"] for x in api.get(c, "/dossiers", due_before="2026-03-11T09:01:00").json()["items"]] == [d.pk]
    assert api.get(c, "/dossiers", due_before="2026-03-11T08:59:00").json()["items"] == []


@pytest.mark.parametrize("path", ["", "/events", "/verdict"])
@pytest.mark.parametrize("dossier_id", ["999999", "0", "-1", str(HUGE)])
def test_read_unknown_dossier(api, client_of, path, dossier_id):
    api.dossier_at(2)
    api.error(api.get(client_of("counter_a"), f"/dossiers/{dossier_id}{path}"), 404, "not_found")


@pytest.mark.parametrize("path", ["", "/events", "/verdict"])
def test_read_dossier_id_not_a_number(api, client_of, path):
    api.error(api.get(client_of("counter_a"), f"/dossiers/abc{path}"), 422, "validation_error", ("dossier_id",))


@pytest.mark.parametrize("as_of", ["yesterday", "2026-02-30T00:00:00+07:00", "12:00", "2099-01-01T00:00:00+07:00",
                                   "0001-01-01T00:00:00+07:00", "9999-12-31T23:59:59-07:00"])
def test_verdict_bad_as_of(api, client_of, as_of):
    d = api.dossier_at(2)
    api.error(api.get(client_of("counter_a"), f"/dossiers/{d.pk}/verdict", as_of=as_of), 422,
              "validation_error", ("as_of",))


def test_verdict_naive_as_of_is_local_time(api, client_of, clock):
    clock.set("2026-03-10 09:00")
    d = api.dossier_at(2)
    c = client_of("counter_a")
    naive = api.get(c, f"/dossiers/{d.pk}/verdict", as_of="2026-03-12T09:00:00")
    aware = api.get(c, f"/dossiers/{d.pk}/verdict", as_of="2026-03-12T09:00:00+07:00")
    assert naive.status_code == 200, naive.content
    assert naive.json() == aware.json()


# ---- uploads ----------------------------------------------------------------------------------

def _upload(client, dossier_id, name: str | None, content: bytes | None, **extra):  # noqa: ANN001, ANN201
    data = dict(extra)
    if name is not None:
        data["file"] = SimpleUploadedFile(name, content or b"", content_type="application/octet-stream")
    return client.post(f"{API}/dossiers/{dossier_id}/files", data)


@pytest.mark.parametrize(("name", "content"), [
    ("setup.exe", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64),
    ("scan.pdf", PNG),  # a PNG pretending to be a PDF
    ("photo.png", PDF),  # and the other way round
    ("empty.pdf", b""),
    ("notes.txt", b"just some text"),
    ("page.html", b"<html><script>alert(1)</script></html>"),
    ("script.pdf", b"#!/bin/sh\nrm -rf /\n"),
    ("noext", PDF),
    ("archive.zip.exe", b"PK\x03\x04" + b"\x00" * 30),
])
def test_upload_refused(api, client_of, media, name, content):
    d = api.dossier_at(2)
    with api.unchanged(media):
        r = _upload(client_of("counter_a"), d.pk, name, content)
    api.error(r, 422, "validation_error", ("file",))


@pytest.mark.parametrize(("extra", "field"), [
    ({"kind": "virus"}, "kind"), ({"kind": ""}, "kind"), ({"component_id": "abc"}, "component_id"),
    ({"component_id": "999999"}, "component_id"), ({"component_id": str(HUGE)}, "component_id"),
])
def test_upload_bad_form_fields(api, client_of, media, extra, field):
    d = api.dossier_at(2)
    with api.unchanged(media):
        r = _upload(client_of("counter_a"), d.pk, "ok.pdf", PDF, **extra)
    api.error(r, 422, "validation_error", (field,))


def test_upload_component_of_another_dossier(api, client_of, media):
    d, other = api.dossier_at(2), api.dossier_at(2)
    comp = other.components.first()
    with api.unchanged(media):
        r = _upload(client_of("counter_a"), d.pk, "ok.pdf", PDF, component_id=str(comp.pk))
    api.error(r, 422, "validation_error", ("component_id",))


def test_upload_without_a_file(api, client_of, media):
    d = api.dossier_at(2)
    with api.unchanged(media):
        r = _upload(client_of("counter_a"), d.pk, None, None, kind="component")
    api.error(r, 422, "validation_error", ("file",))
    with api.unchanged(media):
        r = api.post(client_of("counter_a"), f"/dossiers/{d.pk}/files", {"file": "JVBERi0xLjQ="})
    api.error(r, 422, "validation_error", ("file",))


@pytest.mark.parametrize("dossier_id", [999_999, HUGE])
def test_upload_to_unknown_dossier(api, client_of, media, dossier_id):
    api.dossier_at(2)
    with api.unchanged(media):
        r = _upload(client_of("counter_a"), dossier_id, "ok.pdf", PDF)
    api.error(r, 404, "not_found")


# ---- public lookup ----------------------------------------------------------------------------

@pytest.mark.parametrize(("code", "statuses"), [
    ("000.31.90.H39-260310-9999", (404,)), ("x", (404, 422)), ("%20", (404, 422)), ("' OR 1=1 --", (404, 422)),
    ("a%00b", (400,)),  # a control character: refused before the lookup, the parameter named
])
def test_lookup_unknown_code(api, anon, code, statuses):
    api.dossier_at(2)
    r = anon.get(f"{API}/lookup/{code}")
    assert r.status_code in statuses, r.content
    err = api.error(r, r.status_code)
    if r.status_code == 400:
        assert err["code"] == "validation_error" and set(err["fields"]) == {"code"}, err
    assert "Nguyễn" not in r.content.decode()


def test_no_row_changed_anywhere(api):
    """Sanity check of the guard itself: a real change is noticed."""
    d = api.dossier_at(2)
    with pytest.raises(AssertionError), api.unchanged():
        Dossier.objects.filter(pk=d.pk).update(row_version=99)
