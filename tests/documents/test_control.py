"""The processing control slip: one row per hand-over of the event log, with step results."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from motcua.core.clock import aware
from motcua.documents import facts, services
from motcua.dossiers import services as svc
from tests.documents.conftest import A4, Pdf
from tests.factories import attach_result

pytestmark = pytest.mark.django_db


def _lifecycle(desk, clock):  # noqa: ANN001, ANN202
    """Step 1 (1 h) left on time, step 2 (4 h) left two days late, step 3 (2 h) approved on time."""
    d = desk.at_step(2)
    clock.set("2025-09-12 10:00")
    svc.forward(desk.actor("specialist_a"), d.pk, to_step=3, holder_id=desk.world.users["leader_a"].pk)
    clock.set("2025-09-12 10:30")
    attach_result(desk.world, d.pk)
    clock.set("2025-09-12 11:00")
    svc.approve(desk.actor("leader_a"), d.pk, "Đồng ý")
    svc.finish(desk.actor("leader_a"), d.pk)
    clock.set("2025-09-12 15:00")
    return svc.return_result(desk.actor("counter_a"), d.pk)


def test_handovers_read_from_the_event_log(desk, clock) -> None:  # noqa: ANN001
    d = _lifecycle(desk, clock)
    rows = [(h.what, h.giver, h.receiver, h.result) for h in facts.handovers(d)]
    assert rows == [
        ("Tiếp nhận trực tiếp", "Nguyễn Thị Hồng Nhung", "Trần Thị Mai (TTPVHCC xã A)", ""),
        ("Chuyển xử lý", "Trần Thị Mai (TTPVHCC xã A)", "Tiếp nhận - Trần Thị Mai (Xã A)", ""),
        ("Chuyển bước", "Lê Văn Bình (Xã A)", "Thẩm định - Lê Văn Bình (Xã A)", "Đúng hạn"),
        ("Chuyển bước", "Lê Văn Bình (Xã A)", "Phê duyệt - Phạm Quốc Hùng (Xã A)", "Trễ hạn"),
        ("Phê duyệt kết quả", "Phạm Quốc Hùng (Xã A)", "Xã A", "Đúng hạn"),
        ("Hoàn thành xử lý", "Phạm Quốc Hùng (Xã A)", "Bộ phận một cửa (TTPVHCC xã A)", ""),
        ("Trả kết quả", "Trần Thị Mai (TTPVHCC xã A)", "Nguyễn Thị Hồng Nhung", ""),
    ]


def test_a_step_left_on_an_earlier_day_is_early_after_its_due_time_late() -> None:
    due = aware(datetime(2025, 9, 12, 9, 0))
    assert facts.step_result(aware(datetime(2025, 9, 11, 16, 0)), due) == "Trước hạn"
    assert facts.step_result(due, due) == "Đúng hạn"
    assert facts.step_result(due + timedelta(minutes=1), due) == "Trễ hạn"
    assert facts.step_result(due, None) == ""


def test_control_slip_prints_the_table_on_a4(desk, clock) -> None:  # noqa: ANN001
    d = _lifecycle(desk, clock)
    filename, content = services.render_document(desk.actor("leader_a"), d.pk, "control")
    pdf = Pdf(content)
    assert filename == f"phieu-kiem-soat-{d.code}.pdf" and pdf.size() == A4
    assert not pdf.missing("PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                           f"Mã hồ sơ: {d.code}", "Tổ chức, cá nhân: Nguyễn Thị Hồng Nhung",
                           "Cơ quan giải quyết: Xã A", "Trạng thái: Đã trả kết quả", "Bên giao", "Bên nhận",
                           "Thời gian giao, nhận", "Kết quả", "Thẩm định - Lê Văn Bình (Xã A)",
                           "Phê duyệt - Phạm Quốc Hùng", "Bộ phận một cửa", "Trễ hạn", "Đúng hạn",
                           "10:00 12/09/2025", "15:00 12/09/2025")
