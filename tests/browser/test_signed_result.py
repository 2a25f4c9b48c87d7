"""A signed electronic result in a real browser: the leader approves (and so signs) the result on the
dossier page, the counter returns it online, the citizen downloads it from the portal, its QR code is
scanned from the rendered PDF (pdfium, as Chromium renders it; zbarimg decodes) and the verification
page it opens says the signature is valid."""

from __future__ import annotations

import io
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest
from playwright.sync_api import expect

from motcua.dossiers import services as svc
from motcua.signing import pki as test_pki
from motcua.signing.sample import make_result_pdf
from tests.browser.office import act, expect_status, return_result
from tests.browser.pw import check_a11y, portal_login

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def served_pki(tmp_path_factory: pytest.TempPathFactory) -> Iterator[test_pki.Pki]:
    port = test_pki.free_port()
    made = test_pki.materialise(tmp_path_factory.mktemp("pki"), url=f"http://127.0.0.1:{port}")
    server = test_pki.serve(made.dir)
    yield made
    server.shutdown()
    server.server_close()


@pytest.fixture
def signing_on(served_pki: test_pki.Pki, monkeypatch: pytest.MonkeyPatch) -> test_pki.Pki:
    monkeypatch.setenv("MOTCUA_SIGNING_PKI_DIR", str(served_pki.dir))
    monkeypatch.setenv("MOTCUA_SIGNING_ON_APPROVAL", "1")
    monkeypatch.setenv("MOTCUA_SIGNING_BACKEND", "software")
    return served_pki


def at_leader_step(world, clock):  # noqa: ANN001, ANN201
    """A dossier of the citizen's, carried by the services to the leader's approval step with a real PDF."""
    clock.set("2025-09-10 09:00")
    d = svc.intake(world.actor("counter_a"), world.intake_request(owner_id=world.users["citizen"].pk))
    svc.start(world.actor("counter_a"), d.pk)
    svc.forward(world.actor("specialist_a"), d.pk)
    svc.attach_file(world.actor("specialist_a"), d.pk, io.BytesIO(make_result_pdf()), "quyet-dinh.pdf",
                    kind="result")
    svc.forward(world.actor("specialist_a"), d.pk)
    return d


