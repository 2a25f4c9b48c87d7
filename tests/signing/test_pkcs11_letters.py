"""The unit's seal on a PKCS#11 token (SoftHSM2): a printed letter signed with the key labelled for its
unit (``MOTCUA_SIGNING_SEAL_KEY=seal-{unit}``), valid for pyHanko and pdfsig; a unit without a key on the
token prints unsigned."""

from __future__ import annotations

from io import BytesIO

import pytest
from pyhanko.pdf_utils.reader import PdfFileReader

from motcua.documents import services
from motcua.dossiers import services as svc
from motcua.signing import verify
from motcua.signing.models import SignedLetter

from .test_pades import pdfsig_signatures

pytestmark = pytest.mark.django_db


def test_a_letter_is_signed_by_its_units_seal_on_the_token(world, pki, token, monkeypatch, tmp_path) -> None:  # noqa: ANN001
    from motcua.signing import softhsm

    d = svc.intake(world.actor("counter_a"), world.intake_request())
    unit = d.receiving_unit.code
    softhsm.import_signer(token, f"seal-{unit}", pki.signers["seal"].key, pki.cert("seal"), key_id=b"\x09")
    for name, value in {"MOTCUA_SIGNING_PKI_DIR": str(pki.dir), "MOTCUA_SIGNING_LETTERS": "1",
                        "MOTCUA_SIGNING_BACKEND": "pkcs11", "MOTCUA_SIGNING_PKCS11_TOKEN": token.label,
                        "MOTCUA_SIGNING_PKCS11_KEY": "leader", "MOTCUA_SIGNING_PKCS11_PIN": token.pin,
                        "MOTCUA_SIGNING_SEAL_KEY": "seal-{unit}",
                        "MOTCUA_SIGNING_CA_CERTS": str(pki.dir / "certs" / "interm.pem")}.items():
        monkeypatch.setenv(name, value)
    _, data = services.render_document(world.actor("counter_a"), d.pk, "receipt")
    report = verify.verify_pdf(data, pki.trust_roots(), other_certs=pki.intermediates(), allow_fetching=False)
    assert report.valid and [s.signer for s in report.signatures] == ["UBND xã Thử Nghiệm"], report.summary
    assert [s.valid for s in pdfsig_signatures(pki, data, tmp_path)] == [True]
    assert SignedLetter.objects.get(dossier=d).signature_level == "B-LTA"
    # another unit has no seal key on the token: its letters print unsigned (and nothing is kept)
    monkeypatch.setenv("MOTCUA_SIGNING_SEAL_KEY", "seal-{unit}-missing")
    other = svc.intake(world.actor("counter_a"), world.intake_request())
    _, plain = services.render_document(world.actor("counter_a"), other.pk, "receipt")
    assert not list(PdfFileReader(BytesIO(plain)).embedded_signatures)
    assert not SignedLetter.objects.filter(dossier=other).exists()
