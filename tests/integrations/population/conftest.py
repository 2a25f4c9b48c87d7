"""The population database simulator as a real HTTP server in a subprocess (one per test session of
this folder, emptied before each test), and motcua's settings pointed at it."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
import time
from collections.abc import Iterator

import httpx
import pytest

from motcua.integrations.population import services
from tests.integrations.conftest import Sim

CITIZEN_ID = "068090001234"  # Nguyễn Văn An, the demo citizen (seeded in the simulator)
SPOUSE_ID = "068192004567"  # Trần Thị Hoa, his wife
CHILD_ID = "068218007890"  # Nguyễn Trần Bảo Ngọc, their daughter
STRANGER_ID = "068085011223"  # Lê Thị Ánh, no relation


@pytest.fixture(scope="package")
def population_server() -> Iterator[Sim]:
    process = subprocess.Popen([sys.executable, "-m", "motcua.integrations.population.simulator", "--port", "0"],
                               stdout=subprocess.PIPE, text=True)
    line = process.stdout.readline() if process.stdout else ""
    if "listening on" not in line:
        process.kill()
        raise RuntimeError(f"the simulator did not start: {line!r}")
    sim = Sim(url=line.strip().rsplit(" ", 1)[-1], process=process, http=httpx.Client(timeout=5))
    yield sim
    sim.http.close()
    process.terminate()
    process.wait(10)


@pytest.fixture
def pop(population_server: Sim, monkeypatch: pytest.MonkeyPatch) -> Iterator[Sim]:
    """The integration on, pointed at an emptied simulator, 1 s read time-out, a generous rate limit."""
    from django.core.cache import cache

    population_server.reset()
    cache.clear()
    settings = dataclasses.replace(services.SETTINGS, url=population_server.url, read_timeout=1.0,
                                   connect_timeout=1.0, rate="100/m", integration_code="LGSP-TEST")
    monkeypatch.setattr(services, "SETTINGS", settings)
    monkeypatch.setattr(services, "_client", None)
    yield population_server
    if services._client is not None:
        services._client.close()
    deadline = time.monotonic() + 5  # a look-up the client gave up on (a time-out) ends before the next test
    while population_server.state()["in_flight"] and time.monotonic() < deadline:
        time.sleep(0.05)
