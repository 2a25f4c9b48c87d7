"""The accessibility sweep: every page of the app, found in Django's URL resolver, visited in a real browser
as the role that may see it (citizen and public pages at a phone's 390 x 844, staff pages at 1,366 x 768),
checked with axe-core (tests.browser.pw.A11Y_RULES) and for sideways scrolling.

A route is either a page, visited with the path parameters :data:`FILL` gives it, or listed in :data:`SKIP`
with the reason it is no page (API, download, POST-only action, PDF, redirect, htmx fragment). A route in
neither fails the test ("add it to the map or the skip list"), so a page added later cannot be missed.
"""

from __future__ import annotations

import fnmatch
import io
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.urls import URLPattern, URLResolver, get_resolver
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page

from motcua.dossiers import services as svc
from tests.browser.pw import a11y_violations, login, portal_login
from tests.factories import PASSWORD, PDF, World, finished, to_approval

pytestmark = pytest.mark.slow

PHONE = {"width": 390, "height": 844}
DESK = {"width": 1366, "height": 768}
TV = {"width": 1920, "height": 1080}  # the waiting room's display


@dataclass(frozen=True)
class Route:
    """One URL pattern, flattened: its full route text, its namespaced name and its parameter names."""

    route: str
    name: str
    params: tuple[str, ...]

    @property
    def key(self) -> str:
        return self.name or self.route


_PARAM = re.compile(r"<(?:(?P<conv>[^>:]+):)?(?P<name>\w+)>")


def routes() -> list[Route]:
    """Every URL pattern of the project, recursively (``get_resolver().url_patterns``)."""
    out: list[Route] = []

    def walk(patterns: list[Any], prefix: str, ns: str) -> None:
        for p in patterns:
            if isinstance(p, URLResolver):
                walk(p.url_patterns, prefix + str(p.pattern), ns + (f"{p.namespace}:" if p.namespace else ""))
            elif isinstance(p, URLPattern):
                text = prefix + str(p.pattern)
                params = tuple(m["name"] for m in _PARAM.finditer(text))
                params += tuple(p.pattern.regex.groupindex) if not params else ()
                out.append(Route(text, f"{ns}{p.name}" if p.name else "", params))

    walk(get_resolver().url_patterns, "", "")
    return out


