"""A dissatisfied dossier rating opens a follow-up case for the handling unit's leader, with the
follow-up deadline; only a leader records what was done; the applicant follows it in the portal."""

from __future__ import annotations

import pytest

from motcua.domain.errors import PermissionDenied
from motcua.dossiers import services as dsvc
from motcua.feedback import handling as h
from motcua.feedback import services as fsvc
from motcua.feedback.models import Case
from tests.factories import finished

pytestmark = pytest.mark.django_db


@pytest.fixture
def rating(world, clock):  # noqa: ANN001, ANN201
    from motcua.portal.models import Rating

    clock.set("2026-02-11 09:00")  # Wednesday before Tết Bính Ngọ
    d = dsvc.intake(world.actor("counter_a"), world.intake_request(owner_id=world.users["citizen"].pk))
    dsvc.start(world.actor("counter_a"), d.pk)
    finished(world, d.pk)
    return Rating.objects.create(dossier=d, score=3, comment="Phải đi lại nhiều lần", created_at=clock.current)


def test_a_dissatisfied_rating_opens_a_follow_up_for_the_handling_units_leader(world, rating):  # noqa: ANN001
    c = fsvc.open_followup(rating)
    assert (c.kind, c.channel, c.urgency, c.unit, c.dossier) == ("followup", "rating", "followup",
                                                                  world.communes["a"], rating.dossier)
    assert c.owner == world.users["citizen"] and c.description == "Phải đi lại nhiều lần"
    # 5 working days from Wed 11/02/2026 09:00 across Tết (16-20/02): 12, 13, 23, 24, 25/02
    from motcua.core.clock import local

    assert f"{local(c.due_at):%d/%m/%Y %H:%M}" == "25/02/2026 09:00"
    assert fsvc.open_followup(rating) == c and Case.objects.count() == 1  # once per rating
    ev = c.events.get()
    assert (ev.action, ev.role, ev.data) == ("submit", "admin", {"rating_id": rating.pk})
    assert c not in fsvc.public_cases()  # personal: never public


def test_only_a_leader_records_what_was_done_and_the_applicant_reads_it(world, rating, clock, client_of):  # noqa: ANN001
    c = fsvc.open_followup(rating)
    with pytest.raises(PermissionDenied):
        h.answer(world.actor("specialist_a"), c.pk, "Đã xin lỗi")
    h.acknowledge(world.actor("specialist_a"), c.pk)
    clock.set("2026-02-23 10:00")
    c = h.answer(world.actor("leader_a"), c.pk, "Đã gọi điện xin lỗi ông An, nhắc nhở cán bộ")
    assert c.status == "answered" and c.verdict == "on_time" and c.answered_by
    page = client_of("citizen").get(f"/feedback/mine/{c.pk}/").content.decode()
    assert "Đã gọi điện xin lỗi ông An" in page
    queue = client_of("leader_a").get("/feedback/office/?tab=ended").content.decode()
    assert c.code in queue


def test_the_follow_up_is_in_the_leaders_follow_up_tab_and_overdue_after_its_deadline(world, rating, clock,  # noqa: ANN001
                                                                                     client_of):
    c = fsvc.open_followup(rating)
    leader = client_of("leader_a")
    assert c.code in leader.get("/feedback/office/?tab=followup").content.decode()
    clock.set("2026-02-24 10:00")  # 7 working hours before its due time: approaching
    assert c.code in leader.get("/feedback/office/?tab=approaching").content.decode()
    assert c.code not in leader.get("/feedback/office/?tab=overdue").content.decode()
    clock.set("2026-02-25 10:00")  # an hour past its due time
    assert c.code in leader.get("/feedback/office/?tab=overdue").content.decode()
    assert c.code not in client_of("leader_b").get("/feedback/office/?tab=followup").content.decode()
