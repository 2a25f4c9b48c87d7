"""Reconciliation against the real simulator server (HTTP): every kind of difference found with its
reason, pending dossiers not accused, scoping, bad input, progress per batch, the lookup rate, an
outage mid-run, the re-push, the page, the API and the Excel export."""

from __future__ import annotations

import dataclasses
import io
import time
from datetime import date, datetime
from typing import Any

import pytest
from django.db.models import F

from motcua.domain.errors import NotFound, PermissionDenied, ValidationFailed
from motcua.dossiers import services as svc
from motcua.dossiers.models import Dossier
from motcua.integrations.national_portal import reconcile, sync
from motcua.integrations.national_portal.models import Difference, DossierSync, ReconciliationRun, SyncState
from motcua.jobs.models import OutboxMessage
from tests.factories import finished

pytestmark = pytest.mark.django_db
API = "/api/v1/integrations/national-portal"
MONDAY = "2025-09-08 09:00"
WEEK = (date(2025, 9, 8), date(2025, 9, 12))


def tamper(sim, **body: Any) -> dict[str, int]:  # noqa: ANN001
    r = sim.http.post(f"{sim.url}/_sim/tamper", json=body)
    r.raise_for_status()
    return r.json()


def at(clock, when: str) -> None:  # noqa: ANN001
    clock.set(when)


def quick(world, clock, when: str = "2025-09-08 09:00", commune: str = "a") -> Dossier:  # noqa: ANN001
    """Received, processed and returned within the morning."""
    at(clock, when)
    d = svc.intake(world.actor(f"counter_{commune}"), world.intake_request(commune))
    svc.start(world.actor(f"counter_{commune}"), d.pk)
    at(clock, when.replace("09:", "10:"))
    finished(world, d.pk, commune)
    return svc.return_result(world.actor(f"counter_{commune}"), d.pk)


def paused(world, clock) -> Dossier:  # noqa: ANN001
    """On time for motcua (the supplement pause moves the due time), late for the portal's naive
    clock: it ends after the appointment given at receipt."""
    at(clock, "2025-09-08 09:00")
    d = svc.intake(world.actor("counter_a"), world.intake_request("a"))
    svc.start(world.actor("counter_a"), d.pk)
    at(clock, "2025-09-08 10:00")
    svc.request_supplement(world.actor("specialist_a"), d.pk, "Thiếu giấy chứng sinh")
    at(clock, "2025-09-10 09:00")
    svc.supplement(world.actor("counter_a"), d.pk, "Đã bổ sung")
    at(clock, "2025-09-10 10:00")
    finished(world, d.pk)
    return Dossier.objects.get(pk=d.pk)


def run_now(world, portal, user: str = "leader_a", unit=None, period=WEEK) -> ReconciliationRun:  # noqa: ANN001
    run = reconcile.start(world.actor(user), unit or world.communes["a"], *period)
    reconcile.execute(run.pk, portal)
    run.refresh_from_db()
    return run


def found(run: ReconciliationRun) -> dict[str, Difference]:
    return {i.dossier.code: i for i in run.items.select_related("dossier")}


@pytest.fixture
def scene(world, clock, sim, portal):  # noqa: ANN001, ANN201
    """Seven dossiers of commune A pushed to the portal, then five made to differ there."""
    ds = {name: quick(world, clock, f"2025-09-08 09:{i:02d}") for i, name in
          enumerate(("ok", "missing", "status", "dates", "trail", "pending"))}
    ds["verdict"] = paused(world, clock)
    ds["other_unit"] = quick(world, clock, commune="b")
    for d in ds.values():
        sync.push_now(d, portal)
    tamper(sim, delete=[ds["missing"].code, ds["pending"].code],
           set={ds["status"].code: {"TrangThaiHoSo": 4}, ds["dates"].code: {"NgayTiepNhan": "20250908080000"}},
           drop_trail={ds["trail"].code: 2})
    DossierSync.objects.filter(dossier=ds["pending"]).update(wanted_seq=F("synced_seq") + 1, state=SyncState.PENDING)
    clock.current = None  # the run judges as of now, like the portal's own clock
    return ds