# ---- what is not a page ---------------------------------------------------------------------------
# Keys are route names (fnmatch patterns) or, for unnamed routes, the route text.
SKIP: dict[str, str] = {
    # machine interfaces
    "api:*": "JSON API (django-ninja), checked by tests/api",
    "^api/": "JSON 404 of unknown API routes",
    "open311:*": "Open311 GeoReport v2 API (JSON/XML)",
    "healthz": "health check (plain text)",
    "set_language": "POST-only: the language switch",
    "results:callback": "remote signer's callback (POST)",
    "signing:callback": "remote signer's callback (POST)",
    # downloads, PDFs, spreadsheets, files
    "national_portal:file": "file download by token (for the national portal)",
    "national_portal:reconcile-export": "xlsx download",
    "payment:reconciliation-export": "xlsx download",
    "payment:receipt": "PDF receipt of a payment",
    "fees:receipt": "PDF fee receipt",
    "docstore:file": "the citizen's stored file (download)",
    "docstore:staff_file": "a stored document's file (download)",
    "feedback:download": "a feedback's attached file (download)",
    "feedback:export": "xlsx download",
    "legacy:sample": "the sample history workbook (xlsx download)",
    "eforms_builder:export": "the form's JSON",
    "eforms:declaration_pdf": "PDF of the declaration",
    "eforms:draft_result": "PDF draft of the result",
    "office:download": "a dossier file (download)",
    "portal:download": "a dossier file (download)",
    "documents:dossier": "a dossier's printable PDF (receipt, letters)",
    "portal:procedure_form": "PDF: the procedure's blank form",
    "letters:letter": "PDF letter handed out with a result (congratulations, condolences)",
    # POST-only actions
    "logout": "POST-only: sign out",
    "portal:logout": "POST-only: sign out",
    "national_portal:dossier-repush": "POST-only",
    "national_portal:catalog-pull": "POST-only",
    "national_portal:inbound-pull": "POST-only",
    "national_portal:reconcile-repush": "POST-only",
    "post:register": "POST-only",
    "post:dossier-reorder": "POST-only",
    "post:portal-pickup": "POST-only",
    "population:counter-fill": "POST-only htmx look-up",
    "population:portal-fill": "POST-only htmx look-up",
    "payment:pay": "POST-only: start an online payment",
    "signing:remote-retry": "POST-only",
    "signing:initial": "POST-only",
    "fees:collect": "POST-only",
    "fees:cancel": "POST-only",
    "digitization:component": "POST-only",
    "digitization:result": "POST-only",
    "feedback:rate": "POST-only",
    "feedback:info": "POST-only",
    "feedback:act": "POST-only",
    "eforms_builder:change": "POST-only",
    "eforms_builder:start": "POST-only",
    "eforms_builder:publish": "POST-only",
    "eforms_builder:next": "POST-only",
    "eforms_builder:upload": "POST-only",
    "office:bulk_forward": "POST-only",
    "office:upload": "POST-only",
    "office:dossier_action": "POST-only (the dossier page's actions)",
    "portal:supplement": "POST-only",
    "portal:rate": "POST-only",
    "portal:delete_draft": "POST-only",
    "queueing:sit": "POST-only: the officer sits at a counter",
    "queueing:act": "POST-only: call next, recall, skip...",
    "booking:cancel": "POST-only",
    "legacy:start": "POST-only: start the import",

    # redirects and hand-overs to another system
    "home": "redirect to the portal",
    "office:home": "redirect to the user's first queue",
    "payment:return": "the payment platform's return (redirect)",
    "queueing:receive": "redirect to the intake page with the called ticket",
    "portal:vneid:login": "redirect to VNeID",
    "portal:vneid:callback": "VNeID's return (redirect)",
    # htmx fragments (HX-Request), drawn inside the pages that are checked
    "office:intake_procedures": "htmx fragment of the intake page",
    "office:intake_preview": "htmx fragment of the intake page",
    "office:intake_applicant": "htmx fragment of the intake page",
    "docstore:intake_offers": "htmx fragment of the intake page",
    "eforms:live": "htmx redraw of a form",
    "portal:preview": "htmx fragment of the application page",
    "reports:dashboard_body": "htmx fragment of the dashboard",
    "reports:dashboard_ranking": "htmx fragment of the dashboard (the ranking)",
    "national_portal:reconcile-progress": "htmx fragment of a reconciliation run",
    "signing:remote-status": "htmx fragment of the dossier page",
    "eforms_builder:frame": "the preview's iframe document (checked inside the preview page)",
    "queueing:board": "htmx fragment of the display (polled)",
    "queue_stats:panel": "htmx fragment of the dashboard (waiting times)",
    "legacy:progress": "htmx fragment of an import run",
    # Django's admin: its index and every list are checked (ADMIN below); its forms are Django's own
    "admin:login": "redirect when signed in; the office login is checked",
    "admin:logout": "POST-only",
    "admin:password_change*": "Django's own form",
    "admin:jsi18n": "JavaScript",
    "admin:view_on_site": "redirect",
    "admin:autocomplete": "JSON",
    "admin:app_list": "the index lists the same models",
    "admin:*_add": "Django's own forms",
    "admin:*_change": "Django's own forms (an object's)",
    "admin:*_delete": "Django's own confirmation",
    "admin:*_history": "Django's own history",
    "admin:*": "Django's admin pages other than the index and the lists",
    "admin/*": "Django's admin: an object's old-style address (redirect), the catch-all",
    # heavy set-ups checked with axe by another browser test
    "signing:result": "needs a signed result (a PKI): checked by tests/browser/test_signed_result.py",
    "portal:vneid:link": "the VNeID account link step: needs the VNeID callback's session (test_vneid_browser.py)",
}
ADMIN_PAGES = ("admin:index", "admin:*_changelist")  # the admin pages the sweep visits


def skipped(r: Route) -> str | None:
    if any(fnmatch.fnmatchcase(r.key, p) for p in ADMIN_PAGES):
        return None
    for pattern, why in SKIP.items():
        if fnmatch.fnmatchcase(r.key, pattern):
            return why
    return None


