"""Signing backends behind one interface.

A :class:`Signer` gives its certificate and, for one signing, a pyHanko signer object. Three kinds:

- :class:`SoftwareKeySigner`: a key file (PEM or PKCS#12), for the demo and development only:
  refused when ``MOTCUA_ENV=production``;
- :class:`Pkcs11Signer`: a USB token or HSM through PKCS#11 (pyHanko's pkcs11 support, python-pkcs11);
- :class:`RemoteHashSigner`: a remote signing service that signs a hash after the signer confirms on
  their phone (``motcua.integrations.remote_signer``). Its pyHanko signer only holds a placeholder:
  the signature arrives later, see ``pades.start_remote_signature`` / ``pades.finish_remote_signature``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from asn1crypto import x509
from pyhanko.sign import signers as hanko

from .errors import SigningError, SoftwareKeyRefused
from .i18n import _

SOFTHSM_MODULE = "/usr/lib/softhsm/libsofthsm2.so"


@runtime_checkable
class Signer(Protocol):
    """What the PAdES step needs from a key, wherever it lives."""

    kind: str  # "software" | "pkcs11" | "remote"

    def certificate(self) -> x509.Certificate:
        """The signer's certificate."""
        ...

    def open(self) -> AbstractContextManager[hanko.Signer]:
        """A pyHanko signer usable inside the ``with`` block (a token session is closed after it)."""
        ...


def production() -> bool:
    """Read at call time (``MOTCUA_ENV``), so a process switched to production cannot keep a software key."""
    env = os.environ.get("MOTCUA_ENV")
    if env:
        return env == "production"
    from motcua.conf import CONFIG

    return bool(CONFIG.production)


def _load_certs(paths: list[Path]) -> list[x509.Certificate]:
    from .pki import read_cert

    return [read_cert(Path(p)) for p in paths]


@dataclass
class SoftwareKeySigner:
    """A private key in a file (PEM key + certificate, or a PKCS#12 bundle). Never in production."""

    key: Path | None = None
    cert: Path | None = None
    pkcs12: Path | None = None
    passphrase: bytes | None = None
    chain: list[Path] = field(default_factory=list)  # intermediate CA certificates to embed
    kind: str = "software"

    def __post_init__(self) -> None:
        if production():
            raise SoftwareKeyRefused(_("Môi trường vận hành không cho phép ký bằng khóa phần mềm; "
                                       "hãy dùng thiết bị ký số (token/HSM) hoặc dịch vụ ký số từ xa."))
        if self.pkcs12 is None and (self.key is None or self.cert is None):
            raise SigningError(_("Cần tệp khóa và tệp chứng thư số, hoặc một tệp PKCS#12."))
        self._signer: hanko.SimpleSigner | None = None

    def _load(self) -> hanko.SimpleSigner:
        if self._signer is None:
            others = _load_certs(self.chain)
            if self.pkcs12 is not None:
                loaded = hanko.SimpleSigner.load_pkcs12(str(self.pkcs12), other_certs=others,
                                                        passphrase=self.passphrase)
            else:
                loaded = hanko.SimpleSigner.load(str(self.key), str(self.cert), other_certs=others,
                                                 key_passphrase=self.passphrase)
            if loaded is None:
                raise SigningError(_("Không đọc được khóa ký hoặc chứng thư số."))
            self._signer = _KeptKeySigner(signing_cert=loaded.signing_cert, signing_key=loaded.signing_key,
                                          cert_registry=loaded.cert_registry)
        return self._signer

    def certificate(self) -> x509.Certificate:
        cert = self._load().signing_cert
        assert cert is not None
        return cert

    @contextmanager
    def open(self) -> Iterator[hanko.Signer]:
        yield self._load()


class _KeptKeySigner(hanko.SimpleSigner):
    """pyHanko's SimpleSigner parses (and so validates) the RSA key at every raw signature, twice per
    PDF signature; keeping the parsed key saves about 75 ms a signature (2 cores)."""

    _rsa: Any = None

    def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric import padding, rsa
        from pyhanko.sign.general import get_pyca_cryptography_hash

        try:
            algo = self.get_signature_mechanism_for_digest(digest_algorithm).signature_algo
        except ValueError:
            algo = ""
        if algo != "rsassa_pkcs1v15":
            return super().sign_raw(data, digest_algorithm)
        if self._rsa is None:
            self._rsa = serialization.load_der_private_key(self.signing_key.dump(), password=None)
        assert isinstance(self._rsa, rsa.RSAPrivateKey)
        return self._rsa.sign(data, padding.PKCS1v15(), get_pyca_cryptography_hash(digest_algorithm))


@dataclass
class Pkcs11Signer:
    """A key on a PKCS#11 token (SoftHSM2 in tests), found by token label and key label."""

    token_label: str
    key_label: str
    pin: str
    module: str = SOFTHSM_MODULE
    cert_label: str | None = None  # default: the key label
    chain: list[Path] = field(default_factory=list)
    kind: str = "pkcs11"

    @contextmanager
    def open(self) -> Iterator[hanko.Signer]:
        from pkcs11 import PKCS11Error
        from pyhanko.config.pkcs11 import TokenCriteria
        from pyhanko.sign.pkcs11 import PKCS11Signer, open_pkcs11_session

        try:
            session = open_pkcs11_session(self.module, token_criteria=TokenCriteria(label=self.token_label),
                                          user_pin=self.pin)
        except (PKCS11Error, OSError) as e:
            raise SigningError(_("Không mở được thiết bị ký số '%(token)s': %(error)s")
                               % {"token": self.token_label, "error": type(e).__name__}) from e
        try:
            yield PKCS11Signer(session, cert_label=self.cert_label or self.key_label, key_label=self.key_label,
                               ca_chain=_load_certs(self.chain))
        finally:
            session.close()

    def certificate(self) -> x509.Certificate:
        with self.open() as s:
            cert = s.signing_cert
        assert cert is not None
        return cert


@dataclass
class RemoteHashSigner:
    """The signer's certificate from a remote signing service (``remote_signer.client``); signing is
    interrupted: pyHanko prepares the signed attributes, the service signs their hash, we finish."""

    client: Any  # motcua.integrations.remote_signer.client.RemoteSigningClient
    user_id: str  # the signer's citizen ID number, as the service knows them
    ca_name: str = ""
    chain: list[x509.Certificate] = field(default_factory=list)
    kind: str = "remote"

    def __post_init__(self) -> None:
        self._cert: x509.Certificate | None = None

    def certificate(self) -> x509.Certificate:
        if self._cert is None:
            found = self.client.get_certificate(self.user_id, self.ca_name)
            self._cert = found.certificate
            self.chain = self.chain or found.chain
        return self._cert

    @contextmanager
    def open(self) -> Iterator[hanko.Signer]:
        from pyhanko_certvalidator.registry import SimpleCertificateStore

        cert = self.certificate()
        size = cert.public_key.byte_size if cert.public_key.algorithm == "rsa" else 72
        yield hanko.ExternalSigner(cert, SimpleCertificateStore.from_certs(self.chain), signature_value=size)
