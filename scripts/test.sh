#!/usr/bin/env bash
# The whole test suite: lint, migrations check, tests on SQLite, then on PostgreSQL when one is
# reachable (MOTCUA_PG_URL, default postgres://postgres@127.0.0.1:5432/). Each run uses its own
# throw-away database.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN="${VENV:-.venv}/bin"
export MOTCUA_ENV=test

# Debian packages the tests use for real: Chromium (browser tests through Playwright, no browser
# download at run time), SoftHSM2 (a real PKCS#11 token), poppler-utils (pdfsig, pdftotext) and
# libnss3-tools (certutil: pdfsig's own trust store), zbar-tools (zbarimg: the browser test scans a result's QR)
missing=""
command -v chromium >/dev/null 2>&1 || missing="$missing chromium"
command -v softhsm2-util >/dev/null 2>&1 || missing="$missing softhsm2"
command -v pdfsig >/dev/null 2>&1 || missing="$missing poppler-utils"
command -v certutil >/dev/null 2>&1 || missing="$missing libnss3-tools"
command -v zbarimg >/dev/null 2>&1 || missing="$missing zbar-tools"
if [ -n "$missing" ]; then
  echo "== installing Debian packages:$missing"
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  # shellcheck disable=SC2086
  $SUDO apt-get install -y -q $missing >/dev/null || { $SUDO apt-get update -q >/dev/null && $SUDO apt-get install -y -q $missing >/dev/null; }
fi

echo "== lint"
"$BIN/ruff" check motcua tests bench
"$BIN/mypy"

echo "== migrations are in step with the models"
MOTCUA_DATABASE_URL="sqlite:///:memory:" "$BIN/motcua" makemigrations --check --dry-run >/dev/null

echo "== tests on SQLite"
MOTCUA_DATABASE_URL="sqlite:///$(mktemp -d)/motcua.sqlite3" "$BIN/pytest" -q -p no:cacheprovider -n 2 "$@"

PG_URL="${MOTCUA_PG_URL:-postgres://postgres@127.0.0.1:5432/}"
if "$BIN/python" - "$PG_URL" <<'PY'
import sys, psycopg
try:
    psycopg.connect(sys.argv[1] + "postgres", connect_timeout=3).close()
except Exception as exc:
    print(f"PostgreSQL not reachable ({exc.__class__.__name__}); skipping the PostgreSQL run")
    sys.exit(1)
PY
then
  echo "== tests on PostgreSQL"
  MOTCUA_DATABASE_URL="${PG_URL}motcua_ci_$$" "$BIN/pytest" -q -p no:cacheprovider -n 2 "$@"
fi
