"""Item 19: roles and tokens are cached in Django's cache, which is Redis when MOTCUA_REDIS_URL is set,
so several server processes agree: a role or token revoked in one is refused at once by the others.

The Redis tests use ``MOTCUA_TEST_REDIS_URL`` (default redis://127.0.0.1:6379/13, a database of its
own that they flush) and are skipped, with the reason, when no Redis answers there. The two-process
test also needs PostgreSQL (both processes read the same test database)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from collections.abc import Iterator

import pytest
from django.db import connection
from django.test import override_settings

from motcua.core.models import ApiToken
from motcua.units.models import StaffRole
from motcua.units.services import scope_for

REDIS_URL = os.environ.get("MOTCUA_TEST_REDIS_URL", "redis://127.0.0.1:6379/13")
REDIS_CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL,
                            "KEY_PREFIX": "motcua"}}


def _redis_answers() -> str | None:
    try:
        import redis

        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except Exception as exc:  # noqa: BLE001 - any failure means: no Redis to test against
        return f"no Redis answers at {REDIS_URL} ({exc.__class__.__name__}); set MOTCUA_TEST_REDIS_URL"
    return None


@pytest.fixture
def redis_cache() -> Iterator[None]:
    reason = _redis_answers()
    if reason:
        pytest.skip(reason)
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    client.flushdb()
    with override_settings(CACHES=REDIS_CACHES):
        yield
    client.flushdb()


def test_settings_use_redis_only_when_configured() -> None:
    env = {**os.environ, "MOTCUA_REDIS_URL": REDIS_URL}
    code = "from django.conf import settings; print(settings.CACHES['default']['BACKEND'])"
    run = [sys.executable, "-c", f"import django, os; django.setup(); {code}"]
    assert subprocess.run(run, env=env, capture_output=True, text=True, check=True).stdout.strip() == \
        "django.core.cache.backends.redis.RedisCache"
    env.pop("MOTCUA_REDIS_URL")
    assert subprocess.run(run, env=env, capture_output=True, text=True, check=True).stdout.strip() == \
        "django.core.cache.backends.locmem.LocMemCache"


@pytest.mark.django_db
def test_no_per_process_copy_of_roles_a_revoke_elsewhere_is_seen_at_once(world, redis_cache) -> None:  # noqa: ANN001
    """Two cache clients (this process's and a fresh one, as another server has) see the same entry."""
    from django.core.cache.backends.redis import RedisCache

    other_server = RedisCache(REDIS_URL, {"KEY_PREFIX": "motcua"})
    user = world.users["specialist_a"]
    assert scope_for(user).roles
    key = "motcua:ref:roles:" + str(user.pk)
    assert other_server.get(key) == scope_for(user).roles  # one shared entry
    StaffRole.objects.filter(user=user).delete()  # the signal deletes the shared entry
    assert other_server.get(key) is None
    assert scope_for(user).roles == ()


@pytest.mark.django_db(transaction=True)
def test_two_processes_agree_a_role_and_a_token_revoked_in_one_stop_at_once_in_the_other(world, redis_cache) -> None:  # noqa: ANN001, E501
    if connection.vendor != "postgresql":
        pytest.skip("the other process must read this test's database: run on PostgreSQL")
    user = world.users["specialist_a"]
    token, raw = ApiToken.issue(user, "he-thong-ngoai")
    from motcua.api.main import TokenAuth

    class Req:
        user = None

    assert scope_for(user).roles and TokenAuth().authenticate(Req(), raw) == user  # cached in Redis now
    db = connection.settings_dict
    env = {**os.environ, "MOTCUA_REDIS_URL": REDIS_URL,
           "MOTCUA_DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/"
                                  f"{db['NAME']}"}
    script = textwrap.dedent(f"""
        import django; django.setup()
        from motcua.core.models import ApiToken
        from motcua.units.models import StaffRole
        from motcua.units.services import scope_for
        from django.contrib.auth import get_user_model
        user = get_user_model().objects.get(pk={user.pk})
        assert scope_for(user).roles  # the other server sees the same roles
        for role in StaffRole.objects.filter(user=user):
            role.delete()
        t = ApiToken.objects.get(pk={token.pk}); t.revoked = True; t.save()
        print("revoked")
    """)
    out = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=120)
    assert out.stdout.strip() == "revoked", out.stderr[-2000:]
    assert scope_for(user).roles == ()  # seen at once here, not after a TTL
    assert TokenAuth().authenticate(Req(), raw) is None


@pytest.mark.django_db
def test_the_dashboard_and_the_rate_limit_counts_live_in_the_shared_cache(world, client_of, now, redis_cache) -> None:  # noqa: ANN001, E501
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    assert client_of("leader_a").get("/reports/dashboard/").status_code == 200
    keys = [k.decode() for k in client.keys("*")]
    assert any("reports:dashboard:" in k for k in keys), keys
    from django.test import Client

    Client(REMOTE_ADDR="198.51.100.20").get("/portal/lookup/", {"code": "x-1"})
    keys = [k.decode() for k in client.keys("*")]
    assert any(":rl:" in k for k in keys), keys  # django-ratelimit's counter
