"""The certified-copy tests' world: the test province with the sample catalog's electronic certified copy
procedure at its communes, the signing test PKI (served over local HTTP) as the configured software key,
and scans of an original as PDF and as images."""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

import pytest

from motcua.catalog.services import import_catalog, load_sample_catalog
from motcua.certcopy import services
from motcua.dossiers import services as svc
from tests.signing.conftest import pki  # noqa: F401 - the session's test PKI


@pytest.fixture
def copy_world(world):  # noqa: ANN001, ANN201
    doc = load_sample_catalog()
    entry = next(p for p in doc["procedures"] if p["code"] == services.PROCEDURE_CODE)
    import_catalog({"format": doc["format"], "fields": [f for f in doc["fields"] if f["code"] == "CT"],
                    "procedures": [entry]}, process_unit_ids=[c.pk for c in world.communes.values()])
    return world


@pytest.fixture
def signing_env(pki, monkeypatch):  # noqa: ANN001, ANN201, F811
    monkeypatch.setenv("MOTCUA_SIGNING_PKI_DIR", str(pki.dir))
    monkeypatch.setenv("MOTCUA_SIGNING_BACKEND", "software")
    return pki


def copy_request(world, commune: str = "a", channel: int = 1) -> svc.IntakeRequest:  # noqa: ANN001
    from motcua.catalog.models import Component
    from motcua.catalog.services import version_in_force
    from motcua.core import clock

    v = version_in_force(_procedure(), clock.local_date(clock.now()))
    comps = [svc.ComponentInput(component_id=c.pk, originals=1, copies=0) for c in Component.objects.filter(version=v)]
    return world.intake_request(commune, channel, procedure_code=services.PROCEDURE_CODE, components=comps)


def _procedure() -> Any:
    from motcua.catalog.models import Procedure

    return Procedure.objects.get(code=services.PROCEDURE_CODE)


def received(world, commune: str = "a", paid: bool = True) -> Any:  # noqa: ANN001
    """A walk-in request received at the commune's counter (the normal intake), its fee collected in cash
    at the counter (motcua/fees) unless ``paid`` is False."""
    actor = world.actor(f"counter_{commune}")
    d = svc.intake(actor, copy_request(world, commune))
    if paid:
        pay(actor, d)
    return d


def pay(actor: svc.Actor, d: Any) -> None:
    try:
        from motcua.fees import services as fees
    except ImportError:  # the fees app is not there: nothing blocks an unpaid stage
        return
    d.refresh_from_db()
    due = fees.due_now(d)
    if due:
        fees.collect_cash(actor, d.pk, due, payer=d.applicant_name)


def original_pdf(pages: int = 1, title: str = "CĂN CƯỚC CÔNG DÂN") -> bytes:
    """A scanned original as a PDF (reportlab, vector text): a recognisable line per page."""
    from reportlab.lib.pagesizes import A5
    from reportlab.pdfgen.canvas import Canvas

    from motcua.documents.fonts import SANS, register_fonts

    register_fonts()
    buf = io.BytesIO()
    c = Canvas(buf, pagesize=A5)
    for n in range(pages):
        c.setFont(SANS, 14)
        c.drawString(40, 500, f"{title} - BẢN CHÍNH TRANG {n + 1}")
        c.rect(30, 200, 360, 260)
        c.showPage()
    c.save()
    return buf.getvalue()


def original_png(text_color: int = 0) -> bytes:
    from PIL import Image, ImageDraw

    img = Image.new("RGB", (620, 880), "white")
    draw = ImageDraw.Draw(img)
    draw.rectangle((40, 40, 580, 840), outline=(text_color, text_color, text_color), width=6)
    draw.text((80, 100), "GIAY KHAI SINH (BAN CHINH)", fill=(0, 0, 0))
    buf = io.BytesIO()
    img.save(buf, "PNG", dpi=(150, 150))
    return buf.getvalue()


@pytest.fixture
def clean_register() -> Iterator[None]:
    """Transactional tests: the register rows go before the event log's purge (they point at approvals)."""
    yield
    from motcua.certcopy.models import CertifiedCopy, RegisterCounter

    CertifiedCopy.objects.all().delete()
    RegisterCounter.objects.all().delete()
