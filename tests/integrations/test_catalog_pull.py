"""The national catalog codes from the real simulator server (LayDanhSachTTHC, LayThuTuc) and the
mapping of local procedures to them: states, suggestions, the service's checks, the page and the
API (administrators only; a bad code is a field error and changes nothing)."""

from __future__ import annotations

import json
import sys

import pytest
from django.urls import Resolver404, path, resolve

from motcua.catalog.models import Procedure
from motcua.domain.errors import PermissionDenied, ValidationFailed
from motcua.integrations.national_portal import catalog_pull as cp
from motcua.integrations.national_portal import jobs, sync
from motcua.integrations.national_portal.models import DossierSync, NationalProcedure, SyncState
from motcua.integrations.national_portal.simulator import DEFAULT_CATALOG

pytestmark = pytest.mark.django_db
PAGE = "/office/national-portal/catalog/"
API = "/api/v1/integrations/national-portal/catalog"
# the national catalog the simulator serves: the sample's national procedures (not a local variant such as
# 2.000815.BSDT, which maps to its national code)
SAMPLE = {p["code"]: p["name"] for p in json.loads(DEFAULT_CATALOG.read_text(encoding="utf-8"))["procedures"]
          if p.get("national_code", p["code"]) == p["code"]}


def proc(code: str = "1.001193") -> Procedure:
    return Procedure.objects.get(code=code)


# ---- pulling ----------------------------------------------------------------------------------

def test_pull_upserts_the_national_catalog_and_keeps_codes_no_longer_listed(sim, portal):  # noqa: ANN001
    assert cp.pull(portal) == {"created": len(SAMPLE), "updated": 0, "unchanged": 0, "missing": 0}
    p = NationalProcedure.objects.get(code="1.001193")
    assert (p.name, p.field_code, p.field_name) == (SAMPLE["1.001193"], "HT", "Hộ tịch")
    assert p.data["MaTTHC"] == "1.001193"
    NationalProcedure.objects.filter(code="1.001193").update(name="cũ")
    NationalProcedure.objects.create(code="1.999999", name="Thủ tục đã bãi bỏ", pulled_at=p.pulled_at)
    assert cp.pull(portal) == {"created": 0, "updated": 1, "unchanged": len(SAMPLE) - 1, "missing": 1}
    assert NationalProcedure.objects.get(code="1.001193").name == SAMPLE["1.001193"]
    assert NationalProcedure.objects.filter(code="1.999999").exists()  # kept, reported


def test_one_code_is_fetched_on_demand(sim, portal):  # noqa: ANN001
    got = cp.fetch(portal, "1.000894")
    assert got is not None and got.name == SAMPLE["1.000894"] and NationalProcedure.objects.count() == 1
    assert cp.fetch(portal, "9.123456") is None and NationalProcedure.objects.count() == 1


# ---- mapping states and the service ------------------------------------------------------------

def test_mapping_states_and_suggestions(world, sim, portal):  # noqa: ANN001
    cp.pull(portal)
    Procedure.objects.filter(code="2.000815").update(national_code="2.999999")
    Procedure.objects.filter(code="1.001193").update(national_code="")
    rows = {r.procedure.code: r for r in cp.add_suggestions(cp.mapping_rows())}
    assert {c: r.state for c, r in rows.items()} == {"1.001193": "unmapped", "2.000815": "unknown"}
    assert "1.001193" in [s.code for s in rows["1.001193"].suggestions]  # "Thủ tục đăng ký khai sinh"
    assert rows["1.001193"].state_text.startswith("Chưa có mã TTHC quốc gia: hồ sơ của thủ tục này không đồng bộ")
    assert [r.procedure.code for r in cp.mapping_rows(only_unmapped=True)] == ["1.001193"]
    assert [r.procedure.code for r in cp.mapping_rows(q="chung thuc")] == ["2.000815"]  # accent-free
    Procedure.objects.filter(code="2.000815").update(national_code="2.000815")
    assert cp.row_of(proc("2.000815")).state == "mapped"