def test_each_kind_of_difference_is_found_with_its_reason(world, scene, portal):  # noqa: ANN001
    run = run_now(world, portal)
    assert run.status == "done" and run.error == ""
    assert run.total == run.checked == 7  # commune B's dossier is outside the unit
    got = found(run)
    assert {code: i.kinds for code, i in got.items()} == {
        scene["missing"].code: ["missing"], scene["status"].code: ["status"], scene["dates"].code: ["dates"],
        scene["trail"].code: ["trail"], scene["pending"].code: ["pending"], scene["verdict"].code: ["verdict"]}
    assert run.differences == 5  # pending is not a difference
    assert got[scene["missing"].code].reasons == [
        f"Chưa có trên Cổng DVCQG: tra cứu mã hồ sơ {scene['missing'].code} không thấy."]
    assert got[scene["status"].code].reasons == [
        "Trạng thái khác nhau: motcua là «Đã trả kết quả» (10), Cổng DVCQG là «Đang xử lý» (4)."]
    received = reconcile.shown(sync.dossier_record(scene["dates"])["NgayTiepNhan"])
    assert got[scene["dates"].code].reasons == [
        f"Ngày khác nhau: Ngày tiếp nhận: motcua {received}, Cổng DVCQG 08/09/2025 08:00."]
    rows = len(sync.trail_rows(scene["trail"]))
    assert got[scene["trail"].code].reasons == [
        f"Cổng DVCQG thiếu 2 trên {rows} dòng quá trình xử lý (mới có {rows - 2} dòng)."]
    assert got[scene["pending"].code].reasons == [
        "Hồ sơ đang chờ đồng bộ: motcua chưa gửi xong 1 sự kiện lên Cổng DVCQG, chưa đối chiếu."]


def test_a_verdict_difference_carries_motcuas_explanation_beside_the_portals(world, scene, portal):  # noqa: ANN001
    d = scene["verdict"]
    record = sync.dossier_record(d)
    assert d.verdict in ("early", "on_time") and record["NgayKetThucXuLy"] > record["NgayHenTra"]
    item = found(run_now(world, portal))[d.code]
    assert item.motcua["DanhGiaDungHan"] == "DUNG_HAN" and item.portal["DanhGiaDungHan"] == "QUA_HAN"
    reason = item.reasons[0]
    assert reason.startswith("Đánh giá khác nhau: motcua đánh giá «")
    shown = reconcile.shown
    assert reason.endswith(f"Cổng DVCQG đánh giá «Quá hạn» vì Cổng DVCQG so ngày kết thúc xử lý "
                           f"({shown(record['NgayKetThucXuLy'])}) với ngày hẹn trả lúc tiếp nhận "
                           f"({shown(record['NgayHenTra'])}), không trừ thời gian tạm dừng chờ bổ sung hồ sơ.")
    facts = [f["fact"] for f in item.explanation]
    assert facts[0] == "received" and "pause" in facts and "due" in facts and facts[-1] == "verdict"
    pause = next(f["text"] for f in item.explanation if f["fact"] == "pause")
    assert pause.startswith("Tạm dừng tính thời gian chờ bổ sung: 10:00 08/09/2025 đến 09:00 10/09/2025")
    assert item.portal["explanation"][0] == f"Ngày hẹn trả trên Cổng DVCQG: {reconcile.shown(record['NgayHenTra'])}."


def test_a_dossier_that_agrees_and_a_pending_one_are_not_differences(world, clock, sim, portal):  # noqa: ANN001
    ok = quick(world, clock)
    late = quick(world, clock, "2025-09-09 09:00")
    sync.push_now(ok, portal)
    DossierSync.objects.create(dossier=late, wanted_seq=3, synced_seq=0, state=SyncState.PENDING)
    clock.current = None
    run = run_now(world, portal)
    assert run.differences == 0 and run.checked == 2
    assert [i.kinds for i in run.items.all()] == [["pending"]]
    assert sim.state()["dossiers"] == [ok.code]


def test_a_failed_sync_says_why_the_dossier_is_missing(world, clock, portal):  # noqa: ANN001
    d = quick(world, clock)
    DossierSync.objects.create(dossier=d, wanted_seq=5, state=SyncState.FAILED, last_error="Thiếu mã TTHC")
    clock.current = None
    item = found(run_now(world, portal))[d.code]
    assert item.kinds == ["missing"] and item.reasons[0].endswith("Lần gửi gần nhất bị lỗi: Thiếu mã TTHC")