# ---- who sees a page, at which width ---------------------------------------------------------------
STAFF_PREFIXES = ("office/", "reports/", "documents/", "admin/", "guides/", "population/office/",
                  "payments/reconciliation/", "feedback/office/", "documents-store/office/", "eforms/dossiers/")
CITIZEN_PREFIXES = ("portal/drafts/", "portal/dossiers/", "notifications/preferences/", "documents-store/",
                    "feedback/mine/", "payments/dossiers/", "portal/vneid/link/")
CITIZEN_ROUTES = ("portal:apply", "booking:*")
# the staff member who sees a staff page first (else the counter officer); others are tried on a 403
STAFF_USER = {"reports:dashboard": "leader_a", "reports:*": "leader_a", "units:*": "admin",
              "eforms_builder:*": "admin", "national_portal:catalog": "admin", "national_portal:inbound": "admin",
              "population:log": "admin", "legacy:*": "admin", "catalog:board": "admin",
              "national_portal:reconcile*": "leader_a", "payment:reconciliation*": "admin",
              "admin:*": "root", "office:queue": "counter_a", "guides:admin*": "admin"}
STAFF_TRY = ("counter_a", "specialist_a", "leader_a", "admin", "monitor", "root")


def audience(r: Route, path: str) -> str:
    rel = path.lstrip("/")
    citizen_route = any(fnmatch.fnmatchcase(r.key, p) for p in CITIZEN_ROUTES)
    if citizen_route or rel.startswith(CITIZEN_PREFIXES) and not rel.startswith(STAFF_PREFIXES):
        return "citizen"
    if rel.startswith(STAFF_PREFIXES):
        return "staff"
    return "office-login" if r.name == "login" else "public"


def first_staff(r: Route) -> str:
    for pattern, user in STAFF_USER.items():
        if fnmatch.fnmatchcase(r.key, pattern):
            return user
    return "counter_a"


# ---- the world the pages show ----------------------------------------------------------------------

@dataclass
class Visit:
    path: str
    user: str | None = None  # None: by the route's audience
    label: str = ""
    go: Callable[[Page], Any] | None = None  # how to reach the page when a plain visit cannot (its response)


@dataclass
class Things:
    """What the pages show: dossiers at several stages, a draft, feedback, a reorganization, runs."""

    ids: dict[str, Any] = field(default_factory=dict)

    def __getitem__(self, key: str) -> Any:  # noqa: ANN401
        return self.ids[key]


