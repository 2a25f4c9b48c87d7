"""The office header's menu: each entry shown only to the roles its view lets in (the same predicate
the view enforces), the current page marked, and the less used entries grouped under "Thêm" so
that the header stays one row on a 1,366 px counter screen."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from motcua.queueing.calling import has_counters  # the counter officers whose units have counters
from motcua.units.choices import Role
from motcua.units.services import Scope

LEADS = (Role.LEADER, Role.MONITOR, Role.ADMIN)  # reports.pages.DASHBOARD_ROLES, national_portal.reconcile.ROLES


def _any(*roles: str) -> Callable[[Scope], bool]:
    return lambda scope: any(scope.has_role(r) for r in roles)


def _staff(scope: Scope) -> bool:
    return scope.is_staff_member


def _queues(scope: Scope) -> bool:
    """office.views.home: some queue of office.queues for one of the user's roles."""
    from .queues import QUEUES

    held = {r for r, _p, _u in scope.roles}
    return scope.is_superuser or any(q.roles & held for q in QUEUES)


@dataclass(frozen=True)
class Entry:
    url_name: str
    label: Any
    allowed: Callable[[Scope], bool]
    current: tuple[str, ...]  # the view names (or "namespace:" prefixes) of the pages it leads to
    more: bool = False  # under the "Thêm" disclosure menu


ENTRIES: tuple[Entry, ...] = (
    Entry("office:home", _("Hàng đợi"), _queues, ("office:home", "office:queue", "office:bulk_forward")),
    # office.views.intake_page refuses whoever is no counter officer ("Bạn không phải cán bộ một cửa")
    Entry("office:intake", _("Tiếp nhận hồ sơ"), _any(Role.COUNTER_OFFICER), ("office:intake",)),
    Entry("queueing:counter", _("Gọi số"), has_counters, ("queueing:counter", "queueing:sit", "queueing:act")),
    Entry("feedback:queue", _("Phản ánh, kiến nghị"), _staff, ("feedback:",)),
    Entry("reports:report", _("Báo cáo thống kê"), _staff, ("reports:report", "reports:drill", "reports:why")),
    Entry("reports:dashboard", _("Điều hành"), _any(*LEADS), ("reports:dashboard",)),
    Entry("documents:book", _("Sổ theo dõi hồ sơ"), _staff, ("documents:book",), more=True),
    Entry("certcopy:register", _("Chứng thực bản sao điện tử"), _staff, ("certcopy:",), more=True),
    Entry("post:figures", _("Bưu chính"), _staff, ("post:figures",), more=True),
    Entry("national_portal:reconcile", _("Đối soát Cổng DVCQG"), _any(*LEADS), ("national_portal:reconcile",),
          more=True),
    Entry("national_portal:catalog", _("Ánh xạ mã TTHC"), _any(Role.ADMIN), ("national_portal:catalog",), more=True),
    # views_catalog.INBOUND_ROLES
    Entry("national_portal:inbound", _("Hồ sơ từ Cổng DVCQG"), _any(Role.ADMIN, Role.COUNTER_OFFICER),
          ("national_portal:inbound",), more=True),
    Entry("population:log", _("Nhật ký tra cứu dân cư"), _any(Role.ADMIN), ("population:log",), more=True),
    # catalog.board.ROLES
    Entry("catalog:board", _("Niêm yết thủ tục"), _any(Role.ADMIN, Role.COUNTER_OFFICER), ("catalog:board",),
          more=True),
    # units.reorganize.may_reorganize, legacy.services.may_import
    Entry("units:reorganizations", _("Sắp xếp đơn vị hành chính"), _any(Role.ADMIN), ("units:",), more=True),
    Entry("legacy:index", _("Nhập dữ liệu hệ thống cũ"), _any(Role.ADMIN), ("legacy:",), more=True),
    Entry("guides:index", _("Hướng dẫn sử dụng"), _staff, ("guides:",), more=True),
)


def _is_current(entry: Entry, view_name: str) -> bool:
    return any(view_name.startswith(c) if c.endswith(":") else view_name == c or view_name.startswith(c + "_")
               for c in entry.current)


def menu(scope: Scope, view_name: str) -> dict[str, Any]:
    """The entries ``scope`` may open: ``main`` (always shown) and ``more`` (under "Thêm"), each a
    dict of url, label and current; ``more_current`` when the page is one of the "Thêm" entries."""
    main, more = [], []
    for e in ENTRIES:
        if not e.allowed(scope):
            continue
        item = {"url": reverse(e.url_name), "label": e.label, "current": _is_current(e, view_name),
                "name": e.url_name}
        (more if e.more else main).append(item)
    return {"main": main, "more": more, "more_current": any(i["current"] for i in more)}
