"""The Zalo tokens in the database (``ProviderToken``), shared by every worker: the
``TokenStore`` the Zalo client refreshes through. A refresh locks the row, so of two workers that
both met an expired token only the first spends the refresh token; the second gets the new pair."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction

from motcua.integrations.zalo.mapping import TokenPair

from .models import ProviderToken

ZALO = "zalo"


@dataclass(frozen=True)
class Token:
    access_token: str
    refresh_token: str
    expires_at: float


def _of(row: ProviderToken) -> Token:
    return Token(row.access_token, row.refresh_token, row.expires_at)


class DbTokenStore:
    def __init__(self, provider: str, seed_access: str, seed_refresh: str, seed_ttl: float = 3000.0) -> None:
        self.provider, self.seed_ttl = provider, seed_ttl
        self.seed_access, self.seed_refresh = seed_access, seed_refresh

    def current(self) -> Token:
        row = ProviderToken.objects.filter(provider=self.provider).first()
        if row is None:
            row, _ = ProviderToken.objects.get_or_create(provider=self.provider, defaults={
                "access_token": self.seed_access, "refresh_token": self.seed_refresh,
                "expires_at": time.time() + self.seed_ttl if self.seed_access else 0.0})
        return _of(row)

    def refresh(self, stale_access_token: str, exchange: Callable[[str], TokenPair]) -> Token:
        self.current()
        with transaction.atomic():
            row = ProviderToken.objects.select_for_update().get(provider=self.provider)
            if row.access_token != stale_access_token and row.expires_at > time.time():
                return _of(row)  # another worker refreshed it meanwhile
            pair = exchange(row.refresh_token)
            row.access_token, row.refresh_token = pair.access_token, pair.refresh_token
            row.expires_at = time.time() + pair.expires_in
            row.save(update_fields=["access_token", "refresh_token", "expires_at", "updated_at"])
            return _of(row)