def build_things(world: World, eform: bool = True) -> Things:
    from motcua.catalog.models import Procedure
    from motcua.catalog.services import version_in_force
    from motcua.core import clock
    from motcua.documents.qr import lookup_token
    from motcua.feedback import handling as fh
    from motcua.feedback import services as fsvc
    from motcua.fees.tokens import pay_token
    from motcua.integrations.national_portal.models import ReconciliationRun
    from motcua.integrations.payment.models import PaymentAccount, Reconciliation
    from motcua.notifications.services import unsubscribe_token
    from motcua.portal import services as portal
    from motcua.portal.models import CitizenProfile
    from motcua.units.models import Reorganization
    from tests.portal.conftest import Portal, upload

    t = Things()
    world.users["root"] = get_user_model().objects.create_superuser("root", "", PASSWORD)  # Django's admin
    CitizenProfile.objects.create(user=world.users["citizen"], id_number="068123456789", phone="0912345678",
                                  address="12 Trần Phú")
    p = Portal(world)
    t.ids["online_supplement"] = p.at(5)
    t.ids["online_payment"] = p.at(6)
    t.ids["online_done"] = p.at(10)
    version = version_in_force(Procedure.objects.get(code="1.001193"), clock.local_date(clock.now()))
    t.ids["version"] = version
    t.ids["draft"] = portal.save_draft(world.users["citizen"], version, p.application(),
                                       [portal.Upload(upload("to-khai.pdf"), "to-khai.pdf",
                                                      version.components.order_by("order").first().pk)])
    counter = world.actor("counter_a")
    t.ids["received"] = svc.intake(counter, world.intake_request("a"))
    at_approval = svc.intake(counter, world.intake_request("a"))
    svc.start(counter, at_approval.pk)
    to_approval(world, at_approval.pk)
    svc.attach_file(world.actor("specialist_a"), at_approval.pk, io.BytesIO(PDF), "ket-qua.pdf", "result")
    t.ids["at_approval"] = at_approval
    done = svc.intake(counter, world.intake_request("a"))
    svc.start(counter, done.pk)
    t.ids["processed"] = finished(world, done.pk)
    t.ids["copy"] = _certified_copy_dossier(world)
    # feedback: a citizen's case, and an answered, published one
    unit_a = world.communes["a"].pk
    t.ids["case_mine"] = fsvc.submit(world.actor("citizen"), fsvc.Submission(
        "PA-DONVI", "Máy lấy số thứ tự hỏng", sender_name="Nguyễn Văn An", sender_phone="0912345678", unit_id=unit_a))
    published = fsvc.submit(None, fsvc.Submission("PA-DONVI", "Ghế chờ bị gãy", anonymous=True, unit_id=unit_a))
    fh.answer(world.actor("specialist_a"), published.pk, "Đã thay ghế mới.")
    t.ids["case_published"] = fh.publish(world.actor("leader_a"), published.pk)
    t.ids["reorganization"] = Reorganization.objects.create(
        kind="rename", decision_number="1656/NQ-UBTVQH15", decision_date=date(2025, 6, 16),
        issuer="Ủy ban Thường vụ Quốc hội", effective_on=date(2025, 10, 1),
        spec={"unit": world.communes["a"].code, "name": "Phường A"})
    today = clock.local_date(clock.now())
    t.ids["np_run"] = ReconciliationRun.objects.create(unit=world.communes["a"], start=today - timedelta(days=30),
                                                        end=today, created_at=clock.now(), status="done")
    PaymentAccount.objects.create(unit=world.province, account="0011001234567", bank="VCB", account_name="KBNN")
    t.ids["pay_run"] = Reconciliation.objects.create(unit=world.province, day=today, created_at=clock.now(),
                                                     status="done")
    t.ids["lookup_token"] = lookup_token(t["received"].pk)
    t.ids["pay_token"] = pay_token(t["online_payment"].pk)
    t.ids["unsubscribe_token"] = unsubscribe_token("email", "an@example.vn")
    _queue_things(world, t)
    if eform:
        _attach_form(version)
    return t


def _queue_things(world: World, t: Things) -> None:
    """Commune A's centre calls numbers: a service group, a counter, a ticket, an appointment; and a legacy
    import's dry run."""
    from motcua.catalog.models import Field
    from motcua.core import clock
    from motcua.legacy.models import ImportRun
    from motcua.queueing import appointments, slots
    from motcua.queueing import services as queueing
    from motcua.queueing.models import Counter, ServiceGroup

    unit = world.commune_centres["a"]
    group = ServiceGroup.objects.create(unit=unit, letter="A", name="Hộ tịch", slot_minutes=30, slot_capacity=2)
    group.fields.add(Field.objects.get(code="HT"))
    Counter.objects.create(unit=unit, number=1).groups.add(group)
    t.ids["queue_unit"] = unit.code
    t.ids["ticket"] = queueing.issue_ticket(group)
    now = clock.now()
    day = next(d for d in (clock.local_date(now) + timedelta(days=i) for i in range(1, 8))
               if slots.slots_of_day(group, d, now))
    t.ids["appointment"] = appointments.book(group, slots.slots_of_day(group, day, now)[0].starts_at,
                                             appointments.person_of(world.users["citizen"]),
                                             procedure_id=t["version"].procedure_id)
    t.ids["legacy_run"] = ImportRun.objects.create(file_hash="0" * 64, created_at=now, status="checked",
                                                   rows_total=2, rows_done=2, summary={"new": 0},
                                                   created_by=world.users["admin"])


def _certified_copy_dossier(world: World) -> Any:  # noqa: ANN401
    """The electronic certified copy procedure at the communes, and a request received at counter A."""
    from motcua.catalog.services import import_catalog, load_sample_catalog
    from motcua.certcopy.services import PROCEDURE_CODE
    from tests.certcopy.conftest import received

    doc = load_sample_catalog()
    entry = next(p for p in doc["procedures"] if p["code"] == PROCEDURE_CODE)
    import_catalog({"format": doc["format"], "fields": [f for f in doc["fields"] if f["code"] == "CT"],
                    "procedures": [entry]}, process_unit_ids=[c.pk for c in world.communes.values()])
    return received(world)