# ---- who may reconcile, and bad input --------------------------------------------------------------

@pytest.mark.parametrize(("user", "allowed"), [
    ("leader_a", True), ("monitor", True), ("admin", True), ("leader_b", False), ("specialist_a", False),
    ("counter_a", False), ("citizen", False)])
def test_leaders_monitors_and_admins_of_the_unit_may_reconcile_it(world, user, allowed):  # noqa: ANN001
    actor = world.actor(user)
    if not allowed:
        with pytest.raises(PermissionDenied):
            reconcile.start(actor, world.communes["a"], *WEEK)
        return
    run = reconcile.start(actor, world.communes["a"], *WEEK)
    assert run.status == "queued" and reconcile.get_run(actor, run.pk) == run


def test_a_run_is_invisible_outside_the_callers_units(world):  # noqa: ANN001
    run = reconcile.start(world.actor("leader_a"), world.communes["a"], *WEEK)
    with pytest.raises(NotFound):
        reconcile.get_run(world.actor("leader_b"), run.pk)
    assert list(reconcile.visible_runs(world.actor("monitor"))) == [run]
    assert not reconcile.visible_runs(world.actor("leader_b")).exists()


@pytest.mark.parametrize(("start", "end", "field"), [
    (date(2025, 9, 12), date(2025, 9, 8), "end"), (date(1999, 1, 1), date(2025, 9, 8), "start"),
    (date(2020, 1, 1), date(2025, 9, 8), "end")])
def test_a_bad_period_is_refused_with_the_field(world, start, end, field):  # noqa: ANN001
    with pytest.raises(ValidationFailed) as err:
        reconcile.start(world.actor("monitor"), world.communes["a"], start, end)
    assert field in err.value.fields
    assert not ReconciliationRun.objects.exists()


def test_starting_a_run_enqueues_the_worker_task_and_never_calls_the_portal(world, monkeypatch):  # noqa: ANN001
    from django_tasks_db.models import DBTaskResult

    monkeypatch.setattr(reconcile, "lookup", lambda *a: pytest.fail("the portal was called"))
    run = reconcile.start(world.actor("monitor"), world.province, *WEEK)
    task = DBTaskResult.objects.get(task_path__endswith="run_reconciliation")
    assert task.args_kwargs == {"args": [run.pk], "kwargs": {}} and task.status == "READY"


# ---- progress, rate, outage ----------------------------------------------------------------------

def _config(monkeypatch, **changes: Any) -> None:  # noqa: ANN001
    monkeypatch.setattr(reconcile, "CONFIG", dataclasses.replace(reconcile.CONFIG, **changes))


def _many(world, clock, portal, n: int) -> list[Dossier]:  # noqa: ANN001
    out = []
    for i in range(n):
        at(clock, f"2025-09-08 {8 + i // 60:02d}:{i % 60:02d}")
        d = svc.intake(world.actor("counter_a"), world.intake_request("a"))
        sync.push_now(d, portal)
        out.append(d)
    clock.current = None
    return out


def test_progress_is_saved_after_each_batch(world, clock, portal, monkeypatch):  # noqa: ANN001
    _many(world, clock, portal, 7)
    _config(monkeypatch, national_portal_lookup_batch=3, national_portal_lookup_rate=1000.0)
    seen: list[int] = []
    real = reconcile._run_batch

    def spy(run, *args: Any) -> None:  # noqa: ANN001
        real(run, *args)
        seen.append(ReconciliationRun.objects.get(pk=run.pk).checked)

    monkeypatch.setattr(reconcile, "_run_batch", spy)
    run = run_now(world, portal)
    assert seen == [3, 6, 7] and run.status == "done" and run.total == 7 and run.differences == 0


def test_lookups_respect_the_rate_limit(world, clock, portal, monkeypatch):  # noqa: ANN001
    _many(world, clock, portal, 6)
    _config(monkeypatch, national_portal_lookup_rate=5.0)
    began = time.monotonic()
    run = run_now(world, portal)
    elapsed = time.monotonic() - began
    assert run.checked == 6 and elapsed >= 5 / 5.0  # six calls at 5/s: five intervals of 0.2 s at least


