"""Inbound dossiers from the real simulator server (HTTP): the portal's online dossiers become
motcua online submissions (status 1, channel 2) of the unit named by their code's prefix, with
their files stored, never twice (also under two pulls at once), and a record that cannot be
created yet is kept with its reason and retried; the inbound page and its pull button."""

from __future__ import annotations

import socket
import threading

import httpx
import pytest
from django.db import connection

from motcua.catalog.models import Procedure
from motcua.core.demo import seed_demo
from motcua.dossiers.models import Dossier, DossierFile
from motcua.dossiers.storage import get_storage
from motcua.integrations.national_portal import inbound
from motcua.integrations.national_portal.models import DossierSync, InboundDossier
from motcua.integrations.national_portal.simulator import SAMPLE_PDF

pytestmark = pytest.mark.django_db
AGENCY = "000.00.11.H39"
PAGE = "/office/national-portal/inbound/"


@pytest.fixture
def demo(db):  # noqa: ANN001, ANN201
    seed_demo()


def listed(portal) -> list[dict]:  # noqa: ANN001
    return portal.list_online_dossiers()


def closed_port() -> int:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def test_pull_creates_the_three_online_dossiers_with_their_files(demo, sim, portal):  # noqa: ANN001
    records = listed(portal)
    assert len(records) == 3
    counts = inbound.pull(portal)
    assert counts == {"created": 3, "skipped": 0, "failed": 0, "files": 3}
    unit = Dossier._meta.get_field("receiving_unit").related_model.objects.get(code=AGENCY)
    for rec in records:
        row = InboundDossier.objects.get(portal_code=rec["MaHoSo"])
        d = row.dossier
        assert d is not None and row.error == "" and row.files_fetched == row.files_expected == 1
        assert d.code == rec["MaHoSo"]  # the sync back uses the portal's code
        assert (d.status, d.channel, d.receiving_unit_id, d.handling_unit_id) == (1, 2, unit.pk, unit.pk)
        assert d.procedure.national_code == rec["MaTTHC"]
        assert d.applicant_name == rec["ChuHoSo"] and d.applicant_id_number == rec["SoGiayToChuHoSo"]
        assert d.applicant_type == 0 and d.received_at is None
        assert inbound.mapping.format_time(d.submitted_at) == rec["NgayNopHoSo"]
        event = d.events.get()
        assert (event.action, event.to_status, event.actor_id) == ("submit", 1, None)
        (f,) = DossierFile.objects.filter(dossier=d)
        served = httpx.get(rec["TaiLieuNop"][0]["DuongDanTaiTepTin"]).content
        with get_storage().open(f.storage_key) as fh:
            assert fh.read() == served == SAMPLE_PDF
        assert (f.kind, f.name, f.content_type, f.size) == ("component", "to-khai.pdf", "application/pdf",
                                                             len(SAMPLE_PDF))
        # "TK" names the declaration form (Tờ khai ...): the file is linked to that component
        assert f.component is not None and f.component.name.startswith("Tờ khai")
        assert DossierSync.objects.get(dossier=d).on_portal  # adopted: the sync updates, never inserts


def test_a_pulled_dossier_syncs_back_under_the_portals_code(demo, sim, portal):  # noqa: ANN001
    from motcua.integrations.national_portal import sync

    inbound.pull(portal)
    d = Dossier.objects.order_by("pk").first()
    assert sync.check(d) == []
    sync.push_now(d, portal)
    got = portal.lookup_dossier(d.code)
    assert got is not None and got["KenhThucHien"] == 2 and got["TrangThaiHoSo"] == 1
    assert got["MaDoiTuong"] == InboundDossier.objects.get(dossier=d).payload["MaDoiTuong"]
    assert len(got["QuaTrinhXuLy"]) == 1 and got["QuaTrinhXuLy"][0]["NguoiXuLy"] == inbound.SYSTEM_NAME


def test_pulling_again_creates_nothing(demo, sim, portal):  # noqa: ANN001
    inbound.pull(portal)
    before = set(Dossier.objects.values_list("pk", flat=True))
    assert inbound.pull(portal) == {"created": 0, "skipped": 3, "failed": 0, "files": 0}
    assert set(Dossier.objects.values_list("pk", flat=True)) == before
    assert InboundDossier.objects.count() == 3 and DossierFile.objects.count() == 3


@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent pulls need PostgreSQL's row locks")
@pytest.mark.django_db(transaction=True)
def test_two_pulls_at_once_create_each_dossier_once(sim, portal):  # noqa: ANN001
    seed_demo()
    results: list[object] = []
    barrier = threading.Barrier(2)

    def run() -> None:
        from django.db import connection as conn

        try:
            barrier.wait()
            results.append(inbound.pull(portal))
        except Exception as exc:  # noqa: BLE001 - reported below
            results.append(exc)
        finally:
            conn.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert all(isinstance(r, dict) for r in results), results
    assert sum(r["created"] for r in results) == 3  # type: ignore[index]
    assert Dossier.objects.count() == 3 and InboundDossier.objects.filter(dossier__isnull=False).count() == 3


