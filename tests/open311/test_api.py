"""Every Open311 endpoint in JSON and in XML (parsed with the standard library and checked against
the GeoReport v2 element names), with every error the spec defines."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from motcua.feedback import handling as h
from motcua.feedback.models import Case
from motcua.open311 import mapping
from motcua.open311 import services as o311
from tests.open311.conftest import PHOTO, rows, submit, xml

pytestmark = pytest.mark.django_db
BASE = "/open311/v2/"
SERVICE_FIELDS = {"service_code", "service_name", "description", "metadata", "type", "keywords", "group"}
ATTRIBUTE_FIELDS = {"variable", "code", "datatype", "required", "datatype_description", "order", "description",
                    "values"}
REQUEST_FIELDS = {"service_request_id", "status", "status_notes", "service_name", "service_code", "description",
                  "agency_responsible", "service_notice", "requested_datetime", "updated_datetime",
                  "expected_datetime", "address", "address_id", "zipcode", "lat", "long", "media_url"}
FORMATS = ("json", "xml")


def errors_of(response, fmt: str) -> list[dict]:  # noqa: ANN001
    if fmt == "json":
        assert response["Content-Type"].startswith("application/json")
        return response.json()
    root = xml(response)
    assert root.tag == "errors"
    return [{"code": int(e["code"]), "description": e["description"]} for e in rows(root, "error")]


def assert_error(response, fmt: str, status: int, *words: str) -> None:  # noqa: ANN001
    assert response.status_code == status, response.content
    errs = errors_of(response, fmt)
    assert errs and all(e["code"] == status and e["description"] for e in errs)
    text = " ".join(e["description"] for e in errs)
    for w in words:
        assert w in text, text


def requests_of(response, fmt: str) -> list[dict]:  # noqa: ANN001
    assert response.status_code in (200, 201, 202), response.content
    if fmt == "json":
        return response.json()
    root = xml(response)
    assert root.tag == "service_requests"
    found = rows(root, "request")
    for r in found:
        assert set(r) <= REQUEST_FIELDS | {"token", "account_id"}, set(r) - REQUEST_FIELDS
    return found


# ---- discovery and services -------------------------------------------------------------------

@pytest.mark.parametrize("fmt", FORMATS)
def test_discovery_names_the_spec_and_both_formats(client, world, fmt):  # noqa: ANN001
    r = client.get(f"{BASE}discovery.{fmt}")
    assert r.status_code == 200
    if fmt == "json":
        d = r.json()
        ep = d["endpoints"][0]
        formats = ep["formats"]
    else:
        root = xml(r)
        assert root.tag == "discovery" and root.find("changeset").text.endswith("+07:00")
        ep = {c.tag: c.text for c in root.find("endpoints/endpoint")}
        formats = [f.text for f in root.findall("endpoints/endpoint/formats/format")]
        d = {c.tag: c.text for c in root}
    assert {"changeset", "contact", "key_service", "endpoints"} <= set(d)
    assert ep["specification"] == mapping.SPEC_URL and ep["type"] == "production"
    assert ep["url"] == "http://testserver/open311/v2/"
    assert formats == ["text/xml", "application/json"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_services_are_the_postable_feedback_categories(client, world, fmt):  # noqa: ANN001
    r = client.get(f"{BASE}services.{fmt}")
    assert r.status_code == 200
    services = r.json() if fmt == "json" else rows(xml(r), "service")
    by_code = {s["service_code"]: s for s in services}
    # a dossier complaint needs the signed-in applicant; follow-ups come from ratings: neither is offered
    assert {"PA-TTHC", "PA-CANBO", "PA-DONVI", "KN-CHINHSACH"} <= set(by_code)
    assert "KN-HOSO" not in by_code and "HL-HOSO" not in by_code
    for s in services:
        assert set(s) == SERVICE_FIELDS
    donvi = by_code["PA-DONVI"]
    assert donvi["service_name"] == "Phản ánh về nơi tiếp nhận, cơ sở vật chất"
    assert donvi["group"] == "Cơ quan, đơn vị" and donvi["type"] == "realtime"
    assert donvi["metadata"] in (True, "true") and by_code["PA-TTHC"]["metadata"] in (False, "false")


def test_service_names_follow_the_language(client, world):  # noqa: ANN001
    r = client.get(f"{BASE}services.json", HTTP_ACCEPT_LANGUAGE="en")
    names = {s["service_code"]: s["service_name"] for s in r.json()}
    assert names["PA-DONVI"] == "Feedback on an office or its facilities"


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_service_definition_lists_its_attributes(client, world, fmt):  # noqa: ANN001
    r = client.get(f"{BASE}services/PA-DONVI.{fmt}")
    assert r.status_code == 200
    if fmt == "json":
        d = r.json()
        attr = d["attributes"][0]
        values = attr["values"]
    else:
        root = xml(r)
        assert root.tag == "service_definition"
        d = {"service_code": root.find("service_code").text}
        el = root.find("attributes/attribute")
        attr = {c.tag: c.text for c in el}
        values = [{"key": v.find("key").text, "name": v.find("name").text} for v in el.findall("values/value")]
    assert d["service_code"] == "PA-DONVI"
    assert set(attr) <= ATTRIBUTE_FIELDS and {"variable", "code", "datatype", "required", "order"} <= set(attr)
    assert attr["code"] == "place" and attr["datatype"] == "singlevaluelist"
    assert str(attr["required"]).lower() == "false" and str(attr["order"]) == "1"
    assert {"key": "counter", "name": "Quầy tiếp nhận"} in values


@pytest.mark.parametrize("fmt", FORMATS)
def test_an_unknown_or_not_postable_service_is_404(client, world, fmt):  # noqa: ANN001
    assert_error(client.get(f"{BASE}services/KHONGCO.{fmt}"), fmt, 404, "KHONGCO")
    assert_error(client.get(f"{BASE}services/HL-HOSO.{fmt}"), fmt, 404)


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_wrong_jurisdiction_is_404_and_the_province_code_is_accepted(client, world, fmt):  # noqa: ANN001
    assert_error(client.get(f"{BASE}services.{fmt}", {"jurisdiction_id": "hanoi.gov.vn"}), fmt, 404,
                 "jurisdiction_id")
    assert client.get(f"{BASE}services.{fmt}", {"jurisdiction_id": "68"}).status_code == 200


def test_an_unknown_format_is_not_served(client, world):  # noqa: ANN001
    assert client.get(f"{BASE}services.csv").status_code == 404


@pytest.mark.parametrize("fmt", FORMATS)
def test_another_method_is_405_in_the_spec_format(client, world, fmt):  # noqa: ANN001
    r = client.delete(f"{BASE}requests.{fmt}")
    assert_error(r, fmt, 405)
    assert r["Allow"] == "GET, POST"
    assert_error(client.post(f"{BASE}services.{fmt}"), fmt, 405)


# ---- POST requests ------------------------------------------------------------------------------

def post(client, fmt: str, raw: str | None, **fields):  # noqa: ANN001, ANN201
    data = {"service_code": "PA-DONVI", "description": "Khu chờ không có nước uống", "lat": "11.9404",
            "long": "108.4583", "first_name": "Lan", "last_name": "Phạm Thị", "phone": "0987654321",
            "email": "lan.pham@example.vn", "attribute[place]": "waiting", "device_id": "dev-42"}
    if raw is not None:
        data["api_key"] = raw
    data.update(fields)
    return client.post(f"{BASE}requests.{fmt}", {k: v for k, v in data.items() if v is not None})


@pytest.mark.parametrize("fmt", FORMATS)
def test_post_creates_a_case_through_the_feedback_service(client, key, now, fmt):  # noqa: ANN001
    r = post(client, fmt, key[1], jurisdiction_id="68")
    assert r.status_code == 201
    (answer,) = requests_of(r, fmt)
    assert set(answer) <= {"service_request_id", "service_notice", "account_id"}
    c = Case.objects.get(code=answer["service_request_id"])
    assert (c.channel, c.partner, c.external_ref) == ("open311", "dalat-smart", "dev-42")
    assert c.category.code == "PA-DONVI" and c.attributes == {"place": "waiting"}
    assert (c.sender_name, c.sender_phone, c.sender_email) == ("Lan Phạm Thị", "0987654321", "lan.pham@example.vn")
    assert (c.lat, c.lon) == (11.9404, 108.4583) and not c.anonymous
    assert c.events.get().action == "submit" and c.unit == world_province(c)
    assert "trả lời trước" in answer["service_notice"]


def world_province(c):  # noqa: ANN001, ANN201
    from motcua.units.models import Unit

    return Unit.objects.get(code="68")


def test_post_without_a_sender_is_anonymous_and_takes_an_address(client, key, now):  # noqa: ANN001
    r = post(client, "json", key[1], lat=None, long=None, first_name=None, last_name=None, phone=None,
             email=None, address_string="Chợ Đà Lạt", **{"attribute[place]": None})
    assert r.status_code == 201, r.content
    c = Case.objects.get(code=r.json()[0]["service_request_id"])
    assert c.anonymous and c.address == "Chợ Đà Lạt" and c.lat is None


def test_multivalue_attributes_are_lists(client, key, now):  # noqa: ANN001
    r = client.post(f"{BASE}requests.json", {"api_key": key[1], "service_code": "PA-DONVI", "description": "x",
                                             "address_string": "Quầy 1", "attribute[place][]": ["counter"]})
    assert r.status_code == 201, r.content
    assert Case.objects.get().attributes == {"place": ["counter"]}


def test_the_api_key_may_come_in_the_query_string(client, key, now):  # noqa: ANN001
    """As the `open311` client library sends it (api_key and jurisdiction_id in the URL)."""
    r = client.post(f"{BASE}requests.xml?api_key={key[1]}&jurisdiction_id=68",
                    {"service_code": "PA-TTHC", "description": "Thủ tục dài", "address_string": "Phường 1"})
    assert r.status_code == 201


@pytest.mark.parametrize("fmt", FORMATS)
def test_post_refuses_a_missing_wrong_or_revoked_api_key_with_403(client, key, now, fmt):  # noqa: ANN001
    assert_error(post(client, fmt, None), fmt, 403, "api_key")
    assert_error(post(client, fmt, "o311_sai"), fmt, 403, "api_key")
    o311.revoke_key(key[0])
    assert_error(post(client, fmt, key[1]), fmt, 403, "api_key")
    assert not Case.objects.exists()


@pytest.mark.parametrize("fmt", FORMATS)
def test_post_refuses_missing_or_invalid_fields_with_400(client, key, now, fmt):  # noqa: ANN001
    raw = key[1]
    assert_error(post(client, fmt, raw, service_code=None), fmt, 400, "service_code")
    assert_error(post(client, fmt, raw, lat=None, long=None), fmt, 400, "lat", "address_string")
    assert_error(post(client, fmt, raw, lat="bắc"), fmt, 400, "lat")
    assert_error(post(client, fmt, raw, lat="95"), fmt, 400, "lat")
    assert_error(post(client, fmt, raw, long=None), fmt, 400, "long")
    assert_error(post(client, fmt, raw, description=None), fmt, 400, "description")
    assert_error(post(client, fmt, raw, email="khong-phai-email"), fmt, 400, "email")
    assert_error(post(client, fmt, raw, **{"attribute[place]": "bai-xe"}), fmt, 400, "attribute[place]")
    assert_error(post(client, fmt, raw, **{"attribute[mau]": "x"}), fmt, 400, "attribute[mau]")
    assert_error(post(client, fmt, raw, media_url="ftp://127.0.0.1/a.png"), fmt, 400, "media_url")
    assert_error(post(client, fmt, raw, media_url="http://example.com/a.png"), fmt, 400, "media_url")
    assert not Case.objects.exists()


@pytest.mark.parametrize("fmt", FORMATS)
def test_post_answers_404_for_an_unknown_service_or_jurisdiction(client, key, now, fmt):  # noqa: ANN001
    assert_error(post(client, fmt, key[1], service_code="KHONGCO"), fmt, 404, "KHONGCO")
    assert_error(post(client, fmt, key[1], service_code="KN-HOSO"), fmt, 404)
    assert_error(post(client, fmt, key[1], jurisdiction_id="79"), fmt, 404, "jurisdiction_id")
    assert not Case.objects.exists()


@pytest.mark.parametrize("fmt", FORMATS)
def test_posting_is_rate_limited_per_key(client, world, now, fmt):  # noqa: ANN001
    _, raw = o311.issue_key(None, "Thử", "thu", rate="2/m")
    assert post(client, fmt, raw).status_code == 201
    assert post(client, fmt, raw).status_code == 201
    r = post(client, fmt, raw)
    assert_error(r, fmt, 429)
    assert int(r["Retry-After"]) >= 1
    assert Case.objects.count() == 2


# ---- GET requests -------------------------------------------------------------------------------

@pytest.fixture
def cases(world, clock):  # noqa: ANN001, ANN201
    """Four public cases received over four months, one answered (closed), and a dossier complaint."""
    clock.set("2025-06-02 09:00")
    old = submit(description="Cũ quá 90 ngày")
    clock.set("2025-08-04 09:00")
    answered = submit(category_code="PA-TTHC", description="Thủ tục khó hiểu", attributes={})
    h.acknowledge(world.actor("leader_p") if False else _handler(world, answered), answered.pk)
    h.answer(_handler(world, answered), answered.pk, "Đã hướng dẫn lại.")
    clock.set("2025-09-01 09:00")
    photo = submit(photos=[("khu-cho.png", PHOTO, "image/png")])
    clock.set("2025-09-09 09:00")
    officer = submit(category_code="PA-CANBO", description="Cán bộ không hướng dẫn", attributes={},
                     photos=[("can-bo.png", PHOTO, "image/png")])
    return {"old": old, "answered": Case.objects.get(pk=answered.pk), "photo": photo, "officer": officer}


def _handler(world, case):  # noqa: ANN001, ANN202
    """A province-level handler of cases routed to the province root."""
    from motcua.units.choices import Role
    from motcua.units.models import StaffRole
    from tests.factories import _user

    user = world.users.get("fb_leader")
    if user is None:
        user = world.users["fb_leader"] = _user("fb_leader")
        StaffRole.objects.create(user=user, unit=case.unit, role=Role.LEADER)
    return world.actor("fb_leader")


def codes(response, fmt: str) -> list[str]:  # noqa: ANN001
    return [r["service_request_id"] for r in requests_of(response, fmt)]


@pytest.mark.parametrize("fmt", FORMATS)
def test_get_requests_lists_the_last_90_days_newest_first(client, cases, fmt):  # noqa: ANN001
    r = client.get(f"{BASE}requests.{fmt}")
    assert r.status_code == 200
    c = cases
    assert codes(r, fmt) == [c["officer"].code, c["photo"].code, c["answered"].code]
    found = requests_of(client.get(f"{BASE}requests.{fmt}"), fmt)
    for row in found:
        assert set(row) <= REQUEST_FIELDS


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_request_has_the_spec_fields_and_no_personal_data(client, cases, fmt):  # noqa: ANN001
    r = client.get(f"{BASE}requests/{cases['photo'].code}.{fmt}")
    (row,) = requests_of(r, fmt)
    assert row["status"] == "open" and row["service_code"] == "PA-DONVI"
    assert row["requested_datetime"] == "2025-09-01T09:00:00+07:00"
    assert row["updated_datetime"] == "2025-09-01T09:00:00+07:00"
    assert row["expected_datetime"] == mapping.when(cases["photo"].due_at)
    assert row["expected_datetime"].endswith("+07:00")
    assert row["agency_responsible"] == "Tỉnh Lâm Đồng"
    assert row["address"] == "Quầy 3, TTPVHCC xã A"
    assert float(row["lat"]) == 11.94 and float(row["long"]) == 108.44
    assert "Tỉnh Lâm Đồng" in row["status_notes"] and row["description"] == "Khu chờ không đủ ghế"
    body = r.content.decode()
    for private in ("Trần Thị B", "0912345678", "b.tran@example.vn", "068123456789"):
        assert private not in body


def test_the_media_url_serves_the_first_photo_of_a_publishing_category_only(client, cases):  # noqa: ANN001
    photo = client.get(f"{BASE}requests/{cases['photo'].code}.json").json()[0]
    assert photo["media_url"].startswith("http://testserver/open311/v2/media/")
    got = client.get(photo["media_url"].removeprefix("http://testserver"))
    assert got.status_code == 200 and got["Content-Type"] == "image/png"
    assert b"".join(got.streaming_content) == PHOTO
    # the officer category does not publish: no media_url, and its photo is not served
    officer = client.get(f"{BASE}requests/{cases['officer'].code}.xml")
    assert "media_url" not in rows(xml(officer), "request")[0]
    file_id = cases["officer"].files.get().pk
    assert client.get(f"{BASE}media/{cases['officer'].code}/{file_id}").status_code == 404
    assert client.get(f"{BASE}media/{cases['photo'].code}/{file_id}").status_code == 404


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_closed_request_has_no_expected_datetime(client, cases, fmt):  # noqa: ANN001
    (row,) = requests_of(client.get(f"{BASE}requests/{cases['answered'].code}.{fmt}"), fmt)
    assert row["status"] == "closed" and "expected_datetime" not in row
    assert "Đã có câu trả lời" in row["status_notes"]
    assert row["updated_datetime"] == "2025-08-04T09:00:00+07:00"


@pytest.mark.parametrize("fmt", FORMATS)
def test_get_requests_filters(client, cases, fmt):  # noqa: ANN001
    c = cases

    def get(**params):  # noqa: ANN003, ANN202
        return codes(client.get(f"{BASE}requests.{fmt}", params), fmt)

    assert get(status="closed") == [c["answered"].code]
    assert get(status="open") == [c["officer"].code, c["photo"].code]
    assert get(status="open,closed") == [c["officer"].code, c["photo"].code, c["answered"].code]
    assert get(service_code="PA-TTHC,PA-CANBO") == [c["officer"].code, c["answered"].code]
    assert get(start_date="2025-05-01T00:00:00Z", end_date="2025-07-01T00:00:00Z") == [c["old"].code]
    assert get(start_date="2025-09-01T00:00:00+07:00", end_date="2025-09-02T00:00:00+07:00") == [c["photo"].code]
    assert get(end_date="2025-08-05") == [c["answered"].code, c["old"].code]  # 90 days back from the end
    assert get(end_date="2025-09-09T09:00:00+07:00") == [c["officer"].code, c["photo"].code, c["answered"].code]
    assert get(start_date="2025-08-04") == [c["officer"].code, c["photo"].code, c["answered"].code]
    # service_request_id overrides every other filter, even the 90-day window
    assert set(get(service_request_id=f"{c['old'].code},{c['photo'].code}", status="closed")) == {
        c["old"].code, c["photo"].code}
    assert get(jurisdiction_id="68", status="closed") == [c["answered"].code]


@pytest.mark.parametrize("fmt", FORMATS)
def test_get_requests_refuses_bad_filters_with_400(client, cases, fmt):  # noqa: ANN001
    assert_error(client.get(f"{BASE}requests.{fmt}", {"status": "pending"}), fmt, 400, "status")
    assert_error(client.get(f"{BASE}requests.{fmt}", {"start_date": "hôm qua"}), fmt, 400, "start_date")
    assert_error(client.get(f"{BASE}requests.{fmt}", {"end_date": "2025-13-01"}), fmt, 400, "end_date")
    assert_error(client.get(f"{BASE}requests.{fmt}", {"start_date": "2025-01-01", "end_date": "2025-06-01"}),
                 fmt, 400, "90")
    assert_error(client.get(f"{BASE}requests.{fmt}", {"start_date": "2025-06-01", "end_date": "2025-05-01"}),
                 fmt, 400, "start_date")
    assert_error(client.get(f"{BASE}requests.{fmt}", {"jurisdiction_id": "01"}), fmt, 404, "jurisdiction_id")


def test_get_requests_returns_at_most_the_limit(client, cases, monkeypatch):  # noqa: ANN001
    monkeypatch.setattr(mapping, "MAX_RESULTS", 2)
    assert len(client.get(f"{BASE}requests.json").json()) == 2


@pytest.mark.parametrize("fmt", FORMATS)
def test_an_unknown_or_private_request_is_404(client, cases, world, fmt):  # noqa: ANN001
    assert_error(client.get(f"{BASE}requests/PA-000000-000000.{fmt}"), fmt, 404)
    # a complaint about one's dossier is not public: no answer for it
    private = Case.objects.filter(pk=cases["photo"].pk)
    private.update(kind="complaint")
    assert_error(client.get(f"{BASE}requests/{cases['photo'].code}.{fmt}"), fmt, 404)
    assert cases["photo"].code not in codes(client.get(f"{BASE}requests.{fmt}"), fmt)
    assert_error(client.get(f"{BASE}requests/{cases['officer'].code}.{fmt}", {"jurisdiction_id": "x"}), fmt, 404)


def test_requests_window_is_exclusive_of_older_cases(cases, clock):  # noqa: ANN001
    now = cases["photo"].received_at + timedelta(days=7)
    f = mapping.filters_of({}, now)
    assert now - f.start == timedelta(days=90) and f.end is None and f.is_open is None


def test_json_answers_are_utf8_not_escaped(client, cases):  # noqa: ANN001
    body = client.get(f"{BASE}services.json").content.decode()
    assert "Phản ánh" in body and json.loads(body)
