"""The counter at peak hour (issue 14, item 2): the procedure found without accents and picked from a
listbox, the officer's frequent procedures one click away, the focus on the applicant's ID after the
choice, visible shortcuts, the receipt banner after receiving, and a dossier brought by the public
post recorded with its item code (channel 3)."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client

from motcua.catalog.choices import Channel
from motcua.core.models import ApiToken
from motcua.domain.lifecycle import Status
from motcua.dossiers import services as svc
from motcua.dossiers.models import Dossier, DossierEvent
from motcua.office import intake
from motcua.office.forms import plausible_postal_code
from tests.office.test_intake import _form

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("q", ["dang ky khai sinh", "DANG KY KHAI SINH", "đăng ký khai sinh", "khai sinh",
                               "1.001193"])
def test_the_search_ignores_accents_and_case_as_the_portal_does(client_of, now, q: str) -> None:  # noqa: ANN001
    html = client_of("counter_a").get("/office/intake/procedures/", {"q": q}, HTTP_HX_REQUEST="true").content.decode()
    assert "Thủ tục đăng ký khai sinh" in html and "?procedure=1.001193" in html


def test_the_results_are_a_listbox_for_the_search_combobox(client_of, now) -> None:  # noqa: ANN001
    c = client_of("counter_a")
    html = c.get("/office/intake/procedures/", {"q": "chung thuc"}).content.decode()
    assert 'role="listbox" id="procedure-listbox"' in html
    assert re.search(r'<a role="option" aria-selected="false" tabindex="-1" id="proc-opt-1" href="/office/intake/'
                     r'\?procedure=2.000815"', html)
    page = c.get("/office/intake/").content.decode()
    assert 'role="combobox"' in page and 'aria-controls="procedure-listbox"' in page
    assert "office/intake.js" in page and "<script>" not in page  # no inline script (CSP)


def _received_by(world: Any, username: str, n: int, procedure: str = "1.001193") -> None:  # noqa: ANN401
    for _ in range(n):
        svc.intake(world.actor(username), world.intake_request(username[-1], 1, procedure_code=procedure))


def test_the_officers_own_frequent_procedures_of_the_last_90_days(world, client_of, clock) -> None:  # noqa: ANN001
    clock.set("2025-05-01 09:00")
    _received_by(world, "counter_a", 5)  # 132 days before: not counted
    clock.set("2025-09-10 09:00")
    actor = world.actor("counter_a")
    assert intake.frequent_procedures(actor) == []
    _received_by(world, "counter_a", 2)
    _received_by(world, "counter_b", 3)  # another officer's intake does not count for counter_a
    frequent = intake.frequent_procedures(actor)
    assert [v.procedure.code for v in frequent] == ["1.001193"]
    assert frequent[0].name == "Thủ tục đăng ký khai sinh" and frequent[0].effective_to is None
    html = client_of("counter_a").get("/office/intake/").content.decode()
    assert "Thủ tục bạn hay tiếp nhận" in html
    assert re.search(r'<nav class="frequent".*href="/office/intake/\?procedure=1.001193"', html, re.S)
    assert "Thủ tục bạn hay tiếp nhận" not in client_of("counter_p").get("/office/intake/").content.decode()


def test_frequent_procedures_cost_two_queries(world, now, django_assert_num_queries) -> None:  # noqa: ANN001
    _received_by(world, "counter_a", 2)
    actor = world.actor("counter_a")
    with django_assert_num_queries(2):  # the ranking, then the versions in force
        assert len(intake.frequent_procedures(actor)) == 1
    assert len(intake.frequent_procedures(actor, limit=6)) <= intake.FREQUENT_LIMIT


def test_the_applicants_id_has_the_focus_once_the_procedure_is_chosen(client_of, world, now) -> None:  # noqa: ANN001
    c = client_of("counter_a")
    html = c.get("/office/intake/", {"procedure": "1.001193"}).content.decode()
    assert re.search(r'<input[^>]+name="applicant_id_number"[^>]+autofocus|<input[^>]+autofocus[^>]+'
                     r'name="applicant_id_number"', html)
    assert html.count("autofocus") == 1  # not the search box any more
    bound = c.post("/office/intake/", _form(world, applicant_name="")).content.decode()
    assert "autofocus" not in bound  # a form with errors: the officer goes to the error


def test_the_shortcuts_are_shown_beside_their_buttons(client_of, now) -> None:  # noqa: ANN001
    html = client_of("counter_a").get("/office/intake/", {"procedure": "1.001193"}).content.decode()
    assert 'data-shortcut="R" aria-keyshortcuts="Alt+Shift+R"' in html
    assert "<kbd>Alt</kbd>+<kbd>Shift</kbd>+<kbd>R</kbd>" in html
    assert "office/keys.js" in html


def test_after_receiving_the_banner_offers_the_receipt_and_the_next_intake(client_of, world, now) -> None:  # noqa: ANN001
    c = client_of("counter_a")
    r = c.post("/office/intake/", _form(world), follow=True)
    d = Dossier.objects.get()
    html = r.content.decode()
    assert r.status_code == 200 and "Đã tiếp nhận hồ sơ" in html
    banner = re.search(r'<section class="received-banner".*?</section>', html, re.S)
    assert banner, html
    text = banner.group(0)
    assert f'href="/documents/dossiers/{d.pk}/receipt.pdf"' in text and "In phiếu tiếp nhận" in text
    assert "data-focus-on-load" in text.split("In phiếu tiếp nhận")[0]  # the print button takes the focus
    assert 'aria-keyshortcuts="Alt+Shift+P"' in text and "<kbd>P</kbd>" in text
    assert "Tiếp nhận hồ sơ khác" in text and 'href="/office/intake/"' in text
    assert "received-banner" not in c.get(f"/office/dossiers/{d.pk}/").content.decode()  # once
    assert c.get(f"/documents/dossiers/{d.pk}/receipt.pdf")["Content-Type"] == "application/pdf"


def test_no_banner_on_a_dossier_page_reached_otherwise(client_of, desk) -> None:  # noqa: ANN001
    d = desk.received()
    assert "received-banner" not in client_of("counter_a").get(f"/office/dossiers/{d.pk}/").content.decode()


# ---- a dossier brought by the public post ---------------------------------------------------------

S10 = "EE123456785VN"  # the UPU S10 check digit of 12345678 is 5


def test_the_form_offers_the_arrival_by_post(client_of, now) -> None:  # noqa: ANN001
    html = client_of("counter_a").get("/office/intake/", {"procedure": "1.001193"}).content.decode()
    assert "<legend>Hồ sơ đến</legend>" in html and "Qua bưu chính công ích" in html
    assert 'name="inbound_postal_code"' in html and 'aria-describedby="id_inbound_postal_code-hint"' in html


def test_a_dossier_by_post_is_received_with_its_item_code(client_of, world, now, api_client) -> None:  # noqa: ANN001
    c = client_of("counter_a")
    r = c.post("/office/intake/", _form(world, channel=Channel.POST, inbound_postal_code=" ee123456785vn "))
    d = Dossier.objects.get()
    assert r.status_code == 302
    assert (d.channel, d.status, d.inbound_postal_code) == (Channel.POST, Status.RECEIVED, S10)
    ev = d.events.get()
    assert ev.action == "intake" and ev.data["inbound_postal_code"] == S10
    html = c.get(f"/office/dossiers/{d.pk}/").content.decode()
    assert re.search(rf'<dt>Số hiệu bưu gửi đến</dt><dd class="code" id="inbound-postal-code">{S10}</dd>', html)
    assert "Bưu chính công ích" in html
    body = api_client("counter_a").get(f"/api/v1/dossiers/{d.pk}").json()
    assert body["channel"] == 3 and body["inbound_postal_code"] == S10


def test_a_walk_in_dossier_keeps_no_item_code(client_of, world, now, api_client) -> None:  # noqa: ANN001
    client_of("counter_a").post("/office/intake/", _form(world, channel=Channel.DIRECT,
                                                         inbound_postal_code=S10))
    d = Dossier.objects.get()
    assert (d.channel, d.inbound_postal_code) == (Channel.DIRECT, "")
    assert api_client("counter_a").get(f"/api/v1/dossiers/{d.pk}").json()["inbound_postal_code"] == ""


@pytest.mark.parametrize("code, message", [
    ("", "Cần nhập số hiệu bưu gửi khi hồ sơ đến qua bưu chính."),
    ("EE123456789VN", "Số hiệu bưu gửi không hợp lệ"),  # the S10 check digit is wrong (a typo)
    ("12AB", "Số hiệu bưu gửi không hợp lệ"),
    ("EE-12345678", "Số hiệu bưu gửi không hợp lệ"),
])
def test_by_post_the_item_code_is_required_and_plausible(client_of, world, now, code: str, message: str) -> None:  # noqa: ANN001
    r = client_of("counter_a").post("/office/intake/", _form(world, channel=Channel.POST, inbound_postal_code=code))
    html = r.content.decode()
    assert r.status_code == 422 and message in html and 'id="id_inbound_postal_code-error"' in html
    assert not Dossier.objects.exists() and not DossierEvent.objects.exists()


@pytest.mark.parametrize("code, ok", [(S10, True), ("EB000000014VN", True), ("EB000000017VN", False),
                                      ("123456789", True), ("VN1234567890A", True), ("EE123456789VN", False),
                                      ("12345678", False), ("ABCDEFGHIJKLMN", False)])
def test_plausible_postal_codes(code: str, ok: bool) -> None:
    assert plausible_postal_code(code) is ok


def test_registered_by_post_without_an_item_code_still_waits_for_the_counter(world, now) -> None:  # noqa: ANN001
    d = svc.intake(world.actor("counter_a"), world.intake_request("a", Channel.POST))
    assert (d.status, d.inbound_postal_code, d.events.get().action) == (Status.NEW, "", "submit")


def test_the_procedure_without_the_post_offers_no_arrival_choice(client_of, world, now) -> None:  # noqa: ANN001
    from motcua.catalog.models import ProcedureVersion

    v = ProcedureVersion.objects.get(procedure__code="1.001193", effective_to__isnull=True)
    v.methods = [{"channel": 1, "processing_time": 1, "time_unit": "day"}]
    v.save(update_fields=["methods"])
    html = client_of("counter_a").get("/office/intake/", {"procedure": "1.001193"}).content.decode()
    assert 'name="inbound_postal_code"' not in html and "<legend>Hồ sơ đến</legend>" not in html


def test_ninety_days_is_the_window(world, clock) -> None:  # noqa: ANN001
    clock.set("2025-06-12 10:00")
    _received_by(world, "counter_a", 1)
    clock.set("2025-09-10 09:00")  # 89 days 23 hours later
    assert intake.frequent_procedures(world.actor("counter_a"))
    clock.set("2025-09-10 11:00")
    assert clock.set("2025-09-10 11:00") - timedelta(days=90) > DossierEvent.objects.get().at
    assert intake.frequent_procedures(world.actor("counter_a")) == []


@pytest.fixture
def api_client(world):  # noqa: ANN001, ANN201
    def make(username: str) -> Client:
        return Client(HTTP_AUTHORIZATION=f"Bearer {ApiToken.issue(world.users[username], 'test')[1]}")

    return make


def test_the_due_preview_follows_the_arrival_chosen(client_of, world, now) -> None:  # noqa: ANN001
    """A procedure whose dossiers by post have a longer time limit than at the counter: the preview
    shows the limit of the arrival chosen (and it is the due time the dossier then gets)."""
    from motcua.catalog.models import ProcedureVersion

    v = ProcedureVersion.objects.get(procedure__code="1.001193", effective_to__isnull=True)
    v.methods = [{"channel": Channel.DIRECT, "processing_time": 1, "time_unit": "day"},
                 {"channel": Channel.POST, "processing_time": 3, "time_unit": "day"}]
    v.save(update_fields=["methods"])
    c = client_of("counter_a")
    walk_in = {"procedure": "1.001193", "receiving_unit": world.commune_centres["a"].pk}
    assert "Hạn giải quyết: 09:00 11/09/2025" in c.get("/office/intake/preview/", walk_in).content.decode()
    by_post = c.get("/office/intake/preview/", walk_in | {"channel": Channel.POST}).content.decode()
    assert "Hạn giải quyết: 09:00 15/09/2025" in by_post  # Thursday, Friday, Monday
    page = c.get("/office/intake/", {"procedure": "1.001193"}).content.decode()
    assert "Hạn giải quyết: 09:00 11/09/2025" in page  # the counter's arrival is the default
    assert """hx-include="#id_receiving_unit, .arrival [name='channel']\"""" in page
    assert "change from:.arrival" in page
    # the form sent back with an error keeps the arrival chosen in its preview
    r = c.post("/office/intake/", _form(world, channel=Channel.POST, inbound_postal_code=""))
    assert r.status_code == 422 and "Hạn giải quyết: 09:00 15/09/2025" in r.content.decode()
    r = c.post("/office/intake/", _form(world, channel=Channel.POST, inbound_postal_code=S10))
    assert r.status_code == 302
    d = Dossier.objects.get()
    assert clock_text(d.due_at) == "09:00 15/09/2025"


def clock_text(at: Any) -> str:  # noqa: ANN401
    from motcua.core import clock

    return clock.local(at).strftime("%H:%M %d/%m/%Y")