def test_set_mapping_checks_the_code_and_resends_failed_syncs(world, sim, portal, monkeypatch):  # noqa: ANN001
    cp.pull(portal)
    p = proc()
    Procedure.objects.filter(pk=p.pk).update(national_code="")
    admin, leader = world.actor("admin"), world.actor("leader_a")
    with pytest.raises(PermissionDenied):
        cp.set_mapping(leader, p, "1.001193")
    with pytest.raises(ValidationFailed) as err:
        cp.set_mapping(admin, p, "1.123456", portal)
    assert err.value.fields == {"national_code": cp.NOT_NATIONAL} and proc().national_code == ""
    from motcua.dossiers import services as svc

    d = svc.intake(world.actor("counter_a"), world.intake_request("a"))
    DossierSync.objects.update_or_create(dossier=d, defaults={"state": SyncState.FAILED})
    sent: list[list[int]] = []
    monkeypatch.setattr(sync, "repush", lambda ids: sent.append(list(ids)) or len(ids))
    assert cp.set_mapping(admin, p, "1.001193") == 1
    assert proc().national_code == "1.001193" and sent == [[d.pk]]


def test_mapping_a_code_an_inbound_dossier_waits_for_pulls_again(world, sim, portal, monkeypatch):  # noqa: ANN001
    from django_tasks_db.models import DBTaskResult

    from motcua.integrations.national_portal import inbound

    cp.pull(portal)
    inbound.pull(portal)  # the test world maps 1.001193 only: 1.000894 and 1.000656 wait
    monkeypatch.setattr(jobs, "enabled", lambda: True)
    cp.set_mapping(world.actor("admin"), proc("2.000815"), "2.000815")  # nobody waits for it
    assert not DBTaskResult.objects.exists()
    cp.set_mapping(world.actor("admin"), proc("2.000815"), "1.000894")
    assert DBTaskResult.objects.filter(task_path__endswith="pull_inbound").count() == 1


def test_a_code_not_pulled_yet_is_asked_of_the_portal(world, sim, portal):  # noqa: ANN001
    p = proc("2.000815")
    cp.set_mapping(world.actor("admin"), p, "1.000894", portal)  # LayThuTuc finds it
    assert proc("2.000815").national_code == "1.000894" and NationalProcedure.objects.filter(code="1.000894").exists()
    with pytest.raises(ValidationFailed):
        cp.set_mapping(world.actor("admin"), p, "1.000894x", None)  # no client: only the pulled list counts
    sim.faults(http_500=5)
    with pytest.raises(ValidationFailed) as err:
        cp.set_mapping(world.actor("admin"), p, "1.000656", portal)
    assert err.value.fields["national_code"] == cp.UNREACHABLE and proc("2.000815").national_code == "1.000894"


# ---- the page ----------------------------------------------------------------------------------

@pytest.mark.parametrize("user", ["leader_a", "counter_a", "specialist_p", "monitor"])
def test_the_mapping_page_is_for_administrators(world, client_of, user):  # noqa: ANN001
    assert client_of(user).get(PAGE).status_code == 403
    assert client_of(user).post(PAGE, {"procedure": "1.001193", "national_code": ""}).status_code == 403
    assert proc().national_code == "1.001193"


def test_the_mapping_page_shows_states_and_saves_a_good_code_only(world, client_of, sim, portal):  # noqa: ANN001
    cp.pull(portal)
    Procedure.objects.filter(code="1.001193").update(national_code="")
    c = client_of("admin")
    html = c.get(PAGE).content.decode()
    assert "Chưa có mã TTHC quốc gia: hồ sơ của thủ tục này không đồng bộ được lên Cổng DVCQG" in html
    only = c.get(PAGE, {"unmapped": "1"}).content.decode()
    assert 'id="proc-1.001193"' in only and 'id="proc-2.000815"' not in only
    bad = c.post(PAGE, {"procedure": "1.001193", "national_code": "1.123456"})
    assert bad.status_code == 422 and "Mã không có trong danh mục TTHC quốc gia" in bad.content.decode()
    assert proc().national_code == ""
    good = c.post(PAGE, {"procedure": "1.001193", "national_code": "1.001193"})
    assert good.status_code == 302 and proc().national_code == "1.001193"
    assert "Đã ánh xạ" in c.get(PAGE).content.decode()


