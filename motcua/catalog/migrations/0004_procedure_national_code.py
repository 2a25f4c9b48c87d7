import re

from django.db import migrations, models

NATIONAL = re.compile(r"^[12]\.\d{6}$")  # the national database's codes: 1.001193, 2.000815


def map_national_codes(apps, schema_editor):
    """Procedures whose own code is a national code are mapped to it; the others wait for an
    administrator (they cannot be synced to the national portal until then)."""
    Procedure = apps.get_model("catalog", "Procedure")
    for p in Procedure.objects.all():
        if NATIONAL.match(p.code):
            Procedure.objects.filter(pk=p.pk).update(national_code=p.code)


class Migration(migrations.Migration):

    dependencies = [
        ("catalog", "0003_process_step_marks"),
    ]

    operations = [
        migrations.AddField(
            model_name="procedure",
            name="national_code",
            field=models.CharField(blank=True, default="", help_text="Mã thủ tục trên Cơ sở dữ liệu quốc gia về TTHC (MaTTHC), dùng khi đồng bộ hồ sơ lên Cổng DVC quốc gia", max_length=40, verbose_name="mã TTHC quốc gia"),
        ),
        migrations.RunPython(map_national_codes, migrations.RunPython.noop),
    ]
