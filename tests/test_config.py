"""The typed settings object refuses unsafe or invalid configuration."""

import pytest

from motcua.conf import DEV_SECRET, ConfigError, database_settings, load

STRONG_KEY = "k7#Qz9!vR2@mW4$xT8%nB6^pL1&dF3*hJ5(sG0)yC-eA+uN=iO_"  # 50 distinct characters


def test_production_refuses_default_secret():
    with pytest.raises(ConfigError):
        load({"MOTCUA_ENV": "production"})
    with pytest.raises(ConfigError):
        load({"MOTCUA_ENV": "production", "MOTCUA_SECRET_KEY": DEV_SECRET})
    cfg = load({"MOTCUA_ENV": "production", "MOTCUA_SECRET_KEY": STRONG_KEY, "MOTCUA_EVENT_CHAIN_KEY": "k" * 40})
    assert cfg.production and not cfg.debug


def test_invalid_values_are_refused():
    with pytest.raises(ConfigError):
        load({"MOTCUA_ENV": "staging"})
    with pytest.raises(ConfigError):
        load({"MOTCUA_STORAGE": "s3"})
    with pytest.raises(ConfigError):
        load({"MOTCUA_DOSSIER_CODE_FORMAT": "{agency}-{seq}"})


def test_database_urls():
    assert database_settings("postgres://u:p@db:5433/motcua")["PORT"] == "5433"
    assert database_settings("sqlite:////tmp/x.sqlite3")["NAME"] == "/tmp/x.sqlite3"
    with pytest.raises(ConfigError):
        database_settings("mysql://x")


def test_unknown_api_route_is_a_json_404(client):
    r = client.get("/api/v1/no-such-thing")
    assert r.status_code == 404 and r.json()["error"]["code"] == "not_found"
