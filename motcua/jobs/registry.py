"""Destinations: the handler that delivers an outbox message to each outside system.

A handler takes the message and returns when the outside system has accepted it; it raises
``Undeliverable`` for a message that no retry can fix (dead letter at once) and any other
exception for a failure worth retrying. Each integration registers its own in its AppConfig.
"""

from __future__ import annotations

import json
import logging
import os
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .models import OutboxMessage

Handler = Callable[["OutboxMessage"], None]
logger = logging.getLogger("motcua.jobs")
_HANDLERS: dict[str, Handler] = {}


class Undeliverable(Exception):  # noqa: N818 - a verdict, not an accident
    """The outside system refused the message for good: retrying cannot help."""


class UnknownDestination(LookupError):
    pass


def register(destination: str, handler: Handler) -> None:
    _HANDLERS[destination] = handler


def get_handler(destination: str) -> Handler:
    try:
        return _HANDLERS[destination]
    except KeyError:
        raise UnknownDestination(destination) from None


def destinations() -> list[str]:
    return sorted(_HANDLERS)


def deliver_to_log(message: OutboxMessage) -> None:
    """The "log" destination: nothing leaves, the message is written to the log (development)."""
    logger.info("outbox %s %s: %s", message.destination, message.key, json.dumps(message.payload)[:500])


def deliver_to_file(message: OutboxMessage) -> None:
    """The "test.record" destination, for tests and checks: appends one JSON line per delivery to
    ``payload["path"]`` (with the worker's pid) after ``payload["sleep"]`` seconds; fails while
    ``attempts <= payload["fail_times"]`` and for good when ``payload["undeliverable"]`` is set."""
    time.sleep(float(message.payload.get("sleep", 0)))
    if message.payload.get("undeliverable"):
        raise Undeliverable("từ chối vĩnh viễn (thử nghiệm)")
    if message.attempts <= int(message.payload.get("fail_times", 0)):
        raise RuntimeError(f"lỗi giả lập ở lần thử {message.attempts}")
    line = json.dumps({"id": message.id, "key": message.key, "ordering_key": message.ordering_key,
                       "pid": os.getpid(), "attempt": message.attempts})
    with open(message.payload["path"], "a", encoding="utf-8") as fh:
        fh.write(line + "\n")


def register_builtins() -> None:
    register("log", deliver_to_log)
    register("test.record", deliver_to_file)
