"""The administrators' outbox page: backlog, failures, retry and discard (CSRF-protected, logged)."""

from __future__ import annotations

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.test import Client

from motcua.jobs import outbox
from motcua.jobs.admin import backlog
from motcua.jobs.models import OutboxMessage, Status

URL = "/admin/jobs/outboxmessage/"
pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client_csrf() -> Client:
    user = get_user_model().objects.create_superuser("quantri-test", "q@example.vn", "pw-123456789")
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    return client


@pytest.fixture
def dead(tmp_path) -> OutboxMessage:  # noqa: ANN001
    m = outbox.enqueue("test.record", "dead-1", {"path": str(tmp_path / "f")}, ordering_key="dossier-7")
    OutboxMessage.objects.filter(id=m.id).update(status=Status.DEAD, attempts=10, last_error="HTTP 500 từ cổng")
    outbox.enqueue("log", "pending-1", {})
    m.refresh_from_db()
    return m


def test_the_page_shows_backlog_per_destination_and_failures(admin_client_csrf, dead):
    page = admin_client_csrf.get(URL).content.decode()
    assert "Tồn đọng theo nơi nhận" in page
    assert "test.record" in page and "HTTP 500 từ cổng" in page and "dossier-7" in page
    rows = {r["destination"]: r for r in backlog()}
    assert rows["test.record"]["dead"] == 1 and rows["log"]["pending"] == 1 and rows["log"]["oldest_age"]


def test_retry_is_a_csrf_protected_post_and_is_logged(admin_client_csrf, dead):
    form = {"action": "retry_selected", "_selected_action": [dead.id]}
    assert admin_client_csrf.post(URL, form).status_code == 403
    admin_client_csrf.get(URL)
    token = admin_client_csrf.cookies["csrftoken"].value
    response = admin_client_csrf.post(URL, {**form, "csrfmiddlewaretoken": token})
    assert response.status_code == 302
    dead.refresh_from_db()
    assert dead.status == Status.PENDING and dead.attempts == 0
    entry = LogEntry.objects.get(object_id=str(dead.id))
    assert entry.user.username == "quantri-test" and "gửi lại" in entry.get_change_message()


def test_discard(admin_client_csrf, dead):
    admin_client_csrf.get(URL)
    token = admin_client_csrf.cookies["csrftoken"].value
    admin_client_csrf.post(URL, {"action": "discard_selected", "_selected_action": [dead.id],
                                 "csrfmiddlewaretoken": token})
    dead.refresh_from_db()
    assert dead.status == Status.DISCARDED
    assert "đã bỏ" in LogEntry.objects.get(object_id=str(dead.id)).get_change_message()


def test_staff_without_the_permission_cannot_act(dead):
    user = get_user_model().objects.create_user("staff", password="pw-123456789", is_staff=True)
    client = Client()
    client.force_login(user)
    assert client.get(URL).status_code == 403
    assert client.post(URL, {"action": "retry_selected", "_selected_action": [dead.id]}).status_code == 403
    dead.refresh_from_db()
    assert dead.status == Status.DEAD


def test_anonymous_is_sent_to_login():
    assert Client().get(URL).status_code == 302
