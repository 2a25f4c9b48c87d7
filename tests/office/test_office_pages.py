"""Office pages officers master in a day (issue 14, item 6): queue tabs with their counts (one query),
the current menu entry marked, no menu entry a role cannot open, the tracking book inside the office
layout with sensible defaults, and the overdue drill-down's due time, hours late and holder."""

from __future__ import annotations

import re

import pytest

from motcua.dossiers import services as svc
from motcua.office import queues
from motcua.office.navigation import ENTRIES

pytestmark = pytest.mark.django_db

STAFF = ("counter_a", "specialist_a", "leader_a", "counter_p", "specialist_p", "leader_p", "monitor", "admin")


def _nav(html: str) -> str:
    m = re.search(r'<nav aria-label="Điều hướng chính" class="mainnav">(.*?)</nav>', html, re.S)
    assert m, html[:2000]
    return m.group(1)


def _links(html: str) -> dict[str, str]:
    """{label: href} of the header menu."""
    return {label.strip(): href for href, label in re.findall(r'<a href="([^"]+)"[^>]*>([^<]+)</a>', _nav(html))}


def _tab_counts(html: str) -> dict[str, int]:
    return {slug: int(n) for slug, n in
            re.findall(r'href="/office/queues/([a-z_]+)/"[^>]*>[^<]*<span class="count" data-count="(\d+)"', html)}


# ---- queue tabs ---------------------------------------------------------------------------------

def test_each_tab_shows_how_many_dossiers_its_queue_holds(client_of, desk, world) -> None:  # noqa: ANN001
    desk.registered()
    desk.registered()
    desk.received()
    desk.started()
    desk.received("b")  # another commune's counter: not counted for counter_a
    html = client_of("counter_a").get("/office/queues/receive/").content.decode()
    counts = _tab_counts(html)
    assert counts["receive"] == 2 and counts["start"] == 1 and counts["return"] == 0
    actor = world.actor("counter_a")
    for q in queues.queues_for(actor):  # the counts are the queues' own rows
        rows = queues.page_of(actor, q, queues.Filters(), size=1000).rows
        assert counts[q.slug] == len(rows), q.slug
    assert re.search(r'href="/office/queues/receive/" aria-current="page">Chờ tiếp nhận <span class="count"', html)


def _dossier_queries(captured: list[dict[str, str]]) -> list[str]:
    return [q["sql"] for q in captured if "dossiers_dossier" in q["sql"]]


def test_the_counts_are_one_query_whatever_the_queues_and_dossiers(world, desk, django_assert_max_num_queries) -> None:  # noqa: ANN001
    """One COUNT ... FILTER per queue in a single query over the dossiers (the calendar's freshness
    check of the "approaching" window, one small read, may come with it)."""
    for username in ("counter_a", "leader_a", "admin", "monitor"):
        actor = world.actor(username)
        available = queues.queues_for(actor)
        assert len(available) > 1
        queues.counts(actor, available)  # the calendar of the "approaching" window loaded once
        with django_assert_max_num_queries(2) as ctx:
            queues.counts(actor, available)
        assert len(_dossier_queries(ctx.captured_queries)) == 1, username
    desk.started()
    desk.at_step(2)
    actor = world.actor("specialist_a")
    with django_assert_max_num_queries(2) as ctx:
        assert queues.counts(actor, queues.queues_for(actor))["process"] == 2
    assert len(_dossier_queries(ctx.captured_queries)) == 1


def test_the_queue_page_costs_the_same_with_more_dossiers(client_of, desk, django_assert_max_num_queries) -> None:  # noqa: ANN001
    c = client_of("counter_a")
    desk.registered()
    c.get("/office/queues/receive/")
    with django_assert_max_num_queries(20) as one:
        c.get("/office/queues/receive/")
    for _ in range(5):
        desk.registered()
        desk.received()
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert c.get("/office/queues/receive/").status_code == 200


def test_an_htmx_reload_of_the_table_does_not_count_again(client_of, desk, django_assert_max_num_queries) -> None:  # noqa: ANN001
    c = client_of("counter_a")
    desk.registered()
    full = c.get("/office/queues/receive/")
    with django_assert_max_num_queries(30) as partial:
        r = c.get("/office/queues/receive/", HTTP_HX_REQUEST="true")
    assert 'class="count"' not in r.content.decode() and 'class="count"' in full.content.decode()
    assert not any("CASE WHEN" in q["sql"] and "COUNT" in q["sql"] for q in partial.captured_queries)


# ---- the header menu ----------------------------------------------------------------------------

@pytest.mark.parametrize("username", STAFF)
def test_every_menu_entry_opens_for_the_role_that_sees_it(client_of, now, username: str) -> None:  # noqa: ANN001
    c = client_of(username)
    home = c.get("/office/", follow=True)
    assert home.status_code == 200, username
    links = _links(home.content.decode())
    assert links, username
    for label, href in links.items():
        r = c.get(href, follow=True)
        assert r.status_code == 200, (username, label, href, r.status_code)


@pytest.mark.parametrize("username", ["leader_a", "monitor", "specialist_a", "leader_p"])
def test_only_counter_officers_see_the_intake(client_of, now, username: str) -> None:  # noqa: ANN001
    links = _links(client_of(username).get("/office/", follow=True).content.decode())
    assert "Tiếp nhận hồ sơ" not in links
    refused = client_of(username).get("/office/intake/", {"procedure": "1.001193"}).content.decode()
    assert "Bạn không phải cán bộ một cửa" in refused  # what the entry led them to before