def test_two_pulls_one_after_the_other_racing_on_the_row_create_once(demo, sim, portal, monkeypatch):  # noqa: ANN001
    """SQLite has no row locks: the second pull finds the row taken when it locks it (the race
    reproduced sequentially: it read the row before the first pull created the dossier)."""
    records = listed(portal)
    real_create = inbound.create
    once = {"done": False}

    def racing_create(row_id, record, target, files):  # noqa: ANN001, ANN202
        if not once["done"]:
            once["done"] = True
            inbound.pull(portal)  # another pull takes every record meanwhile
        return real_create(row_id, record, target, files)

    monkeypatch.setattr(inbound, "create", racing_create)
    counts = inbound.pull(portal)
    # its first record was taken by the other pull after it had read the row: skipped at the lock
    assert counts == {"created": 0, "skipped": 3, "failed": 0, "files": 0}
    assert Dossier.objects.filter(code__in=[r["MaHoSo"] for r in records]).count() == 3
    assert Dossier.objects.count() == 3


def test_an_unmapped_procedure_is_kept_with_its_reason_and_created_once_mapped(demo, sim, portal):  # noqa: ANN001
    first = listed(portal)[0]
    proc = Procedure.objects.get(national_code=first["MaTTHC"])
    Procedure.objects.filter(pk=proc.pk).update(national_code="")
    counts = inbound.pull(portal)
    assert counts["created"] == 2 and counts["failed"] == 1
    row = InboundDossier.objects.get(portal_code=first["MaHoSo"])
    assert row.dossier is None and not Dossier.objects.filter(code=first["MaHoSo"]).exists()
    assert row.error.startswith(f"Mã TTHC {first['MaTTHC']} chưa được ánh xạ")
    Procedure.objects.filter(pk=proc.pk).update(national_code=first["MaTTHC"])
    assert inbound.pull(portal) == {"created": 1, "skipped": 2, "failed": 0, "files": 1}
    row.refresh_from_db()
    assert row.dossier is not None and row.dossier.code == first["MaHoSo"] and row.error == ""


def test_an_unknown_agency_prefix_is_kept_with_its_reason(demo, sim, portal, monkeypatch):  # noqa: ANN001
    records = listed(portal)
    records[1]["MaHoSo"] = "000.00.99.H39-" + records[1]["MaHoSo"].split("-", 1)[1]
    monkeypatch.setattr(portal, "list_online_dossiers", lambda: records)
    counts = inbound.pull(portal)
    assert (counts["created"], counts["failed"]) == (2, 1)
    row = InboundDossier.objects.get(portal_code=records[1]["MaHoSo"])
    assert row.dossier is None and "000.00.99.H39" in row.error and "Không có đơn vị" in row.error
    assert not Dossier.objects.filter(code=records[1]["MaHoSo"]).exists()


def test_a_file_that_cannot_be_fetched_is_recorded_and_retried(demo, sim, portal, monkeypatch):  # noqa: ANN001
    records = listed(portal)
    good_url = records[2]["TaiLieuNop"][0]["DuongDanTaiTepTin"]
    records[2]["TaiLieuNop"][0]["DuongDanTaiTepTin"] = f"http://127.0.0.1:{closed_port()}/gone.pdf"
    monkeypatch.setattr(portal, "list_online_dossiers", lambda: records)
    counts = inbound.pull(portal)
    assert (counts["created"], counts["failed"], counts["files"]) == (2, 1, 2)
    row = InboundDossier.objects.get(portal_code=records[2]["MaHoSo"])
    assert row.dossier is None and row.error.startswith("Không tải được tệp «to-khai.pdf»")
    assert row.files_expected == 1 and row.files_fetched == 0
    assert not Dossier.objects.filter(code=records[2]["MaHoSo"]).exists()
    records[2]["TaiLieuNop"][0]["DuongDanTaiTepTin"] = good_url  # the portal serves it again
    assert inbound.pull(portal) == {"created": 1, "skipped": 2, "failed": 0, "files": 1}
    row.refresh_from_db()
    assert row.dossier is not None and row.error == "" and row.files_fetched == 1


def test_a_file_over_the_size_cap_is_refused(demo, sim, portal, monkeypatch):  # noqa: ANN001
    import dataclasses

    monkeypatch.setattr(inbound, "CONFIG", dataclasses.replace(inbound.CONFIG, max_upload_bytes=100))
    counts = inbound.pull(portal)
    assert counts["failed"] == 3 and not Dossier.objects.exists()
    assert all("lớn quá" in e for e in InboundDossier.objects.values_list("error", flat=True))