def test_a_portal_outage_mid_run_fails_the_run_with_its_reason_keeping_what_was_checked(
        world, clock, sim, portal, monkeypatch):  # noqa: ANN001
    ds = _many(world, clock, portal, 6)
    tamper(sim, delete=[ds[0].code])
    _config(monkeypatch, national_portal_lookup_batch=2, national_portal_lookup_rate=1000.0)
    monkeypatch.setattr(reconcile, "RETRY_PAUSES", (0.01,))
    real = portal.lookup_dossier
    calls = {"n": 0}

    def flaky(code: str):  # noqa: ANN202
        calls["n"] += 1
        if calls["n"] == 4:  # the first lookup of the second batch: the portal goes down for good
            sim.faults(http_500=100)
        return real(code)

    monkeypatch.setattr(portal, "lookup_dossier", flaky)
    run = run_now(world, portal)
    assert run.status == "failed" and run.finished_at is not None
    assert run.error.startswith("Cổng DVCQG không trả lời, đối soát dừng lại: Cổng DVCQG lỗi HTTP 500")
    assert run.total == 6 and run.checked == 3  # two of the first batch, one of the second
    assert [i.kinds for i in run.items.all()] == [["missing"]]


def test_a_fault_of_ours_fails_the_run_instead_of_leaving_it_running(world, clock, portal, monkeypatch):  # noqa: ANN001
    _many(world, clock, portal, 2)
    monkeypatch.setattr(reconcile, "compare", lambda *a: 1 / 0)
    run = reconcile.start(world.actor("monitor"), world.province, *WEEK)
    with pytest.raises(ZeroDivisionError):
        reconcile.execute(run.pk, portal)
    run.refresh_from_db()
    assert run.status == "failed" and run.error.startswith("Lỗi hệ thống khi đối soát") and run.checked == 0


def test_without_a_portal_client_the_run_fails_with_a_reason(world):  # noqa: ANN001
    run = reconcile.start(world.actor("monitor"), world.province, *WEEK)
    reconcile.execute(run.pk, None)
    run.refresh_from_db()
    assert run.status == "failed" and "MOTCUA_NATIONAL_PORTAL_URL" in run.error


# ---- re-push -------------------------------------------------------------------------------------

def test_repush_enqueues_the_differing_dossiers_but_not_the_pending_ones(world, scene, portal):  # noqa: ANN001
    run = run_now(world, portal)
    before = set(OutboxMessage.objects.values_list("pk", flat=True))
    assert reconcile.repush(world.actor("leader_a"), run) == 5
    new = OutboxMessage.objects.exclude(pk__in=before)
    assert {m.destination for m in new} == {"national_portal"}
    differing = {scene[k].pk for k in ("missing", "status", "dates", "trail", "verdict")}
    assert {m.payload["dossier"] for m in new} == differing and all(m.payload["force"] for m in new)
    items = found(run)
    assert items[scene["pending"].code].repushed_at is None
    assert all(items[scene[k].code].repushed_at for k in ("missing", "status", "dates", "trail", "verdict"))
    with pytest.raises(PermissionDenied):
        reconcile.repush(world.actor("leader_b"), run)


def _side(**over: Any) -> dict[str, Any]:
    base = {"TrangThaiHoSo": 10, "NgayTiepNhan": "20250908090000", "NgayHenTra": "20250909090000",
            "NgayKetThucXuLy": "", "NgayTra": "", "DanhGiaDungHan": "DUNG_HAN", "verdict": "early",
            "SoDongQuaTrinh": 7, "SoLanTamDung": 0, "DienGiaiDanhGia": ""}
    return {**base, **over}


def test_compare_reads_the_portals_values_leniently_and_names_every_date():  # noqa: ANN201
    theirs = reconcile.portal_side({"TrangThaiHoSo": "10", "NgayTiepNhan": "20250908090000",
                                    "NgayHenTra": "20250909090000", "NgayKetThucXuLy": None,
                                    "DanhGiaDungHan": "DUNG_HAN", "QuaTrinhXuLy": [{}] * 7})
    assert reconcile.compare(_side(), theirs) == []  # "10" is 10, None is no date
    found = reconcile.compare(_side(NgayTra="20250910100000"), {**theirs, "NgayHenTra": "20250910090000"})
    assert found == [("dates", "Ngày khác nhau: Ngày hẹn trả: motcua 09/09/2025 09:00, Cổng DVCQG 10/09/2025 09:00; "
                               "Ngày trả kết quả: motcua 10/09/2025 10:00, Cổng DVCQG (chưa có).")]
    late = reconcile.compare(_side(DanhGiaDungHan="QUA_HAN", verdict="late"),
                             {**theirs, "DienGiaiDanhGia": "Kết thúc xử lý trước hoặc đúng ngày hẹn trả"})
    assert late == [("verdict", "Đánh giá khác nhau: motcua đánh giá «Trễ hạn», Cổng DVCQG đánh giá «Đúng hạn» "
                                "(Kết thúc xử lý trước hoặc đúng ngày hẹn trả).")]
    assert reconcile.compare(_side(DanhGiaDungHan=""), {**theirs, "DanhGiaDungHan": "QUA_HAN"}) == []


