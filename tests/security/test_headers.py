"""Item 15: a Content Security Policy on every page (our own assets only, nothing inline), HSTS and an
SSL redirect in production, and ``motcua check --deploy`` clean with a strong key."""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

import motcua

TEMPLATES = sorted(Path(motcua.__file__).parent.glob("*/templates/**/*.html"))
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.I)
INLINE_STYLE = re.compile(r"<style\b|\sstyle=|\son[a-z]+=|javascript:", re.I)


def _policy(r) -> dict[str, str]:  # noqa: ANN001
    header = r["Content-Security-Policy"]
    return {d.split()[0]: d.strip() for d in header.split(";") if d.strip()}


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", "/login/", "/portal/", "/portal/lookup/", "/portal/procedures/",
                                  "/admin/login/", "/api/v1/docs", "/api/v1/units", "/no-such-page/"])
def test_every_page_has_a_content_security_policy_without_inline_code(world, path) -> None:  # noqa: ANN001
    r = Client().get(path)
    p = _policy(r)
    assert p["default-src"] == "default-src 'self'"
    assert p["script-src"] == "script-src 'self'" and p["style-src"] == "style-src 'self'"
    assert p["object-src"] == "object-src 'none'" and p["frame-ancestors"] == "frame-ancestors 'none'"
    assert "unsafe" not in r["Content-Security-Policy"]


def test_the_office_pages_have_the_policy_too(client_of, now) -> None:  # noqa: ANN001
    for path in ["/office/queues/receive/", "/office/intake/", "/reports/dashboard/"]:
        r = client_of("leader_a" if path.startswith("/reports") else "counter_a").get(path)
        assert r.status_code == 200 and "script-src 'self'" in r["Content-Security-Policy"], path


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: f"{p.parent.parent.parent.name}/{p.name}")
def test_no_template_has_inline_script_style_or_event_handlers(template: Path) -> None:
    text = template.read_text()
    assert not INLINE_SCRIPT.search(text), "inline <script>: move it to a static file"
    assert not INLINE_STYLE.search(text), "inline style / event handler: move it to a static file"


def test_htmx_is_told_not_to_insert_its_indicator_style() -> None:
    for base in ("office", "portal"):
        html = (Path(motcua.__file__).parent / base / "templates" / base / "base.html").read_text()
        assert '"includeIndicatorStyles":false' in html


def _production_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MOTCUA_")}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env.update({"MOTCUA_ENV": "production", "MOTCUA_SECRET_KEY": secrets.token_urlsafe(50),
                "MOTCUA_EVENT_CHAIN_KEY": secrets.token_urlsafe(40), "MOTCUA_ALLOWED_HOSTS": "motcua.example.vn",
                "MOTCUA_DATABASE_URL": os.environ.get("MOTCUA_DATABASE_URL", "sqlite:///:memory:"), **extra})
    return env


def _motcua(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    cli = Path(sys.executable).with_name("motcua")
    return subprocess.run([str(cli), *args], env=env, capture_output=True, text=True, timeout=180)


@pytest.mark.slow
def test_check_deploy_is_clean_in_production() -> None:
    out = _motcua("check", "--deploy", "--fail-level", "WARNING", env=_production_env())
    assert out.returncode == 0, out.stdout + out.stderr
    assert "no issues" in out.stdout


@pytest.mark.slow
def test_production_sends_hsts_and_redirects_to_https() -> None:
    code = ("from django.test import Client; "
            "r = Client().get('/login/', HTTP_HOST='motcua.example.vn'); print(r.status_code, r['Location']); "
            "r = Client().get('/login/', HTTP_HOST='motcua.example.vn', secure=True); "
            "print(r['Strict-Transport-Security']); "
            "r = Client().get('/login/', HTTP_HOST='motcua.example.vn', HTTP_X_FORWARDED_PROTO='https'); "
            "print(r.status_code)")
    script = f"import django; django.setup(); {code}"
    env = _production_env(DJANGO_SETTINGS_MODULE="motcua.settings")
    out = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=120)
    lines = out.stdout.splitlines()
    assert lines[0] == "301 https://motcua.example.vn/login/", out.stderr[-2000:]  # a page without tables
    assert lines[1] == "max-age=31536000; includeSubDomains; preload"
    assert lines[2] == "301"  # the forwarded proto header is not trusted unless MOTCUA_SSL_HEADER is set
    env["MOTCUA_SSL_HEADER"] = "X-Forwarded-Proto"
    out = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=120)
    assert out.stdout.splitlines()[2] != "301", out.stderr[-2000:]
