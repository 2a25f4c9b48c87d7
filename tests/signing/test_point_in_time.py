"""The certificate's status is judged at the signing time: a key revoked after the leader signed does
not void what was signed before, and a document signed after the revocation is reported revoked."""

from __future__ import annotations

import shutil
import time
from datetime import UTC, datetime, timedelta

from motcua.signing import certs, verify
from motcua.signing import pki as test_pki
from motcua.signing.pades import SigningSettings, sign_pdf

from .conftest import LEADER_BOX, software


def test_revoked_after_signing_is_good_at_signing_time(pki, tmp_path, result_pdf) -> None:  # noqa: ANN001
    shutil.copytree(pki.dir / "keys", tmp_path / "keys")  # the session's keys: generating them is the slow part
    now, url = datetime.now(UTC), f"http://127.0.0.1:{test_pki.free_port()}"
    made = test_pki.materialise(tmp_path, url=url, now=now)
    server = test_pki.serve(tmp_path)
    try:
        before = sign_pdf(result_pdf, software(made, "leader"), LEADER_BOX, SigningSettings.from_pki(made))
    finally:
        server.shutdown()
        server.server_close()
    # the leader's key is reported compromised a second after that signature: the CA reissues its lists
    revoked_at = before.signing_time + timedelta(seconds=1)
    made = test_pki.materialise(tmp_path, url=url, now=now, revoke={"leader": revoked_at})
    server = test_pki.serve(tmp_path)
    try:
        settings = SigningSettings.from_pki(made, embed_validation=False)
        deadline = time.monotonic() + 10
        while certs.certificate_status(made.cert("leader"), settings) != "revoked":
            assert time.monotonic() < deadline
            time.sleep(0.2)
        (s,) = verify.verify_pdf(before.data, made.trust_roots()).signatures  # fresh OCSP/CRL fetched too
        assert s.ok and s.certificate_status == "good", s.summary
        after = sign_pdf(result_pdf, software(made, "leader"), LEADER_BOX, settings, check_certificate=False)
        (s,) = verify.verify_pdf(after.data, made.trust_roots()).signatures
        assert s.certificate_status == "revoked" and not s.ok
    finally:
        server.shutdown()
        server.server_close()