def test_shown_dates_are_local_day_first():  # noqa: ANN201
    assert reconcile.shown("20251203170500") == "03/12/2025 17:05"
    assert reconcile.shown("") == "(chưa có)"
    assert reconcile.wire_datetime("20251203170500") == datetime(2025, 12, 3, 17, 5)


def test_identical_trail_rows_the_portal_keeps_once_are_not_a_difference(world, clock, sim, portal,  # noqa: ANN001
                                                                          monkeypatch):
    real = sync.trail_rows
    monkeypatch.setattr(sync, "trail_rows", lambda d, events=None: [r for r in real(d, events) for _ in (1, 2)])
    d = quick(world, clock)
    sync.push_now(d, portal)  # every row sent twice: the portal keeps one copy of each
    assert sim.state()["trail_rows"] == len(real(d))
    clock.current = None
    assert not run_now(world, portal).items.exists()


# ---- the API ---------------------------------------------------------------------------------------

def _post(client, path: str, body: dict[str, Any] | None = None):  # noqa: ANN001, ANN202
    return client.post(API + path, body or {}, content_type="application/json")


def _week(unit: str) -> dict[str, str]:
    return {"unit": unit, "start": "2025-09-08", "end": "2025-09-12"}


def test_api_creates_a_run_for_the_worker(world, client_of):  # noqa: ANN001
    r = _post(client_of("leader_a"), "/reconciliations", _week(world.communes["a"].code))
    assert r.status_code == 202, r.content
    body = r.json()
    assert body["status"] == "queued" and body["unit"] == world.communes["a"].code and body["checked"] == 0
    assert ReconciliationRun.objects.get(pk=body["id"]).created_by == world.users["leader_a"]


@pytest.mark.parametrize(("body", "field"), [
    ({"unit": "nope", "start": "2025-09-08", "end": "2025-09-12"}, "unit"),
    ({"start": "2025-09-08", "end": "2025-09-12"}, "unit"),
    ({"unit": "000.31.10.H39", "start": "08/09/2025", "end": "2025-09-12"}, "start"),
    ({"unit": "000.31.10.H39", "start": "2025-09-12", "end": "2025-09-08"}, "end"),
    ({"unit": "000.31.10.H39", "start": "2025-09-08", "end": "2025-02-30"}, "end")])
def test_api_bad_input_names_the_field(world, client_of, body, field):  # noqa: ANN001
    r = _post(client_of("monitor"), "/reconciliations", body)
    assert r.status_code == 422, r.content
    error = r.json()["error"]
    assert error["code"] == "validation_error" and field in error["fields"]
    assert not ReconciliationRun.objects.exists()


def test_api_is_scoped_to_the_callers_units(world, client_of):  # noqa: ANN001
    a = world.communes["a"].code
    assert _post(client_of("leader_b"), "/reconciliations", _week(a)).status_code == 403
    assert _post(client_of("specialist_a"), "/reconciliations", _week(a)).status_code == 403
    run = reconcile.start(world.actor("leader_a"), world.communes["a"], *WEEK)
    for path in (f"/reconciliations/{run.pk}", f"/reconciliations/{run.pk}/export.xlsx"):
        assert client_of("leader_b").get(API + path).status_code == 404
    assert _post(client_of("leader_b"), f"/reconciliations/{run.pk}/repush").status_code == 404
    assert [r["id"] for r in client_of("leader_b").get(API + "/reconciliations").json()] == []
    assert [r["id"] for r in client_of("monitor").get(API + "/reconciliations").json()] == [run.pk]
    from django.test import Client

    assert Client().get(API + f"/reconciliations/{run.pk}").status_code == 401


