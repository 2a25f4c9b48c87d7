"""The national portal's and the job backbone's settings (issue 9 part 8)."""

from __future__ import annotations

import pytest

from motcua.conf import SIMULATOR_PASSWORD, SIMULATOR_USERNAME, ConfigError, load

PROD = {"MOTCUA_ENV": "production", "MOTCUA_SECRET_KEY": "Zq8#xV2!mN9@pL4$tR7%wK1^bH6&cJ3*dF5(gS0)yU-eA",
        "MOTCUA_EVENT_CHAIN_KEY": "Hy7-Pq2+Lm9=Vb4~Xc8_Nz1.Rt6,Jw3;Ks5:Df0"}


def prod(**env: str) -> dict[str, str]:
    return {**PROD, **env}


def test_defaults_integration_off_with_the_simulators_credentials_in_development():
    cfg = load({"MOTCUA_ENV": "development"})
    assert cfg.national_portal_url == ""
    assert (cfg.national_portal_username, cfg.national_portal_password) == (SIMULATOR_USERNAME, SIMULATOR_PASSWORD)
    assert cfg.national_portal_trail_chunk == 10 and cfg.national_portal_read_timeout == 60.0
    assert cfg.jobs_max_attempts == 10 and cfg.jobs_lease > cfg.national_portal_read_timeout


def test_every_setting_comes_from_the_environment():
    cfg = load({"MOTCUA_ENV": "development", "MOTCUA_NATIONAL_PORTAL_URL": "https://lgsp.example/gw/",
                "MOTCUA_NATIONAL_PORTAL_DSTCODE": "000.00.00.H39", "MOTCUA_NATIONAL_PORTAL_UNIT_CODE": "000.00.11.H39",
                "MOTCUA_NATIONAL_PORTAL_TRAIL_CHUNK": "5", "MOTCUA_NATIONAL_PORTAL_READ_TIMEOUT": "30",
                "MOTCUA_JOBS_MAX_ATTEMPTS": "4", "MOTCUA_JOBS_BACKOFF_BASE": "2", "MOTCUA_JOBS_BACKOFF_MAX": "60"})
    assert cfg.national_portal_url == "https://lgsp.example/gw"
    assert cfg.national_portal_unit_code == "000.00.11.H39" and cfg.national_portal_trail_chunk == 5
    assert cfg.national_portal_read_timeout == 30.0
    assert (cfg.jobs_max_attempts, cfg.jobs_backoff_base, cfg.jobs_backoff_max) == (4, 2.0, 60.0)


@pytest.mark.parametrize("env", [
    {"MOTCUA_NATIONAL_PORTAL_TRAIL_CHUNK": "11"},
    {"MOTCUA_NATIONAL_PORTAL_TRAIL_CHUNK": "0"},
    {"MOTCUA_JOBS_MAX_ATTEMPTS": "0"},
    {"MOTCUA_JOBS_BACKOFF_BASE": "10", "MOTCUA_JOBS_BACKOFF_MAX": "5"},
    {"MOTCUA_JOBS_LEASE": "30"},
    {"MOTCUA_JOBS_LEASE": "soon"},
])
def test_invalid_settings_are_refused_at_start(env):
    with pytest.raises(ConfigError):
        load({"MOTCUA_ENV": "development", **env})


def test_production_refuses_the_simulators_credentials():
    url = {"MOTCUA_NATIONAL_PORTAL_URL": "https://lgsp.example/gw", "MOTCUA_NATIONAL_PORTAL_DSTCODE": "000.00.00.H39"}
    with pytest.raises(ConfigError, match="simulator"):
        load(prod(**url, MOTCUA_NATIONAL_PORTAL_USERNAME=SIMULATOR_USERNAME,
                  MOTCUA_NATIONAL_PORTAL_PASSWORD=SIMULATOR_PASSWORD))
    with pytest.raises(ConfigError, match="simulator"):
        load(prod(**url, MOTCUA_NATIONAL_PORTAL_USERNAME="province",
                  MOTCUA_NATIONAL_PORTAL_PASSWORD=SIMULATOR_PASSWORD))
    with pytest.raises(ConfigError, match="required"):
        load(prod(**url))
    cfg = load(prod(**url, MOTCUA_NATIONAL_PORTAL_USERNAME="province", MOTCUA_NATIONAL_PORTAL_PASSWORD="s3cret-real"))
    assert cfg.national_portal_username == "province"


def test_production_without_the_integration_needs_no_credentials():
    assert load(prod()).national_portal_url == ""
