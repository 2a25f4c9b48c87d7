"""The dashboard's feedback hot spots: the month's cases by procedure and by unit, overdue now."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from motcua.feedback import services as fsvc

pytestmark = pytest.mark.django_db


def test_the_dashboard_shows_the_feedback_hot_spots(world, clock, client_of):  # noqa: ANN001
    cache.clear()
    clock.set("2026-03-02 09:00")
    for _ in range(2):
        fsvc.submit(None, fsvc.Submission("PA-TTHC", "Rườm rà", anonymous=True, procedure_code="1.001193",
                                          unit_id=world.communes["a"].pk))
    fsvc.submit(None, fsvc.Submission("PA-DONVI", "Ghế hỏng", anonymous=True, unit_id=world.communes["b"].pk))
    clock.set("2026-03-31 16:00")  # all three past their 15 working days
    body = client_of("monitor").get("/reports/dashboard/").content.decode()
    assert 'id="dash-feedback-section"' in body
    assert '<strong class="tile-value" data-feedback="overdue">3</strong>' in body
    procs = body.split('id="dash-feedback-procedures"')[1].split("</table>")[0]
    assert "1.001193 - Thủ tục đăng ký khai sinh</th><td class=\"num\">2</td><td class=\"num\">2</td>" in procs
    units = body.split('id="dash-feedback-units"')[1].split("</table>")[0]
    assert units.index("Xã A") < units.index("Xã B")
    # a commune's leader sees their own commune's only
    cache.clear()
    body = client_of("leader_b").get("/reports/dashboard/").content.decode()
    assert '<strong class="tile-value" data-feedback="overdue">1</strong>' in body
