"""What the worker runs for a legacy import: the dry run of an uploaded file, then its import, each
writing its progress (rows done / total) on the run for the page to poll."""

from __future__ import annotations

import logging

from django_tasks import task

logger = logging.getLogger("motcua.legacy")


def _fail(run_id: int, message: str) -> None:
    from motcua.core import clock

    from .models import ImportRun, RunStatus

    ImportRun.objects.filter(pk=run_id).update(status=RunStatus.FAILED, error=message, finished_at=clock.now())


@task()
def check_run(run_id: int) -> str:
    """The dry run: count the rows (for the progress bar), check every one, keep the report."""
    from . import check, services
    from .models import ImportRun, RunStatus
    from .parse import FileProblem, count_rows

    run = ImportRun.objects.get(pk=run_id)
    try:
        with services.local_files(run) as paths:
            try:
                total = count_rows(paths)
            except FileProblem:
                total = 0
            ImportRun.objects.filter(pk=run_id).update(rows_total=total, rows_done=0)
            report = check.dry_run(paths, check.Context(services.administered(run.created_by)
                                                        if run.created_by else None),
                                   progress=lambda n: ImportRun.objects.filter(pk=run_id).update(rows_done=n))
    except Exception as exc:  # noqa: BLE001 - the run shows why; the task records the trace
        logger.exception("legacy check %s failed", run_id)
        _fail(run_id, str(exc))
        raise
    ImportRun.objects.filter(pk=run_id).update(
        status=RunStatus.CHECKED, summary=report.counts(), problems=report.problems,
        failed_codes=sorted(report.failed_codes), rows_done=report.rows, rows_total=report.rows)
    return f"{report.rows} rows, {report.new} new, {report.failed} refused"


@task()
def import_run(run_id: int) -> str:
    """The import of a checked run; the read model is refreshed at the end."""
    from motcua.core import clock

    from . import check, load, services
    from .models import ImportRun, RunStatus

    run = ImportRun.objects.get(pk=run_id)
    ImportRun.objects.filter(pk=run_id).update(status=RunStatus.IMPORTING, rows_done=0)

    def progress(c: load.Counts) -> None:
        ImportRun.objects.filter(pk=run_id).update(rows_done=c.rows, created=c.created, skipped=c.skipped,
                                                   failed=c.failed)

    try:
        with services.local_files(run) as paths:
            ctx = check.Context(services.administered(run.created_by) if run.created_by else None)
            counts = load.import_file(paths, ctx, run=run, exclude=run.failed_codes, progress=progress)
    except Exception as exc:  # noqa: BLE001
        logger.exception("legacy import %s failed", run_id)
        _fail(run_id, str(exc))
        raise
    ImportRun.objects.filter(pk=run_id).update(
        status=RunStatus.DONE, rows_done=counts.rows, created=counts.created, skipped=counts.skipped,
        failed=counts.failed, finished_at=clock.now())
    return f"{counts.created} created, {counts.skipped} skipped, {counts.failed} failed"
