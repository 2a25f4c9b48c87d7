"""A SoftHSM2 token for tests, the benchmark and the demo: a real PKCS#11 token in a directory.

``init_token(dir)`` writes a ``softhsm2.conf`` whose token store is inside ``dir``, sets
``SOFTHSM2_CONF`` (read when the PKCS#11 module is first loaded in a process), creates the token
and returns its settings; ``import_signer`` puts a key (``softhsm2-util --import``) and its
certificate (python-pkcs11) on it under one label and id.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from asn1crypto import x509

from .backends import SOFTHSM_MODULE, Pkcs11Signer


@dataclass(frozen=True)
class Token:
    conf: Path
    label: str
    pin: str
    module: str = SOFTHSM_MODULE

    def signer(self, key_label: str, chain: list[Path] | None = None) -> Pkcs11Signer:
        return Pkcs11Signer(token_label=self.label, key_label=key_label, pin=self.pin, module=self.module,
                            chain=chain or [])


def available() -> bool:
    return shutil.which("softhsm2-util") is not None and Path(SOFTHSM_MODULE).exists()


def init_token(directory: Path | str, label: str = "motcua", pin: str = "1234", so_pin: str = "12345678") -> Token:
    d = Path(directory)
    (d / "tokens").mkdir(parents=True, exist_ok=True)
    conf = d / "softhsm2.conf"
    conf.write_text(f"directories.tokendir = {d / 'tokens'}\nobjectstore.backend = file\nlog.level = ERROR\n",
                    encoding="utf-8")
    os.environ["SOFTHSM2_CONF"] = str(conf)
    _util("--init-token", "--free", "--label", label, "--pin", pin, "--so-pin", so_pin)
    return Token(conf=conf, label=label, pin=pin)


def import_signer(token: Token, key_label: str, key_pem: Path, cert: x509.Certificate, key_id: bytes) -> None:
    import pkcs11
    from pkcs11 import Attribute, CertificateType, ObjectClass

    _util("--import", str(key_pem), "--token", token.label, "--label", key_label, "--id", key_id.hex(),
          "--pin", token.pin)
    lib = pkcs11.lib(token.module)
    with lib.get_token(token_label=token.label).open(rw=True, user_pin=token.pin) as session:
        session.create_object({Attribute.CLASS: ObjectClass.CERTIFICATE,
                               Attribute.CERTIFICATE_TYPE: CertificateType.X_509, Attribute.TOKEN: True,
                               Attribute.LABEL: key_label, Attribute.ID: key_id,
                               Attribute.VALUE: cert.dump(), Attribute.SUBJECT: cert.subject.dump()})


def _util(*args: str) -> None:
    done = subprocess.run(["softhsm2-util", *args], capture_output=True, text=True, timeout=60, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"softhsm2-util {args[0]} failed: {done.stderr.strip() or done.stdout.strip()}")
