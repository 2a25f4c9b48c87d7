"""motcua's test PKI: root and issuing CA, signer certificates (a leader, a specialist, one revoked,
one expired), an OCSP responder, CRLs and an RFC 3161 timestamp authority, all issued by certomancer
from ``certomancer.yml`` beside this file. For tests and the demo only.

``python -m motcua.signing.pki materialise [--dir var/pki] [--url http://127.0.0.1:9620]`` writes the
keys, the certificates and ``pki.json`` (what is where); ``python -m motcua.signing.pki serve [--dir]``
serves the OCSP responder, the CRLs and the TSA over local HTTP at the URL the certificates name
(certomancer's Animator under a threaded standard-library WSGI server). Nothing is downloaded.
"""

from __future__ import annotations

import json
import socket
import string
import threading
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from socketserver import ThreadingMixIn
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from asn1crypto import pem, x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

CONFIG_TEMPLATE = Path(__file__).with_name("certomancer.yml")
ARCH = "motcua"
DEFAULT_PORT = 9620
DEFAULT_URL = f"http://127.0.0.1:{DEFAULT_PORT}"
KEYS = ("root", "interm", "ocsp", "tsa", "leader", "specialist", "revoked", "expired", "seal")
SIGNERS = ("leader", "specialist", "revoked", "expired", "seal")  # seal: the unit's own certificate (letters)
CERTS = ("root", "interm", "ocsp", "tsa", *SIGNERS)


def default_dir() -> Path:
    from motcua.conf import BASE_DIR

    return Path(BASE_DIR) / "var" / "pki"


@dataclass(frozen=True)
class Signer:
    """One signer of the test PKI: who they are and where their key and certificate are."""

    label: str
    name: str
    id_number: str  # the citizen ID (CCCD) a remote signing service knows them by
    cert: Path
    key: Path


@dataclass(frozen=True)
class Pki:
    """A materialised test PKI (read back from its ``pki.json``)."""

    dir: Path
    url: str
    tsa_url: str
    signers: dict[str, Signer]

    @classmethod
    def load(cls, directory: Path | str | None = None) -> Pki:
        d = Path(directory or default_dir())
        data = json.loads((d / "pki.json").read_text(encoding="utf-8"))
        signers = {k: Signer(label=k, name=v["name"], id_number=v["id_number"], cert=d / v["cert"], key=d / v["key"])
                   for k, v in data["signers"].items()}
        return cls(dir=d, url=data["url"], tsa_url=data["tsa_url"], signers=signers)

    def cert(self, label: str) -> x509.Certificate:
        return read_cert(self.dir / "certs" / f"{label}.pem")

    def trust_roots(self) -> list[x509.Certificate]:
        return [self.cert("root")]

    def intermediates(self) -> list[x509.Certificate]:
        return [self.cert("interm")]

    def by_id_number(self, id_number: str) -> Signer | None:
        return next((s for s in self.signers.values() if s.id_number == id_number), None)


def read_cert(path: Path) -> x509.Certificate:
    data = path.read_bytes()
    if pem.detect(data):
        data = pem.unarmor(data)[2]
    return x509.Certificate.load(data)


def render_config(url: str, now: datetime) -> str:
    """The certomancer configuration with its service URL and dates relative to ``now``."""
    day = now.replace(microsecond=0)

    def at(delta_days: int) -> str:
        return (day + timedelta(days=delta_days)).strftime("%Y-%m-%dT%H:%M:%S+0000")

    return string.Template(CONFIG_TEMPLATE.read_text(encoding="utf-8")).substitute(
        url=url.rstrip("/"), ca_from=at(-730), ca_to=at(3650), signer_from=at(-365), signer_to=at(3 * 365),
        revoked_since=at(-30), expired_from=at(-730), expired_to=at(-30))


def _with_revocations(config: str, revoke: dict[str, datetime]) -> str:
    import yaml

    data = yaml.safe_load(config)
    certs = data["pki-architectures"][ARCH]["certs"]
    for label, since in revoke.items():
        certs[label]["revocation"] = {"revoked-since": since.strftime("%Y-%m-%dT%H:%M:%S+0000"),
                                      "reason": "key_compromise"}
        for spec in certs.values():  # certificates made from it as a template stay as they were
            if spec.get("template") == label:
                spec.setdefault("revocation", None)
    return str(yaml.safe_dump(data, allow_unicode=True, sort_keys=False))


def generate_keys(keys_dir: Path) -> None:
    """RSA-2048 keys (as Vietnamese CAs issue), generated here: no private key is kept in the repo."""
    keys_dir.mkdir(parents=True, exist_ok=True)
    for label in KEYS:
        path = keys_dir / f"{label}.key.pem"
        if path.exists():
            continue
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
        path.chmod(0o600)


def load_architecture(directory: Path) -> Any:
    from certomancer.registry import ArchLabel, CertomancerConfig

    cfg = CertomancerConfig.from_file(str(directory / "certomancer.yml"), key_search_dir=str(directory))
    return cfg.get_pki_arch(ArchLabel(ARCH))


def materialise(directory: Path | str | None = None, url: str = DEFAULT_URL, now: datetime | None = None,
                revoke: dict[str, datetime] | None = None) -> Pki:
    """Write a fresh test PKI into ``directory`` (keys kept if present, certificates always reissued: the
    same ``now`` gives the same certificates). ``revoke`` revokes more signers from the given times
    (tests: a certificate revoked after a document was signed)."""
    from certomancer.registry import CertLabel, EntityLabel, ServiceLabel

    d = Path(directory or default_dir())
    generate_keys(d / "keys")
    config = render_config(url, now or datetime.now(UTC))
    if revoke:
        config = _with_revocations(config, revoke)
    (d / "certomancer.yml").write_text(config, encoding="utf-8")
    arch = load_architecture(d)
    (d / "certs").mkdir(exist_ok=True)
    for label in CERTS:
        cert = arch.get_cert(CertLabel(label))
        (d / "certs" / f"{label}.pem").write_bytes(pem.armor("CERTIFICATE", cert.dump()))
    signers = {}
    for label in SIGNERS:
        subject = arch.entities[EntityLabel(label)].native
        signers[label] = {"name": subject["common_name"], "id_number": subject["serial_number"].split(":")[-1],
                          "cert": f"certs/{label}.pem", "key": f"keys/{label}.key.pem"}
    tsa_url = arch.service_registry.get_tsa_info(ServiceLabel("tsa")).url
    manifest = {"url": url.rstrip("/"), "tsa_url": tsa_url, "signers": signers,
                "generated_at": (now or datetime.now(UTC)).isoformat()}
    (d / "pki.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
    return Pki.load(d)


class _ThreadingWSGIServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's name
        pass


def serve(directory: Path | str | None = None, host: str = "127.0.0.1", port: int | None = None) -> WSGIServer:
    """A started server for the PKI's OCSP, CRL and TSA services (``server.shutdown()`` stops it);
    the port defaults to the one in the URL the certificates name."""
    from certomancer.integrations.animator import Animator, AnimatorArchStore
    from certomancer.registry import ArchLabel

    d = Path(directory or default_dir())
    pki = Pki.load(d)
    app = Animator(AnimatorArchStore({ArchLabel(ARCH): load_architecture(d)}), with_web_ui=False)
    server = make_server(host, port if port is not None else int(pki.url.rsplit(":", 1)[-1]), app,
                         server_class=_ThreadingWSGIServer, handler_class=_QuietHandler)
    threading.Thread(target=server.serve_forever, name="motcua-pki", daemon=True).start()
    return server


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as s:
        s.bind((host, 0))
        return int(s.getsockname()[1])