def _attach_form(version: Any) -> None:  # noqa: ANN401
    from motcua.eforms import services as eforms
    from tests.eforms.forms import birth

    eforms.set_form(version, birth())


# Path parameters by route name: each gives the visits of the route (several for a page worth seeing in
# several states). A route with parameters and no entry here (nor in SKIP) fails the sweep.
FILL: dict[str, Callable[[Things], list[Visit]]] = {
    "office:queue": lambda t: [Visit(f"/office/queues/{q.slug}/", q_user(q)) for q in _queues()],
    "office:dossier": lambda t: [Visit(f"/office/dossiers/{t['received'].pk}/", "counter_a", "received"),
                                 Visit(f"/office/dossiers/{t['at_approval'].pk}/", "leader_a", "at approval"),
                                 Visit(f"/office/dossiers/{t['processed'].pk}/", "counter_a", "to return"),
                                 Visit(f"/office/dossiers/{t['online_supplement'].pk}/", "specialist_a",
                                       "supplement")],
    "portal:procedure": lambda t: [Visit("/portal/procedures/1.001193/"), Visit("/portal/procedures/2.000815/")],
    "portal:apply": lambda t: [Visit("/portal/procedures/1.001193/apply/")],
    "portal:draft": lambda t: [Visit(f"/portal/drafts/{t['draft'].pk}/")],
    "portal:dossier": lambda t: [Visit(f"/portal/dossiers/{t[k].pk}/", label=k)
                                 for k in ("online_supplement", "online_payment", "online_done")],
    "portal:lookup_token": lambda t: [Visit(f"/portal/lookup/t/{t['lookup_token']}/")],
    "payment:dossier": lambda t: [Visit(f"/payments/dossiers/{t['online_payment'].pk}/")],
    "payment:reconciliation-run": lambda t: [Visit(f"/payments/reconciliation/{t['pay_run'].pk}/")],
    "fees:pay": lambda t: [Visit(f"/office/fees/pay/{t['pay_token']}/", None)],
    "notifications:unsubscribe": lambda t: [Visit(f"/notifications/unsubscribe/{t['unsubscribe_token']}/")],
    "national_portal:reconcile-run": lambda t: [Visit(f"/office/national-portal/reconciliation/{t['np_run'].pk}/")],
    "certcopy:certify": lambda t: [Visit(f"/office/certified-copies/dossiers/{t['copy'].pk}/")],
    "units:reorganization": lambda t: [Visit(f"/office/units/reorganizations/{t['reorganization'].pk}/")],
    "feedback:sent": lambda t: [Visit("/feedback/sent/<code>/", "citizen", go=send_feedback)],
    "feedback:public_case": lambda t: [Visit(f"/feedback/answers/{t['case_published'].code}/")],
    "feedback:case": lambda t: [Visit(f"/feedback/mine/{t['case_mine'].pk}/")],
    "feedback:office_case": lambda t: [Visit(f"/feedback/office/{t['case_mine'].pk}/", "specialist_a")],
    "eforms_builder:edit": lambda t: [Visit(f"/office/eforms/builder/{t['version'].pk}/")],
    "eforms_builder:preview": lambda t: [Visit(f"/office/eforms/builder/{t['version'].pk}/preview/{d}/")
                                         for d in ("phone", "counter")],
    "eforms:correct": lambda t: [Visit(f"/eforms/dossiers/{t['online_supplement'].pk}/correct/", "counter_a")],
    "reports:drill": lambda t: [Visit("/reports/figures/received/")],
    "reports:why": lambda t: [Visit(f"/reports/dossiers/{t['processed'].pk}/why/")],
    "legacy:run": lambda t: [Visit(f"/office/legacy/{t['legacy_run'].pk}/", "admin")],
    "queueing:kiosk": lambda t: [Visit(f"/kiosk/?unit={t['queue_unit']}")],
    "queueing:display": lambda t: [Visit(f"/display/?unit={t['queue_unit']}", "anonymous-tv")],
    "queueing:ticket": lambda t: [Visit(f"/kiosk/ticket/{t['ticket'].token}/")],
    "queueing:follow": lambda t: [Visit(f"/queue/t/{t['ticket'].token}/")],
    "booking:book": lambda t: [Visit("/portal/appointments/book/1.001193/")],
    "booking:collect": lambda t: [Visit(f"/portal/appointments/collect/{t['online_done'].pk}/")],
    "booking:detail": lambda t: [Visit(f"/portal/appointments/{t['appointment'].code}/")],
}
# Where the page itself is on a staff path but belongs to someone else (the pay link is the citizen's).
AUDIENCE = {"fees:pay": "public"}


