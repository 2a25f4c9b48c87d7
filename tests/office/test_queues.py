"""Work queues: who sees what, search and filters, keyset paging, HTMX partials, bounded queries
and the bulk hand-over."""

from __future__ import annotations

from datetime import timedelta

import pytest

from motcua.dossiers import services as svc
from motcua.dossiers.models import Dossier
from motcua.office import queues

pytestmark = pytest.mark.django_db
# session, user, procedure and field choices, the page of dossiers, the calendar revision check,
# and one spare for a roles cache refresh; never one per row
MAX_QUERIES = 7


def _codes(html: str, rows: list[Dossier]) -> list[str]:
    return [d.code for d in rows if d.code in html]


def test_counter_officer_sees_registered_dossiers_of_their_own_commune(client_of, desk) -> None:  # noqa: ANN001
    mine, other = desk.registered("a"), desk.registered("b")
    html = client_of("counter_a").get("/office/queues/receive/").content.decode()
    assert mine.code in html and other.code not in html
    assert "Chờ tiếp nhận" in html


def test_each_role_gets_its_queues(client_of, desk) -> None:  # noqa: ANN001
    assert client_of("specialist_a").get("/office/")["Location"] == "/office/queues/process/"
    assert client_of("leader_a").get("/office/")["Location"] == "/office/queues/approve/"
    assert client_of("monitor").get("/office/")["Location"] == "/office/queues/supplement/"
    assert client_of("specialist_a").get("/office/queues/receive/").status_code == 404
    assert client_of("counter_a").get("/office/queues/nope/").status_code == 404


def test_process_approve_and_return_queues(client_of, desk) -> None:  # noqa: ANN001
    at_check, at_approval, done = desk.at_step(2), desk.at_step(3), desk.processed()
    process = client_of("specialist_a").get("/office/queues/process/").content.decode()
    approve = client_of("leader_a").get("/office/queues/approve/").content.decode()
    returning = client_of("counter_a").get("/office/queues/return/").content.decode()
    assert _codes(process, [at_check, at_approval, done]) == [at_check.code, at_approval.code]
    assert _codes(approve, [at_check, at_approval, done]) == [at_approval.code]
    assert _codes(returning, [at_check, at_approval, done]) == [done.code]


def test_overdue_and_approaching(client_of, desk, clock) -> None:  # noqa: ANN001
    d = desk.received()  # one working day: due 09:00 tomorrow
    clock.set("2025-09-10 16:00")
    html = client_of("counter_a").get("/office/queues/approaching/").content.decode()
    assert d.code in html and "Sắp đến hạn" in html
    clock.set("2025-09-12 09:00")
    html = client_of("counter_a").get("/office/queues/overdue/").content.decode()
    assert d.code in html and 'class="badge late"' in html


def test_search_by_code_or_name_and_filters(client_of, world, desk) -> None:  # noqa: ANN001
    from motcua.dossiers.services import Applicant

    an = desk.registered(applicant=Applicant(name="Nguyễn Văn An"))
    binh = desk.registered(applicant=Applicant(name="Trần Thị Bình"))
    c = client_of("counter_a")
    assert _codes(c.get("/office/queues/receive/", {"q": "bình"}).content.decode(), [an, binh]) == [binh.code]
    assert _codes(c.get("/office/queues/receive/", {"q": an.code}).content.decode(), [an, binh]) == [an.code]
    assert _codes(c.get("/office/queues/receive/", {"channel": 1}).content.decode(), [an, binh]) == []
    field_id = an.procedure.field_id
    assert len(_codes(c.get("/office/queues/receive/", {"field": field_id}).content.decode(), [an, binh])) == 2
    # a malformed filter is ignored, not an error
    assert c.get("/office/queues/receive/", {"channel": "x", "after": "garbage"}).status_code == 200


def test_htmx_request_gets_only_the_table(client_of, desk) -> None:  # noqa: ANN001
    d = desk.registered()
    r = client_of("counter_a").get("/office/queues/receive/", {"q": d.code}, HTTP_HX_REQUEST="true")
    html = r.content.decode()
    assert d.code in html and "<html" not in html and "<table" in html
    restore = client_of("counter_a").get("/office/queues/receive/", HTTP_HX_REQUEST="true",
                                         HTTP_HX_HISTORY_RESTORE_REQUEST="true")
    assert "<html" in restore.content.decode()


def test_keyset_paging_sorted_by_due_time(client_of, desk, clock) -> None:  # noqa: ANN001
    rows = []
    for i in range(queues.PAGE_SIZE + 5):
        clock.set(f"2025-09-10 {8 + i // 12:02d}:{(i % 12) * 5:02d}")
        rows.append(desk.received())
    c = client_of("counter_a")
    first = c.get("/office/queues/start/")
    page1 = first.context["page"]
    assert [d.pk for d in page1.rows] == [d.pk for d in rows[: queues.PAGE_SIZE]]
    assert page1.next_after
    page2 = c.get("/office/queues/start/", {"after": page1.next_after}).context["page"]
    assert [d.pk for d in page2.rows] == [d.pk for d in rows[queues.PAGE_SIZE:]]
    assert page2.next_after == ""
    dues = [d.due_at for d in page1.rows + page2.rows]
    assert dues == sorted(dues)


