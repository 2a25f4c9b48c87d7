"""The PKCS#11 path against a real token: SoftHSM2, initialised by the test set-up."""

from __future__ import annotations

import pytest

from motcua.signing import verify
from motcua.signing.backends import Pkcs11Signer
from motcua.signing.errors import SigningError
from motcua.signing.pades import sign_pdf

from .conftest import LEADER_BOX, SPECIALIST_BOX
from .test_pades import pdfsig_signatures


def test_a_result_signed_on_the_token_validates(pki, settings, token, result_pdf, tmp_path) -> None:  # noqa: ANN001
    chain = [pki.dir / "certs" / "interm.pem"]
    first = sign_pdf(result_pdf, token.signer("specialist", chain), SPECIALIST_BOX, settings)
    signer = token.signer("leader", chain)
    assert signer.certificate().dump() == pki.cert("leader").dump()  # the certificate is read from the token
    second = sign_pdf(first.data, signer, LEADER_BOX, settings)
    assert second.signer_name == "Nguyễn Văn Lãnh Đạo" and second.level == "B-LTA"
    report = verify.verify_pdf(second.data, pki.trust_roots())
    assert report.valid, [s.summary for s in report.signatures]
    assert all(s.valid for s in pdfsig_signatures(pki, second.data, tmp_path))


def test_a_wrong_pin_is_a_clear_error(token, settings, result_pdf) -> None:  # noqa: ANN001
    signer = Pkcs11Signer(token_label=token.label, key_label="leader", pin="0000", module=token.module)
    with pytest.raises(SigningError, match="Không mở được thiết bị ký số"):
        sign_pdf(result_pdf, signer, LEADER_BOX, settings)


def test_a_missing_token_is_a_clear_error(token) -> None:  # noqa: ANN001
    signer = Pkcs11Signer(token_label="no-such-token", key_label="leader", pin=token.pin, module=token.module)
    with pytest.raises(SigningError, match="no-such-token"):
        signer.certificate()