def send_feedback(page: Page) -> Any:  # noqa: ANN401
    """The sent page shows only right after sending (the session remembers the code): send one."""
    page.goto("/feedback/")
    page.get_by_label("Bạn muốn phản ánh, kiến nghị về").select_option("PA-DONVI")
    page.get_by_label("Nội dung phản ánh, kiến nghị").fill("Bảng hướng dẫn ở quầy bị mờ.")
    with page.expect_navigation() as nav:
        page.get_by_role("button", name="Gửi phản ánh").click()
    return nav.value


def _queues() -> list[Any]:  # noqa: ANN401
    from motcua.integrations.national_portal.jobs import enabled
    from motcua.office.queues import QUEUES

    return [q for q in QUEUES if q.flag != "sync_failed" or enabled()]  # as queues_for() shows them


def q_user(q: Any) -> str:  # noqa: ANN401
    roles = {str(r) for r in q.roles}
    for user, role in (("counter_a", "counter_officer"), ("specialist_a", "specialist"), ("leader_a", "leader"),
                       ("admin", "admin")):
        if role in roles:
            return user
    return "counter_a"


def visits_of(r: Route, things: Things) -> list[Visit] | None:
    if r.key in FILL:
        return FILL[r.key](things)
    if not r.params:
        return [Visit("/" + r.route)]
    return None


# ---- the browser side -------------------------------------------------------------------------------

@dataclass
class Found:
    problems: list[str] = field(default_factory=list)
    pages: list[str] = field(default_factory=list)
    seconds: list[tuple[float, str]] = field(default_factory=list)
    axe_seconds: float = 0.0


class Browsers:
    """One signed-in page per user (one browser context each), reused for every page of that user."""

    def __init__(self, browser: Any, base_url: str) -> None:  # noqa: ANN401
        self.browser, self.base_url = browser, base_url
        self.pages: dict[str, Page] = {}

    def page(self, user: str) -> Page:
        if user not in self.pages:
            page = self.browser.new_page(self.base_url)
            page.set_viewport_size(PHONE if user in ("anonymous-phone", "citizen") else
                                   TV if user == "anonymous-tv" else DESK)
            if user == "citizen":
                portal_login(page, "citizen")
            elif not user.startswith("anonymous"):
                login(page, user)
            self.pages[user] = page
        return self.pages[user]

    def close(self) -> None:
        for p in self.pages.values():
            p.context.close()


LOGIN_PATHS = ("/login/", "/portal/login/", "/admin/login/")


def users_for(r: Route, v: Visit) -> list[str]:
    kind = AUDIENCE.get(r.key) or audience(r, v.path)
    if v.user:
        first = [v.user]
    elif kind == "citizen":
        return ["citizen"]
    elif kind == "public":
        return ["anonymous-phone"]
    elif kind == "office-login":
        return ["anonymous-desk"]
    else:
        first = [first_staff(r)]
    if first[0] == "citizen" or first[0].startswith("anonymous"):
        return first
    return first + [u for u in STAFF_TRY if u not in first]