def test_the_catalog_button_enqueues_the_pull_and_never_calls_the_portal(world, client_of, monkeypatch):  # noqa: ANN001
    from django_tasks_db.models import DBTaskResult

    monkeypatch.setattr(cp, "pull", lambda *a: pytest.fail("the portal was called"))
    monkeypatch.setattr(jobs, "enabled", lambda: True)
    assert client_of("admin").post(PAGE + "pull/").status_code == 302
    assert DBTaskResult.objects.filter(task_path__endswith="pull_catalog", status="READY").count() == 1
    assert client_of("leader_a").post(PAGE + "pull/").status_code == 403
    assert client_of("admin").get(PAGE + "pull/").status_code == 405
    assert DBTaskResult.objects.count() == 1


# ---- the API (the lead mounts the router at API; until then a test API mounts it) --------------

def _mounted() -> bool:
    from motcua.urls import api_not_found

    try:
        return resolve(API + "/mappings").func is not api_not_found
    except Resolver404:
        return False


def __getattr__(name: str):  # noqa: ANN202 - this module as a URLconf when the router is not mounted yet
    if name != "urlpatterns":
        raise AttributeError(name)
    from importlib import import_module

    from django.conf import settings

    from motcua.api.docs import DocumentedAPI
    from motcua.api.main import SessionAuth, Utf8Renderer, api
    from motcua.integrations.national_portal.api_catalog import router

    test_api = DocumentedAPI(renderer=Utf8Renderer(), urls_namespace="test_np_catalog", auth=[SessionAuth()])
    for exc, handler in api._exception_handlers.items():
        test_api.add_exception_handler(exc, handler)
    test_api.add_router("/", router)
    base = import_module(_ROOT["urlconf"]).urlpatterns if _ROOT else import_module(settings.ROOT_URLCONF).urlpatterns
    patterns = [path(API.lstrip("/") + "/", test_api.urls), *base]
    globals()["urlpatterns"] = patterns
    return patterns


_ROOT: dict[str, str] = {}


@pytest.fixture
def api_client(world, client_of, settings):  # noqa: ANN001, ANN201
    if not _mounted():
        _ROOT["urlconf"] = settings.ROOT_URLCONF
        settings.ROOT_URLCONF = sys.modules[__name__]
    return client_of


def _put(client, code: str, national: str):  # noqa: ANN001, ANN202
    return client.put(f"{API}/mappings/{code}", {"national_code": national}, content_type="application/json")


def test_api_is_for_administrators(api_client):  # noqa: ANN001
    for user in ("leader_a", "counter_a"):
        assert api_client(user).get(API + "/mappings").status_code == 403
        assert api_client(user).get(API + "/procedures").status_code == 403
        assert _put(api_client(user), "1.001193", "").status_code == 403
        assert api_client(user).post(API + "/pull").status_code == 403
    assert proc().national_code == "1.001193"


def test_api_lists_and_sets_mappings(api_client, sim, portal):  # noqa: ANN001
    cp.pull(portal)
    c = api_client("admin")
    national = c.get(API + "/procedures", {"q": "1.00119"}).json()
    assert [p["code"] for p in national] == ["1.001193"]
    Procedure.objects.filter(code="1.001193").update(national_code="")
    rows = {r["code"]: r for r in c.get(API + "/mappings", {"suggestions": True}).json()}
    assert rows["1.001193"]["state"] == "unmapped" and "1.001193" in rows["1.001193"]["suggestions"]
    assert rows["2.000815"]["state"] == "mapped" and rows["2.000815"]["national_name"]
    assert [r["code"] for r in c.get(API + "/mappings", {"state": "unmapped"}).json()] == ["1.001193"]
    bad = _put(c, "1.001193", "1.123456")
    assert bad.status_code == 422 and bad.json()["error"]["fields"] == {"national_code": cp.NOT_NATIONAL}
    assert proc().national_code == ""
    assert _put(c, "9.000000", "1.001193").status_code == 404
    good = _put(c, "1.001193", "1.001193")
    assert good.status_code == 200, good.content
    assert good.json()["state"] == "mapped" and good.json()["repushed"] == 0
    assert proc().national_code == "1.001193"


def test_api_pull_enqueues_the_worker_task(api_client, monkeypatch):  # noqa: ANN001
    from django_tasks_db.models import DBTaskResult

    c = api_client("admin")
    assert c.post(API + "/pull").status_code == 409  # the integration is off
    monkeypatch.setattr(jobs, "enabled", lambda: True)
    r = c.post(API + "/pull")
    assert r.status_code == 202 and r.json() == {"queued": True}
    assert DBTaskResult.objects.filter(task_path__endswith="pull_catalog").count() == 1
