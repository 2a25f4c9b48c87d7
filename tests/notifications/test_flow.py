"""When notifications are recorded and for whom: only after the change commits, once per (event,
channel, recipient), on the applicant's channels, never to someone who opted out; the English
variant; payment and apology messages; templates an administrator edits."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction

from motcua.core import clock
from motcua.dossiers import services as svc
from motcua.jobs.models import OutboxMessage
from motcua.notifications import services
from motcua.notifications.choices import Channel, Kind, Status
from motcua.notifications.models import Notification, Template
from motcua.portal.models import CitizenProfile

from .conftest import drain, received

pytestmark = pytest.mark.django_db


def bodies(channels) -> list[str]:  # noqa: ANN001
    return [m.get_body(preferencelist=("plain",)).get_content() for m in channels["inbox"].messages]


def test_every_channel_once(world, channels):  # noqa: ANN001
    d = received(world)
    drain()
    assert sorted(Notification.objects.filter(dossier=d).values_list("channel", "status")) == [
        ("email", "sent"), ("sms", "sent"), ("zalo", "sent")]
    assert len(channels["inbox"].messages) == 1
    assert len(channels["sms"].state()["messages"]) == 1 and len(channels["zalo"].state()["messages"]) == 1


def test_a_rolled_back_change_sends_nothing(world, channels):  # noqa: ANN001
    class Abort(Exception):
        pass

    with pytest.raises(Abort), transaction.atomic():
        received(world)
        assert Notification.objects.count() == 3  # recorded in the change's transaction...
        raise Abort
    assert Notification.objects.count() == 0 and not OutboxMessage.objects.exists()  # ...and gone with it
    drain()
    assert channels["inbox"].messages == [] and channels["sms"].state()["messages"] == []
    assert channels["zalo"].state()["messages"] == []


def test_the_hook_twice_records_once(world, channels):  # noqa: ANN001
    d = received(world)
    ev = d.events.get(seq=1)
    services.on_event(d, ev)
    services.on_event(d, ev)
    assert Notification.objects.filter(dossier=d).count() == 3
    assert OutboxMessage.objects.filter(destination=services.DESTINATION).count() == 3


def test_history_events_notify_nobody(world, channels):  # noqa: ANN001
    d = received(world)
    Notification.objects.all().delete()
    ev = d.events.get(seq=1)
    ev.at = clock.now() - timedelta(days=3)  # as a generated or imported history has them
    services.on_event(d, ev)
    assert not Notification.objects.exists()


def test_online_submission_is_not_received_yet(world, channels):  # noqa: ANN001
    d = svc.intake(world.actor("citizen"), world.intake_request(channel=2, owner_id=world.users["citizen"].pk))
    assert not Notification.objects.filter(dossier=d).exists()
    svc.receive(world.actor("counter_a"), d.pk)
    assert Notification.objects.filter(dossier=d, kind=Kind.RECEIVED).count() == 2  # no e-mail on the dossier


def test_the_citizen_account_chooses_channels_and_language(world, channels):  # noqa: ANN001
    citizen = world.users["citizen"]
    citizen.email = "an@example.vn"
    citizen.save()
    CitizenProfile.objects.create(user=citizen, id_number="068123456789", phone="0987654321")
    services.set_preference(user_id=citizen.pk, channels=["email"], language="en")
    d = svc.intake(world.actor("citizen"), world.intake_request(
        channel=2, owner_id=citizen.pk, applicant=svc.Applicant(name="Nguyễn Văn An")))
    svc.receive(world.actor("counter_a"), d.pk)
    drain()
    [n] = Notification.objects.filter(dossier=d)
    assert (n.channel, n.recipient, n.language, n.status) == ("email", "an@example.vn", "en", "sent")
    assert "Dear Nguyễn Văn An" in bodies(channels)[0] and f"application {d.code}" in bodies(channels)[0]


def test_opt_out_of_the_account_stops_everything(world, channels):  # noqa: ANN001
    citizen = world.users["citizen"]
    services.set_preference(user_id=citizen.pk, opted_out=True)
    d = svc.intake(world.actor("citizen"), world.intake_request(
        channel=2, owner_id=citizen.pk, applicant=svc.Applicant(name="An", phone="0912345678")))
    svc.receive(world.actor("counter_a"), d.pk)
    drain()
    assert set(Notification.objects.filter(dossier=d).values_list("status", flat=True)) == {Status.OPTED_OUT}
    assert channels["sms"].state()["messages"] == [] and channels["zalo"].state()["messages"] == []


def test_opt_out_of_a_phone_stops_sms_and_zalo_not_email(world, channels):  # noqa: ANN001
    services.set_preference(phone="0912 345 678", opted_out=True)
    d = received(world)
    drain()
    assert dict(Notification.objects.filter(dossier=d).values_list("channel", "status")) == {
        "email": "sent", "sms": "opted_out", "zalo": "opted_out"}


def test_opting_out_after_queueing_still_stops_it(world, channels):  # noqa: ANN001
    d = received(world)
    services.set_preference(email="AN.NGUYEN@example.vn", opted_out=True)
    drain()
    assert Notification.objects.get(dossier=d, channel=Channel.EMAIL).status == Status.OPTED_OUT
    assert channels["inbox"].messages == []


def test_payment_and_apology_messages(world, channels):  # noqa: ANN001
    d = received(world)
    svc.start(world.actor("counter_a"), d.pk)
    svc.request_payment(world.actor("specialist_a"), d.pk, 1500000, "Lệ phí cấp bản sao trích lục")
    svc.payment(world.actor("counter_a"), d.pk, 1500000)
    later = clock.now() + timedelta(days=10)
    svc.extend(world.actor("specialist_a"), d.pk, "Cần xác minh thêm thông tin", later)
    drain()
    texts = bodies(channels)
    assert "đề nghị ông/bà nộp 1.500.000 đồng" in texts[1] and "Lệ phí cấp bản sao trích lục" in texts[1]
    assert "chân thành xin lỗi" in texts[2] and "Lý do: Cần xác minh thêm thông tin" in texts[2]
    assert f"Ngày hẹn trả kết quả mới: {services.local_time(later)}" in texts[2]
    sms = [m["text"] for m in channels["sms"].state()["messages"]]
    assert "can nop 1.500.000 dong (Le phi cap ban sao trich luc)" in sms[1]
    assert "xin loi" in sms[2]


def test_an_administrator_edits_a_template(world, channels):  # noqa: ANN001
    t = Template.objects.get(kind=Kind.RECEIVED, channel=Channel.EMAIL, language="vi")
    t.subject = "[UBND xã] Đã nhận hồ sơ {code}"
    t.full_clean()
    t.save()
    d = received(world)
    assert Notification.objects.get(dossier=d, channel="email").subject == f"[UBND xã] Đã nhận hồ sơ {d.code}"


def test_a_template_naming_an_unknown_value_is_refused(db):  # noqa: ANN001
    t = Template.objects.get(kind=Kind.RECEIVED, channel=Channel.SMS, language="vi")
    t.body = "Hồ sơ {code} - {amount}"
    with pytest.raises(ValidationError) as exc:
        t.full_clean()
    assert "amount" in str(exc.value)
    t.body = "Hồ sơ {code"
    with pytest.raises(ValidationError):
        t.full_clean()


def test_a_broken_template_falls_back_to_the_shipped_one(world, channels):  # noqa: ANN001
    Template.objects.filter(kind=Kind.RECEIVED, channel=Channel.EMAIL, language="vi").update(body="{nope}")
    d = received(world)
    assert "đã tiếp nhận hồ sơ" in Notification.objects.get(dossier=d, channel="email").text


def test_shipped_templates_are_installed_and_valid(db):  # noqa: ANN001
    from motcua.notifications.defaults import shipped

    assert Template.objects.count() == len(shipped()) == 44  # 7 kinds x 3 channels x 2 languages + the e-mail digest
    for t in Template.objects.all():
        t.full_clean()


@pytest.mark.urls("tests.notifications.urls")
def test_the_citizen_sets_channels_and_opts_out_on_the_portal(world, client):  # noqa: ANN001
    assert client.get("/notifications/preferences/").status_code == 302  # sign in first
    client.force_login(world.users["citizen"])
    page = client.get("/notifications/preferences/")
    assert page.status_code == 200 and "Nhận thông báo về hồ sơ" in page.content.decode()
    r = client.post("/notifications/preferences/", {"channels": ["zalo"], "language": "en"})
    assert r.status_code == 302
    prefs = services.prefs_for(world.users["citizen"].pk)
    assert prefs.channels() == ("zalo",) and prefs.language() == "en" and not prefs.opted_out("zalo")
    client.post("/notifications/preferences/", {"language": "vi", "opted_out": "on"})
    assert services.prefs_for(world.users["citizen"].pk).opted_out("sms")
    client.force_login(world.users["counter_a"])
    assert client.get("/notifications/preferences/").status_code == 403  # staff work in the office


def test_a_failing_notification_never_blocks_the_dossier(world, channels, monkeypatch, caplog):  # noqa: ANN001
    def broken(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        raise RuntimeError("template store down")

    monkeypatch.setattr(services, "render", broken)
    d = received(world)  # the receipt itself goes through
    assert d.pk and d.events.count() == 1 and not Notification.objects.exists()
    assert "not recorded" in caplog.text and "template store down" in caplog.text


def test_a_preference_needs_a_usable_key(db):  # noqa: ANN001
    from motcua.domain.errors import ValidationFailed

    with pytest.raises(ValidationFailed):
        services.set_preference(phone="0263 3822 123", opted_out=True)  # a landline: no SMS to stop
    with pytest.raises(ValidationFailed):
        services.set_preference(email="  ", opted_out=True)
    assert services.set_preference(phone="+84 912 345 678", opted_out=True).phone == "84912345678"
