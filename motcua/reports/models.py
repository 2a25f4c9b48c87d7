"""The statistics read model: pre-aggregated figure counts, kept exact from the event log.

The event log stays the source of truth. Every event insert marks its dossier *dirty* (a
database trigger on ``dossiers_dossierevent``, so imports that bypass the services are seen
too, in the same transaction as the event); so does every change to the applicant's rating
(a trigger on ``portal_rating``) and to its stored files (``dossiers_dossierfile``: scans and
results count in the digitization and electronic-result figures). Draining the dirty queue recomputes each dossier's
*contribution* (:mod:`motcua.reports.deltas`) and applies the difference to the buckets.
See :mod:`motcua.reports.readmodel`.
"""

from __future__ import annotations

from django.db import models

FLOW_COLUMNS = (
    "received", "received_online", "online_full_eligible", "online_full", "resolved_early", "resolved_on_time",
    "resolved_late", "processed", "processing_seconds", "withdrawn", "refused", "stopped", "requests",
    "rated", "rated_satisfied", "rated_dissatisfied", "digitizable", "digitized", "e_result",
    "digitized_any", "digitized_all", "result_digitized",
)
STOCK_COLUMNS = ("open_on_time", "open_late", "approaching", "not_collected")
# internal process steps left on the day, and late among them (left after the due time the entering
# event recorded; motcua.reports.steps): flows, numbered after the stocks so that the column numbers
# of the contributions already stored keep their meaning (reports 0010)
STEP_COLUMNS = ("steps_left", "steps_left_late")
COLUMNS = FLOW_COLUMNS + STOCK_COLUMNS + STEP_COLUMNS


class FigureBucket(models.Model):  # noqa: DJ008 (internal rows, never displayed)
    """Counts of one (subtree, procedure, channel) on one local day (grain D), month (grain M,
    ``day`` = the 1st) or year (grain Y, ``day`` = 1 January). Flow columns count events in it;
    stock columns are signed changes of a stock, so a stock at midnight ``E`` is the sum of every
    bucket before ``E``. One row per ancestor of the dossier's handling path: a unit's figures
    read its own rows only."""

    scope_path = models.CharField(max_length=255)
    grain = models.CharField(max_length=1)
    day = models.DateField()
    procedure_id = models.IntegerField()
    channel = models.SmallIntegerField()
    received = models.IntegerField(default=0)
    received_online = models.IntegerField(default=0)
    online_full_eligible = models.IntegerField(default=0)
    online_full = models.IntegerField(default=0)
    resolved_early = models.IntegerField(default=0)
    resolved_on_time = models.IntegerField(default=0)
    resolved_late = models.IntegerField(default=0)
    processed = models.IntegerField(default=0)
    processing_seconds = models.BigIntegerField(default=0)
    withdrawn = models.IntegerField(default=0)
    refused = models.IntegerField(default=0)
    stopped = models.IntegerField(default=0)
    requests = models.IntegerField(default=0)
    rated = models.IntegerField(default=0)
    rated_satisfied = models.IntegerField(default=0)
    rated_dissatisfied = models.IntegerField(default=0)
    digitizable = models.IntegerField(default=0)
    digitized = models.IntegerField(default=0)
    e_result = models.IntegerField(default=0)
    digitized_any = models.IntegerField(default=0)
    digitized_all = models.IntegerField(default=0)
    result_digitized = models.IntegerField(default=0)
    open_on_time = models.IntegerField(default=0)
    open_late = models.IntegerField(default=0)
    approaching = models.IntegerField(default=0)
    not_collected = models.IntegerField(default=0)
    steps_left = models.IntegerField(default=0)
    steps_left_late = models.IntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["scope_path", "grain", "day", "procedure_id", "channel"],
                                               name="figurebucket_key")]


class DossierContribution(models.Model):  # noqa: DJ008
    """What one dossier last added to the buckets (to subtract it when its history grows)."""

    dossier_id = models.BigIntegerField(primary_key=True)
    handling_path = models.CharField(max_length=255)
    procedure_id = models.IntegerField()
    channel = models.SmallIntegerField()
    deltas = models.TextField(default="")  # "day:column:n,..." (day = local ordinal - 719163)


class RequestPair(models.Model):  # noqa: DJ008
    """Two consecutive supplement requests of a dossier: a dossier counts once in
    ``supplement_requested`` however many of its requests fall in the period, so the number of
    pairs with both in the period is subtracted from the number of requests."""

    dossier_id = models.BigIntegerField(db_index=True)
    handling_path = models.CharField(max_length=255)
    procedure_id = models.IntegerField()
    channel = models.SmallIntegerField()
    first_at = models.BigIntegerField(db_index=True)
    next_at = models.BigIntegerField()


class DirtyDossier(models.Model):  # noqa: DJ008
    """A dossier with an event the buckets do not include yet (filled by a trigger)."""

    id = models.BigAutoField(primary_key=True)
    dossier_id = models.BigIntegerField()


class ReadModelState(models.Model):  # noqa: DJ008
    """The calendar revision the province's buckets were computed with: due times depend on the
    calendar, so after a calendar change the figures come from the event log until a rebuild."""

    province_id = models.IntegerField(primary_key=True)
    calendar_revision = models.IntegerField(null=True)
