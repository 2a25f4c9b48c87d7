"""Signing configuration from the environment, until motcua.conf carries it (requests-signing.md).

==========================================  =================================================================
``MOTCUA_SIGNING_PKI_DIR``                  a test PKI (``motcua.signing.pki``): its root, CA and TSA are the
                                            defaults below; development and test only (default ``var/pki``)
``MOTCUA_SIGNING_TRUST_ROOTS``              PEM files of the trusted root CAs, comma-separated
``MOTCUA_SIGNING_CA_CERTS``                 PEM files of intermediate CAs, comma-separated
``MOTCUA_SIGNING_TSA_URL``                  RFC 3161 timestamp authority; empty: no timestamp (B-B)
``MOTCUA_SIGNING_LTA``                      1 (default): a document timestamp after the validation data
``MOTCUA_SIGNING_BACKEND``                  software | pkcs11 | remote (production refuses software)
``MOTCUA_SIGNING_KEY_FILE``, ``_CERT_FILE``  software key (PEM) and certificate; or ``MOTCUA_SIGNING_PKCS12``
                                            with ``MOTCUA_SIGNING_PASSPHRASE``
``MOTCUA_SIGNING_PKCS11_MODULE``            default ``/usr/lib/softhsm/libsofthsm2.so``
``MOTCUA_SIGNING_PKCS11_TOKEN``, ``_KEY``,  token label, key label, user PIN
``MOTCUA_SIGNING_PKCS11_PIN``
``MOTCUA_REMOTE_SIGNER_URL``                the remote signing service; ``_API_KEY``, ``_CA_NAME``,
                                            ``_WEBHOOK_SECRET`` (production refuses the simulator's),
                                            ``_TIMEOUT`` (seconds, default 10)
==========================================  =================================================================
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .backends import SOFTHSM_MODULE, Pkcs11Signer, RemoteHashSigner, Signer, SoftwareKeySigner, production
from .errors import SigningError, SoftwareKeyRefused
from .i18n import _
from .pades import SigningSettings
from .pki import Pki, read_cert


def _paths(value: str) -> list[Path]:
    return [Path(p.strip()) for p in value.split(",") if p.strip()]


def configured_test_pki(env: Mapping[str, str] = os.environ) -> Pki | None:
    """The test PKI named by ``MOTCUA_SIGNING_PKI_DIR`` (or var/pki) if materialised; never in production."""
    from .pki import default_dir

    d = Path(env.get("MOTCUA_SIGNING_PKI_DIR") or default_dir())
    if production() or not (d / "pki.json").exists():
        return None
    return Pki.load(d)


def signing_settings(env: Mapping[str, str] = os.environ, **kw: Any) -> SigningSettings:
    """Trust roots, intermediates and TSA: explicit settings first, then the test PKI's."""
    pki = configured_test_pki(env)
    roots = [read_cert(p) for p in _paths(env.get("MOTCUA_SIGNING_TRUST_ROOTS", ""))]
    cas = [read_cert(p) for p in _paths(env.get("MOTCUA_SIGNING_CA_CERTS", ""))]
    if not roots and pki is not None:
        roots, cas = pki.trust_roots(), cas or pki.intermediates()
    if not roots:
        raise SigningError("MOTCUA_SIGNING_TRUST_ROOTS is not set (and no test PKI outside production)")
    tsa = env.get("MOTCUA_SIGNING_TSA_URL", pki.tsa_url if pki else "")
    lta = env.get("MOTCUA_SIGNING_LTA", "1") not in ("0", "false", "no")
    return SigningSettings(trust_roots=roots, other_certs=cas, tsa_url=tsa or None, lta=lta, **kw)