def test_an_unexpected_error_on_one_record_does_not_stop_the_others(demo, sim, portal, monkeypatch):  # noqa: ANN001
    records = listed(portal)
    real = inbound._intake

    def broken(record, target, files):  # noqa: ANN001, ANN202
        if record["MaHoSo"] == records[0]["MaHoSo"]:
            raise RuntimeError("boom")
        return real(record, target, files)

    monkeypatch.setattr(inbound, "_intake", broken)
    assert inbound.pull(portal)["created"] == 2
    row = InboundDossier.objects.get(portal_code=records[0]["MaHoSo"])
    assert row.dossier is None and "RuntimeError" in row.error
    monkeypatch.setattr(inbound, "_intake", real)
    assert inbound.pull(portal)["created"] == 1


def test_deleted_files_are_not_fetched(demo, sim, portal, monkeypatch):  # noqa: ANN001
    records = listed(portal)
    records[0]["TaiLieuNop"].append({**records[0]["TaiLieuNop"][0], "IsDeleted": True,
                                     "DuongDanTaiTepTin": f"http://127.0.0.1:{closed_port()}/x.pdf"})
    monkeypatch.setattr(portal, "list_online_dossiers", lambda: records)
    assert inbound.pull(portal)["created"] == 3
    assert InboundDossier.objects.get(portal_code=records[0]["MaHoSo"]).files_expected == 1


def test_applicant_types_and_components_are_mapped():
    rec = {"ChuHoSo": " Công ty A ", "LoaiDoiTuong": 2, "SoGiayToChuHoSo": "", "DinhDanhCHS": [
        {"LoaiDinhDanh": 1, "SoDinhDanh": "0312345678"}], "SoDienThoai": "0912", "Email": "a@b.vn"}
    a = inbound.applicant_of(rec)
    assert (a.name, a.type, a.id_number, a.phone, a.email) == ("Công ty A", 1, "0312345678", "0912", "a@b.vn")
    assert inbound.applicant_of({"ChuHoSo": "X", "LoaiDoiTuong": 4}).type == 2
    assert inbound.applicant_of({"ChuHoSo": "X", "LoaiDoiTuong": "?"}).type == 0

    class C:
        def __init__(self, pk: int, name: str) -> None:
            self.pk, self.name = pk, name

    comps = [C(7, "Tờ khai đăng ký khai sinh"), C(8, "Giấy chứng sinh"), C(9, "Giấy chứng nhận")]
    assert inbound.match_component("TK", comps) == 7  # type: ignore[arg-type]
    assert inbound.match_component("8", comps) == 8  # type: ignore[arg-type]  # motcua's own id
    assert inbound.match_component("GC", comps) is None  # type: ignore[arg-type]  # two match: unsure
    assert inbound.match_component("", comps) is None  # type: ignore[arg-type]


# ---- the page -------------------------------------------------------------------------------------

def test_the_inbound_page_lists_pulled_dossiers_for_admins_and_counter_officers(world, client_of, sim, portal):  # noqa: ANN001
    inbound.pull(portal)  # the test world maps only 1.001193: the other two are kept with their reason
    rows = {r.portal_code: r for r in InboundDossier.objects.all()}
    assert len(rows) == 3 and sum(r.dossier_id is not None for r in rows.values()) == 1
    page = client_of("admin").get(PAGE)
    assert page.status_code == 200
    html = page.content.decode()
    for code, r in rows.items():
        assert code in html
        if r.dossier_id:
            assert f"/office/dossiers/{r.dossier_id}/" in html
        else:
            assert "chưa được ánh xạ" in html
    assert client_of("specialist_a").get(PAGE).status_code == 403
    # counter officers see the dossiers received by their units only: the province's centre is not
    # the department the codes name
    other = client_of("counter_p").get(PAGE)
    assert other.status_code == 200 and not any(code in other.content.decode() for code in rows)
    from tests.factories import _user

    world.users["counter_dept"] = _user("counter_dept", world.department, "counter_officer")
    own = client_of("counter_dept").get(PAGE).content.decode()
    assert all(code in own for code in rows)


def test_the_pull_button_enqueues_the_task_and_never_calls_the_portal(world, client_of, monkeypatch):  # noqa: ANN001
    from django_tasks_db.models import DBTaskResult

    from motcua.integrations.national_portal import jobs

    monkeypatch.setattr(inbound, "pull", lambda *a: pytest.fail("the portal was called"))
    off = client_of("admin").post(PAGE + "pull/", follow=True)
    assert "Kết nối Cổng DVCQG đang tắt." in off.content.decode() and not DBTaskResult.objects.exists()
    monkeypatch.setattr(jobs, "enabled", lambda: True)
    r = client_of("admin").post(PAGE + "pull/")
    assert r.status_code == 302
    assert DBTaskResult.objects.filter(task_path__endswith="pull_inbound", status="READY").count() == 1
    assert client_of("specialist_a").post(PAGE + "pull/").status_code == 403
    assert client_of("admin").get(PAGE + "pull/").status_code == 405
    assert DBTaskResult.objects.filter(task_path__endswith="pull_inbound").count() == 1

