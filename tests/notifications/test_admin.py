"""The administrators' pages: templates edited with their placeholders checked, the log read-only."""

from __future__ import annotations

import pytest

from motcua.notifications.choices import Channel, Kind
from motcua.notifications.models import Notification, Template

from .conftest import received, switch_on

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(world, client):  # noqa: ANN001, ANN201
    from django.contrib.auth import get_user_model

    root = get_user_model().objects.create_superuser("root", "root@example.vn", "x")
    client.force_login(root)
    return client


def test_log_and_templates_pages(world, admin_client, monkeypatch, smtp_server):  # noqa: ANN001
    switch_on(monkeypatch, email_host="127.0.0.1", email_port=smtp_server[1], default_channels=("email",))
    d = received(world)
    n = Notification.objects.get(dossier=d)
    page = admin_client.get("/admin/notifications/notification/?status=queued")
    assert page.status_code == 200 and "an.nguyen@example.vn" in page.content.decode()
    assert admin_client.get(f"/admin/notifications/notification/{n.pk}/change/").status_code == 200
    assert admin_client.get("/admin/notifications/notification/add/").status_code == 403
    assert admin_client.get("/admin/notifications/template/").status_code == 200
    assert admin_client.get("/admin/notifications/preference/").status_code == 200


def test_editing_a_template_checks_its_placeholders(world, admin_client):  # noqa: ANN001
    t = Template.objects.get(kind=Kind.RESULT, channel=Channel.SMS, language="vi")
    url = f"/admin/notifications/template/{t.pk}/change/"
    page = admin_client.get(url)
    assert "{how}" in page.content.decode()  # the values it may use are shown
    form = {"kind": t.kind, "channel": t.channel, "language": t.language, "subject": "", "zns_template_id": "",
            "zns_params": "[]", "body": "Hồ sơ {code}: {amount}"}
    r = admin_client.post(url, form)
    assert r.status_code == 200 and "amount" in r.content.decode()  # refused, shown again
    form["body"] = "Hồ sơ {code} đã có kết quả. {how}"
    assert admin_client.post(url, form).status_code == 302
    t.refresh_from_db()
    assert t.body == "Hồ sơ {code} đã có kết quả. {how}"
