"""The signing tests' world: one test PKI per session (generated into a temp dir, its OCSP/CRL/TSA
served over local HTTP), a one-page result PDF, a SoftHSM2 token, and the remote signing simulator
as a real server in a subprocess with a webhook receiver in the test process."""

from __future__ import annotations

import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest

from motcua.signing import pki as test_pki
from motcua.signing import softhsm
from motcua.signing.backends import SoftwareKeySigner
from motcua.signing.pades import SignatureBox, SigningSettings
from motcua.signing.sample import make_result_pdf

WEBHOOK_SECRET = "test-webhook-secret-0123456789"  # noqa: S105
LEADER_BOX = SignatureBox(page=0, box=(330, 60, 560, 130), title="Chủ tịch UBND xã")
SPECIALIST_BOX = SignatureBox(page=0, box=(40, 60, 200, 110), title="Chuyên viên thụ lý")


@pytest.fixture(scope="session")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Iterator[test_pki.Pki]:
    port = test_pki.free_port()
    made = test_pki.materialise(tmp_path_factory.mktemp("pki"), url=f"http://127.0.0.1:{port}")
    server = test_pki.serve(made.dir)
    yield made
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session")
def settings(pki: test_pki.Pki) -> SigningSettings:
    return SigningSettings.from_pki(pki, location="Xã Thử Nghiệm")


@pytest.fixture(scope="session")
def bt_settings(pki: test_pki.Pki) -> SigningSettings:
    """Timestamp only (B-T): to make the broken examples (revoked, expired) the full levels refuse."""
    return SigningSettings.from_pki(pki, embed_validation=False)


def software(pki: test_pki.Pki, label: str) -> SoftwareKeySigner:
    s = pki.signers[label]
    return SoftwareKeySigner(key=s.key, cert=s.cert, chain=[pki.dir / "certs" / "interm.pem"])


@pytest.fixture(scope="session")
def result_pdf() -> bytes:
    return make_result_pdf()


@pytest.fixture(scope="session")
def token(pki: test_pki.Pki, tmp_path_factory: pytest.TempPathFactory) -> softhsm.Token:
    if not softhsm.available():
        pytest.skip("SoftHSM2 is not installed (apt-get install softhsm2)")
    tok = softhsm.init_token(tmp_path_factory.mktemp("softhsm"))
    for n, label in enumerate(("leader", "specialist"), start=1):
        softhsm.import_signer(tok, label, pki.signers[label].key, pki.cert(label), key_id=bytes([n]))
    return tok


# -- the remote signing simulator ------------------------------------------------------------------

@dataclass
class RemoteSim:
    url: str
    process: subprocess.Popen[str]
    http: httpx.Client

    def faults(self, **switches: Any) -> dict[str, Any]:
        return self.http.post(f"{self.url}/_sim/faults", json=switches).json()

    def state(self) -> dict[str, Any]:
        return self.http.get(f"{self.url}/_sim/state").json()

    def confirm(self, tid: str, refuse: bool = False) -> dict[str, Any]:
        return self.http.post(f"{self.url}/_sim/confirm", json={"transaction_id": tid, "refuse": refuse}).json()

    def reset(self) -> None:
        self.http.post(f"{self.url}/_sim/reset", json={}).raise_for_status()


@pytest.fixture(scope="session")
def remote_server(pki: test_pki.Pki) -> Iterator[RemoteSim]:
    cmd = [sys.executable, "-m", "motcua.integrations.remote_signer.simulator", "--port", "0", "--pki",
           str(pki.dir), "--webhook-secret", WEBHOOK_SECRET]
    process = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
    line = process.stdout.readline() if process.stdout else ""
    if "listening on" not in line:
        process.kill()
        raise RuntimeError(f"the remote signing simulator did not start: {line!r}")
    sim = RemoteSim(url=line.strip().rsplit(" ", 1)[-1], process=process, http=httpx.Client(timeout=5))
    yield sim
    sim.http.close()
    process.terminate()
    process.wait(10)


@pytest.fixture
def remote_sim(remote_server: RemoteSim) -> RemoteSim:
    remote_server.reset()
    return remote_server


@pytest.fixture
def remote_client(remote_sim: RemoteSim) -> Iterator[Any]:
    from motcua.integrations.remote_signer.client import HttpRemoteSigner

    client = HttpRemoteSigner(remote_sim.url, api_key="test", connect_timeout=1.0, read_timeout=2.0)
    yield client
    client.close()


@dataclass
class Receiver:
    """motcua's callback endpoint stand-in: answers 200 after ``handle_callback``, 403 when rejected."""

    url: str
    store: Any
    answers: list[tuple[int, Any]] = field(default_factory=list)
    done: threading.Event = field(default_factory=threading.Event)


@pytest.fixture
def receiver(tmp_path: Path, settings: SigningSettings) -> Iterator[Receiver]:
    from motcua.signing import remote

    store = remote.DirectoryStore(tmp_path / "pending")
    box: dict[str, Receiver] = {}

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
            pass

        def do_POST(self) -> None:  # noqa: N802
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            rec = box["r"]
            try:
                outcome = remote.handle_callback(rec.store, body, self.headers.get("X-Signature"), WEBHOOK_SECRET,
                                                 settings)
                code, answer = 200, outcome
            except remote.CallbackRejected as e:
                code, answer = 403, e
            self.send_response(code)
            self.send_header("Content-Length", "0")
            self.end_headers()
            rec.answers.append((code, answer))
            rec.done.set()

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    box["r"] = Receiver(url=f"http://127.0.0.1:{server.server_port}/callbacks/remote-signer", store=store)
    yield box["r"]
    server.shutdown()
    server.server_close()
