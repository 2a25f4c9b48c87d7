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


# -- the outside services' settings (signatures, post, payment, notifications) -----------------------------

PROD = {"MOTCUA_ENV": "production", "MOTCUA_SECRET_KEY": STRONG_KEY, "MOTCUA_EVENT_CHAIN_KEY": "k" * 40}
STRONG_HMAC = "Vb3#kq9!Lr2@Wm4$Xt8%Nz6^Pc1&Df5*"  # 32 characters


def test_services_keep_their_names_and_development_defaults():
    from motcua.integrations.payment.simulator import SIM_SECRET as PAY_SIM
    from motcua.integrations.post.simulator import SIM_SECRET as POST_SIM
    from motcua.integrations.remote_signer.simulator import DEFAULT_SECRET

    cfg = load({"MOTCUA_ENV": "development"})
    s = cfg.signing
    assert (s.backend, s.on_approval, s.letters, s.seal_backend, s.lta, s.tsa_url) == (
        "software", True, True, "software", True, None)
    assert s.remote_webhook_secret == DEFAULT_SECRET and s.remote_timeout == 10.0 and s.remote_users == ()
    assert s.pkcs11_module == "/usr/lib/softhsm/libsofthsm2.so" and s.seal_key == "seal"
    assert (cfg.post.url, cfg.post.secret, cfg.post.track_every, cfg.post.pool_refill) == ("", POST_SIM, 300.0, 100)
    assert (cfg.payment.secret, cfg.payment.attempt_ttl, cfg.payment.query_window) == (PAY_SIM, 900.0, 172800.0)
    assert cfg.payment.callback_url == "http://127.0.0.1:8000/api/v1/payments/national/confirm"
    n = cfg.notify
    assert (n.email_port, n.email_timeout, n.sms_max_length, n.default_channels, n.digest_hour) == (
        25, 10.0, 306, ("email", "sms"), 7)
    assert n.enabled == frozenset()
    test = load({"MOTCUA_ENV": "test"}).signing
    assert not test.on_approval and not test.letters  # the test environment's placeholder files are not signed


def test_services_read_every_variable():
    cfg = load({"MOTCUA_ENV": "development", "MOTCUA_SIGNING_BACKEND": "pkcs11", "MOTCUA_SIGNING_PKCS11_TOKEN": "t",
                "MOTCUA_SIGNING_PKCS11_KEY": "k", "MOTCUA_SIGNING_PKCS11_PIN": "1", "MOTCUA_SIGNING_TSA_URL": "",
                "MOTCUA_SIGNING_TRUST_ROOTS": "a.pem, b.pem", "MOTCUA_SIGNING_LTA": "0",
                "MOTCUA_SIGNING_SEAL_KEY": "seal-{unit}", "MOTCUA_REMOTE_SIGNER_USERS": "leader_a:001085000001, b:2",
                "MOTCUA_REMOTE_SIGNER_URL": "https://sign.example/", "MOTCUA_REMOTE_SIGNER_TIMEOUT": "3.5",
                "MOTCUA_POST_URL": "https://post.example/", "MOTCUA_POST_POOL_REFILL": "20",
                "MOTCUA_PAYMENT_URL": "https://pay.example", "MOTCUA_PAYMENT_QUERY_EVERY": "60",
                "MOTCUA_EMAIL_HOST": "smtp.example", "MOTCUA_EMAIL_PORT": "587", "MOTCUA_EMAIL_USE_TLS": "1",
                "MOTCUA_SMS_URL": "https://sms.example", "MOTCUA_NOTIFY_CHANNELS": "sms,zalo",
                "MOTCUA_PUBLIC_URL": "https://dichvucong.example/"})
    s = cfg.signing
    assert (s.backend, s.seal_backend, s.tsa_url, s.lta, s.trust_roots) == ("pkcs11", "pkcs11", "", False,
                                                                           ("a.pem", "b.pem"))
    assert s.remote_users == (("leader_a", "001085000001"), ("b", "2")) and s.remote_url == "https://sign.example"
    assert s.remote_timeout == 3.5 and s.seal_key == "seal-{unit}"
    assert (cfg.post.url, cfg.post.pool_refill, cfg.payment.query_every) == ("https://post.example", 20, 60.0)
    assert cfg.payment.callback_url == "https://dichvucong.example/api/v1/payments/national/confirm"
    assert (cfg.notify.email_port, cfg.notify.email_use_tls, cfg.notify.enabled) == (
        587, True, frozenset({"email", "sms"}))
    assert cfg.notify.default_channels == ("sms", "zalo")
    remote = load({"MOTCUA_SIGNING_BACKEND": "remote"}).signing
    assert remote.seal_backend == "off"  # a phone cannot confirm every printed letter


