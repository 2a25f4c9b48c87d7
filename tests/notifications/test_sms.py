"""SMS brandname against the carriers' simulator server: the carrier picked by prefix, text without
diacritics within the limit, and after every failure mode each message sent exactly once."""

from __future__ import annotations

import time

import pytest

from motcua.dossiers import services as svc
from motcua.integrations.sms import mapping
from motcua.jobs.worker import Worker
from motcua.notifications.choices import Status
from motcua.notifications.models import Notification

from .conftest import drain, received, switch_on

pytestmark = pytest.mark.django_db
VIETTEL_PHONE, VNPT_PHONE, MOBIFONE_PHONE = "0987654321", "0912345678", "0901234567"


@pytest.fixture
def sms(monkeypatch, sms_sim):  # noqa: ANN001, ANN201
    switch_on(monkeypatch, sms_url=sms_sim.url, default_channels=("sms",))
    return sms_sim


def two_messages(world, phone: str):  # noqa: ANN001, ANN201
    """A dossier received (one SMS) and then asked for a supplement (another)."""
    d = received(world, phone=phone, email="")
    svc.start(world.actor("counter_a"), d.pk)
    svc.request_supplement(world.actor("specialist_a"), d.pk, "Thiếu giấy chứng sinh", items=["Giấy chứng sinh"])
    return d


def assert_once_each(sim, d) -> None:  # noqa: ANN001
    """Every notification of ``d`` is sent, and the carrier took each exactly once."""
    sent = list(Notification.objects.filter(dossier=d).order_by("pk"))
    assert [n.status for n in sent] == [Status.SENT] * len(sent), [(n.status, n.error) for n in sent]
    taken = sim.state()["messages"]
    ids = [m["request_id"] for m in taken]
    assert len(ids) == len(set(ids)) == len(sent)
    assert [m["text"] for m in taken] == [n.text for n in sent]


def test_carrier_by_prefix_plain_text_within_the_limit(world, sms):  # noqa: ANN001
    codes = {}
    for phone in (VIETTEL_PHONE, VNPT_PHONE, MOBIFONE_PHONE):
        codes[phone] = received(world, phone=phone, email="").code
    drain()
    taken = {m["phone"]: m for m in sms.state()["messages"]}
    assert {p: m["carrier"] for p, m in taken.items()} == {"84987654321": "viettel", "84912345678": "vnpt",
                                                            "84901234567": "vnpt"}
    for phone, code in codes.items():
        text = taken[mapping.normalize(phone)]["text"]
        assert mapping.is_plain(text) and len(text) <= 306
        assert f"Ho so {code} da duoc tiep nhan, hen tra ket qua" in text
        assert f"/portal/lookup/?code={code}" in text
        assert text.startswith("TTPVHCC xa A:")


def test_a_long_reason_is_shortened_to_fit_160(world, monkeypatch, sms):  # noqa: ANN001
    switch_on(monkeypatch, sms_url=sms.url, default_channels=("sms",), sms_max_length=160)
    d = received(world, phone=VIETTEL_PHONE, email="")
    svc.request_supplement(world.actor("specialist_a"), d.pk, "Đề nghị bổ sung đầy đủ giấy tờ " * 30,
                           items=["Bản sao giấy chứng sinh có chứng thực của cơ quan có thẩm quyền"] * 4)
    drain()
    texts = [m["text"] for m in sms.state()["messages"]]
    assert len(texts) == 2
    for t in texts:
        assert len(t) <= 160 and mapping.is_plain(t) and d.code in t
    assert texts[0].startswith(f"Ho so {d.code} da duoc tiep nhan")  # the unit's name gave way first
    assert "Bo sung" not in texts[1] and "..." in texts[1]  # the reason and the items shortened


@pytest.mark.parametrize(("phone", "faults"), [
    (VIETTEL_PHONE, {"viettel_error": ["99", 3]}),  # busy
    (VIETTEL_PHONE, {"viettel_error": ["05", 1]}),  # out of balance
    (VNPT_PHONE, {"vnpt_error": ["-1", 2]}),  # system error
    (VNPT_PHONE, {"vnpt_error": ["5", 1]}),  # quota
    (VIETTEL_PHONE, {"http_500": 2}),
    (VNPT_PHONE, {"http_500": 2}),
    (VIETTEL_PHONE, {"drop_reply": 1}),  # sent, reply lost: the retry is recognised as a duplicate
    (VNPT_PHONE, {"drop_reply": 2}),
])
def test_each_failure_mode_nothing_lost_nothing_twice(world, sms, phone, faults):  # noqa: ANN001
    sms.faults(**faults)
    d = two_messages(world, phone)
    drain()
    assert_once_each(sms, d)
    assert max(n.attempts for n in Notification.objects.filter(dossier=d)) >= 2  # the fault did bite


def test_slow_carrier_times_out_and_the_retry_is_a_duplicate(world, sms):  # noqa: ANN001
    sms.faults(delay=1.5)  # longer than the client's 1 s: the carrier sends, we never hear back
    d = received(world, phone=VNPT_PHONE, email="")
    Worker(worker_id="test", once=True, own_connections=False).run()
    n = Notification.objects.get(dossier=d)
    assert n.status == Status.QUEUED and "ReadTimeout" in n.error
    sms.faults(delay=None)
    drain()
    time.sleep(1.0)  # the first call, still in the simulator, lands late: as a duplicate
    assert_once_each(sms, d)


def test_balance_empty_waits_then_goes(world, sms):  # noqa: ANN001
    sms.faults(balance=0)
    d = two_messages(world, VIETTEL_PHONE)
    Worker(worker_id="test", once=True, own_connections=False).run()
    assert set(Notification.objects.filter(dossier=d).values_list("status", flat=True)) == {Status.QUEUED}
    first, second = Notification.objects.filter(dossier=d).order_by("pk")
    assert "05" in first.error and second.attempts == 0  # the later one waits behind the first (in order)
    sms.faults(balance=None)
    drain()
    assert_once_each(sms, d)


@pytest.mark.parametrize(("phone", "faults"), [(VIETTEL_PHONE, {"viettel_error": ["02", 1]}),
                                               (VNPT_PHONE, {"vnpt_error": ["4", 1]})])
def test_a_refusal_is_failed_at_once(world, sms, phone, faults):  # noqa: ANN001
    sms.faults(**faults)
    d = received(world, phone=phone, email="")
    drain()
    n = Notification.objects.get(dossier=d)
    assert n.status == Status.FAILED and n.attempts == 1 and "mã" in n.error
    assert sms.state()["messages"] == []


def test_no_mobile_number_no_sms(world, sms):  # noqa: ANN001
    d = received(world, phone="0263 3822 123", email="")  # a landline
    drain()
    assert not Notification.objects.filter(dossier=d).exists()
    assert sms.state()["messages"] == []
