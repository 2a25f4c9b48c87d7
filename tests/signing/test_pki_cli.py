"""``python -m motcua.signing.pki materialise`` and ``serve``: the demo's PKI and its services."""

from __future__ import annotations

import shutil
import subprocess
import sys

import httpx

from motcua.signing import pki as test_pki
from motcua.signing.pki.__main__ import main


def test_materialise_then_serve_the_crl(pki, tmp_path, capsys) -> None:  # noqa: ANN001
    shutil.copytree(pki.dir / "keys", tmp_path / "keys")  # keys present are kept (and save generating them)
    port = test_pki.free_port()
    main(["materialise", "--dir", str(tmp_path), "--url", f"http://127.0.0.1:{port}"])
    assert "test PKI written" in capsys.readouterr().out
    made = test_pki.Pki.load(tmp_path)
    assert sorted(made.signers) == ["expired", "leader", "revoked", "seal", "specialist"]  # seal: the unit's
    assert (tmp_path / "keys" / "leader.key.pem").stat().st_mode & 0o077 == 0  # private keys: owner only
    process = subprocess.Popen([sys.executable, "-m", "motcua.signing.pki", "serve", "--dir", str(tmp_path)],
                               stdout=subprocess.PIPE, text=True)
    try:
        line = process.stdout.readline() if process.stdout else ""
        assert f"listening on http://127.0.0.1:{port}" in line
        crl = httpx.get(f"http://127.0.0.1:{port}/motcua/crls/interm/latest.crl", timeout=5)
        assert crl.status_code == 200
        from asn1crypto import crl as asn1_crl

        revoked = asn1_crl.CertificateList.load(crl.content)["tbs_cert_list"]["revoked_certificates"]
        assert [r["user_certificate"].native for r in revoked] == [made.cert("revoked").serial_number]
    finally:
        process.terminate()
        process.wait(10)