def test_who_sees_what(client_of, now) -> None:  # noqa: ANN001
    def labels(username: str) -> set[str]:
        return set(_links(client_of(username).get("/office/", follow=True).content.decode()))

    assert {"Hàng đợi", "Tiếp nhận hồ sơ", "Hồ sơ từ Cổng DVCQG"} <= labels("counter_a")
    assert not {"Điều hành", "Đối soát Cổng DVCQG", "Ánh xạ mã TTHC"} & labels("counter_a")
    assert {"Điều hành", "Đối soát Cổng DVCQG"} <= labels("leader_a")
    assert {"Ánh xạ mã TTHC", "Nhật ký tra cứu dân cư", "Điều hành"} <= labels("admin")
    assert "Nhật ký tra cứu dân cư" not in labels("monitor")


def test_the_current_entry_is_marked(client_of, now) -> None:  # noqa: ANN001
    c = client_of("counter_a")
    queue = _nav(c.get("/office/queues/start/").content.decode())
    assert re.findall(r'aria-current="page"', queue) == ['aria-current="page"']
    assert re.search(r'<a href="/office/" aria-current="page">Hàng đợi</a>', queue)
    intake = _nav(c.get("/office/intake/", {"procedure": "1.001193"}).content.decode())
    assert re.search(r'<a href="/office/intake/" aria-current="page"', intake)
    book = _nav(c.get("/documents/book/").content.decode())
    assert re.search(r'<summary class="current">Thêm</summary>', book)  # the page is under "Thêm"
    assert re.search(r'<a href="/documents/book/" aria-current="page">Sổ theo dõi hồ sơ</a>', book)


def test_the_less_used_entries_are_under_more(client_of, now) -> None:  # noqa: ANN001
    nav = _nav(client_of("admin").get("/office/", follow=True).content.decode())
    main, more = nav.split("<details>")
    assert "Sổ theo dõi hồ sơ" in more and "Nhật ký tra cứu dân cư" in more
    assert "Hàng đợi" in main and "Báo cáo thống kê" in main
    assert sum(1 for e in ENTRIES if not e.more) <= 6  # what fits one row at 1,366 px (tests/browser)


# ---- the tracking book ----------------------------------------------------------------------------

def test_the_book_page_is_in_the_office_layout_with_the_unit_and_month_filled_in(client_of, world, now) -> None:  # noqa: ANN001
    html = client_of("counter_a").get("/documents/book/").content.decode()
    assert 'class="mainnav"' in html and "office/office.css" in html
    unit = world.commune_centres["a"].code
    assert re.search(rf'name="unit" value="{re.escape(unit)}"', html)
    assert 'name="start" value="2025-09-01"' in html and 'name="end" value="2025-09-30"' in html


@pytest.mark.parametrize("params", [{"unit": "", "start": "", "end": ""}, {"unit": "x"}, {"start": "31/02/2025"}])
def test_empty_or_invalid_book_input_is_a_friendly_message(client_of, now, params) -> None:  # noqa: ANN001
    r = client_of("counter_a").get("/documents/book/", params)
    html = r.content.decode()
    assert r.status_code == 400 and 'role="alert"' in html and "vui lòng kiểm tra lại" in html
    assert 'class="mainnav"' in html


def test_a_unit_outside_the_scope_is_said_so_on_the_page(client_of, world, now) -> None:  # noqa: ANN001
    params = {"unit": world.commune_centres["b"].code, "start": "2025-09-01", "end": "2025-09-30"}
    r = client_of("counter_a").get("/documents/book/", params)
    assert r.status_code == 403 and "ngoài phạm vi" in r.content.decode() and 'class="mainnav"' in r.content.decode()


# ---- the overdue drill-down ---------------------------------------------------------------------

def test_overdue_rows_show_due_time_hours_late_and_holder(client_of, world, desk, clock) -> None:  # noqa: ANN001
    clock.set("2025-09-08 09:00")  # Monday: a one-day limit, due Tuesday 09:00
    d = desk.at_step(2)
    svc.claim(world.actor("specialist_a"), d.pk)
    world.users["specialist_a"].first_name, world.users["specialist_a"].last_name = "Bình", "Lê Văn"
    world.users["specialist_a"].save()
    clock.set("2025-09-10 09:00")  # a working day past the due time
    r = client_of("leader_a").get("/reports/figures/in_progress_late/",
                                  {"unit": world.communes["a"].code, "start": "2025-09-01", "end": "2025-09-10"})
    html = r.content.decode()
    assert r.status_code == 200 and f'data-dossier="{d.pk}"' in html
    for header in ("Hạn giải quyết", "Số giờ quá hạn", "Người đang xử lý"):
        assert f'<th scope="col">{header}</th>' in html
    row = re.search(rf'<tr>\s*<th scope="row"><a href="/office/dossiers/{d.pk}/">.*?</tr>', html, re.S).group(0)
    assert '<td class="due">09:00 09/09/2025</td>' in row
    hours = float(re.search(r'<span class="late">([\d.,]+)</span> <small>giờ làm việc</small>', row).group(1)
                  .replace(",", "."))
    assert 8 <= hours <= 16  # at least the working day between Tuesday 09:00 and Wednesday 09:00
    assert '<td class="holder">Lê Văn Bình</td>' in row


@pytest.mark.parametrize("username", ["leader_a", "monitor"])
def test_the_intake_pages_tell_a_leader_or_monitor_at_once(client_of, username: str) -> None:  # noqa: ANN001
    """Not after choosing a procedure: the page refuses whoever is no counter officer, with the reason."""
    c = client_of(username)
    for url in ("/office/intake/", "/office/intake/procedures/?q=khai"):
        r = c.get(url)
        assert r.status_code == 403 and "chỉ cán bộ một cửa tiếp nhận hồ sơ" in r.content.decode(), url
