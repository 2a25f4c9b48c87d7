"""The counter's certification through the real page: scan in, signed copy out, valid for pyHanko and
poppler's pdfsig, its statement and register number readable in the PDF, the public verification page
and API saying valid, the dossier processed and returned electronically."""

from __future__ import annotations

import io
import subprocess

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from motcua.certcopy.models import CertifiedCopy, RegisterCounter
from motcua.domain.lifecycle import Status
from motcua.dossiers.models import Approval, Dossier, DossierEvent
from motcua.signing import services as signing
from motcua.signing import verify

from .conftest import original_pdf, original_png, received

pytestmark = pytest.mark.usefixtures("signing_env")


def form(scan: list[tuple[str, bytes, str]] | None = None, **over: object) -> dict[str, object]:
    data: dict[str, object] = {"document_type": "Căn cước công dân", "document_number": "068090001234",
                               "issuer": "Cục Cảnh sát QLHC về TTXH", "issued_on": "01/02/2021", "pages": "1",
                               "copies": "2", "certifier_title": "Công chức tư pháp - hộ tịch"}
    data.update(over)
    if scan is not None:
        data["scan"] = [SimpleUploadedFile(n, b, content_type=t) for n, b, t in scan]
    return data


def errors_of(r) -> str:  # noqa: ANN001
    import re

    return " | ".join(re.findall(r'class="(?:error|msg msg-error)"[^>]*>(.*?)</', r.content.decode(), re.S))


def pdf_text(data: bytes, tmp_path) -> str:  # noqa: ANN001
    """The copy's text as two real readers see it: pypdf and poppler's pdftotext."""
    from pypdf import PdfReader

    by_pypdf = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)
    path = tmp_path / "copy.pdf"
    path.write_bytes(data)
    by_poppler = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                                check=True).stdout
    return by_pypdf + "\n=====\n" + by_poppler


def test_the_counter_certifies_a_scanned_original(copy_world, clock, client_of, tmp_path, signing_env) -> None:  # noqa: ANN001
    clock.set("2026-03-10 09:00")
    d = received(copy_world)
    c = client_of("counter_a")
    page = c.get(reverse("office:dossier", args=[d.pk]))
    url = reverse("certcopy:certify", args=[d.pk])
    assert page.status_code == 200 and url in page.content.decode()  # the section links the counter's page
    assert c.get(url).status_code == 200
    r = c.post(url, form([("ban-chinh.pdf", original_pdf(), "application/pdf")], return_now="on"))
    assert r.status_code == 302, errors_of(r)
    entry = CertifiedCopy.objects.get(dossier=d)
    d.refresh_from_db()
    assert (entry.unit_id, entry.year, entry.number, entry.register_number) == (
        copy_world.communes["a"].pk, 2026, 1, "1/SCT/BSĐT")
    assert entry.kind == "electronic" and entry.pages == 1 and entry.copies == 2 and entry.fee == 4000
    assert entry.result_code == f"{d.code}-KQ1" and entry.certified_by == copy_world.users["counter_a"]
    assert d.status == Status.RETURNED  # processed, then returned electronically at once
    actions = list(DossierEvent.objects.filter(dossier=d).exclude(action="fee_paid").order_by("seq")
                   .values_list("action", flat=True))
    assert actions == ["intake", "start", "finish", "return"]
    ret = DossierEvent.objects.get(dossier=d, action="return")
    assert ret.data["method"] == "online" and ret.actor_id == copy_world.users["counter_a"].pk
    a = Approval.objects.get(dossier=d)
    assert (a.result_code, a.signature_status, a.signed_document_id) == (entry.result_code, "signed", entry.file_id)
    assert a.signature_level == "B-LTA" and entry.signature_level == "B-LTA"
    data = signing.read_file(entry.file)
    # pyHanko against the test PKI's root, offline from the embedded validation data
    report = verify.verify_pdf(data, signing_env.trust_roots(), allow_fetching=False)
    assert report.valid, report.summary
    assert report.signatures[0].signer == entry.signer and report.document_timestamps == 1
    # poppler's pdfsig, the independent checker
    (tmp_path / "signed.pdf").write_bytes(data)
    found = [s for s in verify.pdfsig_check(tmp_path / "signed.pdf") if not s.is_timestamp]
    assert len(found) == 1 and found[0].valid, found
    text = pdf_text(data, tmp_path)
    for needle in ("Chứng thực bản sao này đúng với bản chính", "Số chứng thực: 1/SCT/BSĐT", "Ngày 10/03/2026",
                   "NGƯỜI THỰC HIỆN CHỨNG THỰC", "Công chức tư pháp - hộ tịch",
                   copy_world.communes["a"].name, entry.result_code, "CĂN CƯỚC CÔNG DÂN - BẢN CHÍNH TRANG 1"):
        assert text.count(needle) >= 2, needle  # both readers find it
    # the QR code on the copy points to the public verification page
    subprocess.run(["pdftoppm", "-r", "150", "-png", "-singlefile", str(tmp_path / "signed.pdf"),
                    str(tmp_path / "page")], check=True)
    scanned = subprocess.run(["zbarimg", "-q", "--raw", str(tmp_path / "page.png")], capture_output=True, text=True)
    assert scanned.stdout.strip() == signing.result_url(entry.result_code)
    # the public page and the API say valid
    anonymous = type(c)()
    page = anonymous.get(reverse("signing:result", args=[entry.result_code]))
    assert page.status_code == 200 and "hợp lệ" in page.content.decode()
    api = anonymous.get(f"/api/v1/results/{entry.result_code}/verification").json()
    assert api["valid"] is True and api["dossier_code"] == d.code and api["signatures"][0]["valid"] is True
    # the done page shows the entry, the section the number
    done = c.get(url).content.decode()
    assert "1/SCT/BSĐT" in done and entry.result_code in done
    assert "1/SCT/BSĐT" in c.get(reverse("office:dossier", args=[d.pk])).content.decode()
    assert "1/SCT/BSĐT" in c.get(reverse("certcopy:register")).content.decode()
    assert c.post(url, form([("ban-chinh.pdf", original_pdf(), "application/pdf")])).status_code == 200
    assert CertifiedCopy.objects.count() == 1  # certified once


