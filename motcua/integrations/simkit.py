"""What every simulator of an outside system shares (standard library only: the simulators also run
without Django, ``python -m motcua.integrations.<system>.simulator``)."""

from __future__ import annotations

import json
import signal
import sys
from typing import IO, Any


def parse_fault(text: str) -> tuple[str, object]:
    """A ``--fault NAME=VALUE`` switch: VALUE read as JSON, else kept as text."""
    name, sep, value = text.partition("=")
    if not sep:
        raise SystemExit(f"--fault {text!r}: expected NAME=VALUE")
    try:
        return name, json.loads(value)
    except ValueError:
        return name, value


def serve_until_stopped(server: Any, name: str, host: str, out: IO[str] = sys.stdout) -> None:  # noqa: ANN401
    """Print the simulator's address, then serve until SIGTERM or Ctrl-C, and close the socket."""
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    out.write(f"{name} simulator listening on http://{host}:{server.server_port}\n")
    out.flush()
    try:
        server.serve_forever()
    except (KeyboardInterrupt, SystemExit):
        pass
    finally:
        server.server_close()
