"""The import's service layer, used by the administrator's page, the ``motcua import`` command and the
worker: who may import, a run created from uploaded files (stored, then checked by a job), the import
queued after the dry run, and the files brought back to a local folder for reading."""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, BinaryIO

from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from motcua.core import clock
from motcua.domain.errors import NotFound, PermissionDenied, ValidationFailed
from motcua.dossiers.storage import get_storage

from .models import ImportRun, RunStatus

MAX_BYTES = 2 * 1024 ** 3  # 2 GiB per file: a province's whole history fits
ACCEPTED = (".csv", ".xlsx")


def may_import(user: Any) -> bool:
    """Administrators only (a superuser, or the admin role somewhere in the unit tree)."""
    from motcua.units.choices import Role
    from motcua.units.services import scope_for

    if not getattr(user, "is_authenticated", False):
        return False
    scope = scope_for(user)
    return scope.is_superuser or scope.has_role(Role.ADMIN)


def administered(user: Any) -> Callable[[str], bool] | None:
    """The unit paths the user administers, as a test on a path (None: all, a superuser)."""
    from motcua.units.choices import Role
    from motcua.units.services import scope_for

    scope = scope_for(user)
    if scope.is_superuser:
        return None
    return lambda path: scope.has_role(Role.ADMIN, path)


def visible_runs(user: Any) -> QuerySet[ImportRun]:
    qs = ImportRun.objects.all()
    return qs if user.is_superuser else qs.filter(created_by=user)


def get_run(user: Any, pk: int) -> ImportRun:
    if not may_import(user):
        raise PermissionDenied("Administrators only.")
    run = visible_runs(user).filter(pk=pk).first()
    if run is None:
        raise NotFound("No such import run.")
    return run


def _store(stream: BinaryIO, name: str) -> dict[str, Any]:
    digest, size = hashlib.sha256(), 0
    fd, tmp = tempfile.mkstemp(prefix="motcua-legacy-")
    try:
        with os.fdopen(fd, "wb") as out:
            while chunk := stream.read(1024 * 1024):
                size += len(chunk)
                if size > MAX_BYTES:
                    raise ValidationFailed("File too large.",
                                           fields={"file": _("Tệp %(n)s lớn quá 2 GiB.") % {"n": name}})
                digest.update(chunk)
                out.write(chunk)
        if size == 0:
            raise ValidationFailed("Empty file.", fields={"file": _("Tệp %(n)s rỗng.") % {"n": name}})
        sha = digest.hexdigest()
        key = f"legacy/{sha}"
        get_storage().put(key, Path(tmp), "text/csv" if name.lower().endswith(".csv") else "application/zip")
        return {"name": os.path.basename(name), "key": key, "sha256": sha, "size": size}
    finally:
        Path(tmp).unlink(missing_ok=True)


def check_files(names: list[str]) -> None:
    """One .xlsx, or two .csv: anything else is refused before it is stored."""
    ext = [os.path.splitext(n.lower())[1] for n in names]
    if not (ext == [".xlsx"] or ext == [".csv", ".csv"]):
        raise ValidationFailed("Wrong files.", fields={"file": _("Chọn một tệp Excel (.xlsx) có hai trang hoso và "
                                                                 "sukien, hoặc hai tệp CSV (hồ sơ và sự kiện).")})


def create_run(user: Any, uploads: list[tuple[BinaryIO, str]]) -> ImportRun:
    """Store the uploaded files, create the run and enqueue its dry run."""
    from . import tasks

    if user is not None and not may_import(user):
        raise PermissionDenied("Administrators only.")
    check_files([n for _, n in uploads])
    files = [_store(s, n) for s, n in uploads]
    file_hash = hashlib.sha256("".join(f["sha256"] for f in files).encode()).hexdigest()
    with transaction.atomic():
        run = ImportRun.objects.create(file_hash=file_hash, files=files, created_at=clock.now(),
                                       created_by=user if user is not None else None, status=RunStatus.CHECKING)
        transaction.on_commit(lambda: tasks.check_run.enqueue(run.pk))
    return run


def start_import(user: Any, run: ImportRun) -> ImportRun:
    """Queue the import of a checked run (a file that could be read; refused dossiers are left out)."""
    from . import tasks

    with transaction.atomic():
        run = ImportRun.objects.select_for_update().get(pk=run.pk)
        if run.status != RunStatus.CHECKED or run.summary.get("unreadable") or not run.summary.get("new"):
            raise ValidationFailed("Nothing to import.", fields={"run": _("Lượt này không có hồ sơ nào để nhập.")})
        run.status, run.rows_done = RunStatus.QUEUED, 0
        run.save(update_fields=["status", "rows_done"])
        transaction.on_commit(lambda: tasks.import_run.enqueue(run.pk))
    return run


@contextmanager
def local_files(run: ImportRun) -> Iterator[list[Path]]:
    """The run's files copied from the storage into a temporary folder, under their own names."""
    folder = Path(tempfile.mkdtemp(prefix="motcua-legacy-"))
    try:
        paths = []
        for i, f in enumerate(run.files):
            (folder / str(i)).mkdir()
            path = folder / str(i) / f["name"]  # the name as uploaded: the problems name it
            with get_storage().open(f["key"]) as src, open(path, "wb") as dst:
                shutil.copyfileobj(src, dst, 1024 * 1024)
            paths.append(path)
        yield paths
    finally:
        shutil.rmtree(folder, ignore_errors=True)