def test_api_pages_through_the_differences_by_kind(world, scene, portal, client_of):  # noqa: ANN001
    run = run_now(world, portal)
    c = client_of("monitor")
    body = c.get(API + f"/reconciliations/{run.pk}", {"limit": 4}).json()
    assert body["status"] == "done" and body["progress"] == 100.0 and body["differences"] == 5
    assert body["pending"] == 1 and body["counts"]["missing"] == 1 and body["counts"]["verdict"] == 1
    assert len(body["items"]) == 4 and body["next_after"] == body["items"][-1]["id"]
    rest = c.get(API + f"/reconciliations/{run.pk}", {"limit": 4, "after": body["next_after"]}).json()
    assert len(rest["items"]) == 2 and rest["next_after"] is None
    verdict = c.get(API + f"/reconciliations/{run.pk}", {"kind": "verdict"}).json()["items"]
    assert [i["code"] for i in verdict] == [scene["verdict"].code]
    assert verdict[0]["kind_labels"] == ["Khác đánh giá đúng hạn"]
    assert verdict[0]["explanation"][0]["fact"] == "received"
    bad = c.get(API + f"/reconciliations/{run.pk}", {"kind": "nope"})
    assert bad.status_code == 422 and "kind" in bad.json()["error"]["fields"]


def test_api_repush(world, scene, portal, client_of):  # noqa: ANN001
    queued = reconcile.start(world.actor("leader_a"), world.communes["a"], *WEEK)
    assert _post(client_of("leader_a"), f"/reconciliations/{queued.pk}/repush").status_code == 409
    run = run_now(world, portal)
    r = _post(client_of("leader_a"), f"/reconciliations/{run.pk}/repush")
    assert r.status_code == 200 and r.json() == {"run": run.pk, "repushed": 5}
    assert OutboxMessage.objects.filter(destination="national_portal", payload__force=True).count() == 5


def _xlsx(content: bytes):  # noqa: ANN202
    import openpyxl

    return openpyxl.load_workbook(io.BytesIO(content)).active