def check_page(page: Page, r: Route, v: Visit, user: str, found: Found) -> str:
    """Visit ``v`` as ``user``: "ok", "denied" (403 or sent to a sign-in page) or "failed"."""
    label = f"{v.path} [{r.key}{' ' + v.label if v.label else ''}, {user}]"
    started = time.monotonic()
    try:
        response = v.go(page) if v.go else page.goto(v.path)
    except PlaywrightError as err:  # e.g. a 405 without a body: Chromium refuses to show it
        found.problems.append(f"{label}: {str(err).splitlines()[0]} (POST-only? add it to the skip list)")
        return "failed"
    status = response.status if response else 0
    landed = _path(page.url)
    if status == 403 or (landed.startswith(LOGIN_PATHS) and not v.path.startswith(LOGIN_PATHS)):
        return "denied"
    if status >= 400:
        found.problems.append(f"{label}: HTTP {status}")
        return "failed"
    kind = (response.headers.get("content-type", "") if response else "")
    if not kind.startswith("text/html"):
        found.problems.append(f"{label}: {kind or 'no content type'} is not a page: add it to the skip list")
        return "failed"
    loaded = time.monotonic()
    page.wait_for_function("() => !document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling')"
                           " && document.getAnimations().length === 0")
    page.eval_on_selector_all("details", "els => els.forEach(e => e.open = true)")
    violations = a11y_violations(page)
    found.axe_seconds += time.monotonic() - loaded
    for v_ in violations:
        for node in v_["nodes"]:
            html = re.sub(r"\s+", " ", node["html"])[:140]
            found.problems.append(f"{label}: {v_['id']} at {' '.join(map(str, node['target']))}: {html}")
    width = page.viewport_size["width"] if page.viewport_size else 0
    scroll = page.evaluate("document.documentElement.scrollWidth")
    if scroll > width:
        wide = page.evaluate(_WIDEST, width)
        found.problems.append(f"{label}: scrolls sideways at {width} px (scrollWidth {scroll}); widest: {wide}")
    found.pages.append(label)
    found.seconds.append((time.monotonic() - started, label))
    return "ok"


# the elements sticking out of the viewport on the right, outermost first (to say what to fix)
_WIDEST = """(w) => { const out = [];
  for (const e of document.querySelectorAll('body *')) {
    const r = e.getBoundingClientRect();
    if (r.right > w + 1 && !(e.parentElement && e.parentElement.getBoundingClientRect().right > w + 1)) {
      out.push(e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') +
               (e.className && typeof e.className === 'string' ? '.' + e.className.trim().split(/\\s+/).join('.') : '')
               + ' (' + Math.round(r.right) + ')');
    }
  }
  return out.slice(0, 5).join(', '); }"""


def _path(url: str) -> str:
    return "/" + url.split("://", 1)[-1].split("/", 1)[-1]


@pytest.fixture
def things(site, world: World) -> Iterator[Things]:  # noqa: ANN001
    from motcua.fees.models import FeeReceipt

    yield build_things(world)
    FeeReceipt.objects.all().delete()  # receipts point at events: gone before the event log is purged


@pytest.fixture
def browsers(browser, site) -> Iterator[Browsers]:  # noqa: ANN001
    b = Browsers(browser, site.url)
    yield b
    b.close()


def test_every_route_is_a_known_page_or_skipped() -> None:
    """Fast, without a browser: a route with parameters neither filled nor skipped fails at once."""
    unknown = [f"{r.route} ({r.key}, parameters {', '.join(r.params)})" for r in routes()
               if skipped(r) is None and r.params and r.key not in FILL]
    assert not unknown, ("routes with parameters the sweep does not know how to fill: "
                         "add it to the map (FILL) or the skip list (SKIP):\n" + "\n".join(unknown))


def test_every_page_passes_the_accessibility_check(things: Things, browsers: Browsers) -> None:
    started = time.monotonic()
    found, unknown = Found(), []
    for r in routes():
        if skipped(r) is not None:
            continue
        visits = visits_of(r, things)
        if visits is None:
            unknown.append(f"{r.route} ({r.key}, parameters {', '.join(r.params)})")
            continue
        for v in visits:
            for user in users_for(r, v):
                if check_page(browsers.page(user), r, v, user, found) != "denied":
                    break
            else:
                found.problems.append(f"{v.path} [{r.key}]: no user of {users_for(r, v)} may see it: "
                                      "give it a user in STAFF_USER or its Visit")
    elapsed = time.monotonic() - started
    slowest = ", ".join(f"{label} {s:.1f} s" for s, label in sorted(found.seconds, reverse=True)[:5])
    print(f"\naccessibility sweep: {len(found.pages)} pages in {elapsed:.0f} s (axe {found.axe_seconds:.0f} s); "
          f"slowest: {slowest}")
    report = []
    if unknown:
        report += ["routes with parameters the sweep does not know how to fill: "
                   "add it to the map (FILL) or the skip list (SKIP):", *unknown]
    if found.problems:
        report += [f"{len(found.problems)} problems:", *found.problems]
    assert not report, "\n".join(report)