def signer(env: Mapping[str, str] = os.environ, *, user_id: str = "", label: str = "leader") -> Signer:
    """The configured backend. ``user_id`` (citizen ID) is the signer at a remote service; ``label`` picks
    a test PKI signer for the software backend in development."""
    kind = env.get("MOTCUA_SIGNING_BACKEND", "remote" if production() else "software")
    if kind == "software":
        return _software(env, label)
    if kind == "pkcs11":
        return Pkcs11Signer(token_label=env["MOTCUA_SIGNING_PKCS11_TOKEN"], key_label=env["MOTCUA_SIGNING_PKCS11_KEY"],
                            pin=env["MOTCUA_SIGNING_PKCS11_PIN"],
                            module=env.get("MOTCUA_SIGNING_PKCS11_MODULE", SOFTHSM_MODULE),
                            chain=_paths(env.get("MOTCUA_SIGNING_CA_CERTS", "")))
    if kind == "remote":
        if not user_id:
            raise SigningError("remote signing needs the signer's ID number (user_id)")
        ca_name = env.get("MOTCUA_REMOTE_SIGNER_CA_NAME", "")
        return RemoteHashSigner(remote_client(env), user_id=user_id, ca_name=ca_name)
    raise SigningError(f"MOTCUA_SIGNING_BACKEND must be software, pkcs11 or remote, not {kind!r}")


def _software(env: Mapping[str, str], label: str) -> SoftwareKeySigner:
    chain = _paths(env.get("MOTCUA_SIGNING_CA_CERTS", ""))
    if env.get("MOTCUA_SIGNING_PKCS12"):
        passphrase = env.get("MOTCUA_SIGNING_PASSPHRASE", "").encode() or None
        return SoftwareKeySigner(pkcs12=Path(env["MOTCUA_SIGNING_PKCS12"]), passphrase=passphrase, chain=chain)
    if env.get("MOTCUA_SIGNING_KEY_FILE"):
        return SoftwareKeySigner(key=Path(env["MOTCUA_SIGNING_KEY_FILE"]), cert=Path(env["MOTCUA_SIGNING_CERT_FILE"]),
                                 chain=chain)
    pki = configured_test_pki(env)
    if pki is None:
        raise SigningError("no software key configured (MOTCUA_SIGNING_KEY_FILE) and no test PKI")
    s = pki.signers[label]
    return SoftwareKeySigner(key=s.key, cert=s.cert, chain=chain or [pki.dir / "certs" / "interm.pem"])


def remote_client(env: Mapping[str, str] = os.environ) -> Any:
    from motcua.integrations.remote_signer.client import HttpRemoteSigner

    url = env.get("MOTCUA_REMOTE_SIGNER_URL", "")
    if not url:
        raise SigningError("MOTCUA_REMOTE_SIGNER_URL is not set")
    return HttpRemoteSigner(url, api_key=env.get("MOTCUA_REMOTE_SIGNER_API_KEY", ""),
                            read_timeout=float(env.get("MOTCUA_REMOTE_SIGNER_TIMEOUT", "10")))


def webhook_secret(env: Mapping[str, str] = os.environ) -> str:
    from motcua.integrations.remote_signer.simulator import DEFAULT_SECRET

    secret = env.get("MOTCUA_REMOTE_SIGNER_WEBHOOK_SECRET", "" if production() else DEFAULT_SECRET)
    if production() and (len(secret) < 32 or secret == DEFAULT_SECRET):
        raise SigningError("production needs MOTCUA_REMOTE_SIGNER_WEBHOOK_SECRET (32+ characters, not the simulator's)")
    return secret


def approval_backend(env: Mapping[str, str] = os.environ) -> str:
    """How the leader's approval signs: ``off`` (the slot stays pending), ``oneshot`` (software key or
    PKCS#11, inside the approval) or ``remote`` (confirmation on the signer's phone).

    ``MOTCUA_SIGNING_ON_APPROVAL`` (1/0) switches it; on by default except in the test environment, whose
    dossiers carry placeholder files (the signing tests switch it on)."""
    from motcua.conf import CONFIG

    default = "0" if (env.get("MOTCUA_ENV") or CONFIG.env) == "test" else "1"
    if env.get("MOTCUA_SIGNING_ON_APPROVAL", default) in ("0", "false", "no", ""):
        return "off"
    kind = env.get("MOTCUA_SIGNING_BACKEND", "remote" if production() else "software")
    return "remote" if kind == "remote" else "oneshot"


