"""Signing configuration from the environment: the test PKI in development, explicit trust in
production, and production's refusals (software key, simulator webhook secret, test PKI)."""

from __future__ import annotations

import pytest

from motcua.signing import config
from motcua.signing.backends import Pkcs11Signer, RemoteHashSigner, SoftwareKeySigner
from motcua.signing.errors import SigningError, SoftwareKeyRefused


def test_development_uses_the_test_pki(pki) -> None:  # noqa: ANN001
    env = {"MOTCUA_SIGNING_PKI_DIR": str(pki.dir)}
    settings = config.signing_settings(env)
    assert settings.tsa_url == pki.tsa_url and settings.level == "B-LTA"
    assert [c.dump() for c in settings.trust_roots] == [pki.cert("root").dump()]
    signer = config.signer(env, label="specialist")
    assert isinstance(signer, SoftwareKeySigner) and signer.certificate().dump() == pki.cert("specialist").dump()


def test_explicit_settings_win(pki) -> None:  # noqa: ANN001
    env = {"MOTCUA_SIGNING_PKI_DIR": str(pki.dir), "MOTCUA_SIGNING_TRUST_ROOTS": str(pki.dir / "certs" / "root.pem"),
           "MOTCUA_SIGNING_TSA_URL": "", "MOTCUA_SIGNING_BACKEND": "pkcs11", "MOTCUA_SIGNING_PKCS11_TOKEN": "t",
           "MOTCUA_SIGNING_PKCS11_KEY": "k", "MOTCUA_SIGNING_PKCS11_PIN": "1"}
    assert config.signing_settings(env).level == "B-B"
    assert isinstance(config.signer(env), Pkcs11Signer)
    remote = {**env, "MOTCUA_SIGNING_BACKEND": "remote", "MOTCUA_REMOTE_SIGNER_URL": "http://127.0.0.1:9"}
    assert isinstance(config.signer(remote, user_id="001085000001"), RemoteHashSigner)
    with pytest.raises(SigningError, match="user_id"):
        config.signer(remote)
    with pytest.raises(SigningError, match="software, pkcs11 or remote"):
        config.signer({**env, "MOTCUA_SIGNING_BACKEND": "usb"})


def test_production_refuses_software_keys_the_test_pki_and_the_simulator_secret(pki, monkeypatch) -> None:  # noqa: ANN001
    monkeypatch.setenv("MOTCUA_ENV", "production")
    env = {"MOTCUA_SIGNING_PKI_DIR": str(pki.dir)}
    assert config.configured_test_pki(env) is None
    with pytest.raises(SigningError, match="TRUST_ROOTS"):
        config.signing_settings(env)
    s = pki.signers["leader"]
    with pytest.raises(SoftwareKeyRefused):
        config.signer({"MOTCUA_SIGNING_BACKEND": "software", "MOTCUA_SIGNING_KEY_FILE": str(s.key),
                       "MOTCUA_SIGNING_CERT_FILE": str(s.cert)})
    with pytest.raises(SigningError, match="WEBHOOK_SECRET"):
        config.webhook_secret({})
    assert config.webhook_secret({"MOTCUA_REMOTE_SIGNER_WEBHOOK_SECRET": "x" * 40}) == "x" * 40
