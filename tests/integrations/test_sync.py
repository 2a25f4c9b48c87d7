"""Every dossier event reaches the (simulated) portal through the outbox and the worker, against the
real simulator server over HTTP; after each failure mode the portal holds exactly motcua's dossiers
and trails: nothing lost, nothing doubled."""

from __future__ import annotations

import dataclasses
import io
import time
from typing import Any

import pytest
from django.db import transaction

from motcua.conf import SIMULATOR_PASSWORD, SIMULATOR_USERNAME
from motcua.dossiers import services as svc
from motcua.dossiers.models import Dossier
from motcua.integrations.national_portal import jobs as np_jobs
from motcua.integrations.national_portal import sync
from motcua.integrations.national_portal.models import DossierSync, SyncState
from motcua.jobs import outbox
from motcua.jobs.models import OutboxMessage, Status
from tests.factories import PDF, finished
from tests.integrations.conftest import AGENCY, DSTCODE


@pytest.fixture
def portal_on(sim, monkeypatch: pytest.MonkeyPatch):  # noqa: ANN001, ANN201
    """The integration switched on, pointed at the simulator; retries come back within 0.1 s."""
    cfg = dataclasses.replace(np_jobs.CONFIG, national_portal_url=sim.url, national_portal_username=SIMULATOR_USERNAME,
                              national_portal_password=SIMULATOR_PASSWORD, national_portal_dstcode=DSTCODE,
                              national_portal_unit_code=AGENCY, national_portal_trail_chunk=3,
                              national_portal_read_timeout=1.0, national_portal_connect_timeout=1.0,
                              jobs_backoff_base=0.02, jobs_backoff_max=0.05, jobs_max_attempts=20)
    for module in (np_jobs, sync, outbox):
        monkeypatch.setattr(module, "CONFIG", cfg)
    monkeypatch.setattr(np_jobs, "_client", None)
    from datetime import timedelta

    from django.utils import timezone

    from motcua.jobs.models import PeriodicSchedule

    for name in ("national_portal.pull", "national_portal.catalog"):  # these tests are about outbound only
        PeriodicSchedule.objects.update_or_create(name=name, defaults={"next_run_at": timezone.now()
                                                                       + timedelta(days=1)})
    yield sim
    if np_jobs._client is not None:
        np_jobs._client.close()


def drain(until: float = 20.0) -> None:
    """Run the worker in this process until no portal message is pending (retries included) but
    those waiting behind a dead letter of their dossier."""
    from motcua.jobs.worker import Worker

    deadline = time.monotonic() + until
    while True:
        Worker(worker_id="test", once=True, own_connections=False).run()
        dead = OutboxMessage.objects.filter(status=Status.DEAD).values_list("ordering_key", flat=True)
        if not OutboxMessage.objects.filter(destination="national_portal", status=Status.PENDING).exclude(
                ordering_key__in=list(dead)).exists():
            return
        if time.monotonic() > deadline:
            raise AssertionError("portal messages still pending")
        time.sleep(0.03)


def portal_view(sim, code: str) -> dict[str, Any] | None:  # noqa: ANN001
    from motcua.integrations.national_portal.client import HttpPortal

    client = HttpPortal(sim.url, username=SIMULATOR_USERNAME, password=SIMULATOR_PASSWORD, dstcode=DSTCODE,
                        unit_code=AGENCY)
    try:
        return client.lookup_dossier(code)
    finally:
        client.close()


def assert_same(sim, *dossiers: Dossier) -> None:  # noqa: ANN001
    """The portal holds exactly these dossiers, each with its current status and exactly its trail."""
    assert sorted(sim.state()["dossiers"]) == sorted(d.code for d in dossiers)
    for d in dossiers:
        d.refresh_from_db()
        seen = portal_view(sim, d.code)
        assert seen is not None, d.code
        assert seen["TrangThaiHoSo"] == d.status
        trail = [{k: v for k, v in r.items()} for r in seen["QuaTrinhXuLy"]]
        assert trail == sync.trail_rows(d), f"trail of {d.code}"
        assert DossierSync.objects.get(dossier=d).state == SyncState.SYNCED


