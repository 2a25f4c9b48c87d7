"""Signing configuration: ``motcua.conf.CONFIG.signing`` (a typed :class:`motcua.conf.SigningConfig`, read from
the environment and validated at start; README "Configuration" lists every ``MOTCUA_SIGNING_*`` and
``MOTCUA_REMOTE_SIGNER_*`` variable), turned into what signing needs: trust settings, the backend's signer,
the unit's seal signer, the remote client.

Each accessor takes an optional ``env`` mapping (tests and scripts pass their own); without one it reads the
process environment, which is ``CONFIG.signing`` itself unless the environment changed since the start (a
test's ``monkeypatch.setenv``): then the changed environment is parsed (and cached) the same way.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from motcua.conf import SigningConfig

from .backends import Pkcs11Signer, RemoteHashSigner, Signer, SoftwareKeySigner, production
from .errors import SigningError, SoftwareKeyRefused
from .i18n import _
from .pades import SigningSettings
from .pki import Pki, read_cert

PREFIXES = ("MOTCUA_SIGNING_", "MOTCUA_REMOTE_SIGNER_")


def _env_name(env: Mapping[str, str]) -> str:
    from motcua.conf import CONFIG

    return env.get("MOTCUA_ENV") or os.environ.get("MOTCUA_ENV") or CONFIG.env


def _key(env: Mapping[str, str]) -> tuple[tuple[str, str], ...]:
    return tuple(sorted((k, v) for k, v in env.items() if k.startswith(PREFIXES)))


@functools.lru_cache(maxsize=64)
def _parse(key: tuple[tuple[str, str], ...], env_name: str) -> SigningConfig:
    from motcua.conf import ConfigError, load_signing

    try:
        return load_signing(dict(key), env_name)
    except ConfigError as e:
        raise SigningError(str(e)) from e


def current(env: Mapping[str, str] | None = None) -> SigningConfig:
    """The signing settings: ``CONFIG.signing`` for the process environment as it was at start, else
    ``env`` (or the changed environment) parsed by the same loader (SigningError if invalid)."""
    from motcua.conf import CONFIG

    source = os.environ if env is None else env
    key, name = _key(source), _env_name(source)
    if env is None and name == CONFIG.env and key == _START:
        return CONFIG.signing
    return _parse(key, name)


_START = _key(os.environ)  # the environment CONFIG.signing was read from


def configured_test_pki(env: Mapping[str, str] | None = None) -> Pki | None:
    """The test PKI named by ``MOTCUA_SIGNING_PKI_DIR`` (or var/pki) if materialised; never in production."""
    from .pki import default_dir

    d = Path(current(env).pki_dir or default_dir())
    if production() or not (d / "pki.json").exists():
        return None
    return Pki.load(d)


def signing_settings(env: Mapping[str, str] | None = None, **kw: Any) -> SigningSettings:
    """Trust roots, intermediates and TSA: explicit settings first, then the test PKI's."""
    c = current(env)
    pki = configured_test_pki(env)
    roots = [read_cert(Path(p)) for p in c.trust_roots]
    cas = [read_cert(Path(p)) for p in c.ca_certs]
    if not roots and pki is not None:
        roots, cas = pki.trust_roots(), cas or pki.intermediates()
    if not roots:
        raise SigningError("MOTCUA_SIGNING_TRUST_ROOTS is not set (and no test PKI outside production)")
    tsa = c.tsa_url if c.tsa_url is not None else (pki.tsa_url if pki else "")
    return SigningSettings(trust_roots=roots, other_certs=cas, tsa_url=tsa or None, lta=c.lta, **kw)


def signer(env: Mapping[str, str] | None = None, *, user_id: str = "", label: str = "leader") -> Signer:
    """The configured backend. ``user_id`` (citizen ID) is the signer at a remote service; ``label`` picks
    a test PKI signer for the software backend in development."""
    c = current(env)
    if c.backend == "software":
        return _software(c, env, label)
    if c.backend == "pkcs11":
        if not (c.pkcs11_token and c.pkcs11_key and c.pkcs11_pin):
            raise SigningError("MOTCUA_SIGNING_BACKEND=pkcs11 needs MOTCUA_SIGNING_PKCS11_TOKEN, _KEY and _PIN")
        return Pkcs11Signer(token_label=c.pkcs11_token, key_label=c.pkcs11_key, pin=c.pkcs11_pin,
                            module=c.pkcs11_module, chain=[Path(p) for p in c.ca_certs])
    if not user_id:
        raise SigningError("remote signing needs the signer's ID number (user_id)")
    return RemoteHashSigner(remote_client(env), user_id=user_id, ca_name=c.remote_ca_name)


def _software(c: SigningConfig, env: Mapping[str, str] | None, label: str) -> SoftwareKeySigner:
    chain = [Path(p) for p in c.ca_certs]
    if c.pkcs12:
        return SoftwareKeySigner(pkcs12=Path(c.pkcs12), passphrase=c.passphrase.encode() or None, chain=chain)
    if c.key_file:
        return SoftwareKeySigner(key=Path(c.key_file), cert=Path(c.cert_file), chain=chain)
    pki = configured_test_pki(env)
    if pki is None:
        raise SigningError("no software key configured (MOTCUA_SIGNING_KEY_FILE) and no test PKI")
    s = pki.signers[label]
    return SoftwareKeySigner(key=s.key, cert=s.cert, chain=chain or [pki.dir / "certs" / "interm.pem"])


