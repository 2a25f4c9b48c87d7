"""Stored files in the read model: the digitization and electronic-result counts become bucket
columns (counted at receipt / at the end of processing), and a trigger marks a dossier dirty
when one of its files is stored, changed or removed; every dossier is queued so the buckets
take the existing files in. (A later migration that rebuilds dossiers_dossierfile on SQLite
must recreate these triggers.)"""

from django.db import migrations, models

from motcua.reports.migrations import _dirty_triggers

create, drop = _dirty_triggers.operations("dossiers_dossierfile", "reports_file_dirty", _dirty_triggers.SEED_ALL)


class Migration(migrations.Migration):
    dependencies = [("reports", "0003_ratings"), ("dossiers", "0011_applicant_id_index")]
    operations = [
        migrations.AddField("figurebucket", "digitizable", models.IntegerField(default=0)),
        migrations.AddField("figurebucket", "digitized", models.IntegerField(default=0)),
        migrations.AddField("figurebucket", "e_result", models.IntegerField(default=0)),
        migrations.RunPython(create, drop),
    ]
