"""The A5 receipt fits its page: each copy on one page in the worst case (long names, many components, a
representative, a return unit, signed), place names never broken across lines, and the QR code pointing
at the public address the server answers on (``make demo PORT=...`` sets it)."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest

from motcua.catalog.models import Component
from motcua.documents import receipt
from motcua.documents.layout import NBSP, keep_places
from motcua.documents.qr import tracking_url
from motcua.dossiers import services as svc
from motcua.dossiers.models import Dossier, DossierComponent
from motcua.units.models import Unit
from tests.documents.conftest import APPLICANT, Pdf

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]
LONG_UNIT = "Trung tâm Phục vụ hành chính công và Bộ phận tiếp nhận và trả kết quả Xã Lạc Dương"
LONG_NAME = "Công ty Trách nhiệm hữu hạn Một thành viên Thương mại Dịch vụ Du lịch Nông nghiệp Công nghệ cao Lâm Viên"


REALISTIC = 1  # a long component more, with every other field at its longest (name, address, representative, summary)
EXTREME = 12  # a dozen long components more: too long for one legible page


def _worst(desk, extra: int = REALISTIC) -> Dossier:  # noqa: ANN001
    applicant = svc.Applicant(name=LONG_NAME, type=APPLICANT.type, id_number="5800123456",
                              phone="0263 3822 123", email="phong.hanhchinh.nhansu@lamvien-dulich.example.vn",
                              address="Số 123/45/6 đường Nguyễn Thị Minh Khai nối dài, Tổ dân phố Đa Lộc, "
                                      "Xã Lạc Dương, Tỉnh Lâm Đồng")
    d = desk.received(applicant=applicant, representative_name="Nguyễn Trần Hoàng Phương Thảo Nguyên",
                      representative_id_number="068190012345", representative_phone="0912345678",
                      representative_relationship="authorized",
                      representative_authorization="Giấy ủy quyền số 1234/2025/GUQ-LV ngày 01/09/2025 của "
                                                   "Giám đốc Công ty, chứng thực tại UBND Xã Lạc Dương",
                      request_summary="Đề nghị giải quyết thủ tục cho doanh nghiệp, kèm theo đầy đủ các giấy "
                                      "tờ theo danh mục quy định của thủ tục hành chính " * 2)
    Unit.objects.filter(pk=d.receiving_unit_id).update(name=LONG_UNIT)
    other = Unit.objects.exclude(pk=d.receiving_unit_id).filter(kind=d.receiving_unit.kind).first()
    Unit.objects.filter(pk=other.pk).update(name="Bộ phận một cửa Ủy ban nhân dân Phường Xuân Hương - Đà Lạt")
    Dossier.objects.filter(pk=d.pk).update(return_unit=other, result_delivery="counter")
    version = d.version
    DossierComponent.objects.bulk_create([
        DossierComponent(dossier=d, name=f"Bản sao có chứng thực giấy tờ chứng minh số {i} theo quy định tại "
                                         "khoản 2 Điều 5 Nghị định số 123/2015/NĐ-CP của Chính phủ", originals=1,
                         copies=2) for i in range(1, extra + 1)])
    assert Component.objects.filter(version=version).exists()
    return Dossier.objects.select_related("receiving_unit", "handling_unit", "return_unit", "procedure",
                                          "version").get(pk=d.pk)


@pytest.mark.parametrize("copies", [1, 2])
def test_each_copy_of_the_worst_case_receipt_is_one_a5_page(desk, copies: int, tmp_path: Path) -> None:  # noqa: ANN001
    d = _worst(desk)
    pdf = Pdf(receipt.render_receipt(d, copies))
    assert pdf.pages == copies  # pypdf
    path = tmp_path / "r.pdf"
    path.write_bytes(pdf.content)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"^Pages:\s+(\d+)", info, re.M).group(1) == str(copies)  # poppler agrees
    for page in range(copies):  # everything of a copy is on its page, signatures included
        text = pdf.page_text(page)
        for expected in ("NGƯỜI NỘP HỒ SƠ", "NGƯỜI TIẾP NHẬN HỒ SƠ", "Nguyễn Trần Hoàng Phương Thảo Nguyên",
                         "Người đại diện / được ủy quyền", "Giấy ủy quyền số 1234/2025/GUQ-LV",
                         "Người được ủy quyền", "068190012345", "Phường Xuân Hương - Đà Lạt"):
            assert expected in text, expected
        assert pdf.barcodes(page) == [tracking_url(d.pk)]


@pytest.mark.parametrize("copies", [1, 2])
def test_an_extreme_receipt_runs_on_legibly_with_its_signatures_never_alone(desk, copies: int) -> None:  # noqa: ANN001
    """Shrinking a dozen long components more onto one page would print them below 7 pt: the copy runs on
    to a second page, its time limits, register line and signatures together."""
    d = _worst(desk, EXTREME)
    pdf = Pdf(receipt.render_receipt(d, copies))
    assert pdf.pages > copies
    signed = [p for p in range(pdf.pages) if "NGƯỜI TIẾP NHẬN HỒ SƠ" in pdf.page_text(p)]
    assert len(signed) == copies and signed[-1] == pdf.pages - 1
    for p in signed:
        text = pdf.page_text(p)
        assert "Thời gian trả kết quả giải quyết hồ sơ" in text and "Vào Sổ theo dõi hồ sơ" in text


def test_a_signed_worst_case_receipt_keeps_one_page_per_copy(desk) -> None:  # noqa: ANN001
    d = _worst(desk)
    spots: dict = {}
    content = receipt.render_receipt(d, 2, spots=spots, verification=("ABCD-EFGH-IJKL", "http://127.0.0.1:8000/"
                                                                     "signing/results/ABCD-EFGH-IJKL/"))
    pdf = Pdf(content)
    assert pdf.pages == 2
    assert "ABCD-EFGH-IJKL" in pdf.page_text(0) and "ABCD-EFGH-IJKL" in pdf.page_text(1)
    page, (x1, y1, x2, y2) = spots["officer"]
    assert page == 0 and 0 < x1 < x2 <= 419.5 and 0 < y1 < y2 <= 595.3  # the signature room, shrunk with its copy


def test_place_names_are_never_broken_across_lines(desk, tmp_path: Path) -> None:  # noqa: ANN001
    d = _worst(desk)
    path = tmp_path / "r.pdf"
    path.write_bytes(receipt.render_receipt(d, 1))
    lines = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                           check=True).stdout.splitlines()
    flat = [re.sub(r"\s+", " ", line.replace(NBSP, " ")).strip() for line in lines]
    for name in ("Lạc Dương", "Xuân Hương", "Lâm Đồng"):
        halves = name.split(" ")
        broken = [i for i, line in enumerate(flat[:-1])
                  if line.endswith(halves[0]) and flat[i + 1].startswith(halves[1])]
        assert not broken, (name, [flat[i:i + 2] for i in broken])
    assert any("Xã Lạc Dương" in line for line in flat)


def test_keep_places_joins_the_kind_and_the_name() -> None:
    assert keep_places("Xã Lạc Dương") == f"Xã{NBSP}Lạc{NBSP}Dương"
    assert keep_places("phường Xuân Hương - Đà Lạt, tỉnh Lâm Đồng") == (
        f"phường{NBSP}Xuân{NBSP}Hương - Đà Lạt, tỉnh{NBSP}Lâm{NBSP}Đồng")
    assert keep_places("THÀNH PHỐ ĐÀ LẠT") == f"THÀNH{NBSP}PHỐ{NBSP}ĐÀ{NBSP}LẠT"
    assert keep_places("Xã được giao") == "Xã được giao"  # no name follows


def test_printed_links_use_the_public_url(monkeypatch) -> None:  # noqa: ANN001
    import dataclasses

    from motcua.documents import qr

    monkeypatch.setattr(qr, "CONFIG", dataclasses.replace(qr.CONFIG, public_url="http://127.0.0.1:8123"))
    assert tracking_url(7).startswith("http://127.0.0.1:8123/portal/lookup/t/")
    # no printed document hard-codes a host
    hosts = re.compile(r"https?://(?!www\.w3\.org)[\w.-]+")
    for path in (ROOT / "motcua" / "documents").glob("*.py"):
        assert not hosts.search(path.read_text()), path


def _make_demo(tmp_path: Path, **env: str) -> str:
    """What ``make demo`` gives the demo command as MOTCUA_PUBLIC_URL (a fake motcua prints it)."""
    fake = tmp_path / "bin"
    fake.mkdir()
    (fake / "motcua").write_text("#!/bin/sh\necho \"URL=$MOTCUA_PUBLIC_URL\"\nexit 3\n")
    (fake / "motcua").chmod(0o755)
    installed = fake / ".installed"
    installed.touch()
    os.utime(installed, (4_000_000_000, 4_000_000_000))  # newer than pyproject.toml: no install
    clean = {k: v for k, v in os.environ.items() if k != "MOTCUA_PUBLIC_URL"}
    run = subprocess.run(["make", "-s", "-C", str(ROOT), "demo", f"BIN={fake}", *[f"{k}={v}" for k, v in
                                                                                 env.items() if k == "PORT"]],
                         capture_output=True, text=True, env={**clean, **{k: v for k, v in env.items()
                                                                         if k != "PORT"}})
    found = re.search(r"URL=(\S*)", run.stdout)
    assert found, run.stdout + run.stderr
    return found.group(1)


def test_make_demo_sets_the_public_url_to_its_port(tmp_path: Path) -> None:
    assert _make_demo(tmp_path, PORT="8123") == "http://127.0.0.1:8123"


def test_make_demo_keeps_a_public_url_already_set(tmp_path: Path) -> None:
    assert _make_demo(tmp_path, PORT="8123", MOTCUA_PUBLIC_URL="https://dichvucong.example.vn") == (
        "https://dichvucong.example.vn")