def remote_client(env: Mapping[str, str] | None = None) -> Any:
    from motcua.integrations.remote_signer.client import HttpRemoteSigner

    c = current(env)
    if not c.remote_url:
        raise SigningError("MOTCUA_REMOTE_SIGNER_URL is not set")
    return HttpRemoteSigner(c.remote_url, api_key=c.remote_api_key, read_timeout=c.remote_timeout)


def webhook_secret(env: Mapping[str, str] | None = None) -> str:
    """The callbacks' HMAC key; checked again here (the start refuses it too) in case the process was
    switched to production after it started."""
    from motcua.integrations.remote_signer.simulator import DEFAULT_SECRET

    secret = current(env).remote_webhook_secret
    if production() and (len(secret) < 32 or secret == DEFAULT_SECRET):
        raise SigningError("production needs MOTCUA_REMOTE_SIGNER_WEBHOOK_SECRET (32+ characters, not the simulator's)")
    return secret


def callback_url(env: Mapping[str, str] | None = None) -> str:
    """``MOTCUA_REMOTE_SIGNER_CALLBACK_URL`` ("" = under the public URL, see services.callback_url)."""
    return current(env).remote_callback_url


def approval_backend(env: Mapping[str, str] | None = None) -> str:
    """How the leader's approval signs: ``off`` (the slot stays pending), ``oneshot`` (software key or
    PKCS#11, inside the approval) or ``remote`` (confirmation on the signer's phone).

    ``MOTCUA_SIGNING_ON_APPROVAL`` (1/0) switches it; on by default except in the test environment, whose
    dossiers carry placeholder files (the signing tests switch it on)."""
    c = current(env)
    if not c.on_approval:
        return "off"
    return "remote" if c.backend == "remote" else "oneshot"


def remote_user_id(user: Any, env: Mapping[str, str] | None = None) -> str:
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
    for name, id_number in current(env).remote_users:
        if name == username:
            return id_number
    pki = configured_test_pki(env)
    return pki.signers["leader"].id_number if pki is not None and "leader" in pki.signers else ""


# -- letters: the unit's seal certificate ------------------------------------------------------------

def letters_enabled(env: Mapping[str, str] | None = None) -> bool:
    """``MOTCUA_SIGNING_LETTERS`` (1/0): sign the letters motcua prints; on by default except in the test
    environment (the signing tests switch it on), and only with a seal backend."""
    c = current(env)
    return c.letters and c.seal_backend != "off"


def seal_backend(env: Mapping[str, str] | None = None) -> str:
    """How letters are signed: ``MOTCUA_SIGNING_SEAL_BACKEND`` (software | pkcs11 | off); by default the
    signing backend when it signs without a person (software, pkcs11), else off: a remote service asks the
    signer's phone for every signature, which a letter printed at the counter cannot wait for."""
    return current(env).seal_backend


def seal_signer(unit_code: str, env: Mapping[str, str] | None = None) -> Signer | None:
    """The unit's seal certificate (chứng thư số của cơ quan): a key on the unit's HSM/token, labelled
    ``MOTCUA_SIGNING_SEAL_KEY`` (``{unit}`` is replaced by the unit's code; default ``seal``), or, in
    development, a key file (``MOTCUA_SIGNING_SEAL_KEY_FILE``, ``_SEAL_CERT_FILE``) or the test PKI's seal.
    None when letters are not signed."""
    c = current(env)
    if c.seal_backend == "off":
        return None
    chain = [Path(p) for p in c.ca_certs]
    if c.seal_backend == "pkcs11":
        token, pin = c.seal_pkcs11_token or c.pkcs11_token, c.seal_pkcs11_pin or c.pkcs11_pin
        if not (token and pin):
            raise SigningError("MOTCUA_SIGNING_SEAL_BACKEND=pkcs11 needs a token label and PIN")
        return Pkcs11Signer(token_label=token, key_label=c.seal_key.replace("{unit}", unit_code), pin=pin,
                            module=c.pkcs11_module, chain=chain)
    if production():  # a software seal key, like any software key, is for the demo and development only
        raise SoftwareKeyRefused(_("Môi trường vận hành không cho phép ký bằng khóa phần mềm; "
                                   "hãy dùng thiết bị ký số (token/HSM) hoặc dịch vụ ký số từ xa."))
    if c.seal_key_file:
        return SoftwareKeySigner(key=Path(c.seal_key_file), cert=Path(c.seal_cert_file), chain=chain)
    pki = configured_test_pki(env)
    if pki is None:
        raise SigningError("no seal key configured (MOTCUA_SIGNING_SEAL_KEY_FILE) and no test PKI")
    return _software(c, env, "seal" if "seal" in pki.signers else "leader")
