"""Serving a stored dossier file over HTTP (API, office and portal use the same response)."""

from __future__ import annotations

from typing import BinaryIO

from django.http import FileResponse

from .models import DossierFile

INLINE_TYPES = {"application/pdf", "image/png", "image/jpeg"}


def file_response(f: DossierFile, stream: BinaryIO) -> FileResponse:
    """PDFs and images open in the browser; anything else downloads. The stored content type was
    detected from the bytes at upload, never taken from the client."""
    resp = FileResponse(stream, content_type=f.content_type, as_attachment=f.content_type not in INLINE_TYPES,
                        filename=f.name)
    resp["X-Content-Type-Options"] = "nosniff"
    resp["Cache-Control"] = "private, no-store"
    return resp
