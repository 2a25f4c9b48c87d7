"""File storage behind one interface: a local folder by default, S3-compatible in production.

Files are content-addressed (SHA-256), their size is bounded and their type is detected from
their first bytes (never trusted from the client's name or header).
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Protocol

from motcua.conf import CONFIG
from motcua.domain.errors import ValidationFailed

# detected type -> (magic prefix, allowed extensions)
_SIGNATURES: list[tuple[str, bytes, tuple[str, ...]]] = [
    ("application/pdf", b"%PDF-", (".pdf",)),
    ("image/png", b"\x89PNG\r\n\x1a\n", (".png",)),
    ("image/jpeg", b"\xff\xd8\xff", (".jpg", ".jpeg")),
    ("image/tiff", b"II*\x00", (".tif", ".tiff")),
    ("image/tiff", b"MM\x00*", (".tif", ".tiff")),
    ("application/zip", b"PK\x03\x04", (".docx", ".xlsx", ".odt", ".ods", ".zip")),
    ("application/xml", b"<?xml", (".xml",)),
]
_OFFICE = {".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
           ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
           ".odt": "application/vnd.oasis.opendocument.text",
           ".ods": "application/vnd.oasis.opendocument.spreadsheet"}


def accepted_extensions() -> list[str]:
    """The file extensions uploads are accepted with (by content, :func:`detect_type`), in order."""
    return list(dict.fromkeys(e for _ctype, _magic, exts in _SIGNATURES for e in exts))


def upload_limit() -> int:
    """The largest upload accepted, in bytes (``MOTCUA_MAX_UPLOAD_BYTES``)."""
    return CONFIG.max_upload_bytes


def detect_type(head: bytes, filename: str) -> str:
    """Content type from magic bytes, checked against the extension; ValidationFailed if not
    an accepted document type."""
    ext = os.path.splitext(filename.lower())[1]
    for ctype, magic, exts in _SIGNATURES:
        if head.startswith(magic):
            if ext not in exts:
                raise ValidationFailed("File extension does not match its content.",
                                       fields={"file": f"{filename}: content is {ctype}"})
            return _OFFICE.get(ext, ctype)
    raise ValidationFailed("Unsupported file type.",
                           fields={"file": f"{filename}: accepted PDF, PNG, JPEG, TIFF, DOCX, XLSX, ODT, XML"})


@dataclass(frozen=True)
class StoredObject:
    key: str
    sha256: str
    size: int
    content_type: str


class Storage(Protocol):
    def put(self, key: str, path: Path, content_type: str) -> None: ...
    def open(self, key: str) -> BinaryIO: ...
    def exists(self, key: str) -> bool: ...


class LocalStorage:
    """Files under a local folder, in a two-level fan-out by hash."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def _path(self, key: str) -> Path:
        return self.root / key

    def put(self, key: str, path: Path, content_type: str) -> None:
        dest = self._path(key)
        dest.parent.mkdir(parents=True, exist_ok=True)
        if not dest.exists():
            os.replace(path, dest)

    def open(self, key: str) -> BinaryIO:
        return self._path(key).open("rb")

    def exists(self, key: str) -> bool:
        return self._path(key).exists()


class S3Storage:
    """S3-compatible object storage (MinIO, Viettel/VNPT/FPT object storage...). Needs boto3."""

    def __init__(self, bucket: str, endpoint_url: str | None = None, client=None) -> None:  # noqa: ANN001
        if client is None:
            import boto3  # optional dependency: pip install motcua[s3]

            client = boto3.client("s3", endpoint_url=endpoint_url or None)
        self.client, self.bucket = client, bucket

    def put(self, key: str, path: Path, content_type: str) -> None:
        with path.open("rb") as fh:
            self.client.put_object(Bucket=self.bucket, Key=key, Body=fh, ContentType=content_type)
        path.unlink(missing_ok=True)

    def open(self, key: str) -> BinaryIO:
        return self.client.get_object(Bucket=self.bucket, Key=key)["Body"]

    def exists(self, key: str) -> bool:
        try:
            self.client.head_object(Bucket=self.bucket, Key=key)
        except Exception:  # noqa: BLE001 - botocore raises ClientError for 404
            return False
        return True


_storage: Storage | None = None


def get_storage() -> Storage:
    global _storage
    if _storage is None:
        if CONFIG.storage == "s3":
            _storage = S3Storage(CONFIG.s3_bucket, CONFIG.s3_endpoint_url)
        else:
            from django.conf import settings

            _storage = LocalStorage(Path(settings.MEDIA_ROOT))
    return _storage


def set_storage(storage: Storage | None) -> None:
    """Swap the backend (tests, or a deployment hook)."""
    global _storage
    _storage = storage


def store_upload(stream: BinaryIO, filename: str, max_bytes: int | None = None) -> StoredObject:
    """Stream an upload to storage: hash and size on the way, type from the first bytes."""
    limit = max_bytes or CONFIG.max_upload_bytes
    digest, size, head = hashlib.sha256(), 0, b""
    fd, tmp = tempfile.mkstemp(prefix="motcua-upload-")
    try:
        with os.fdopen(fd, "wb") as out:
            while chunk := stream.read(1024 * 1024):
                size += len(chunk)
                if size > limit:
                    raise ValidationFailed("File too large.",
                                           fields={"file": f"{filename}: larger than {limit} bytes"})
                if len(head) < 16:
                    head += chunk[: 16 - len(head)]
                digest.update(chunk)
                out.write(chunk)
        if size == 0:
            raise ValidationFailed("Empty file.", fields={"file": f"{filename}: empty"})
        ctype = detect_type(head, filename)
        sha = digest.hexdigest()
        key = f"{sha[:2]}/{sha[2:4]}/{sha}"
        get_storage().put(key, Path(tmp), ctype)
        return StoredObject(key, sha, size, ctype)
    finally:
        Path(tmp).unlink(missing_ok=True)
