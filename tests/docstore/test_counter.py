"""Reuse at the counter: the intake form's store section offers the applicant's valid documents of the
matching types (by the ID number typed), and the reuse lands in the intake's transaction or not at all."""

from __future__ import annotations

from typing import Any

import pytest

from motcua.catalog.models import Component
from motcua.docstore.models import Reuse, StoredDocument
from motcua.dossiers.models import Dossier, DossierFile
from tests.docstore.conftest import HOLDER, OTHER, counter_dossier, digitize

pytestmark = pytest.mark.django_db


def _form(world: Any, id_number: str = HOLDER, **over: Any) -> dict[str, Any]:  # noqa: ANN401
    comps = Component.objects.filter(version__procedure__code="1.001193", version__effective_to__isnull=True)
    data: dict[str, Any] = {
        "procedure": "1.001193", "receiving_unit": world.commune_centres["a"].pk,
        "handling_unit": world.communes["a"].pk, "applicant_type": 0, "applicant_name": "Nguyễn Văn An",
        "applicant_id_number": id_number, "applicant_phone": "0912345678", "applicant_email": "",
        "applicant_address": "", "representative_name": "", "representative_phone": "",
        "request_summary": "Khai sinh", "result_delivery": "counter"}
    for c in comps:
        if c.required:
            data[f"c{c.pk}"] = "on"
        data.update({f"c{c.pk}_originals": 1, f"c{c.pk}_copies": 0})
    data.update(over)
    return data


def stored(world: Any, id_number: str = HOLDER, tag: str = "cs", commune: str = "a") -> StoredDocument:
    d = counter_dossier(world, id_number, commune=commune)
    digitize(world, d, "Giấy chứng sinh", tag, username=f"counter_{commune}")
    return StoredDocument.objects.get(source_dossier=d)


def test_the_intake_offers_the_holders_documents_and_records_the_reuse(client_of, world, typed, now) -> None:  # noqa: ANN001
    doc = stored(world, commune="b")  # kept by another commune: the store is the citizen's, not the unit's
    stored(world, OTHER, "other")
    c = client_of("counter_a")
    page = c.get("/office/intake/", {"procedure": "1.001193"}).content.decode()
    assert "Giấy tờ đã có trong kho dữ liệu" in page and "/documents-store/office/intake/?procedure=1.001193" in page
    html = c.get("/documents-store/office/intake/", {"procedure": "1.001193", "applicant_id_number": HOLDER},
                 HTTP_HX_REQUEST="true").content.decode()
    key = f"store-{typed['birth'].pk}"
    assert f'name="{key}"' in html and f'value="{doc.pk}"' in html and "Dùng giấy tờ đã có trong kho" in html
    assert html.count("<option") == 2  # "no" and the holder's one document (not the other holder's)
    r = c.post("/office/intake/", _form(world, **{key: doc.pk}))
    assert r.status_code == 302, r.content.decode()
    d = Dossier.objects.latest("pk")
    reuse = Reuse.objects.get()
    assert (reuse.dossier, reuse.document, reuse.channel, reuse.actor) == (d, doc, "counter", world.users["counter_a"])
    assert reuse.file.storage_key == doc.file.storage_key and reuse.component.digitized_at is not None
    page = c.get(f"/office/dossiers/{d.pk}/").content.decode()
    assert "Bộ phận một cửa" in page and "Kho dữ liệu của người nộp" in page


def _refused(c: Any, data: dict[str, Any], sentence: str) -> None:  # noqa: ANN401
    before = (Dossier.objects.count(), DossierFile.objects.count(), Reuse.objects.count())
    r = c.post("/office/intake/", data)
    assert r.status_code == 422 and sentence in r.content.decode()
    assert (Dossier.objects.count(), DossierFile.objects.count(), Reuse.objects.count()) == before


def test_bad_choices_refuse_the_whole_intake(client_of, world, typed, now) -> None:  # noqa: ANN001
    mine, theirs = stored(world), stored(world, OTHER, "other")
    key = f"store-{typed['birth'].pk}"
    c = client_of("counter_a")
    _refused(c, _form(world, **{key: theirs.pk}), "không có trong kho dữ liệu của người nộp hồ sơ")
    _refused(c, _form(world, **{key: "x"}), "không có trong kho dữ liệu của người nộp hồ sơ")
    data = _form(world, **{key: mine.pk})
    data.pop(f"c{typed['birth'].pk}")
    _refused(c, data, "chưa được đánh dấu là có trong hồ sơ")
    StoredDocument.objects.filter(pk=mine.pk).update(valid_until="2025-01-01")
    _refused(c, _form(world, **{key: mine.pk}), "đã hết hiệu lực ngày 01/01/2025")
    tokhai = Component.objects.get(version__procedure__code="1.001193", version__effective_to__isnull=True,
                                   name="Tờ khai đăng ký khai sinh")
    StoredDocument.objects.filter(pk=mine.pk).update(valid_until=None)
    _refused(c, _form(world, **{f"store-{tokhai.pk}": mine.pk}), "không đúng loại giấy tờ")
