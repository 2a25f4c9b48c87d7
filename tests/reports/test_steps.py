"""Late steps (escalation): each internal step from the event log, marked late or on time, counted
in the figures API, on the leaders' dashboard and on the control slip."""

from __future__ import annotations

from datetime import datetime

import pytest
from django.core.cache import cache

from motcua.core.clock import aware
from motcua.documents import services as documents
from motcua.dossiers import services as svc
from motcua.reports.steps import late_steps_of_unit, step_spans
from tests.documents.conftest import Pdf
from tests.factories import attach_result

pytestmark = pytest.mark.django_db


def at(s: str) -> datetime:
    return aware(datetime.fromisoformat(s))


@pytest.fixture
def two(world, clock):  # noqa: ANN001, ANN201
    """A: step 1 on time, step 2 (4 h) left a day late, step 3 approved on time, finished.
    B: still at step 2 (held by the specialist), past its quota from the afternoon of 10/03."""
    counter, spec, leader = (world.actor(f"{r}_a") for r in ("counter", "specialist", "leader"))
    clock.set("2026-03-10 09:00")
    a = svc.start(counter, svc.intake(counter, world.intake_request()).pk)
    b = svc.start(counter, svc.intake(counter, world.intake_request()).pk)
    clock.set("2026-03-10 09:30")
    svc.forward(spec, a.pk)
    svc.forward(spec, b.pk)
    svc.claim(spec, b.pk)  # a holder change keeps the step
    clock.set("2026-03-11 09:00")
    svc.forward(spec, a.pk)
    clock.set("2026-03-11 10:00")
    attach_result(world, a.pk)
    svc.approve(leader, a.pk)
    svc.finish(leader, a.pk)
    clock.set("2026-03-12 09:00")
    return a, b


def test_each_step_from_the_event_log_marked_late_or_on_time(two, world) -> None:  # noqa: ANN001
    a, b = two
    now = at("2026-03-12 09:00")
    assert [(s.step_name, s.left_at is not None, s.late(now)) for s in step_spans([a.pk])] == [
        ("Tiếp nhận", True, False), ("Thẩm định", True, True), ("Phê duyệt", True, False)]
    spans_b = step_spans([b.pk])
    assert [(s.step_name, s.left_at, s.late(now)) for s in spans_b] == [
        ("Tiếp nhận", at("2026-03-10 09:30"), False), ("Thẩm định", None, True)]
    assert spans_b[-1].holder_id == world.users["specialist_a"].pk


def test_late_steps_are_counted_for_the_unit_now_and_for_a_past_period(two, world, clock) -> None:  # noqa: ANN001
    path = world.communes["a"].path
    start, end = at("2026-03-01 00:00"), at("2026-04-01 00:00")
    now = at("2026-03-12 09:00")
    counted = late_steps_of_unit(path, start, end, now)
    assert counted.as_dict() == {"steps_left": 4, "steps_left_late": 1, "steps_open_late": 1}
    assert late_steps_of_unit(world.communes["b"].path, start, end, now).as_dict() == {
        "steps_left": 0, "steps_left_late": 0, "steps_open_late": 0}
    clock.set("2026-04-15 09:00")  # March has ended: judged at its end from the event log
    assert late_steps_of_unit(path, start, end, end).as_dict() == counted.as_dict()


def test_the_figures_api_gives_the_late_steps(two, world, client_of) -> None:  # noqa: ANN001
    r = client_of("monitor").get("/api/v1/reports/figures", {"unit": world.communes["a"].code,
                                                            "start": "2026-03-01", "end": "2026-03-31"})
    assert r.status_code == 200, r.content
    assert r.json()["late_steps"] == {"steps_left": 4, "steps_left_late": 1, "steps_open_late": 1}


def test_the_leaders_dashboard_counts_late_steps(two, world, client_of) -> None:  # noqa: ANN001
    cache.clear()
    html = client_of("leader_a").get("/reports/dashboard/").content.decode()
    assert "Bước xử lý quá hạn" in html
    assert 'data-steps="open_late">1<' in html and "1 / 4 bước đã chuyển trễ hạn trong tháng" in html
    assert "/office/queues/step_overdue/" in html


def test_the_control_slip_marks_each_step(two, world) -> None:  # noqa: ANN001
    a, b = two
    _, content = documents.render_document(world.actor("leader_a"), b.pk, "control")
    pdf = Pdf(content)
    assert not pdf.missing("Các bước xử lý nội bộ", "Đánh giá", "Đúng hạn", "Đang xử lý, quá hạn")
    _, content = documents.render_document(world.actor("leader_a"), a.pk, "control")
    assert not Pdf(content).missing("Thẩm định", "Trễ hạn", "Phê duyệt", "Đúng hạn")


def _from_the_event_log(path: str, start: datetime, end: datetime) -> tuple[int, int]:
    from motcua.dossiers.models import DossierEvent
    from motcua.reports.steps import ENDING, ENTERING, count_late_steps

    touched = (DossierEvent.objects.filter(dossier__handling_path__startswith=path, action__in=ENTERING | ENDING,
                                           at__gte=start, at__lt=end).values_list("dossier_id", flat=True))
    c = count_late_steps(step_spans(set(touched)), start, end, end)
    return c.left, c.left_late


def test_the_read_model_counts_the_steps_left_as_the_event_log_does(world, monkeypatch) -> None:  # noqa: ANN001
    """Generated histories through every step of their units' processes (with late steps): for every
    unit and many periods, the steps left and late among them read from the buckets (one query) are
    those the event log's step spans give; and the event log is no longer read for them."""
    import random
    from datetime import date, timedelta

    from motcua.dossiers.generator import generate
    from motcua.reports import readmodel, steps
    from motcua.reports.services import period_of
    from motcua.units.models import Unit

    generate(800, world.province, date(2025, 7, 1), date(2026, 3, 31), seed=21)
    assert readmodel.refresh(limit=None)
    rng = random.Random(3)
    periods = [(date(2025, 7, 1), date(2026, 3, 31)), (date(2025, 9, 1), date(2025, 9, 30)),
               (date(2025, 10, 6), date(2025, 10, 6)), (date(2025, 12, 29), date(2026, 1, 4))]
    periods += [(a, a + timedelta(days=rng.choice([0, 1, 6, 30, 90])))
                for a in (date(2025, 7, 1) + timedelta(days=rng.randrange(270)) for _ in range(6))]
    units = list(Unit.objects.filter(path__startswith=world.province.path).exclude(kind="service_centre"))
    answers: list[object] = []
    real = steps._left_from_read_model
    monkeypatch.setattr(steps, "_left_from_read_model", lambda *a: answers.append(real(*a)) or answers[-1])
    late_total = 0
    for unit in units:
        for first, last in periods:
            p = period_of(first, last)
            expected = _from_the_event_log(unit.path, p.start, p.end)
            got = late_steps_of_unit(unit.path, p.start, p.end, p.end)
            assert (got.left, got.left_late) == expected, (unit.path, first, last)
            late_total += expected[1]
    assert late_total > 20
    assert len(answers) == len(units) * len(periods) and None not in answers  # every one from the buckets
    # a period not bounded by local midnights is read from the event log
    answers.clear()
    p = period_of(date(2025, 9, 1), date(2025, 9, 30))
    got = late_steps_of_unit(world.province.path, p.start + timedelta(hours=9), p.end, p.end)
    assert answers == [None] and (got.left, got.left_late) == _from_the_event_log(
        world.province.path, p.start + timedelta(hours=9), p.end)
