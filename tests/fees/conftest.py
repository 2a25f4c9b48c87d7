"""Fee fixtures: the test province with two fee procedures imported through the real catalog
import (one with a fee at each stage and every basis, one that allows paying later), and helpers
to register dossiers of them at the counter through the real services."""

from __future__ import annotations

from typing import Any

import pytest

from motcua.catalog.models import Component
from motcua.catalog.services import import_catalog
from motcua.dossiers import services as svc
from motcua.dossiers.models import Dossier

PROCESS = [{"name": "Thẩm định", "role": "specialist", "quota_hours": 4},
           {"name": "Phê duyệt", "role": "leader", "quota_hours": 2, "approval": True}]


def _version(fees: list[dict[str, Any]], pay_later: bool = False) -> dict[str, Any]:
    return {"decision_number": "99/QĐ-UBND", "decision_date": "2024-01-01", "effective_from": "2024-01-01",
            "status": "published", "applicant_types": [0, 1, 2], "online_level": "full", "processing_time": 3,
            "time_unit": "day", "fees": fees, "fee_pay_later": pay_later,
            "components": [{"name": "Đơn đề nghị", "originals": 1, "copies": 0, "required": True}]}


FEES = [{"name": "Lệ phí đăng ký", "amount": 50000, "collected": 1},
        {"name": "Phí chứng thực (mỗi trang)", "amount": 2000, "collected": 1, "basis": "page"},
        {"name": "Phí thẩm định bổ sung", "amount": 10000, "collected": 2},
        {"name": "Phí cấp bản sao kết quả (mỗi bản)", "amount": 5000, "collected": 4, "basis": "copy"}]
CATALOG = {"format": "motcua.catalog/1", "fields": [{"code": "TN", "name": "Thử nghiệm"}], "procedures": [
    {"code": "9.000001", "name": "Thủ tục có phí ở mọi giai đoạn", "field": "TN", "levels": ["commune"],
     "versions": [_version(FEES)], "process": PROCESS},
    {"code": "9.000002", "name": "Thủ tục cho phép nộp phí sau", "field": "TN", "levels": ["commune"],
     "versions": [_version(FEES, pay_later=True)], "process": PROCESS},
]}
FULL = "9.000001"
LATER = "9.000002"


class Counter:
    """Dossiers of the fee procedures, received at commune a's counter through the services."""

    def __init__(self, world: Any) -> None:
        self.world = world
        import_catalog(CATALOG, process_unit_ids=[c.pk for c in world.communes.values()])

    def actor(self, name: str = "counter_a") -> svc.Actor:
        return self.world.actor(name)

    def request(self, code: str = FULL, commune: str = "a", channel: int = 1, **over: Any) -> svc.IntakeRequest:
        comps = Component.objects.filter(version__procedure__code=code)
        data: dict[str, Any] = dict(
            procedure_code=code, receiving_unit_code=self.world.commune_centres[commune].code,
            handling_unit_code=self.world.communes[commune].code, channel=channel,
            applicant=svc.Applicant(name="Trần Thị Bình", id_number="068111222333", phone="0901234567"),
            components=[svc.ComponentInput(component_id=c.pk, originals=1) for c in comps])
        data.update(over)
        return svc.IntakeRequest(**data)

    def received(self, code: str = FULL, commune: str = "a", **over: Any) -> Dossier:
        return svc.intake(self.actor(f"counter_{commune}"), self.request(code, commune, **over))

    def form(self, code: str = FULL, **over: Any) -> dict[str, Any]:
        """The counter intake page's POST for a dossier of ``code`` (every component ticked)."""
        w = self.world
        data: dict[str, Any] = {
            "procedure": code, "receiving_unit": w.commune_centres["a"].pk, "handling_unit": w.communes["a"].pk,
            "applicant_type": 0, "applicant_name": "Lê Văn Cường", "applicant_id_number": "068199000222",
            "applicant_phone": "0987000111", "applicant_email": "", "applicant_address": "12 Phan Chu Trinh",
            "representative_name": "", "representative_phone": "", "request_summary": "", "result_delivery": "counter",
        }
        for c in Component.objects.filter(version__procedure__code=code):
            data.update({f"c{c.pk}": "on", f"c{c.pk}_originals": 1, f"c{c.pk}_copies": 0})
        data.update(over)
        return data


@pytest.fixture
def counter(world, now) -> Counter:  # noqa: ANN001
    return Counter(world)
