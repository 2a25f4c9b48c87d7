"""API test fixtures: signed-in clients per user, bearer-token clients, payload builders,
dossiers brought to any status, and a guard asserting that a failed call changed nothing."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from motcua.core.models import ApiToken
from motcua.dossiers import services as svc
from motcua.dossiers.models import Dossier, DossierCounter, DossierEvent, DossierFile
from tests.factories import finished

API = "/api/v1"





@pytest.fixture
def anon() -> Client:
    return Client()


@pytest.fixture
def token_of(world) -> Callable[[str], str]:  # noqa: ANN001
    """``token_of("counter_a")``: a fresh raw bearer token for that user."""

    def make(username: str, name: str = "he-thong-test") -> str:
        return ApiToken.issue(world.users[username], name)[1]

    return make


@pytest.fixture
def token_client(token_of) -> Callable[[str], Client]:  # noqa: ANN001
    """``token_client("counter_a")``: a client authenticating with ``Authorization: Bearer``."""

    def make(username: str) -> Client:
        return Client(HTTP_AUTHORIZATION=f"Bearer {token_of(username)}")

    return make


def purge_event_log() -> None:
    """Empty the event log and the verifier's checkpoints with their append-only triggers lifted.

    Transactional tests end with Django's flush: ``DELETE FROM`` every table on SQLite, which the
    row triggers refuse, and TRUNCATE on PostgreSQL, which the TRUNCATE trigger refuses while the
    log has rows. With the log already empty neither fires (an empty table loses nothing).
    """
    from django.db import connection

    with connection.cursor() as c:
        if connection.vendor == "postgresql":
            c.execute("SET session_replication_role = replica")  # the test database's superuser: no trigger fires
            try:
                for table in ("signing_remotesignature", "signing_signedletter", "dossiers_approval",
                              "dossiers_dossierevent",
                              "dossiers_eventcheckpoint"):
                    c.execute(f"DELETE FROM {table}")  # approvals point at events: they go first
            finally:
                c.execute("SET session_replication_role = origin")
            return
        c.execute("DELETE FROM signing_remotesignature")  # remote signatures point at approvals
        c.execute("DELETE FROM signing_signedletter")  # signed letters point at events
        c.execute("DELETE FROM dossiers_approval")  # approvals point at events: they go first
        c.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' "
                  "AND tbl_name IN ('dossiers_dossierevent', 'dossiers_eventcheckpoint')")
        triggers = c.fetchall()
        for name, _ in triggers:
            c.execute(f'DROP TRIGGER "{name}"')
        try:
            c.execute("DELETE FROM dossiers_dossierevent")
            c.execute("DELETE FROM dossiers_eventcheckpoint")
        finally:
            for _, sql in triggers:
                c.execute(sql)


class ApiHelper:
    """Payloads, calls and assertions shared by the API tests."""

    def __init__(self, world, client_of: Callable[[str], Client]) -> None:  # noqa: ANN001
        self.world = world
        self.client_of = client_of

    # ---- payloads ----
    def payload(self, commune: str = "a", channel: int = 1, **over: Any) -> dict[str, Any]:
        req = self.world.intake_request(commune, channel)
        data: dict[str, Any] = {
            "procedure_code": req.procedure_code,
            "receiving_unit_code": req.receiving_unit_code,
            "handling_unit_code": req.handling_unit_code,
            "channel": channel,
            "applicant": {"name": "Nguyễn Văn An", "type": 0, "id_number": "068123456789",
                          "phone": "0912345678", "email": "an.nguyen@example.vn",
                          "address": "12 Đường Trần Phú, Phường 1"},
            "components": [{"component_id": c.component_id, "originals": c.originals, "copies": c.copies}
                           for c in req.components],
            "request_summary": "Đăng ký khai sinh cho con",
        }
        data.update(over)
        return data

    # ---- calls ----
    def post(self, client: Client, path: str, body: Any = None, raw: str | bytes | None = None):  # noqa: ANN201
        data = raw if raw is not None else json.dumps({} if body is None else body)
        return client.post(API + path, data=data, content_type="application/json")

    def get(self, client: Client, path: str, **params: Any):  # noqa: ANN201
        return client.get(API + path, params)

    def intake(self, username: str = "counter_a", **over: Any) -> dict[str, Any]:
        r = self.post(self.client_of(username), "/dossiers", self.payload(**over))
        assert r.status_code == 201, r.content
        return r.json()

    def act(self, username: str, dossier_id: int, action: str, **body: Any) -> dict[str, Any]:
        r = self.post(self.client_of(username), f"/dossiers/{dossier_id}/{action}", body)
        assert r.status_code == 200, (action, r.content)
        return r.json()

    # ---- dossiers in a given status, built through the services ----
    def dossier_at(self, status: int, commune: str = "a") -> Dossier:
        w = self.world
        counter, spec, leader = (w.actor(f"{r}_{commune}") for r in ("counter", "specialist", "leader"))
        channel = 2 if status in (1, 3) else 1
        d = svc.intake(counter, w.intake_request(commune, channel=channel))
        steps: dict[int, list[Callable[[int], Any]]] = {
            1: [], 2: [],
            3: [lambda i: svc.refuse(counter, i, "Hồ sơ không hợp lệ")],
            4: [lambda i: svc.start(counter, i)],
            5: [lambda i: svc.start(counter, i), lambda i: svc.request_supplement(spec, i, "Thiếu giấy tờ")],
            6: [lambda i: svc.start(counter, i), lambda i: svc.request_payment(spec, i, 50_000, "Lệ phí")],
            7: [lambda i: svc.withdraw(counter, i, "Công dân xin rút")],
            8: [lambda i: svc.start(counter, i), lambda i: svc.stop(leader, i, "Dừng xử lý")],
            9: [lambda i: svc.start(counter, i), lambda i: finished(w, i, commune)],
            10: [lambda i: svc.start(counter, i), lambda i: finished(w, i, commune),
                 lambda i: svc.return_result(counter, i)],
        }
        for step in steps[status]:
            step(d.pk)
        d = Dossier.objects.get(pk=d.pk)
        assert d.status == status
        return d

    # ---- assertions ----
    @staticmethod
    def error(resp, status: int, code: str | None = None, fields: tuple[str, ...] = ()) -> dict[str, Any]:  # noqa: ANN001
        """Assert the JSON error envelope; ``fields`` must all have a message."""
        assert resp.status_code == status, (resp.status_code, resp.content[:2000])
        assert resp["Content-Type"].startswith("application/json"), resp["Content-Type"]
        body = resp.json()
        assert set(body) == {"error"}, body
        err = body["error"]
        assert set(err) == {"code", "message", "fields"}, err
        assert isinstance(err["message"], str) and err["message"]
        assert isinstance(err["fields"], dict)
        if code is not None:
            assert err["code"] == code, err
        for f in fields:
            assert f in err["fields"], (f, err)
            assert isinstance(err["fields"][f], str) and err["fields"][f], err
        return err

    @contextmanager
    def unchanged(self, media: Path | None = None) -> Iterator[None]:
        """Assert that nothing in the dossier tables (nor stored files) changed inside the block."""
        before = self.state(media)
        yield
        after = self.state(media)
        assert after == before

    @staticmethod
    def state(media: Path | None = None) -> dict[str, Any]:
        return {
            "dossiers": list(Dossier.objects.order_by("pk").values()),
            "events": DossierEvent.objects.count(),
            "files": DossierFile.objects.count(),
            "counters": list(DossierCounter.objects.order_by("pk").values()),
            "stored": sorted(str(p) for p in media.rglob("*") if p.is_file()) if media else [],
        }


@pytest.fixture
def api(world, client_of) -> ApiHelper:  # noqa: ANN001
    return ApiHelper(world, client_of)
