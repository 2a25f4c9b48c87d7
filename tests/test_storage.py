"""File storage: content hashing, size and type checks, local and S3-compatible backends."""

from __future__ import annotations

import hashlib
import io

import pytest

from motcua.domain.errors import ValidationFailed
from motcua.dossiers import storage
from motcua.dossiers.storage import LocalStorage, S3Storage, detect_type, store_upload
from tests.factories import PDF

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def local(tmp_path):
    backend = LocalStorage(tmp_path)
    storage.set_storage(backend)
    yield backend
    storage.set_storage(None)


def test_pdf_is_stored_under_its_hash(local, tmp_path):
    obj = store_upload(io.BytesIO(PDF), "to-khai.pdf")
    assert obj.sha256 == hashlib.sha256(PDF).hexdigest()
    assert obj.size == len(PDF) and obj.content_type == "application/pdf"
    assert (tmp_path / obj.key).read_bytes() == PDF
    again = store_upload(io.BytesIO(PDF), "copy.pdf")
    assert again.key == obj.key  # deduplicated


@pytest.mark.parametrize("data,name", [
    (b"MZ\x90\x00binary", "virus.exe"),
    (PNG, "scan.pdf"),  # extension lies about the content
    (b"plain text", "note.txt"),
])
def test_unaccepted_files_are_refused(local, data, name):
    with pytest.raises(ValidationFailed):
        store_upload(io.BytesIO(data), name)
    assert not any(p.is_file() for p in local.root.rglob("*"))


def test_empty_and_oversized_files_are_refused(local):
    with pytest.raises(ValidationFailed):
        store_upload(io.BytesIO(b""), "empty.pdf")
    with pytest.raises(ValidationFailed) as exc:
        store_upload(io.BytesIO(PDF + b"0" * 2000), "big.pdf", max_bytes=1000)
    assert "file" in exc.value.fields


def test_office_documents_get_their_type():
    assert detect_type(b"PK\x03\x04rest", "form.docx").endswith("wordprocessingml.document")


class FakeS3:
    """A faithful in-memory stand-in for the S3 calls the backend makes (put/get/head)."""

    def __init__(self) -> None:
        self.objects: dict[tuple[str, str], tuple[bytes, str]] = {}

    def put_object(self, Bucket, Key, Body, ContentType):  # noqa: N803
        self.objects[(Bucket, Key)] = (Body.read(), ContentType)

    def get_object(self, Bucket, Key):  # noqa: N803
        return {"Body": io.BytesIO(self.objects[(Bucket, Key)][0])}

    def head_object(self, Bucket, Key):  # noqa: N803
        if (Bucket, Key) not in self.objects:
            raise KeyError(Key)
        return {}


def test_s3_backend_stores_and_reads_back():
    fake = FakeS3()
    storage.set_storage(S3Storage("dossiers", client=fake))
    try:
        obj = store_upload(io.BytesIO(PDF), "kq.pdf")
        backend = storage.get_storage()
        assert backend.exists(obj.key)
        assert backend.open(obj.key).read() == PDF
        assert fake.objects[("dossiers", obj.key)][1] == "application/pdf"
    finally:
        storage.set_storage(None)
