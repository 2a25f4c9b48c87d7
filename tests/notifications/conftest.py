"""Notification tests: the SMS and Zalo simulators as real servers in subprocesses (one per test
module, emptied before each test), a real SMTP server (aiosmtpd) in this process, the channels
switched on and pointed at them, and the worker drained in-process."""

from __future__ import annotations

import dataclasses
import socket
import sys
import time
from collections.abc import Iterator
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

import pytest

from motcua.jobs import outbox
from motcua.jobs.models import OutboxMessage
from motcua.jobs.models import Status as MessageStatus
from motcua.notifications import conf, senders, services
from tests.integrations.conftest import Sim, start_simulator


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Inbox:
    """What the SMTP server received, as parsed messages."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.refuse: set[str] = set()  # addresses answered 550

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: ANN001, ANN201, N802
        if address in self.refuse:
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: ANN001, ANN201, N802
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))  # type: ignore[arg-type]
        return "250 Message accepted"


@pytest.fixture(scope="session")
def smtp_server() -> Iterator[tuple[Inbox, int]]:
    from aiosmtpd.controller import Controller

    inbox = Inbox()
    port = _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield inbox, port
    controller.stop()


@pytest.fixture
def inbox(smtp_server: tuple[Inbox, int]) -> Inbox:
    smtp_server[0].messages.clear()
    smtp_server[0].refuse.clear()
    return smtp_server[0]


def _sim(tmp_path_factory: pytest.TempPathFactory, system: str) -> Iterator[Sim]:
    sim = start_simulator([sys.executable, "-m", f"motcua.integrations.{system}.simulator"],
                          tmp_path_factory.mktemp(system) / "state.sqlite3")
    yield sim
    sim.http.close()
    sim.process.terminate()
    sim.process.wait(10)


@pytest.fixture(scope="module")
def sms_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sim]:
    yield from _sim(tmp_path_factory, "sms")


@pytest.fixture(scope="module")
def zalo_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sim]:
    yield from _sim(tmp_path_factory, "zalo")


@pytest.fixture
def sms_sim(sms_server: Sim) -> Sim:
    sms_server.reset()
    return sms_server


@pytest.fixture
def zalo_sim(zalo_server: Sim) -> Sim:
    zalo_server.reset()
    return zalo_server


def switch_on(monkeypatch: pytest.MonkeyPatch, **over: Any) -> conf.Settings:
    """The channels on (as ``over`` says), retries within 0.05 s."""
    s = dataclasses.replace(conf.SETTINGS, timeout=1.0, **over)
    monkeypatch.setattr(conf, "SETTINGS", s)
    monkeypatch.setattr(outbox, "CONFIG", dataclasses.replace(outbox.CONFIG, jobs_backoff_base=0.01,
                                                              jobs_backoff_max=0.05, jobs_max_attempts=8))
    senders.reset_clients()
    return s


@pytest.fixture
def channels(monkeypatch: pytest.MonkeyPatch, inbox: Inbox, smtp_server: tuple[Inbox, int], sms_sim: Sim,
             zalo_sim: Sim) -> Iterator[dict[str, Any]]:
    """Every channel on, each pointed at its server; an applicant with no choice gets all three."""
    switch_on(monkeypatch, email_host="127.0.0.1", email_port=smtp_server[1], sms_url=sms_sim.url,
              zalo_url=zalo_sim.url, default_channels=("email", "sms", "zalo"))
    yield {"inbox": inbox, "sms": sms_sim, "zalo": zalo_sim}
    senders.reset_clients()


def drain(until: float = 20.0) -> None:
    """Run the worker in this process until no notification message is pending (retries included)."""
    from motcua.jobs.worker import Worker

    deadline = time.monotonic() + until
    while True:
        Worker(worker_id="test", once=True, own_connections=False).run()
        if not OutboxMessage.objects.filter(destination=services.DESTINATION, status=MessageStatus.PENDING).exists():
            return
        if time.monotonic() > deadline:
            raise AssertionError("notification messages still pending")
        time.sleep(0.02)


def received(world, commune: str = "a", **applicant: Any):  # noqa: ANN001, ANN201
    """A walk-in dossier received at the counter (the "received" notification), with these contacts."""
    from motcua.dossiers import services as svc

    person = svc.Applicant(name="Nguyễn Văn An", id_number="068123456789",
                           **{"phone": "0912345678", "email": "an.nguyen@example.vn", **applicant})
    return svc.intake(world.actor(f"counter_{commune}"), world.intake_request(commune, applicant=person))
