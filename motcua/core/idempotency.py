"""``Idempotency-Key`` for every creating API call (POST under /api/): a client that lost the answer
retries with the same key and gets the first answer back, and nothing is done twice.

One middleware, so every POST endpoint (intake, transitions, file uploads, approvals, catalog
import, calendar changes) behaves alike:

- same key, same caller, same request: the stored first answer is replayed (header
  ``Idempotent-Replayed: true``);
- same key, same caller, another request (method, path or body differ): 422 ``idempotency_key_reused``;
- the key row is inserted in the SAME transaction as the call's work (the middleware wraps the view
  in ``transaction.atomic``): a committed call always has its key, a rolled-back one never does;
- two concurrent calls with one key: the unique (caller, key) index makes the second insert wait for
  the first transaction, then fail, and the second call replays the first answer: exactly one runs;
- only successful answers (2xx) are kept: after an error the key is free, so a corrected retry runs;
- keys expire after 24 hours (:func:`purge_expired`, ``motcua purge_idempotency_keys``).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import re
from collections.abc import Callable
from datetime import timedelta

from django.db import IntegrityError, connection, transaction
from django.http import HttpRequest, HttpResponse

from motcua.core import clock
from motcua.core.models import IdempotencyKey, hash_token

HEADER = "Idempotency-Key"
TTL = timedelta(hours=24)
KEY = re.compile(r"^[\x21-\x7e]{1,255}$")  # printable ASCII, no spaces (UUIDs, ULIDs, random strings)


def _error(request: HttpRequest, status: int, code: str, message: str) -> HttpResponse:
    from motcua.api.main import envelope

    return envelope(request, status, code, message, {"idempotency_key": message})


def caller_of(request: HttpRequest) -> str | None:
    """Who is calling: the bearer token (hashed) or the signed-in user; None for anonymous calls."""
    auth = request.headers.get("Authorization", "")
    if auth.lower().startswith("bearer "):
        return "t:" + hash_token(auth[7:].strip())
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"u:{user.pk}"
    return None


def fingerprint(request: HttpRequest) -> str:
    """The request's identity: method, full path and body (JSON canonical, multipart by its parts)."""
    h = hashlib.sha256(f"{request.method} {request.get_full_path()}\n{request.content_type}\n".encode())
    if request.content_type == "multipart/form-data":
        for name in sorted(request.POST):
            h.update(json.dumps([name, request.POST.getlist(name)], ensure_ascii=False).encode())
        for name in sorted(request.FILES):
            for f in request.FILES.getlist(name):
                h.update(json.dumps([name, f.name, f.size], ensure_ascii=False).encode())
                for chunk in f.chunks():
                    h.update(chunk)
                f.seek(0)
        return h.hexdigest()
    body = request.body
    if request.content_type == "application/json":
        with contextlib.suppress(ValueError):  # invalid JSON is fingerprinted as sent; the view answers 4xx
            body = json.dumps(json.loads(body), sort_keys=True, separators=(",", ":")).encode()
    h.update(body)
    return h.hexdigest()


def _replay(row: IdempotencyKey) -> HttpResponse:
    response = HttpResponse(bytes(row.body), status=row.status, content_type=row.content_type or None)
    response["Idempotent-Replayed"] = "true"
    return response


def _claim(caller: str, key: str, fp: str) -> IdempotencyKey | None:
    """Insert the key row, or return the existing one. ``ON CONFLICT DO NOTHING`` waits for a
    concurrent holder of the key to commit or roll back, without an exception (no savepoint)."""
    now = clock.now()
    ops, q = connection.ops, connection.ops.quote_name
    sql = (f"INSERT INTO {q(IdempotencyKey._meta.db_table)} ({q('caller')}, {q('key')}, {q('fingerprint')}, "
           f"{q('status')}, {q('content_type')}, {q('body')}, {q('created_at')}, {q('expires_at')}) "
           f"VALUES (%s, %s, %s, 0, '', %s, %s, %s) ON CONFLICT ({q('caller')}, {q('key')}) DO NOTHING RETURNING id")
    for _ in range(3):
        with connection.cursor() as cur:
            cur.execute(sql, [caller, key, fp, b"", ops.adapt_datetimefield_value(now),
                              ops.adapt_datetimefield_value(now + TTL)])
            if cur.fetchone() is not None:
                return None
        row = IdempotencyKey.objects.filter(caller=caller, key=key).first()
        if row is None:
            continue  # its holder failed and freed it meanwhile: try again
        if row.expires_at > now:
            return row
        IdempotencyKey.objects.filter(pk=row.pk).delete()  # expired: the key may be used again
    raise IntegrityError("could not claim the idempotency key")


class IdempotencyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        key = request.headers.get(HEADER)
        if key is None or request.method != "POST" or not request.path.startswith("/api/"):
            return self.get_response(request)
        if not KEY.match(key):
            return _error(request, 400, "bad_idempotency_key",
                          "Idempotency-Key must be 1 to 255 printable ASCII characters without spaces.")
        caller = caller_of(request)
        if caller is None:  # anonymous: the view answers (401), nothing to protect
            return self.get_response(request)
        fp = fingerprint(request)
        with transaction.atomic():
            row = _claim(caller, key, fp)
            if row is not None:
                if row.fingerprint != fp:
                    return _error(request, 422, "idempotency_key_reused",
                                  "This Idempotency-Key was already used for a different request; "
                                  "use a new key for a new request.")
                return _replay(row)
            response = self.get_response(request)
            if 200 <= response.status_code < 300 and not response.streaming:
                IdempotencyKey.objects.filter(caller=caller, key=key).update(
                    status=response.status_code, content_type=response.get("Content-Type", ""),
                    body=response.content)
            else:  # nothing was done (or it is not worth replaying): the key stays free for a retry
                IdempotencyKey.objects.filter(caller=caller, key=key).delete()
        return response


def purge_expired() -> int:
    """Delete expired keys; returns how many."""
    return IdempotencyKey.objects.filter(expires_at__lte=clock.now()).delete()[0]
