"""``motcua import FILE [FILE2] [--dry-run]``: a legacy system's history (one .xlsx with the sheets hoso and
sukien, or two CSV files) checked, then imported through the bulk importer. See /office/legacy/format/."""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from motcua.core import clock


def _hash(paths: list[Path]) -> str:
    out = hashlib.sha256()
    for p in paths:
        h = hashlib.sha256()
        with open(p, "rb") as fh:
            while chunk := fh.read(1024 * 1024):
                h.update(chunk)
        out.update(h.hexdigest().encode())
    return out.hexdigest()


class Command(BaseCommand):
    help = "Import a legacy system's dossier history (check only with --dry-run)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", nargs="+", type=Path, help="one .xlsx, or the dossier and event .csv files")
        parser.add_argument("--dry-run", action="store_true", help="check and report, write nothing")
        parser.add_argument("--max-problems", type=int, default=200, help="problems printed (all are counted)")

    def handle(self, *args: Any, **opts: Any) -> None:
        from motcua.legacy import check, load
        from motcua.legacy.models import ImportRun, RunStatus

        paths: list[Path] = opts["files"]
        for p in paths:
            if not p.is_file():
                raise CommandError(f"{p}: no such file")
        report = check.dry_run(paths)
        for p in report.problems[: opts["max_problems"]]:
            where = ":".join(str(x) for x in (p["file"], p["row"] or "", p["column"]) if x != "")
            self.stdout.write(f"{p['severity']}\t{where}\t{p['message']}")
        c = report.counts()
        self.stdout.write(f"dry run: {c['rows']} rows, {c['dossiers']} dossiers: {c['new']} to create, "
                          f"{c['skipped']} already imported, {c['failed']} refused; {c['warnings']} warnings")
        if report.unreadable:
            raise CommandError("the file cannot be read")
        if opts["dry_run"]:
            if report.failed:
                sys.exit(1)
            return
        run = ImportRun.objects.create(file_hash=_hash(paths), files=[{"name": p.name} for p in paths],
                                       created_at=clock.now(), status=RunStatus.IMPORTING, summary=c,
                                       problems=report.problems, failed_codes=sorted(report.failed_codes),
                                       rows_total=report.rows)
        counts = load.import_file(paths, run=run, exclude=report.failed_codes)
        ImportRun.objects.filter(pk=run.pk).update(status=RunStatus.DONE, rows_done=counts.rows,
                                                   created=counts.created, skipped=counts.skipped,
                                                   failed=counts.failed, finished_at=clock.now())
        self.stdout.write(f"imported: {counts.created} created, {counts.skipped} skipped, {counts.failed} failed")
        if counts.failed:
            sys.exit(1)
