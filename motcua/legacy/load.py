"""The import: the checked groups written through the bulk importer (:func:`motcua.dossiers.bulk.import_history`:
the state machine replayed, due time and verdict from the calendar, COPY into the hash-chained event log on
PostgreSQL), a batch per transaction, each dossier's legacy code and content digest recorded with it. A
re-import skips what is there with the same content; the statistics read model is refreshed at the end.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from motcua.dossiers.bulk import HistoryRecord, import_history
from motcua.dossiers.models import Dossier

from .check import Checked, Context, checked
from .models import ImportRun, LegacyRecord

BATCH = 5000  # dossiers per transaction


@dataclass
class Counts:
    rows: int = 0
    created: int = 0
    skipped: int = 0
    failed: int = 0

    def as_dict(self) -> dict[str, int]:
        return {"rows": self.rows, "created": self.created, "skipped": self.skipped, "failed": self.failed}


def _write(batch: list[Checked], run: ImportRun | None) -> int:
    """One transaction: the dossiers and events (a bulk import per province) and their legacy records."""
    by_province: dict[int, list[HistoryRecord]] = {}
    digests: dict[str, str] = {}
    for c in batch:
        assert c.record is not None and c.province_id is not None
        by_province.setdefault(c.province_id, []).append(c.record)
        digests[c.record.code] = c.digest
    with transaction.atomic():
        n = sum(import_history(recs, province, batch=len(recs)) for province, recs in by_province.items())
        ids = Dossier.objects.filter(code__in=list(digests)).values_list("code", "id")
        LegacyRecord.objects.bulk_create(
            [LegacyRecord(code=code, dossier_id=pk, digest=digests[code], run=run) for code, pk in ids],
            batch_size=1000)
    return n


def import_file(paths: list[Path], ctx: Context | None = None, run: ImportRun | None = None,
                exclude: Iterable[str] = (), progress: Callable[[Counts], None] | None = None,
                batch: int = BATCH, refresh: bool = True) -> Counts:
    """Import every dossier of the file that passes the checks (and is not in ``exclude``: those the dry
    run refused for a problem found elsewhere in the file). Raises FileProblem for an unreadable file."""
    ctx = ctx or Context()
    refused = set(exclude)
    counts = Counts()
    buf: list[Checked] = []
    with ExitStack() as stack:
        for i, c in enumerate(checked(paths, ctx, stack), 1):
            counts.rows += c.group.rows
            if progress and i % 2000 == 0:
                progress(counts)
            if c.group.dossier is None:
                counts.failed += int(c.group.refused)
                continue
            if c.failed or (c.record is not None and c.record.code in refused):
                counts.failed += 1
            elif c.existing == "same":
                counts.skipped += 1
            else:
                buf.append(c)
                if len(buf) >= batch:
                    counts.created += _write(buf, run)
                    buf = []
        if buf:
            counts.created += _write(buf, run)
    if progress:
        progress(counts)
    if refresh and counts.created:
        from motcua.reports import readmodel

        readmodel.refresh(limit=None)
    return counts