def new_dossier(world, commune: str = "a") -> Dossier:  # noqa: ANN001
    return svc.intake(world.actor(f"counter_{commune}"), world.intake_request(commune))


def worked(world, commune: str = "a") -> Dossier:  # noqa: ANN001
    """A dossier with a long trail: intake, start, supplement pause, every step, finish, return."""
    d = new_dossier(world, commune)
    svc.start(world.actor(f"counter_{commune}"), d.pk)
    svc.request_supplement(world.actor(f"specialist_{commune}"), d.pk, "Thiếu giấy chứng sinh")
    svc.supplement(world.actor(f"counter_{commune}"), d.pk, "Đã bổ sung")
    finished(world, d.pk, commune)
    return svc.return_result(world.actor(f"counter_{commune}"), d.pk)


pytestmark = pytest.mark.django_db


def test_every_event_reaches_the_portal_in_order(world, portal_on):  # noqa: ANN001
    d = worked(world)
    events = d.events.count()
    assert events >= 9 and OutboxMessage.objects.filter(destination="national_portal").count() == events
    drain()
    assert_same(portal_on, d)
    # one push carried every event: the later messages were marked delivered with it, never run
    covered = OutboxMessage.objects.filter(destination="national_portal", status=Status.DELIVERED, attempts=0)
    assert covered.count() == events - 1
    seen = portal_view(portal_on, d.code)
    assert seen["MaTTHC"] == "1.001193" and seen["KenhThucHien"] == 1 and seen["LoaiDoiTuong"] == 1
    assert seen["DinhDanhCHS"] == [{"LoaiDinhDanh": 1, "SoDinhDanh": "068123456789"}]
    assert [b["TrangThaiBoSung"] for b in seen["DanhSachHoSoBoSung"]] == [1]
    assert seen["NgayKetThucXuLy"] and seen["NgayTra"] and seen["DanhSachGiayToKetQua"]
    # one delivery carried everything: the dossier was written twice at most (insert, no re-sends)
    assert seen["SoLanCapNhat"] <= 2


def test_nothing_is_enqueued_for_a_rolled_back_change_nor_while_the_integration_is_off(world, portal_on,
                                                                                         monkeypatch):  # noqa: ANN001
    d = new_dossier(world)
    before = OutboxMessage.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        svc.start(world.actor("counter_a"), d.pk)
        raise RuntimeError("rolled back")
    assert OutboxMessage.objects.count() == before
    monkeypatch.setattr(np_jobs, "CONFIG", dataclasses.replace(np_jobs.CONFIG, national_portal_url=""))
    svc.start(world.actor("counter_a"), d.pk)
    assert OutboxMessage.objects.count() == before


@pytest.mark.parametrize("fault", [
    {"expire_sessions": True}, {"http_500": 3}, {"delay": 1.5}, {"fail_trail_call": 2}, {"lookup_blind": True},
    {"trail_plain_text": True},
])
def test_after_each_failure_mode_the_portal_has_exactly_motcuas_dossiers(world, portal_on, fault):  # noqa: ANN001
    first = worked(world)
    drain()
    portal_on.faults(**fault)
    second = worked(world, "b")
    svc.start(world.actor("counter_a"), new_dossier(world).pk)  # and a third, short one
    third = Dossier.objects.order_by("-pk").first()
    if "delay" in fault:
        head = OutboxMessage.objects.filter(destination="national_portal", status=Status.PENDING).first()
        assert outbox.deliver_one(head.pk)[0] == "retry"  # one attempt times out: retried later
        assert "không trả lời kịp" in DossierSync.objects.get(dossier_id=head.payload["dossier"]).last_error
        portal_on.faults(delay=None)
    drain()
    portal_on.faults(lookup_blind=None, trail_plain_text=None)
    assert_same(portal_on, first, second, third)


def test_an_unknown_procedure_code_waits_with_its_reason_then_goes_through(world, portal_on):  # noqa: ANN001
    portal_on.faults(reject_tthc=["1.001193"])
    d = new_dossier(world)
    from motcua.jobs.worker import Worker

    Worker(worker_id="test", once=True, own_connections=False).run()
    s = DossierSync.objects.get(dossier=d)
    assert s.state == SyncState.PENDING and "1.001193" in s.last_error and s.attempts >= 1
    portal_on.faults(reject_tthc=None)
    drain()
    assert_same(portal_on, d)


