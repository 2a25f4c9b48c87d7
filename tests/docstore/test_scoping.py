"""Who sees a store: a citizen only their own documents (404 for others'), a locally registered account
not the counter documents of the number it typed (a verified VNeID identity does), staff only through a
dossier they may see."""

from __future__ import annotations

import pytest

from motcua.docstore import services
from motcua.docstore.models import StoredDocument
from motcua.portal.choices import IdentityProvider
from tests.docstore.conftest import HOLDER, OTHER, counter_dossier, digitize
from tests.docstore.test_portal import own_document

pytestmark = pytest.mark.django_db


def _file(c, url: str) -> int:  # noqa: ANN001
    r = c.get(url)
    if r.status_code == 200:
        assert b"".join(r.streaming_content).startswith(b"%PDF")
    return r.status_code


def test_a_citizen_sees_and_downloads_only_their_own(client_of, world, typed, profiles, now) -> None:  # noqa: ANN001
    mine, theirs = own_document(world), own_document(world, "theirs", user="citizen2")
    html = client_of("citizen").get("/documents-store/").content.decode()
    assert "Kho dữ liệu của tôi" in html and "Giấy chứng sinh" in html and mine.source_dossier.code in html
    assert f"/documents-store/documents/{mine.pk}/file/" in html and theirs.source_dossier.code not in html
    assert "Còn hiệu lực" in html and "Thành phần hồ sơ đã số hóa" in html
    assert _file(client_of("citizen"), f"/documents-store/documents/{mine.pk}/file/") == 200
    assert _file(client_of("citizen"), f"/documents-store/documents/{theirs.pk}/file/") == 404
    assert _file(client_of("citizen2"), f"/documents-store/documents/{mine.pk}/file/") == 404
    services.withdraw(mine.pk)
    assert StoredDocument.objects.get(pk=mine.pk).withdrawn_at is not None
    assert mine.source_dossier.code not in client_of("citizen").get("/documents-store/").content.decode()
    assert _file(client_of("citizen"), f"/documents-store/documents/{mine.pk}/file/") == 404
    assert client_of("counter_a").get("/documents-store/").status_code == 403  # staff use the office


def test_counter_documents_need_a_verified_identity(client_of, world, typed, profiles, now) -> None:  # noqa: ANN001
    d = counter_dossier(world, HOLDER)
    digitize(world, d, "Giấy chứng sinh", "counter")
    doc = StoredDocument.objects.get()
    url = f"/documents-store/documents/{doc.pk}/file/"
    assert d.code not in client_of("citizen").get("/documents-store/").content.decode()
    assert _file(client_of("citizen"), url) == 404  # a local account: anyone may have typed this number
    profiles["citizen"].identity_provider = IdentityProvider.VNEID
    profiles["citizen"].save()
    assert d.code in client_of("citizen").get("/documents-store/").content.decode()
    assert _file(client_of("citizen"), url) == 200
    assert _file(client_of("citizen2"), url) == 404


def test_staff_see_a_store_only_through_a_dossier_they_may_see(client_of, world, typed, now) -> None:  # noqa: ANN001
    old = counter_dossier(world, HOLDER, commune="b")
    digitize(world, old, "Giấy chứng sinh", "old", username="counter_b")
    doc = StoredDocument.objects.get()
    new = counter_dossier(world, HOLDER, commune="a")  # the same applicant, at commune A
    other = counter_dossier(world, OTHER, commune="b")
    page = client_of("counter_a").get(f"/office/dossiers/{new.pk}/").content.decode()
    url = f"/documents-store/office/dossiers/{new.pk}/documents/{doc.pk}/file/"
    assert "Kho dữ liệu của người nộp" in page and url in page
    assert _file(client_of("counter_a"), url) == 200
    assert _file(client_of("monitor"), url) == 200  # the province's monitor sees the province's dossiers
    assert _file(client_of("counter_b"), url) == 404  # commune B does not see commune A's dossier
    # through a visible dossier of another applicant: not that applicant's document
    assert _file(client_of("counter_b"), f"/documents-store/office/dossiers/{other.pk}/documents/{doc.pk}/file/") == 404
    page = client_of("counter_b").get(f"/office/dossiers/{other.pk}/").content.decode()
    assert "Kho dữ liệu của người nộp" not in page
    assert client_of("citizen").get(url).status_code == 403  # not staff