def scan_qr(pdf: Path, out: Path) -> str:
    """Render the last page as Chromium's PDF engine does (pdfium) and decode its QR code (zbarimg)."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(str(pdf))
    doc[len(doc) - 1].render(scale=2).to_pil().save(out)
    done = subprocess.run(["zbarimg", "-q", "--raw", str(out)], capture_output=True, text=True, timeout=30)
    assert done.returncode == 0, f"no QR code found: {done.stderr}"
    return done.stdout.strip()


@pytest.mark.skipif(shutil.which("zbarimg") is None, reason="zbarimg (zbar-tools) is not installed")
def test_leader_signs_citizen_downloads_and_the_qr_says_valid(page_of, browser, site, world, clock,  # noqa: ANN001
                                                             signing_on, tmp_path) -> None:
    d = at_leader_step(world, clock)
    leader = page_of("leader_a")
    leader.goto(f"/office/dossiers/{d.pk}/")
    act(leader, "approve", note="Đồng ý, ký kết quả")
    approvals = leader.locator("section", has=leader.get_by_role("heading", name="Phê duyệt kết quả"))
    expect(approvals).to_contain_text("Đã ký")
    expect(approvals).to_contain_text("Nguyễn Văn Lãnh Đạo")
    code = f"{d.code}-KQ1"
    expect(approvals.get_by_role("link", name=f"{code}.pdf")).to_be_visible()
    act(leader, "finish", note="Đã ký kết quả")
    expect_status(leader, "Đã xử lý xong")
    return_result(page_of("counter_a"), d.code, method="online")

    citizen = browser.new_page(site.url)
    try:
        portal_login(citizen, "citizen")
        citizen.goto(f"/portal/dossiers/{d.pk}/")
        result = citizen.locator("section.attention", has=citizen.get_by_role("heading", name="Kết quả điện tử"))
        signed = result.locator("li.signed-result")
        expect(signed).to_contain_text("Đã ký số")
        expect(result.locator("li")).to_have_count(1)  # the signed result only, not the draft it was made from
        with citizen.expect_download() as info:
            signed.get_by_role("link", name=f"{code}.pdf").click()
        pdf = tmp_path / info.value.suggested_filename
        info.value.save_as(pdf)
        assert pdf.read_bytes().startswith(b"%PDF-") and pdf.name == f"{code}.pdf"
        url = scan_qr(pdf, tmp_path / "page.png")
        assert url.endswith(f"/results/{code}/")

        anonymous = browser.new_page(site.url)
        try:
            anonymous.goto(urlsplit(url).path)  # the QR names the public address; here it is the test server
            expect(anonymous.get_by_role("heading", level=1)).to_contain_text(code)
            verdict = anonymous.locator("#verification")
            expect(verdict.get_by_role("heading", level=2)).to_have_text("Chữ ký số hợp lệ")
            expect(verdict).to_contain_text("Nguyễn Văn Lãnh Đạo")
            expect(verdict).to_contain_text("còn hiệu lực")
            expect(verdict).to_contain_text("không bị thay đổi")
            expect(anonymous.locator(".dossier-status")).to_have_text("Đã trả kết quả")
            assert "Nguyễn Văn An" not in anonymous.content()
            check_a11y(anonymous, "result-verification")
            # the same file uploaded to the check form
            anonymous.get_by_label("Tệp PDF cần kiểm tra").set_input_files(str(pdf))
            anonymous.get_by_role("button", name="Kiểm tra chữ ký").click()
            expect(anonymous.locator("#verification h2")).to_have_text("Chữ ký số hợp lệ")
        finally:
            anonymous.context.close()
    finally:
        citizen.context.close()


WEBHOOK_SECRET = "browser-webhook-secret-0123456789"  # noqa: S105


@pytest.fixture(scope="module")
def remote_signer(served_pki: test_pki.Pki) -> Iterator[str]:
    """The remote signing simulator as a real server (a subprocess), its URL."""
    cmd = [sys.executable, "-m", "motcua.integrations.remote_signer.simulator", "--port", "0", "--pki",
           str(served_pki.dir), "--webhook-secret", WEBHOOK_SECRET]
    process = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
    line = process.stdout.readline() if process.stdout else ""
    assert "listening on" in line, line
    yield line.strip().rsplit(" ", 1)[-1]
    process.terminate()
    process.wait(10)


@pytest.fixture
def remote_on(served_pki, remote_signer: str, site, monkeypatch: pytest.MonkeyPatch) -> Iterator[httpx.Client]:  # noqa: ANN001
    from motcua.signing.models import RemoteSignature

    for name, value in {"MOTCUA_SIGNING_PKI_DIR": str(served_pki.dir), "MOTCUA_SIGNING_ON_APPROVAL": "1",
                        "MOTCUA_SIGNING_BACKEND": "remote", "MOTCUA_REMOTE_SIGNER_URL": remote_signer,
                        "MOTCUA_REMOTE_SIGNER_CA_NAME": "motcua-test-ca",
                        "MOTCUA_REMOTE_SIGNER_WEBHOOK_SECRET": WEBHOOK_SECRET,
                        "MOTCUA_REMOTE_SIGNER_CALLBACK_URL": f"{site.url}/results/callbacks/remote-signer/"}.items():
        monkeypatch.setenv(name, value)
    with httpx.Client(base_url=remote_signer, timeout=5) as sim:
        sim.post("/_sim/reset", json={}).raise_for_status()
        sim.post("/_sim/faults", json={"manual_confirm": True}).raise_for_status()
        yield sim
    RemoteSignature.objects.all().delete()  # they point at approvals, which the event-log purge deletes in SQL


def test_the_leader_page_waits_for_the_phone_and_updates_itself(page_of, world, clock, remote_on) -> None:  # noqa: ANN001
    from motcua.dossiers.models import Approval

    d = at_leader_step(world, clock)
    leader = page_of("leader_a")
    leader.goto(f"/office/dossiers/{d.pk}/")
    act(leader, "approve", note="Đồng ý, ký trên điện thoại")
    waiting = leader.locator(".remote-signature")
    expect(waiting).to_contain_text("Đang chờ xác nhận trên điện thoại")
    url = leader.url
    tid = Approval.objects.get(dossier=d).remote.transaction_id
    remote_on.post("/_sim/confirm", json={"transaction_id": tid}).raise_for_status()  # the leader's phone
    expect(waiting).to_contain_text("Đã ký số", timeout=20_000)  # htmx polled; no reload
    assert leader.url == url
    expect(waiting.get_by_role("link", name=f"{d.code}-KQ1")).to_be_visible()
