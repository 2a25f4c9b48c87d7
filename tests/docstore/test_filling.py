"""Filling the store: digitized components (the digitization signal), electronic results once the dossier
is processed (or their signature arrives later), digitized results on return; idempotent, typed, dated."""

from __future__ import annotations

from datetime import date

import pytest

from motcua.docstore import services
from motcua.docstore.models import StoredDocument
from motcua.dossiers import services as svc
from motcua.dossiers.models import Approval, Dossier
from tests.docstore.conftest import HOLDER, counter_dossier, digitize, sign
from tests.factories import finished, through_process

pytestmark = pytest.mark.django_db


def test_a_digitized_component_of_a_typed_component_goes_into_the_holders_store(world, typed, now) -> None:  # noqa: ANN001
    d = counter_dossier(world)
    f = digitize(world, d, "Giấy chứng sinh", "chung-sinh")
    doc = StoredDocument.objects.get()
    assert (doc.holder, doc.document_type, doc.source, doc.file, doc.source_dossier) == (
        HOLDER, "giay_chung_sinh", "digitized", f, d)
    assert doc.title == "Giấy chứng sinh" and doc.owner is None and doc.valid_until is None and not doc.withdrawn
    assert doc.source_component.component_id == typed["birth"].pk
    # untyped components are not kept (nothing to match them against); a second signal changes nothing
    digitize(world, d, "Tờ khai đăng ký khai sinh", "to-khai")
    services.store_component(doc.source_component, f)
    assert StoredDocument.objects.count() == 1


def test_no_holder_no_store(world, typed, now) -> None:  # noqa: ANN001
    d = counter_dossier(world, id_number="")
    digitize(world, d, "Giấy chứng sinh", "chung-sinh")
    assert not StoredDocument.objects.exists()


def test_a_limited_validity_scan_is_only_known_valid_on_the_day_it_was_handed_in(world, typed, now) -> None:  # noqa: ANN001
    typed["birth"].__class__.objects.filter(pk=typed["birth"].pk).update(document_type="phieu_lltp")
    d = counter_dossier(world)
    digitize(world, d, "Giấy chứng sinh", "lltp")
    assert StoredDocument.objects.get().valid_until == date(2025, 9, 10)  # the world's "now" day


def test_a_signed_result_is_stored_when_the_dossier_is_processed(world, typed, now) -> None:  # noqa: ANN001
    d = counter_dossier(world)
    svc.start(world.actor("counter_a"), d.pk)
    through_process(world, d.pk)
    approval = Approval.objects.get(dossier=d)
    signed = sign(approval, "kq", now)
    assert not StoredDocument.objects.exists()  # not issued yet: the dossier is still being processed
    svc.finish(world.actor("leader_a"), d.pk)
    doc = StoredDocument.objects.get()
    approval.refresh_from_db()
    assert (doc.source, doc.file, doc.document_type, doc.number) == ("e_result", signed, "giay_khai_sinh",
                                                                     approval.result_code)
    assert doc.issuer == "Xã A" and doc.issued_on == date(2025, 9, 10) and doc.title == "Thủ tục đăng ký khai sinh"
    svc.return_result(world.actor("counter_a"), d.pk, method="online")
    assert StoredDocument.objects.count() == 1  # returned: the same result, not stored twice


def test_a_signature_arriving_after_the_finish_is_stored_then(world, typed, now) -> None:  # noqa: ANN001
    d = counter_dossier(world)
    svc.start(world.actor("counter_a"), d.pk)
    finished(world, d.pk)
    assert not StoredDocument.objects.exists()  # processed, but nothing signed (and not returned)
    sign(Approval.objects.get(dossier=d), "late", now)
    assert StoredDocument.objects.get().source == "e_result"


def test_an_unsigned_result_is_stored_as_digitized_when_returned(world, typed, now) -> None:  # noqa: ANN001
    d = counter_dossier(world)
    svc.start(world.actor("counter_a"), d.pk)
    finished(world, d.pk)
    assert not StoredDocument.objects.exists()
    svc.return_result(world.actor("counter_a"), d.pk)
    doc = StoredDocument.objects.get()
    assert doc.source == "result_scan" and doc.file.kind == "result" and doc.document_type == "giay_khai_sinh"


def test_result_types_and_validity(world, typed, now) -> None:  # noqa: ANN001
    from motcua.docstore import types

    assert types.result_type("1.004873") == "giay_xac_nhan_tthn"
    assert types.result_type("9.999999") == "ket_qua:9.999999"
    assert types.valid_until("giay_xac_nhan_tthn", date(2025, 1, 1)) == date(2025, 6, 30)
    assert types.valid_until("cccd", date(2025, 1, 1)) is None
    assert types.label("ket_qua:9.999999") == "Kết quả thủ tục 9.999999"


def test_an_online_dossiers_documents_belong_to_its_owner_account(world, typed, profiles, now) -> None:  # noqa: ANN001
    from tests.portal.conftest import Portal

    d = Portal(world).submitted()
    svc.receive(world.actor("counter_a"), d.pk)
    d = Dossier.objects.get(pk=d.pk)
    digitize(world, d, "Giấy chứng sinh", "online-chung-sinh")
    assert StoredDocument.objects.get().owner == world.users["citizen"]


def test_a_signed_certified_copy_is_stored_as_one(world, typed, now, monkeypatch) -> None:  # noqa: ANN001
    from tests.docstore.conftest import signed_result

    assert services.certified_copy_procedures() == ("2.000815.BSDT",)  # motcua/certcopy's procedure
    monkeypatch.setattr(services, "certified_copy_procedures", lambda: ("1.001193",))
    signed_result(world, counter_dossier(world))
    assert StoredDocument.objects.get().source == "certified_copy"
