"""E-mail through a real SMTP server started by the test (aiosmtpd), read back: the subject, the
Vietnamese body, the lookup link, the unsubscribe link that works without signing in."""

from __future__ import annotations

import pytest

from motcua.conf import CONFIG
from motcua.dossiers import services as svc
from motcua.notifications.choices import Status
from motcua.notifications.models import Notification
from tests.factories import finished

from .conftest import drain, received, switch_on

pytestmark = pytest.mark.django_db


@pytest.fixture
def email_on(monkeypatch, inbox, smtp_server):  # noqa: ANN001, ANN201
    switch_on(monkeypatch, email_host="127.0.0.1", email_port=smtp_server[1], default_channels=("email",))
    return inbox


def header(msg, name: str) -> str:  # noqa: ANN001
    return " ".join(str(msg[name]).split())  # a long header is folded onto its next line


def subject(msg) -> str:  # noqa: ANN001
    return header(msg, "Subject")


def body_of(msg) -> str:  # noqa: ANN001
    return msg.get_body(preferencelist=("plain",)).get_content()


def test_received_email_read_back_from_the_smtp_server(world, email_on):  # noqa: ANN001
    d = received(world)
    assert email_on.messages == []  # nothing leaves inside the transaction: the worker sends it
    drain()
    [msg] = email_on.messages
    assert msg["To"] == "an.nguyen@example.vn"
    assert subject(msg) == f"Hồ sơ {d.code} đã được tiếp nhận"
    body = body_of(msg)
    assert "Kính gửi Nguyễn Văn An" in body and "TTPVHCC xã A đã tiếp nhận hồ sơ" in body
    assert "Thủ tục đăng ký khai sinh" in body
    from motcua.notifications.services import local_time

    d.refresh_from_db()
    assert f"Ngày hẹn trả kết quả: {local_time(d.appointment_at)}." in body
    assert f"{CONFIG.public_url}/portal/lookup/?code={d.code}" in body
    assert header(msg, "List-Unsubscribe").startswith(f"<{CONFIG.public_url}/notifications/unsubscribe/")
    n = Notification.objects.get(dossier=d)
    assert n.status == Status.SENT and n.attempts == 1 and n.sent_at and n.reply["smtp"] == "accepted"


def test_the_result_email_says_how_to_collect(world, email_on):  # noqa: ANN001
    d = received(world)
    svc.start(world.actor("counter_a"), d.pk)
    svc.request_supplement(world.actor("specialist_a"), d.pk, "Thiếu giấy chứng sinh", items=["Giấy chứng sinh"])
    svc.supplement(world.actor("counter_a"), d.pk, "Đã bổ sung")
    finished(world, d.pk)
    drain()
    subjects = [subject(m) for m in email_on.messages]
    assert subjects == [f"Hồ sơ {d.code} đã được tiếp nhận", f"Hồ sơ {d.code} cần bổ sung",
                        f"Hồ sơ {d.code} đã có kết quả"]
    assert "Giấy tờ cần bổ sung: Giấy chứng sinh" in body_of(email_on.messages[1])
    assert "Lý do: Thiếu giấy chứng sinh" in body_of(email_on.messages[1])
    assert "Mời ông/bà đến nhận kết quả tại TTPVHCC xã A" in body_of(email_on.messages[2])


@pytest.mark.urls("tests.notifications.urls")
def test_unsubscribe_link_works_without_signing_in(world, email_on, client):  # noqa: ANN001
    received(world)
    drain()
    url = header(email_on.messages[0], "List-Unsubscribe").strip("<>").removeprefix(CONFIG.public_url)
    page = client.get(url)  # asks, changes nothing (mail scanners follow links)
    assert page.status_code == 200 and "an.nguyen@example.vn" in page.content.decode()
    d = received(world)
    drain()
    assert len(email_on.messages) == 2
    assert client.post(url).status_code == 200
    tampered = url.replace("/unsubscribe/", "/unsubscribe/x")
    assert client.post(tampered).status_code == 400
    d = received(world)
    drain()
    assert len(email_on.messages) == 2  # opted out: nothing more sent
    assert Notification.objects.get(dossier=d).status == Status.OPTED_OUT


def test_a_refused_recipient_is_failed_not_retried(world, email_on):  # noqa: ANN001
    email_on.refuse.add("an.nguyen@example.vn")
    d = received(world)
    drain()
    n = Notification.objects.get(dossier=d)
    assert n.status == Status.FAILED and "từ chối" in n.error and n.attempts == 1
    assert email_on.messages == []


def test_smtp_server_down_is_retried_until_it_answers(world, monkeypatch, email_on, smtp_server):  # noqa: ANN001
    import dataclasses

    from motcua.notifications import conf

    good = conf.SETTINGS
    monkeypatch.setattr(conf, "SETTINGS", dataclasses.replace(good, email_port=1))  # nothing listens there
    d = received(world)
    from motcua.jobs.worker import Worker

    Worker(worker_id="test", once=True, own_connections=False).run()
    n = Notification.objects.get(dossier=d)
    assert n.status == Status.QUEUED and n.attempts >= 1 and n.error
    monkeypatch.setattr(conf, "SETTINGS", good)
    drain()
    assert len(email_on.messages) == 1
    assert Notification.objects.get(dossier=d).status == Status.SENT
