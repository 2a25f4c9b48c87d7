"""The VNeID sign-in round trip against the provider simulator server: from the press of motcua's button
to the signed-in session (motcua's start page, the provider's page and its form over HTTP, motcua's
callback: code exchanged with PKCE, RS256 ID token checked, userinfo read, account opened or found,
sign-in recorded). A browser is replaced by Django's test client for motcua and httpx for the provider.

``--n`` distinct identities sign in once (new accounts), then once more each (returning sign-ins).

    .venv/bin/python bench/vneid.py --db sqlite --n 100
"""

from __future__ import annotations

import re
import subprocess
import sys
import time
from html import unescape
from urllib.parse import urlsplit

import common


def main() -> None:
    opts = common.parser(__doc__.splitlines()[0], 100, default_db="sqlite").parse_args()
    url = common.db_url(opts.db, opts.name or "motcua_bench_vneid")
    common.prepare(url, opts.reuse)
    common.setup_django(url)
    sim = subprocess.Popen([sys.executable, "-m", "motcua.integrations.vneid.simulator", "--port", "0"],
                           stdout=subprocess.PIPE, text=True, cwd=common.ROOT)
    try:
        base = sim.stdout.readline().strip().rsplit(" ", 1)[-1] if sim.stdout else ""
        result = run(base, opts.n)
    finally:
        sim.terminate()
        sim.wait(10)
        if not opts.keep:
            common.drop_db(url)
    common.emit({"bench": "vneid", "db": opts.db, **result}, opts.json)


def run(base: str, n: int) -> dict[str, object]:
    import dataclasses

    import httpx
    from django.test import Client

    from motcua.core import ratelimit
    from motcua.integrations.vneid import client
    from motcua.portal.models import EidSignIn

    ratelimit.CONFIG = dataclasses.replace(ratelimit.CONFIG, rate_login="1000000/m")
    client.SETTINGS = dataclasses.replace(client.SETTINGS, url=base, redirect_url="http://127.0.0.1/portal/vneid/callback/")
    client.forget()
    numbers = [f"0792{i:08d}" for i in range(n)]
    with httpx.Client(timeout=10) as http:
        sign_in(Client(SERVER_NAME="127.0.0.1"), http, base, "079199999999")  # warm: metadata, keys, templates
        first = [sign_in(Client(SERVER_NAME="127.0.0.1"), http, base, num) for num in numbers]
        again = [sign_in(Client(SERVER_NAME="127.0.0.1"), http, base, num) for num in numbers]
    ms = lambda xs: {"median_ms": round(common.median(xs) * 1000, 1),  # noqa: E731
                     "p95_ms": round(common.percentile(xs, 95) * 1000, 1)}
    return {"sign_ins": 2 * n, "new_account": ms(first), "returning": ms(again),
            "recorded": EidSignIn.objects.count()}


def sign_in(c: object, http: object, base: str, number: str) -> float:
    t0 = time.perf_counter()
    page = c.post("/portal/vneid/login/")  # type: ignore[attr-defined]
    target = unescape(re.search(r'id="vneid-continue" href="([^"]+)"', page.content.decode()).group(1))
    form = http.get(target).text  # type: ignore[attr-defined]
    fields = {unescape(k): unescape(v) for k, v in re.findall(r'type="hidden" name="([^"]*)" value="([^"]*)"', form)}
    r = http.post(f"{base}/oauth2/authorize", data={  # type: ignore[attr-defined]
        **fields, "person": "typed", "SoDinhDanh": number, "HoVaTen": "Người Dùng Thử", "loa": "LoA2",
        "action": "login"})
    back = urlsplit(r.headers["location"])
    done = c.get(back.path + "?" + back.query)  # type: ignore[attr-defined]
    assert done.status_code == 302 and done["Location"] == "/portal/", done.content[:200]
    return time.perf_counter() - t0


if __name__ == "__main__":
    main()
