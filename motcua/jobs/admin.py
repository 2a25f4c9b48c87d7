"""The administrators' view of the outbox (Django admin, "Hàng đợi gửi đi"): backlog per
destination, oldest pending message, failures with their reason; retry and discard are admin
actions (POST with the CSRF token) written to the admin's log (LogEntry) with the user."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import Count, Min, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _

from . import outbox
from .models import OutboxMessage, Status


def backlog() -> list[dict[str, Any]]:
    """Per destination: pending and dead counts, and how long the oldest pending one has waited."""
    now = timezone.now()
    rows = (OutboxMessage.objects.filter(status__in=[Status.PENDING, Status.DEAD]).values("destination")
            .annotate(pending=Count("id", filter=Q(status=Status.PENDING)),
                      dead=Count("id", filter=Q(status=Status.DEAD)),
                      oldest=Min("created_at", filter=Q(status=Status.PENDING)))
            .order_by("destination"))
    return [{**r, "oldest_age": (now - r["oldest"]) if r["oldest"] else None} for r in rows]


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    list_display = ("id", "destination", "ordering_key", "key", "status", "attempts", "next_attempt_at",
                    "short_error", "created_at", "delivered_at")
    list_filter = ("status", "destination")
    search_fields = ("key", "ordering_key")
    readonly_fields = [f.name for f in OutboxMessage._meta.fields]
    actions = ["retry_selected", "discard_selected"]
    list_per_page = 50
    show_full_result_count = False  # no COUNT(*) over a long backlog

    @admin.display(description=_("lỗi gần nhất"))
    def short_error(self, obj: OutboxMessage) -> str:
        return obj.last_error[:120]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False  # the record of what was sent is kept; discard instead

    def changelist_view(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        return super().changelist_view(request, {**(extra_context or {}), "backlog": backlog()})

    def _act(self, request: HttpRequest, queryset: QuerySet[OutboxMessage], action: Any, verb: str) -> None:
        chosen = list(queryset)
        done = action(chosen)
        for m in chosen:
            self.log_change(request, m, f"{verb} (trạng thái trước: {m.status}, số lần thử: {m.attempts})")
        self.message_user(request, _g("%(n)d thông điệp: %(verb)s.") % {"n": done, "verb": verb}, messages.SUCCESS)

    @admin.action(description=_("Gửi lại các thông điệp đã chọn"), permissions=["change"])
    def retry_selected(self, request: HttpRequest, queryset: QuerySet[OutboxMessage]) -> None:
        self._act(request, queryset, outbox.retry, _g("gửi lại"))

    @admin.action(description=_("Bỏ các thông điệp đã chọn (không gửi nữa)"), permissions=["change"])
    def discard_selected(self, request: HttpRequest, queryset: QuerySet[OutboxMessage]) -> None:
        self._act(request, queryset, outbox.discard, _g("đã bỏ"))
