"""Leave free space in dossier pages (PostgreSQL) so that due-time rewrites after a calendar
change are heap-only updates: no indexed column changes (0008), and the new row version fits
on the same page."""

from django.db import migrations


def up(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE dossiers_dossier SET (fillfactor = 75)")


def down(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE dossiers_dossier RESET (fillfactor)")


class Migration(migrations.Migration):
    dependencies = [("dossiers", "0008_queue_indexes_without_due")]
    operations = [migrations.RunPython(up, down)]