def test_the_excel_export_has_one_row_per_difference_with_vietnamese_headers(world, scene, portal, client_of):  # noqa: ANN001
    run = run_now(world, portal)
    r = client_of("monitor").get(API + f"/reconciliations/{run.pk}/export.xlsx")
    assert r.status_code == 200 and r["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "filename*=UTF-8''" in r["Content-Disposition"]
    ws = _xlsx(b"".join(r.streaming_content))
    assert ws["A1"].value == "ĐỐI SOÁT HỒ SƠ VỚI CỔNG DỊCH VỤ CÔNG QUỐC GIA"
    headers = [c.value for c in ws[5]]
    assert headers[:4] == ["STT", "Mã hồ sơ", "Loại chênh lệch", "Lý do"]
    assert "Ngày hẹn trả (Cổng DVCQG)" in headers and "Diễn giải của motcua" in headers
    rows = {row[1]: dict(zip(headers, row, strict=True)) for row in ws.iter_rows(min_row=6, values_only=True)}
    assert len(rows) == 6  # five differences and the pending dossier
    v = rows[scene["verdict"].code]
    assert v["Loại chênh lệch"] == "Khác đánh giá đúng hạn" and v["Đánh giá (Cổng DVCQG)"] == "Quá hạn"
    assert v["Diễn giải của motcua"].startswith("Tiếp nhận lúc ") and "Tạm dừng" in v["Diễn giải của motcua"]
    assert isinstance(v["Ngày hẹn trả (motcua)"], datetime)
    assert ws.cell(row=6, column=reconcile_col(headers, "Ngày hẹn trả (motcua)")).number_format == "dd/mm/yyyy hh:mm"
    assert rows[scene["missing"].code]["Trạng thái (Cổng DVCQG)"] is None


def reconcile_col(headers: list[Any], name: str) -> int:
    return headers.index(name) + 1


# ---- the pages -------------------------------------------------------------------------------------

PAGE = "/office/national-portal/reconciliation/"


def test_the_page_creates_a_run_from_day_first_dates(world, client_of):  # noqa: ANN001
    c = client_of("leader_a")
    page = c.get(PAGE)
    assert page.status_code == 200 and "dd/mm/yyyy" in page.content.decode()
    r = c.post(PAGE, {"unit": world.communes["a"].code, "start": "08/09/2025", "end": "12/09/2025"})
    run = ReconciliationRun.objects.get()
    assert r.status_code == 302 and r["Location"] == f"{PAGE}{run.pk}/"
    assert (run.start, run.end, run.status) == (*WEEK, "queued")
    bad = c.post(PAGE, {"unit": world.communes["a"].code, "start": "12/09/2025", "end": "08/09/2025"})
    assert bad.status_code == 400 and "Đến ngày phải từ Từ ngày trở đi" in bad.content.decode()
    outside = c.post(PAGE, {"unit": world.communes["b"].code, "start": "08/09/2025", "end": "12/09/2025"})
    assert outside.status_code == 400  # not one of the caller's units
    assert ReconciliationRun.objects.count() == 1


@pytest.mark.parametrize("user", ["specialist_a", "counter_a", "citizen"])
def test_the_page_is_for_leaders_monitors_and_admins(world, client_of, user):  # noqa: ANN001
    assert client_of(user).get(PAGE).status_code == 403


def test_the_run_page_lists_the_differences_with_the_explanation(world, scene, portal, client_of):  # noqa: ANN001
    run = run_now(world, portal)
    c = client_of("leader_a")
    html = c.get(f"{PAGE}{run.pk}/").content.decode()
    for d in (scene["missing"], scene["status"], scene["verdict"]):
        assert f'href="/office/dossiers/{d.pk}/"' in html and d.code in html
    assert "Diễn giải của motcua" in html and "Cách Cổng DVCQG đánh giá" in html
    assert "Gửi lại các hồ sơ chênh lệch" in html and "export.xlsx" in html
    assert "hx-trigger" not in html  # finished: no polling
    only = c.get(f"{PAGE}{run.pk}/", {"kind": "status"}).content.decode()
    assert scene["status"].code in only and scene["missing"].code not in only
    assert client_of("leader_b").get(f"{PAGE}{run.pk}/").status_code == 404


def test_the_progress_bar_polls_until_the_run_ends_then_reloads_the_page(world, client_of):  # noqa: ANN001
    run = reconcile.start(world.actor("leader_a"), world.communes["a"], *WEEK)
    ReconciliationRun.objects.filter(pk=run.pk).update(status="running", total=200, checked=50)
    c = client_of("leader_a")
    page = c.get(f"{PAGE}{run.pk}/").content.decode()
    assert f'hx-get="{PAGE}{run.pk}/progress/"' in page and 'value="25"' in page
    ReconciliationRun.objects.filter(pk=run.pk).update(status="done", checked=200)
    r = c.get(f"{PAGE}{run.pk}/progress/", HTTP_HX_REQUEST="true")
    assert r["HX-Refresh"] == "true" and 'value="100"' in r.content.decode()


def test_the_repush_button_posts_with_csrf(world, scene, portal):  # noqa: ANN001
    from django.test import Client

    run = run_now(world, portal)
    c = Client(enforce_csrf_checks=True)
    c.force_login(world.users["leader_a"])
    assert c.post(f"{PAGE}{run.pk}/repush/").status_code == 403
    html = c.get(f"{PAGE}{run.pk}/").content.decode()
    token = html.split('name="csrfmiddlewaretoken" value="', 1)[1].split('"', 1)[0]
    r = c.post(f"{PAGE}{run.pk}/repush/", {"csrfmiddlewaretoken": token})
    assert r.status_code == 302
    assert run.items.filter(repushed_at__isnull=False).count() == 5
    assert "Đã xếp hàng gửi lại đầy đủ 5 hồ sơ" in c.get(f"{PAGE}{run.pk}/").content.decode()


def test_the_pages_and_the_export_render_in_english_too(world, scene, portal, client_of):  # noqa: ANN001
    run = run_now(world, portal)
    c = client_of("monitor")
    c.post("/i18n/setlang/", {"language": "en", "next": PAGE})
    for path in (PAGE, f"{PAGE}{run.pk}/", f"{PAGE}{run.pk}/progress/", f"{PAGE}{run.pk}/export.xlsx"):
        r = c.get(path)
        assert r.status_code == 200, path
    assert 'lang="en"' in c.get(PAGE).content.decode()