def remote_user_id(user: Any, env: Mapping[str, str] = os.environ) -> str:
    """The signer's ID number (CCCD) at the remote service, which knows signers by it: the staff member's
    own, from their profile (``user.staff_profile.id_number``, see requests-signing.md); else
    ``MOTCUA_REMOTE_SIGNER_USERS`` (``username:ID,...``, kept for the demo and for staff without a profile
    yet); outside production, the test PKI's leader for anyone else. ``user``: a user or a username."""
    if user is not None and not isinstance(user, str):
        profile = getattr(user, "staff_profile", None)  # a missing one-to-one row raises an AttributeError
        id_number = str(getattr(profile, "id_number", "") or "").strip()
        if id_number:
            return id_number
    username = user if isinstance(user, str) else (user.get_username() if user is not None else "")
    for pair in env.get("MOTCUA_REMOTE_SIGNER_USERS", "").split(","):
        name, _sep, id_number = pair.strip().partition(":")
        if name == username and id_number:
            return id_number
    pki = configured_test_pki(env)
    return pki.signers["leader"].id_number if pki is not None and "leader" in pki.signers else ""


# -- letters: the unit's seal certificate ------------------------------------------------------------

def letters_enabled(env: Mapping[str, str] = os.environ) -> bool:
    """``MOTCUA_SIGNING_LETTERS`` (1/0): sign the letters motcua prints; on by default except in the test
    environment (the signing tests switch it on) and when no seal backend is available."""
    from motcua.conf import CONFIG

    default = "0" if (env.get("MOTCUA_ENV") or CONFIG.env) == "test" else "1"
    return env.get("MOTCUA_SIGNING_LETTERS", default) not in ("0", "false", "no", "") and seal_backend(env) != "off"


def seal_backend(env: Mapping[str, str] = os.environ) -> str:
    """How letters are signed: ``MOTCUA_SIGNING_SEAL_BACKEND`` (software | pkcs11 | off); by default the
    signing backend when it signs without a person (software, pkcs11), else off: a remote service asks the
    signer's phone for every signature, which a letter printed at the counter cannot wait for."""
    kind = env.get("MOTCUA_SIGNING_SEAL_BACKEND", "")
    if not kind:
        main = env.get("MOTCUA_SIGNING_BACKEND", "remote" if production() else "software")
        kind = main if main in ("software", "pkcs11") else "off"
    if kind not in ("software", "pkcs11", "off"):
        raise SigningError(f"MOTCUA_SIGNING_SEAL_BACKEND must be software, pkcs11 or off, not {kind!r}")
    return kind


def seal_signer(unit_code: str, env: Mapping[str, str] = os.environ) -> Signer | None:
    """The unit's seal certificate (chứng thư số của cơ quan): a key on the unit's HSM/token, labelled
    ``MOTCUA_SIGNING_SEAL_KEY`` (``{unit}`` is replaced by the unit's code; default ``seal``), or, in
    development, a key file (``MOTCUA_SIGNING_SEAL_KEY_FILE``, ``_SEAL_CERT_FILE``) or the test PKI's seal.
    None when letters are not signed."""
    kind = seal_backend(env)
    if kind == "off":
        return None
    chain = _paths(env.get("MOTCUA_SIGNING_CA_CERTS", ""))
    if kind == "pkcs11":
        label = env.get("MOTCUA_SIGNING_SEAL_KEY", "seal").replace("{unit}", unit_code)
        return Pkcs11Signer(token_label=env.get("MOTCUA_SIGNING_SEAL_PKCS11_TOKEN")
                            or env["MOTCUA_SIGNING_PKCS11_TOKEN"], key_label=label,
                            pin=env.get("MOTCUA_SIGNING_SEAL_PKCS11_PIN") or env["MOTCUA_SIGNING_PKCS11_PIN"],
                            module=env.get("MOTCUA_SIGNING_PKCS11_MODULE", SOFTHSM_MODULE), chain=chain)
    if production():  # a software seal key, like any software key, is for the demo and development only
        raise SoftwareKeyRefused(_("Môi trường vận hành không cho phép ký bằng khóa phần mềm; "
                                   "hãy dùng thiết bị ký số (token/HSM) hoặc dịch vụ ký số từ xa."))
    if env.get("MOTCUA_SIGNING_SEAL_KEY_FILE"):
        return SoftwareKeySigner(key=Path(env["MOTCUA_SIGNING_SEAL_KEY_FILE"]),
                                 cert=Path(env["MOTCUA_SIGNING_SEAL_CERT_FILE"]), chain=chain)
    pki = configured_test_pki(env)
    if pki is None:
        raise SigningError("no seal key configured (MOTCUA_SIGNING_SEAL_KEY_FILE) and no test PKI")
    return _software(env, "seal" if "seal" in pki.signers else "leader")
