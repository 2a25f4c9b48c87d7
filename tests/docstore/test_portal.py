"""Reuse from the portal: the real apply page offers "Dùng giấy tờ đã có trong kho" for a component whose
type matches a valid document of the applicant's store; submitting links the stored file to the new
dossier (same blob), records the reuse and counts the component as digitized. Bad choices are refused
with a clear sentence and nothing written."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from motcua.catalog.models import Component
from motcua.docstore.models import Reuse, StoredDocument
from motcua.dossiers.models import Dossier
from motcua.portal.models import Draft
from tests.docstore.conftest import birth_component, counter_dossier, digitize
from tests.portal.conftest import Portal, state, upload

pytestmark = pytest.mark.django_db
APPLY = "/portal/procedures/1.001193/apply/"


def _form(world: Any, action: str = "submit", **over: Any) -> dict[str, Any]:  # noqa: ANN401
    form = {"action": action, "receiving_unit": world.commune_centres["a"].pk, "applicant_type": 0,
            "applicant_name": "Nguyễn Văn An", "applicant_id_number": "068123456789",
            "applicant_phone": "0912345678", "applicant_email": "", "applicant_address": "",
            "request_summary": "Khai sinh cho con thứ hai", "result_delivery": "online"}
    tokhai = birth_component("Tờ khai đăng ký khai sinh")
    form[f"file_{tokhai.pk}"] = upload("to-khai.pdf")
    form.update(over)
    return form


def own_document(world: Any, tag: str = "chung-sinh", user: str = "citizen") -> StoredDocument:
    """The citizen's earlier online dossier, its birth attestation digitized at the counter."""
    d = Portal(world).submitted(user)
    digitize(world, d, "Giấy chứng sinh", tag)
    return StoredDocument.objects.get(source_dossier=d)


def test_the_apply_page_offers_the_stored_document_and_submitting_reuses_it(client_of, world, typed, profiles,
                                                                            now) -> None:  # noqa: ANN001
    doc = own_document(world)
    c = client_of("citizen")
    html = c.get(APPLY).content.decode()
    key = f"reuse_{typed['birth'].pk}"
    assert f'name="{key}"' in html and "Dùng giấy tờ đã có trong kho" in html and f'value="{doc.pk}"' in html
    r = c.post(APPLY, _form(world, **{key: doc.pk}))  # no upload for the birth attestation
    assert r.status_code == 302, r.content.decode()
    d = Dossier.objects.latest("pk")
    dc = d.components.get(component=typed["birth"])
    f = dc.files.get()
    assert (f.sha256, f.storage_key, f.size) == (doc.file.sha256, doc.file.storage_key, doc.file.size)
    assert f.pk != doc.file.pk and f.dossier == d  # a new row of the new dossier on the same blob
    reuse = Reuse.objects.get()
    assert (reuse.dossier, reuse.component, reuse.document, reuse.file, reuse.channel, reuse.actor) == (
        d, dc, doc, f, "portal", world.users["citizen"])
    assert dc.digitized_at is not None and dc.digitized_by == world.users["citizen"]
    # the dossier's staff open the linked file like any other file of the dossier
    got = client_of("counter_a").get(f"/office/dossiers/{d.pk}/files/{f.pk}/")
    assert got.status_code == 200 and b"".join(got.streaming_content) .startswith(b"%PDF")
    # the staff dossier page names the reuse
    page = client_of("counter_a").get(f"/office/dossiers/{d.pk}/").content.decode()
    assert "Giấy tờ dùng lại từ kho trong hồ sơ này" in page and "Cổng dịch vụ công" in page
    assert StoredDocument.objects.count() == 1  # the reused file is not stored a second time


def test_a_draft_keeps_the_choice(client_of, world, typed, profiles, now) -> None:  # noqa: ANN001
    doc = own_document(world)
    c = client_of("citizen")
    key = f"reuse_{typed['birth'].pk}"
    r = c.post(APPLY, _form(world, "save", **{key: doc.pk}))
    draft = Draft.objects.get()
    assert r.status_code == 302 and draft.data[key] == doc.pk
    html = c.get(f"/portal/drafts/{draft.pk}/").content.decode()
    assert f'<option value="{doc.pk}" selected>' in html
    r = c.post(f"/portal/drafts/{draft.pk}/", _form(world, **{key: doc.pk}))
    assert r.status_code == 302 and Reuse.objects.get().document == doc


def _refused(c: Any, data: dict[str, Any], sentence: str) -> None:  # noqa: ANN401
    before = state() | {"reuses": Reuse.objects.count()}
    r = c.post(APPLY, data)
    assert r.status_code == 422 and sentence in r.content.decode()
    assert state() | {"reuses": Reuse.objects.count()} == before


def test_another_citizens_document_is_refused(client_of, world, typed, profiles, now) -> None:  # noqa: ANN001
    own_document(world)
    theirs = own_document(world, "theirs", user="citizen2")
    counter = counter_dossier(world)  # and a document of the same holder number from a counter dossier
    digitize(world, counter, "Giấy chứng sinh", "counter-scan")
    held = StoredDocument.objects.get(source_dossier=counter)
    key = f"reuse_{typed['birth'].pk}"
    for doc_id in (theirs.pk, held.pk, 999999, "abc"):
        _refused(client_of("citizen"), _form(world, **{key: doc_id}),
                 "Giấy tờ đã chọn không có trong kho dữ liệu của người nộp hồ sơ.")


def test_an_expired_document_is_refused(client_of, world, typed, profiles, now) -> None:  # noqa: ANN001
    own_document(world)
    old = own_document(world, "old")
    StoredDocument.objects.filter(pk=old.pk).update(valid_until=now.date() - timedelta(days=1))
    html = client_of("citizen").get(APPLY).content.decode()
    assert f'value="{old.pk}"' not in html  # not offered
    _refused(client_of("citizen"), _form(world, **{f"reuse_{typed['birth'].pk}": old.pk}),
             "Giấy tờ đã chọn đã hết hiệu lực ngày 09/09/2025.")


def test_a_document_of_another_type_is_refused(client_of, world, typed, profiles, now) -> None:  # noqa: ANN001
    birth_doc = own_document(world)
    proxy = birth_component("Giấy ủy quyền")
    Component.objects.filter(pk=proxy.pk).update(document_type="cccd")
    d = Portal(world).submitted()
    Component.objects.filter(pk=typed["birth"].pk).update(document_type="cccd")
    digitize(world, d, "Giấy chứng sinh", "cccd-scan")  # a "cccd" in the store: the proxy's field is offered
    Component.objects.filter(pk=typed["birth"].pk).update(document_type="giay_chung_sinh")
    assert f'name="reuse_{proxy.pk}"' in client_of("citizen").get(APPLY).content.decode()
    _refused(client_of("citizen"), _form(world, **{f"reuse_{proxy.pk}": birth_doc.pk,
                                                   f"reuse_{typed['birth'].pk}": birth_doc.pk}),
             "không đúng loại giấy tờ của thành phần này")


def test_choosing_and_uploading_at_once_is_refused(client_of, world, typed, profiles, now) -> None:  # noqa: ANN001
    doc = own_document(world)
    key = f"reuse_{typed['birth'].pk}"
    _refused(client_of("citizen"), _form(world, **{key: doc.pk, f"file_{typed['birth'].pk}": upload("cs.pdf")}),
             "không chọn cả hai")
