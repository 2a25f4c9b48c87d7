"""Document store fixtures: typed catalog components, digitized components (the digitization app's signal,
as its service sends it), signed results recorded through the signing service, all through real services."""

from __future__ import annotations

import hashlib
import io
from datetime import datetime
from typing import Any

import pytest

from motcua.catalog.models import Component
from motcua.digitization.signals import component_digitized
from motcua.dossiers import services as svc
from motcua.dossiers.models import Approval, Dossier, DossierComponent, DossierFile
from motcua.portal.models import CitizenProfile
from motcua.signing.pades import SignedPdf
from motcua.signing.services import record_signature
from tests.factories import PDF, finished

HOLDER = "068123456789"  # the world's citizen (tests.portal.conftest)
OTHER = "068987654321"  # citizen2


def pdf(tag: str) -> bytes:
    """A distinct small PDF per tag (content-addressed storage: distinct blobs)."""
    return PDF.replace(b"%%EOF", f"% {tag}\n%%EOF".encode())


def birth_component(name: str) -> Component:
    """A component of the birth registration's version in force."""
    return Component.objects.get(version__procedure__code="1.001193", version__effective_to__isnull=True, name=name)


@pytest.fixture
def typed(world) -> dict[str, Component]:  # noqa: ANN001
    """Document types on the test catalog: the birth registration's "Giấy chứng sinh" and the certified
    copy's original ("Bản chính giấy tờ", here a birth certificate)."""
    birth = birth_component("Giấy chứng sinh")
    original = Component.objects.get(version__procedure__code="2.000815", name="Bản chính giấy tờ")
    Component.objects.filter(pk=birth.pk).update(document_type="giay_chung_sinh")
    Component.objects.filter(pk=original.pk).update(document_type="giay_khai_sinh")
    from motcua.core import refcache

    refcache.clear()
    birth.refresh_from_db()
    original.refresh_from_db()
    return {"birth": birth, "original": original}


@pytest.fixture
def profiles(world) -> dict[str, CitizenProfile]:  # noqa: ANN001
    return {"citizen": CitizenProfile.objects.create(user=world.users["citizen"], id_number=HOLDER, phone="0912345678"),
            "citizen2": CitizenProfile.objects.create(user=world.users["citizen2"], id_number=OTHER,
                                                      phone="0987654321")}


def digitize(world: Any, d: Dossier, component_name: str, tag: str, username: str = "counter_a") -> DossierFile:
    """Scan a component of ``d`` and mark it digitized as the digitization service does, then send its
    signal (on commit, as it does)."""
    from motcua.core import clock

    actor = world.actor(username)
    dc = d.components.get(name=component_name)
    f = svc.attach_file(actor, d.pk, io.BytesIO(pdf(tag)), f"{tag}.pdf", "component", dc.pk)
    DossierComponent.objects.filter(pk=dc.pk).update(digitized_at=clock.now(), digitized_by_id=actor.user_id)
    dc.refresh_from_db()
    component_digitized.send(sender=DossierComponent, component=dc, file=f)
    return f


def sign(approval: Approval, tag: str, at: datetime) -> DossierFile:
    """Record a signature on ``approval`` through the signing service (the file is a placeholder PDF: the
    store does not validate signatures, the signing tests do)."""
    data = pdf(tag)
    signed = SignedPdf(data=data, field_name="Signature1", signer_name="Lãnh đạo xã A", certificate_serial="0a1b",
                       issuer="CN=motcua test CA", signing_time=at, sha256=hashlib.sha256(data).hexdigest(),
                       signature_sha256=hashlib.sha256(b"cms" + data).hexdigest(), level="B-LTA")
    return record_signature(approval, signed, approval.approved_by_id)


def counter_dossier(world: Any, id_number: str = HOLDER, procedure: str = "1.001193", commune: str = "a") -> Dossier:
    return svc.intake(world.actor(f"counter_{commune}"), world.intake_request(
        commune, 1, applicant=svc.Applicant(name="Nguyễn Văn An", id_number=id_number, phone="0912345678")))


def signed_result(world: Any, d: Dossier, tag: str = "kq", commune: str = "a") -> Dossier:
    """Start, carry through the process, sign the approval's result, finish: the e-result is issued."""
    from motcua.core import clock

    svc.start(world.actor(f"counter_{commune}"), d.pk)
    from tests.factories import through_process

    through_process(world, d.pk, commune)
    sign(Approval.objects.filter(dossier=d).latest("pk"), tag, clock.now())
    svc.finish(world.actor(f"leader_{commune}"), d.pk)
    return Dossier.objects.get(pk=d.pk)


__all__ = ["HOLDER", "OTHER", "counter_dossier", "digitize", "finished", "pdf", "sign", "signed_result"]
