"""Fixtures for the job backbone: a file the "test.record" destination appends to, a worker run
in-process, and settings overrides."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest


@pytest.fixture
def record(tmp_path: Path):  # noqa: ANN201
    """(path, read()): read() -> the delivered lines, in delivery order."""
    path = tmp_path / "deliveries.jsonl"

    def read() -> list[dict]:
        if not path.exists():
            return []
        return [json.loads(line) for line in path.read_text().splitlines()]

    return str(path), read


@pytest.fixture
def drain():  # noqa: ANN201
    """Run `motcua worker --once` in this process."""
    from motcua.jobs.worker import Worker

    def run() -> None:
        Worker(worker_id="test", once=True, own_connections=False).run()

    return run


@pytest.fixture
def jobs_config(monkeypatch: pytest.MonkeyPatch):  # noqa: ANN201
    """jobs_config(jobs_max_attempts=2): override the backbone's settings for one test."""
    from motcua.jobs import outbox

    def set_(**changes: object) -> None:
        monkeypatch.setattr(outbox, "CONFIG", dataclasses.replace(outbox.CONFIG, **changes))

    return set_
