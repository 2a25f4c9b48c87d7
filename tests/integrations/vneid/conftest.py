"""The VNeID simulator as a real HTTP server in a subprocess (one per test module, emptied before each
test), motcua's client pointed at it, and a driver that walks the sign-in as a browser would: motcua's
button, the provider's page (over HTTP), back to motcua's callback."""

from __future__ import annotations

import dataclasses
import re
import sys
from collections.abc import Iterator
from html import unescape
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest

from tests.integrations.conftest import Sim, start_simulator

CALLBACK = "http://testserver/portal/vneid/callback/"


@pytest.fixture(scope="module")
def vneid_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sim]:
    sim = start_simulator([sys.executable, "-m", "motcua.integrations.vneid.simulator"],
                          tmp_path_factory.mktemp("vneid") / "unused")
    yield sim
    sim.http.close()
    sim.process.terminate()
    sim.process.wait(10)


@pytest.fixture
def idp(vneid_server: Sim, monkeypatch: pytest.MonkeyPatch) -> Iterator[Sim]:
    from motcua.integrations.vneid import client

    vneid_server.reset()
    monkeypatch.setattr(client, "SETTINGS", dataclasses.replace(
        client.SETTINGS, url=vneid_server.url, redirect_url=CALLBACK, timeout=1.0, acr="LoA2"))
    client.forget()
    yield vneid_server
    client.forget()


def form_fields(page: str) -> dict[str, str]:
    """The hidden fields of the provider's sign-in page."""
    return {unescape(n): unescape(v) for n, v in re.findall(r'type="hidden" name="([^"]*)" value="([^"]*)"', page)}


@dataclasses.dataclass
class Flow:
    """One browser: Django's test client for motcua, httpx for the provider."""

    django: Any
    idp: Sim

    def start(self) -> httpx.Response:
        """Press the VNeID button; the provider's sign-in page."""
        r = self.django.post("/portal/vneid/login/")
        assert r.status_code == 200, r.content[:300]
        url = unescape(re.search(r'id="vneid-continue" href="([^"]+)"', r.content.decode()).group(1))
        return self.idp.http.get(url)

    def choose(self, page: httpx.Response, person: str = "vneid-001090000001", loa: str = "LoA2",
               action: str = "login", **typed: str) -> str:
        """Sign in on the provider's page; the URL it sends the browser back to."""
        r = self.idp.http.post(f"{self.idp.url}/oauth2/authorize",
                               data={**form_fields(page.text), "person": person, "loa": loa, "action": action, **typed})
        assert r.status_code == 302, r.text[:300]
        return r.headers["location"]

    def back(self, url: str) -> Any:
        parts = urlsplit(url)
        return self.django.get(parts.path + "?" + parts.query)

    def sign_in(self, **kw: Any) -> Any:
        return self.back(self.choose(self.start(), **kw))


@pytest.fixture
def flow(idp: Sim, client: Any) -> Flow:  # noqa: ANN001
    return Flow(client, idp)