def test_images_become_pages_and_the_dossier_waits_to_be_returned(copy_world, clock, client_of, tmp_path) -> None:  # noqa: ANN001
    clock.set("2026-03-10 14:00")
    d = received(copy_world)
    url = reverse("certcopy:certify", args=[d.pk])
    scan = [("trang-1.png", original_png(), "image/png"), ("trang-2.png", original_png(90), "image/png")]
    r = client_of("counter_a").post(url, form(scan, pages="2", copies="1", issued_on=""))
    assert r.status_code == 302, errors_of(r)
    entry = CertifiedCopy.objects.get(dossier=d)
    d.refresh_from_db()
    assert d.status == Status.PROCESSED and entry.pages == 2 and entry.fee == 4000
    from pypdf import PdfReader

    data = signing.read_file(entry.file)
    assert len(PdfReader(io.BytesIO(data)).pages) == 2
    assert "Trang 2/2" in pdf_text(data, tmp_path)
    from motcua.dossiers import services as svc

    assert svc.return_result(copy_world.actor("counter_a"), d.pk, method="online").status == Status.RETURNED


def test_a_multi_page_pdf_and_the_next_number(copy_world, clock, client_of, tmp_path) -> None:  # noqa: ANN001
    clock.set("2026-03-10 09:00")
    first, second = received(copy_world), received(copy_world)
    c = client_of("counter_a")
    for d, pages in ((first, 1), (second, 3)):
        r = c.post(reverse("certcopy:certify", args=[d.pk]),
                   form([("b.pdf", original_pdf(pages), "application/pdf")], pages=str(pages), copies="1"))
        assert r.status_code == 302
    e2 = CertifiedCopy.objects.get(dossier=second)
    assert (e2.number, e2.fee) == (2, 5000)
    text = pdf_text(signing.read_file(e2.file), tmp_path)
    assert "Số chứng thực: 2/SCT/BSĐT" in text and "BẢN CHÍNH TRANG 3" in text and "Trang 3/3" in text
    assert RegisterCounter.objects.get(unit=copy_world.communes["a"], year=2026).last == 2


# ---- bad input writes nothing -----------------------------------------------------------------------

