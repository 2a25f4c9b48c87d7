"""Dossiers received on either side of 1 July 2025, through the real services (the documents tests' desk)."""

from __future__ import annotations

from tests.documents.conftest import desk  # noqa: F401 (a fixture)