@pytest.mark.parametrize("env", [
    {"MOTCUA_SIGNING_BACKEND": "usb"},
    {"MOTCUA_SIGNING_SEAL_BACKEND": "remote"},
    {"MOTCUA_SIGNING_BACKEND": "pkcs11", "MOTCUA_SIGNING_ON_APPROVAL": "1"},  # no token, key, PIN
    {"MOTCUA_REMOTE_SIGNER_TIMEOUT": "soon"},
    {"MOTCUA_REMOTE_SIGNER_USERS": "leader_a"},
    {"MOTCUA_POST_TRACK_EVERY": "0"},
    {"MOTCUA_PAYMENT_READ_TIMEOUT": "x"},
    {"MOTCUA_EMAIL_PORT": "smtp"},
    {"MOTCUA_EMAIL_USE_TLS": "1", "MOTCUA_EMAIL_USE_SSL": "1"},
    {"MOTCUA_NOTIFY_CHANNELS": "email,fax"},
    {"MOTCUA_NOTIFY_DIGEST_HOUR": "25"},
])
def test_invalid_service_values_are_refused_at_start(env):
    with pytest.raises(ConfigError):
        load({"MOTCUA_ENV": "development", **env})


def test_production_refuses_the_services_development_defaults():
    from motcua.integrations.remote_signer.simulator import DEFAULT_SECRET

    cfg = load(PROD)  # nothing configured: every integration off, results signed remotely, letters unsigned
    assert cfg.signing.backend == "remote" and cfg.signing.seal_backend == "off"
    assert cfg.signing.remote_webhook_secret == "" and cfg.post.secret == "" and cfg.payment.secret == ""
    assert cfg.notify.sms_password == "" and cfg.notify.zalo_secret_key == ""
    refused = [
        {"MOTCUA_SIGNING_BACKEND": "software"},
        {"MOTCUA_SIGNING_SEAL_BACKEND": "software"},
        {"MOTCUA_REMOTE_SIGNER_URL": "https://sign.example"},  # no callback HMAC key
        {"MOTCUA_REMOTE_SIGNER_URL": "https://sign.example", "MOTCUA_REMOTE_SIGNER_WEBHOOK_SECRET": DEFAULT_SECRET},
        {"MOTCUA_REMOTE_SIGNER_URL": "https://sign.example", "MOTCUA_REMOTE_SIGNER_WEBHOOK_SECRET": "short"},
        {"MOTCUA_POST_URL": "https://post.example"},
        {"MOTCUA_PAYMENT_URL": "https://pay.example", "MOTCUA_PAYMENT_PARTNER": "H39",
         "MOTCUA_PAYMENT_SECRET": "short"},
        {"MOTCUA_SMS_URL": "https://sms.example"},
        {"MOTCUA_ZALO_URL": "https://zalo.example"},
    ]
    for env in refused:
        with pytest.raises(ConfigError):
            load({**PROD, **env})
    ok = load({**PROD, "MOTCUA_REMOTE_SIGNER_URL": "https://sign.example",
               "MOTCUA_REMOTE_SIGNER_WEBHOOK_SECRET": STRONG_HMAC, "MOTCUA_SIGNING_SEAL_BACKEND": "pkcs11",
               "MOTCUA_SIGNING_PKCS11_TOKEN": "hsm", "MOTCUA_SIGNING_PKCS11_PIN": "0000"})
    assert ok.signing.remote_webhook_secret == STRONG_HMAC and ok.signing.seal_backend == "pkcs11"


def test_the_modules_read_the_one_settings_object():
    from motcua.conf import CONFIG
    from motcua.integrations.payment import jobs as payment
    from motcua.integrations.post import jobs as post
    from motcua.notifications import conf as notify
    from motcua.signing import config as signing

    assert post.SETTINGS is CONFIG.post and payment.SETTINGS is CONFIG.payment and notify.SETTINGS is CONFIG.notify
    assert signing.current() is CONFIG.signing
    assert post.load_settings({}).secret == CONFIG.post.secret and post.Settings is type(CONFIG.post)
    assert payment.Settings is type(CONFIG.payment) and notify.Settings is type(CONFIG.notify)


def test_a_changed_environment_is_read_again_by_the_signing_accessors(monkeypatch):
    from motcua.conf import CONFIG
    from motcua.signing import config as signing
    from motcua.signing.errors import SigningError

    monkeypatch.setenv("MOTCUA_SIGNING_ON_APPROVAL", "1")
    monkeypatch.setenv("MOTCUA_SIGNING_BACKEND", "remote")
    assert signing.current() is not CONFIG.signing and signing.approval_backend() == "remote"
    assert signing.current() is signing.current()  # parsed once per environment
    monkeypatch.setenv("MOTCUA_SIGNING_BACKEND", "usb")
    with pytest.raises(SigningError, match="software, pkcs11 or remote"):
        signing.current()
