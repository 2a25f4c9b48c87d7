"""The real client against the simulator server over HTTP: hit, miss, name mismatch, malformed and
hostile replies, token expiry, time-out, the platform down, and a request id used twice."""

from __future__ import annotations

import time

import pytest

from motcua.integrations.population import client as wire
from motcua.integrations.population import mapping
from tests.integrations.conftest import Sim

from .conftest import CITIZEN_ID


def _client(sim: Sim, read_timeout: float = 1.0) -> wire.HttpPopulation:
    return wire.HttpPopulation(sim.url, client_id="motcua", client_secret="motcua-population-secret",
                               connect_timeout=1.0, read_timeout=read_timeout)


def _q(rid: str, name: str = "Nguyễn Văn An", year: int = 1990, id_number: str = CITIZEN_ID) -> mapping.Query:
    return mapping.Query(rid, id_number, name, year, "LGSP-TEST", "1.001193", "counter_a")


@pytest.fixture
def sim(population_server: Sim) -> Sim:
    population_server.reset()
    return population_server


def test_hit_gives_the_whole_record(sim: Sim) -> None:
    c = _client(sim)
    reply = c.look_up(_q("T-1", name="nguyen van an"))  # case and diacritics do not matter
    assert reply.code == mapping.FOUND and reply.citizen is not None
    assert reply.citizen.full_name == "Nguyễn Văn An" and reply.citizen.birth_date.isoformat() == "1990-01-01"
    assert c.logins == 1 and sim.state()["lookups"] == 1


def test_an_unknown_id_number_is_a_miss(sim: Sim) -> None:
    assert _client(sim).look_up(_q("T-1", id_number="068000000000")).code == mapping.NOT_FOUND
    sim.faults(miss=True)
    assert _client(sim).look_up(_q("T-2")).code == mapping.NOT_FOUND


def test_a_name_or_year_that_does_not_match_is_a_mismatch_without_data(sim: Sim) -> None:
    c = _client(sim)
    for q in (_q("T-1", name="Nguyễn Văn Anh"), _q("T-2", year=1991)):
        reply = c.look_up(q)
        assert reply.code == mapping.MISMATCH and reply.citizen is None
    sim.faults(name_mismatch=True)
    assert c.look_up(_q("T-3")).code == mapping.MISMATCH


@pytest.mark.parametrize("fault, why", [("malformed", "không phải XML"), ("incomplete", "năm sinh"),
                                        ("wrong_request_id", "khác mã"), ("bomb", "DTD"),
                                        ("external_entity", "DTD")])
def test_a_malformed_or_hostile_reply_is_refused(sim: Sim, fault: str, why: str) -> None:
    sim.faults(**{fault: 1})
    c = _client(sim)
    with pytest.raises(mapping.Malformed, match=why):
        c.look_up(_q("T-1"))
    assert c.look_up(_q("T-2")).code == mapping.FOUND  # one shot: the next reply is whole


def test_an_expired_token_is_renewed_once_and_the_call_repeated_with_a_new_request_id(sim: Sim) -> None:
    c = _client(sim)
    c.look_up(_q("T-1"))
    sim.faults(expire_tokens=True)
    renewed: list[str] = []
    reply = c.look_up(_q("T-2"), renew_id=lambda: renewed.append("T-2b") or "T-2b")
    assert reply.code == mapping.FOUND and reply.request_id == "T-2b" and renewed == ["T-2b"]
    assert c.logins == 2


def test_wrong_credentials_are_refused(sim: Sim) -> None:
    c = wire.HttpPopulation(sim.url, client_id="motcua", client_secret="wrong")
    with pytest.raises(wire.Refused, match="token"):
        c.look_up(_q("T-1"))


def test_a_slow_platform_times_out(sim: Sim) -> None:
    sim.faults(delay=1.5)
    started = time.monotonic()
    with pytest.raises(wire.Unavailable, match="không trả lời kịp"):
        _client(sim, read_timeout=0.3).look_up(_q("T-1"))
    assert time.monotonic() - started < 1.2
    while sim.state()["in_flight"]:  # the simulator still answers the abandoned call
        time.sleep(0.05)


def test_a_platform_that_is_down_is_unavailable(sim: Sim) -> None:
    sim.faults(down=True)
    with pytest.raises(wire.Unavailable, match="503"):
        _client(sim).look_up(_q("T-1"))
    dead = wire.HttpPopulation("http://127.0.0.1:9", client_id="x", client_secret="y", connect_timeout=0.3)
    with pytest.raises(wire.Unavailable):
        dead.look_up(_q("T-2"))


def test_a_request_id_used_twice_is_refused(sim: Sim) -> None:
    c = _client(sim)
    c.look_up(_q("T-1"))
    with pytest.raises(wire.Refused, match="đã được sử dụng") as err:
        c.look_up(_q("T-1"))
    assert err.value.code == mapping.DUPLICATE_REQUEST
