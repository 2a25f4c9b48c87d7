"""The national portal in ``make demo``: the generated history queued for the (simulated) portal,
one procedure left unmapped so the mapping page and the failed-sync queue have real work, and a
reconciliation of the last three months started once the worker has sent the backlog."""

from __future__ import annotations

from datetime import timedelta
from typing import IO

from django.db.models import Count, Q

from motcua.catalog.models import Procedure
from motcua.core import clock

from . import sync, tasks
from .jobs import enabled
from .models import DossierSync, ReconciliationRun, RunStatus


def prepare(province: object, out: IO[str]) -> None:
    if not enabled():
        out.write("Kết nối Cổng DVCQG đang tắt (MOTCUA_NATIONAL_PORTAL_URL chưa đặt): bỏ qua đồng bộ.\n")
        return
    first_start = not DossierSync.objects.exists()
    if first_start:
        # the procedure with the fewest dossiers waits for its national code, as a newly imported
        # local catalog entry would: its dossiers fail to sync until an administrator maps it
        recent = clock.now() - timedelta(days=80)  # inside the reconciliation below: it lists them
        least = (Procedure.objects.annotate(n=Count("dossiers", filter=Q(dossiers__received_at__gte=recent)))
                 .filter(n__gt=0).order_by("n", "code").first())
        if least is not None:
            Procedure.objects.filter(pk=least.pk).update(national_code="")
            out.write(f"Thủ tục {least.code} để trống mã TTHC quốc gia (chờ ánh xạ): hồ sơ của thủ tục này "
                      "sẽ lỗi đồng bộ cho đến khi quản trị viên ánh xạ mã.\n")
    n = sync.backfill()
    if n:
        out.write(f"Đã xếp {n} hồ sơ vào hàng đợi gửi Cổng DVCQG (worker sẽ gửi).\n")
    if first_start:
        today = clock.local_date(clock.now())
        run = ReconciliationRun.objects.create(unit=province, start=today - timedelta(days=90),
                                               end=today - timedelta(days=1), created_at=clock.now(),
                                               status=RunStatus.QUEUED)
        tasks.run_reconciliation.enqueue(run.pk, True)
        out.write("Đối soát 90 ngày gần nhất sẽ chạy khi đồng bộ xong: /office/national-portal/reconciliation/\n")