def test_a_procedure_without_national_code_fails_with_a_fixable_reason_and_repush_sends_it(world, portal_on):  # noqa: ANN001
    from motcua.catalog.models import Procedure

    Procedure.objects.filter(code="1.001193").update(national_code="")
    d = new_dossier(world)
    svc.start(world.actor("counter_a"), d.pk)
    drain()
    s = DossierSync.objects.get(dossier=d)
    assert s.state == SyncState.FAILED and "chưa có mã TTHC quốc gia" in s.last_error
    assert OutboxMessage.objects.filter(status=Status.DEAD).count() == 1  # the rest wait behind it, in order
    assert portal_on.state()["dossiers"] == []
    Procedure.objects.filter(code="1.001193").update(national_code="1.001193")
    assert sync.repush([d.pk]) == 1
    drain()
    assert_same(portal_on, d)
    assert not OutboxMessage.objects.filter(destination="national_portal", status__in=[Status.PENDING, Status.DEAD])


def test_a_code_whose_prefix_is_not_an_agency_code_is_refused_before_sending(world, portal_on):  # noqa: ANN001
    d = new_dossier(world)
    Dossier.objects.filter(pk=d.pk).update(code="XA-LAMVIEN-0001")
    drain()
    s = DossierSync.objects.get(dossier=d)
    assert s.state == SyncState.FAILED and "tiền tố XA" in s.last_error
    assert portal_on.state()["dossiers"] == []


def test_repush_after_the_portal_lost_a_dossier_restores_it_without_duplicates(world, portal_on):  # noqa: ANN001
    d = worked(world)
    drain()
    portal_on.http.post(f"{portal_on.url}/_sim/tamper", json={"delete": [d.code]}).raise_for_status()
    sync.repush([d.pk])
    drain()
    assert_same(portal_on, d)
    sync.repush([d.pk])  # pushing again changes nothing on the portal
    drain()
    assert_same(portal_on, d)


def test_long_text_is_truncated_with_a_marker_not_refused(world, portal_on):  # noqa: ANN001
    officer = world.users["counter_a"]
    officer.first_name, officer.last_name = "Thị Minh Khai Phương Thảo Ngọc Diệp", "Công Tôn Nữ Hoàng Bảo"
    officer.save()
    d = svc.intake(world.actor("counter_a"), world.intake_request("a"))
    drain()
    row = portal_view(portal_on, d.code)["QuaTrinhXuLy"][0]
    assert len(row["NguoiXuLy"]) == 50 and row["NguoiXuLy"].endswith("[…]")
    assert sync.mapping.truncate("x" * 1200, 1000).endswith(" […]")


def test_component_files_travel_as_signed_time_limited_links(world, portal_on, client, monkeypatch):  # noqa: ANN001
    from motcua.integrations.national_portal import views_files

    d = new_dossier(world)
    f = svc.attach_file(world.actor("counter_a"), d.pk, io.BytesIO(PDF), "to-khai.pdf", "component")
    record = sync.dossier_record(Dossier.objects.get(pk=d.pk))
    url = record["TaiLieuNop"][0]["DuongDanTaiTepTin"]
    assert record["TaiLieuNop"][0]["TepDinhKemId"] == str(f.pk) and record["HoSoCoThanhPhanSoHoa"] == 1
    path = url.split("://", 1)[1].split("/", 1)[1]
    response = client.get("/" + path)
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    assert client.get("/" + path[:-3] + "xyz/").status_code == 404  # a forged token
    monkeypatch.setattr(views_files, "CONFIG", dataclasses.replace(views_files.CONFIG, national_portal_file_url_ttl=-1))
    assert client.get("/" + path).status_code == 410  # expired


