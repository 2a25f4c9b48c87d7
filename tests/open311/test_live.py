"""The Open311 API against a running server, through a real GeoReport v2 client library from PyPI
(``georeport``: services, definitions, requests, in JSON and in XML) and, for what it lacks
(POST, tokens, the media_url), a plain HTTP client (httpx). The photo a partner posts by URL is
served by a real HTTP server on 127.0.0.1 and fetched by the outbox worker's handler.

The other PyPI client, ``open311`` 1.1 (2011), is Python 2 only (``from api import API``): it
installs but cannot be imported on Python 3, so it is not used."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest
import requests
from georeport import GeoReport

from motcua.feedback import services as fsvc
from motcua.feedback.models import Case
from motcua.jobs import outbox
from motcua.jobs.models import OutboxMessage
from motcua.open311 import services as o311
from tests.open311.conftest import PHOTO, submit


class _Photos(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        body, kind = {"/anh/khu-cho.png": (PHOTO, "image/png"),
                      "/anh/trang.html": (b"<html></html>", "text/html")}.get(self.path, (b"", ""))
        self.send_response(200 if body else 404)
        self.send_header("Content-Type", kind or "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def photo_server() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Photos)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture
def site(transactional_db, live_server, world, now):  # noqa: ANN001, ANN201
    fsvc.load_categories()  # a transactional test starts from an empty table, without the data migration's rows
    return live_server.url + "/open311/v2"


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_the_georeport_client_reads_services_definitions_and_requests(site, fmt):  # noqa: ANN001
    case = submit()
    other = submit(category_code="PA-TTHC", description="Thủ tục khó", attributes={})
    client = GeoReport(site, jurisdiction="68", output_format=fmt)

    services = client.get_service_list()
    assert {"PA-TTHC", "PA-DONVI", "PA-CANBO", "KN-CHINHSACH"} <= {s["service_code"] for s in services}

    definition = client.get_service_definition("PA-DONVI")
    attribute = definition["attributes"][0] if fmt == "json" else definition["attributes"]["attribute"]
    assert definition["service_code"] == "PA-DONVI" and attribute["code"] == "place"
    values = attribute["values"] if fmt == "json" else attribute["values"]["value"]
    assert {"key": "waiting", "name": "Khu chờ"} in [dict(v) for v in values]

    listed = client.get_service_requests(service_code="PA-DONVI", status="open")
    listed = [listed] if isinstance(listed, dict) else listed  # xmltodict: one element is not a list
    assert [r["service_request_id"] for r in listed] == [case.code]
    both = client.get_service_requests(service_request_id=f"{case.code},{other.code}")
    assert {r["service_request_id"] for r in both} == {case.code, other.code}

    one = client.get_service_request(case.code)
    assert one["status"] == "open" and one["service_code"] == "PA-DONVI"
    assert one["requested_datetime"].endswith("+07:00")
    assert "0912345678" not in str(one) and "Trần Thị B" not in str(one)

    with pytest.raises(requests.HTTPError) as err:
        client.get_service_definition("KHONGCO")
    assert err.value.response.status_code == 404
    with pytest.raises(requests.HTTPError) as err:
        GeoReport(site, jurisdiction="01", output_format=fmt).get_service_list()
    assert err.value.response.status_code == 404


def test_a_partner_posts_then_reads_its_request_back(site, key):  # noqa: ANN001
    r = httpx.post(f"{site}/requests.json", data={
        "api_key": key[1], "jurisdiction_id": "68", "service_code": "PA-DONVI", "description": "Thiếu ghế",
        "lat": "11.94", "long": "108.44", "attribute[place]": "waiting", "first_name": "Lan",
        "phone": "0987654321"})
    assert r.status_code == 201, r.text
    code = r.json()[0]["service_request_id"]
    one = GeoReport(site, jurisdiction="68", output_format="xml").get_service_request(code)
    assert one["service_request_id"] == code and one["lat"] == "11.94" and one["long"] == "108.44"
    assert "0987654321" not in str(one)
    refused = httpx.post(f"{site}/requests.xml", data={"api_key": "sai", "service_code": "PA-DONVI"})
    assert refused.status_code == 403 and b"<errors><error><code>403</code>" in refused.content


def test_a_request_with_a_media_url_is_answered_with_a_token_then_gets_its_case(site, key, photo_server):  # noqa: ANN001
    r = httpx.post(f"{site}/requests.xml", data={
        "api_key": key[1], "service_code": "PA-DONVI", "description": "Nền nhà chờ bị nứt",
        "address_string": "TTPVHCC xã A", "media_url": f"{photo_server}/anh/khu-cho.png"})
    assert r.status_code == 202, r.text
    token = r.text.split("<token>")[1].split("</token>")[0]
    pending = httpx.get(f"{site}/tokens/{token}.json").json()
    assert pending == [{"token": token}]  # the id is not known yet
    assert not Case.objects.exists()

    message = OutboxMessage.objects.get(destination=o311.DESTINATION)
    assert outbox.deliver(message.id) == "delivered"  # the worker's task: fetch the photo, submit

    (answer,) = httpx.get(f"{site}/tokens/{token}.json").json()
    case = Case.objects.get(code=answer["service_request_id"])
    assert case.channel == "open311" and case.partner == "dalat-smart" and case.anonymous
    assert case.files.get().name == "khu-cho.png"
    detail = GeoReport(site, output_format="json").get_service_request(case.code)
    photo = httpx.get(detail["media_url"])
    assert photo.status_code == 200 and photo.content == PHOTO and photo.headers["content-type"] == "image/png"
    assert httpx.get(f"{site}/tokens/nope.xml").status_code == 404


def test_a_media_url_that_is_not_an_image_leaves_the_case_without_photo(site, key, photo_server):  # noqa: ANN001
    r = httpx.post(f"{site}/requests.json", data={
        "api_key": key[1], "service_code": "PA-TTHC", "description": "Ảnh lỗi", "address_string": "Xã B",
        "media_url": f"{photo_server}/anh/trang.html"})
    assert r.status_code == 202
    token = r.json()[0]["token"]
    assert outbox.deliver(OutboxMessage.objects.get(destination=o311.DESTINATION).id) == "delivered"
    (answer,) = httpx.get(f"{site}/tokens/{token}.json").json()
    assert not Case.objects.get(code=answer["service_request_id"]).files.exists()
