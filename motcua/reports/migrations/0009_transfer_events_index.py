"""A partial index on the TRANSFER events (dossiers moved to another unit by a reorganization):
figures by the boundaries of the time look up the dossiers transferred after a period
(motcua.reports.boundaries.transfers_after) without reading the whole event log. The table is
the dossiers app's; the index is the statistics' own (as the reports triggers on it are)."""

from django.db import migrations

CREATE = ("CREATE INDEX IF NOT EXISTS reports_transfer_event_at ON dossiers_dossierevent (at) "
          "WHERE action = 'transfer'")
DROP = "DROP INDEX IF EXISTS reports_transfer_event_at"


class Migration(migrations.Migration):
    dependencies = [("reports", "0008_restore_sqlite_event_dirty_again"),
                    ("dossiers", "0015_transfer_action_return_unit")]
    operations = [migrations.RunSQL(CREATE, DROP)]
