"""The simulators as ``motcua simulate sms|zalo`` start them, spoken to on the wire: each carrier's
own format and codes, Zalo's access_token header and single-use refresh tokens."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from motcua.integrations.sms import mapping as sms
from motcua.integrations.sms.simulator import SIM_BRANDNAME, SIM_PASSWORD, SIM_USER
from motcua.integrations.zalo import simulator as zsim
from tests.integrations.conftest import Sim, start_simulator

MOTCUA = str(Path(sys.executable).with_name("motcua"))


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Sim]]:
    tmp = tmp_path_factory.mktemp("cli")
    sims = {name: start_simulator([MOTCUA, "simulate", name], tmp / f"{name}.sqlite3") for name in ("sms", "zalo")}
    yield sims
    for s in sims.values():
        s.http.close()
        s.process.terminate()
        s.process.wait(10)


def viettel(url: str, **over: str) -> dict:
    body = {"user": SIM_USER, "password": SIM_PASSWORD, "brandname": SIM_BRANDNAME, "phone": "84987654321",
            "message": "Ho so A da duoc tiep nhan", "requestId": "r1", **over}
    return httpx.post(f"{url}/viettel/api/sms/send", json=body).json()


def test_viettel_json_and_its_codes(servers):  # noqa: ANN001
    url = servers["sms"].url
    servers["sms"].reset()
    assert viettel(url)["code"] == "00"
    assert viettel(url) == {"code": "07", "message": "Trùng mã yêu cầu", "msgId": "viettel-1"}  # same request id
    assert viettel(url, requestId="r2", password="x")["code"] == "01"
    assert viettel(url, requestId="r3", brandname="OTHER")["code"] == "03"
    assert viettel(url, requestId="r4", phone="842633822123")["code"] == "02"
    assert viettel(url, requestId="r5", message="Hồ sơ có dấu")["code"] == "04"
    assert viettel(url, requestId="r6", message="x" * 460)["code"] == "04"
    assert len(servers["sms"].state()["messages"]) == 1


def test_vnpt_soap_and_its_codes(servers):  # noqa: ANN001
    url = servers["sms"].url
    servers["sms"].reset()

    def call(**over: str) -> sms.Reply:
        args = {"user": SIM_USER, "password": SIM_PASSWORD, "brandname": SIM_BRANDNAME, "phone": "0912345678",
                "text": "Ho so B", "request_id": "q1", **over}
        r = httpx.post(f"{url}/vnpt/ws", content=sms.vnpt_request(**args), headers={"SOAPAction": "sendSMS"})
        return sms.vnpt_reply(r.content)

    assert call().code == "0" and call().code == "6"
    assert call(request_id="q2", password="x").code == "1"
    assert call(request_id="q3", text="Có dấu").code == "4"
    garbled = httpx.post(f"{url}/vnpt/ws", content=b"<not-xml")
    assert garbled.status_code == 500 and b"faultstring" in garbled.content
    servers["sms"].faults(vnpt_error=["5", 1])
    assert call(request_id="q4").code == "5" and call(request_id="q4").code == "0"


def test_zalo_token_and_template_calls(servers):  # noqa: ANN001
    url = servers["zalo"].url
    servers["zalo"].reset()
    body = {"phone": "84912345678", "template_id": "310001", "template_data": {"code": "A"}, "tracking_id": "t1"}

    def send(token: str, **over: object) -> dict:
        return httpx.post(f"{url}/message/template", json={**body, **over}, headers={"access_token": token}).json()

    assert send("wrong")["error"] == -124
    assert send(zsim.SIM_ACCESS_TOKEN)["error"] == 0
    assert send(zsim.SIM_ACCESS_TOKEN)["error"] == -150  # the same tracking_id
    assert send(zsim.SIM_ACCESS_TOKEN, tracking_id="t2", phone="0912345678")["error"] == -108

    def refresh(token: str) -> dict:
        return httpx.post(f"{url}/v4/oa/access_token", headers={"secret_key": zsim.SIM_SECRET_KEY},
                          data={"app_id": zsim.SIM_APP_ID, "refresh_token": token,
                                "grant_type": "refresh_token"}).json()

    pair = refresh(zsim.SIM_REFRESH_TOKEN)
    assert pair["access_token"] and pair["refresh_token"] != zsim.SIM_REFRESH_TOKEN
    assert refresh(zsim.SIM_REFRESH_TOKEN)["error"] == -14014  # a refresh token is good once
    servers["zalo"].faults(expire_tokens=True)
    assert send(pair["access_token"], tracking_id="t3")["error"] == -124
    servers["zalo"].faults(quota=0)
    new = refresh(pair["refresh_token"])
    assert send(new["access_token"], tracking_id="t4")["error"] == -144
