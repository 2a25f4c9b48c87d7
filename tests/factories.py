"""A small, fully-formed province for tests, built through the same services as production:
two communes with service centres, a provincial centre and department, staff for every role,
and a small catalog (commune procedure in working days, province procedure in working hours)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model

from motcua.catalog.services import import_catalog
from motcua.dossiers import services as svc
from motcua.units.choices import Role, UnitKind
from motcua.units.models import StaffRole, Unit

PASSWORD = "test-password-123"

CATALOG: dict[str, Any] = {
    "format": "motcua.catalog/1",
    "fields": [{"code": "HT", "name": "Hộ tịch"}, {"code": "CT", "name": "Chứng thực"}],
    "procedures": [
        {
            "code": "1.001193", "name": "Thủ tục đăng ký khai sinh", "field": "HT", "levels": ["commune"],
            "versions": [
                {"decision_number": "1872/QĐ-BTP", "decision_date": "2020-10-14", "effective_from": "2020-10-14",
                 "effective_to": "2025-07-01", "status": "amended", "name": "Thủ tục đăng ký khai sinh",
                 "applicant_types": [0], "online_level": "full", "processing_time": 3, "time_unit": "day",
                 "fees": [{"name": "Lệ phí", "amount": 0, "collected": 1}],
                 "components": [{"name": "Tờ khai đăng ký khai sinh", "originals": 1, "copies": 0,
                                 "required": True, "must_digitize": True, "form_template": "Mẫu TK"}]},
                {"decision_number": "1726/QĐ-BTP", "decision_date": "2025-06-20", "effective_from": "2025-07-01",
                 "effective_to": None, "status": "published", "name": "Thủ tục đăng ký khai sinh",
                 "applicant_types": [0], "online_level": "full", "processing_time": 1, "time_unit": "day",
                 "fees": [{"name": "Lệ phí", "amount": 0, "collected": 1}],
                 "components": [
                     {"name": "Tờ khai đăng ký khai sinh", "originals": 1, "copies": 0, "required": True,
                      "must_digitize": True, "form_template": "Mẫu TK"},
                     {"name": "Giấy chứng sinh", "originals": 1, "copies": 0, "required": True,
                      "must_digitize": True, "form_template": None},
                     {"name": "Giấy ủy quyền", "originals": 1, "copies": 0, "required": False,
                      "must_digitize": False, "form_template": None}]},
            ],
            "process": [
                {"name": "Tiếp nhận", "role": "counter_officer", "quota_hours": 1},
                {"name": "Thẩm định", "role": "specialist", "quota_hours": 4},
                {"name": "Phê duyệt", "role": "leader", "quota_hours": 2, "approval": True},
            ],
        },
        {
            "code": "2.000815", "name": "Chứng thực bản sao từ bản chính", "field": "CT", "levels": ["province"],
            "versions": [
                {"decision_number": "1024/QĐ-BTP", "decision_date": "2020-05-01", "effective_from": "2020-05-01",
                 "effective_to": None, "status": "published", "name": "Chứng thực bản sao từ bản chính",
                 "applicant_types": [0, 1, 2], "online_level": "partial", "processing_time": 4,
                 "time_unit": "hour", "methods": [
                     {"channel": 1, "processing_time": 4, "time_unit": "hour", "fee": 2000},
                     {"channel": 2, "processing_time": 8, "time_unit": "hour", "fee": 2000},
                     {"channel": 3, "processing_time": 8, "time_unit": "hour", "fee": 2000}],
                 "fees": [{"name": "Phí chứng thực", "amount": 2000, "collected": 1}],
                 "components": [{"name": "Bản chính giấy tờ", "originals": 1, "copies": 1, "required": True,
                                 "must_digitize": False, "form_template": None}]},
            ],
            "process": [
                {"name": "Xử lý", "role": "specialist", "quota_hours": 2, "produces_document": True},
                {"name": "Ký", "role": "leader", "quota_hours": 1, "approval": True},
            ],
        },
    ],
}


WEDNESDAY_9AM = "2025-09-10 09:00"  # a working morning
# the smallest file the upload checks accept as a PDF
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32  # a PNG signature is all the upload check reads


@dataclass
class World:
    province: Unit
    centre: Unit
    department: Unit
    communes: dict[str, Unit]
    commune_centres: dict[str, Unit]
    users: dict[str, Any] = field(default_factory=dict)

    def actor(self, username: str) -> svc.Actor:
        return svc.Actor.of(self.users[username])

    def intake_request(self, commune: str = "a", channel: int = 1, **over: Any) -> svc.IntakeRequest:
        from motcua.catalog.models import Component
        from motcua.catalog.services import version_in_force
        from motcua.core import clock

        v = version_in_force(_proc("1.001193"), clock.local_date(clock.now()))
        comps = [svc.ComponentInput(component_id=c.pk, originals=c.originals, copies=c.copies)
                 for c in Component.objects.filter(version=v, required=True)]
        data: dict[str, Any] = dict(
            procedure_code="1.001193", receiving_unit_code=self.commune_centres[commune].code,
            handling_unit_code=self.communes[commune].code, channel=channel,
            applicant=svc.Applicant(name="Nguyễn Văn An", id_number="068123456789", phone="0912345678"),
            components=comps,
        )
        data.update(over)
        return svc.IntakeRequest(**data)


def _proc(code: str):  # noqa: ANN202
    from motcua.catalog.models import Procedure

    return Procedure.objects.get(code=code)


def _user(username: str, unit: Unit | None = None, role: str | None = None, **extra: Any):  # noqa: ANN202
    user = get_user_model().objects.create_user(username=username, password=PASSWORD, **extra)
    if unit is not None and role is not None:
        StaffRole.objects.create(user=user, unit=unit, role=role)
    return user


def build_world() -> World:
    p = Unit.objects.create(code="68", name="Tỉnh Lâm Đồng", kind=UnitKind.PROVINCE)
    centre = Unit.objects.create(code="000.00.10.H39", name="Trung tâm PVHCC tỉnh", kind=UnitKind.SERVICE_CENTRE,
                                 parent=p)
    dept = Unit.objects.create(code="000.00.11.H39", name="Sở Tư pháp", kind=UnitKind.AGENCY, parent=p)
    communes, centres = {}, {}
    for key, code in (("a", "000.31.10.H39"), ("b", "000.32.10.H39")):
        communes[key] = Unit.objects.create(code=code, name=f"Xã {key.upper()}", kind=UnitKind.COMMUNE, parent=p)
        centres[key] = Unit.objects.create(code=code.replace(".10.", ".90."), name=f"TTPVHCC xã {key.upper()}",
                                           kind=UnitKind.SERVICE_CENTRE, parent=communes[key])
    for u in (p, centre, dept, *communes.values(), *centres.values()):
        u.refresh_from_db()
    import_catalog(CATALOG, process_unit_ids=[c.pk for c in communes.values()])
    from motcua.catalog.services import attach_default_process

    attach_default_process(_proc("2.000815"), CATALOG["procedures"][1]["process"], [dept.pk])
    w = World(p, centre, dept, communes, centres)
    for key in ("a", "b"):
        w.users[f"counter_{key}"] = _user(f"counter_{key}", centres[key], Role.COUNTER_OFFICER)
        w.users[f"specialist_{key}"] = _user(f"specialist_{key}", communes[key], Role.SPECIALIST)
        w.users[f"leader_{key}"] = _user(f"leader_{key}", communes[key], Role.LEADER)
    w.users["counter_p"] = _user("counter_p", centre, Role.COUNTER_OFFICER)
    w.users["specialist_p"] = _user("specialist_p", dept, Role.SPECIALIST)
    w.users["leader_p"] = _user("leader_p", dept, Role.LEADER)
    w.users["monitor"] = _user("monitor", p, Role.MONITOR)
    w.users["admin"] = _user("admin", p, Role.ADMIN)
    w.users["citizen"] = _user("citizen", first_name="An", last_name="Nguyễn Văn")
    w.users["citizen2"] = _user("citizen2")
    return w


# ---- following the internal process honestly ------------------------------------------------

def attach_result(world: World, dossier_id: int, username: str = "specialist_a", name: str = "ket-qua.pdf"):  # noqa: ANN201
    """Upload a result file (the smallest PDF) to the dossier, as ``username``."""
    import io

    return svc.attach_file(world.actor(username), dossier_id, io.BytesIO(PDF), name, "result")


def to_approval(world: World, dossier_id: int, commune: str = "a"):  # noqa: ANN201
    """From the step the dossier is at, forward step by step to the leader's approval step, attaching
    the document each step that produces one needs."""
    from motcua.dossiers.models import Dossier

    specialist = f"specialist_{commune}"
    d = Dossier.objects.select_related("current_step").get(pk=dossier_id)
    while d.current_step is not None and not d.current_step.approval:
        if d.current_step.produces_document:
            attach_result(world, dossier_id, specialist)
        d = svc.forward(world.actor(specialist), dossier_id)
    return d


def through_process(world: World, dossier_id: int, commune: str = "a"):  # noqa: ANN201
    """A started dossier carried through every step: the result attached and approved by the leader,
    ready to be finished."""
    to_approval(world, dossier_id, commune)
    attach_result(world, dossier_id, f"specialist_{commune}")
    return svc.approve(world.actor(f"leader_{commune}"), dossier_id, "Đồng ý").dossier


def finished(world: World, dossier_id: int, commune: str = "a"):  # noqa: ANN201
    """A started dossier through its process and finished (result at the one-stop department)."""
    through_process(world, dossier_id, commune)
    return svc.finish(world.actor(f"leader_{commune}"), dossier_id)
