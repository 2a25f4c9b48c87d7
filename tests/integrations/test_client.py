"""The real HTTP client of the national portal against the running simulator: session cache,
one re-login on expiry, errors sorted into "retry later" and "refused", trail chunks."""

from __future__ import annotations

import pytest

from motcua.integrations.national_portal.client import DossierExists, PortalRejected, PortalUnavailable
from tests.integrations.conftest import dossier, trail_row


def test_the_session_is_cached(sim, portal):
    portal.list_fields()
    portal.list_procedures()
    portal.lookup_dossier("x")
    assert sim.state()["logins"] == 1


def test_an_expired_session_logs_in_again_once_and_the_call_succeeds(sim, portal):
    portal.list_fields()
    sim.faults(expire_sessions=True)
    assert portal.list_fields()
    assert sim.state()["logins"] == 2


def test_a_refusal_is_retried_once_with_a_fresh_session_then_raised(sim, portal):
    with pytest.raises(PortalRejected, match="Mã thủ tục") as info:
        portal.sync_dossier(dossier(MaTTHC="9.999999"), update=False)
    assert info.value.code == 6
    assert sim.state()["logins"] == 2


def test_insert_then_update_and_a_duplicate_insert_says_exists(sim, portal):
    code = dossier()["MaHoSo"]
    assert portal.lookup_dossier(code) is None
    portal.sync_dossier(dossier(), update=False)
    assert portal.lookup_dossier(code)["TrangThaiHoSo"] == 4
    sim.faults(lookup_blind=True)
    assert portal.lookup_dossier(code) is None  # the race: lookup says new...
    with pytest.raises(DossierExists):  # ...and the insert says it exists: the caller updates
        portal.sync_dossier(dossier(), update=False)
    portal.sync_dossier(dossier(TrangThaiHoSo=10), update=True)
    assert sim.state()["dossiers"] == [code]


def test_http_500_is_unavailable(sim, portal):
    portal.list_fields()
    sim.faults(http_500=1)
    with pytest.raises(PortalUnavailable, match="500"):
        portal.list_fields()
    assert portal.list_fields()


def test_a_slow_portal_times_out_as_unavailable(sim, portal):
    portal.list_fields()
    sim.faults(delay=1.5)  # the fixture's read timeout is 1 s
    with pytest.raises(PortalUnavailable, match="không trả lời kịp"):
        portal.list_fields()


def test_connection_refused_is_unavailable():
    from motcua.integrations.national_portal.client import HttpPortal

    client = HttpPortal("http://127.0.0.1:9", username="u", password="p", dstcode="d", unit_code="u",
                        connect_timeout=0.5)
    with pytest.raises(PortalUnavailable):
        client.list_fields()


def test_trail_in_chunks_and_a_failed_chunk_re_pushed_leaves_no_gap_nor_duplicate(sim, portal):
    code = dossier()["MaHoSo"]
    portal.sync_dossier(dossier(), update=False)
    rows = [trail_row(code, n) for n in range(8)]
    sim.faults(fail_trail_call=3)  # the fixture's chunk is 3 rows: calls 1, 2 then 3 fails... after relogin
    assert portal.push_trail(rows) == 3  # ...the retry of call 3 passes (one-shot switch)
    assert sim.state()["trail_rows"] == 8
    portal.push_trail(rows)  # a re-push adds nothing
    assert len(portal.lookup_dossier(code)["QuaTrinhXuLy"]) == 8


def test_a_trail_chunk_failing_for_good_raises_after_the_chunks_before_it(sim, portal):
    code = dossier()["MaHoSo"]
    portal.sync_dossier(dossier(), update=False)
    rows = [trail_row(code, n) for n in range(6)] + [trail_row(code, 6, NguoiXuLy="x" * 51)]
    with pytest.raises(PortalRejected, match="NguoiXuLy"):
        portal.push_trail(rows)
    assert sim.state()["trail_rows"] == 6


def test_plain_text_trail_replies(sim, portal):
    code = dossier()["MaHoSo"]
    portal.sync_dossier(dossier(), update=False)
    sim.faults(trail_plain_text=True)
    assert portal.push_trail([trail_row(code, 1)]) == 1
    with pytest.raises(PortalRejected, match="Lỗi"):
        portal.push_trail([trail_row("unknown", 1)])


def test_catalog_and_inbound_calls(portal):
    assert len(portal.list_procedures()) == 59
    assert portal.get_procedure("1.001193")["MaLinhVuc"] == "HT"
    assert portal.get_procedure("9.999999") is None
    assert portal.list_agencies() == []
    assert len(portal.list_online_dossiers()) == 3


def test_the_client_from_settings():
    import dataclasses

    from motcua.conf import CONFIG
    from motcua.integrations.national_portal.client import HttpPortal

    cfg = dataclasses.replace(CONFIG, national_portal_url="http://portal.example/gw/")
    client = HttpPortal.from_config(cfg)
    assert client.url == "http://portal.example/gw" and client.http.timeout.read == 60.0
    assert client.http.headers["dstcode"] == CONFIG.national_portal_dstcode
    client.close()


def test_the_integration_is_off_without_a_url():
    from motcua.integrations.national_portal import jobs

    assert jobs.portal() is None
