"""Periodic jobs run by the worker: each due run enqueued once, the read-model drain among them."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from motcua.jobs import periodic
from motcua.jobs.models import PeriodicSchedule


@pytest.mark.django_db
def test_each_periodic_job_is_enqueued_once_per_period():
    assert set(periodic.enqueue_due()) == set(periodic.jobs())  # the core's and every integration's
    assert {"outbox.sweep", "readmodel.refresh", "tasks.prune", "events.verify", "national_portal.pull",
            "national_portal.catalog"} <= set(periodic.jobs())
    assert periodic.enqueue_due() == []
    PeriodicSchedule.objects.filter(name="outbox.sweep").update(next_run_at=timezone.now() - timedelta(seconds=1))
    assert periodic.enqueue_due() == ["outbox.sweep"]


@pytest.mark.django_db
def test_the_worker_applies_the_read_model_queue(world, drain):
    from motcua.dossiers import services as svc
    from motcua.reports.models import DirtyDossier

    svc.intake(world.actor("counter_a"), world.intake_request())
    assert DirtyDossier.objects.exists()
    drain()
    assert not DirtyDossier.objects.exists()


@pytest.mark.django_db
def test_the_refresh_readmodel_command_still_works(world):
    from motcua.dossiers import services as svc
    from motcua.reports.models import DirtyDossier

    svc.intake(world.actor("counter_a"), world.intake_request())
    out = StringIO()
    call_command("refresh_readmodel", stdout=out)
    assert "1 queued changes applied" in out.getvalue() and not DirtyDossier.objects.exists()


@pytest.mark.django_db
def test_old_task_results_are_pruned():
    from django_tasks_db.models import DBTaskResult

    from motcua.jobs import tasks

    tasks.sweep_outbox.enqueue()
    DBTaskResult.objects.update(status="SUCCESSFUL", finished_at=timezone.now() - timedelta(days=3))
    tasks.sweep_outbox.enqueue()
    assert tasks.prune_task_results.call() == 1
    assert DBTaskResult.objects.count() == 1


@pytest.mark.django_db
def test_the_worker_verifies_the_event_log_on_its_schedule(world, drain):
    """A clean log verifies (and gets a checkpoint); an edited event fails the scheduled job."""
    from django_tasks_db.models import DBTaskResult

    from motcua.dossiers import services as svc
    from motcua.dossiers.models import DossierEvent, EventCheckpoint
    from motcua.jobs import tasks

    d = svc.intake(world.actor("counter_a"), world.intake_request())
    assert "1 dossiers verified" in tasks.verify_event_log.call()
    assert EventCheckpoint.objects.count() == 1
    ev = DossierEvent.objects.filter(dossier=d).first()
    from tests.test_eventchain import superuser_sql  # the triggers lifted, as a superuser would

    with superuser_sql() as cur:
        cur.execute("UPDATE dossiers_dossierevent SET note = %s WHERE id = %s", ["sửa trái phép", ev.pk])
    with pytest.raises(tasks.EventLogBroken, match="edited"):
        tasks.verify_event_log.call()
    PeriodicSchedule.objects.all().delete()
    assert "events.verify" in periodic.enqueue_due()
    drain()
    failed = DBTaskResult.objects.filter(task_path__endswith="verify_event_log", status="FAILED")
    assert failed.exists()
