"""MOTCUA_POPULATION_*: off without a URL, the simulator's client in development, refused in production."""

from __future__ import annotations

import pytest

from motcua.conf import ConfigError, load
from motcua.integrations.population.simulator import SIM_CLIENT_SECRET
from tests.test_config import PROD


def test_off_by_default_and_the_simulators_client_in_development() -> None:
    cfg = load({"MOTCUA_ENV": "development"}).population
    assert cfg.url == "" and cfg.client_secret == SIM_CLIENT_SECRET and cfg.rate == "10/m"
    on = load({"MOTCUA_ENV": "development", "MOTCUA_POPULATION_URL": "http://127.0.0.1:8097/",
               "MOTCUA_POPULATION_RATE": "3/h", "MOTCUA_POPULATION_READ_TIMEOUT": "2"}).population
    assert (on.url, on.rate, on.read_timeout) == ("http://127.0.0.1:8097", "3/h", 2.0)


@pytest.mark.parametrize("env", [
    {"MOTCUA_POPULATION_URL": "https://lgsp.example"},  # no client in production
    {"MOTCUA_POPULATION_URL": "https://lgsp.example", "MOTCUA_POPULATION_CLIENT_ID": "motcua",
     "MOTCUA_POPULATION_CLIENT_SECRET": SIM_CLIENT_SECRET},  # the simulator's secret
    {"MOTCUA_POPULATION_URL": "https://lgsp.example", "MOTCUA_POPULATION_CLIENT_ID": "motcua",
     "MOTCUA_POPULATION_CLIENT_SECRET": "short"},
    {"MOTCUA_POPULATION_RATE": "often"}, {"MOTCUA_POPULATION_RATE": "0/m"},
    {"MOTCUA_POPULATION_READ_TIMEOUT": "soon"},
])
def test_production_refuses_missing_or_default_secrets_and_bad_values(env: dict[str, str]) -> None:
    with pytest.raises(ConfigError, match="MOTCUA_POPULATION"):
        load({**PROD, **env})


def test_production_with_its_own_client() -> None:
    cfg = load({**PROD, "MOTCUA_POPULATION_URL": "https://lgsp.example", "MOTCUA_POPULATION_CLIENT_ID": "motcua-68",
                "MOTCUA_POPULATION_CLIENT_SECRET": "s3cr3t-from-the-platform-0123456789"}).population
    assert cfg.client_secret.startswith("s3cr3t") and load(PROD).population.client_secret == ""
