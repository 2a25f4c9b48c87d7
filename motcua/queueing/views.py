"""The counter's calling panel ("Gọi số"): choose the counter one sits at, call the next number,
recall, skip, transfer, serve, receive a dossier from the number, finish.

Every button is a plain POST form (PRG, works without JavaScript); with htmx the form posts in the
background and the panel is redrawn in place with the outcome. Views parse, authorize (through
:mod:`motcua.queueing.calling`, which scopes every counter and ticket), call one service, render."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from motcua.core import clock
from motcua.office.views import _is_htmx, staff_view

from . import calling
from .services import QueueError


def _int(value: Any) -> int | None:  # noqa: ANN401
    try:
        return int(str(value))
    except (TypeError, ValueError):
        return None


def panel_context(actor: Any, counter: Any) -> dict[str, Any]:  # noqa: ANN401
    at = clock.now()
    t = calling.current(counter, at)
    groups = list(counter.groups.filter(active=True).order_by("position", "letter"))
    counts = calling.waiting_counts(groups, at)
    intake = reverse("queueing:receive", args=[t.pk]) if t is not None and t.dossier_id is None else ""
    others = [c for c in calling.counters_for(actor) if c.unit_id == counter.unit_id and c.pk != counter.pk]
    return {"counter": counter, "ticket": t, "groups": [(g, counts[g.pk]) for g in groups],
            "waiting_total": sum(counts.values()), "others": others, "intake_url": intake,
            "skipped": calling.skipped_today(counter, at)}


@require_GET
@staff_view
def panel(request: HttpRequest) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    counters = calling.counters_for(actor)
    if not counters:
        return render(request, "office/forbidden.html", status=403)
    counter = calling.my_counter(actor)
    if counter is None or request.GET.get("choose"):
        return render(request, "queueing/choose.html", {"counters": counters, "mine": counter})
    ctx = panel_context(actor, counter)
    if _is_htmx(request) and request.GET.get("part") == "counts":
        return render(request, "queueing/_counts.html", ctx)
    return render(request, "queueing/panel.html", ctx)


@require_POST
@staff_view
def sit(request: HttpRequest) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    if request.POST.get("leave"):
        calling.leave(actor)
        messages.info(request, _("Bạn đã rời quầy."))
        return redirect(reverse("queueing:counter") + "?choose=1")
    try:
        c = calling.sit_at(actor, _int(request.POST.get("counter")) or 0)
    except QueueError as err:
        messages.error(request, str(err))
        return redirect(reverse("queueing:counter") + "?choose=1")
    messages.success(request, _("Bạn đang ngồi %(counter)s.") % {"counter": c})
    return redirect("queueing:counter")


ACTIONS = {"next", "recall", "skip", "start", "finish", "transfer", "bring_back"}


def _do(actor: Any, counter: Any, action: str, post: Any) -> str:  # noqa: ANN401
    """Run one action; returns the message of its outcome (QueueError on refusal)."""
    ticket_id = _int(post.get("ticket")) or 0
    if action == "next":
        t = calling.call_next(actor, counter.pk)
        return (_("Mời số %(code)s đến %(counter)s.") % {"code": t.code, "counter": counter} if t
                else _("Không còn ai đang chờ."))
    if action == "recall":
        t = calling.recall(actor, ticket_id)
        return _("Đã gọi lại số %(code)s.") % {"code": t.code}
    if action == "skip":
        t = calling.skip(actor, ticket_id)
        return _("Số %(code)s vắng mặt, đã bỏ qua (có thể gọi lại trong ngày).") % {"code": t.code}
    if action == "start":
        t = calling.start(actor, ticket_id)
        return _("Bắt đầu phục vụ số %(code)s.") % {"code": t.code}
    if action == "finish":
        t = calling.finish(actor, ticket_id)
        return _("Đã hoàn thành số %(code)s.") % {"code": t.code}
    if action == "transfer":
        to = _int(post.get("to")) or 0
        t = calling.transfer(actor, ticket_id, to)
        return _("Đã chuyển số %(code)s sang %(counter)s.") % {"code": t.code, "counter": t.transferred_to}
    t = calling.bring_back(actor, ticket_id, counter.pk)
    return _("Số %(code)s đã được đưa lại vào hàng chờ, quầy này sẽ gọi trước.") % {"code": t.code}


@require_POST
@staff_view
def act(request: HttpRequest) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    counter = calling.my_counter(actor)
    if counter is None:
        messages.error(request, _("Hãy chọn quầy bạn đang ngồi trước khi gọi số."))
        return redirect(reverse("queueing:counter") + "?choose=1")
    action = request.POST.get("action", "")
    ok, notice = True, ""
    if action not in ACTIONS:
        ok, notice = False, _("Thao tác không hợp lệ.")
    else:
        try:
            notice = _do(actor, counter, action, request.POST)
        except QueueError as err:
            ok, notice = False, str(err)
    if _is_htmx(request):
        ctx = panel_context(actor, counter) | {"notice": notice, "notice_ok": ok}
        return render(request, "queueing/_panel.html", ctx)  # htmx swaps 2xx only: the refusal is in it
    (messages.success if ok else messages.error)(request, notice)
    return redirect("queueing:counter")


@require_GET
@staff_view
def receive(request: HttpRequest, ticket_id: int) -> HttpResponse:
    """"Tiếp nhận hồ sơ từ số này": the intake page with ``?ticket=`` (and the ticket's procedure when
    known); the ticket is remembered in the session while the procedure is searched."""
    from .sections import SESSION_KEY

    try:
        t = calling.check_link(request.actor, ticket_id)  # type: ignore[attr-defined]
    except QueueError as err:
        messages.error(request, str(err))
        return redirect("queueing:counter")
    request.session[SESSION_KEY] = t.pk
    q = {"ticket": t.pk} | ({"procedure": t.procedure.code} if t.procedure_id else {})
    return redirect(reverse("office:intake") + "?" + urlencode(q))