def test_query_count_does_not_grow_with_the_page(client_of, desk, django_assert_max_num_queries) -> None:  # noqa: ANN001
    c = client_of("specialist_a")
    for _ in range(3):
        desk.at_step(2)
    c.get("/office/queues/process/")  # warm the per-process caches (roles, calendar)
    with django_assert_max_num_queries(MAX_QUERIES):
        small = c.get("/office/queues/process/")
    for _ in range(queues.PAGE_SIZE):
        desk.at_step(2)
    with django_assert_max_num_queries(MAX_QUERIES):
        full = c.get("/office/queues/process/", {"due": "week"})
    assert len(small.context["page"].rows) == 3 and len(full.context["page"].rows) == queues.PAGE_SIZE


def test_bulk_forward_reports_each_dossier(client_of, desk, world) -> None:  # noqa: ANN001
    from motcua.dossiers import services as svc

    a, b, stale = desk.started(), desk.started(), desk.started()
    svc.request_supplement(world.actor("specialist_a"), stale.pk, "Thiếu giấy chứng sinh")
    c = client_of("specialist_a")
    r = c.post("/office/queues/process/forward/",
               {"selected": [f"{a.pk}:{a.row_version}", f"{b.pk}:{b.row_version}",
                             f"{stale.pk}:{stale.row_version}"]}, follow=True)
    html = r.content.decode()
    assert "Đã chuyển 2 hồ sơ" in html
    assert f"Không chuyển được hồ sơ {stale.code}" in html and "người khác thay đổi" in html
    for d, step in ((a, 2), (b, 2)):
        d.refresh_from_db()
        assert d.current_step.order == step


def test_bulk_forward_refuses_dossiers_at_different_steps(client_of, desk) -> None:  # noqa: ANN001
    from tests.office.conftest import snapshot

    one, two = desk.started(), desk.at_step(2)
    before = [snapshot(one), snapshot(two)]
    r = client_of("specialist_a").post("/office/queues/process/forward/",
                                       {"selected": [f"{one.pk}:{one.row_version}", f"{two.pk}:{two.row_version}"]},
                                       follow=True)
    assert "cùng một bước" in r.content.decode()
    assert [snapshot(one), snapshot(two)] == before


def test_bulk_forward_is_only_for_queues_that_allow_it(client_of, desk) -> None:  # noqa: ANN001
    d = desk.registered()
    r = client_of("counter_a").post("/office/queues/receive/forward/", {"selected": [f"{d.pk}:1"]})
    assert r.status_code == 404


def test_overdue_dossiers_in_window_filter(client_of, desk, clock) -> None:  # noqa: ANN001
    d = desk.received()
    clock.set(clock.current + timedelta(days=3))
    html = client_of("counter_a").get("/office/queues/start/", {"due": "overdue"}).content.decode()
    assert d.code in html


def test_queues_show_the_step_and_its_holder_and_what_a_dossier_waits_for(client_of, desk, world) -> None:  # noqa: ANN001
    user = world.users["specialist_a"]
    user.last_name, user.first_name = "Lê Văn", "Bình"
    user.save()
    received, at_check, unheld = desk.received(), desk.at_step(2), desk.at_step(2)
    svc.claim(world.actor("specialist_a"), at_check.pk)
    html = client_of("specialist_a").get("/office/queues/process/").content.decode()

    def row(page: str, code: str) -> str:
        start = page.index(code)
        return page[start:page.index("</tr>", start)]

    assert "Thẩm định" in row(html, at_check.code) and "Lê Văn Bình" in row(html, at_check.code)
    assert "Chưa có người nhận" in row(html, unheld.code)
    start_html = client_of("counter_a").get("/office/queues/start/").content.decode()
    assert "Chờ chuyển xử lý" in row(start_html, received.code)


def test_a_step_past_its_quota_is_flagged_to_its_holder_and_the_leader(client_of, desk, world, clock) -> None:  # noqa: ANN001
    d = desk.at_step(2)  # Thẩm định: 4 working hours from 09:00
    svc.claim(world.actor("specialist_a"), d.pk)
    clock.set("2025-09-10 12:00")
    assert d.code not in client_of("leader_a").get("/office/queues/step_overdue/").content.decode()
    clock.set("2025-09-10 15:00")
    for user in ("specialist_a", "leader_a"):
        html = client_of(user).get("/office/queues/step_overdue/").content.decode()
        assert d.code in html and "Quá hạn bước" in html, user
    assert d.code not in client_of("leader_b").get("/office/queues/step_overdue/").content.decode()