def test_the_appointment_sent_is_the_receipts_so_the_portal_ignores_pauses(world, portal_on, clock):  # noqa: ANN001
    clock.set("2026-12-01 09:00")
    d = new_dossier(world)
    svc.start(world.actor("counter_a"), d.pk)
    svc.request_supplement(world.actor("specialist_a"), d.pk, "Thiếu giấy chứng sinh")
    clock.set("2026-12-02 09:00")
    d = svc.supplement(world.actor("counter_a"), d.pk, "Đã bổ sung")
    record = sync.dossier_record(d)
    assert record["NgayHenTra"] == sync.mapping.format_time(sync.appointment_at_receipt(d))
    assert sync.appointment_at_receipt(d) < d.due_at  # the pause moved motcua's due time, not the receipt's
    assert record["DanhSachHoSoBoSung"][0]["NgayHenTraMoi"] == sync.mapping.format_time(d.due_at)


def test_the_dossier_page_shows_the_sync_state_and_the_failed_queue_lists_it(world, portal_on, client_of):  # noqa: ANN001
    from motcua.catalog.models import Procedure

    ok = new_dossier(world)
    drain()
    Procedure.objects.filter(code="1.001193").update(national_code="")
    bad = new_dossier(world)
    drain()
    c = client_of("counter_a")
    page = c.get(f"/office/dossiers/{bad.pk}/").content.decode()
    assert "Đồng bộ lỗi" in page and "chưa có mã TTHC quốc gia" in page and "Gửi lại lên Cổng DVCQG" in page
    assert "Đã đồng bộ" in c.get(f"/office/dossiers/{ok.pk}/").content.decode()
    listed = c.get("/office/queues/sync_failed/").content.decode()
    assert bad.code in listed and ok.code not in listed
    filtered = c.get("/office/queues/receive/?sync=failed").status_code
    assert filtered == 200
    Procedure.objects.filter(code="1.001193").update(national_code="1.001193")  # the administrator maps it
    assert c.post(f"/office/national-portal/dossiers/{bad.pk}/repush/").status_code == 302
    drain()
    assert DossierSync.objects.get(dossier=bad).state == SyncState.SYNCED
    assert client_of("specialist_b").post(f"/office/national-portal/dossiers/{bad.pk}/repush/").status_code == 404


def test_the_766_synced_indicator_counts_the_real_sync_state(world, portal_on, clock):  # noqa: ANN001
    from motcua.core.clock import local_date
    from motcua.reports.index766 import compute_index, synced_measure
    from motcua.reports.services import period_of

    today = local_date(clock.set("2026-12-01 09:00"))
    period = period_of(today.replace(day=1), today)
    assert synced_measure(world.province, period) is None  # the integration has not run: N/A, not 0
    first, second = new_dossier(world), new_dossier(world, "b")
    drain()
    portal_on.faults(http_500=1000)
    new_dossier(world)
    head = OutboxMessage.objects.filter(status=Status.PENDING).first()
    outbox.deliver_one(head.pk)  # the third one fails for now: pending, not synced
    portal_on.faults(http_500=None)
    m = synced_measure(world.province, period)
    assert (m.numerator, m.denominator) == (2, 3)
    score = compute_index(world.province, period).score
    synced = next(i for g in score.groups for i in g.indicators if i.spec.key == "synced")
    assert synced.measure == m and synced.points is not None
    assert {first.pk, second.pk} == set(DossierSync.objects.filter(state=SyncState.SYNCED).values_list(
        "dossier_id", flat=True))


def test_a_failed_dossier_stays_failed_when_new_events_arrive_until_it_is_re_pushed(world, portal_on):  # noqa: ANN001
    from motcua.catalog.models import Procedure

    Procedure.objects.filter(code="1.001193").update(national_code="")
    d = new_dossier(world)
    drain()
    svc.start(world.actor("counter_a"), d.pk)  # a new event: its message waits behind the dead letter
    s = DossierSync.objects.get(dossier=d)
    assert s.state == SyncState.FAILED and s.wanted_seq == 2 and "chưa có mã TTHC" in s.last_error
    Procedure.objects.filter(code="1.001193").update(national_code="1.001193")
    sync.repush([d.pk])
    assert DossierSync.objects.get(dossier=d).state == SyncState.PENDING
    drain()
    assert_same(portal_on, d)