BAD = [
    ("no file", None, {}, "scan"),
    ("not a pdf or image", [("note.txt", b"hello, not a scan", "text/plain")], {}, "scan"),
    ("a broken pdf", [("x.pdf", b"%PDF-1.4\nnothing here", "application/pdf")], {}, "scan"),
    ("zero pages", [("b.pdf", original_pdf(), "application/pdf")], {"pages": "0"}, "pages"),
    ("pages missing", [("b.pdf", original_pdf(), "application/pdf")], {"pages": ""}, "pages"),
    ("pages unlike the scan", [("b.pdf", original_pdf(), "application/pdf")], {"pages": "4"}, "pages"),
    ("no document type", [("b.pdf", original_pdf(), "application/pdf")], {"document_type": " "}, "document_type"),
    ("zero copies", [("b.pdf", original_pdf(), "application/pdf")], {"copies": "0"}, "copies"),
]


@pytest.mark.parametrize(("case", "scan", "over", "field"), BAD, ids=[b[0] for b in BAD])
def test_bad_input_is_a_friendly_error_and_writes_nothing(copy_world, clock, client_of, case, scan, over,  # noqa: ANN001
                                                         field) -> None:
    clock.set("2026-03-10 09:00")
    d = received(copy_world)
    events = DossierEvent.objects.filter(dossier=d).count()
    r = client_of("counter_a").post(reverse("certcopy:certify", args=[d.pk]), form(scan, **over))
    assert r.status_code == 422
    body = r.content.decode()
    assert 'class="error"' in body and f"id_{field}" in body
    d.refresh_from_db()
    assert d.status == Status.RECEIVED and DossierEvent.objects.filter(dossier=d).count() == events
    assert not CertifiedCopy.objects.exists() and not RegisterCounter.objects.exists()
    assert not Approval.objects.exists() and not d.files.exists()


# ---- who may --------------------------------------------------------------------------------------

@pytest.mark.parametrize(("user", "status"), [("counter_b", 404), ("specialist_a", 403), ("leader_a", 403),
                                              ("monitor", 403), ("citizen", 302)])
def test_only_counter_officers_of_the_receiving_unit(copy_world, clock, client_of, user, status) -> None:  # noqa: ANN001
    clock.set("2026-03-10 09:00")
    d = received(copy_world)
    url = reverse("certcopy:certify", args=[d.pk])
    c = client_of(user)
    got = c.post(url, form([("b.pdf", original_pdf(), "application/pdf")]))
    assert got.status_code in ({status, 403} if user == "citizen" else {status})
    assert c.get(url).status_code in ({status, 403} if user == "citizen" else {status})
    assert not CertifiedCopy.objects.exists()
    d.refresh_from_db()
    assert d.status == Status.RECEIVED
    if user in ("specialist_a", "leader_a"):
        assert url not in c.get(reverse("office:dossier", args=[d.pk])).content.decode()


def test_another_procedures_dossier_is_not_certified_here(copy_world, clock, client_of) -> None:  # noqa: ANN001
    from motcua.dossiers import services as svc

    clock.set("2026-03-10 09:00")
    d = svc.intake(copy_world.actor("counter_a"), copy_world.intake_request())
    c = client_of("counter_a")
    assert c.post(reverse("certcopy:certify", args=[d.pk]),
                  form([("b.pdf", original_pdf(), "application/pdf")])).status_code == 403
    page = c.get(reverse("office:dossier", args=[d.pk])).content.decode()
    assert reverse("certcopy:certify", args=[d.pk]) not in page
    assert Dossier.objects.get(pk=d.pk).status == Status.RECEIVED


def test_an_unpaid_fee_refuses_before_signing(copy_world, clock, client_of) -> None:  # noqa: ANN001
    pytest.importorskip("motcua.fees.services")
    clock.set("2026-03-10 09:00")
    d = received(copy_world, paid=False)
    r = client_of("counter_a").post(reverse("certcopy:certify", args=[d.pk]),
                                    form([("b.pdf", original_pdf(), "application/pdf")]))
    assert r.status_code == 422 and "Chưa nộp đủ phí" in errors_of(r)
    assert not CertifiedCopy.objects.exists() and not d.files.exists() and not RegisterCounter.objects.exists()
