"""``motcua purge_idempotency_keys``: delete Idempotency-Key records older than 24 hours."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from motcua.core.idempotency import purge_expired


class Command(BaseCommand):
    help = "Delete expired Idempotency-Key records (kept 24 hours)."

    def handle(self, *args: Any, **opts: Any) -> None:
        self.stdout.write(f"{purge_expired()} expired idempotency keys deleted")
